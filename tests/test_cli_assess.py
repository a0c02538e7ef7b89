"""An EMB's day on the command line: a profile, a batch of submissions, signed results."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import pyrules

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "declarations"
AURORA = EXAMPLES / "aurora-social.yaml"
KESTREL = EXAMPLES / "kestrel-video.yaml"
RURITANIA = ROOT / "examples" / "profiles" / "ruritania.yaml"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by its path relative to it."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def submissions(tmp_path: Path) -> Path:
    folder = tmp_path / "submissions"
    folder.mkdir()
    for path in EXAMPLES.iterdir():
        shutil.copy(path, folder / path.name)
    (folder / "broken.yaml").write_text("platform: [unclosed\n")
    return folder


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "emb.key"
    path.parent.mkdir()
    result = pyrules("keygen", "--out", path)
    assert result.returncode == 0, result.stderr
    return path


def test_check_under_a_stricter_profile(tmp_path: Path) -> None:
    assert pyrules("check", AURORA).returncode == 0
    result = pyrules("check", AURORA, "--profile", RURITANIA, "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["profile"]["name"] == "Ruritania 2026 general election"
    assert "TGT-03" in {r["control_id"] for r in report["results"] if r["status"] == "fail"}
    text = pyrules("check", AURORA, "--profile", RURITANIA).stdout
    assert "under profile 'Ruritania 2026 general election'" in text.splitlines()[0]


def test_a_broken_profile_is_one_line_and_exit_2(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text(
        "name: P\nstandard_version: 0.2.0\ndescription: d\nparameters:\n  min_audience: 5\n"
    )
    for command in ("check", "assess"):
        extra = ["--out", str(tmp_path / "out")] if command == "assess" else []
        result = pyrules(command, AURORA, "--profile", profile, *extra)
        assert result.returncode == 2
        assert one_line_error(result).startswith(f"{profile}:5:3: unknown parameter")


def test_assess_a_folder_with_a_broken_submission(submissions: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = pyrules("assess", submissions, "--out", out, "--jobs", "1", "--as-of", "2026-09-15")
    assert result.returncode == 2, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "aurora-social.yaml: compliant"
    assert lines[2].startswith("broken.yaml: could not be assessed: broken.yaml:2:1:")
    assert lines[3] == "kestrel-video.yaml: not compliant"
    assert "4 declarations: 2 compliant, 1 not compliant, 1 could not be assessed" in lines[-1]
    assert lines[-1].endswith(f"round 2026-09-15-1 in {out / '2026-09-15-1'}")
    names = ("aurora-social", "boreal-forum", "kestrel-video")
    assert sorted(tree(out)) == sorted(
        ["index.html", "index.json"]
        + [f"2026-09-15-1/{n}" for n in ("matrix.html", "matrix.csv", "matrix.md",
                                          "matrix.xlsx", "summary.md", "round.json")]
        + [f"2026-09-15-1/reports/{n}.{ext}" for n in names for ext in ("json", "html")]
        + [f"2026-09-15-1/declarations/{n}.yaml" for n in names]
    )  # fmt: skip


def test_assess_exit_codes_without_bad_submissions(tmp_path: Path) -> None:
    assert pyrules("assess", AURORA, "--out", tmp_path / "a").returncode == 0
    assert pyrules("assess", AURORA, KESTREL, "--out", tmp_path / "b").returncode == 1
    missing = pyrules("assess", tmp_path / "nowhere", "--out", tmp_path / "c")
    assert missing.returncode == 2 and "no such file or directory" in one_line_error(missing)


def test_an_assessment_is_byte_for_byte_reproducible(
    submissions: Path, tmp_path: Path, key: Path
) -> None:
    runs = [(tmp_path / "first", []), (tmp_path / "second", []),
            (tmp_path / "second", ["--replace"])]  # fmt: skip
    trees = []
    for out, extra in runs:
        result = pyrules(
            "assess", submissions, "--out", out, "--profile", RURITANIA, "--sign", key,
            "--today", "2026-05-01", "--round", "final", *extra,
        )  # fmt: skip
        assert result.returncode == 2, result.stderr  # broken.yaml
        trees.append(tree(out))
    assert "final/reports/aurora-social.intoto.json" in trees[0]
    assert "final/matrix.xlsx" in trees[0] and "final/round.intoto.json" in trees[0]
    assert trees[0] == trees[1] == trees[2]


def test_timestamp_is_only_there_when_asked(submissions: Path, tmp_path: Path) -> None:
    pyrules("assess", AURORA, "--out", tmp_path / "plain", "--round", "r")
    pyrules("assess", AURORA, "--out", tmp_path / "stamped", "--timestamp", "--round", "r")
    plain = json.loads((tmp_path / "plain" / "r" / "reports" / "aurora-social.json").read_text())
    assert plain["generated_at"] is None
    stamped = tmp_path / "stamped" / "r"
    assert json.loads((stamped / "reports" / "aurora-social.json").read_text())["generated_at"]
    assert "generated" in (stamped / "summary.md").read_text()


def test_sign_a_check_and_verify_it(tmp_path: Path, key: Path) -> None:
    report, attestation = tmp_path / "aurora.json", tmp_path / "aurora.intoto.json"
    result = pyrules(
        "check", AURORA, "--format", "json", "--output", report, "--sign", key,
        "--profile", RURITANIA,
    )  # fmt: skip
    assert result.returncode == 1 and attestation.is_file()
    verified = pyrules(
        "verify", attestation, "--key", f"{key}.pub", "--declaration", AURORA, "--report", report
    )
    assert verified.returncode == 0, verified.stderr
    assert "verdict: NOT compliant with EDHS 0.2.0" in verified.stdout
    assert "profile: Ruritania 2026 general election" in verified.stdout
    assert "platform: Aurora Social (aurora-social.yaml" in verified.stdout


def test_verify_the_attestations_of_an_assessment(
    submissions: Path, tmp_path: Path, key: Path
) -> None:
    reports = tmp_path / "out" / "r" / "reports"
    pyrules("assess", submissions, "--out", tmp_path / "out", "--sign", key, "--round", "r")
    for name in ("aurora-social", "kestrel-video"):
        result = pyrules(
            "verify", reports / f"{name}.intoto.json", "--key", f"{key}.pub",
            "--declaration", submissions / f"{name}.yaml", "--report", reports / f"{name}.json",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr


def test_attestations_that_would_overwrite_each_other_are_refused(
    tmp_path: Path, key: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("x.yaml", "x.intoto.yaml"):
        shutil.copy(AURORA, folder / name)
    out = tmp_path / "out"
    result = pyrules("assess", folder, "--out", out, "--sign", key)
    assert result.returncode == 2
    line = one_line_error(result)
    assert str(folder / "x.yaml") in line and str(folder / "x.intoto.yaml") in line
    assert not out.exists()


# A name in bytes that are not UTF-8, as a file system may hold (Python keeps them as
# lone surrogates, which no report, matrix or round record can carry).
NOT_UTF8 = os.fsdecode(b"platform-\xff.yaml")


def test_a_file_name_that_is_not_text_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(AURORA, folder / NOT_UTF8)
    out = tmp_path / "out"
    result = pyrules("assess", folder, "--out", out)
    assert result.returncode == 2
    assert one_line_error(result) == (
        f"{folder}/platform-\\xff.yaml: the file name is not UTF-8 text (reports, the matrix "
        "and the round record name each file); rename it"
    )
    assert not out.exists()


@pytest.mark.parametrize("fmt", ["json", "sarif", "html", "junit", "markdown", "text"])
def test_check_names_a_file_whose_name_is_not_text_in_every_format(
    tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / NOT_UTF8
    shutil.copy(AURORA, path)
    result = subprocess.run(
        [sys.executable, "-m", "pyrules", "check", path, "--format", fmt],
        capture_output=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr.decode("utf-8", "replace")[-500:]
    # Valid UTF-8 throughout, and the bytes named (JSON escapes the backslash, SARIF's URI
    # percent-encodes it).
    assert "xff.yaml" in result.stdout.decode("utf-8")


def test_a_folder_that_is_not_an_assessment_needs_force(submissions: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me\n")
    refused = pyrules("assess", AURORA, "--out", out)
    assert refused.returncode == 2 and "--force" in one_line_error(refused)
    assert sorted(tree(out)) == ["notes.txt"]
    assert pyrules("assess", AURORA, "--out", out, "--force").returncode == 0
    assert pyrules("assess", AURORA, "--out", out).returncode == 0  # now an assessment
    assert (out / "notes.txt").read_text() == "keep me\n"


def test_assessing_into_the_submissions_folder_twice_reads_no_report_back(
    submissions: Path,
) -> None:
    first = pyrules("assess", submissions, "--out", submissions, "--force", "--jobs", "1")
    second = pyrules("assess", submissions, "--out", submissions, "--jobs", "1")
    assert second.returncode == first.returncode == 2, second.stderr
    assert second.stdout.splitlines()[:-1] == first.stdout.splitlines()[:-1]
    assert second.stdout.splitlines()[-1].startswith("4 declarations:")


def test_a_round_name_in_use_is_refused_before_anything_is_assessed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert pyrules("assess", AURORA, "--out", out, "--round", "first").returncode == 0
    before = tree(out)
    again = pyrules("assess", KESTREL, "--out", out, "--round", "first")
    assert again.returncode == 2
    line = one_line_error(again)
    assert "round 'first' already exists" in line and "--replace" in line
    assert again.stdout == "" and tree(out) == before
    bad = pyrules("assess", AURORA, "--out", out, "--round", "../escape")
    assert bad.returncode == 2 and "a round name is letters" in one_line_error(bad)


def test_tampering_is_one_line_and_exit_1(tmp_path: Path, key: Path) -> None:
    declaration = tmp_path / "aurora-social.yaml"
    declaration.write_bytes(AURORA.read_bytes())
    report, attestation = tmp_path / "r.json", tmp_path / "r.intoto.json"
    pyrules("check", declaration, "--format", "json", "--output", report, "--sign", key)
    declaration.write_bytes(declaration.read_bytes().replace(b"24", b"96", 1))
    result = pyrules("verify", attestation, "--key", f"{key}.pub", "--declaration", declaration)
    assert result.returncode == 1
    assert "NOT verified: the declaration" in one_line_error(result)


def test_unreadable_inputs_to_verify_exit_2(tmp_path: Path, key: Path) -> None:
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    result = pyrules("verify", garbage, "--key", f"{key}.pub")
    assert result.returncode == 2 and "garbage.json:1:2: not JSON" in one_line_error(result)
    result = pyrules("verify", garbage, "--key", tmp_path / "missing.pub")
    assert result.returncode == 2 and "no such key file" in one_line_error(result)


def test_sign_needs_a_place_for_the_attestation(key: Path) -> None:
    result = pyrules("check", AURORA, "--sign", key)
    assert result.returncode == 2
    assert "--attestation" in one_line_error(result)


def test_the_cli_starts_without_heavy_imports() -> None:
    heavy = ("cryptography", "rich", "jinja2", "regopy", "pydantic", "jsonschema")
    code = f"import sys, pyrules.cli; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("engine", ["opa", "regopy"])
def test_a_crashed_engine_loses_one_submission_even_in_a_small_run(
    tmp_path: Path, engine: str
) -> None:
    """Two submissions, one worker: the worker evaluating kestrel-video.yaml aborts (the
    test-only hook); the run still writes its round, names the crash, and exits 2."""
    import os

    if engine == "opa":
        pytest.importorskip("opa_bindings")
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "pyrules", "assess", AURORA, KESTREL, "--out", out, "--jobs", "1",
         "--engine", engine, "--round", "r"],
        capture_output=True, text=True, cwd=ROOT, check=False,
        env={**os.environ, "PYRULES_TEST_ABORT_ON": KESTREL.name},
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stdout.splitlines()[:2] == [
        "aurora-social.yaml: compliant",
        "kestrel-video.yaml: could not be assessed: kestrel-video.yaml: could not be "
        "evaluated: the engine crashed",
    ]
    assert "Traceback" not in result.stderr
    record = json.loads((out / "r" / "round.json").read_text())
    assert [p["verdict"] for p in record["platforms"]] == ["compliant", "could not be assessed"]
    assert "the engine crashed" in (out / "r" / "matrix.html").read_text()
    assert (out / "r" / "reports" / "aurora-social.json").is_file()


# `pyrules` with Ctrl-C raising KeyboardInterrupt, as in a terminal, even if the tests run
# where it is ignored (a job started in the background inherits that).
AS_IN_A_TERMINAL = (
    "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "runpy.run_module('pyrules', run_name='__main__', alter_sys=True)"
)


@pytest.mark.parametrize(
    ("stop", "by", "wait"),
    [
        ("SIGTERM", "SIGTERM", 0.0),  # a scheduler cancels the job, even as workers start
        ("SIGINT", "Ctrl-C", 1.0),  # to the whole process group, as a terminal sends it
    ],
)
def test_a_stopped_run_leaves_nothing_half_done(
    tmp_path: Path, stop: str, by: str, wait: float
) -> None:
    """The run ends through its clean-ups, with exit 128 + the signal (not 1, "not
    compliant"), one line, and neither a hidden half-written round in the archive nor the
    workers' settings in the temporary folder. (Ctrl-C is ignored for the few
    milliseconds in which workers start, hence the wait.)"""
    import signal
    import time

    number = getattr(signal, stop)
    folder, temporary, out = tmp_path / "submissions", tmp_path / "tmp", tmp_path / "out"
    folder.mkdir()
    temporary.mkdir()
    for index in range(300):
        shutil.copy(AURORA, folder / f"platform-{index}.yaml")
    process = subprocess.Popen(
        [sys.executable, "-c", AS_IN_A_TERMINAL, "assess", folder, "--out", out, "--jobs", "2",
         "--engine", "regopy"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "TMPDIR": str(temporary)}, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not list(temporary.glob("pyrules-assess-*")):  # the workers are starting
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run never started its workers"
        time.sleep(0.01)
    time.sleep(wait)
    if stop == "SIGINT":
        os.killpg(process.pid, number)
    else:
        process.send_signal(number)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 128 + number, stderr
    assert stderr.strip().splitlines() == [f"pyrules assess: stopped by {by} before the end"]
    assert list(temporary.iterdir()) == []
    assert not out.exists() or [p.name for p in out.iterdir() if p.name.startswith(".")] == []
