"""`make fuzz`: seeded hostile inputs against every entry point (issue 18 item 14).

A seeded generator makes declarations (byte flips and truncations of YAML and JSON, a
wrong type at a leaf, huge and odd numbers, long strings, Unicode edge cases and bad
encodings, deep nesting, YAML aliases, merge keys, tags and multiple documents, odd dates,
sections removed or duplicated, odd top levels), profiles, waiver files, bundles,
attestations, signed assessment rounds (`verify ROUND_DIR`, `compare`) and HTTP requests
to `pyrules serve`. Each input is run in process (click's
CliRunner, the ASGI application called directly), in batches, each batch in a child
process: a batch whose process crashes or hangs is split in two and run again, down to the
one input that does it. Reported, and failing the run: crashes, hangs, exit code 3,
tracebacks, lines over MAX_LINE characters, errors that are not located lines, 5xx answers, and
a verdict (exit 0 or 1, HTTP 200) on an input known to break the schema.

    python fuzz/hostile.py [--count 10000] [--seed 18] [--batch 200] [--jobs 2]
"""

from __future__ import annotations

import argparse
import copy
import functools
import io
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "tests" / "cases" / "reference.yaml"
PROFILE = ROOT / "examples" / "profiles" / "ruritania.yaml"
WAIVERS = ROOT / "examples" / "waivers" / "kestrel-video.yaml"
KESTREL = ROOT / "examples" / "declarations" / "kestrel-video.yaml"
# Far above any message pyrules writes; long keys stay below it until quoted values are
# shortened (issue 18 item 10, the messages' side), so keys are at most LONG_KEY long.
MAX_LINE = 4000
LONG_KEY = 1000
UNKNOWN = None  # the input may or may not be valid: any verdict or exit 2 is right

# How many of every 100 inputs each category gets (declarations through check/validate).
WEIGHTS = {
    "byte-flip": 8, "truncation": 6, "wrong-type": 10, "odd-number": 7, "long-string": 6,
    "unicode": 6, "bad-encoding": 4, "deep-nesting": 4, "yaml-feature": 6, "odd-date": 4,
    "sections": 5, "odd-top-level": 3, "profile": 7, "waivers": 7, "bundle": 5,
    "attestation": 6, "http": 6, "round": 5,
}  # fmt: skip


@dataclass(frozen=True)
class Case:
    category: str
    name: str  # file name (its suffix picks YAML or JSON), or the HTTP method and path
    data: bytes  # the file, or the request body
    invalid: bool | None  # True: breaks the schema, so no verdict may come of it


# --------------------------------------------------------------------------- generating


@functools.cache
def reference() -> dict[str, Any]:
    from pyrules.loader import load

    return load(REFERENCE).data


def leaves(data: Any, pointer: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    if isinstance(data, dict):
        return [leaf for key, value in data.items() for leaf in leaves(value, (*pointer, key))]
    if isinstance(data, list) and data and isinstance(data[0], dict | list):
        return [leaf for i, value in enumerate(data) for leaf in leaves(value, (*pointer, i))]
    return [(pointer, data)]


def put(data: Any, pointer: tuple[Any, ...], value: Any) -> Any:
    data = copy.deepcopy(data)
    node = data
    for part in pointer[:-1]:
        node = node[part]
    node[pointer[-1]] = value
    return data


def dump(data: Any, fmt: str) -> bytes:
    import yaml

    if fmt == "json":
        return json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass")
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False)
    return text.encode("utf-8", "surrogatepass")


def other_type(value: Any, rng: random.Random) -> Any:
    """A value of another JSON type than `value` (int and float count as one: number)."""
    choices: list[Any] = [None, True, "text", [1], {"k": "v"}, 7]
    kind = type(value)
    if kind is float:
        kind = int
    return rng.choice([c for c in choices if type(c) is not kind and not (
        isinstance(value, list) and isinstance(c, list))])  # fmt: skip


ODD_NUMBERS = [10**30, -1, 1e308, 2**63, 2**64 + 24, -(2**63) - 1, 1e-300, -0.0, 72.0,
               0, 3.5, 10**4300 // 10**4000]  # fmt: skip
ODD_TEXT = ["\u202e", "\x00", "a\u0000b", "\u200b", "e\u0301", "\U0001f5f3", "\u2028x",
            "\ufeff", "\x1b]0;x\x07", "' or 1=1 --", "${jndi:x}", "%s%n", "\\ud800",
            "\u0661\u0662", "ǅ", "\U000e0001"]  # fmt: skip
ODD_DATES = ["2026-02-30", "2026-13-01", "0000-01-01", "9999-12-31", "2026-1-1",
             "2026-10-01T00:00:00Z", "2026-10-01\n", "20261001", "2026-10-01 ", "-2026-10-01",
             "2026-W40", "\uff11\uff19\uff19\uff19-01-01"]  # fmt: skip
ODD_TOPS = [b"", b"null", b"[]", b"42", b"---", b"~", b"!!binary AAAA", b'"x"', b"   \n\t",
            b"\xef\xbb\xbf", b"- a\n- b\n", b"true", b"{}", b"--- !!set {a, b}"]  # fmt: skip
YAML_FEATURES = [
    b'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
    b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    b"e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n",
    b"!!python/object/apply:os.system [echo owned]\n",
    b"x: !!binary AAAA\n",
    b"x: !custom 1\n",
    b"a: 1\n---\nb: 2\n",
    b"<<: {standard_version: 0.1.0}\n",
    b"x: &a {y: *a}\n",
]


def long_string_case(
    rng: random.Random, base: dict[str, Any], spots: list[tuple[tuple[Any, ...], Any]], fmt: str
) -> Case:
    texts = [p for p, v in spots if isinstance(v, str)]
    length = rng.choice([300, 3000, 40_000, 300_000])
    data = put(base, rng.choice(texts), "A" * length)
    name = f"decl.{fmt}"
    if rng.random() < 0.3:  # a long unknown key
        data[("k" * rng.randint(100, LONG_KEY))] = 1
        return Case("long-string", name, dump(data, fmt), True)
    return Case("long-string", name, dump(data, fmt), True if length > 2048 else UNKNOWN)


def deep_nesting_case(
    rng: random.Random, base: dict[str, Any], pointer: tuple[Any, ...], fmt: str
) -> Case:
    depth = rng.choice([63, 64, 65, 100, 400])
    nested: Any = "x"
    for _ in range(depth):
        nested = [nested] if rng.random() < 0.5 else {"a": nested}
    if rng.random() < 0.5:  # inside a declaration, as JSON text (valid YAML too)
        text = json.dumps(put(base, pointer, nested), ensure_ascii=False).encode()
        return Case("deep-nesting", f"decl.{fmt}", text, True)
    depth = rng.choice([depth, 1000, 5000, 100_000])
    raw = ("[" * depth + "]" * depth if fmt == "json" else "- " * depth + "x").encode()
    return Case("deep-nesting", f"decl.{fmt}", raw, True)


def declaration_case(category: str, rng: random.Random, base: dict[str, Any]) -> Case:
    fmt = rng.choice(["yaml", "json"])
    name = f"decl.{fmt}"
    text = dump(base, fmt)
    spots = leaves(base)
    pointer, value = rng.choice(spots)
    if category == "byte-flip":
        raw = bytearray(text)
        for _ in range(rng.randint(1, 4)):
            raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
        return Case(category, name, bytes(raw), UNKNOWN)
    if category == "truncation":
        return Case(category, name, text[: rng.randrange(len(text))], UNKNOWN)
    if category == "wrong-type":
        return Case(category, name, dump(put(base, pointer, other_type(value, rng)), fmt), True)
    if category == "odd-number":
        numbers = [p for p, v in spots if isinstance(v, int | float) and not isinstance(v, bool)]
        target = rng.choice(numbers) if numbers else pointer
        return Case(category, name, dump(put(base, target, rng.choice(ODD_NUMBERS)), fmt), UNKNOWN)
    if category == "long-string":
        return long_string_case(rng, base, spots, fmt)
    if category == "unicode":
        texts = [p for p, v in spots if isinstance(v, str)]
        odd = rng.choice(ODD_TEXT)
        mixed = rng.choice([odd, f"x{odd}y", odd * 50])
        return Case(category, name, dump(put(base, rng.choice(texts), mixed), fmt), UNKNOWN)
    if category == "bad-encoding":
        plain = text.decode("utf-8")
        raw = rng.choice([
            plain.encode("utf-16"), plain.encode("latin-1", "replace") + b"\xe9",
            text[:200] + b"\xff\xfe" + text[200:], text[:100] + b"\xc0\xaf" + text[100:],
            text[:100] + b"\xed\xa0\x80" + text[100:], b"\x00" + text,
        ])  # fmt: skip
        return Case(category, name, raw, True)
    if category == "deep-nesting":
        return deep_nesting_case(rng, base, pointer, fmt)
    if category == "yaml-feature":
        feature = rng.choice(YAML_FEATURES)
        if rng.random() < 0.5:  # in front of a valid declaration
            return Case(category, "decl.yaml", feature + dump(base, "yaml"), UNKNOWN)
        return Case(category, "decl.yaml", feature, True)
    if category == "odd-date":
        dates = [p for p, v in spots if isinstance(v, str) and len(v) == 10 and v[4] == "-"]
        data = put(base, rng.choice(dates), rng.choice(ODD_DATES))
        return Case(category, name, dump(data, fmt), UNKNOWN)
    if category == "sections":
        section = rng.choice(list(base))
        if rng.random() < 0.5:
            data = {k: v for k, v in base.items() if k != section}
            return Case(category, name, dump(data, fmt), UNKNOWN)
        extra = dump({section: base[section]}, "yaml")
        return Case(category, "decl.yaml", dump(base, "yaml") + extra, True)  # a duplicate key
    raw = rng.choice(ODD_TOPS)
    return Case(category, rng.choice(["decl.yaml", "decl.json"]), raw, True)


def file_case(category: str, rng: random.Random) -> Case:
    """A profile or a waiver file, damaged like a declaration is."""
    import yaml

    source = PROFILE if category == "profile" else WAIVERS
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data = json.loads(json.dumps(data, default=str))
    spots = leaves(data)
    pointer, value = rng.choice(spots)
    move = rng.choice(["flip", "truncate", "type", "long", "unicode", "number", "top"])
    if move == "type":
        return Case(category, "f.yaml", dump(put(data, pointer, other_type(value, rng)), "yaml"),
                    UNKNOWN)  # fmt: skip
    if move == "long":
        return Case(category, "f.yaml", dump(put(data, pointer, "B" * 5000), "yaml"), UNKNOWN)
    if move == "unicode":
        return Case(category, "f.yaml", dump(put(data, pointer, rng.choice(ODD_TEXT)), "yaml"),
                    UNKNOWN)  # fmt: skip
    if move == "number":
        return Case(category, "f.yaml", dump(put(data, pointer, rng.choice(ODD_NUMBERS)), "yaml"),
                    UNKNOWN)  # fmt: skip
    if move == "top":
        return Case(category, "f.yaml", rng.choice(ODD_TOPS), UNKNOWN)
    text = dump(data, "yaml")
    if move == "truncate":
        return Case(category, "f.yaml", text[: rng.randrange(len(text))], UNKNOWN)
    raw = bytearray(text)
    raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
    return Case(category, "f.yaml", bytes(raw), UNKNOWN)


def bundle_case(rng: random.Random) -> Case:
    """A change to the standard's bundle: recorded as the edit, applied by the worker."""
    edits = [
        {
            "member": "schemas/declaration.schema.json",
            "text": rng.choice(
                [
                    "[]",
                    "{}",
                    "true",
                    '{"type": 5}',
                    '{"pattern": "("}',
                    "[" * 3000,
                    '{"$ref": "#/nope"}',
                    '{"properties": {"x": {"pattern": "(?P<a>x)"}}}',
                ]
            ),
        },
        {
            "member": ".manifest",
            "text": rng.choice(
                ["{}", "[]", '{"revision": 5}', '{"revision": "9.9.9", "roots": ["edhs"]}']
            ),
        },
        {
            "member": "edhs/params/data.json",
            "text": rng.choice(["[]", "{}", '{"min_audience_size": "x"}', "nul"]),
        },
        {
            "member": "edhs/gov/gov_01_dpo_designated.rego",
            "text": rng.choice(
                ["package x", "", "package edhs.gov.dpo_designated\nimport rego.v1\ndeny := 1\n"]
            ),
        },
        {"member": "../../escape.rego", "text": "package x"},
        {"member": "/abs.rego", "text": "package x"},
        {"member": "edhs/link.rego", "symlink": "/etc/passwd"},
        {"member": "bomb.json", "zeros": 50_000_000},
        {"flip": rng.randrange(1, 4000)},
        {"truncate": rng.randrange(1, 4000)},
    ]
    edit = rng.choice(edits)
    return Case("bundle", "edhs.tar.gz", json.dumps(edit).encode(), UNKNOWN)


def attestation_case(rng: random.Random) -> Case:
    """A change to a correctly made attestation: to the envelope, or to the signed statement
    (then signed again, so only its shape is wrong)."""
    edits = [
        {"envelope": "payloadType", "value": rng.choice([5, None, "\\ud800", "x", ""])},
        {"envelope": "payload", "value": rng.choice(["", "!!!", 5, "AAAA", "e30="])},
        {"envelope": "signatures", "value": rng.choice([[], [5], [{"sig": 5}], "x", None])},
        {"statement": "subject", "value": rng.choice([[5], [], "x", [{"name": 1}],
                                                      [{"name": "a", "digest": "x"}]])},
        {"statement": "predicate", "value": rng.choice([5, {}, {"report": []},
                                                        {"report": {}, "report_sha256": 5}])},
        {"statement": "predicate/standard", "value": rng.choice([[1], "x", 5])},
        {"flip": rng.randrange(10, 3000)},
        {"truncate": rng.randrange(1, 3000)},
    ]  # fmt: skip
    return Case("attestation", "a.intoto.json", json.dumps(rng.choice(edits)).encode(), UNKNOWN)


ROUND_POINTERS = ["subject", "subject/0", "subject/0/name", "subject/0/digest",
                  "subject/0/digest/sha256", "predicate", "predicate/round", "predicate/standard",
                  "predicate/profile", "predicate/verdicts", "predicate/verdicts/0",
                  "predicate/verdicts/0/score", "predicate/verdicts/0/file", "_type"]  # fmt: skip
ODD_VALUES = [5, None, True, "x", "", [], {}, [5], ["x"], {"name": 1}, "\\ud800", "../x",
              "/etc/passwd", "a" * 5000, "0" * 64, 1e308, -1]  # fmt: skip
RECORD_KEYS = ["platforms", "sequence", "name", "profile", "files", "previous", "signed", "x"]


def round_case(rng: random.Random) -> Case:
    """A change to a correctly signed round: to its statement (signed again, so only the
    shape is wrong), its envelope or bytes (`verify ROUND_DIR`), a file of it, or its
    record (`verify` must then fail, and `compare` read it)."""
    edits = [
        {"statement": rng.choice(ROUND_POINTERS), "value": rng.choice(ODD_VALUES)},
        {"statement": rng.choice(ROUND_POINTERS), "value": rng.choice(ODD_VALUES)},
        {"envelope": rng.choice(["payloadType", "payload", "signatures"]),
         "value": rng.choice(ODD_VALUES)},
        {"flip": rng.randrange(10, 3000)},
        {"truncate": rng.randrange(0, 3000)},
        {"record": rng.choice(RECORD_KEYS), "value": rng.choice(ODD_VALUES)},
        {"file": rng.choice(["add", "remove", "change", "fifo", "dir"])},
    ]  # fmt: skip
    edit = rng.choice(edits)
    tampered = "record" in edit or "file" in edit  # a file of the round no longer matches
    return Case("round", "round", json.dumps(edit).encode(), True if tampered else UNKNOWN)


HTTP_PATHS = ["/v1/data/pyrules/all/verdicts", "/v1/data/edhs/inc/breach_notification/deny",
              "/v1/data", "/v1/data/edhs/params", "/v1/data/99999999999999999999999",
              "/v1/data/edhs/params/accepted_mfa_types/18446744073709551617", "/v1/data/a%22b",
              "/v1/data/%C2%B2", "/v1/policies/x.rego", "/v1/policies", "/health",
              "/v1/data/" + "a/" * 300]  # fmt: skip


def http_case(rng: random.Random, base: dict[str, Any]) -> Case:
    method = rng.choice(["POST", "POST", "POST", "GET", "PUT", "PATCH", "DELETE"])
    path = rng.choice(HTTP_PATHS)
    pointer, value = rng.choice(leaves(base))
    bodies: list[tuple[bytes, bool | None]] = [
        (b"", UNKNOWN), (b"{}", UNKNOWN), (b'{"input": 5}', True), (b'{"input": "\\ud800"}', True),
        (json.dumps({"input": put(base, pointer, other_type(value, rng))}).encode(), True),
        (json.dumps({"input": base}).encode()[: rng.randrange(10, 4000)], True),
        (b'{"input": [' + b",".join([b"1"] * rng.choice([10, 60_000])) + b"]}", True),
        (b'{"input": ' + b"[" * 80 + b"]" * 80 + b"}", True),
        (json.dumps({"input": base}).encode(), False),
        (bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64))), UNKNOWN),
        (b"package x\n" + b"a := 1\n" * rng.choice([1, 50]), UNKNOWN),
        (b'[{"op": "add", "path": "/x", "value": 1}]', UNKNOWN),
    ]  # fmt: skip
    body, invalid = rng.choice(bodies)
    validated = method == "POST" and path in HTTP_PATHS[:2]
    return Case("http", f"{method} {path}", body, invalid if validated else UNKNOWN)


@functools.cache
def plan(count: int, seed: int) -> tuple[str, ...]:
    """The category of each of `count` cases, in the proportions of WEIGHTS, shuffled."""
    total = sum(WEIGHTS.values())
    order = [c for c, weight in WEIGHTS.items() for _ in range(round(count * weight / total))]
    order = (order + ["wrong-type"] * count)[:count]
    random.Random(seed).shuffle(order)
    return tuple(order)


def case_at(count: int, seed: int, index: int) -> Case:
    """Case `index` of `count`: the same for the same seed, made alone (batches and the
    bisection make only their own)."""
    category = plan(count, seed)[index]
    rng = random.Random(seed * 1_000_003 + index)
    if category in ("profile", "waivers"):
        return file_case(category, rng)
    if category == "bundle":
        return bundle_case(rng)
    if category == "attestation":
        return attestation_case(rng)
    if category == "round":
        return round_case(rng)
    if category == "http":
        return http_case(rng, reference())
    return declaration_case(category, rng, reference())


# --------------------------------------------------------------------------- running


class Runner:
    """Runs cases in this process; built once per batch (the standard, a bundle, a key)."""

    def __init__(self, work: Path) -> None:
        from click.testing import CliRunner

        from pyrules.attest import Signer, attest, generate_key
        from pyrules.bundle import build_bundle
        from pyrules.cli import main
        from pyrules.evaluate import Checker
        from pyrules.serve import PolicyStore, ServeSettings, create_app
        from pyrules.standard import load_standard

        self.work, self.main, self.cli = work, main, CliRunner()
        standard = load_standard()
        self.bundle = build_bundle(standard.root, None, "default", None).data
        self.key = work / "emb.key"
        self.public = generate_key(self.key)
        report = Checker.for_standard(standard).check_file(REFERENCE)
        self.envelope = json.loads(attest(report, "reference.yaml", Signer.from_file(self.key)))
        self.app = create_app(PolicyStore.from_standard(standard), ServeSettings(standard=standard))

    def run(self, case: Case) -> list[str]:
        if case.category == "http":
            return self.http(case)
        if case.category == "round":
            return self.odd_round(json.loads(case.data), case)
        if case.category == "bundle":
            path = self.work / "edhs.tar.gz"
            path.write_bytes(apply_bundle_edit(self.bundle, json.loads(case.data)))
            return self.cli_run(case, ["check", "--bundle", str(path), str(REFERENCE)])
        if case.category == "attestation":
            path = self.work / case.name
            path.write_text(self.odd_attestation(json.loads(case.data)), encoding="utf-8",
                            errors="surrogatepass")  # fmt: skip
            return self.cli_run(case, ["verify", str(path), "--key", str(self.public)])
        path = self.work / case.name
        path.write_bytes(case.data)
        if case.category == "profile":
            return self.cli_run(case, ["check", "--profile", str(path), str(REFERENCE)])
        if case.category == "waivers":
            return self.cli_run(case, ["check", str(KESTREL), "--waivers", str(path),
                                       "--today", "2026-09-15"])  # fmt: skip
        # check and validate take turns: both read and validate alike, check evaluates too
        command = "check" if len(case.data) % 2 == 0 else "validate"
        return self.cli_run(case, [command, str(path)])

    def cli_run(self, case: Case, args: list[str]) -> list[str]:
        result = self.cli.invoke(self.main, args, catch_exceptions=True)
        out, err = result.stdout, result.stderr
        problems = []
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            problems.append(f"traceback: {type(result.exception).__name__}: {result.exception}")
        code = result.exit_code
        if code not in (0, 1, 2):
            problems.append(f"exit {code}: {err.strip()[:300]}")
        if "Traceback" in out + err:
            problems.append("traceback in the output")
        if any(len(line) > MAX_LINE for line in (out + err).splitlines()):
            problems.append(f"a line over {MAX_LINE} characters")
        lines = err.strip().splitlines()
        if code == 2 and not (lines and all(": " in line[:400] for line in lines)):
            # every problem of the input is one line naming the file and the place
            problems.append(f"exit 2 without one located line each: {err.strip()[:300]!r}")
        if case.invalid and code in (0, 1) and args[0] == "check":
            problems.append(f"a verdict (exit {code}) on an input that breaks the schema")
        if case.invalid and code == 0 and args[0] == "verify":
            problems.append("verified a round whose files no longer match its attestation")
        return [f"{args[0]}: {p}" for p in problems]

    def odd_attestation(self, edit: dict[str, Any]) -> str:
        from pyrules.attest import Signer, _canonical, envelope

        if "flip" in edit or "truncate" in edit:
            text = json.dumps(self.envelope, indent=2)
            if "truncate" in edit:
                return text[: edit["truncate"]]
            index = edit["flip"] % len(text)
            return text[:index] + chr(ord(text[index]) ^ 1) + text[index + 1 :]
        if "envelope" in edit:
            data = dict(self.envelope)
            value = edit["value"]
            data[edit["envelope"]] = "\ud800" if value == "\\ud800" else value
            return json.dumps(data)
        import base64

        statement = json.loads(base64.b64decode(self.envelope["payload"]))
        node = statement
        *parents, last = edit["statement"].split("/")
        for part in parents:
            node = node[part]
        node[last] = edit["value"]
        return json.dumps(envelope(_canonical(statement), Signer.from_file(self.key)))

    @functools.cached_property
    def signed_round(self) -> Path:
        """A round of two platforms, signed with the batch's key (made once per batch)."""
        from pyrules.assess import Settings, collect, run, write_outputs
        from pyrules.attest import Signer
        from pyrules.standard import load_standard

        settings = Settings(load_standard(), as_of=date(2026, 9, 15))
        outcomes = run(collect([REFERENCE, KESTREL]), settings)
        signer = Signer.from_file(self.key)
        write_outputs(outcomes, settings, self.work / "archive", signer, round_name="r")
        return self.work / "archive" / "r"

    def odd_round(self, edit: dict[str, Any], case: Case) -> list[str]:
        import base64
        import os
        import shutil

        from pyrules.attest import Signer, envelope

        folder = self.work / "archive" / "case"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(self.signed_round, folder)
        attestation, record = folder / "round.intoto.json", folder / "round.json"
        value = "\ud800" if edit.get("value") == "\\ud800" else edit.get("value")
        text = attestation.read_text(encoding="utf-8")
        if "flip" in edit:
            index = edit["flip"] % len(text)
            attestation.write_text(text[:index] + chr(ord(text[index]) ^ 1) + text[index + 1 :])
        elif "truncate" in edit:
            attestation.write_text(text[: edit["truncate"]])
        elif "envelope" in edit:
            data = json.loads(text)
            data[edit["envelope"]] = value
            attestation.write_text(json.dumps(data), errors="surrogatepass")
        elif "statement" in edit:
            statement = json.loads(base64.b64decode(json.loads(text)["payload"]))
            *parents, last = edit["statement"].split("/")
            node = statement
            for part in parents:
                node = node[int(part) if isinstance(node, list) else part]
            node[int(last) if isinstance(node, list) else last] = value
            payload = json.dumps(statement).encode()  # \ud800 stays an escape: JSON, not UTF-8
            signed = envelope(payload, Signer.from_file(self.key))
            attestation.write_text(json.dumps(signed), errors="surrogatepass")
        elif "record" in edit:
            data = json.loads(record.read_text(encoding="utf-8"))
            data[edit["record"]] = value
            record.write_text(json.dumps(data), errors="surrogatepass")
        elif edit["file"] == "add":
            (folder / "reports" / "extra\x1b[2J.html").write_text("<p>slipped in</p>")
        elif edit["file"] == "remove":
            (folder / "matrix.csv").unlink()
        elif edit["file"] == "change":
            (folder / "summary.md").write_text("# All compliant\n")
        elif edit["file"] == "fifo":
            (folder / "matrix.md").unlink()
            os.mkfifo(folder / "matrix.md")
        else:
            (folder / "summary.md").unlink()
            (folder / "summary.md").mkdir()
        problems = self.cli_run(case, ["verify", str(folder), "--key", str(self.public)])
        if "record" in edit:
            both = ["compare", str(self.signed_round), str(folder)]
            problems += self.cli_run(replace(case, invalid=UNKNOWN), both)
        return problems

    def http(self, case: Case) -> list[str]:
        import asyncio

        method, path = case.name.split(" ", 1)
        headers = [(b"host", b"127.0.0.1"), (b"content-length", str(len(case.data)).encode())]
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
            "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
            "query_string": b"", "headers": headers, "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 8181),
        }  # fmt: skip
        messages = [{"type": "http.request", "body": case.data, "more_body": False}]
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return messages.pop(0) if messages else {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        stderr = io.StringIO()
        real, sys.stderr = sys.stderr, stderr
        try:
            asyncio.run(self.app(scope, receive, send))
        except Exception as exc:
            return [f"http: traceback: {type(exc).__name__}: {exc}"]
        finally:
            sys.stderr = real
        status = sent[0]["status"]
        body = b"".join(m.get("body", b"") for m in sent[1:])
        problems = []
        if status >= 500:
            problems.append(f"HTTP {status}: {body[:200]!r}")
        if status >= 400 and status not in (404, 405):
            try:
                shaped = isinstance(json.loads(body).get("code"), str)
            except (ValueError, AttributeError):
                shaped = False
            if not shaped:
                problems.append(f"HTTP {status} not in OPA's error shape: {body[:200]!r}")
        if case.invalid and status == 200:
            problems.append("HTTP 200 (a verdict) on an input that breaks the schema")
        logged = stderr.getvalue()
        if "Traceback" in logged or len(logged.splitlines()) > 1:
            problems.append(f"log is not one line: {logged[:300]!r}")
        return [f"http {case.name[:60]}: {p}" for p in problems]


def apply_bundle_edit(bundle: bytes, edit: dict[str, Any]) -> bytes:
    import tarfile

    if "flip" in edit:
        index = edit["flip"] % len(bundle)
        return bundle[:index] + bytes([bundle[index] ^ 0x10]) + bundle[index + 1 :]
    if "truncate" in edit:
        return bundle[: edit["truncate"]]
    out = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(bundle)) as source, tarfile.open(
        fileobj=out, mode="w:gz"
    ) as target:  # fmt: skip
        names = []
        for member in source.getmembers():
            names.append(member.name)
            if member.name.removeprefix("./") == edit["member"]:
                continue
            target.addfile(member, source.extractfile(member) if member.isfile() else None)
        info = tarfile.TarInfo(edit["member"])
        if "symlink" in edit:
            info.type, info.linkname = tarfile.SYMTYPE, edit["symlink"]
            target.addfile(info)
        else:
            text = edit["text"] if "text" in edit else '{"a": "' + "0" * edit["zeros"] + '"}'
            data = text.encode("utf-8")
            info.size = len(data)
            target.addfile(info, io.BytesIO(data))
    return out.getvalue()


def run_batch(count: int, seed: int, start: int, stop: int) -> list[dict[str, Any]]:
    """The problems of cases[start:stop], run in this process."""
    with tempfile.TemporaryDirectory(prefix="pyrules-fuzz-") as tmp:
        runner = Runner(Path(tmp))
        found = []
        for index in range(start, stop):
            case = case_at(count, seed, index)
            for problem in runner.run(case):
                found.append({"index": index, "category": case.category, "problem": problem})
    return found


@dataclass
class Outcome:
    start: int
    stop: int
    problems: list[dict[str, Any]]


def run_isolated(count: int, seed: int, start: int, stop: int, timeout: float) -> Outcome:
    """Run a batch in a child; on a crash or a hang, split it until the input is found."""
    command = [sys.executable, str(Path(__file__)), "--worker", str(count), str(seed),
               str(start), str(stop)]  # fmt: skip
    try:
        child = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                               cwd=ROOT, check=False)  # fmt: skip
        failure = None if child.returncode == 0 else f"crash (exit {child.returncode})"
    except subprocess.TimeoutExpired:
        child, failure = None, f"hang (no end within {timeout:.0f} s)"
    if failure is None and child is not None:
        return Outcome(start, stop, json.loads(child.stdout.splitlines()[-1]))
    if stop - start == 1:
        case = case_at(count, seed, start)
        problem = {"index": start, "category": case.category, "problem": failure}
        return Outcome(start, stop, [problem])
    middle = (start + stop) // 2
    left = run_isolated(count, seed, start, middle, timeout)
    right = run_isolated(count, seed, middle, stop, timeout)
    return Outcome(start, stop, left.problems + right.problems)


def fuzz(count: int, seed: int, batch: int, jobs: int) -> tuple[Counter[str], list[dict[str, Any]]]:
    """Every case in bisected batches: the counts per category, and every problem."""
    counts = Counter(plan(count, seed))
    spans = [(start, min(start + batch, count)) for start in range(0, count, batch)]
    timeout = 120 + 3.0 * batch
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        outcomes = list(pool.map(lambda s: run_isolated(count, seed, *s, timeout), spans))
    return counts, [problem for outcome in outcomes for problem in outcome.problems]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--worker", nargs=4, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(run_batch(*args.worker)))
        return 0
    began = time.monotonic()
    counts, problems = fuzz(args.count, args.seed, args.batch, args.jobs)
    by_category = Counter(problem["category"] for problem in problems)
    print(f"fuzz: {args.count} hostile inputs (seed {args.seed}) in "
          f"{time.monotonic() - began:.0f} s")  # fmt: skip
    for category, count in sorted(counts.items()):
        print(f"  {category:14} {count:6} inputs, {by_category[category]} problems")
    for problem in problems[:50]:
        print(f"  #{problem['index']} [{problem['category']}] {problem['problem'][:300]}")
    print(f"{len(problems)} problems" if problems else "no problems")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
