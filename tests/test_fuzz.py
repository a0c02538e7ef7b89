"""A 500-input sample of `make fuzz` (issue 18 item 14): no crash, hang, exit 3, traceback,
long line, 5xx, or verdict on a schema-breaking input."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fuzz"))

from hostile import WEIGHTS, fuzz  # noqa: E402


def test_500_hostile_inputs_end_as_the_contract_says() -> None:
    counts, problems = fuzz(count=500, seed=18, batch=250, jobs=2)
    assert sum(counts.values()) == 500
    assert set(counts) == set(WEIGHTS)  # every category is in the sample
    shown = "\n".join(f"#{p['index']} [{p['category']}] {p['problem'][:300]}" for p in problems)
    assert not problems, shown
