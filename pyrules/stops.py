"""Ctrl-C and SIGTERM held back while something must not be cut in two.

`assess` ends through its clean-ups when stopped (see `pyrules.cli.assess`): a stop raises
where the program stands. Two steps must not be cut there: handing a starting worker its
data (it would die on half of it, with a traceback under the run's last line), and putting
a round in place (a replaced round's old files gone and only some of the new ones moved,
the rest then removed with the hidden folder they wait in).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def held(*, workers_ignore_ctrl_c: bool = False) -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block ends, then are raised as they would have
    been. With `workers_ignore_ctrl_c` (workers start in the block), Ctrl-C is ignored
    instead: a process started meanwhile inherits that, and a key press reaches the whole
    process group; the parent stops the run, the workers finish their batch and end."""
    stops = (signal.SIGINT, signal.SIGTERM)
    if threading.current_thread() is not threading.main_thread() or None in map(
        signal.getsignal, stops
    ):
        yield  # handlers belong to the main thread; None: set outside Python, left alone
        return
    arrived: list[int] = []

    def note(number: int, _frame: object) -> None:
        arrived.append(number)

    handlers = {number: signal.signal(number, note) for number in stops}
    if workers_ignore_ctrl_c:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
        if arrived:
            signal.raise_signal(arrived[0])  # handled now as it would have been then
