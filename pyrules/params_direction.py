"""Which way a parameter change goes: stricter (asks more of platforms) or looser.

The direction is read from the parameter's name, the convention `policies/README.md` sets:

- `max_*`: a higher value is looser (a deadline or an age limit grows);
- `*_threshold_*` (`vlop_threshold_recipients`): a higher value is looser, as fewer
  platforms reach the threshold from which stricter controls apply;
- `min_*`: a higher value is stricter; a version (`min_tls_version`) compares part by part;
- `approved_*`, `accepted_*`, `allowed_*`: allow-lists, so removing an entry is stricter;
- any other list (`required_notice_fields`, `special_categories`): adding an entry is
  stricter, as the standard then asks for or protects more.

Anything else (a name without a convention, a list that gains and loses entries, a type
change) is `unknown`, and callers must treat it as possibly stricter.
"""

from __future__ import annotations

import re
from typing import Any, Literal

Direction = Literal["stricter", "looser", "unchanged", "unknown"]

ALLOW_LIST = ("approved_", "accepted_", "allowed_")
THRESHOLD = "_threshold_"
VERSION = re.compile(r"^\d+(?:\.\d+)*$")


def direction(name: str, old: Any, new: Any) -> Direction:
    """How changing parameter `name` from `old` to `new` affects what platforms must do."""
    if old == new:
        return "unchanged"
    if isinstance(old, list) and isinstance(new, list):
        return _list_direction(name, old, new)
    higher = _compare(old, new)
    if higher is None:
        return "unknown"
    if name.startswith("max_") or THRESHOLD in name:
        return "looser" if higher else "stricter"
    if name.startswith("min_"):
        return "stricter" if higher else "looser"
    return "unknown"


def _compare(old: Any, new: Any) -> bool | None:
    """Whether `new` is above `old`: numbers by value, versions ("1.2") part by part."""
    numbers = (int, float)
    if isinstance(old, bool) or isinstance(new, bool):
        return None
    if isinstance(old, numbers) and isinstance(new, numbers):
        return new > old
    if isinstance(old, str) and isinstance(new, str) and VERSION.match(old) and VERSION.match(new):
        return _version(new) > _version(old)
    return None


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _list_direction(name: str, old: list[Any], new: list[Any]) -> Direction:
    added = [item for item in new if item not in old]
    removed = [item for item in old if item not in new]
    if added and removed:
        return "unknown"
    if not added and not removed:
        return "unchanged"  # the same entries in another order
    grows_stricter = not name.startswith(ALLOW_LIST)
    return "stricter" if bool(added) == grows_stricter else "looser"
