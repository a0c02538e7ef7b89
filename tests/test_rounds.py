"""Assessment rounds as an EMB runs them: kept, signed whole, compared, briefed."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re
import shutil
import zipfile
from dataclasses import asdict
from pathlib import Path

import pytest
from helpers import pyrules

from pyrules.assess import Settings, collect, run, write_outputs
from pyrules.errors import InputError
from pyrules.profile import load_profile
from pyrules.render.matrix import score
from pyrules.rounds import RoundPlatform, RoundRecord
from pyrules.standard import Standard, load_standard

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "declarations"
RURITANIA = ROOT / "examples" / "profiles" / "ruritania.yaml"
NAMES = ["aurora-social", "boreal-forum", "kestrel-video"]
DAY = "2026-09-15"  # the reference date, which names the round


@pytest.fixture(scope="module")
def standard() -> Standard:
    return load_standard()


@pytest.fixture
def submissions(tmp_path: Path) -> Path:
    folder = tmp_path / "submissions"
    folder.mkdir()
    for name in NAMES:
        shutil.copy(EXAMPLES / f"{name}.yaml", folder / f"{name}.yaml")
    return folder


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "emb.key"
    path.parent.mkdir()
    assert pyrules("keygen", "--out", path).returncode == 0
    return path


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def second_round(submissions: Path) -> None:
    """Kestrel fixes its breach notification; Boreal's slips past the standard's 72 h."""
    edit(
        submissions / "kestrel-video.yaml",
        "breach_notification_hours: 96",
        "breach_notification_hours: 48",
    )
    edit(
        submissions / "boreal-forum.yaml",
        "breach_notification_hours: 36",
        "breach_notification_hours: 96",
    )


def test_two_rounds_are_kept_indexed_and_compared(submissions: Path, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    first = pyrules("assess", submissions, "--out", archive, "--as-of", DAY)
    assert first.returncode == 1, first.stderr
    kept = tree(archive / f"{DAY}-1")
    second_round(submissions)
    second = pyrules("assess", submissions, "--out", archive, "--as-of", DAY)
    assert second.returncode == 1, second.stderr
    assert second.stdout.splitlines()[-1].endswith(f"round {DAY}-2 in {archive / f'{DAY}-2'}")
    assert tree(archive / f"{DAY}-1") == kept  # the first round is untouched

    index = json.loads((archive / "index.json").read_text())
    assert [(r["name"], r["sequence"], r["previous"]) for r in index["rounds"]] == [
        (f"{DAY}-1", 1, None),
        (f"{DAY}-2", 2, f"{DAY}-1"),
    ]
    html = (archive / "index.html").read_text()
    links = re.findall(r'href="([^"]+)"', html)
    for name in (f"{DAY}-1", f"{DAY}-2"):
        assert f"{name}/matrix.html" in links and f"{name}/summary.md" in links
    assert f"{DAY}-2/changes.html" in links
    assert all((archive / link).is_file() for link in links)

    result = pyrules("compare", archive / f"{DAY}-1", archive / f"{DAY}-2", "--format", "json")
    assert result.returncode == 1  # Boreal Forum regressed
    comparison = json.loads(result.stdout)
    changes = {
        p["key"]: [(c["control"], c["before"], c["after"], c["kind"]) for c in p["changes"]]
        for p in comparison["platforms"]
    }
    assert changes == {
        "boreal-forum": [("INC-01", "pass", "fail", "regressed")],
        "kestrel-video": [("INC-01", "fail", "pass", "fixed")],
    }
    regressed = {p["key"]: p["regressed"] for p in comparison["platforms"]}
    assert regressed == {"boreal-forum": True, "kestrel-video": False}
    assert comparison["added"] == comparison["dropped"] == []
    assert comparison["standard_changed"] is comparison["profile_changed"] is None
    assert (archive / f"{DAY}-2" / "changes.json").read_text() == result.stdout

    markdown = pyrules("compare", archive / f"{DAY}-1", archive / f"{DAY}-2").stdout
    assert "**Boreal Forum** REGRESSED" in markdown and "INC-01 pass -> fail" in markdown
    same = pyrules("compare", archive / f"{DAY}-1", archive / f"{DAY}-1")
    assert same.returncode == 0 and "- No change." in same.stdout
    summary = (archive / f"{DAY}-2" / "summary.md").read_text()
    assert f"## Changes since round `{DAY}-1`" in summary
    assert "INC-01 fail -> pass (fixed)" in summary


def test_compare_names_added_dropped_platforms_and_a_new_profile(
    submissions: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    pyrules("assess", submissions, "--out", archive, "--round", "one")
    (submissions / "aurora-social.yaml").unlink()
    shutil.copy(EXAMPLES / "aurora-social.yaml", submissions / "aurora-two.yaml")
    pyrules("assess", submissions, "--out", archive, "--round", "two", "--profile", RURITANIA)
    result = pyrules("compare", archive / "one", archive / "two", "--format", "json")
    comparison = json.loads(result.stdout)
    assert [p["key"] for p in comparison["added"]] == ["aurora-two"]
    assert [p["key"] for p in comparison["dropped"]] == ["aurora-social"]
    assert comparison["profile_changed"].startswith("no profile -> Ruritania 2026")
    html = pyrules("compare", archive / "one", archive / "two", "--format", "html").stdout
    assert "Dropped: <strong>Aurora Social</strong>" in html
    missing = pyrules("compare", archive / "one", tmp_path / "nowhere")
    assert missing.returncode == 2 and "not an assessment round" in missing.stderr


def test_a_round_is_replaced_only_when_asked_and_only_its_own_files_go(
    standard: Standard, submissions: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    settings = Settings(standard)
    everyone = run(collect([submissions]), settings)
    write_outputs(everyone, settings, archive, round_name="a")
    write_outputs(everyone, settings, archive, round_name="b")
    (archive / "a" / "notes.txt").write_text("the assessor's notes\n")
    b_before = tree(archive / "b")
    with pytest.raises(InputError, match=r"round 'a' already exists.*--replace"):
        write_outputs(everyone, settings, archive, round_name="a")
    first_record = (archive / "a" / "round.json").read_bytes()
    assert json.loads(first_record)["replaced"] == []
    only = run(collect([submissions / "aurora-social.yaml"]), settings)
    write_outputs(only, settings, archive, round_name="a", replace_round=True)
    second_record = (archive / "a" / "round.json").read_bytes()
    first = {
        "generated_at": json.loads(first_record)["generated_at"],
        "record_sha256": hashlib.sha256(first_record).hexdigest(),
    }
    assert json.loads(second_record)["replaced"] == [first]  # the replaced run leaves a trace
    write_outputs(only, settings, archive, round_name="a", replace_round=True)
    # the same run again replaces a record that says the same: nothing is lost, bytes stay
    assert (archive / "a" / "round.json").read_bytes() == second_record
    a_after = sorted(tree(archive / "a"))
    assert "notes.txt" in a_after
    assert [n for n in a_after if n.startswith("reports/")] == [
        "reports/aurora-social.html",
        "reports/aurora-social.json",
    ]
    assert tree(archive / "b") == b_before
    index = json.loads((archive / "index.json").read_text())
    assert [r["name"] for r in index["rounds"]] == ["a", "b"]  # a keeps its place


def test_default_names_are_the_reference_date_and_a_counter(
    standard: Standard, submissions: Path, tmp_path: Path
) -> None:
    from datetime import date

    archive = tmp_path / "archive"
    outcomes = run(collect([submissions / "aurora-social.yaml"]), Settings(standard))
    names = []
    for day in (date(2026, 5, 1), date(2026, 5, 1), date(2026, 6, 2)):
        settings = Settings(standard, as_of=day)
        names.append(write_outputs(outcomes, settings, archive).round)
    assert names == ["2026-05-01-1", "2026-05-01-2", "2026-06-02-1"]


def test_a_round_has_one_date_its_reference_date(
    standard: Standard, submissions: Path, tmp_path: Path
) -> None:
    """--today moves only the date waivers expire against: the round, its record, matrix
    and summary all state the reference date its reports count ages from."""
    from datetime import date

    settings = Settings(standard, today=date(2026, 5, 1), as_of=date(2026, 9, 15))
    outcomes = run(collect([submissions / "aurora-social.yaml"]), settings)
    assert outcomes[0].report is not None and outcomes[0].report.reference_date == "2026-09-15"
    table = write_outputs(outcomes, settings, tmp_path / "archive")
    assert table.round == "2026-09-15-1"
    folder = tmp_path / "archive" / table.round
    assert json.loads((folder / "round.json").read_text())["reference_date"] == "2026-09-15"
    assert "reference date 2026-09-15" in (folder / "summary.md").read_text()
    assert "2026-05-01" not in (folder / "summary.md").read_text()


def test_verify_a_signed_round_and_name_what_was_altered(
    submissions: Path, tmp_path: Path, key: Path
) -> None:
    archive = tmp_path / "archive"
    pyrules("assess", submissions, "--out", archive, "--round", "r", "--sign", key)
    round_dir = archive / "r"
    good = pyrules("verify", round_dir, "--key", f"{key}.pub")
    assert good.returncode == 0, good.stderr
    lines = good.stdout.splitlines()
    assert lines[0].startswith(f"verified: round r in {round_dir} is signed by key")
    assert "aurora-social.yaml: compliant, score 100.0" in lines
    assert any(line.startswith("kestrel-video.yaml: not compliant, score") for line in lines)

    def altered(path: Path, expected: str) -> None:
        result = pyrules("verify", round_dir, "--key", f"{key}.pub")
        assert result.returncode == 1
        assert result.stderr.strip() == f"{round_dir}: NOT verified: {expected}", result.stderr
        assert "Traceback" not in result.stderr

    for name in ("matrix.html", "reports/kestrel-video.html"):
        path = round_dir / name
        original = path.read_bytes()
        path.write_bytes(original[:100] + bytes([original[100] ^ 1]) + original[101:])
        altered(path, f"{name}: changed (its SHA-256 differs from the attested one)")
        path.write_bytes(original)
    report = round_dir / "reports" / "aurora-social.json"
    original = report.read_bytes()
    report.unlink()
    altered(report, "reports/aurora-social.json: missing (the round's attestation lists it)")
    report.write_bytes(original)
    (round_dir / "reports" / "extra.html").write_text("<p>slipped in</p>")
    altered(round_dir, "reports/extra.html: added (not in the round's attestation)")
    (round_dir / "reports" / "extra.html").unlink()
    assert pyrules("verify", round_dir, "--key", f"{key}.pub").returncode == 0

    other = tmp_path / "other.key"
    pyrules("keygen", "--out", other)
    wrong = pyrules("verify", round_dir, "--key", f"{other}.pub")
    assert wrong.returncode == 1 and "another key" in wrong.stderr


def test_an_unsigned_round_cannot_be_verified(submissions: Path, tmp_path: Path, key: Path) -> None:
    pyrules("assess", submissions, "--out", tmp_path / "a", "--round", "r")
    result = pyrules("verify", tmp_path / "a" / "r", "--key", f"{key}.pub")
    assert result.returncode == 2
    assert result.stderr.strip().endswith("no round.intoto.json in it; was the round signed "
                                          "(assess --sign)?")  # fmt: skip


def test_a_generic_in_toto_and_dsse_tool_checks_a_round(
    submissions: Path, tmp_path: Path, key: Path
) -> None:
    """What the EMB guide tells a verifier without pyrules: securesystemslib checks the
    DSSE signature, then each subject's SHA-256 against the file of that name."""
    from cryptography.hazmat.primitives import serialization
    from securesystemslib.dsse import Envelope
    from securesystemslib.signer import SSlibKey

    archive = tmp_path / "archive"
    pyrules("assess", submissions, "--out", archive, "--round", "r", "--sign", key)
    round_dir = archive / "r"
    public = serialization.load_pem_public_key((Path(f"{key}.pub")).read_bytes())
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    verifier = SSlibKey(
        hashlib.sha256(raw).hexdigest(), "ed25519", "ed25519", {"public": raw.hex()}
    )
    envelope = Envelope.from_dict(json.loads((round_dir / "round.intoto.json").read_text()))
    assert envelope.verify([verifier], 1)
    statement = json.loads(base64.b64decode(json.loads(
        (round_dir / "round.intoto.json").read_text())["payload"]))  # fmt: skip
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    subjects = {s["name"]: s["digest"]["sha256"] for s in statement["subject"]}
    files = {p.relative_to(round_dir).as_posix(): p for p in round_dir.rglob("*") if p.is_file()}
    assert set(subjects) == set(files) - {"round.intoto.json"}
    for name, digest in subjects.items():
        assert hashlib.sha256(files[name].read_bytes()).hexdigest() == digest
    assert {"matrix.html", "matrix.csv", "matrix.md", "matrix.xlsx", "summary.md"} <= set(subjects)
    declarations = {s["declaration_sha256"] for s in statement["predicate"]["verdicts"]}
    assert {subjects[f"declarations/{n}.yaml"] for n in NAMES} == declarations


def test_expired_and_unused_waivers_are_visible_everywhere(
    standard: Standard, submissions: Path, tmp_path: Path
) -> None:
    """An expired waiver never reads as waived: the matrix cell, the CSV, the summary
    and the platform's HTML report say "waiver expired" with its date."""
    from datetime import date

    waivers = tmp_path / "waivers"
    waivers.mkdir()
    (waivers / "kestrel-video.waivers.yaml").write_text(
        "waivers:\n  - control: INC-01\n"
        "    justification: The new on-call rota starts in October.\n"
        "    approved_by: DPO\n    expires: 2026-01-31\n"
    )
    (waivers / "aurora-social.waivers.yaml").write_text(
        "waivers:\n  - control: SEC-02\n"
        "    justification: Old clients need TLS 1.2 until the migration ends.\n"
        "    approved_by: CISO\n    expires: 2026-12-31\n"
    )
    settings = Settings(standard, waivers_dir=waivers, today=date(2026, 5, 1))
    archive = tmp_path / "archive"
    write_outputs(run(collect([submissions]), settings), settings, archive, round_name="r")
    folder = archive / "r"
    html = (folder / "matrix.html").read_text()
    cell = re.search(r'<td class="s (\w+)" title="[^"]*waiver expired 2026-01-31[^"]*">', html)
    assert cell and cell.group(1) == "fail"
    assert "<small>waiver expired 2026-01-31</small>" in html
    rows = list(csv.DictReader(io.StringIO((folder / "matrix.csv").read_text())))
    inc01 = next(r for r in rows if r["file"] == "kestrel-video.yaml" and r["control"] == "INC-01")
    assert (inc01["status"], inc01["waiver"]) == ("fail", "waiver expired 2026-01-31")
    summary = (folder / "summary.md").read_text()
    assert "INC-01 waiver expired 2026-01-31" in summary
    assert "SEC-02 waiver unused (expires 2026-12-31)" in summary
    assert "Waived 0" not in summary
    report = (folder / "reports" / "kestrel-video.html").read_text()
    section = report[report.index('id="INC-01"') :]
    assert "Waiver expired 2026-01-31" in section[: section.index("</section>")]
    assert "kestrel-video.waivers.yaml:2</span>" in section
    # The record names files, never where they were on the assessor's machine.
    assert all(str(tmp_path).encode() not in data for data in tree(folder).values())


def test_failures_only_the_profile_causes_are_marked(
    standard: Standard, submissions: Path, tmp_path: Path
) -> None:
    """Aurora's audience minimum of 2500 meets the standard's 1000 but not Ruritania's
    5000; Kestrel's 96-hour breach notice fails under both."""
    profile = load_profile(RURITANIA, standard)
    settings = Settings(standard, profile=profile)
    outcomes = {o.submission.key: o for o in run(collect([submissions]), settings)}
    assert "TGT-03" in outcomes["aurora-social"].profile_only
    kestrel = outcomes["kestrel-video"]
    assert kestrel.report is not None
    failing = {r.control_id for r in kestrel.report.results if r.status == "fail"}
    assert "INC-01" in failing and "INC-01" not in kestrel.profile_only
    write_outputs(list(outcomes.values()), settings, tmp_path / "a", round_name="r")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "a" / "r" / "matrix.csv").read_text())))
    marked = {(r["file"], r["control"]) for r in rows if r["profile_only"] == "yes"}
    assert ("aurora-social.yaml", "TGT-03") in marked
    assert ("kestrel-video.yaml", "INC-01") not in marked


def test_the_spreadsheet_has_a_verdicts_and_a_findings_sheet(
    standard: Standard, submissions: Path, tmp_path: Path
) -> None:
    settings = Settings(standard)
    write_outputs(run(collect([submissions]), settings), settings, tmp_path / "a", round_name="r")
    again = tmp_path / "b"
    write_outputs(run(collect([submissions]), settings), settings, again, round_name="r")
    data = (tmp_path / "a" / "r" / "matrix.xlsx").read_bytes()
    assert data == (again / "r" / "matrix.xlsx").read_bytes()  # reproducible
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        workbook = book.read("xl/workbook.xml").decode()
        assert re.findall(r'<sheet name="(\w+)"', workbook) == ["verdicts", "findings"]
        verdicts = book.read("xl/worksheets/sheet1.xml").decode()
        findings = book.read("xl/worksheets/sheet2.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert len(re.findall("<row[ >]", verdicts)) == 1 + len(NAMES)
    assert len(re.findall("<row[ >]", findings)) == 1 + len(NAMES) * len(standard.controls)
    assert "<f>" not in findings  # no formula, whatever a platform wrote
    assert "breach_notification_hours is 96" in strings


def test_the_summary_reads_like_a_briefing_note(
    standard: Standard, submissions: Path, tmp_path: Path
) -> None:
    from datetime import date

    profile = load_profile(RURITANIA, standard)
    settings = Settings(standard, profile=profile, as_of=date(2026, 9, 15))
    write_outputs(run(collect([submissions]), settings), settings, tmp_path / "a", round_name="r")
    summary = (tmp_path / "a" / "r" / "summary.md").read_text()
    header = summary.splitlines()[2]
    assert "round `r`" in header and "reference date 2026-09-15" in header
    assert "profile Ruritania 2026 general election" in header
    kestrel = summary[summary.index("**Kestrel Video** (not compliant, score ") :]
    sentences = [line for line in kestrel.splitlines() if line.startswith("- ")][:3]
    assert len(sentences) == 3
    assert all(re.match(r"- [A-Z]{3}-\d\d \(critical\), .+\(kestrel-video\.yaml line \d+\)\.$", s)
               for s in sentences)  # fmt: skip
    assert "This is the archive's first round." in summary


def test_the_score_weighs_applicable_controls_by_severity() -> None:
    assert score([("critical", "pass"), ("low", "fail"), ("high", "not_applicable")]) == 80.0
    assert score([("high", "waived"), ("medium", "pass"), ("low", "error")]) == 33.3
    assert score([("high", "not_applicable")]) is None


def a_record(*scores: float | None) -> RoundRecord:
    platforms = [
        RoundPlatform(key=f"p{i}", file=f"p{i}.yaml", name=f"Plätform {i} ✅", verdict="compliant",
                      reason=None, score=s, declaration_sha256="ab" * 32,
                      controls={"TGT-03": "pass", "ADS-01": "fail", "INC-01": "waived"})
        for i, s in enumerate(scores)
    ]  # fmt: skip
    return RoundRecord(
        name="r", sequence=3, previous="q", reference_date=DAY, standard_version="1.0",
        standard_sha256="cd" * 32, profile={"name": "Ruritania", "sha256": "ef" * 32},
        fail_on="high", tool_version="1.2.3", generated_at=None, signed=False,
        platforms=platforms, files=["matrix.csv", "reports/p0.json"],
        not_assessed={"ADS-09": "research"},
        replaced=[{"generated_at": None, "record_sha256": "01" * 32}],
    )  # fmt: skip


def as_before(record: RoundRecord) -> str:
    """round.json as json.dumps wrote it, before orjson wrote it where the bytes agree."""
    return json.dumps(asdict(record), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def test_a_record_is_written_by_orjson_as_json_dumps_wrote_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ordinary = a_record(87.5, None, 100.0, 0.0, 33.3)
    expected = as_before(ordinary)
    monkeypatch.setattr(json, "dumps", None)  # the standard library is not used
    assert ordinary.to_json() == expected


def test_a_record_orjson_would_write_otherwise_is_written_as_before() -> None:
    for odd in (a_record(1e-05), a_record(float("nan")), a_record(1e16, 50.0)):
        assert odd.to_json() == as_before(odd)


# A signed round statement of another shape, each re-signed with the round's own key: the
# signature holds, so only the shape check stands between it and an internal error.
ODD_STATEMENTS = [
    ("subject", [5]),
    ("subject", "reports/x.json"),
    ("subject/0/digest", "abc"),
    ("subject/0/digest/sha256", ["0" * 64]),
    ("subject/0/name", ""),
    ("predicate", []),
    ("predicate/standard", ["EDHS"]),
    ("predicate/profile", "Ruritania"),
    ("predicate/verdicts", "compliant"),
    ("predicate/verdicts/0", 5),
    ("predicate/verdicts/0/score", "100"),
    ("predicateType", "https://in-toto.io/attestation/other"),
]


def test_a_round_of_another_shape_is_refused_in_one_line(
    submissions: Path, tmp_path: Path, key: Path
) -> None:
    from click.testing import CliRunner

    from pyrules.attest import Signer, _canonical, envelope
    from pyrules.cli import main

    archive = tmp_path / "archive"
    run_ = pyrules("assess", submissions, "--out", archive, "--round", "r", "--sign", key)
    assert run_.returncode == 1, run_.stderr
    attestation = archive / "r" / "round.intoto.json"
    signed = json.loads(attestation.read_text())
    signer = Signer.from_file(key)

    def verify() -> tuple[int, str]:
        result = CliRunner().invoke(main, ["verify", str(archive / "r"), "--key", f"{key}.pub"])
        assert result.exception is None or isinstance(result.exception, SystemExit)
        return result.exit_code, result.stderr

    for pointer, value in ODD_STATEMENTS:
        statement = json.loads(base64.b64decode(signed["payload"]))
        *parents, last = pointer.split("/")
        node = statement
        for part in parents:
            node = node[int(part) if isinstance(node, list) else part]
        node[int(last) if isinstance(node, list) else last] = value
        attestation.write_text(json.dumps(envelope(_canonical(statement), signer)))
        code, stderr = verify()
        assert code == 1, (pointer, stderr)
        assert stderr.count("\n") == 1 and "not an EDHS round statement" in stderr, stderr
    for text in ('{"payloadType":"\\ud800","payload":"","signatures":[{"sig":""}]}', "[]", "{"):
        attestation.write_text(text)
        code, stderr = verify()
        assert code == 2 and stderr.count("\n") == 1, (text, stderr)
    attestation.write_text(json.dumps(signed))
    assert verify()[0] == 0

    record = archive / "r" / "round.json"
    good = json.loads(record.read_text())
    for edit_ in ({"platforms": "x"}, {"platforms": [{"controls": []}]}, {"sequence": "1"},
                  {"extra": 1}, {"profile": ["x"]}):  # fmt: skip
        record.write_text(json.dumps({**good, **edit_}))
        result = CliRunner().invoke(main, ["compare", str(archive / "r"), str(archive / "r")])
        assert result.exit_code == 2, (edit_, result.output)
        assert (
            result.stderr.startswith(f"{record}: not a round record")
            and result.stderr.count("\n") == 1
        ), result.stderr


def test_a_round_that_cannot_be_written_is_one_line_and_leaves_nothing(
    standard: Standard, submissions: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files are written in a thread of their own while the matrix renders: a failure
    there is still the one-line input error, and no half round or hidden folder is left."""
    settings = Settings(standard)
    outcomes = run(collect([submissions]), settings)
    archive = tmp_path / "archive"
    write_outputs(outcomes, settings, archive, round_name="first")
    before = tree(archive)
    real = Path.write_bytes

    def full_disk(path: Path, data: bytes) -> int:
        if path.name == "kestrel-video.html":
            raise OSError(28, "No space left on device", str(path))
        return real(path, data)

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    with pytest.raises(InputError, match=r"kestrel-video\.html: cannot write the round \(No space"):
        write_outputs(outcomes, settings, archive, round_name="second")
    monkeypatch.undo()
    assert tree(archive) == before
    assert sorted(p.name for p in archive.iterdir()) == ["first", "index.html", "index.json"]


class _Cancelled(BaseException):
    """What the command's SIGTERM handler raises (pyrules.cli.assess)."""


def test_a_stop_while_a_round_is_replaced_waits_until_it_is_in_place(
    standard: Standard, submissions: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A SIGTERM once the old round's files are gone, before the new ones are moved in:
    raised where it came, it would leave a round of neither run, and the files not yet
    moved would go with the hidden folder they wait in. It is raised once the new round
    is in place and listed."""
    import signal

    from pyrules import rounds

    settings = Settings(standard)
    everyone = run(collect([submissions]), settings)
    write_outputs(everyone, settings, tmp_path / "expected", round_name="a")
    archive = tmp_path / "archive"
    only = run(collect([submissions / "aurora-social.yaml"]), settings)
    write_outputs(only, settings, archive, round_name="a")
    remove_own_files = rounds._remove_own_files

    def cancelled_midway(folder: Path, record: RoundRecord) -> None:
        remove_own_files(folder, record)
        signal.raise_signal(signal.SIGTERM)

    def cancel(_number: int, _frame: object) -> None:
        raise _Cancelled

    monkeypatch.setattr(rounds, "_remove_own_files", cancelled_midway)
    previous = signal.signal(signal.SIGTERM, cancel)
    try:
        with pytest.raises(_Cancelled):
            write_outputs(everyone, settings, archive, round_name="a", replace_round=True)
    finally:
        signal.signal(signal.SIGTERM, previous)
    written = tree(archive / "a")
    assert sorted(written) == sorted(tree(tmp_path / "expected" / "a"))
    assert (
        json.loads(written["round.json"])["platforms"]
        == json.loads(tree(tmp_path / "expected" / "a")["round.json"])["platforms"]
    )
    assert [p.name for p in archive.iterdir() if p.name.startswith(".")] == []
    index = json.loads((archive / "index.json").read_text())
    assert [r["name"] for r in index["rounds"]] == ["a"]
