"""Property tests of the loaders (issue 18 item 14): whatever the bytes, a document or one
LoadError naming the file, never another exception; what JSON can say, the loader reads
back as it was said, with a position for every value."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyrules.loader import Limits, LoadError, loads

FIXTURE = HealthCheck.function_scoped_fixture  # the fixture is a pure function
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LIMITS = Limits(max_bytes=64 * 1024, max_depth=16, max_nodes=5_000, max_alias_expansions=20)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)
documents = st.dictionaries(st.text(max_size=8), values, min_size=1, max_size=5)


def refuses_cleanly(raw: bytes, name: str) -> None:
    try:
        document = loads(raw, name, limits=LIMITS)
    except LoadError as exc:
        text = str(exc)
        assert text.startswith(f"{name}:") and "\n" not in text
        return
    assert isinstance(document.data, dict)


@SETTINGS
@given(st.binary(max_size=2000))
def test_any_bytes_as_yaml_load_or_fail_in_one_line(raw: bytes) -> None:
    refuses_cleanly(raw, "x.yaml")


@SETTINGS
@given(st.binary(max_size=2000))
def test_any_bytes_as_json_load_or_fail_in_one_line(raw: bytes) -> None:
    refuses_cleanly(raw, "x.json")


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("{}[]:,-&*!<>|'\"\\ \n\tax1.#?%@`~")), max_size=300))
def test_text_made_of_yaml_syntax_loads_or_fails_in_one_line(text: str) -> None:
    refuses_cleanly(text.encode("utf-8"), "x.yaml")


def pointers(value: Any, pointer: str = "") -> list[str]:
    found = [pointer]
    if isinstance(value, dict):
        for key, item in value.items():
            escaped = key.replace("~", "~0").replace("/", "~1")
            found += pointers(item, f"{pointer}/{escaped}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += pointers(item, f"{pointer}/{index}")
    return found


def at(text: str, line: int, column: int) -> int:
    """The index in `text` of a 1-based line and column (columns count characters)."""
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    return starts[line - 1] + column - 1


def value_at(data: Any, pointer: str) -> Any:
    for part in pointer.split("/")[1:]:
        key = part.replace("~1", "/").replace("~0", "~")
        data = data[int(key)] if isinstance(data, list) else data[key]
    return data


@SETTINGS
@given(documents, st.sampled_from([None, 0, 2, "\t"]))
def test_json_reads_as_json_loads_with_every_member_at_its_key(
    data: dict[str, Any], indent: int | str | None
) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    try:
        document = loads(text.encode("utf-8"), "x.json", limits=LIMITS)
    except LoadError as exc:
        assert "nodes" in exc.message or "nesting" in exc.message or "deeper" in exc.message
        return
    assert document.data == json.loads(text) == data
    decode = json.JSONDecoder().raw_decode
    for pointer in pointers(data)[1:]:
        position = document.positions[pointer]
        token, _ = decode(text, at(text, position.line, position.column))
        parent, _, last = pointer.rpartition("/")
        if isinstance(value_at(data, parent), dict):  # a member: its key is written there
            assert token == last.replace("~1", "/").replace("~0", "~"), pointer
        else:  # a list item: the item itself
            assert token == value_at(data, pointer), pointer


@settings(SETTINGS, suppress_health_check=[*SETTINGS.suppress_health_check, FIXTURE])
@given(data=documents)
def test_yaml_dumped_by_pyyaml_reads_back_as_written(
    data: dict[str, Any], load_yaml_keep_dates: Any
) -> None:
    import yaml

    text = yaml.safe_dump(data, allow_unicode=True)
    try:
        document = loads(text.encode("utf-8"), "x.yaml", limits=LIMITS)
    except LoadError as exc:
        # refused on purpose: limits, or a key YAML 1.1 would not read back as text
        assert exc.message
        return
    # as safe_load reads it, except that timestamps stay text (the loader's one exception)
    assert document.data == load_yaml_keep_dates(text)


def composed_marks(node: Any, pointer: str = "") -> dict[str, tuple[int, int]]:
    """Pointer -> (line, column) of PyYAML's own nodes: a member at its key, an item at
    itself."""
    import yaml

    marks: dict[str, tuple[int, int]] = {}
    if isinstance(node, yaml.MappingNode):
        for key, item in node.value:
            child = f"{pointer}/{key.value.replace('~', '~0').replace('/', '~1')}"
            marks[child] = (key.start_mark.line + 1, key.start_mark.column + 1)
            marks.update(composed_marks(item, child))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = f"{pointer}/{index}"
            marks[child] = (item.start_mark.line + 1, item.start_mark.column + 1)
            marks.update(composed_marks(item, child))
    return marks


@SETTINGS
@given(documents, st.booleans())
def test_yaml_positions_are_where_pyyaml_puts_each_key_and_item(
    data: dict[str, Any], flow: bool
) -> None:
    import yaml

    text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow)
    try:
        document = loads(text.encode("utf-8"), "x.yaml", limits=LIMITS)
    except LoadError as exc:
        assert exc.message
        return
    marks = composed_marks(yaml.compose(text, Loader=yaml.SafeLoader))
    assert marks  # the document has members
    found = {p: (pos.line, pos.column) for p, pos in document.positions.items() if p}
    assert found == marks


PLAIN_CHARACTERS = "abnoyesltruxfNOYTF0123456789.+-_~=<:E"  # enough for yes, null, 0x1F, 1e3...


@settings(SETTINGS, suppress_health_check=[*SETTINGS.suppress_health_check, FIXTURE])
@given(scalar=st.text(alphabet=st.sampled_from(list(PLAIN_CHARACTERS)), max_size=8))
def test_a_plain_scalar_reads_as_safe_load_reads_it(scalar: str, load_yaml_keep_dates: Any) -> None:
    # Unquoted, as people write values (yes, 0x1F, .5, ~, 1_000, 1:30): the loader skips
    # resolving text no resolver looks at, and must still agree with PyYAML on the rest.
    import yaml

    text = f"k: {scalar}\n"
    try:
        expected = load_yaml_keep_dates(text)
    except yaml.YAMLError:
        return
    if not isinstance(expected, dict) or list(expected) != ["k"]:
        return  # not one plain scalar after all (e.g. 'k: a: b')
    try:
        document = loads(text.encode(), "x.yaml", limits=LIMITS)
    except LoadError as exc:
        assert "finite" in exc.message or "mapping" in exc.message or "key" in exc.message
        return
    assert document.data == expected
