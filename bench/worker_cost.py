"""What an `assess` worker spends on one declaration, this checkout against a git revision.

    python bench/worker_cost.py [REV] [--engine opa|regopy] [--rounds 4] [--count 200]

A worker checks a submission (`assess_one`: read, load, validate, evaluate, render JSON and
HTML) and pickles its outcome for the parent, which unpickles it; `run` does all of it in
worker processes, as `pyrules assess` does. Processes of this checkout's pyrules and of
REV's (default HEAD, extracted with `git archive`) take turns on the same generated
submissions (`make bench` (c)'s), each timing those steps in CPU time, the workers'
included (it holds up better than wall time on a busy machine).

Every side also renders the JSON and HTML reports of every example (alone, under each
example profile, with its waiver file), of every control case and of the submissions; the
two revisions must write them byte for byte alike, or the script says which differ and
exits 1.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from revision import ROOT, extract, revision_parser  # bench/ is on the path as a script

BATCH = 16  # submissions a worker sends back at a time (the most `assess` batches)
SITE = "https://example.org/edhs/"  # the HTML reports link to a site, as a round's do


def measure(source: Path, folder: Path, engine: str) -> None:
    """In a process of its own, with the pyrules found in `source` first on the path."""
    sys.path.insert(0, str(source))
    import pyrules

    assert Path(pyrules.__file__).is_relative_to(source), pyrules.__file__
    from pyrules.assess import Settings, assess_one, build_checker, collect, default_jobs, run
    from pyrules.standard import load_standard

    settings = Settings(load_standard(ROOT), engine=engine, docs_url=SITE)
    checker = build_checker(settings)
    submissions = collect([folder])
    for submission in submissions[:10]:  # warm: first calls compile and fill caches
        pickle.dumps(assess_one(checker, settings, submission))
    start = time.process_time()
    outcomes = [assess_one(checker, settings, submission) for submission in submissions]
    assessed = time.process_time()
    sent = [pickle.dumps(outcomes[i : i + BATCH]) for i in range(0, len(outcomes), BATCH)]
    pickled = time.process_time()
    for data in sent:
        pickle.loads(data)
    unpickled = time.process_time()
    count = len(submissions)
    before = _cpu()
    run(submissions, settings, default_jobs())
    whole = _cpu() - before
    print(
        json.dumps(
            {
                "assess": (assessed - start) / count,
                "pickle": (pickled - assessed) / count,
                "unpickle": (unpickled - pickled) / count,
                "bytes": sum(map(len, sent)) / count,
                "run": whole / count,
                "outputs": {o.submission.key: _digest(o.json_text, o.html_text) for o in outcomes},
            }
        )
    )


def reports(source: Path, engine: str) -> None:
    """In a process of its own: digests of the JSON and HTML reports of every example and
    every control case, as `source`'s pyrules renders them."""
    sys.path.insert(0, str(source))
    from datetime import date

    import pyrules

    assert Path(pyrules.__file__).is_relative_to(source), pyrules.__file__

    from pyrules.evaluate import Checker, InvalidDeclaration
    from pyrules.loader import load, loads
    from pyrules.profile import load_profile
    from pyrules.render import RenderContext, renderer
    from pyrules.standard import load_standard
    from pyrules.testcases import apply_changes, load_cases
    from pyrules.waivers import load_waivers

    standard = load_standard(ROOT)
    examples = ROOT / "examples"
    as_of = date(2026, 9, 15)
    checkers = {"standard": Checker.for_standard(standard, engine=engine, as_of=as_of)}
    for path in sorted((examples / "profiles").glob("*.yaml")):
        profile = load_profile(path, standard)
        checkers[path.stem] = Checker.for_standard(
            standard, engine=engine, profile=profile, as_of=as_of
        )
    documents = {p.name: load(p) for p in sorted((examples / "declarations").glob("*.yaml"))}
    documents = {n: d for n, d in documents.items() if not n.endswith(".expected.yaml")}
    reference, cases = load_cases(ROOT / "tests" / "cases")
    for case in cases:
        text = json.dumps(apply_changes(reference.data, case), ensure_ascii=False, indent=1)
        documents[f"{case.control_id} {case.name}.json"] = loads(text.encode(), "case.json")
    known = [c.id for c in standard.controls]
    digests = {}
    for name, document in documents.items():
        runs = list(checkers.items())
        waivers = examples / "waivers" / name
        if waivers.is_file():
            own = load_waivers(waivers, known)
            runs.append(("waivers", Checker(standard, checkers["standard"].engine, waivers=own)))
        for label, checker in runs:
            try:
                report = checker.check_document(document)
            except InvalidDeclaration:
                continue  # a case that breaks the schema on purpose: no report
            texts = [
                renderer(kind)(report, RenderContext(docs_url=url, declaration_text=document.text))
                for kind, url in (("json", ""), ("html", SITE))
            ]
            digests[f"{name} [{label}]"] = _digest(*texts)
    print(json.dumps(digests))


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the workers)."""
    import resource

    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _digest(*texts: str | None) -> str:
    return hashlib.sha256("\0".join(t or "" for t in texts).encode("utf-8")).hexdigest()


def run_side(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"{' '.join(args[:2])} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = revision_parser(__doc__, rounds=4)
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from run import variants

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        old, folder = work / "old", work / "submissions"
        folder.mkdir()
        extract(args.rev, "pyrules", old)
        # Both sides check against this checkout's standard (policies, schemas, cases).
        (old / "pyrules" / "_standard").symlink_to(ROOT, target_is_directory=True)
        for document in variants(args.count):
            (folder / document.name).write_text(document.text)
        sides = [(args.rev, old), ("this checkout", ROOT)]
        results: dict[str, list[dict]] = {label: [] for label, _ in sides}
        for turn in range(args.rounds):
            for label, source in sides if turn % 2 == 0 else sides[::-1]:
                results[label].append(run_side("--measure", str(source), str(folder), args.engine))
        load = os.getloadavg()
        medians = {}
        for label, runs in results.items():
            medians[label] = {k: statistics.median(r[k] for r in runs) for k in runs[0]
                              if k != "outputs"}  # fmt: skip
            m = medians[label]
            print(
                f"{label:>14}: per declaration, CPU medians of {len(runs)} runs of "
                f"{args.count}: assess_one {m['assess'] * 1000:.2f} ms, pickling "
                f"{m['pickle'] * 1000:.3f} ms, unpickling {m['unpickle'] * 1000:.3f} ms "
                f"({m['bytes'] / 1024:.1f} KiB sent); the whole `run` (all "
                f"cores, workers and parent) {m['run'] * 1000:.2f} ms"
            )
        a, b = medians[args.rev], medians["this checkout"]
        worker = (a["assess"] + a["pickle"], b["assess"] + b["pickle"])
        print(
            f"worker CPU per declaration: {worker[0] * 1000:.2f} -> {worker[1] * 1000:.2f} ms "
            f"({worker[1] / worker[0]:.2f}x); parent's unpickling {a['unpickle'] * 1000:.3f}"
            f" -> {b['unpickle'] * 1000:.3f} ms"
        )
        print(
            f"assess's `run`, CPU per declaration: {a['run'] * 1000:.2f} -> "
            f"{b['run'] * 1000:.2f} ms ({b['run'] / a['run']:.2f}x)"
        )
        print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        differ = [
            key
            for key, digest in results[args.rev][0]["outputs"].items()
            if results["this checkout"][0]["outputs"].get(key) != digest
        ]
        rendered = [run_side("--reports", str(source), args.engine) for _, source in sides]
        differ += [k for k in rendered[0].keys() | rendered[1].keys() if
                   rendered[0].get(k) != rendered[1].get(k)]  # fmt: skip
        print(
            f"{len(rendered[0])} example and case reports and {args.count} submissions' "
            + ("JSON and HTML the same" if not differ else f"reports differ: {sorted(differ)[:10]}")
        )
        if differ:
            sys.exit(1)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        measure(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4])
    elif sys.argv[1:2] == ["--reports"]:
        reports(Path(sys.argv[2]), sys.argv[3])
    else:
        main()
