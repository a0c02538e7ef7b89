"""The floor for a cold check: the same work with the same libraries and nothing else.

Python start, import PyYAML, jsonschema-rs and the engine, read and validate the declaration
(jsonschema-rs with jsonschema's format checks, as pyrules does; jsonschema only for an
invalid one), load the standard and run one query for every control. `bench/run.py` times
this against `pyrules check` on the same engine.
With --cli it also reads its command line with click and prints the verdicts as indented
JSON, as any command-line tool built on the same libraries would: the floor of a command, not
of a script.
Usage: floor.py [--cli] opa POLICIES_DIR SCHEMA.json DECLARATION.yaml
       floor.py [--cli] regopy BUNDLE.rbb SCHEMA.json DECLARATION.yaml
"""

import json
import re
import sys
from datetime import date
from pathlib import Path

import jsonschema_rs
import yaml
from rfc3986_validator import validate_rfc3986

CLI = sys.argv[1] == "--cli"
if CLI:
    import click

    @click.command()
    @click.argument("engine", type=click.Choice(["opa", "regopy"]))
    @click.argument("standard", type=click.Path(exists=True))
    @click.argument("schema", type=click.Path(exists=True, dir_okay=False))
    @click.argument("declaration", type=click.Path(exists=True, dir_okay=False))
    def arguments(engine: str, standard: str, schema: str, declaration: str) -> tuple[str, ...]:
        return engine, standard, schema, declaration

    engine, standard_path, schema_path, declaration_path = arguments.main(
        sys.argv[2:], standalone_mode=False
    )
else:
    engine, standard_path, schema_path, declaration_path = sys.argv[1:5]


class KeepDates(yaml.CSafeLoader):
    pass


KeepDates.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}

with open(declaration_path, encoding="utf-8") as handle:
    data = yaml.load(handle, Loader=KeepDates)  # a SafeLoader subclass
with open(schema_path, encoding="utf-8") as handle:
    schema = json.load(handle)
formats = {
    "date": lambda text: (
        bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text, re.A)) and bool(date.fromisoformat(text))
    ),
    "email": lambda text: "@" in text,
    "uri": lambda text: bool(validate_rfc3986(text, rule="URI")),
}
errors = []
if not jsonschema_rs.Draft202012Validator(schema, formats=formats, validate_formats=True).is_valid(
    data
):
    from jsonschema import Draft202012Validator, FormatChecker

    errors = list(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(data))

if engine == "opa":
    from opa_bindings import OpaEngine

    opa = OpaEngine()
    root = Path(standard_path)
    packages = []
    for path in sorted(root.rglob("*.rego")):
        source = path.read_text(encoding="utf-8")
        opa.add_policy(path.relative_to(root).as_posix(), source)
        if re.search(r"^#\s+id: ", source, re.M):  # a control: its METADATA names an ID
            packages.append(re.search(r"^package (\S+)", source, re.M).group(1))
    params = json.loads((root / "edhs" / "params" / "data.json").read_text(encoding="utf-8"))
    opa.add_data(params, path="edhs.params")
    items = ", ".join(
        f'"{p}": {{"applicable": data.{p}.applicable, "deny": data.{p}.deny}}' for p in packages
    )
    result = opa.eval_query(f"result := {{{items}}}", data)[0]["result"]
else:
    import regopy
    from regopy.rego_shared import rego_bundle_query, rego_output_string

    rego = regopy.Interpreter()
    rego.log_level = regopy.LogLevel.NONE
    bundle = rego.load_bundle(standard_path, regopy.BundleFormat.Binary)
    rego.set_input(data)
    result = json.loads(rego_output_string(rego_bundle_query(rego._impl, bundle._impl)))
    result = result["bindings"]["result"]
print(json.dumps(result, indent=2) if CLI else (len(errors), len(result)))
