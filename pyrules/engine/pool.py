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

import asyncio
import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess


# A message this short goes into an idle worker's empty socket pair at once (Linux gives
# one 208 KiB by default); a longer one is written from a thread, as the worker reads it.
INLINE_WRITE = 64 * 1024


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
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()  # FIFO: a new one waits its turn
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        # Every worker is started before any is sent its arguments, so they start side by
        # side (see `_run_worker`).
        for worker in [self._start() for _ in range(size)]:
            self._send_arguments(worker)
            self._idle.put_nowait(worker)

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

    async def call(self, state: Versioned, job: Any) -> Any:
        """The worker's answer to the job on this state; WorkerDied when it crashed or took
        longer than the timeout. A worker that did not answer (for any reason) is stopped
        and a new one takes its place, so no answer can reach the wrong request.

        It runs on the server's event loop, which waits for the answer itself: a thread per
        request waiting on a pipe cost two more thread switches per decision, about a
        third of the server's processor time and a tenth of the p99 latency under load."""
        worker = await self._idle.get()
        try:
            answer = await self._ask(worker, state, job)
        except BaseException:
            self._replace_later(worker)
            raise
        self._idle.put_nowait(worker)
        return answer

    async def _ask(self, worker: _Worker, state: Versioned, job: Any) -> Any:
        message = pickle.dumps(
            (state if worker.version != state.version else None, job), pickle.HIGHEST_PROTOCOL
        )
        try:
            if len(message) <= INLINE_WRITE:
                worker.connection.send_bytes(message)
            else:
                await asyncio.to_thread(worker.connection.send_bytes, message)
            worker.version = state.version
            if await _readable(worker.connection, self.timeout):
                return worker.connection.recv()
        except (EOFError, OSError):
            await asyncio.to_thread(worker.process.join, 5)
            raise WorkerDied("the engine crashed", _ending(worker.process)) from None
        reason = f"the evaluation took longer than {self.timeout:g} s"
        raise WorkerDied(reason, "the worker was stopped")

    def _replace_later(self, worker: _Worker) -> None:
        """Stop the worker and start another in a thread (a start takes a while, and a
        cancelled request must not wait for it); the new one joins the idle queue."""
        loop = asyncio.get_running_loop()

        def replace() -> None:
            self._stop(worker)
            if self._closed:
                return
            new = self._start()
            with self._lock:
                closed = self._closed  # a request was cancelled as the server stops
            if not closed:
                self._send_arguments(new)
                try:
                    loop.call_soon_threadsafe(self._idle.put_nowait, new)
                    return
                except RuntimeError:  # the loop has closed
                    pass
            self._stop(new)

        threading.Thread(target=replace, name="worker-replacement", daemon=True).start()

    def warm(self, state: Versioned, job: Any) -> list[Any]:
        """Every worker's answer to `job`, asked of all at once (to load the state and
        start each engine before the first request); WorkerDied if one ends."""
        workers = [self._idle.get_nowait() for _ in range(self.size)]  # before any request
        try:
            for worker in workers:
                worker.connection.send((state, job))
                worker.version = state.version
            return [worker.connection.recv() for worker in workers]
        except (EOFError, OSError):
            raise WorkerDied("the engine crashed", "while loading the policies") from None
        finally:
            for worker in workers:
                self._idle.put_nowait(worker)

    def _stop(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        worker.connection.close()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._all = self._all, []
        for worker in workers:
            worker.connection.close()  # the worker reads EOF and returns
        for worker in workers:
            worker.process.join(5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(5)


async def _readable(connection: Connection, timeout: float) -> bool:
    """True when the connection has something to read (an answer, or the end of a worker
    that died) within the timeout. The connection stays blocking: uvloop's watch makes
    its descriptor non-blocking, and a long message would then be read or written in part."""
    loop = asyncio.get_running_loop()
    ready = loop.create_future()
    fd = connection.fileno()
    loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
    try:
        await asyncio.wait_for(ready, timeout)
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(fd)
        os.set_blocking(fd, True)
    return True


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
