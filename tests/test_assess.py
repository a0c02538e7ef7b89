"""Batch assessment: a folder of submissions in, a round of matrix, summary and reports out."""

from __future__ import annotations

import ast
import csv
import io
import pickle
import re
import shutil
from pathlib import Path

import pytest

from pyrules.assess import (
    Outcome,
    Settings,
    Submission,
    assess_one,
    batches,
    build_checker,
    collect,
    exit_code,
    progress_bar,
    run,
    write_outputs,
)
from pyrules.errors import InputError
from pyrules.profile import load_profile
from pyrules.rounds import check_archive
from pyrules.standard import Standard, load_standard

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "declarations"
PROFILES = ROOT / "examples" / "profiles"
NAMES = ["aurora-social", "boreal-forum", "kestrel-video"]


@pytest.fixture(scope="module")
def standard() -> Standard:
    return load_standard()


@pytest.fixture
def submissions(tmp_path: Path) -> Path:
    """What an EMB receives: the three example platforms, their expected-outcome files
    (which are not declarations), one broken file and one that breaks the schema."""
    folder = tmp_path / "submissions"
    folder.mkdir()
    for path in EXAMPLES.iterdir():
        shutil.copy(path, folder / path.name)
    (folder / "broken.yaml").write_text("platform: [unclosed\n")
    valid = (EXAMPLES / "aurora-social.yaml").read_text()
    (folder / "invalid.yaml").write_text(valid.replace("is_vlop: true", "is_vlop: maybe", 1))
    return folder


ROUND = "r1"


def assess(folder: Path, out: Path, settings: Settings, jobs: int = 1) -> list[Outcome]:
    """Assess `folder` into round ROUND of the archive `out`."""
    outcomes = run(collect([folder]), settings, jobs)
    write_outputs(outcomes, settings, out, round_name=ROUND)
    return outcomes


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by its path relative to it."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_declarations_are_collected_sorted_without_expected_outcomes(submissions: Path) -> None:
    keys = [s.key for s in collect([submissions])]
    assert keys == ["aurora-social", "boreal-forum", "broken", "invalid", "kestrel-video"]


def test_bad_submissions_are_reported_and_the_others_assessed(
    standard: Standard, submissions: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    outcomes = assess(submissions, out, Settings(standard))
    verdicts = {o.submission.key: o.verdict for o in outcomes}
    assert verdicts == {
        "aurora-social": "compliant",
        "boreal-forum": "compliant",
        "broken": "could not be assessed",
        "invalid": "could not be assessed",
        "kestrel-video": "not compliant",
    }
    reasons = {o.submission.key: o.reason for o in outcomes if o.reason}
    assert reasons["broken"].startswith("broken.yaml:2:1: invalid YAML")
    assert reasons["invalid"].startswith("invalid.yaml:")
    assert exit_code(outcomes) == 2

    rows = list(csv.DictReader(io.StringIO((out / ROUND / "matrix.csv").read_text())))
    assert len(rows) == 5 * len(standard.controls)  # one per platform and control
    cell = {(row["file"], row["control"]): row for row in rows}
    broken = cell["broken.yaml", "INC-01"]
    assert broken["verdict"] == "could not be assessed" and broken["status"] == "not assessed"
    assert broken["findings"] == reasons["broken"]
    kestrel = cell["kestrel-video.yaml", "INC-01"]
    assert (kestrel["status"], kestrel["severity"], kestrel["family"]) == ("fail", "high", "INC")
    assert "breach_notification_hours is 96" in kestrel["findings"]
    assert re.fullmatch(r"kestrel-video\.yaml:\d+", kestrel["locations"])
    assert cell["aurora-social.yaml", "INC-01"]["status"] == "pass"

    summary = (out / ROUND / "summary.md").read_text()
    assert "5 declarations: 2 compliant, 1 not compliant, 2 could not be assessed" in summary
    assert "## Could not be assessed" in summary and "`broken.yaml`" in summary
    reports = out / ROUND / "reports"
    for name in NAMES:
        assert (reports / f"{name}.json").is_file() and (reports / f"{name}.html").is_file()
    assert not (reports / "broken.json").exists()


def test_exit_codes_rank_unassessed_over_noncompliant(
    standard: Standard, submissions: Path, tmp_path: Path
) -> None:
    settings = Settings(standard)
    ok = run(collect([submissions / "aurora-social.yaml"]), settings)
    bad = run(
        collect([submissions / "kestrel-video.yaml", submissions / "aurora-social.yaml"]), settings
    )
    assert (exit_code(ok), exit_code(bad)) == (0, 1)


def test_the_profile_applies_to_every_platform(
    standard: Standard, submissions: Path, tmp_path: Path
) -> None:
    profile = load_profile(PROFILES / "ruritania.yaml", standard)
    out = tmp_path / "out"
    outcomes = assess(submissions, out, Settings(standard, profile=profile))
    aurora = next(o for o in outcomes if o.submission.key == "aurora-social")
    assert aurora.verdict == "not compliant"
    assert aurora.report is not None and aurora.report.profile == profile.digest
    assert profile.name in (out / ROUND / "summary.md").read_text()


def test_waivers_are_found_per_platform(
    standard: Standard, submissions: Path, tmp_path: Path
) -> None:
    waivers = tmp_path / "waivers"
    waivers.mkdir()
    (waivers / "kestrel-video.waivers.yaml").write_text(
        "waivers:\n"
        "  - control: INC-01\n"
        "    justification: New on-call rota starts in October.\n"
        "    approved_by: Data Protection Officer\n"
        "    expires: 2099-10-31\n"
    )
    (waivers / "boreal-forum.waivers.yaml").write_text("waivers: [oops]\n")
    outcomes = run(collect([submissions]), Settings(standard, waivers_dir=waivers))
    by_key = {o.submission.key: o for o in outcomes}
    kestrel = by_key["kestrel-video"].report
    assert kestrel is not None and kestrel.waiver_file is not None
    assert next(r for r in kestrel.results if r.control_id == "INC-01").status == "waived"
    assert by_key["aurora-social"].report.waiver_file is None  # type: ignore[union-attr]
    assert "boreal-forum.waivers.yaml" in (by_key["boreal-forum"].reason or "")


def test_two_declarations_with_one_name_are_refused(tmp_path: Path) -> None:
    for name in ("a.yaml", "a.json"):
        (tmp_path / name).write_text("{}")
    with pytest.raises(InputError, match="same name"):
        collect([tmp_path])


def test_an_empty_folder_or_a_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no declarations"):
        collect([tmp_path])
    with pytest.raises(InputError, match="no such file or directory"):
        collect([tmp_path / "missing"])


@pytest.mark.parametrize("engine", ["opa", "regopy"])  # OPA: threads in each worker
def test_worker_processes_give_the_same_files(
    standard: Standard, submissions: Path, tmp_path: Path, engine: str
) -> None:
    if engine == "opa":
        pytest.importorskip("opa_bindings")
    for index in range(12):  # 17 submissions: --jobs 1 starts with batches of 2 (OPA: threads)
        shutil.copy(submissions / "aurora-social.yaml", submissions / f"copy-{index}.yaml")
    # A profile with stricter values: each worker also needs its checker of the defaults.
    profile = load_profile(PROFILES / "ruritania.yaml", standard)
    settings = Settings(standard, engine=engine, profile=profile)
    assess(submissions, tmp_path / "one", settings, jobs=1)
    assess(submissions, tmp_path / "two", settings, jobs=2)
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_a_batch_of_outcomes_reaches_the_parent_whole_each_passing_control_sent_once(
    standard: Standard, submissions: Path
) -> None:
    settings = Settings(standard)
    checker = build_checker(settings)
    outcomes = [assess_one(checker, settings, s) for s in collect([submissions])]
    back = pickle.loads(pickle.dumps(outcomes))  # as a worker sends a batch back
    assert back == outcomes
    assert [o.report is None for o in back] == [o.report is None for o in outcomes]
    reports = [o.report for o in back if o.report is not None]
    assert len(reports) == 3
    passing = [r for report in reports for r in report.results if r.status == "pass"]
    # The same control passing in several reports is one record: pickled once.
    assert len({id(r) for r in passing}) == len({r.control_id for r in passing}) < len(passing)


def test_the_html_matrix_is_self_contained_and_works_without_script(
    standard: Standard, submissions: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assess(submissions, out, Settings(standard))
    html = (out / ROUND / "matrix.html").read_text()
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|https?://", html)
    assert '<div class="filters" id="filters" hidden>' in html  # shown only by the script
    assert html.count('<tr class="control"') == len(standard.controls)
    assert re.search(r'class="s fail" title="[^"]*breach_notification_hours is 96', html)
    assert 'class="s none"' in html
    assert "could not be assessed" in html


def test_the_markdown_matrix_has_a_row_per_control(
    standard: Standard, submissions: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assess(submissions, out, Settings(standard))
    lines = (out / ROUND / "matrix.md").read_text().splitlines()
    rows = [line for line in lines if re.match(r"^\| [A-Z]{3}-\d\d ", line)]
    assert len(rows) == len(standard.controls)
    assert all(line.count("|") == 2 + 5 + 1 for line in rows)


def test_a_platform_name_cannot_inject_a_spreadsheet_formula(
    standard: Standard, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = (EXAMPLES / "aurora-social.yaml").read_text()
    (folder / "evil.yaml").write_text(
        text.replace("name: Aurora Social", "name: '=HYPERLINK(1)'", 1)
    )
    out = tmp_path / "out"
    assess(folder, out, Settings(standard))
    rows = list(csv.DictReader(io.StringIO((out / ROUND / "matrix.csv").read_text())))
    assert {row["platform"] for row in rows} == {"'=HYPERLINK(1)"}


def test_a_submission_named_like_the_matrix_keeps_its_own_reports(
    standard: Standard, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("matrix.yaml", "summary.yaml"):
        shutil.copy(EXAMPLES / "aurora-social.yaml", folder / name)
    out = tmp_path / "out"
    assess(folder, out, Settings(standard))
    assert '<div class="wrap" id="matrix">' in (out / ROUND / "matrix.html").read_text()
    report = (out / ROUND / "reports" / "matrix.html").read_text()
    assert '<div class="wrap" id="matrix">' not in report
    assert (out / ROUND / "summary.md").read_text().startswith("# EDHS")
    names = {p.name for p in (out / ROUND / "reports").iterdir()}
    assert {"matrix.json", "summary.json"} <= names


def test_submissions_whose_outputs_would_collide_are_refused(tmp_path: Path) -> None:
    """`x.intoto.yaml`'s report would be `x.yaml`'s attestation; case-only differences
    collide once the archive is unpacked on a case-insensitive file system."""
    for name in ("x.yaml", "x.intoto.yaml"):
        (tmp_path / name).write_text("{}")
    with pytest.raises(InputError) as caught:
        collect([tmp_path])
    message = str(caught.value)
    assert "x.yaml" in message and "x.intoto.yaml" in message and "\n" not in message
    assert "reports/x.intoto.json" in message

    other = tmp_path / "case"
    other.mkdir()
    (other / "Kestrel.yaml").write_text("{}")
    (other / "kestrel.yml").write_text("{}")
    with pytest.raises(InputError, match=r"Kestrel\.yaml.*kestrel\.yml|kestrel\.yml.*Kestrel"):
        collect([other])


def test_write_outputs_refuses_colliding_outcomes_before_writing(
    standard: Standard, tmp_path: Path
) -> None:
    """The library entry point is guarded too, not only `collect`."""
    outcomes = [
        Outcome(Submission("x", tmp_path / "x.yaml"), reason="r"),
        Outcome(Submission("x.intoto", tmp_path / "x.intoto.yaml"), reason="r"),
    ]
    out = tmp_path / "out"
    with pytest.raises(InputError, match="would overwrite"):
        write_outputs(outcomes, Settings(standard), out)
    assert not out.exists()


def test_the_archive_folder_must_be_new_empty_or_an_archive(tmp_path: Path) -> None:
    out = tmp_path / "out"
    check_archive(out)  # does not exist yet
    out.mkdir()
    check_archive(out)  # empty
    (out / "thesis.docx").write_text("precious")
    with pytest.raises(InputError, match=r"not empty and not an assessment archive.*--force"):
        check_archive(out)
    check_archive(out, force=True)
    (out / "index.json").write_text("{}")
    check_archive(out)
    with pytest.raises(InputError, match="not a directory"):
        check_archive(out / "thesis.docx")


def test_an_output_folder_inside_the_submissions_is_never_read_back(
    standard: Standard, submissions: Path
) -> None:
    """Neither `--out SUBMISSIONS` nor `--out SUBMISSIONS/out` adds declarations to the
    next run: the reports are in a folder of their own, and folders are not recursed."""
    before = [s.key for s in collect([submissions])]
    for out in (submissions, submissions / "out"):
        assess(submissions, out, Settings(standard))
        assert [s.key for s in collect([submissions])] == before


def test_the_progress_bar_shows_when_the_caller_asks(standard: Standard, submissions: Path) -> None:
    with progress_bar(1, enabled=False) as off:
        assert off is None
    [outcome] = run(collect([submissions / "aurora-social.yaml"]), Settings(standard))
    with progress_bar(1, enabled=True) as on:
        assert on is not None
        on(outcome)


def test_the_matrix_renderer_looks_nothing_up_upstream() -> None:
    """Renderers read results: the matrix view is built by `assess`, not by the renderer."""
    upstream = {"pyrules.assess", "pyrules.evaluate", "pyrules.standard", "pyrules.profile"}
    for path in (ROOT / "pyrules" / "render").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = {node.module} | {f"{node.module}.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                names = {a.name for a in node.names}
            else:
                continue
            assert not names & upstream, f"{path.name} imports {sorted(names & upstream)}"


def test_workers_get_threads_only_for_opa_and_only_for_idle_cores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pyrules import assess as module

    monkeypatch.setattr(module, "default_jobs", lambda: 4)
    assert [module.threads_per_worker("opa", w) for w in (1, 2, 3, 4, 8)] == [4, 2, 1, 1, 1]
    assert module.threads_per_worker("regopy", 1) == 1


def test_an_unwritable_temporary_folder_is_one_line_before_any_worker_starts(
    standard: Standard, submissions: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The workers read the settings from a temporary file (see `_settings_file`).
    import tempfile

    missing = tmp_path / "no-such-folder"
    monkeypatch.setattr(tempfile, "tempdir", str(missing))
    problem = r"no-such-folder/pyrules-assess-\S+\.pickle: cannot write the workers' settings"
    with pytest.raises(InputError, match=problem):
        run(collect([submissions / "aurora-social.yaml"]), Settings(standard), 1)


def test_the_workers_environment_adds_what_is_unset_and_only_for_the_pool(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os

    from pyrules.engine.inprocess import GO_RUNTIME, go_runtime_for_workers

    monkeypatch.delenv("GOGC", raising=False)
    monkeypatch.setenv("GOMEMLIMIT", "3GiB")
    with go_runtime_for_workers():
        assert (os.environ["GOGC"], os.environ["GOMEMLIMIT"]) == (GO_RUNTIME["GOGC"], "3GiB")
    assert "GOGC" not in os.environ and os.environ["GOMEMLIMIT"] == "3GiB"


@pytest.mark.parametrize(("count", "workers"), [(400, 2), (37, 3), (5, 2), (1, 4)])
def test_batches_shrink_so_no_worker_is_left_with_a_long_last_one(count: int, workers: int) -> None:
    submissions = [Submission(f"p{i}", Path(f"p{i}.yaml")) for i in range(count)]
    sizes = [len(batch) for batch in batches(submissions, workers, 16)]
    assert [s for batch in batches(submissions, workers, 16) for s in batch] == submissions
    assert sizes == sorted(sizes, reverse=True)  # the largest first, the last ones of one
    assert max(sizes) <= 16
    assert sizes[-workers:] == [1] * min(workers, len(sizes))
