"""(d) A bounded load check of `pyrules serve`, on 127.0.0.1 only.

1,000 decisions (every EDHS control for one example declaration each) from 8 concurrent
clients, each on its own kept-alive connection. Prints throughput and p50/p99 latency;
the check fails only if a request failed: no answer within the time budget, not HTTP 200,
or verdicts other than `pyrules check --format json` gives for the same declaration (an
answer the same bytes as an earlier one found right is right).
Then the server's peak memory (VmHWM): after the load, and after the largest body it
accepts (--max-body of strings, on a decision that is not validated) and the hostile
body of issue 18 (1 MiB of integers, refused).
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from pyrules.defaults import SERVE_MAX_BODY
from pyrules.loader import load

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = 1000
CLIENTS = 8
BUDGET_SECONDS = 900  # the whole run stops sending after this
REQUEST_TIMEOUT = 60
FLOOR_RUNS = 200  # declarations evaluated and validated for the floor
DECISION = "/v1/data/pyrules/all/verdicts"


def start_server(engine: str) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen(
        [sys.executable, "-m", "pyrules", "serve", "--addr", "127.0.0.1:0", "--engine", engine],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert process.stderr is not None
    match = re.search(r"http://127\.0\.0\.1:(\d+)", process.stderr.readline())
    if match is None:
        process.kill()
        raise SystemExit("pyrules serve did not start")
    threading.Thread(target=process.stderr.read, daemon=True).start()  # keep the pipe drained
    port = int(match.group(1))
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                return process, port
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise SystemExit("pyrules serve never became healthy") from None
            time.sleep(0.1)


def examples() -> list[Path]:
    return sorted(
        p
        for p in (ROOT / "examples" / "declarations").glob("*.yaml")
        if not p.name.endswith(".expected.yaml")
    )


def bodies() -> list[bytes]:
    return [json.dumps({"input": load(p).data}).encode() for p in examples()]


Verdicts = dict[str, tuple[str, list[tuple[str, str]]]]


def expected_verdicts(engine: str) -> list[Verdicts]:
    """What `pyrules check --format json` says of each example on the same engine: each
    control's status and findings, the oracle every answer of the server is held to."""
    expected = []
    for path in examples():
        result = subprocess.run(
            [sys.executable, "-m", "pyrules", "check", str(path), "--format", "json",
             "--engine", engine],
            capture_output=True, text=True, check=False, cwd=ROOT, timeout=120,
        )  # fmt: skip
        report = json.loads(result.stdout)
        expected.append(
            {
                r["control_id"]: (
                    r["status"],
                    sorted((f["path"], f["message"]) for f in r["findings"]),
                )
                for r in report["results"]
            }
        )
    return expected


def served_verdicts(answer: bytes) -> Verdicts:
    """The server's `{ID: {applicable, deny}}` as statuses and findings, as check words them
    (a control that does not apply reports no findings)."""
    verdicts: Verdicts = {}
    for control_id, verdict in json.loads(answer)["result"].items():
        if not verdict["applicable"]:
            verdicts[control_id] = ("not_applicable", [])
            continue
        findings = sorted((f["path"], f["msg"]) for f in verdict["deny"])
        verdicts[control_id] = ("fail" if findings else "pass", findings)
    return verdicts


def serve_load(engine: str) -> float | None:
    """Run the load check on one engine: decisions/s, or None when a request failed."""
    payloads, expected = bodies(), expected_verdicts(engine)
    process, port = start_server(engine)
    tickets = itertools.count()
    # Each example's first answer whose verdicts are check's; a later answer to the same
    # body must be the same bytes (the server's answers are deterministic), which checks
    # it as strictly for a fraction of the CPU this bench takes from the server.
    verified: dict[int, bytes] = {}
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + BUDGET_SECONDS

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        while (ticket := next(tickets)) < REQUESTS:
            if time.monotonic() > deadline:
                with lock:
                    failures.append("not sent within the time budget")
                continue
            which = ticket % len(payloads)
            body = payloads[which]
            start = time.perf_counter()
            try:
                connection.request(
                    "POST", DECISION, body=body, headers={"Content-Type": "application/json"}
                )
                response = connection.getresponse()
                answer = response.read()
                elapsed = time.perf_counter() - start  # checking the answer is not its latency
                if response.status != 200:
                    problem = f"HTTP {response.status}: {answer[:120]!r}"
                elif verified.get(which) == answer:
                    problem = None
                elif served_verdicts(answer) != expected[which]:
                    problem = f"HTTP 200 with verdicts other than check's for example {which}"
                else:
                    problem = None
                    with lock:
                        verified.setdefault(which, answer)
            except (OSError, http.client.HTTPException, ValueError, KeyError, TypeError) as exc:
                problem = f"{type(exc).__name__}: {exc}"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
            with lock:
                if problem is None:
                    latencies.append(elapsed)
                else:
                    failures.append(problem)
        connection.close()

    began = time.perf_counter()
    main_before, workers_before = cpu_seconds(process.pid)
    clients_before = time.process_time()  # this process: the 8 clients share the cores
    try:
        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
        main_after, workers_after = cpu_seconds(process.pid)
        clients = time.process_time() - clients_before
        after_load = peak_mib(process.pid)
        statuses = [post(port, path, body) for path, body in large_bodies()]
        after_large = peak_mib(process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    rate = len(latencies) / wall
    print(
        f"(d) serve load, {engine:6s}: {REQUESTS} decisions from {CLIENTS} clients in "
        f"{wall:.1f} s -> {rate:.0f} decisions/s; p50 {cuts[49] * 1000:.1f} ms, "
        f"p99 {cuts[98] * 1000:.1f} ms (target < 30 ms); {len(failures)} failed; CPU per "
        f"decision: server {(main_after - main_before) / REQUESTS * 1000:.1f} ms, workers "
        f"{(workers_after - workers_before) / REQUESTS * 1000:.1f} ms, this bench's clients "
        f"{clients / REQUESTS * 1000:.1f} ms; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    for problem in sorted(set(failures))[:5]:
        print(f"    failed: {problem}")
    server, clients = (main_after - main_before) / REQUESTS, clients / REQUESTS
    print_floor(engine, server, clients)
    print(
        f"(d) serve memory: peak {after_load:.0f} MiB after the load check, {after_large:.0f} MiB "
        f"after the largest accepted body ({SERVE_MAX_BODY // 2**20} MiB, HTTP {statuses[0]}) "
        f"and 1 MiB of integers (HTTP {statuses[1]})"
    )
    return rate if not failures and statuses == [200, 400] else None


def print_floor(engine: str, server: float, clients: float) -> None:
    """What no server can beat on this machine: the raw engine loop and schema validation
    (CPU per decision, no HTTP, no IPC), plus this run's server and client CPU, on all
    cores; by Little's law, 8 closed-loop clients then wait at least 8 / rate on average."""
    from pyrules.engine.inprocess import GO_RUNTIME

    code = "import sys, serve_load; serve_load.floor_cpu(sys.argv[1])"
    result = subprocess.run(
        [sys.executable, "-c", code, engine],
        env={**GO_RUNTIME, **os.environ, "PYTHONPATH": str(ROOT / "bench")},  # as serve's workers
        capture_output=True, text=True, check=True, cwd=ROOT, timeout=600,
    )  # fmt: skip
    evaluation, validation = map(float, result.stdout.split())
    cores = os.cpu_count() or 1
    rate = cores / (evaluation + validation + server + clients)
    print(
        f"(d) serve floor, {engine:6s}: raw evaluation {evaluation * 1000:.1f} ms + schema "
        f"validation {validation * 1000:.1f} ms CPU per decision; with this run's server and "
        f"clients, {cores} cores allow at most {rate:.0f} decisions/s, a mean latency of at "
        f"least {CLIENTS / rate * 1000:.0f} ms at {CLIENTS} clients (p99 < 30 ms needs more than "
        f"{CLIENTS / 0.030:.0f} decisions/s)"
    )


def floor_cpu(engine: str) -> None:
    """Print the CPU seconds per declaration of the raw engine loop (bench (b)'s) and of the
    declaration schema's validation, on the bench's declarations."""
    from run import raw_loop  # bench/ is on the path

    from pyrules.schema import declaration_problems
    from pyrules.standard import load_standard

    standard = load_standard()
    documents = [load(path) for path in examples()]
    batch = [documents[index % len(documents)] for index in range(FLOOR_RUNS)]
    raw = raw_loop(engine)
    raw(documents)  # compiled and warm
    start = time.process_time()
    raw(batch)
    evaluation = (time.process_time() - start) / FLOOR_RUNS
    start = time.process_time()
    for document in batch:
        declaration_problems(document.data, standard)
    print(evaluation, (time.process_time() - start) / FLOOR_RUNS)


def processes(pid: int) -> list[int]:
    """The server and its worker processes (Linux /proc)."""
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(c) for c in (task / "children").read_text().split()]
    return [pid, *children]


def peak_mib(pid: int) -> float:
    """The peak resident memory (VmHWM) of the server and its workers, added up: an upper
    bound of what they held at once."""
    total = 0.0
    for member in processes(pid):
        for line in Path(f"/proc/{member}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) / 1024
    return total


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU time (user + system) of the server process and of its workers so far: per
    decision, a cost that a busy machine inflates far less than latency."""
    tick = os.sysconf("SC_CLK_TCK")
    times = []
    for member in processes(pid):
        fields = Path(f"/proc/{member}/stat").read_text().rpartition(")")[2].split()
        times.append((int(fields[11]) + int(fields[12])) / tick)
    return times[0], sum(times[1:])


def large_bodies() -> list[tuple[str, bytes]]:
    """The largest body serve accepts (strings up to --max-body, within --max-nodes), on a
    decision it does not validate; then issue 18's 1 MiB of integers on the verdicts."""
    item = b'"' + b"x" * 250 + b'"'
    count = (SERVE_MAX_BODY - 100) // (len(item) + 1)
    accepted = b'{"input": [' + b",".join([item] * count) + b"]}"
    integers = b'{"input": [' + b",".join([b"1"] * 500_000) + b"]}"
    return [("/v1/data/edhs/params/min_audience_size", accepted), (DECISION, integers)]


def post(port: int, path: str, body: bytes) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("POST", path, body=body)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def side_by_side(engines: list[str]) -> bool:
    """Every engine in turn, then their decisions/s against each other; False on a failure."""
    rates = {engine: serve_load(engine) for engine in engines}
    if len(engines) == 2 and None not in rates.values():
        first, second = (rates[e] or 0.0 for e in engines)
        print(f"(d) serve: {engines[0]} / {engines[1]} decisions/s = {first / second:.1f}x")
    return None not in rates.values()


if __name__ == "__main__":
    sys.exit(0 if side_by_side(sys.argv[1:] or ["opa", "regopy"]) else 1)
