"""A pool of worker processes that evaluate for `pyrules serve`, so that an engine that
crashes (a native stack overflow in rego-cpp, an abort, a fatal error of the Go runtime)
ends one worker, not the server: the request it was on gets an error, a new worker takes
its place, the others go on.

Workers are started with the *spawn* method: never forked, since the Go runtime of OPA's
engine must not be forked once started. Each is sent its arguments first, then messages
`(state or None, job)`; the state (policies and data, with a `version`) travels only when
the worker's copy is older.
"""

from __future__ import annotations

import multiprocessing
import queue
import signal
import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess


class Versioned(Protocol):
    @property
    def version(self) -> int: ...


class WorkerDied(Exception):
    """The worker ended, or was stopped, before it answered: `reason` for the client,
    `detail` (how the worker ended) for the log."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason} ({detail})")
        self.reason, self.detail = reason, detail


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection
    version: int | None = None  # of the state it holds


class WorkerPool:
    def __init__(
        self, target: Callable[..., None], args: tuple[Any, ...], size: int, timeout: float
    ) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._target, self._args, self.size, self.timeout = target, args, size, timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()  # FIFO: a new worker waits its turn
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        # Every worker is started before any is sent its arguments, so they start side by
        # side (see `_run_worker`).
        for worker in [self._start() for _ in range(size)]:
            self._send_arguments(worker)
            self._idle.put(worker)

    def _start(self) -> _Worker:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(target=_run_worker, args=(theirs, self._target))
        process.daemon = True
        process.start()
        theirs.close()
        worker = _Worker(process, ours)
        with self._lock:
            self._all.append(worker)
        return worker

    def _send_arguments(self, worker: _Worker) -> None:
        """A worker that ended before it read them is found out when it is asked."""
        with suppress(OSError):
            worker.connection.send(self._args)

    def call(self, state: Versioned, job: Any) -> Any:
        """The worker's answer to the job on this state; WorkerDied when it crashed or took
        longer than the timeout. A worker that did not answer (for any reason) is stopped
        and a new one takes its place, so no answer can reach the wrong request."""
        worker = self._idle.get()
        try:
            return self._ask(worker, state, job)
        except BaseException:
            worker = self._replace(worker)
            raise
        finally:
            self._idle.put(worker)

    def _ask(self, worker: _Worker, state: Versioned, job: Any) -> Any:
        try:
            worker.connection.send((state if worker.version != state.version else None, job))
            worker.version = state.version
            if worker.connection.poll(self.timeout):
                return worker.connection.recv()
        except (EOFError, OSError):
            worker.process.join(5)
            raise WorkerDied("the engine crashed", _ending(worker.process)) from None
        reason = f"the evaluation took longer than {self.timeout:g} s"
        raise WorkerDied(reason, "the worker was stopped")

    def warm(self, state: Versioned, job: Any) -> list[Any]:
        """Every worker's answer to `job`, asked of all at once (to load the state and
        start each engine before the first request); WorkerDied if one ends."""
        workers = [self._idle.get() for _ in range(self.size)]
        try:
            for worker in workers:
                worker.connection.send((state, job))
                worker.version = state.version
            return [worker.connection.recv() for worker in workers]
        except (EOFError, OSError):
            raise WorkerDied("the engine crashed", "while loading the policies") from None
        finally:
            for worker in workers:
                self._idle.put(worker)

    def _replace(self, worker: _Worker) -> _Worker:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        worker.connection.close()
        with self._lock:
            self._all.remove(worker)
        replacement = self._start()
        self._send_arguments(replacement)
        return replacement

    def close(self) -> None:
        with self._lock:
            workers, self._all = self._all, []
        for worker in workers:
            worker.connection.close()  # the worker reads EOF and returns
        for worker in workers:
            worker.process.join(5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(5)


def _run_worker(connection: Connection, target: Callable[..., None]) -> None:
    """A worker's start: its arguments (the standard's sources among them) come as the
    first message. Passed as the process's own arguments they would travel in the process
    object, which a spawned child reads from a pipe only after importing its modules: the
    server, blocked on that pipe, started each worker only when the one before had read
    everything, about 150 ms apart."""
    try:
        arguments = connection.recv()
    except EOFError:  # the server closed the pool before this worker had started
        return
    target(connection, *arguments)


def _ending(process: BaseProcess) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        try:
            return f"the worker ended with {signal.Signals(-code).name}"
        except ValueError:
            return f"the worker ended with signal {-code}"
    return f"the worker ended with exit code {code}"
