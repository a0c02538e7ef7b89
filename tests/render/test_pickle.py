"""Reports cross from `assess`'s worker processes to the parent pickled: each record
pickles as its values in field order (`pyrules.model._Frozen.__reduce__`)."""

from __future__ import annotations

import pickle
from dataclasses import fields

import pytest

from pyrules.model import Report, Summary


def test_every_example_and_case_report_comes_back_equal(
    every_report: list[tuple[Report, str]], with_error: Report
) -> None:
    reports = [with_error, *(report for report, _ in every_report)]
    back = pickle.loads(pickle.dumps(reports))
    assert back == reports
    assert [repr(r) for r in back] == [repr(r) for r in reports]
    assert [type(r.results[0]) for r in back] == [type(r.results[0]) for r in reports]


def test_a_record_comes_back_frozen_with_every_field() -> None:
    summary = Summary(total=6, passed=1, failed=2, not_applicable=3, waived=4, errors=5)
    back = pickle.loads(pickle.dumps(summary))
    assert [getattr(back, f.name) for f in fields(Summary)] == [6, 1, 2, 3, 4, 5]
    assert hash(back) == hash(summary)
    with pytest.raises(AttributeError):  # dataclasses' FrozenInstanceError
        back.total = 7  # type: ignore[misc]
