"""`pyrules serve`: a subset of OPA's REST API, answered by OPA's engine (the default when
installed) or by regopy (`--engine regopy`), in worker processes.

It starts with the standard loaded (every module under its bundle path as policy id, the
parameters at `data.edhs.params`) plus the generated `pyrules/all.rego` module, so
`POST /v1/data/pyrules/all/verdicts` answers every EDHS control at once out of the box,
and the OPA backend (`pyrules check --engine opa`) can point at it as at a real OPA.

Endpoints, with OPA's shapes and error bodies (`{"code", "message", "errors"}`):
`GET /health`; `GET /v1/policies`; `PUT|GET|DELETE /v1/policies/{id}`;
`GET|POST /v1/data/{path}` (decisions; `result` omitted when undefined);
`PUT|PATCH|DELETE /v1/data/{path}` (PATCH takes OPA's JSON Patch: add, remove, replace).

Hostile requests (issue 18): a body is read with the declaration loader's limits (size
`--max-body`, nesting, `--max-nodes` values, strict UTF-8 without lone surrogates) before
anything else sees it; a decision that evaluates any EDHS control (a path above, at
or below a control's package, or `pyrules/all`) needs an input valid against the
declaration schema, else 400 with every located problem and no verdicts; at most
`--max-concurrent` requests are past their headers at once; every refused request gets
OPA's error body and one line on stderr, never a traceback.

Writes are off by default: a PUT, PATCH or DELETE that would change the policies or the
data is 403 (one that changes nothing, such as `pyrules check --engine opa` pushing the
standard the server already holds, is answered as OPA does). With `--allow-writes` and
`--token-file`, a write needs `Authorization: Bearer <token>` (else 401, as OPA's token
authentication), a policy is at most `--max-policy-bytes`, and the new policy set must
compile within `--compile-timeout` seconds, measured in a child process that is stopped
then (rego-cpp cannot be interrupted in-process).

How it differs from OPA, on purpose or by the engine: a body over `--max-body` is 413
(OPA says 400); built-in errors are always strict; rego-cpp checks syntax when a policy is
put but finds unsafe variables or unknown functions only when they are evaluated; the `ast`
of a policy holds only its package; no query, compile, config, status or metrics API, no
bundles, no decision logs.

Writes are checked by compiling with regopy, in this process. Decisions are made in
worker processes (`pyrules.engine.pool`, started with *spawn*, one engine each, as many as
there are cores up to `--max-concurrent`): a native crash of an engine (rego-cpp's stack
overflow, an abort, a fatal error of the Go runtime) ends one worker, that request gets
500 `{"code": "internal_error", "message": "could not be evaluated: the engine crashed"}`
and one log line, a new worker takes its place, and the other requests go on. A worker
that takes longer than EVAL_SECONDS is stopped the same way. Each worker reloads its
engine after a write; on regopy it caches compiled bundles per decision path.

The parts: `app` (HTTP routes and limits), `decide` (a decision from request bytes to
response bytes, in a worker), `store` (policies and data, writes), `api` (OPA's shapes).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import socket
import sys

from pyrules import defaults
from pyrules.errors import InputError
from pyrules.serve.api import ASCII_DIGITS
from pyrules.serve.app import ServeSettings, WriteAccess, create_app, read_token
from pyrules.serve.store import PolicyStore, compile_child
from pyrules.standard import Standard

__all__ = [
    "PolicyStore",
    "ServeSettings",
    "WriteAccess",
    "compile_child",
    "create_app",
    "read_token",
    "serve",
    "startup_lines",
]

EVAL_SECONDS = 60.0  # one decision; a worker still busy then is stopped and replaced


def parse_addr(addr: str) -> tuple[str, int]:
    host, sep, port = addr.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not ASCII_DIGITS.fullmatch(port) or int(port) > 65535:
        raise InputError(f"--addr {addr!r}: give HOST:PORT, e.g. {defaults.SERVE_ADDR}")
    return host, int(port)


def listen(addr: str) -> socket.socket:
    """Bind here, not in uvicorn, so a taken port is one line and exit 2."""
    host, port = parse_addr(addr)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, kind, proto, _, sockaddr = infos[0]
        # proto must be IPPROTO_TCP: asyncio sets TCP_NODELAY only then, and without it
        # small responses on a kept-alive connection wait 40 ms for a delayed ACK.
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(sockaddr)
        sock.listen(128)
    except OSError as exc:
        raise InputError(f"--addr {addr}: cannot listen ({exc.strerror or exc})") from None
    return sock


def exposure_warning(host: str) -> str | None:
    """A warning for an address beyond loopback: anyone who can connect may ask for
    decisions, and with --allow-writes try tokens."""
    address: ipaddress.IPv4Address | ipaddress.IPv6Address | None
    try:
        address = ipaddress.ip_address(host.partition("%")[0])
    except ValueError:
        address = None  # not an IP address: assume it reaches other machines
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address is not None and address.is_loopback:
        return None
    return (
        f"pyrules serve: warning: {host} is reachable from other machines, and anyone who "
        "can connect may ask for decisions (and, with --allow-writes, try tokens); the "
        "traffic is plain HTTP: listen on 127.0.0.1 or put a TLS gateway in front"
    )


def startup_lines(version: str, host: str, port: int) -> list[str]:
    """What serve prints on stderr: the address first (tests and scripts read it), then
    the warning when the address is not loopback."""
    shown = f"[{host}]" if ":" in host else host
    lines = [f"pyrules serve: EDHS {version} on http://{shown}:{port} (Ctrl-C stops)"]
    warning = exposure_warning(host)
    return lines if warning is None else [*lines, warning]


def serve(
    standard: Standard,
    addr: str = defaults.SERVE_ADDR,
    settings: ServeSettings | None = None,
    engine: str | None = None,
) -> None:
    """Run until interrupted; the first line on stderr names the address (port 0 = any), a
    second warns when that address is not loopback. Decisions run in worker processes on
    OPA's engine in process (`engine="opa"`, the default when installed) or on regopy."""
    try:
        import uvicorn
    except ImportError:
        raise InputError(
            "pyrules serve needs Starlette and uvicorn: pip install 'pyrules-edhs[serve]'"
        ) from None
    from pyrules.engine.inprocess import GO_RUNTIME, available, new_engine
    from pyrules.engine.pool import WorkerPool
    from pyrules.evaluate import default_engine
    from pyrules.serve.decide import InWorkers, worker_main

    engine = engine or default_engine()
    if engine == "opa" and not available():
        new_engine()  # a missing binding is one line now, not a 500 later
    sock = listen(addr)
    store = PolicyStore.from_standard(standard)
    settings = dataclasses.replace(settings or ServeSettings(), standard=standard)
    if settings.writes is not None:
        store.compile_seconds = settings.writes.compile_seconds
    workers = max(1, min(os.cpu_count() or 1, settings.max_concurrent))
    for name, value in GO_RUNTIME.items():  # inherited by the workers, read by their Go
        os.environ.setdefault(name, value)
    pool = WorkerPool(worker_main, (engine, standard, settings.limits), workers, EVAL_SECONDS)
    try:
        decisions = InWorkers(pool)
        app = create_app(store, settings, decisions)
        host, port = sock.getsockname()[:2]
        for line in startup_lines(standard.version, host, port):
            print(line, file=sys.stderr, flush=True)
        decisions.warm(store.state())
        config = uvicorn.Config(
            app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=5
        )
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        pool.close()
