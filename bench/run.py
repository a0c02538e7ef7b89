"""`make bench`: speed as ratios measured side by side in one run.

These machines are noisy, so absolute times mean little; each comparison alternates the
two sides in the same run and reports medians (cold start) or totals (throughput).
Figures are printed, not asserted.
"""

from __future__ import annotations

import copy
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

from pyrules.engine.embedded import EmbeddedEngine, default_cache_dir
from pyrules.evaluate import Checker, make_engine
from pyrules.loader import Document, loads
from pyrules.standard import load_standard

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "declarations" / "aurora-social.yaml"
REFERENCE = ROOT / "tests" / "cases" / "reference.yaml"
COLD_RUNS = 15
DECLARATIONS = 1000
ROUNDS = 5


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=False, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def cold_start() -> None:
    standard = load_standard()
    engine = make_engine(standard)  # fills the bundle cache both sides then use
    assert isinstance(engine, EmbeddedEngine)
    bundle = sorted(default_cache_dir().glob("*.rbb"), key=lambda p: p.stat().st_mtime)[-1]
    pyrules = [sys.executable, "-m", "pyrules", "check", str(EXAMPLE), "--format", "json"]
    floor = [sys.executable, str(ROOT / "bench" / "floor.py"), str(bundle),
             str(standard.schema_path), str(EXAMPLE)]  # fmt: skip
    timed(pyrules), timed(floor)  # warm the OS caches
    ours, theirs = [], []
    for _ in range(COLD_RUNS):
        ours.append(timed(pyrules))
        theirs.append(timed(floor))
    a, b = statistics.median(ours), statistics.median(theirs)
    print(
        f"(a) cold check: pyrules {a * 1000:.0f} ms vs floor {b * 1000:.0f} ms "
        f"(medians of {COLD_RUNS}) -> ratio {a / b:.2f}x (target <= 1.5x)"
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


def throughput() -> None:
    standard = load_standard()
    engine = make_engine(standard)
    checker = Checker(standard, engine)
    documents = variants(DECLARATIONS)
    raw_engine = make_engine(standard)
    assert isinstance(raw_engine, EmbeddedEngine)
    runner, bundle = raw_engine._runner, raw_engine._bundle
    from regopy.rego_shared import rego_bundle_query, rego_free_output, rego_output_string

    def raw_loop(batch: list[Document]) -> None:
        for document in batch:
            runner.set_input(document.data)
            output = rego_bundle_query(runner._impl, bundle._impl)
            rego_output_string(output)
            rego_free_output(output)

    def pyrules_loop(batch: list[Document]) -> None:
        for document in batch:
            checker.check_document(document)

    size = DECLARATIONS // ROUNDS
    ours = theirs = 0.0
    for round_index in range(ROUNDS):
        batch = documents[round_index * size : (round_index + 1) * size]
        start = time.perf_counter()
        pyrules_loop(batch)
        ours += time.perf_counter() - start
        start = time.perf_counter()
        raw_loop(batch)
        theirs += time.perf_counter() - start
    a, b = DECLARATIONS / ours, DECLARATIONS / theirs
    print(
        f"(b) throughput: pyrules {a:.0f} declarations/s vs raw regopy loop {b:.0f}/s "
        f"on {DECLARATIONS} declarations -> ratio {a / b:.2f}x (target >= 0.8x)"
    )


BATCH = 500


def batch() -> None:
    """(c) `pyrules assess` (library API, every output file written) on generated
    submissions against the raw engine loop on the same declarations, one core then all."""
    import tempfile

    from pyrules.assess import Settings, collect, default_jobs, run, write_outputs

    standard = load_standard()
    documents = variants(BATCH)
    raw_engine = make_engine(standard)
    assert isinstance(raw_engine, EmbeddedEngine)
    runner, bundle = raw_engine._runner, raw_engine._bundle
    from regopy.rego_shared import rego_bundle_query, rego_free_output, rego_output_string

    def raw_loop() -> float:
        start = time.perf_counter()
        for document in documents:
            runner.set_input(document.data)
            output = rego_bundle_query(runner._impl, bundle._impl)
            rego_output_string(output)
            rego_free_output(output)
        return time.perf_counter() - start

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submissions"
        folder.mkdir()
        for document in documents:
            (folder / document.name).write_text(document.text)
        settings = Settings(standard)

        outcomes: list = []

        def assess(jobs: int, out: str) -> float:
            start = time.perf_counter()
            outcomes[:] = run(collect([folder]), settings, jobs)
            write_outputs(outcomes, settings, Path(tmp) / out)
            return time.perf_counter() - start

        theirs = raw_loop()
        one = assess(1, "one")
        theirs += raw_loop()
        cores = default_jobs()
        many = assess(cores, "many")
        base = 2 * BATCH / theirs
        signing = sign_round(outcomes, settings, Path(tmp), many)
    for label, seconds in (("--jobs 1", one), (f"--jobs {cores}", many)):
        rate = BATCH / seconds
        target = " (target >= 0.7x)" if label == "--jobs 1" else ""
        print(
            f"(c) batch: pyrules assess {label} {rate:.0f} declarations/s vs raw regopy loop "
            f"{base:.0f}/s on {BATCH} files -> ratio {rate / base:.2f}x{target}"
        )
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


if __name__ == "__main__":
    cold_start()
    throughput()
    batch()
    from serve_load import serve_load  # bench/ is on sys.path when run as a script

    if not serve_load():  # (d) fails the run only if a request failed
        sys.exit(1)
