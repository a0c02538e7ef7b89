"""Hostile input (issue 18): each reproduction of the issue, with the contract's answer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, pyrules

from pyrules.engine.embedded import on_large_stack
from pyrules.schema import schema_problems

REFERENCE = ROOT / "tests" / "cases" / "reference.yaml"
CONTACT = "    contact: dpo@lumen.example\n"


def with_contact(tmp_path: Path, contact: str) -> Path:
    text = REFERENCE.read_text(encoding="utf-8")
    assert CONTACT in text
    path = tmp_path / "segv.yaml"
    path.write_text(text.replace(CONTACT, f"    contact: {contact}\n", 1), encoding="utf-8")
    return path


def assert_one_located_line(result: subprocess.CompletedProcess[str], name: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(name), result.stderr
    assert "Traceback" not in result.stderr


# --- 1: a long text crashed the embedded engine ----------------------------------------


def test_a_40_kb_contact_is_refused_by_the_schema_in_one_line(tmp_path: Path) -> None:
    path = with_contact(tmp_path, "A" * 40_000)
    assert_one_located_line(pyrules("check", path), str(path))


def schemaless_findings(change: str, control_ids: list[str]) -> dict[str, list[str]]:
    """The finding paths of these controls on the reference declaration after `change` (a
    statement on `data`), evaluated by the embedded engine without the schema, as an OPA
    bundle or a server may be; in a child process, so a crash fails the test rather than
    killing pytest."""
    script = textwrap.dedent(
        """
        import json, sys
        from pyrules.engine.embedded import EmbeddedEngine
        from pyrules.loader import load
        from pyrules.standard import load_standard
        standard = load_standard()
        data = load(sys.argv[1]).data
        exec(sys.argv[2])
        engine = EmbeddedEngine(standard.modules, standard.params, standard.controls)
        verdicts = engine.evaluate(data)
        print(json.dumps({c: [f.path for f in verdicts[c].deny] for c in sys.argv[3:]}))
        """
    )
    child = subprocess.run(
        [sys.executable, "-c", script, str(REFERENCE), change, *control_ids],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    return json.loads(child.stdout.splitlines()[-1])


def test_the_engine_survives_a_40_kb_contact_without_the_schema() -> None:
    """GOV-01 fails the contact instead of the regex overflowing the native stack."""
    change = 'data["governance"]["dpo"]["contact"] = "A" * 40000 + "@x.example"'
    assert "/governance/dpo/contact" in schemaless_findings(change, ["GOV-01"])["GOV-01"]


def test_the_engine_survives_codes_of_megabytes_without_the_schema() -> None:
    """A country code and a data category of 2 MB each (the loader reads up to 10 MB):
    GOV-08 and TGT-01 fail them instead of the vocabulary's pattern overflowing the native
    stack."""
    change = (
        'data["metadata"]["jurisdictions"] = ["H" * 2_000_000]; '
        'data["political_ads"]["targeting"]["criteria"] = ["u" * 2_000_000]'
    )
    denied = schemaless_findings(change, ["GOV-08", "TGT-01"])
    assert "/metadata/jurisdictions" in denied["GOV-08"]
    assert "/political_ads/targeting/criteria" in denied["TGT-01"]


def test_a_deep_regex_match_runs_on_the_large_stack() -> None:
    import regopy

    def match() -> bool:
        rego = regopy.Interpreter()
        rego.set_input({"s": "a" * 100_000})
        output = rego.query("x := regex.match(`^[^@]+@[^@]+$`, input.s)")
        return output.ok()

    assert on_large_stack(match) is True


def test_the_large_stack_hands_back_exceptions() -> None:
    def fail() -> None:
        raise ValueError("from the evaluation thread")

    with pytest.raises(ValueError, match="evaluation thread"):
        on_large_stack(fail)


# --- 4: a FIFO hung check and validate -------------------------------------------------


@pytest.mark.parametrize("command", ["check", "validate"])
def test_a_fifo_is_refused_in_one_line(tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "f.yaml"
    os.mkfifo(fifo)
    result = subprocess.run(
        [sys.executable, "-m", "pyrules", command, str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert_one_located_line(result, str(fifo))
    assert "not a regular file" in result.stderr


@pytest.mark.parametrize("where", ["verify", "verify-key", "bundle", "profile", "waivers"])
def test_a_fifo_anywhere_a_file_is_read_is_refused(tmp_path: Path, where: str) -> None:
    from pyrules.attest import generate_key

    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    public = generate_key(tmp_path / "emb.key")
    args = {
        "verify": ["verify", fifo, "--key", public],
        "verify-key": ["verify", REFERENCE, "--key", fifo],
        "bundle": ["check", "--bundle", fifo, REFERENCE],
        "profile": ["check", "--profile", fifo, REFERENCE],
        "waivers": ["check", "--waivers", fifo, REFERENCE],
    }[where]
    result = subprocess.run(
        [sys.executable, "-m", "pyrules", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert_one_located_line(result, str(fifo))


# --- 6: patterns are ECMA-262 regexes ---------------------------------------------------


@pytest.mark.parametrize("command", ["check", "validate"])
def test_a_trailing_newline_breaks_the_version_pattern(tmp_path: Path, command: str) -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    path = tmp_path / "nl.yaml"
    path.write_text(
        "\n".join(
            'standard_version: "0.1.0\\n"' if line.startswith("standard_version:") else line
            for line in text.splitlines()
        ),
        encoding="utf-8",
    )
    result = pyrules(command, path)
    assert_one_located_line(result, f"{path}:")
    assert "standard_version" in result.stderr or "0.1.0" in result.stderr


@pytest.mark.parametrize(
    ("name", "document"),
    [
        ("waiver", {"waivers": [{"control": "INC-01\n", "justification": "x" * 20,
                                 "approved_by": "EMB", "expires": "2030-01-01"}]}),
        ("profile", {"name": "p", "standard_version": "0.2.0\n", "description": "d"}),
    ],
)  # fmt: skip
def test_a_trailing_newline_breaks_other_schemas_patterns(name: str, document: dict) -> None:
    schema = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text("utf-8"))
    assert schema_problems(document, schema)
    fixed = json.loads(json.dumps(document).replace("\\n", ""))
    assert not schema_problems(fixed, schema)


@pytest.mark.parametrize("jobs", [1, 2])  # one worker, as small runs had none (issue 18)
def test_assess_reports_a_crashed_evaluation_and_assesses_the_rest(
    tmp_path: Path, jobs: int
) -> None:
    """A standard whose policy runs a regex over a text too long even for the large stack
    kills the worker evaluating it; only that submission is lost, with the reason."""
    import shutil

    standard = tmp_path / "standard"
    shutil.copytree(ROOT / "policies", standard / "policies")
    shutil.copytree(ROOT / "schemas", standard / "schemas")
    policy = standard / "policies" / "edhs" / "lib" / "declaration.rego"  # GOV-01's address check
    text = policy.read_text(encoding="utf-8")
    assert "max_address_length := 320" in text
    policy.write_text(text.replace("max_address_length := 320", "max_address_length := 10000000"))
    schema_path = standard / "schemas" / "declaration.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    contact = schema["properties"]["governance"]["properties"]["dpo"]["properties"]["contact"]
    contact["maxLength"] = 10_000_000
    schema_path.write_text(json.dumps(schema), encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    good = REFERENCE.read_text(encoding="utf-8")
    for name in ("a", "b", "d", "e", "f"):
        (folder / f"{name}.yaml").write_text(good, encoding="utf-8")
    with_contact(tmp_path, "A" * 3_000_000).rename(folder / "c.yaml")
    from pyrules.assess import CRASHED, Settings, collect, run
    from pyrules.standard import load_standard

    # regopy: OPA's Go engine (the default when installed) has no such regex stack
    settings = Settings(load_standard(standard), engine="regopy")
    outcomes = run(collect([folder]), settings, jobs=jobs)
    reasons = {o.submission.path.name: o.reason for o in outcomes}
    assert reasons.pop("c.yaml") == f"c.yaml: {CRASHED}"
    assert reasons == dict.fromkeys(("a.yaml", "b.yaml", "d.yaml", "e.yaml", "f.yaml"))
    assert all(o.report is not None for o in outcomes if o.submission.path.name != "c.yaml")


# --- 7 and 12: verify refuses odd envelopes and statements in one line --------------------


def signed_statement(tmp_path: Path, statement_data: Any) -> tuple[Path, Path]:
    """An attestation whose payload is `statement_data`, correctly signed."""
    from pyrules.attest import Signer, envelope, generate_key

    private = tmp_path / "emb.key"
    public = generate_key(private)
    payload = json.dumps(statement_data, ensure_ascii=False).encode("utf-8", "surrogatepass")
    path = tmp_path / "odd.intoto.json"
    path.write_text(json.dumps(envelope(payload, Signer.from_file(private))), encoding="utf-8")
    return path, public


def good_statement() -> dict[str, Any]:
    from pyrules.attest import PREDICATE_TYPE, STATEMENT_TYPE

    return {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": "x.yaml", "digest": {"sha256": "0" * 64}}],
        "predicateType": PREDICATE_TYPE,
        "predicate": {"report": {"compliant": True}, "report_sha256": "0" * 64,
                      "standard": {"version": "0.1.0"}, "profile": None},
    }  # fmt: skip


def odd(path: str, value: Any) -> dict[str, Any]:
    data = good_statement()
    node = data
    *parents, last = path.split("/")
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[last] = value
    return data


@pytest.mark.parametrize(
    "statement_data",
    [
        odd("subject", [5]),
        odd("subject/0/digest", "abc"),
        odd("subject/0/digest", ["abc"]),
        odd("predicate/standard", ["0.1.0"]),
        odd("predicate/profile", "p"),
        odd("subject/0/name", "\ud800"),
    ],
    ids=["subject-5", "digest-str", "digest-list", "standard-list", "profile-str", "surrogate"],
)
def test_a_signed_statement_of_another_shape_is_refused_in_one_line(
    tmp_path: Path, statement_data: Any
) -> None:
    attestation, public = signed_statement(tmp_path, statement_data)
    result = pyrules("verify", attestation, "--key", public)
    assert result.returncode == 1, result.stderr
    assert len(result.stderr.splitlines()) == 1 and "NOT verified" in result.stderr
    assert "internal error" not in result.stderr


def test_a_well_shaped_statement_still_verifies(tmp_path: Path) -> None:
    attestation, public = signed_statement(tmp_path, good_statement())
    assert pyrules("verify", attestation, "--key", public).returncode == 0


def test_control_characters_in_a_signed_name_are_escaped(tmp_path: Path) -> None:
    attestation, public = signed_statement(tmp_path, odd("subject/0/name", "x\x1b]0;owned\x07"))
    result = pyrules("verify", attestation, "--key", public)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\\x1b" in result.stdout


@pytest.mark.parametrize(
    "raw",
    [
        '{"payloadType":"\\ud800","payload":"","signatures":[{"sig":""}]}',
        '{"payloadType":"t","payload":"","signatures":[{"sig":5}]}',
        '{"payloadType":"t","payload":"","signatures":[]}',
        "[" * 5000 + "]" * 5000,
    ],
)
def test_an_envelope_of_another_shape_is_one_line_exit_2(tmp_path: Path, raw: str) -> None:
    from pyrules.attest import generate_key

    public = generate_key(tmp_path / "emb.key")
    attestation = tmp_path / "bad.intoto.json"
    attestation.write_text(raw, encoding="utf-8")
    assert_one_located_line(pyrules("verify", attestation, "--key", public), str(attestation))


def test_verify_key_that_is_a_directory_is_one_line(tmp_path: Path) -> None:
    result = pyrules("verify", tmp_path / "a.intoto.json", "--key", tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "--key" in result.stderr


def test_an_empty_file_name_names_the_argument() -> None:
    result = pyrules("check", "")
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert "DECLARATIONS" in result.stderr and "empty" in result.stderr


# --- 8: a bundle whose schema is not a schema -------------------------------------------


def bundle_with_schema(tmp_path: Path, schema_text: str) -> Path:
    import io
    import tarfile

    built = tmp_path / "good.tar.gz"
    assert pyrules("bundle", "build", "--out", built).returncode == 0
    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(built) as source, tarfile.open(bad, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else b""
            if member.name.endswith("schemas/declaration.schema.json"):
                data = schema_text.encode("utf-8")
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return bad


@pytest.mark.parametrize(
    ("schema_text", "says"),
    [
        ("[]", "must be a JSON object"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"properties": {"standard_version": {"pattern": "("}}}', "not a valid JSON Schema"),
    ],
    ids=["list", "deep", "bad-pattern"],
)
def test_a_bundle_with_a_broken_schema_names_archive_and_member(
    tmp_path: Path, schema_text: str, says: str
) -> None:
    bundle = bundle_with_schema(tmp_path, schema_text)
    result = pyrules("check", "--bundle", bundle, REFERENCE)
    assert_one_located_line(result, f"{bundle}: schemas/declaration.schema.json")
    assert says in result.stderr


# --- found by make fuzz ------------------------------------------------------------------


@pytest.mark.parametrize("version", ["A" * 80_000, "\u2028x"])
def test_a_version_of_the_wrong_form_is_not_compared_or_quoted_whole(
    tmp_path: Path, version: str
) -> None:
    from pyrules.loader import load

    data = load(REFERENCE).data
    data["standard_version"] = version
    path = tmp_path / "v.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = pyrules("validate", path)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and len(lines[0]) < 400, lines
    assert "written for EDHS" not in result.stderr
