"""The floor for a cold check: the same work with the same libraries and nothing else.

Python start, import PyYAML, jsonschema and regopy, load the compiled bundle, read and
validate the declaration, one query. `bench/run.py` times this against `pyrules check`.
Usage: floor.py BUNDLE.rbb SCHEMA.json DECLARATION.yaml
"""

import json
import sys

import regopy
import yaml
from jsonschema import Draft202012Validator, FormatChecker
from regopy.rego_shared import rego_bundle_query, rego_output_string

bundle_path, schema_path, declaration_path = sys.argv[1:4]


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
errors = list(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(data))
rego = regopy.Interpreter()
rego.log_level = regopy.LogLevel.NONE
bundle = rego.load_bundle(bundle_path, regopy.BundleFormat.Binary)
rego.set_input(data)
result = json.loads(rego_output_string(rego_bundle_query(rego._impl, bundle._impl)))
print(len(errors), len(result["bindings"]["result"]))
