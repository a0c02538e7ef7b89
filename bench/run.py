"""`make bench`: speed as ratios measured side by side in one run, on both engines.

These machines are noisy, so absolute times mean little; each comparison alternates its
sides in the same run and reports medians (cold start) or totals (throughput).
(a) cold `pyrules check` against a floor script doing the same work with the same libraries;
(b) `Checker` throughput against the raw engine loop; (c) `pyrules assess` declarations/s;
(d) `pyrules serve` decisions/s and p50/p99 at 8 clients; (e) what signing adds to a round;
(f) what the large native stack regopy runs on costs.
Figures are printed; the run fails only if a serve request failed.
"""

from __future__ import annotations

import compileall
import copy
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from pyrules.engine import all_controls_query
from pyrules.engine.embedded import EmbeddedEngine
from pyrules.engine.inprocess import InProcessEngine
from pyrules.evaluate import Checker, make_engine
from pyrules.loader import Document, loads
from pyrules.standard import load_standard

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "declarations" / "aurora-social.yaml"
REFERENCE = ROOT / "tests" / "cases" / "reference.yaml"
ENGINES = ("opa", "regopy")
COLD_RUNS = 15
DECLARATIONS = 500
ROUNDS = 5
BATCH = 400
BATCH_RUNS = 3  # runs of each engine in (c)


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=False, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def cold_start() -> None:
    # An installed pyrules starts from bytecode (pip compiles it, as it compiled the
    # floor's libraries); an editable checkout under PYTHONDONTWRITEBYTECODE would compile
    # its own sources on every start, which no user pays.
    compileall.compile_dir(ROOT / "pyrules", quiet=1)
    standard = load_standard()
    regopy = make_engine(standard, engine="regopy")  # fills the cache the regopy floor loads
    assert isinstance(regopy, EmbeddedEngine)
    # This standard's bundle: the newest file of a shared cache may be another's.
    sources = {"opa": ROOT / "policies", "regopy": regopy.bundle_file}
    # `pyrules check` as users run it: the installed command (python -m adds runpy).
    script = Path(sys.executable).with_name("pyrules")
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "pyrules"]
    for engine in ENGINES:
        pyrules = [*command, "check", str(EXAMPLE), "--format", "json", "--engine", engine]
        script = [sys.executable, str(ROOT / "bench" / "floor.py")]
        arguments = [engine, str(sources[engine]), str(standard.schema_path), str(EXAMPLE)]
        sides = {
            "pyrules": pyrules,
            "floor": script + arguments,
            "cli": [*script, "--cli", *arguments],
        }
        for side in sides.values():
            timed(side)  # warm the OS caches
        times: dict[str, list[float]] = {name: [] for name in sides}
        for _ in range(COLD_RUNS):
            for name, side in sides.items():
                times[name].append(timed(side))
        ours, floor, cli = (statistics.median(times[name]) for name in sides)
        print(
            f"(a) cold check, {engine:6s}: pyrules {ours * 1000:.0f} ms vs floor "
            f"{floor * 1000:.0f} ms -> {ours / floor:.2f}x; vs the floor reading its command "
            "line with click and "
            f"printing JSON {cli * 1000:.0f} ms -> {ours / cli:.2f}x (medians of {COLD_RUNS}; "
            "target <= 1.3x)"
        )


def variants(count: int) -> list[Document]:
    """Declarations like a platform would submit: the reference with values changed."""
    base = yaml.safe_load(REFERENCE.read_text())
    rng = random.Random(2026)
    documents = []
    for index in range(count):
        data = copy.deepcopy(base)
        data["incident_response"]["breach_notification_hours"] = rng.choice([24, 48, 72, 96])
        data["security"]["tls"]["minimum_version"] = rng.choice(["1.1", "1.2", "1.3"])
        data["political_ads"]["targeting"]["minimum_audience_size"] = rng.choice([100, 1000, 5000])
        data["platform"]["name"] = f"Platform {index}"
        text = yaml.safe_dump(data, sort_keys=False).encode()
        documents.append(loads(text, f"platform-{index}.yaml"))
    return documents


def raw_loop(engine: str) -> Callable[[list[Document]], None]:
    """The engine alone: set the input, run the one query, read the result."""
    standard = load_standard()
    built = make_engine(standard, engine=engine)
    if isinstance(built, InProcessEngine):
        opa, query = built.native, all_controls_query(standard.controls)

        def run_opa(batch: list[Document]) -> None:
            for document in batch:
                opa.eval_query(query, document.data)

        return run_opa
    assert isinstance(built, EmbeddedEngine)
    runner, bundle = built._runner, built._bundle
    from regopy.rego_shared import rego_bundle_query, rego_free_output, rego_output_string

    def run_regopy(batch: list[Document]) -> None:
        for document in batch:
            runner.set_input(document.data)
            output = rego_bundle_query(runner._impl, bundle._impl)
            rego_output_string(output)
            rego_free_output(output)

    return run_regopy


def throughput() -> None:
    standard = load_standard()
    documents = variants(DECLARATIONS)
    size = DECLARATIONS // ROUNDS
    for engine in ENGINES:
        checker = Checker(standard, make_engine(standard, engine=engine))
        raw = raw_loop(engine)
        ours = theirs = 0.0
        for index in range(ROUNDS):
            batch = documents[index * size : (index + 1) * size]
            start = time.perf_counter()
            for document in batch:
                checker.check_document(document)
            ours += time.perf_counter() - start
            start = time.perf_counter()
            raw(batch)
            theirs += time.perf_counter() - start
        a, b = DECLARATIONS / ours, DECLARATIONS / theirs
        print(
            f"(b) throughput, {engine:6s}: pyrules {a:.0f} declarations/s vs raw engine loop "
            f"{b:.0f}/s on {DECLARATIONS} -> ratio {a / b:.2f}x (target >= 0.8x)"
        )


def batch() -> None:
    """(c) `pyrules assess` (library API, every output file written) on generated
    submissions, all cores, each engine; OPA's figure against regopy's. The engines take
    turns BATCH_RUNS times and each keeps its median: writing a round creates some 1,200
    files, and on some disks creating files slows down for minutes after many were
    deleted (the bench's own clean-up among them), which one run of each would charge to
    whichever engine ran then."""
    from pyrules.assess import Settings, collect, default_jobs, run, write_outputs

    standard = load_standard()
    documents = variants(BATCH)
    cores = default_jobs()
    times: dict[str, list[tuple[float, float]]] = {engine: [] for engine in ENGINES}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submissions"
        folder.mkdir()
        for document in documents:
            (folder / document.name).write_text(document.text)
        for index in range(BATCH_RUNS):
            for engine in ENGINES:
                settings = Settings(standard, engine=engine)
                start = time.perf_counter()
                outcomes = run(collect([folder]), settings, cores)
                evaluated = time.perf_counter()
                write_outputs(outcomes, settings, Path(tmp) / f"{engine}-{index}")
                times[engine].append((evaluated - start, time.perf_counter() - evaluated))
                if engine == ENGINES[0] and index == 0:  # the default engine's run
                    opa_outcomes = outcomes
        rates = {}
        for engine, runs in times.items():
            whole = statistics.median(assessing + writing for assessing, writing in runs)
            assessing = statistics.median(a for a, _ in runs)
            writing = statistics.median(w for _, w in runs)
            rates[engine] = BATCH / whole
            print(
                f"(c) assess, {engine:6s}: --jobs {cores} {rates[engine]:.0f} declarations/s "
                f"on {BATCH} files (medians of {BATCH_RUNS}, taking turns: assessing "
                f"{assessing:.1f} s, writing the round {writing:.1f} s)"
            )
        whole = BATCH / rates[ENGINES[0]]
        signing = sign_round(opa_outcomes, Settings(standard, engine=ENGINES[0]), Path(tmp), whole)
    print(f"(c) assess: opa / regopy = {rates['opa'] / rates['regopy']:.2f}x (target >= 3x)")
    print(signing)


def sign_round(outcomes: list, settings: object, tmp: Path, assess_seconds: float) -> str:
    """(e) What `--sign` adds to a round of BATCH platforms: an attestation per report and
    one over every file of the round. The round is written signed and unsigned in turn;
    the added time (median difference) is set against the whole unsigned assess run."""
    from pyrules.assess import write_outputs
    from pyrules.attest import Signer, generate_key

    generate_key(tmp / "emb.key")
    signer = Signer.from_file(tmp / "emb.key")
    plain, signed = [], []
    for index in range(ROUNDS):
        for label, key, times in (("plain", None, plain), ("signed", signer, signed)):
            start = time.perf_counter()
            write_outputs(outcomes, settings, tmp / "signing", key, round_name=f"{label}-{index}")
            times.append(time.perf_counter() - start)
    write_plain, write_signed = statistics.median(plain), statistics.median(signed)
    added, whole = write_signed - write_plain, assess_seconds
    return (
        f"(e) signing a round of {BATCH} platforms adds {added * 1000:.0f} ms (write "
        f"{write_plain * 1000:.0f} -> {write_signed * 1000:.0f} ms, medians of {ROUNDS}) to "
        f"an assess run of {whole:.2f} s -> +{100 * added / whole:.1f}% (target < 10%)"
    )


STACK_RUNS = 200


def stack_cost() -> None:
    """(f) What running each query on a large native stack (a new thread) costs, against the
    same query on the calling thread, alternated on the reference declaration."""
    from pyrules.engine.embedded import _run_query, run_query, to_rego_value
    from pyrules.loader import load

    standard = load_standard()
    engine = make_engine(standard, engine="regopy")  # only regopy runs on a native stack
    assert isinstance(engine, EmbeddedEngine)
    runner, bundle, sources = engine._runner, engine._bundle, engine._sources
    runner.set_input(to_rego_value(load(REFERENCE).data))
    ours = theirs = 0.0
    for _ in range(STACK_RUNS):
        start = time.perf_counter()
        run_query(runner, bundle, sources)
        ours += time.perf_counter() - start
        start = time.perf_counter()
        _run_query(runner, bundle, sources, None)
        theirs += time.perf_counter() - start
    a, b = ours / STACK_RUNS * 1000, theirs / STACK_RUNS * 1000
    print(
        f"(f) large native stack: {a:.2f} ms per evaluation vs {b:.2f} ms on the calling "
        f"thread ({STACK_RUNS} each, alternated) -> {a - b:+.2f} ms, ratio {a / b:.3f}x"
    )


if __name__ == "__main__":
    cold_start()
    throughput()
    batch()
    stack_cost()
    from serve_load import side_by_side  # bench/ is on sys.path when run as a script

    if not side_by_side(list(ENGINES)):  # (d) fails only on a failure
        sys.exit(1)
