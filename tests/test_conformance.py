"""Conformance: OPA's own engine and regopy give the same verdicts on the same inputs.

Inputs: every control case (with its parameters, reference date and EMB facts, schema-less
ones included), every example and seeded variants of them (a field removed, a boolean
flipped, a number scaled; and every text written with characters engines may read
differently: Unicode spaces, invisible ones, letters outside ASCII). Each
distinct input is evaluated once per engine, for every control at once, and every
control's status, finding paths and messages must agree. A failure names the control, the
input and both outputs.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers import EXAMPLES, ROOT
from standard_edits import copy_standard, edit_policy

from pyrules.engine import RawResult
from pyrules.engine.inprocess import available
from pyrules.evaluate import engine_params, make_engine, status_of
from pyrules.loader import load
from pyrules.standard import Standard, load_standard
from pyrules.testcases import CASES_AS_OF, apply_changes, load_cases

pytestmark = pytest.mark.skipif(not available(), reason="OPA's engine in process is missing")

VARIANTS_PER_SEED = 80  # three seeds (the reference and two examples): 240 variants
SCALES = (0, 0.5, 2, 10, -1)
# Texts as a platform might write them to slip past one engine: only Unicode spaces or
# characters that show nothing, such characters inside, letters drawn like Latin ones,
# capitals outside ASCII (rego-cpp's lower() and trim_space() know ASCII only).
ODD_TEXTS = (
    lambda text: "\u00a0\u3000",
    lambda text: "\u200b",
    lambda text: "\u2003" + text + "\u00a0",
    lambda text: text[:1] + "\u200b" + text[1:],
    lambda text: text.replace("o", "\u043e").replace("a", "\u0430"),
    lambda text: text.upper() + " \u00c4\u00d6\u0130",
    lambda text: text + "\u0301\U0001f5f3",
)


@dataclass
class Inputs:
    """Distinct declarations grouped by parameter overrides, each with every label that
    asked for it (a case, an example, a variant)."""

    groups: dict[str, dict[str, tuple[dict[str, Any], list[str]]]] = field(default_factory=dict)

    def add(self, label: str, declaration: dict[str, Any], params: dict[str, Any]) -> None:
        """`params`: all the engine runs with (see `pyrules.evaluate.engine_params`)."""
        group = self.groups.setdefault(json.dumps(params, sort_keys=True), {})
        key = json.dumps(declaration, sort_keys=True)
        group.setdefault(key, (declaration, []))[1].append(label)

    def count(self) -> int:
        return sum(len(group) for group in self.groups.values())


def leaves(node: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """Every (JSON pointer, value) under node, sections included."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        child = f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"
        yield child, value
        if isinstance(value, dict | list):
            yield from leaves(value, child)


def _resolve(data: Any, pointer: str) -> tuple[Any, Any]:
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]
    node = data
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    return node, int(last) if isinstance(node, list) else last


def variants(name: str, base: dict[str, Any], rng: random.Random) -> Iterator[tuple[str, dict]]:
    """Seeded changes of one declaration: each removes a field, flips a boolean, scales a
    number or writes a text oddly, as a platform's slightly different declaration would."""
    everything = list(leaves(base))
    booleans = [(p, v) for p, v in everything if isinstance(v, bool)]
    numbers = [(p, v) for p, v in everything if isinstance(v, int | float) and type(v) is not bool]
    for index in range(VARIANTS_PER_SEED):
        changed = copy.deepcopy(base)
        kind = index % 3
        if kind == 0:
            pointer, _ = rng.choice(everything)
            parent, key = _resolve(changed, pointer)
            del parent[key]
            yield f"{name} variant {index}: without {pointer}", changed
        elif kind == 1 and booleans:
            pointer, value = rng.choice(booleans)
            parent, key = _resolve(changed, pointer)
            parent[key] = not value
            yield f"{name} variant {index}: {pointer} flipped to {not value}", changed
        elif numbers:
            pointer, value = rng.choice(numbers)
            scale = rng.choice(SCALES)
            parent, key = _resolve(changed, pointer)
            parent[key] = type(value)(value * scale)
            yield f"{name} variant {index}: {pointer} scaled by {scale}", changed


def example_paths() -> list[Path]:
    return sorted(p for p in EXAMPLES.glob("*.yaml") if not p.name.endswith(".expected.yaml"))


def all_inputs(standard: Standard, cases_dir: Path = ROOT / "tests" / "cases") -> Inputs:
    inputs = Inputs()
    reference, cases = load_cases(cases_dir)
    for case in cases:
        label = f"case {case.where} ({case.control_id}: {case.name})"
        inputs.add(label, apply_changes(reference.data, case), case.engine_params(standard))
    plain = default_params(standard)
    seeds = {"reference.yaml": reference.data}
    for path in example_paths():
        data = load(path).data
        inputs.add(f"example {path.name}", data, plain)
        seeds[path.name] = data
    rng = random.Random(15)
    for name, data in sorted(seeds.items())[:3]:
        for label, changed in variants(name, data, rng):
            inputs.add(label, changed, plain)
        for index, write in enumerate(ODD_TEXTS):
            label = f"{name} with every text written oddly ({index}: {write('text')!r})"
            inputs.add(label, rewrite_texts(data, write), plain)
    return inputs


def rewrite_texts(node: Any, write: Callable[[str], str]) -> Any:
    """node with every text value (not key) written by `write`: each field a policy reads
    as text meets the odd form in one input."""
    if isinstance(node, dict):
        return {key: rewrite_texts(value, write) for key, value in node.items()}
    if isinstance(node, list):
        return [rewrite_texts(value, write) for value in node]
    return write(node) if isinstance(node, str) else node


def default_params(standard: Standard) -> dict[str, Any]:
    """The standard's parameters at the cases' reference date, no profile."""
    return engine_params(standard, date.fromisoformat(CASES_AS_OF))


def shown(raw: RawResult) -> dict[str, Any]:
    """What must agree. Error texts are each engine's own words; an error must meet an
    error, never a verdict."""
    if raw.error is not None:
        return {"status": "error"}
    return {"status": status_of(raw), "findings": [[f.path, f.msg] for f in raw.deny]}


def differences(standard: Standard, inputs: Inputs) -> list[str]:
    """Every disagreement as a readable block: control, input, both outputs."""
    found: list[str] = []
    plain = json.dumps(default_params(standard), sort_keys=True)
    for params_key, group in inputs.groups.items():
        params = json.loads(params_key)
        opa, regopy = (make_engine(standard, params, engine=e) for e in ("opa", "regopy"))
        declarations = [declaration for declaration, _ in group.values()]
        with ThreadPoolExecutor(1) as pool:  # both engines release the GIL: run side by side
            by_regopy_all = pool.map(regopy.evaluate, declarations)
            by_opa_all = [opa.evaluate(declaration) for declaration in declarations]
            pairs = zip(group.values(), by_opa_all, by_regopy_all, strict=True)
        for (_, labels), by_opa, by_regopy in pairs:
            for control in standard.controls:
                a, b = shown(by_opa[control.id]), shown(by_regopy[control.id])
                if a != b:
                    more = len(labels) - 1
                    where = labels[0] + (f" (and {more} more)" if more else "")
                    params_note = f" with params {params_key}" if params_key != plain else ""
                    found.append(
                        f"{control.id} on {where}{params_note}:\n"
                        f"    opa:    {json.dumps(a, ensure_ascii=False)}\n"
                        f"    regopy: {json.dumps(b, ensure_ascii=False)}"
                    )
    return found


def test_both_engines_agree_on_every_case_example_and_variant() -> None:
    standard = load_standard()
    inputs = all_inputs(standard)
    assert inputs.count() > 500, inputs.count()  # cases, examples and 261 variants
    found = differences(standard, inputs)
    assert not found, f"{len(found)} verdicts differ:\n" + "\n".join(found[:20])


def test_a_control_the_engines_judge_differently_fails_with_both_outputs(tmp_path: Path) -> None:
    """regopy orders numbers as text inside max(): a control relying on it must be caught."""
    root = copy_standard(tmp_path / "standard")
    policy = "edhs/inc/inc_01_breach_notification.rego"
    edit_policy(root, policy, "\thours <= max_hours\n", "\tmax([hours, 100]) == 100\n")
    standard = load_standard(root)
    inputs = Inputs()
    reference, _ = load_cases(ROOT / "tests" / "cases")
    inputs.add("case the reference", reference.data, default_params(standard))
    found = differences(standard, inputs)
    assert len(found) == 1, found
    assert found[0].startswith("INC-01 on case the reference:")
    assert '"status": "pass"' in found[0].splitlines()[1]  # OPA: max is 100
    assert '"status": "fail"' in found[0].splitlines()[2]  # regopy: "48" > "100"


def test_pointers_escape_tilde_and_slash() -> None:
    """No policy names such a key, so no case reaches the escaping branch of lib.pointer."""
    import regopy
    from opa_bindings import OpaEngine

    paths = {"plain": ["a", 0, "b"], "escaped": ["a/b", "c~d", 12, "~/"], "root": []}
    query = "; ".join(
        f"{name} := data.edhs.lib.pointer({json.dumps(p)})" for name, p in paths.items()
    )
    expected = {"plain": "/a/0/b", "escaped": "/a~1b/c~0d/12/~0~1", "root": ""}
    lib = sorted((ROOT / "policies" / "edhs" / "lib").glob("*.rego"))
    opa = OpaEngine()
    interpreter = regopy.Interpreter()
    for module in lib:
        opa.add_policy(str(module), module.read_text(encoding="utf-8"))
        interpreter.add_module(str(module), module.read_text(encoding="utf-8"))
    assert opa.eval_query(query, {}) == [expected]
    assert json.loads(str(interpreter.query(query)))["bindings"] == expected
