"""Time writing one round (`write_outputs`) alone, this checkout against a git revision.

    python bench/write_round.py [REV] [--engine opa|regopy] [--rounds 4] [--repeats 3] [--sign]

The 400 outcomes of `make bench` (c) are assessed once and pickled; then processes of this
checkout's pyrules and of REV's (default HEAD, extracted with `git archive`) take turns
writing the round into fresh archives, each timing its calls in wall and CPU time (CPU time
holds up better on a busy machine; its user part leaves out the kernel's, which for the
round's 1,200 new files varies most with the file system's state). The two rounds must be
the same: every file byte for byte, except matrix.xlsx, whose cells must be (openpyxl reads
both), and with --sign the round's attestation, whose statement must be but for
matrix.xlsx's digest.
"""

from __future__ import annotations

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


def outcomes(engine: str, target: Path) -> None:
    """Assess bench (c)'s submissions with this checkout and pickle what write_outputs takes."""
    sys.path.insert(0, str(ROOT / "bench"))
    from run import BATCH, variants

    from pyrules.assess import Settings, collect, default_jobs, run
    from pyrules.standard import load_standard

    settings = Settings(load_standard(), engine=engine)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for document in variants(BATCH):
            (folder / document.name).write_text(document.text)
        done = run(collect([folder]), settings, default_jobs())
    target.write_bytes(pickle.dumps((done, settings)))


def write(source: Path, pickled: Path, out: Path, repeats: int, key: str) -> None:
    """In a process of its own, with the pyrules found in `source` first on the path."""
    sys.path.insert(0, str(source))
    import pyrules

    assert Path(pyrules.__file__).is_relative_to(source), pyrules.__file__
    from pyrules.assess import write_outputs
    from pyrules.attest import Signer

    done, settings = pickle.loads(pickled.read_bytes())
    signer = Signer.from_file(Path(key)) if key else None
    wall, cpu, user = [], [], []
    for index in range(repeats):
        start, start_cpu, start_user = time.perf_counter(), time.process_time(), os.times().user
        write_outputs(done, settings, out / f"archive-{index}", signer, round_name="r")
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        user.append(os.times().user - start_user)
    print(json.dumps({"wall": wall, "cpu": cpu, "user": user}))


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def differences(a: Path, b: Path) -> list[str]:
    import openpyxl

    left, right = tree(a), tree(b)
    names = sorted(left.keys() | right.keys())
    differ = [n for n in names if n not in left or n not in right]
    for name in (n for n in names if n in left and n in right and left[n] != right[n]):
        if name.endswith("matrix.xlsx"):
            books = [openpyxl.load_workbook(folder / name) for folder in (a, b)]
            cells = [
                {s.title: [[c.value for c in row] for row in s.iter_rows()] for s in book}
                for book in books
            ]
            if cells[0] == cells[1]:
                continue
        if name.endswith("round.intoto.json") and statement(left[name]) == statement(right[name]):
            continue
        differ.append(name)
    return differ


def statement(envelope: bytes) -> dict:
    """A round's signed statement without matrix.xlsx's digest, which differs whenever the
    workbook's bytes do (its cells are compared on their own)."""
    import base64

    data = json.loads(base64.b64decode(json.loads(envelope)["payload"]))
    for subject in data["subject"]:
        if subject["name"] == "matrix.xlsx":
            subject["digest"] = None
    return data


def main() -> None:
    parser = revision_parser(__doc__, rounds=4)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sign", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        old = work / "old"
        extract(args.rev, "pyrules", old)
        pickled = work / "outcomes.pickle"
        outcomes(args.engine, pickled)
        key = ""
        if args.sign:
            from pyrules.attest import generate_key

            generate_key(work / "emb.key")
            key = str(work / "emb.key")
        times: dict[str, dict[str, list[float]]] = {}
        for turn in range(args.rounds):
            sides = [(args.rev, old), ("this checkout", ROOT)]
            for label, source in sides if turn % 2 == 0 else sides[::-1]:
                out = work / f"{'old' if source == old else 'new'}-{turn}"
                command = [sys.executable, __file__, "--write", str(source), str(pickled),
                           str(out), str(args.repeats), key]  # fmt: skip
                done = subprocess.run(command, capture_output=True, text=True, check=True)
                result = json.loads(done.stdout.splitlines()[-1])
                for kind in ("wall", "cpu", "user"):
                    times.setdefault(label, {}).setdefault(kind, []).extend(result[kind])
        load = os.getloadavg()
        for label, kinds in times.items():
            print(
                f"{label:>14}: writing the round of 400: wall median "
                f"{statistics.median(kinds['wall']) * 1000:.0f} ms, CPU median "
                f"{statistics.median(kinds['cpu']) * 1000:.0f} ms (min "
                f"{min(kinds['cpu']) * 1000:.0f} ms), of which user median "
                f"{statistics.median(kinds['user']) * 1000:.0f} ms; {len(kinds['cpu'])} runs"
            )
        print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        differ = differences(work / "old-0" / "archive-0", work / "new-0" / "archive-0")
        print("rounds the same" if not differ else f"rounds differ: {differ[:10]}")
        if differ:
            sys.exit(1)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--write"]:
        source, pickled, out, repeats, key = sys.argv[2:7]
        write(Path(source), Path(pickled), Path(out), int(repeats), key)
    else:
        main()
