"""Batch assessment: every declaration an election management body received, in one run.

`pyrules assess DIR --out ARCHIVE` checks each submission with the same standard, profile
and settings, and writes one round of an archive an assessor can hand on (see
`pyrules.rounds`): a matrix of every control for every platform (HTML, CSV, XLSX,
Markdown), a briefing summary, each platform's JSON and HTML report and declaration,
the comparison with the previous round and, with a key, the round's signature.

Decisions:

- A directory contributes its `*.yaml`, `*.yml` and `*.json` files (not recursively),
  except expected-outcome files (`*.expected.yaml`), waiver files (`*.waivers.yaml`),
  attestations (`*.intoto.json`), which live beside declarations in practice, and an
  archive's `index.json`.
- In the round folder, the matrix files and the summary sit at the top, each platform's
  files in `reports/`, named after the declaration's file name without the extension
  (`<name>.json`, `<name>.html` and, when signing, `<name>.intoto.json`), and a copy of
  the declaration in `declarations/`. A submission can then never be named like the
  matrix; two submissions whose outputs would share a name (`a.yaml` and `a.json`,
  `x.yaml` and `x.intoto.yaml`, or names that differ only in case, which collide once
  the archive is unpacked elsewhere) are an input error before anything is assessed,
  rather than one silently overwriting the other. Reports name the declaration by its
  file name (not the path), so an archive does not depend on where the submissions
  folder was.
- The archive folder must be new, empty or an archive (`index.json`), or `--force` must
  be given. Submissions are read before anything is written, and rounds are folders,
  which are not collected, so an archive inside (or equal to) a submissions folder is
  never read back as declarations.
- With a profile that overrides parameters, a failing control that reads one of them is
  evaluated again under the standard's values (same controls, same severities): if it
  does not fail there, only the profile's stricter values make it fail, and the matrix
  marks it. Only declarations with such a failure pay for the second evaluation.
- A submission that cannot be read, parsed or validated (or whose waiver file is
  broken) "could not be assessed": the matrix and summary give the one-line reason and
  the others are assessed as usual. Exit 2 if any could not be assessed, else 1 if any
  is not compliant, else 0.
- Every evaluation runs in a spawned worker process (OPA's engine: in threads too when
  there are more cores than workers), even for one submission, so that a native crash in
  the engine (rego-cpp's SIGSEGV, a fatal error of Go's runtime) kills a worker, not the
  run: that submission "could not be assessed" ("could not be evaluated: the engine
  crashed") and the rest are assessed again in a fresh pool, one at a time until the
  culprit is found. Workers are spawned, never forked, since Go's runtime must not be
  forked once it runs. The environment variable PYRULES_TEST_ABORT_ON (test-only) names
  a file whose worker aborts, so the tests crash a worker for real; a submission cannot
  set it.
- A submission is checked as `pyrules check` checks a file (`check_declaration`), and
  its file is read once: the copy a round keeps is the very bytes that were assessed.
- Each worker builds its checkers once (a standard that does not compile, or a missing
  engine, is then an input error raised in the run, not a crash). With several regopy
  workers, the policies are compiled once in this process first: they load the compiled
  bundle from the on-disk cache.
- Outputs are deterministic: sorted by output name, no timestamp unless asked, and the
  files are written with `\\n` line ends.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import quote

from pyrules import rounds, stops
from pyrules.errors import InputError, printable, source_name
from pyrules.evaluate import Checker, check_declaration, default_engine, is_blocking
from pyrules.loader import Document, Limits
from pyrules.model import ControlResult, Report, Severity, WaiverResult, severity_rank
from pyrules.rounds import Plan, RoundPlatform, RoundRecord, check_archive
from pyrules.standard import Standard

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

    from pyrules.attest import Signer
    from pyrules.profile import Profile
    from pyrules.render.matrix import Cell, Matrix

DECLARATION_SUFFIXES = (".yaml", ".yml", ".json")
SKIPPED_SUFFIXES = (
    ".expected.yaml",
    ".expected.yml",
    ".waivers.yaml",
    ".waivers.yml",
    ".intoto.json",
)
WAIVERS_SUFFIX = ".waivers.yaml"
REPORTS_DIR = "reports"  # each platform's files, apart from the matrix's
DECLARATIONS_DIR = "declarations"  # a copy of each declaration assessed, as received


class Submission(NamedTuple):
    """One declaration to assess and the name its outputs get."""

    key: str
    path: Path


@dataclass(frozen=True)
class Settings:
    """Everything a worker needs to build the same Checker (plain data: it is pickled)."""

    standard: Standard
    profile: Profile | None = None
    fail_on: Severity = "low"
    today: date | None = None  # only the date waivers expire against [default: as_of]
    as_of: date | None = None  # the reference date, also the round's [default: see below]
    limits: Limits = field(default_factory=Limits)
    waivers_dir: Path | None = None
    generated_at: str | None = None
    engine: str | None = None  # opa (in process) or regopy; None: opa when installed
    docs_url: str | None = None  # where reports link; None: the standard's site_url


@dataclass(frozen=True)
class Outcome:
    """What became of one submission: a report, or the reason there is none."""

    submission: Submission
    report: Report | None = None
    reason: str | None = None
    json_text: str | None = None
    html_text: str | None = None
    declaration: bytes | None = None  # the exact bytes assessed, kept in the round
    profile_only: tuple[str, ...] = ()  # failing controls that pass under the defaults
    evidence: str = ""  # assess --ads-dir: what the ad repository shows, or why not read

    @property
    def verdict(self) -> str:
        if self.report is None:
            return "could not be assessed"
        return "compliant" if self.report.compliant else "not compliant"


def collect(inputs: Sequence[Path]) -> list[Submission]:
    """The declarations named by files and directories, sorted by output name; a folder
    that is also an archive does not contribute its index."""
    paths: list[Path] = []
    for item in inputs:
        if item.is_dir():
            found = sorted(
                p
                for p in item.iterdir()
                if p.is_file()
                and p.name.lower().endswith(DECLARATION_SUFFIXES)
                and not p.name.lower().endswith(SKIPPED_SUFFIXES)
                and not rounds.is_index(p)
            )
            if not found:
                raise InputError(f"{item}: no declarations (*.yaml, *.yml, *.json) in it")
            paths.extend(found)
        elif item.exists():
            paths.append(item)
        else:
            raise InputError(f"{item}: no such file or directory")
    by_key: dict[str, Submission] = {}
    seen: set[Path] = set()
    for path in paths:
        resolved = path.resolve()
        if resolved in seen:
            continue
        seen.add(resolved)
        key = output_name(path)
        if key in by_key:
            raise InputError(
                f"{path}: has the same name as {by_key[key].path} (outputs would both be "
                f"{key}.*); rename one"
            )
        by_key[key] = Submission(key, path)
    submissions = [by_key[k] for k in sorted(by_key)]
    check_output_names(submissions)
    return submissions


def report_names(key: str) -> tuple[str, ...]:
    """The files a submission may get in REPORTS_DIR (the attestation only when signing:
    it is reserved anyway, so that adding --sign to a run never makes names clash)."""
    return (f"{key}.json", f"{key}.html", f"{key}.intoto.json")


def check_output_names(submissions: Sequence[Submission]) -> None:
    """Refuse, before anything is written, two submissions that would write one file.

    Names are compared regardless of case: an archive unpacked on a case-insensitive
    file system would otherwise lose one of them."""
    owners: dict[str, Submission] = {}
    for submission in submissions:
        if not _is_text(submission.key):
            # Its reports, the matrix and the round record all carry the name as text.
            raise InputError(
                f"{printable(source_name(submission.path))}: the file name is not UTF-8 text "
                "(reports, the matrix and the round record name each file); rename it"
            )
        for name in report_names(submission.key):
            other = owners.setdefault(name.casefold(), submission)
            if other is not submission:
                raise InputError(
                    f"{submission.path}: its outputs would overwrite those of {other.path} "
                    f"(both write {REPORTS_DIR}/{name}); rename one"
                )


def _is_text(name: str) -> bool:
    """False for a name the file system gave as undecodable bytes (surrogate escapes)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def output_name(path: Path) -> str:
    name = path.name
    lower = name.lower()
    for suffix in DECLARATION_SUFFIXES:
        if lower.endswith(suffix):
            return name[: -len(suffix)] or name
    return name


# The settings that decide a verdict: every checker of a run is built from them alike.
CHECKER_SETTINGS = ("profile", "fail_on", "limits", "today", "engine", "as_of")


def build_checker(settings: Settings) -> Checker:
    chosen = {name: getattr(settings, name) for name in CHECKER_SETTINGS}
    return Checker.for_standard(settings.standard, **chosen)


def build_defaults_checker(settings: Settings) -> Checker | None:
    """A checker with the profile's selection but the standard's parameter values, to
    tell which failures only the profile's stricter values cause; None when the profile
    changes no parameter (then none can be)."""
    profile = settings.profile
    if profile is None or not profile.parameters:
        return None
    return build_checker(replace(settings, profile=replace(profile, parameters={})))


def profile_only(
    report: Report, document: Document, settings: Settings, defaults: Checker
) -> tuple[str, ...]:
    """Failing controls that read a parameter the profile overrides and do not fail when
    evaluated again under the standard's values (only such declarations are re-evaluated)."""
    assert settings.profile is not None
    overridden = set(settings.profile.parameters)
    reads = {c.id: set(c.parameters) for c in settings.standard.controls}
    suspects = [
        r.control_id
        for r in report.results
        if r.status == "fail" and reads.get(r.control_id, set()) & overridden
    ]
    if not suspects:
        return ()
    plain = {r.control_id: r.status for r in defaults.check_document(document).results}
    return tuple(c for c in suspects if plain.get(c) != "fail")


def assess_one(
    checker: Checker, settings: Settings, submission: Submission, defaults: Checker | None = None
) -> Outcome:
    """Check one submission as `pyrules check` checks a file (named by its file name, with
    its own waiver file, rendered as JSON and HTML); any problem with it becomes its
    reason, never an exception."""
    from pyrules.render import RenderContext

    path = submission.path
    waivers = None
    if settings.waivers_dir is not None:
        waivers = settings.waivers_dir / f"{submission.key}{WAIVERS_SUFFIX}"
    checked = check_declaration(
        checker,
        path,  # the JSON report links to nothing, as report_json's (which attestations sign)
        {
            "json": RenderContext(docs_url=""),
            "html": RenderContext(docs_url=settings.docs_url or ""),
        },
        name=path.name,
        waivers=waivers if waivers is not None and waivers.is_file() else None,
        generated_at=settings.generated_at,
    )
    if checked.report is None or checked.document is None:
        return Outcome(submission, reason=checked.reason)
    stricter = (
        profile_only(checked.report, checked.document, settings, defaults) if defaults else ()
    )
    return Outcome(
        submission,
        checked.report,
        json_text=checked.rendered["json"],
        html_text=checked.rendered["html"],
        declaration=checked.content,
        profile_only=stricter,
    )


CRASHED = "could not be evaluated: the engine crashed"
# Test-only: a worker aborts (a real native crash) before assessing the submission of this
# file name. Only whoever runs pyrules sets the environment; no submission can.
ABORT_ON = "PYRULES_TEST_ABORT_ON"


class _Worker:
    """One worker process: its settings, and checkers (so engines) per thread."""

    def __init__(self, settings: Settings, threads: int) -> None:
        import threading

        self.settings = settings
        self.own = threading.local()
        self.thread_count = threads
        self.threads: ThreadPoolExecutor | None = None

    def assess(self, submission: Submission) -> Outcome:
        if os.environ.get(ABORT_ON) == submission.path.name:
            os.abort()
        if not hasattr(self.own, "checkers"):
            self.own.checkers = (
                build_checker(self.settings),
                build_defaults_checker(self.settings),
            )
        checker, defaults = self.own.checkers
        return assess_one(checker, self.settings, submission, defaults)

    def assess_batch(self, batch: Sequence[Submission]) -> list[Outcome]:
        """In threads when the run gave this worker more than one (ctypes releases the GIL
        while Go evaluates, so a thread's Python work overlaps another's query)."""
        if len(batch) == 1 or self.thread_count == 1:
            return [self.assess(submission) for submission in batch]
        if self.threads is None:
            from concurrent.futures import ThreadPoolExecutor

            self.threads = ThreadPoolExecutor(self.thread_count)
        return list(self.threads.map(self.assess, batch))


_worker: _Worker | None = None


def _init_worker(settings_file: str, threads: int) -> None:
    import pickle
    import signal

    global _worker
    # Ctrl-C reaches the whole process group: the parent stops the run, and lets each
    # worker finish its batch and end rather than print where the key press found it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        handle = open(settings_file, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        # The run ended (stopped) before this worker started: there is nothing to do, and
        # an exception here would print the pool's traceback under the run's last line.
        os._exit(0)
    with handle:
        settings = pickle.load(handle)
    _worker = _Worker(settings, threads)


@contextmanager
def _settings_file(settings: Settings) -> Iterator[str]:
    """The settings pickled into a private temporary file, for the workers to read. Passed
    as the initializer's argument they would travel in the process object, which a spawned
    child reads from a pipe only after importing its modules: the parent, blocked on that
    pipe (the standard's sources fill it several times over), started the second worker
    only when the first had read everything, some 150 ms into a 1.8 s run."""
    import pickle
    import tempfile

    with ExitStack() as stack:
        try:
            handle = stack.enter_context(
                tempfile.NamedTemporaryFile(prefix="pyrules-assess-", suffix=".pickle")
            )
            pickle.dump(settings, handle, protocol=pickle.HIGHEST_PROTOCOL)
            handle.flush()
        except OSError as exc:
            place = exc.filename or tempfile.gettempdir()
            problem = f"cannot write the workers' settings ({exc.strerror})"
            raise InputError(f"{place}: {problem}") from None
        yield handle.name


def _assess_in_worker(batch: Sequence[Submission]) -> list[Outcome]:
    assert _worker is not None, "the worker initializer did not run"
    return _worker.assess_batch(batch)


def threads_per_worker(engine: str | None, workers: int) -> int:
    """Threads only for OPA's engine (regopy holds the GIL while it evaluates) and only for
    cores the workers leave idle: with a worker per core, a second thread (each builds its
    own engine) cost more CPU time than its overlap saved, on two cores."""
    return max(1, default_jobs() // workers) if engine == "opa" else 1


def run(
    submissions: Sequence[Submission],
    settings: Settings,
    jobs: int = 1,
    on_done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Assess every submission in spawned worker processes; results keep the order.

    Even one submission is evaluated in a worker: a native crash of the engine (rego-cpp's
    SIGSEGV, a fatal error of Go's runtime) then ends that worker, not the run. After a
    crash, one worker takes one submission at a time, in order, until the next crash: the
    first submission left without an outcome is the one that crashed it, and the others
    go on in a fresh pool. Workers are spawned, never forked: OPA's Go runtime must not be
    forked once it runs."""
    from pyrules.site_url import resolve_site_url

    settings = replace(
        settings,
        engine=settings.engine or default_engine(),
        docs_url=resolve_site_url(None, settings.standard.root)
        if settings.docs_url is None
        else settings.docs_url,
    )
    workers = max(1, min(jobs, len(submissions)))
    if settings.engine == "regopy" and workers > 1:
        # Compiled once here and cached on disk, for every worker to load.
        build_checker(settings)
        build_defaults_checker(settings)
    shape = _Pool(workers, LARGEST_BATCH, threads_per_worker(settings.engine, workers))
    outcomes: list[Outcome] = []
    remaining, hunting = list(submissions), False
    while remaining:
        done = _in_pool(remaining, settings, _Pool(1, 1, 1) if hunting else shape, on_done)
        outcomes.extend(done)
        remaining = remaining[len(done) :]
        if remaining and hunting:
            outcomes.append(Outcome(remaining[0], reason=f"{remaining[0].path.name}: {CRASHED}"))
            if on_done:
                on_done(outcomes[-1])
            remaining = remaining[1:]
        hunting = bool(remaining) and not hunting
    return outcomes


class _Pool(NamedTuple):
    """How a pool runs: worker processes, the most submissions sent to a worker at a time,
    and threads in each worker."""

    workers: int
    batch: int
    threads: int


# Batches save a round trip per submission; past 16 they save nothing more.
LARGEST_BATCH = 16


def batches(
    submissions: Sequence[Submission], workers: int, largest: int
) -> list[Sequence[Submission]]:
    """The submissions in batches that shrink as the queue empties: each holds an eighth of
    what is left per worker (at most `largest`, at least one). With batches of one size,
    the run ended with one worker busy on its last batch while the others had none left,
    on average for half a batch: with regopy's engine (some 26 ms a declaration, 16 to a
    batch) 400 submissions took 5.22 s against 5.05 s now (medians of 6, alternated).
    Shrinking batches leave about one submission's worth."""
    result, start = [], 0
    while start < len(submissions):
        size = max(1, min(largest, (len(submissions) - start) // (workers * 8)))
        result.append(submissions[start : start + size])
        start += size
    return result


def _in_pool(
    submissions: Sequence[Submission],
    settings: Settings,
    shape: _Pool,
    on_done: Callable[[Outcome], None] | None,
) -> list[Outcome]:
    """The outcomes, in order, up to the first batch lost when a worker process died (a
    native crash in the engine takes its whole process); the caller goes on from there."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from pyrules.engine.inprocess import go_runtime_for_workers

    outcomes: list[Outcome] = []
    with go_runtime_for_workers(), _settings_file(settings) as settings_file:
        pool = ProcessPoolExecutor(
            max_workers=shape.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(settings_file, shape.threads),
        )
        finished = False
        try:
            # The workers start here, as the first batches are submitted.
            with stops.held(workers_ignore_ctrl_c=True):
                # Submitted, not pool.map: map cancels what is left when the loop is left
                # early (a stop), and Python 3.11's pool then fails on those futures in a
                # thread of its own if a worker ends meanwhile (InvalidStateError, printed
                # after the run's last line); shutdown's own cancelling does not.
                pending = [
                    pool.submit(_assess_in_worker, batch)
                    for batch in batches(submissions, shape.workers, shape.batch)
                ]
            with suppress(BrokenProcessPool):
                for future in pending:
                    for outcome in future.result():
                        outcomes.append(outcome)
                        if on_done:
                            on_done(outcome)
            finished = True
        finally:
            # Finished: the workers end (their interpreter and Go runtime take some 30 ms)
            # while the caller writes the round. Stopped (Ctrl-C, SIGTERM) or failed: they
            # finish the batch they hold and end before their settings file goes, so none
            # starts without it.
            pool.shutdown(wait=not finished, cancel_futures=True)
    return outcomes


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@contextmanager
def progress_bar(total: int, enabled: bool) -> Iterator[Callable[[Outcome], None] | None]:
    """A rich progress bar on stderr when `enabled` (the CLI asks for it when stderr is a
    terminal); nothing otherwise, so logs and pipes get no escape codes."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("assessing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[last]}"),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("assess", total=total, last="")
        yield lambda outcome: bar.update(task, advance=1, last=outcome.submission.path.name)


def exit_code(outcomes: Sequence[Outcome]) -> int:
    if any(o.report is None for o in outcomes):
        return 2
    return 1 if any(not o.report.compliant for o in outcomes if o.report) else 0


def reference_date(settings: Settings) -> str:
    """The round's one date: the reference date every report of it counts ages from
    (--as-of, else PYRULES_AS_OF, else the profile's as_of, else today). It names the round
    by default and is what round.json, the matrix and the summary state. --today only
    moves the date waivers expire against, and never dates the round."""
    from pyrules.evaluate import choose_reference_date

    return (settings.as_of or choose_reference_date(None, settings.profile)).isoformat()


def _waiver_state(waiver: WaiverResult) -> str:
    """How a cell names a waiver: an expired one never reads as waived."""
    if waiver.status == "expired":
        return f"waiver expired {waiver.expires}"
    if waiver.status == "unused":
        return f"waiver unused (expires {waiver.expires})"
    return f"waived until {waiver.expires}"


def _cells(report: Report, profile_only: Sequence[str]) -> dict[str, Cell]:
    """Each control's cell; a cell that shows only its status is one shared object per
    status, since most of a round's cells are such (and Cell is frozen)."""
    from pyrules.render.matrix import Cell

    waivers: dict[str, list[str]] = {}
    for waiver in report.waivers:
        waivers.setdefault(waiver.control_id, []).append(_waiver_state(waiver))
    plain: dict[str, Cell] = {}
    cells = {}
    for result in report.results:
        control_id = result.control_id
        waiver = "; ".join(waivers[control_id]) if control_id in waivers else ""
        stricter = control_id in profile_only
        if result.findings or result.error or waiver or stricter:
            cells[control_id] = _cell(result, waiver, stricter)
            continue
        cell = plain.get(result.status)
        if cell is None:  # a frozen dataclass is slow to build: once per status
            cell = plain[result.status] = Cell(result.status)
        cells[control_id] = cell
    return cells


def _cell(result: ControlResult, waiver: str, profile_only: bool) -> Cell:
    from pyrules.render.matrix import Cell

    where = tuple(
        f"{f.location.file}:{f.location.line}" if f.location else f.path for f in result.findings
    )
    return Cell(
        status=result.status,
        findings=tuple(
            f"{f.message} ({place})" + (f" [waived: {f.waived_by}]" if f.waived_by else "")
            for f, place in zip(result.findings, where, strict=True)
        ),
        where=where,
        waiver=waiver,
        profile_only=profile_only,
        error=result.error,
    )


def top_findings(report: Report, limit: int) -> tuple[str, ...]:
    """The most serious open findings, one sentence each: severity first, then what
    blocks the verdict, then the control's ID."""
    open_results = [r for r in report.results if r.status in ("fail", "error")]
    open_results.sort(
        key=lambda r: (-severity_rank(r.severity), not is_blocking(r, report.fail_on), r.control_id)
    )
    sentences = []
    for result in open_results[:limit]:
        if result.status == "error":
            detail = f"could not be evaluated ({result.error})"
        else:
            finding = next((f for f in result.findings if not f.waived_by), result.findings[0])
            place = (
                f"{finding.location.file} line {finding.location.line}"
                if finding.location
                else finding.path
            )
            detail = f"{finding.message.rstrip('.')} ({place})"
        sentences.append(
            f"{result.control_id} ({result.severity}), {result.title.rstrip('.')}: {detail}."
        )
    return tuple(sentences)


def build_matrix(outcomes: Sequence[Outcome], settings: Settings, round_name: str = "") -> Matrix:
    """What the matrix renderers show, as plain data: renderers read reports, so the
    standard, the profile and what blocks a verdict are looked up here, not there."""
    from pyrules.render.matrix import TOP_FINDINGS, ControlRow, Matrix, PlatformColumn, score

    standard, profile = settings.standard, settings.profile
    controls = [
        ControlRow(c.id, c.title, c.family, profile.severity(c) if profile else c.severity)
        for c in standard.controls
        if profile is None or profile.applies(c.id)
    ]
    titles = {f.id: f.title for f in standard.families}
    families = [(f, titles.get(f, f)) for f in dict.fromkeys(c.family for c in controls)]
    platforms = []
    for outcome in outcomes:
        report, name = outcome.report, outcome.submission.path.name
        if report is None:
            platforms.append(
                PlatformColumn(
                    file=name,
                    name=name,
                    verdict=outcome.verdict,
                    reason=outcome.reason,
                    report_link=None,
                    cells={},
                    blocking=[],
                    failing_below=[],
                    waived=0,
                    key=outcome.submission.key,
                )
            )
            continue
        blocking = [r.control_id for r in report.results if is_blocking(r, report.fail_on)]
        platforms.append(
            PlatformColumn(
                file=report.declaration.name,
                name=report.platform or report.declaration.name,
                verdict=outcome.verdict,
                reason=None,
                report_link=f"{REPORTS_DIR}/{quote(outcome.submission.key)}",
                cells=_cells(report, outcome.profile_only),
                blocking=blocking,
                failing_below=[
                    r.control_id
                    for r in report.results
                    if r.status == "fail" and r.control_id not in blocking
                ],
                waived=report.summary.waived,
                key=outcome.submission.key,
                score=score((r.severity, r.status) for r in report.results),
                waiver_notes=tuple(
                    f"{w.control_id} {_waiver_state(w)}" for w in report.waiver_notices()
                ),
                top_findings=top_findings(report, TOP_FINDINGS),
                evidence=outcome.evidence,
            )
        )
    return Matrix(
        standard_version=standard.version,
        standard_sha256=standard.sha256,
        profile=profile.digest if profile else None,
        fail_on=settings.fail_on,
        generated_at=settings.generated_at,
        families=families,
        controls=controls,
        platforms=platforms,
        round=round_name,
        reference_date=reference_date(settings),
        not_assessed=tuple(
            (ControlRow(c.id, c.title, c.family, c.severity), profile.left_out[c.id])
            for c in standard.controls
            if profile is not None and c.id in profile.left_out
        ),
    )


# What round.json records of each platform as the matrix shows it.
AS_MATRIX_SHOWS = ("key", "file", "name", "verdict", "reason", "score")


def round_record(
    table: Matrix, outcomes: Sequence[Outcome], plan: Plan, signed: bool, files: Sequence[str]
) -> RoundRecord:
    """What the round's `round.json` says: the index and `pyrules compare` read it."""
    from pyrules import __version__

    digests = {o.submission.key: o.report.declaration.sha256 for o in outcomes if o.report}
    record = RoundRecord(
        name=plan.name,
        sequence=plan.sequence,
        previous=plan.previous.name if plan.previous else None,
        reference_date=table.reference_date,
        standard_version=table.standard_version,
        standard_sha256=table.standard_sha256,
        profile=asdict(table.profile) if table.profile else None,
        not_assessed={row.id: reason for row, reason in table.not_assessed},
        fail_on=table.fail_on,
        tool_version=__version__,
        generated_at=table.generated_at,
        signed=signed,
        platforms=[
            RoundPlatform(
                **{name: getattr(p, name) for name in AS_MATRIX_SHOWS},
                declaration_sha256=digests.get(p.key),
                controls=dict(sorted(p.statuses.items())),
            )
            for p in table.platforms
        ],
        files=sorted(files),
    )
    return replace(record, replaced=rounds.replaced_runs(plan, record))


def _report_files(outcomes: Sequence[Outcome]) -> dict[str, bytes]:
    """Each assessed platform's JSON and HTML report, and the declaration as received."""
    files: dict[str, bytes] = {}
    for outcome in outcomes:
        key = outcome.submission.key
        if outcome.report is None or outcome.json_text is None:
            continue
        files[f"{REPORTS_DIR}/{key}.json"] = outcome.json_text.encode("utf-8")
        if outcome.html_text is not None:
            files[f"{REPORTS_DIR}/{key}.html"] = outcome.html_text.encode("utf-8")
        if outcome.declaration is not None:
            files[f"{DECLARATIONS_DIR}/{outcome.submission.path.name}"] = outcome.declaration
    return files


def _attestations(outcomes: Sequence[Outcome], signer: Signer) -> dict[str, bytes]:
    """Each assessed platform's signed statement about its report."""
    from pyrules.attest import attest

    return {
        f"{REPORTS_DIR}/{o.submission.key}.intoto.json": attest(
            o.report, o.submission.path.name, signer, o.json_text
        ).encode("utf-8")
        for o in outcomes
        if o.report is not None and o.json_text is not None
    }


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Writing a round makes hundreds of thousands of short-lived objects (rows, cells,
    strings) that form no cycles, and each collection they set off walks every live object,
    the outcomes too: about a sixth of the CPU time of writing 400 platforms. Whatever
    cycles there are wait for the next collection after it."""
    import gc

    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def write_outputs(
    outcomes: Sequence[Outcome],
    settings: Settings,
    out: Path,
    signer: Signer | None = None,
    *,
    round_name: str | None = None,
    replace_round: bool = False,
) -> Matrix:
    """Write one round into the archive `out` (`out/<round>/`, see `pyrules.rounds`) and
    rebuild the archive's index; returns the round's matrix, whose totals the caller
    reports. Earlier rounds are never touched."""
    from pyrules.compare import RENDERERS, compare
    from pyrules.render import matrix

    check_output_names([o.submission for o in outcomes])
    check_archive(out, force=True)
    plan = rounds.plan(out, round_name, reference_date(settings), replace=replace_round)
    with _collector_paused(), rounds.RoundWriter(plan) as writer:
        # Each platform's files are written while the rest is signed and rendered.
        shipped = _report_files(outcomes)
        writer.write(shipped)
        if signer is not None:
            signed = _attestations(outcomes, signer)
            writer.write(signed)
            shipped |= signed
        table = build_matrix(outcomes, settings, plan.name)
        names = [*shipped, "matrix.html", "matrix.csv", "matrix.md", "matrix.xlsx", "summary.md"]
        if plan.previous is not None:
            names += list(rounds.CHANGES_FILES)
        record = round_record(table, outcomes, plan, signer is not None, names)
        files: dict[str, bytes] = {}
        if plan.previous is not None:
            changes = compare(plan.previous, record)
            table = replace(table, changes=changes)
            for name, fmt in zip(rounds.CHANGES_FILES, ("markdown", "html", "json"), strict=True):
                files[name] = RENDERERS[fmt](changes).encode("utf-8")
        files["matrix.html"] = matrix.render_html(table).encode("utf-8")
        rows = matrix.finding_rows(table)  # the CSV's and the XLSX's
        files["matrix.csv"] = matrix.render_csv(table, rows).encode("utf-8")
        files["matrix.md"] = matrix.render_markdown(table).encode("utf-8")
        files["matrix.xlsx"] = matrix.render_xlsx(table, rows)
        files["summary.md"] = matrix.render_summary(table).encode("utf-8")
        record_text = record.to_json()
        files[rounds.RECORD] = record_text.encode("utf-8")
        if signer is not None:
            from pyrules.attest import attest_round

            files[rounds.ATTESTATION] = attest_round(shipped | files, record, signer).encode()
        writer.write(files)
        with stops.held():  # a stop does not cut putting the round in place and listing it
            writer.finish()
            # The index reads the record as written (JSON sorts its keys), not the one
            # in memory.
            written = RoundRecord.from_dict(json.loads(record_text))
            rounds.write_index(out, plan.rounds_after(written))
    return table
