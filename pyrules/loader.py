"""Read a declaration (YAML or JSON) into plain JSON data plus a source map.

Every later stage (schema, engine, renderers) reports problems as JSON pointers; the
source map turns those pointers back into ``file:line:column`` so that a user can find
the line to change.  Declarations come from outside (platforms send them to election
bodies), so the loader is also the place where hostile input is stopped: size, nesting,
node count, alias expansion ("billion laughs"), duplicate keys, encoding and tags.

YAML is parsed from PyYAML's *event stream* (libyaml's C parser when available) by an
iterative walker, so no input can exhaust the Python stack, and every limit is checked
while the events arrive rather than after a full tree has been built.  JSON is parsed
by a small iterative parser of our own, because PyYAML (YAML 1.1) does not read JSON
faithfully: it reads ``1e5`` as a string, rejects tab indentation and accepts comments.

Decisions (see tests/test_loader.py for examples):

- Plain YAML scalars resolve as ``yaml.safe_load`` (YAML 1.1) does: ``yes``/``no``/
  ``on``/``off`` are booleans, ``017`` is octal 15, ``1:30`` is 90, ``1e5`` is text.
  The one exception: timestamps stay strings (``2026-10-01`` -> ``"2026-10-01"``),
  because the JSON Schema checks dates as strings.
- Keys must be strings.  A key that YAML 1.1 reads as something else (``on:``,
  ``no:``, ``2024:``, ``~:``) is refused with a hint to quote it, instead of silently
  becoming ``True`` or ``2024``.
- Merge keys (``<<: *base`` and ``<<: [*a, *b]``) work as in ``safe_load``: explicit
  keys win, then the first listed mapping.  Only aliases can be merged.
- Aliases are copied, so ``data`` is a tree and no two places share one object; the
  positions of copied content point at the text of the anchored original.
- Alias expansions are counted transitively (an alias of a node that itself holds 9
  aliases counts 10), and expanded nodes count towards ``max_nodes``, so a billion
  laughs is refused after a few hundred events, whatever its shape.
- ``max_nodes`` counts every scalar (keys included), mapping, sequence and every node
  brought in by an alias.
- Line and column are 1-based and count characters (not bytes); a tab is one column.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import stat
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from json.decoder import JSONDecodeError, scanstring
from typing import Any, Literal, NamedTuple

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from pyrules.errors import MAX_QUOTED, InputError, printable, quote, source_name

try:  # libyaml: about 10x faster than the pure-Python parser.
    from yaml.cyaml import CParser as _CParser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    _CParser = None

__all__ = [
    "Document",
    "Limits",
    "LoadError",
    "Position",
    "json_type",
    "load",
    "loads",
    "read_regular",
]


class Position(NamedTuple):
    """A place in the source, as editors count it: both 1-based. (Small immutable records
    on every run's path are named tuples: a frozen dataclass costs ten times as much to
    define, which each cold start pays.)"""

    line: int
    column: int


class Limits(NamedTuple):
    """Bounds that keep a hostile or broken declaration from exhausting the checker."""

    max_bytes: int = 10 * 1024 * 1024
    max_depth: int = 64
    max_alias_expansions: int = 100
    max_nodes: int = 1_000_000


DEFAULT_LIMITS = Limits()


class LoadError(InputError):
    """One clear line for users: 'FILE:LINE:COL: message'."""

    path: str
    line: int
    column: int
    message: str

    def __init__(self, path: str, line: int, column: int, message: str) -> None:
        # Passing every field to Exception keeps the error picklable (worker processes).
        Exception.__init__(self, path, line, column, message)
        self.path = path
        self.line = line
        self.column = column
        self.message = printable(_one_line(message))

    def __str__(self) -> str:
        return f"{printable(_one_line(self.path))}:{self.line}:{self.column}: {self.message}"


@dataclass(frozen=True, slots=True)
class Document:
    """A loaded declaration: the data, and where each part of it was written."""

    name: str
    data: dict[str, Any]
    positions: Mapping[str, Position]
    text: str
    sha256: str
    # How the author wrote each plain YAML scalar that was read as a number, boolean or
    # null, by pointer: `1.2` for 1.2, `yes` for true. Messages quote it back as a fix.
    scalars: Mapping[str, str] = field(default_factory=dict)

    def locate(self, pointer: str) -> tuple[str, Position]:
        """The nearest existing pointer (itself or its closest ancestor) and its position.

        Findings often name a field that is missing; the best place to show is then the
        parent that should contain it.
        """
        positions = self.positions
        while pointer and pointer not in positions:
            pointer = pointer.rpartition("/")[0]
        return pointer, positions.get(pointer, _ROOT)

    def located(self, pointer: str, message: str) -> str:
        """`file:line:col: message` for a problem with the field at `pointer`."""
        _, position = self.locate(pointer)
        return f"{self.name}:{position.line}:{position.column}: {message}"


_ROOT = Position(1, 1)


class _Positions(Mapping[str, Position]):
    """Where each node starts, by JSON pointer, as a Position made when asked for: a
    declaration has thousands of nodes and a check looks up a few, and building every
    Position cost a quarter of the loader's time. Subclasses say how a start is kept."""

    __slots__ = ("_starts",)

    def __init__(self, starts: dict[str, Any]) -> None:
        self._starts = starts

    def _position(self, start: Any) -> Position:
        raise NotImplementedError

    def __getitem__(self, pointer: str) -> Position:
        return self._position(self._starts[pointer])

    def __contains__(self, pointer: object) -> bool:
        return pointer in self._starts

    def __iter__(self) -> Iterator[str]:
        return iter(self._starts)

    def __len__(self) -> int:
        return len(self._starts)

    def __repr__(self) -> str:
        return repr(dict(self.items()))


class _MarkPositions(_Positions):
    """YAML: the parser's start mark of each node (0-based line and column)."""

    __slots__ = ()

    def _position(self, start: Any) -> Position:
        return Position(start.line + 1, start.column + 1)


class _IndexPositions(_Positions):
    """JSON: the index in the text where each member's key or item starts."""

    __slots__ = ("_line_starts", "_text")

    def __init__(self, starts: dict[str, int], text: str) -> None:
        super().__init__(starts)
        self._text = text
        self._line_starts: list[int] | None = None  # found on the first look-up

    def _position(self, start: int) -> Position:
        line_starts = self._line_starts
        if line_starts is None:
            line_starts = self._line_starts = [0]
            line_starts.extend(m.end() for m in re.finditer("\n", self._text))
        row = bisect_right(line_starts, start)
        return Position(row, start - line_starts[row - 1] + 1)


_MIB = 1024 * 1024


def load(path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read and parse a declaration file; every failure is a `LoadError` naming the file."""
    return loads(read_regular(path, limits.max_bytes), source_name(path), limits=limits)


def read_regular(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes`; anything else (missing, a
    directory, a FIFO or device, too large, unreadable) is a `LoadError` naming it."""
    name, shown = os.fspath(path), source_name(path)  # opened as given, named as text
    try:
        info = os.stat(name)
    except (OSError, ValueError) as exc:  # ValueError: e.g. a NUL byte in the name
        raise _read_error(shown, exc) from None
    _check_regular(shown, info)
    if info.st_size > max_bytes:
        raise LoadError(shown, 1, 1, _too_big(info.st_size, max_bytes))
    try:
        # Non-blocking, and checked again once open: a FIFO put in the file's place after
        # the stat would otherwise wait for a writer forever.
        with open(os.open(name, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
            _check_regular(shown, os.fstat(handle.fileno()))
            # Never trust stat alone (files that grow): read at most one byte more.
            raw = handle.read(max_bytes + 1)
    except (OSError, MemoryError) as exc:
        raise _read_error(shown, exc) from None
    if len(raw) > max_bytes:
        raise LoadError(shown, 1, 1, _too_big(None, max_bytes))
    return raw


def _read_error(name: str, exc: Exception) -> LoadError:
    """Why a file could not be read, as a user would say it."""
    if isinstance(exc, FileNotFoundError | NotADirectoryError):
        return LoadError(name, 1, 1, "no such file")
    if isinstance(exc, PermissionError):
        return LoadError(name, 1, 1, "permission denied")
    if isinstance(exc, IsADirectoryError):
        return LoadError(name, 1, 1, "is a directory, not a file")
    if isinstance(exc, MemoryError):
        return LoadError(name, 1, 1, "not enough memory to read the file")
    if isinstance(exc, ValueError):
        return LoadError(name, 1, 1, "not a valid file name")
    return LoadError(name, 1, 1, f"cannot read the file: {_os_reason(exc)}")


def _check_regular(name: str, info: os.stat_result) -> None:
    """Only regular files: reading a FIFO or a device waits or never ends."""
    if stat.S_ISDIR(info.st_mode):
        raise LoadError(name, 1, 1, "is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise LoadError(name, 1, 1, "is not a regular file (a FIFO, socket or device)")


def loads(
    raw: bytes,
    name: str,
    *,
    fmt: Literal["yaml", "json"] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Document:
    """Parse a declaration already in memory; `name` is only used in messages."""
    if fmt is None:
        fmt = "json" if name.lower().endswith(".json") else "yaml"
    elif fmt not in ("yaml", "json"):
        raise ValueError(f"fmt must be 'yaml' or 'json', not {fmt!r}")
    if len(raw) > limits.max_bytes:
        raise LoadError(name, 1, 1, _too_big(len(raw), limits.max_bytes))
    text = _decode(raw, name)
    if not text.strip():
        raise LoadError(name, 1, 1, "the file is empty")
    try:
        if fmt == "json":
            data, positions = _JsonParser(text, name, limits).parse()
            scalars: dict[str, str] = {}
        else:
            data, positions, scalars = _parse_yaml(text, name, limits)
    except RecursionError:
        raise LoadError(name, 1, 1, "the file is nested too deeply to read") from None
    except MemoryError:
        raise LoadError(name, 1, 1, "not enough memory to read the file") from None
    return Document(name, data, positions, text, hashlib.sha256(raw).hexdigest(), scalars)


# --------------------------------------------------------------------------- helpers


def _one_line(text: str) -> str:
    if "\n" in text or "\r" in text:
        return " ".join(text.split())
    return text


def _os_reason(exc: BaseException) -> str:
    reason = getattr(exc, "strerror", None) or "input/output error"
    return reason[:1].lower() + reason[1:]


def _size(n: int) -> str:
    if n >= _MIB:
        return f"{n / _MIB:.1f} MiB"
    if n >= 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n} bytes"


def _limit(n: int) -> str:
    for unit, size in (("MiB", _MIB), ("KiB", 1024)):
        if n >= size:
            return f"{n // size} {unit}" if n % size == 0 else f"{n / size:.1f} {unit}"
    return f"{n} bytes"


def _too_big(size: int | None, limit: int) -> str:
    if size is None:  # only known to be over: we stopped reading there
        return f"file is larger than the limit of {_limit(limit)}"
    return f"file is {_size(size)}; the limit is {_limit(limit)}"


def json_type(value: Any) -> str:
    """The JSON Schema type name of parsed JSON data (a bool is not an integer)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


_KINDS = {
    "null": "null",
    "boolean": "a boolean",
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "array": "a list",
    "object": "a mapping",
}


def _kind(value: Any) -> str:
    """The type of a value in the words of a message: 'a list', 'an integer'."""
    return _KINDS[json_type(value)]


def _escape(key: str) -> str:
    """RFC 6901 escaping of one pointer segment."""
    if "~" in key or "/" in key:
        return key.replace("~", "~0").replace("/", "~1")
    return key


def _decode(raw: bytes, name: str) -> str:
    """Strict UTF-8, BOM dropped; a bad byte is reported where an editor shows it."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.start
        line_start = raw.rfind(b"\n", 0, bad) + 1
        line = raw.count(b"\n", 0, bad) + 1
        column = len(raw[line_start:bad].decode("utf-8", "replace")) + 1
        raise LoadError(
            name, line, column, f"invalid UTF-8 (byte 0x{raw[bad]:02x}); save the file as UTF-8"
        ) from None


def _line_col(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _copy(value: Any) -> Any:
    """Deep copy of JSON data without recursion (depth is only bounded by the limits)."""
    if type(value) is dict:
        top: Any = {}
    elif type(value) is list:
        top = []
    else:
        return value
    work = [(value, top)]
    while work:
        src, dst = work.pop()
        if type(src) is dict:
            for key, item in src.items():
                if type(item) is dict or type(item) is list:
                    new: Any = {} if type(item) is dict else []
                    work.append((item, new))
                    item = new
                dst[key] = item
        else:
            for item in src:
                if type(item) is dict or type(item) is list:
                    new = {} if type(item) is dict else []
                    work.append((item, new))
                    item = new
                dst.append(item)
    return top


# --------------------------------------------------------------------------- YAML

_YAML = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_YAML + t for t in ("str", "int", "float", "bool", "null"))
_MAP, _SEQ, _TIMESTAMP = _YAML + "map", _YAML + "seq", _YAML + "timestamp"
_ALLOWED_TAGS = "!!str, !!int, !!float, !!bool, !!null, !!map, !!seq"
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_CONSTRUCT: dict[str, Callable[[yaml.ScalarNode], Any]] = {
    _INT: _CONSTRUCTOR.construct_yaml_int,
    _FLOAT: _CONSTRUCTOR.construct_yaml_float,
    _BOOL: _CONSTRUCTOR.construct_yaml_bool,
    _NULL: _CONSTRUCTOR.construct_yaml_null,
}
_NESTING_PROBLEM = "exceeded maximum nesting depth"  # libyaml's own cap (1000 levels)
_MISSING: Any = object()
_NOT_MERGEABLE = "a merge key '<<' takes aliases of mappings (e.g. <<: *base)"
_ROOT_MARK = yaml.error.Mark("", 0, 0, 0, None, None)  # the document itself: line 1, column 1


class _PyParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """PyYAML's pure-Python event parser, when libyaml is missing or gave up."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


class _Fail(Exception):
    """A refusal found by the walker, before the file name is attached."""

    def __init__(self, mark: Any, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


class _Frame:
    """One open mapping or sequence while walking the event stream."""

    __slots__ = (
        "anchor",
        "container",
        "deepest",
        "derefs",
        "entries",
        "is_map",
        "key",
        "key_pointer",
        "mark",
        "merges",
        "merging",
        "nodes",
        "pointer",
    )

    def __init__(
        self,
        is_map: bool,
        container: Any,
        pointer: str,
        anchor: str | None,
        entries: int,
        nodes: int,
        derefs: int,
        deepest: int,
        mark: Any,
    ) -> None:
        self.is_map = is_map
        self.mark = mark
        self.container = container
        self.pointer = pointer
        self.anchor = anchor
        self.entries = entries
        self.nodes = nodes
        self.derefs = derefs
        self.deepest = deepest
        self.key: str | None = None
        self.key_pointer = ""
        self.merges: list[_Anchor] | None = None
        self.merging = False  # a sequence that only lists aliases for a '<<' key


class _Anchor:
    """What an alias needs to expand an anchored node, and what it will cost."""

    __slots__ = ("derefs", "end", "height", "is_map", "mark", "nodes", "pointer", "start", "value")

    def __init__(
        self,
        value: Any,
        is_map: bool,
        pointer: str,
        start: int,
        end: int,
        nodes: int,
        height: int,
        derefs: int,
        mark: Any,
    ) -> None:
        self.value = value
        self.is_map = is_map
        self.pointer = pointer  # where the original is; its entries are [start:end]
        self.start = start
        self.end = end
        self.nodes = nodes  # nodes added by one expansion
        self.height = height  # levels of nesting added by one expansion
        self.derefs = derefs  # aliases expanded inside the original
        self.mark = mark


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag


def _plain(value: str) -> Any:
    """A plain scalar the way safe_load reads it, except that timestamps stay text."""
    resolvers = _RESOLVER.yaml_implicit_resolvers  # by first character; None: any
    if value[:1] not in resolvers and None not in resolvers:
        return value  # no resolver looks at it (most keys): text, without asking
    tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
    construct = _CONSTRUCT.get(tag)
    if construct is None:  # str, timestamp, merge ('<<' as a value), value ('=')
        return value
    result = construct(yaml.ScalarNode(tag, value))
    if tag == _FLOAT and not math.isfinite(result):
        raise ValueError(f"{value} is not a finite number; JSON has no NaN or infinity")
    return result


def _tagged(tag: str, value: str) -> Any:
    """A scalar with an explicit tag: only the JSON-compatible standard tags."""
    if tag in (_STR, _TIMESTAMP):
        return value
    construct = _CONSTRUCT.get(tag)
    if construct is None:
        raise ValueError(f"tag {_short_tag(tag)} is not allowed; use only {_ALLOWED_TAGS}")
    try:
        result = construct(yaml.ScalarNode(tag, value))
    except (ValueError, KeyError, TypeError):
        raise ValueError(f"{quote(value)} is not a valid {_short_tag(tag)}") from None
    if tag == _FLOAT and not math.isfinite(result):
        raise ValueError(f"{value} is not a finite number; JSON has no NaN or infinity")
    return result


def _parse_yaml(
    text: str, name: str, limits: Limits
) -> tuple[dict[str, Any], Mapping[str, Position], dict[str, str]]:
    use_c = _CParser is not None
    while True:
        parser: Any = None
        try:
            # The Python reader checks characters in its constructor: inside the try.
            parser = _CParser(text) if use_c else _PyParser(text)
            entries: list[tuple[str, Any]] = []
            scalars: dict[str, str] = {}
            root = _Walker(entries, scalars, limits).walk(parser.get_event)
        except _Fail as fail:
            mark = fail.mark
            line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
            raise LoadError(name, line, column, fail.message) from None
        except yaml.MarkedYAMLError as exc:
            if use_c and exc.problem == _NESTING_PROBLEM:
                # libyaml refuses >1000 levels while scanning ahead, before we see the
                # events; the Python parser finds the exact place our own limit is hit.
                use_c = False
                continue
            raise _syntax_error(name, exc) from None
        except yaml.reader.ReaderError as exc:
            # libyaml counts UTF-8 bytes, the Python reader counts characters.
            index = (
                len(text.encode("utf-8")[: exc.position].decode("utf-8", "ignore"))
                if use_c
                else exc.position
            )
            line, column = _line_col(text, index)
            message = f"character U+{exc.character:04X} is not allowed in YAML"
            raise LoadError(name, line, column, message) from None
        except yaml.YAMLError as exc:
            raise LoadError(name, 1, 1, " ".join(str(exc).split())) from None
        finally:
            dispose = getattr(parser, "dispose", None)  # frees libyaml's buffers
            if dispose is not None:
                dispose()
        marks: dict[str, Any] = {"": _ROOT_MARK}
        marks.update(entries)
        return root, _MarkPositions(marks), scalars


def _syntax_error(name: str, exc: yaml.MarkedYAMLError) -> LoadError:
    mark = exc.problem_mark or exc.context_mark
    message = exc.problem or exc.context or "invalid YAML"
    context_mark = exc.context_mark
    if exc.problem and exc.context and context_mark is not None:
        where = f"line {context_mark.line + 1}, column {context_mark.column + 1}"
        message = f"{message} ({exc.context} at {where})"
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return LoadError(name, line, column, "invalid YAML: " + message)


class _Walker:
    """Builds the data from PyYAML's events, recording (pointer, start mark) for every node.

    One method per kind of event, an explicit stack and no recursion: the depth of the
    input cannot reach the Python stack. The methods run for every node, so the state
    lives in slots and each check is made where its event arrives.
    """

    __slots__ = (
        "anchors",
        "cache",
        "derefs",
        "documents",
        "entries",
        "max_depth",
        "max_derefs",
        "max_nodes",
        "nodes",
        "root",
        "scalars",
        "stack",
    )

    def __init__(
        self, entries: list[tuple[str, Any]], scalars: dict[str, str], limits: Limits
    ) -> None:
        self.entries = entries
        self.scalars = scalars
        self.max_depth = limits.max_depth
        self.max_nodes = limits.max_nodes
        self.max_derefs = limits.max_alias_expansions
        self.stack: list[_Frame] = []
        self.anchors: dict[str, _Anchor] = {}
        self.cache: dict[str, Any] = {}  # plain scalar -> value; declarations repeat values
        self.root: dict[str, Any] | None = None
        self.documents = 0
        self.nodes = 0
        self.derefs = 0

    def walk(self, get_event: Callable[[], Any]) -> dict[str, Any]:
        handlers: dict[type, Callable[[Any], None]] = {
            ScalarEvent: self.scalar,
            MappingStartEvent: self.collection_start,
            SequenceStartEvent: self.collection_start,
            MappingEndEvent: self.collection_end,
            SequenceEndEvent: self.collection_end,
            AliasEvent: self.alias,
            DocumentStartEvent: self.document_start,
        }
        while True:
            event = get_event()
            handler = handlers.get(event.__class__)
            if handler is not None:
                handler(event)
            elif event.__class__ is StreamEndEvent:
                if self.root is None:
                    raise _Fail(None, "the file is empty (it holds only comments)")
                return self.root

    def scalar(self, event: ScalarEvent) -> None:
        mark = event.start_mark
        nodes = self.nodes = self.nodes + 1
        if nodes > self.max_nodes:
            raise _Fail(mark, f"more than {self.max_nodes} nodes; the file is too large to check")
        raw = event.value
        tag = event.tag
        plain = tag is None and event.implicit[0]
        value = self.cache.get(raw, _MISSING) if plain else _MISSING
        if value is _MISSING:
            value = self._scalar_value(event, plain)
        stack = self.stack
        if not stack:
            raise _Fail(mark, f"the declaration must be a mapping, found {_kind(value)}")
        frame = stack[-1]
        key = frame.key
        if not frame.is_map or key is _MERGING:
            pointer = self._place(frame, value, mark)
        elif key is not None:  # a member's value, the most common event: placed here
            frame.container[key] = value
            frame.key = None
            pointer = frame.key_pointer
        elif plain and raw == "<<":
            _merge_key(frame, mark)
            pointer = None
        else:
            _key(frame, value, raw, mark, self.entries)
            pointer = None
        if pointer is not None and tag is None and value.__class__ is not str:
            self.scalars[pointer] = raw
        if event.anchor is not None:
            _define(self.anchors, stack, event.anchor, value, mark)

    def _scalar_value(self, event: ScalarEvent, plain: bool) -> Any:
        raw = event.value
        try:
            if plain:
                value = self.cache[raw] = _plain(raw)
                return value
            if event.tag is None or event.tag == "!":
                return raw
            return _tagged(event.tag, raw)
        except ValueError as exc:
            raise _Fail(event.start_mark, str(exc)) from None

    def _place(self, frame: _Frame, value: Any, mark: Any) -> str:
        """Put a value at the frame's pending key or at the end of its list; its pointer."""
        if frame.is_map:
            if frame.key is _MERGING:
                raise _Fail(mark, _NOT_MERGEABLE)
            frame.container[frame.key] = value
            frame.key = None
            return frame.key_pointer
        if frame.merging:
            raise _Fail(mark, _NOT_MERGEABLE)
        pointer = f"{frame.pointer}/{len(frame.container)}"
        self.entries.append((pointer, mark))
        frame.container.append(value)
        return pointer

    def collection_start(self, event: MappingStartEvent | SequenceStartEvent) -> None:
        mark = event.start_mark
        is_map = event.__class__ is MappingStartEvent
        depth = self._opened(event, is_map)
        container: Any = {} if is_map else []
        stack = self.stack
        if not stack:
            if not is_map:
                raise _Fail(mark, "the declaration must be a mapping, found a list")
            self.root = container
            pointer = ""
        else:
            frame = stack[-1]
            if frame.is_map and frame.key is None:
                raise _Fail(mark, f"a key must be a string, found {_kind(container)}")
            if frame.is_map and frame.key is _MERGING and not is_map:
                merging = _Frame(False, None, "", None, 0, self.nodes, self.derefs, depth, mark)
                merging.merging = True  # `<<: [*a, *b]`: only aliases may follow
                stack.append(merging)
                return
            pointer = self._place(frame, container, mark)
        anchor = event.anchor
        if anchor is not None:
            _check_new_anchor(self.anchors, stack, anchor, mark)
        stack.append(
            _Frame(
                is_map,
                container,
                pointer,
                anchor,
                len(self.entries),
                self.nodes,
                self.derefs,
                depth,
                mark,
            )
        )

    def _opened(self, event: MappingStartEvent | SequenceStartEvent, is_map: bool) -> int:
        """Count a new mapping or list against the limits; its depth."""
        mark = event.start_mark
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise _Fail(mark, f"more than {self.max_nodes} nodes; the file is too large to check")
        depth = len(self.stack) + 1
        if depth > self.max_depth:
            raise _Fail(mark, f"nesting is deeper than {self.max_depth} levels")
        tag = event.tag
        if tag is not None and tag != "!" and tag != (_MAP if is_map else _SEQ):
            what = "a mapping" if is_map else "a list"
            raise _Fail(
                mark, f"tag {_short_tag(tag)} is not allowed on {what}; use only {_ALLOWED_TAGS}"
            )
        return depth

    def collection_end(self, _event: MappingEndEvent | SequenceEndEvent) -> None:
        stack = self.stack
        frame = stack.pop()
        if frame.merging:
            stack[-1].key = None
            return
        if frame.merges:
            _apply_merges(frame, self.entries)
        if stack and frame.deepest > stack[-1].deepest:
            stack[-1].deepest = frame.deepest
        if frame.anchor is not None:
            self.anchors[frame.anchor] = _Anchor(
                frame.container,
                frame.is_map,
                frame.pointer,
                frame.entries,
                len(self.entries),
                self.nodes - frame.nodes + 1,
                frame.deepest - len(stack),
                self.derefs - frame.derefs,
                frame.mark,
            )

    def alias(self, event: AliasEvent) -> None:
        mark = event.start_mark
        name = event.anchor
        anchor = self._expansion(name, mark)
        frame = self.stack[-1]
        if frame.merging or (frame.is_map and frame.key is _MERGING):
            self._merge(frame, anchor, name, mark)
        elif frame.is_map and frame.key is None:
            _key(frame, anchor.value, f"*{name}", mark, self.entries)
        else:
            self._expand(frame, anchor, name, mark)

    def _expansion(self, name: str, mark: Any) -> _Anchor:
        """The anchored node an alias names, once its cost is counted against the limits."""
        anchor = self.anchors.get(name)
        if anchor is None:
            if any(frame.anchor == name for frame in self.stack):
                raise _Fail(mark, f"alias *{name} refers to a node that contains it")
            raise _Fail(mark, f"alias *{name} has no anchor &{name} before it")
        self.derefs += 1 + anchor.derefs
        if self.derefs > self.max_derefs:
            raise _Fail(
                mark,
                f"aliases expand more than {self.max_derefs} times; refusing a possible "
                "'billion laughs' document",
            )
        self.nodes += anchor.nodes
        if self.nodes > self.max_nodes:
            raise _Fail(mark, f"more than {self.max_nodes} nodes once aliases are expanded")
        if not self.stack:
            raise _Fail(mark, "the declaration must be a mapping, found an alias")
        return anchor

    def _merge(self, frame: _Frame, anchor: _Anchor, name: str, mark: Any) -> None:
        """The members of the merged mapping become members of the target."""
        stack = self.stack
        target = stack[-2] if frame.merging else frame
        depth = len(stack) - frame.merging + anchor.height - 1
        if depth > self.max_depth:
            raise _Fail(
                mark, f"nesting is deeper than {self.max_depth} levels once *{name} is merged"
            )
        _merge_source(target, anchor, mark)
        if depth > target.deepest:
            target.deepest = depth
        if not frame.merging:
            frame.key = None

    def _expand(self, frame: _Frame, anchor: _Anchor, name: str, mark: Any) -> None:
        """A copy of the anchored node, with the positions of the original's content."""
        depth = len(self.stack) + anchor.height
        if depth > self.max_depth:
            raise _Fail(
                mark, f"nesting is deeper than {self.max_depth} levels once *{name} is expanded"
            )
        pointer = self._place(frame, _copy(anchor.value), mark)
        entries = self.entries
        if anchor.end > anchor.start:
            cut = len(anchor.pointer)
            entries.extend(
                (pointer + inner[cut:], inner_mark)
                for inner, inner_mark in entries[anchor.start : anchor.end]
            )
        if depth > frame.deepest:
            frame.deepest = depth

    def document_start(self, event: DocumentStartEvent) -> None:
        self.documents += 1
        if self.documents > 1:
            raise _Fail(
                event.start_mark,
                "a second YAML document starts here; a declaration is one document",
            )


class _Merging(str):
    """Marks a mapping whose next value belongs to a '<<' merge key."""


_MERGING: Any = _Merging("<<")


def _key(frame: _Frame, value: Any, raw: str, mark: Any, entries: list[tuple[str, Any]]) -> None:
    if type(value) is not str:
        if isinstance(value, dict | list):
            raise _Fail(mark, f"a key must be a string, found {_kind(value)} ({raw})")
        if raw == "":
            raise _Fail(mark, "a key is empty; write the key before the ':'")
        what = (
            _kind(value)
            if value is None or not isinstance(value, bool)
            else f"the boolean {json.dumps(value)}"
        )
        shown = raw if len(raw) <= MAX_QUOTED else quote(raw)
        raise _Fail(
            mark,
            f"the key {shown} is read as {what}, not as text; write it in quotes ({quote(raw)})",
        )
    if value in frame.container:
        pointer = f"{frame.pointer}/{_escape(value)}"
        first = next(m for p, m in entries if p == pointer)
        raise _Fail(mark, f"duplicate key {quote(value)} (first defined at line {first.line + 1})")
    frame.key = value
    frame.key_pointer = pointer = f"{frame.pointer}/{_escape(value)}"
    entries.append((pointer, mark))


def _merge_key(frame: _Frame, mark: Any) -> None:
    if frame.merges is not None:
        raise _Fail(mark, 'duplicate key "<<"; list every merged alias in one: <<: [*a, *b]')
    frame.merges = []
    frame.key = _MERGING


def _merge_source(frame: _Frame, anchor: _Anchor, mark: Any) -> None:
    if not anchor.is_map or type(anchor.value) is not dict:
        raise _Fail(mark, _NOT_MERGEABLE)
    assert frame.merges is not None
    frame.merges.append(anchor)


def _apply_merges(frame: _Frame, entries: list[tuple[str, Any]]) -> None:
    """Merge keys, safe_load semantics: explicit keys win, then the first source."""
    container = frame.container
    assert frame.merges is not None
    for anchor in frame.merges:
        added = set()
        for key, value in anchor.value.items():
            if key not in container:
                container[key] = _copy(value)
                added.add(_escape(key))
        if not added:
            continue
        cut = len(anchor.pointer)
        entries.extend(
            (frame.pointer + inner[cut:], mark)
            for inner, mark in entries[anchor.start : anchor.end]
            if inner[cut + 1 :].partition("/")[0] in added
        )


def _define(
    anchors: dict[str, _Anchor], stack: list[_Frame], name: str, value: Any, mark: Any
) -> None:
    _check_new_anchor(anchors, stack, name, mark)
    anchors[name] = _Anchor(value, False, "", 0, 0, 1, 0, 0, mark)


def _check_new_anchor(
    anchors: dict[str, _Anchor], stack: list[_Frame], name: str, mark: Any
) -> None:
    """safe_load refuses a second anchor of the same name; so do we (it hides data)."""
    first = anchors.get(name)
    if first is not None:
        raise _Fail(mark, f"anchor &{name} is defined twice (first at line {first.mark.line + 1})")
    for frame in stack:
        if frame.anchor == name:
            line = frame.mark.line + 1
            raise _Fail(mark, f"anchor &{name} is defined twice (first at line {line})")


# --------------------------------------------------------------------------- JSON

_WS = re.compile(r"[ \t\n\r]*")
_skip_ws: Callable[[str, int], Any] = _WS.match  # always matches (maybe nothing)
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_A_NUMBER = re.compile(r"-?(?:NaN|Infinity)")
_JSON_STRING_ERRORS = {
    "Unterminated string starting at": "unterminated string",
    "Invalid control character at": "control character in a string; escape it (e.g. \\n)",
    "Invalid \\escape": "invalid escape in a string",
    "Invalid \\uXXXX escape": "invalid \\u escape in a string",
}


def _describe(text: str, index: int) -> str:
    if index >= len(text):
        return "the end of the file"
    match = _NOT_A_NUMBER.match(text, index)
    if match is not None:
        return quote(match.group()) + " (JSON has no NaN or infinity)"
    if text[index] == "'":
        return "a single quote (JSON strings use double quotes)"
    if text.startswith(("//", "/*"), index):
        return "a comment (JSON has no comments)"
    return quote(text[index])


class _JsonFrame:
    """One open object or array while parsing JSON."""

    __slots__ = ("container", "is_object", "key", "pointer")

    def __init__(self, container: Any, pointer: str, is_object: bool) -> None:
        self.container = container
        self.pointer = pointer
        self.is_object = is_object
        self.key: str | None = None  # the member whose value comes next


class _JsonParser:
    """Strict RFC 8259 JSON, iteratively, with the position of every member's key and
    every array item: one method per thing that can start at the current index."""

    __slots__ = (
        "check_surrogates",
        "max_depth",
        "max_nodes",
        "name",
        "nodes",
        "pointer",
        "pointers",
        "root",
        "stack",
        "starts",
        "text",
    )

    def __init__(self, text: str, name: str, limits: Limits) -> None:
        self.text = text
        self.name = name
        self.max_depth = limits.max_depth
        self.max_nodes = limits.max_nodes
        self.check_surrogates = "\\u" in text
        self.pointers: list[str] = []  # every member and item, in document order ...
        self.starts: list[int] = []  # ... and the index where each starts
        self.stack: list[_JsonFrame] = []
        self.root: dict[str, Any] = {}
        self.nodes = 0
        self.pointer = ""  # the place of the value that starts next

    def parse(self) -> tuple[dict[str, Any], Mapping[str, Position]]:
        text = self.text
        stack = self.stack
        i = _skip_ws(text, 0).end()
        while True:
            i, opened = self._value(i)
            if opened:
                continue  # its first member or item starts at i
            # After a value: past ',' to the next value, closing containers on the way.
            while True:
                i = _skip_ws(text, i).end()
                if not stack:
                    if i < len(text):
                        raise self._fail(
                            i, f"unexpected {_describe(text, i)} after the top-level value"
                        )
                    return self.root, self._positions()
                top = stack[-1]
                c = text[i : i + 1]
                if c == ",":
                    i = self._after_comma(i, top)
                    break
                if c == ("}" if top.is_object else "]"):
                    i += 1
                    stack.pop()
                    continue
                expected = "',' or '}'" if top.is_object else "',' or ']'"
                raise self._fail(i, f"expected {expected}, found {_describe(text, i)}")

    def _fail(self, index: int, message: str) -> LoadError:
        line, column = _line_col(self.text, index)
        return LoadError(self.name, line, column, "invalid JSON: " + message)

    def _value(self, i: int) -> tuple[int, bool]:
        """Read the value at i; True when it opened a non-empty object or array, whose
        first member or item then starts at the returned index."""
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise self._fail(i, f"more than {self.max_nodes} nodes; the file is too large to check")
        c = self.text[i : i + 1]
        if c == '"':  # the common case first: most values are strings
            value, end = self._string(i)
        elif c == "{" or c == "[":
            return self._open(i, c == "{")
        else:
            value, end = self._scalar(i, c)
        stack = self.stack
        if not stack:
            raise LoadError(
                self.name, 1, 1, f"the declaration must be a mapping, found {_kind(value)}"
            )
        top = stack[-1]
        if top.is_object:
            top.container[top.key] = value
        else:
            top.container.append(value)
        return end, False

    def _put(self, value: Any) -> None:
        top = self.stack[-1]
        if top.is_object:
            top.container[top.key] = value
        else:
            top.container.append(value)

    def _open(self, i: int, is_object: bool) -> tuple[int, bool]:
        if len(self.stack) >= self.max_depth:
            raise self._fail(i, f"nesting is deeper than {self.max_depth} levels")
        value: Any = {} if is_object else []
        if self.stack:
            self._put(value)
        elif not is_object:
            raise LoadError(self.name, 1, 1, "the declaration must be a mapping, found a list")
        else:
            self.root = value
        i = _skip_ws(self.text, i + 1).end()
        if self.text.startswith("}" if is_object else "]", i):
            return i + 1, False
        frame = _JsonFrame(value, self.pointer, is_object)
        self.stack.append(frame)
        return (self._key(i, frame, None) if is_object else self._item(i, frame)), True

    def _scalar(self, i: int, c: str) -> tuple[Any, int]:
        """A literal or a number (strings are read by `_value`)."""
        text = self.text
        if c == "t" and text.startswith("true", i):
            return True, i + 4
        if c == "f" and text.startswith("false", i):
            return False, i + 5
        if c == "n" and text.startswith("null", i):
            return None, i + 4
        return self._number(i, c)

    def _number(self, i: int, c: str) -> tuple[int | float, int]:
        text = self.text
        match = _NUMBER.match(text, i) if c and c in "-0123456789" else None
        if match is None:
            raise self._fail(i, f"expected a value, found {_describe(text, i)}")
        end = match.end()
        literal = match.group()
        if end < len(text) and text[end] in "0123456789":
            raise self._fail(i, "a number cannot start with 0 (JSON has no octal)")
        try:
            is_int = match.group(1) is None and match.group(2) is None
            value = int(literal) if is_int else float(literal)
        except ValueError:
            raise self._fail(i, "number has too many digits") from None
        if value in (math.inf, -math.inf):
            raise self._fail(i, f"number {literal} is too large")
        return value, end

    def _string(self, index: int) -> tuple[str, int]:
        try:
            value, end = scanstring(self.text, index + 1, True)
        except JSONDecodeError as exc:
            raise self._fail(exc.pos, _JSON_STRING_ERRORS.get(exc.msg, exc.msg)) from None
        if self.check_surrogates and _SURROGATE.search(value):
            raise self._fail(index, "a \\u escape in this string is half of a surrogate pair")
        return value, end

    def _item(self, i: int, frame: _JsonFrame) -> int:
        """An array item starts at i: record its place."""
        self.pointer = f"{frame.pointer}/{len(frame.container)}"
        self.pointers.append(self.pointer)
        self.starts.append(i)
        return i

    def _key(self, i: int, frame: _JsonFrame, comma: int | None) -> int:
        """Read `"key":` at i; record the member's place at the key; the value's index."""
        text = self.text
        if not text.startswith('"', i):
            if comma is not None and text.startswith("}", i):
                raise self._fail(comma, "trailing comma before '}'")
            raise self._fail(i, f"expected a key in double quotes, found {_describe(text, i)}")
        key, end = self._string(i)
        pointer = f"{frame.pointer}/{_escape(key)}"
        if key in frame.container:
            first = self.starts[self.pointers.index(pointer)]
            line = text.count("\n", 0, first) + 1
            raise self._fail(i, f"duplicate key {quote(key)} (first defined at line {line})")
        frame.container[key] = None  # reserved now, so a duplicate is caught in document order
        frame.key = key
        self.nodes += 1  # the key, as in YAML
        self.pointer = pointer
        self.pointers.append(pointer)
        self.starts.append(i)
        end = _skip_ws(text, end).end()
        if not text.startswith(":", end):
            raise self._fail(end, f"expected ':' after the key, found {_describe(text, end)}")
        return _skip_ws(text, end + 1).end()

    def _after_comma(self, comma: int, top: _JsonFrame) -> int:
        """Where the next member's value or the next item starts."""
        i = _skip_ws(self.text, comma + 1).end()
        if top.is_object:
            return self._key(i, top, comma)
        if self.text.startswith("]", i):
            raise self._fail(comma, "trailing comma before ']'")
        return self._item(i, top)

    def _positions(self) -> Mapping[str, Position]:
        starts = {"": 0}
        starts.update(zip(self.pointers, self.starts, strict=True))
        return _IndexPositions(starts, self.text)
