"""`check_declaration`: one declaration file in, what `pyrules check` and `assess` need out
(the report, its renderings, the exit code, or why it could not be checked)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest
from helpers import EXAMPLES

from pyrules.attest import Signer, generate_key, load_public_key, read_envelope, verify_envelope
from pyrules.errors import EXIT_INPUT, EXIT_NONCOMPLIANT, EXIT_OK
from pyrules.evaluate import Checker, check_declaration
from pyrules.render import RenderContext
from pyrules.standard import load_standard

AS_OF = "2026-09-15"


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker.for_standard(load_standard(), as_of=date.fromisoformat(AS_OF))


def test_a_compliant_declaration_exits_0_with_each_format_rendered(checker: Checker) -> None:
    path = EXAMPLES / "aurora-social.yaml"
    checked = check_declaration(
        checker, path, {"json": RenderContext(docs_url=""), "text": RenderContext(docs_url="")}
    )
    assert checked.report is not None and checked.report.compliant
    assert checked.exit_code == EXIT_OK and checked.problems == () and checked.reason == ""
    assert json.loads(checked.rendered["json"]) == asdict(checked.report)
    assert checked.report.declaration.name == str(path)
    assert "aurora" in checked.rendered["text"].lower()
    assert checked.document is not None and checked.document.text == path.read_text()


def test_a_noncompliant_declaration_exits_1_and_renders_nothing_unasked(checker: Checker) -> None:
    checked = check_declaration(checker, EXAMPLES / "kestrel-video.yaml", name="kestrel.yaml")
    assert checked.exit_code == EXIT_NONCOMPLIANT
    assert checked.report is not None and checked.report.declaration.name == "kestrel.yaml"
    assert checked.rendered == {}


def test_an_invalid_declaration_is_located_problems_not_an_exception(
    checker: Checker, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("platform:\n  name: 3\n", encoding="utf-8")
    checked = check_declaration(checker, bad, {"json": RenderContext(docs_url="")})
    assert checked.report is None and checked.rendered == {}
    assert checked.exit_code == EXIT_INPUT
    assert len(checked.problems) > 1
    assert all(line.startswith(f"{bad}:") for line in checked.problems)
    more = len(checked.problems) - 1
    assert checked.reason == f"{checked.problems[0]} (and {more} more problems)"


def test_an_unreadable_declaration_is_one_problem(checker: Checker, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("platform: [\n", encoding="utf-8")
    checked = check_declaration(checker, broken)
    assert checked.exit_code == EXIT_INPUT
    assert len(checked.problems) == 1 and checked.problems[0].startswith(f"{broken}:")
    assert checked.reason == checked.problems[0]


def test_with_a_signer_the_attestation_signs_the_json_report_as_rendered(
    checker: Checker, tmp_path: Path
) -> None:
    public = generate_key(tmp_path / "key")
    attestation = tmp_path / "report.intoto.json"
    checked = check_declaration(
        checker,
        EXAMPLES / "kestrel-video.yaml",
        {"json": RenderContext(docs_url="")},
        signer=Signer.from_file(tmp_path / "key"),
        attestation=attestation,
    )
    verified = verify_envelope(read_envelope(attestation), load_public_key(public))
    digest = hashlib.sha256(checked.rendered["json"].encode("utf-8")).hexdigest()
    assert verified.predicate["report_sha256"] == digest
    assert verified.subject_name == "kestrel-video.yaml"


def test_assess_names_the_file_records_the_time_and_keeps_the_bytes_checked(
    checker: Checker,
) -> None:
    """What `assess` asks of it: the report names the file (not where it was), records
    the time of the run before rendering, and the bytes kept are the ones checked."""
    path = EXAMPLES / "kestrel-video.yaml"
    checked = check_declaration(
        checker,
        path,
        {"json": RenderContext(docs_url="")},
        name=path.name,
        waivers=EXAMPLES.parent / "waivers" / "kestrel-video.yaml",
        generated_at="2026-09-15T10:00:00+00:00",
    )
    assert checked.report is not None and checked.report.declaration.name == path.name
    assert json.loads(checked.rendered["json"])["generated_at"] == "2026-09-15T10:00:00+00:00"
    assert checked.report.waiver_file is not None
    assert checked.report.waiver_file.name == "kestrel-video.yaml"  # its file name alone
    assert checked.content == path.read_bytes()
    assert hashlib.sha256(checked.content).hexdigest() == checked.report.declaration.sha256


def test_with_a_name_problems_name_the_file_not_its_folder(
    checker: Checker, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("platform: [\n", encoding="utf-8")
    (tmp_path / "oops.waivers.yaml").write_text("waivers: [oops]\n", encoding="utf-8")
    assert check_declaration(checker, broken, name="broken.yaml").reason.startswith(
        "broken.yaml:2:1: invalid YAML"
    )
    missing = check_declaration(checker, tmp_path / "gone.yaml", name="gone.yaml")
    assert missing.reason == "gone.yaml:1:1: no such file"
    good = EXAMPLES / "aurora-social.yaml"
    bad_waivers = check_declaration(
        checker, good, name=good.name, waivers=tmp_path / "oops.waivers.yaml"
    )
    assert bad_waivers.report is None and bad_waivers.reason.startswith("oops.waivers.yaml:")
