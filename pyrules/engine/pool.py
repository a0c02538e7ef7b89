"""A pool of OPA engines in process for `pyrules serve`: each evaluation has an engine to
itself, so as many decisions run at once as there are engines (ctypes releases the GIL
while Go evaluates) and no engine is shared between threads.

Each engine remembers which policies and data it was loaded with (the store's own objects,
replaced on every write) and reloads when they change; it also reloads after
`MAX_QUERIES` distinct queries, since the binding keeps every prepared query it has seen.
"""

from __future__ import annotations

import os
import queue
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opa_bindings import OpaEngine

MAX_QUERIES = 256


class EvaluationFailed(Exception):
    """The query could not be evaluated (or the policies not loaded): OPA's message."""


@dataclass
class _Loaded:
    engine: OpaEngine
    modules: dict[str, str] | None = None
    data: dict[str, Any] | None = None
    queries: set[str] = field(default_factory=set)


class EnginePool:
    def __init__(self, size: int | None = None) -> None:
        self.size = size or os.cpu_count() or 1
        self._idle: queue.LifoQueue[_Loaded] = queue.LifoQueue()
        self._created = 0
        self._lock = threading.Lock()

    def _take(self) -> _Loaded:
        from pyrules.engine.inprocess import new_engine

        try:
            return self._idle.get_nowait()
        except queue.Empty:
            with self._lock:
                create = self._created < self.size
                self._created += create
            return _Loaded(new_engine()) if create else self._idle.get()

    def decide(
        self, modules: dict[str, str], data: dict[str, Any], query: str, value: Any, has_input: bool
    ) -> tuple[bool, Any]:
        """(defined, value) of `result` in the query, on the policies and data given."""
        from opa_bindings import OpaError

        loaded = self._take()
        try:
            stale = loaded.modules is not modules or loaded.data is not data
            if stale or (query not in loaded.queries and len(loaded.queries) >= MAX_QUERIES):
                self._reload(loaded, modules, data)
            loaded.queries.add(query)
            rows = loaded.engine.eval_query(query, value if has_input else None)
        except OpaError as exc:
            raise EvaluationFailed(" ".join(exc.message.split())) from None
        finally:
            self._idle.put(loaded)
        if len(rows) != 1 or "result" not in rows[0]:
            return False, None
        return True, rows[0]["result"]

    @staticmethod
    def _reload(loaded: _Loaded, modules: dict[str, str], data: dict[str, Any]) -> None:
        """A new engine with these policies and data; if loading fails, the engine stays
        marked unloaded, so the next decision tries again."""
        from pyrules.engine.inprocess import new_engine

        loaded.engine.close()
        loaded.engine, loaded.modules, loaded.data = new_engine(), None, None
        loaded.queries.clear()
        for path, source in modules.items():
            loaded.engine.add_policy(path, source)
        loaded.engine.add_data(data)
        loaded.modules, loaded.data = modules, data
