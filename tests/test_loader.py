"""The loader: plain data plus a source map, and a clear one-line refusal for bad input.

Read these as examples of use: every later stage turns a JSON pointer into
``FILE:LINE:COL`` through ``Document.locate``.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

import pytest
import yaml

from pyrules import loader
from pyrules.loader import Document, Limits, LoadError, Position, load, loads

DECLARATION = """\
# A fictional platform's declaration.
standard_version: "1.0"
platform:
  name: Example Social
  launched: 2026-10-01
incident_response:
  breach_notification_hours: 72
  contacts:
    - name: DPO
      email: dpo@example.org
    - {name: CISO, email: ciso@example.org}
"""

DECLARATION_JSON = """\
{
  "standard_version": "1.0",
  "platform": {
    "name": "Example Social",
    "launched": "2026-10-01"
  },
  "incident_response": {
    "breach_notification_hours": 72,
    "contacts": [
      {"name": "DPO", "email": "dpo@example.org"},
      {
        "name": "CISO",
        "email": "ciso@example.org"
      }
    ]
  }
}
"""


@pytest.fixture(params=["libyaml", "python"])
def yaml_parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run YAML tests with libyaml and with PyYAML's pure-Python parser (the fallback)."""
    if request.param == "libyaml":
        if loader._CParser is None:
            pytest.skip("PyYAML built without libyaml")
    else:
        monkeypatch.setattr(loader, "_CParser", None)
    return request.param


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return str(path)


def refusal(raw: bytes | str, name: str = "decl.yaml", **kwargs: object) -> LoadError:
    """Load in memory, expecting a refusal; check the message is one clean line."""
    if isinstance(raw, str):
        raw = raw.encode()
    with pytest.raises(LoadError) as caught:
        loads(raw, name, **kwargs)  # type: ignore[arg-type]
    assert_one_line(caught.value, name)
    return caught.value


def assert_one_line(err: LoadError, name: str) -> None:
    text = str(err)
    assert text == f"{name}:{err.line}:{err.column}: {err.message}"
    assert "\n" not in text and "\r" not in text
    for leak in ("Traceback", "Error:", "Exception", "yaml.", "json."):
        assert leak not in text, text


def at(err: LoadError) -> tuple[int, int]:
    return err.line, err.column


# ---------------------------------------------------------------- data and positions


def test_yaml_data_is_plain_json_data(yaml_parser: str) -> None:
    doc = loads(DECLARATION.encode(), "decl.yaml")
    assert doc.data == {
        "standard_version": "1.0",
        "platform": {"name": "Example Social", "launched": "2026-10-01"},
        "incident_response": {
            "breach_notification_hours": 72,
            "contacts": [
                {"name": "DPO", "email": "dpo@example.org"},
                {"name": "CISO", "email": "ciso@example.org"},
            ],
        },
    }
    assert doc.name == "decl.yaml"
    assert doc.text == DECLARATION


def test_yaml_positions_point_at_keys_and_items(yaml_parser: str) -> None:
    doc = loads(DECLARATION.encode(), "decl.yaml")
    p = doc.positions
    assert p[""] == Position(1, 1)  # the root
    assert p["/standard_version"] == Position(2, 1)
    assert p["/platform/launched"] == Position(5, 3)  # the key, where a user looks
    assert p["/incident_response/breach_notification_hours"] == Position(7, 3)
    assert p["/incident_response/contacts"] == Position(8, 3)
    assert p["/incident_response/contacts/0"] == Position(9, 7)  # the item's start
    assert p["/incident_response/contacts/0/email"] == Position(10, 7)
    assert p["/incident_response/contacts/1"] == Position(11, 7)  # a flow mapping
    assert p["/incident_response/contacts/1/email"] == Position(11, 20)
    # every node of the data has a position, and nothing else does
    assert len(p) == 14


def test_json_positions_on_a_multi_line_file() -> None:
    doc = loads(DECLARATION_JSON.encode(), "decl.json")
    assert doc.data == loads(DECLARATION.encode(), "decl.yaml").data
    p = doc.positions
    assert p[""] == Position(1, 1)
    assert p["/standard_version"] == Position(2, 3)
    assert p["/platform/launched"] == Position(5, 5)
    assert p["/incident_response/breach_notification_hours"] == Position(8, 5)
    assert p["/incident_response/contacts/0"] == Position(10, 7)
    assert p["/incident_response/contacts/0/email"] == Position(10, 23)
    assert p["/incident_response/contacts/1"] == Position(11, 7)
    assert p["/incident_response/contacts/1/email"] == Position(13, 9)
    assert len(p) == 14


@pytest.mark.parametrize(("name", "text"), [("d.yaml", DECLARATION), ("d.json", DECLARATION_JSON)])
def test_positions_are_a_plain_mapping_that_survives_pickling(name: str, text: str) -> None:
    # Positions are made on look-up; to every reader they are the dict they used to be.
    doc = loads(text.encode(), name)
    as_dict = dict(doc.positions.items())
    assert doc.positions == as_dict and as_dict == doc.positions
    assert list(doc.positions) == list(as_dict) and len(doc.positions) == len(as_dict)
    assert "/nothing" not in doc.positions and doc.positions.get("/nothing") is None
    again = pickle.loads(pickle.dumps(doc))
    assert again == doc and dict(again.positions.items()) == as_dict


def test_json_numbers_and_escapes_follow_json_not_yaml() -> None:
    raw = rb'{"a": 1e5, "b": -0.5E-2, "c": 12, "d": "x\/y\u00e9\ud83d\ude00", "e": [true, null]}'
    assert loads(raw, "d.json").data == {
        "a": 100000.0,  # YAML 1.1 would read 1e5 as a string
        "b": -0.005,
        "c": 12,
        "d": "x/y\u00e9\U0001f600",
        "e": [True, None],
    }


def test_json_tab_indentation_and_crlf_are_fine() -> None:
    doc = loads(b'{\r\n\t"a": {\r\n\t\t"b": 1\r\n\t}\r\n}\r\n', "d.json")
    assert doc.data == {"a": {"b": 1}}
    assert doc.positions["/a/b"] == Position(3, 3)  # a tab is one column


def test_pointer_segments_are_escaped_rfc6901(yaml_parser: str) -> None:
    doc = loads(b"'a/b': {'m~n': 1}\n", "d.yaml")
    assert doc.positions["/a~1b/m~0n"] == Position(1, 9)
    doc = loads(b'{"a/b": {"m~n": 1}}', "d.json")
    assert doc.positions["/a~1b/m~0n"] == Position(1, 10)


def test_columns_count_characters_not_bytes(yaml_parser: str) -> None:
    doc = loads("{é: 1, ü: {ß: 2}}\n".encode(), "d.yaml")
    assert doc.positions["/ü/ß"] == Position(1, 12)
    doc = loads('{"é": 1, "ü": {"ß": 2}}'.encode(), "d.json")
    assert doc.positions["/ü/ß"] == Position(1, 16)


def test_locate_falls_back_to_the_nearest_ancestor() -> None:
    doc = loads(DECLARATION.encode(), "decl.yaml")
    # an existing pointer is its own answer
    assert doc.locate("/platform/name") == ("/platform/name", Position(4, 3))
    # a missing field is shown at the parent that should hold it
    assert doc.locate("/platform/privacy_policy_url") == ("/platform", Position(3, 1))
    assert doc.locate("/incident_response/contacts/5/phone") == (
        "/incident_response/contacts",
        Position(8, 3),
    )
    assert doc.locate("/nothing/here") == ("", Position(1, 1))
    assert doc.locate("") == ("", Position(1, 1))


def test_load_reads_a_file_and_names_it_as_given(tmp_path: Path) -> None:
    path = write(tmp_path, "decl.yml", DECLARATION)
    doc = load(path)
    assert doc.name == path
    assert doc.positions["/incident_response/breach_notification_hours"] == Position(7, 3)
    assert load(Path(path)).name == path  # PathLike works too


def test_the_digest_is_sha256_of_the_raw_bytes(tmp_path: Path) -> None:
    raw = b"\xef\xbb\xbfa: 1\r\n"  # BOM and CRLF included: the digest is of the bytes
    doc = load(write(tmp_path, "d.yaml", raw))
    assert doc.sha256 == hashlib.sha256(raw).hexdigest()


def test_format_follows_the_extension_unless_given() -> None:
    # YAML syntax in a .json file is refused: JSON is strict ...
    assert "invalid JSON" in refusal("a: 1\n", "d.json").message
    # ... unless the caller says it is YAML; anything not .json is YAML
    assert loads(b"a: 1\n", "d.json", fmt="yaml").data == {"a": 1}
    assert loads(b"a: 1\n", "declaration.txt").data == {"a": 1}
    assert loads(b'{"a": 1}', "d.yaml", fmt="json").data == {"a": 1}
    assert loads(b"a: 1\n", "D.JSON", fmt="yaml").data == {"a": 1}
    assert "invalid JSON" in refusal("a: 1\n", "D.JSON").message


# ---------------------------------------------------------------- YAML 1.1 scalars


def test_dates_stay_strings(yaml_parser: str) -> None:
    doc = loads(
        b"d: 2026-10-01\nt: 2026-10-01T08:00:00+00:00\ntagged: !!timestamp 2026-10-01\n", "x"
    )
    assert doc.data == {
        "d": "2026-10-01",
        "t": "2026-10-01T08:00:00+00:00",
        "tagged": "2026-10-01",
    }


@pytest.mark.parametrize(
    "plain",
    ["yes", "no", "on", "off", "Yes", "NO", "true", "False", "y", "n", "~", "null", "",
     "017", "0x1F", "0o17", "1_000", "1:30", "1.5", "1e5", "1.0e+5", ".5", "0b101", "+1",
     "abc", "1.2.3"],
)  # fmt: skip
def test_plain_scalars_follow_yaml_1_1_safe_load(plain: str, yaml_parser: str) -> None:
    """Decision: YAML 1.1, as yaml.safe_load: yes/no/on/off are booleans, 1e5 is text."""
    raw = f"k: {plain}\n".encode()
    assert loads(raw, "x").data == yaml.safe_load(raw)


def test_yes_no_on_are_booleans_and_quotes_keep_text(yaml_parser: str) -> None:
    doc = loads(b"a: yes\nb: no\nc: on\nd: 'yes'\ne: \"on\"\nf: !!str no\n", "x")
    assert doc.data == {"a": True, "b": False, "c": True, "d": "yes", "e": "on", "f": "no"}


def test_standard_tags_are_honoured(yaml_parser: str) -> None:
    doc = loads(b"a: !!int '12'\nb: !!str 12\nc: ! 12\nd: !!float 1\ne: !!null x\n", "x")
    assert doc.data == {"a": 12, "b": "12", "c": "12", "d": 1.0, "e": None}


def test_aliases_and_merge_keys(yaml_parser: str) -> None:
    raw = b"""\
defaults: &defaults
  retention_days: 30
  regions: [eu, us]
service_a:
  <<: *defaults
  retention_days: 7
service_b: *defaults
"""
    doc = loads(raw, "x")
    assert doc.data == yaml.safe_load(raw)
    # a tree, not shared objects: changing one place changes only that place
    doc.data["service_b"]["regions"].append("ap")
    assert doc.data["defaults"]["regions"] == ["eu", "us"]
    assert doc.data["service_a"]["regions"] == ["eu", "us"]
    p = doc.positions
    assert p["/service_a/retention_days"] == Position(6, 3)  # the explicit key wins
    assert p["/service_a/regions"] == Position(3, 3)  # merged: where it is written
    assert p["/service_b"] == Position(7, 1)
    assert p["/service_b/regions/1"] == Position(3, 17)


def test_merge_of_several_mappings_first_wins(yaml_parser: str) -> None:
    raw = b"b: &b {x: 1, y: 1}\nc: &c {x: 2, z: 2}\na:\n  <<: [*b, *c]\n  y: 0\n"
    assert (
        loads(raw, "x").data
        == yaml.safe_load(raw)
        == {
            "b": {"x": 1, "y": 1},
            "c": {"x": 2, "z": 2},
            "a": {"x": 1, "y": 0, "z": 2},
        }
    )


# ---------------------------------------------------------------- refusals: files


def test_missing_file(tmp_path: Path) -> None:
    path = str(tmp_path / "nope.yaml")
    with pytest.raises(LoadError) as caught:
        load(path)
    assert_one_line(caught.value, path)
    assert str(caught.value) == f"{path}:1:1: no such file"


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as caught:
        load(tmp_path)
    assert_one_line(caught.value, str(tmp_path))
    assert caught.value.message == "is a directory, not a file"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads all")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, "d.yaml", "a: 1\n")
    os.chmod(path, 0)
    with pytest.raises(LoadError) as caught:
        load(path)
    assert str(caught.value) == f"{path}:1:1: permission denied"


def test_unreadable_file_even_as_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "d.yaml", "a: 1\n")

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(loader, "open", denied, raising=False)
    with pytest.raises(LoadError) as caught:
        load(path)
    assert str(caught.value) == f"{path}:1:1: permission denied"


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: costs no disk
    with pytest.raises(LoadError) as caught:
        load(path)
    assert_one_line(caught.value, str(path))
    assert caught.value.message == "file is 50.0 MiB; the limit is 10 MiB"
    small = Limits(max_bytes=4)
    with pytest.raises(LoadError, match="file is 5 bytes; the limit is 4 bytes"):
        load(write(tmp_path, "d.yaml", "a: 1\n"), small)
    with pytest.raises(LoadError, match="the limit is 4 bytes"):
        loads(b"a: 1\n", "d.yaml", limits=small)


def test_never_reads_more_than_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that grows after stat (or a pipe) is still cut at max_bytes + 1."""
    path = tmp_path / "growing.yaml"
    with open(path, "wb") as f:
        f.truncate(50 * 1024 * 1024)
    real_stat = os.stat

    class Small:
        st_mode = real_stat(path).st_mode
        st_size = 10

    monkeypatch.setattr(loader.os, "stat", lambda p: Small)
    reads: list[int] = []
    real_open = open

    def spy(*args: object, **kwargs: object) -> object:
        handle = real_open(*args, **kwargs)  # type: ignore[call-overload]
        real_read = handle.read

        def read(n: int = -1) -> bytes:
            reads.append(n)
            return real_read(n)

        handle.read = read
        return handle

    monkeypatch.setattr(loader, "open", spy, raising=False)
    with pytest.raises(LoadError) as caught:
        load(path)
    assert reads == [10 * 1024 * 1024 + 1]
    assert caught.value.message == "file is larger than the limit of 10 MiB"


def test_empty_file(tmp_path: Path, yaml_parser: str) -> None:
    for name, content in [("e.yaml", ""), ("e.json", ""), ("w.yaml", "  \n\n"), ("w.json", "\n")]:
        path = write(tmp_path, name, content)
        with pytest.raises(LoadError) as caught:
            load(path)
        assert_one_line(caught.value, path)
        assert (caught.value.line, caught.value.column, caught.value.message) == (
            1,
            1,
            "the file is empty",
        )
    assert refusal("# only a comment\n").message == "the file is empty (it holds only comments)"


# ---------------------------------------------------------------- refusals: encoding


def test_invalid_utf8_is_located_at_the_bad_byte(tmp_path: Path) -> None:
    path = write(tmp_path, "d.yaml", b"a: 1\nb: caf\xc3\xa9 \xff\n")
    with pytest.raises(LoadError) as caught:
        load(path)
    assert_one_line(caught.value, path)
    assert at(caught.value) == (2, 9)  # 'é' is two bytes but one column
    assert "UTF-8" in caught.value.message
    assert at(refusal(b'{"a":\n "\xe9t\xe9"}', "d.json")) == (2, 3)  # Latin-1, not UTF-8


def test_utf8_bom_is_accepted_and_stripped(yaml_parser: str) -> None:
    doc = loads(b"\xef\xbb\xbfa: 1\nb: 2\n", "d.yaml")
    assert doc.data == {"a": 1, "b": 2}
    assert doc.text == "a: 1\nb: 2\n"
    assert doc.positions["/a"] == Position(1, 1)
    assert loads(b'\xef\xbb\xbf{"a": 1}', "d.json").positions["/a"] == Position(1, 2)
    assert at(refusal(b"\xef\xbb\xbfa: \xff\n")) == (1, 4)


def test_control_characters_are_refused(yaml_parser: str) -> None:
    err = refusal("a: 1\néé: x\x7f\n".encode())
    assert at(err) == (2, 6)
    assert err.message == "character U+007F is not allowed in YAML"


# ---------------------------------------------------------------- refusals: syntax


def test_yaml_syntax_error_uses_the_parser_mark(yaml_parser: str) -> None:
    err = refusal("a: 1\n b: 2\n")
    assert at(err) == (2, 3)
    assert err.message.startswith("invalid YAML: mapping values are not allowed")
    err = refusal("a: [1, 2\nb: 3\n")
    assert at(err) == (2, 2)
    assert "while parsing a flow sequence at line 1, column 4" in err.message


def test_json_trailing_comma_is_reported_where_it_is() -> None:
    err = refusal('{\n  "a": [1, 2,],\n  "b": 1\n}', "d.json")
    assert (err.line, err.column, err.message) == (2, 13, "invalid JSON: trailing comma before ']'")
    err = refusal('{\n  "a": 1,\n}', "d.json")
    assert (err.line, err.column, err.message) == (2, 9, "invalid JSON: trailing comma before '}'")


@pytest.mark.parametrize(
    ("raw", "where", "says"),
    [
        ('{"a": NaN}', (1, 7), "NaN"),
        ('{"a": -Infinity}', (1, 7), "no NaN or infinity"),
        ('{"a": 1e999}', (1, 7), "too large"),
        ('{"a": 01}', (1, 7), "cannot start with 0"),
        ("{'a': 1}", (1, 2), "double quotes"),
        ('{"a": 1 // note\n}', (1, 9), "no comments"),
        ('{"a": 1} x', (1, 10), "after the top-level value"),
        ('{"a" 1}', (1, 6), "expected ':'"),
        ('{"a": "x\ty"}', (1, 9), "control character"),
        ('{"a": "\\ud800"}', (1, 7), "surrogate"),
        ('{"a": "x', (1, 7), "unterminated string"),
        ('{"a": ', (1, 7), "the end of the file"),
        ('{"a": 1\n "b": 2}', (2, 2), "expected ',' or '}'"),
    ],
)
def test_invalid_json(raw: str, where: tuple[int, int], says: str) -> None:
    err = refusal(raw, "d.json")
    assert at(err) == where
    assert says in err.message
    assert err.message.startswith("invalid JSON: ")


def test_more_than_one_yaml_document(yaml_parser: str) -> None:
    err = refusal("a: 1\n---\nb: 2\n")
    assert at(err) == (2, 1)
    assert "one document" in err.message


# ---------------------------------------------------------------- refusals: shape


@pytest.mark.parametrize(
    ("raw", "name", "found"),
    [
        ("- a\n- b\n", "d.yaml", "a list"),
        ('["a"]', "d.json", "a list"),
        ("just text\n", "d.yaml", "a string"),
        ("42\n", "d.yaml", "an integer"),
        ('"text"', "d.json", "a string"),
        ("null", "d.json", "null"),
    ],
)
def test_top_level_must_be_a_mapping(raw: str, name: str, found: str) -> None:
    err = refusal(raw, name)
    assert err.message == f"the declaration must be a mapping, found {found}"
    assert at(err) == (1, 1)


def test_duplicate_keys_name_the_key_and_the_first_line(yaml_parser: str) -> None:
    err = refusal("a: 1\nb:\n  c: 1\n  d: 2\n  c: 3\n")
    assert at(err) == (5, 3)
    assert err.message == 'duplicate key "c" (first defined at line 3)'
    err = refusal('{\n  "a": 1,\n  "b": {"c": 1,\n        "c": 2}\n}', "d.json")
    assert at(err) == (4, 9)
    assert err.message == 'invalid JSON: duplicate key "c" (first defined at line 3)'


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (
            "on: 1\n",
            'the key on is read as the boolean true, not as text; write it in quotes ("on")',
        ),
        ("no: 1\n", "the key no is read as the boolean false"),
        ("2024: 1\n", "the key 2024 is read as an integer"),
        ("~: 1\n", "the key ~ is read as null"),
        ("? [a]\n: 1\n", "a key must be a string, found a list"),
        ("? {a: 1}\n: 1\n", "a key must be a string, found a mapping"),
    ],
)
def test_keys_must_be_strings(raw: str, says: str, yaml_parser: str) -> None:
    assert says in refusal(raw).message


@pytest.mark.parametrize(
    ("raw", "where", "says"),
    [
        ("a: 1\nb: !!python/object:os.system x\n", (2, 4), "tag !!python/object:os.system"),
        ("a: !!python/object/apply:os.system [ls]\n", (1, 4), "tag !!python/object/apply"),
        ("a: !foo x\n", (1, 4), "tag !foo is not allowed"),
        ("a: !!binary aGk=\n", (1, 4), "tag !!binary is not allowed"),
        ("a: !!set {x}\n", (1, 4), "tag !!set is not allowed on a mapping"),
        ("a: !!omap [b: 1]\n", (1, 4), "tag !!omap is not allowed on a list"),
        ("a: !!int abc\n", (1, 4), '"abc" is not a valid !!int'),
    ],
)
def test_only_standard_json_tags(
    raw: str, where: tuple[int, int], says: str, yaml_parser: str
) -> None:
    err = refusal(raw)
    assert at(err) == where
    assert says in err.message


@pytest.mark.parametrize("value", [".nan", ".NaN", ".inf", "-.Inf", "!!float nan"])
def test_nan_and_infinity_are_refused(value: str, yaml_parser: str) -> None:
    err = refusal(f"a: 1\nb: {value}\n")
    assert at(err) == (2, 4)
    assert "JSON has no NaN or infinity" in err.message


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("a: &a [1, *a]\n", "alias *a refers to a node that contains it"),
        ("a: *nope\n", "alias *nope has no anchor &nope before it"),
        ("a: &x 1\nb: &x 2\n", "anchor &x is defined twice (first at line 1)"),
        ("a:\n  <<: 1\n", "merge key '<<' takes aliases of mappings"),
        ("a: &s text\nb:\n  <<: *s\n", "merge key '<<' takes aliases of mappings"),
    ],
)
def test_bad_aliases(raw: str, says: str, yaml_parser: str) -> None:
    assert says in refusal(raw).message


# ---------------------------------------------------------------- refusals: limits


def test_10000_levels_of_flow_nesting(tmp_path: Path, yaml_parser: str) -> None:
    path = write(tmp_path, "deep.yaml", "a: " + "[" * 10_000 + "]" * 10_000 + "\n")
    with pytest.raises(LoadError) as caught:
        load(path)
    assert_one_line(caught.value, path)
    # the root mapping is level 1, so the 64th '[' (column 3 + 64) is level 65
    assert at(caught.value) == (1, 67)
    assert caught.value.message == "nesting is deeper than 64 levels"


def test_10000_levels_of_block_nesting(tmp_path: Path, yaml_parser: str) -> None:
    path = write(tmp_path, "deep.yaml", "a:\n" + "- " * 10_000 + "x\n")
    with pytest.raises(LoadError) as caught:
        load(path)
    assert_one_line(caught.value, path)
    assert at(caught.value) == (2, 1 + 2 * 63)
    assert caught.value.message == "nesting is deeper than 64 levels"


def test_10000_levels_of_json_nesting(tmp_path: Path) -> None:
    for deep, column in [
        ("[" * 10_000 + "]" * 10_000, 70),
        ('{"b": ' * 10_000 + "1" + "}" * 10_000, 7 + 63 * 6),
    ]:
        path = write(tmp_path, "deep.json", '{"a": ' + deep + "}")
        with pytest.raises(LoadError) as caught:
            load(path)
        assert_one_line(caught.value, path)
        assert at(caught.value) == (1, column)
        assert caught.value.message == "invalid JSON: nesting is deeper than 64 levels"


def test_depth_limit_is_exact(yaml_parser: str) -> None:
    limits = Limits(max_depth=3)
    assert loads(b"a: [[1]]\n", "x", limits=limits).data == {"a": [[1]]}
    assert at(refusal("a: [[[1]]]\n", limits=limits)) == (1, 6)
    assert loads(b'{"a": [[1]]}', "x.json", limits=limits).data == {"a": [[1]]}
    assert at(refusal('{"a": [[[1]]]}', "x.json", limits=limits)) == (1, 9)
    # an alias counts with the depth of what it brings in
    assert "once *d is expanded" in refusal("d: &d [[1]]\nb: [*d]\n", limits=limits).message


def test_billion_laughs_is_refused_early(tmp_path: Path, yaml_parser: str) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    path = write(tmp_path, "lol.yaml", "\n".join(lines) + "\n")
    with pytest.raises(LoadError) as caught:
        load(path)
    assert_one_line(caught.value, path)
    # b holds 9 expansions, c 9 x (1 + 9) = 90 more; the first *c on line 4 passes 100
    assert at(caught.value) == (4, 8)
    assert "aliases expand more than 100 times" in caught.value.message


def test_alias_limit_counts_expansions(yaml_parser: str) -> None:
    few = "a: &a 1\n" + "".join(f"k{i}: *a\n" for i in range(100))
    assert len(loads(few.encode(), "x").data) == 101
    err = refusal(few + "k100: *a\n")
    assert at(err) == (102, 7)


def test_node_limit(yaml_parser: str) -> None:
    limits = Limits(max_nodes=6)  # keys count: {, a, 1, b, [ and 2 are six nodes
    assert loads(b"a: 1\nb: [2]\n", "x", limits=limits).data == {"a": 1, "b": [2]}
    err = refusal("a: 1\nb: [2, 3]\n", limits=limits)
    assert at(err) == (2, 8)
    assert "more than 6 nodes" in err.message
    assert "more than 6 nodes" in refusal('{"a": 1, "b": [2, 3]}', "x.json", limits=limits).message
    # nodes brought in by aliases count too
    assert "once aliases are expanded" in refusal("a: &a [1, 2]\nb: *a\n", limits=limits).message


# ---------------------------------------------------------------- robustness


@pytest.mark.parametrize("exc", [RecursionError, MemoryError])
def test_interpreter_limits_become_load_errors(
    exc: type[BaseException], monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object) -> None:
        raise exc()

    monkeypatch.setattr(loader, "_parse_yaml", boom)
    err = refusal("a: 1\n")
    assert at(err) == (1, 1)


def test_file_names_with_newlines_stay_on_one_line() -> None:
    with pytest.raises(LoadError) as caught:
        loads(b"- a\n", "odd\nname.yaml")
    assert caught.value.path == "odd\nname.yaml"  # kept as given, for programs
    assert str(caught.value) == "odd name.yaml:1:1: the declaration must be a mapping, found a list"


def test_load_error_survives_pickling() -> None:
    err = refusal("- a\n")
    copy = pickle.loads(pickle.dumps(err))
    assert str(copy) == str(err)
    assert (copy.path, copy.line, copy.column) == (err.path, err.line, err.column)


def test_document_is_immutable() -> None:
    doc = loads(b"a: 1\n", "x")
    assert isinstance(doc, Document)
    with pytest.raises(AttributeError):
        doc.name = "other"  # type: ignore[misc]
