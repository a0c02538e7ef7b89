"""National profiles: how an election management body tailors one standard version.

An EMB assesses platforms under its own law, which may be stricter than the standard's
defaults or care about only part of it. A profile says so in a reviewable file:

    name: Ruritania 2026 general election
    standard_version: 0.2.0
    description: Electoral Commission Regulation 12/2025 ...
    controls:
      include: [ADS, INC]
      exclude:
        - {controls: [GOV, EDU, INT, SEC, TGT, ACC, MIN, LAW], reason: "Supervised by ..."}
        - {controls: [ADS-09], reason: "No ad library duty under national law yet"}
    parameters: {max_breach_notification_hours: 24}
    severities:
      INC-01: critical                                  # raising needs no reason
      EDU-03: {severity: low, reason: "Covered by the national voter-education law"}

``schemas/profile.schema.json`` is the contract for the shape; this module checks what a
schema cannot (IDs, families and parameters that the standard in use really has, value
types, reasons for lowering) and reports each problem as ``file:line:col: message``.

Decisions:

- ``standard_version`` must be *compatible* with the standard in use (same major; same
  minor while the major is 0), as for declarations: a patch release does not force every
  EMB to re-issue its profile, a breaking release does.
- ``include`` (when given) selects controls, ``exclude`` then removes some. Excluded
  controls are not evaluated into the report at all, rather than shown as
  ``not_applicable``: "not applicable" is a statement about the platform (the control's
  condition does not hold), exclusion is a choice of the assessor.
- Leaving a control out loosens the standard as surely as a looser limit, so every
  control left out (by ``exclude``, or by not being in ``include``) needs a reason, given
  in ``exclude`` once for a family or a list (``{controls: [GOV, EDU], reason: ...}``, or
  ``{ACC-01: reason}``); a control's own entry beats its family's. Every report names
  each control not assessed, with its reason, so a reader sees what was never checked.
- Parameter values must have the JSON type of the default they replace (an integer for
  an integer, a list of strings for a list of strings); a number where an integer is
  expected is refused, as policies compare them with integers.
- Lowering a severity needs a reason, whatever the control; raising does not. A severity
  for a control the profile excludes is refused: it would have no effect, and silently
  ignoring configuration hides mistakes.
- Parameters work the same way: tightening is free, loosening needs ``{value, reason}``.
  Which way is looser follows from the parameter's name (``loosens``, on the rules of
  ``params_direction`` that ``pyrules diff`` uses too):
  ``max_*`` raised, ``min_*`` or a version lowered, a list of required items shortened, a
  list of accepted items (``approved_*``, ``accepted_*``) lengthened, and for the two
  unprefixed numbers (blackout months, voting age) a lower value.
- An election's ``jurisdiction`` and ``languages`` must be codes of the declaration
  schema's lists: a code that no platform can declare would fail every platform.
- ``elections``, ``designated_services`` and ``as_of`` are the EMB's facts: they reach the
  policies through ``data.edhs.params.assessment`` (see ``evaluate.engine_params``), which
  a profile may therefore not set as a parameter.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pyrules.errors import InputError, quote
from pyrules.loader import Document, Limits, json_type
from pyrules.model import Control, Digest, ParameterOverride, Severity, severity_rank
from pyrules.params_direction import VERSION, direction
from pyrules.standard import Standard, compatibility_key

PROFILE_SCHEMA = "profile.schema.json"
ASSESSMENT_PARAM = "assessment"  # filled by pyrules from the profile's facts and --as-of
STRICTER_WHEN_HIGHER = frozenset({"third_country_blackout_months", "default_voting_age"})
_CONTROL_ID = re.compile(r"^[A-Z]{3}-\d{2}$")


@dataclass(frozen=True)
class SeverityChange:
    """The severity a control has under the profile, and why when it is lowered."""

    severity: Severity
    reason: str | None = None


@dataclass(frozen=True)
class Profile:
    """A loaded, checked profile; plain data so worker processes can receive it."""

    name: str
    standard_version: str
    description: str
    digest: Digest  # name = the profile's name, sha256 = of the file's bytes
    selected: frozenset[str]  # IDs of the controls the profile assesses
    left_out: dict[str, str] = field(default_factory=dict)  # the others: ID -> reason
    parameters: dict[str, Any] = field(default_factory=dict)  # overrides only
    severities: dict[str, SeverityChange] = field(default_factory=dict)
    overrides: tuple[ParameterOverride, ...] = ()  # the parameters, with standard values
    as_of: str | None = None
    elections: tuple[dict[str, Any], ...] = ()
    designated_services: tuple[dict[str, Any], ...] = ()  # by the Commission, DSA Art 33(4)

    def applies(self, control_id: str) -> bool:
        return control_id in self.selected

    def severity(self, control: Control) -> Severity:
        change = self.severities.get(control.id)
        return change.severity if change else control.severity

    def params(self, defaults: dict[str, Any]) -> dict[str, Any]:
        """The parameters the engine runs with: the overrides over the standard's defaults."""
        return {**defaults, **self.parameters}


@cache
def profile_schema() -> dict[str, Any]:
    """The tool's own profile schema (shipped with the standard's schemas in the wheel)."""
    from pyrules.standard import default_standard_dir

    path = default_standard_dir() / "schemas" / PROFILE_SCHEMA
    return json.loads(path.read_text(encoding="utf-8"))


def load_profile(
    path: str | os.PathLike[str], standard: Standard, limits: Limits | None = None
) -> Profile:
    """Read, validate and check a profile against `standard`; errors are located lines."""
    from pyrules.schema import load_valid

    document = load_valid(path, profile_schema(), limits)
    data = document.data
    version = data["standard_version"]
    if compatibility_key(version) != standard.major:
        raise _error(
            document,
            "/standard_version",
            f"the profile tailors EDHS {version}, but this standard is EDHS "
            f"{standard.version}; use a {version} standard (--standard) or update the profile",
        )
    _check_election_codes(document, standard, data.get("elections") or [])
    selected, left_out = _selection(document, standard, data.get("controls") or {})
    overrides = _parameters(document, standard, data.get("parameters") or {})
    return Profile(
        name=data["name"],
        standard_version=version,
        description=" ".join(data["description"].split()),
        digest=Digest(name=data["name"], sha256=document.sha256),
        selected=selected,
        left_out=left_out,
        parameters={o.name: o.value for o in overrides},
        severities=_severities(document, standard, selected, data.get("severities") or {}),
        overrides=overrides,
        as_of=data.get("as_of"),
        elections=tuple(data.get("elections") or ()),
        designated_services=tuple(data.get("designated_services") or ()),
    )


def _error(document: Document, pointer: str, message: str) -> InputError:
    return InputError(document.located(pointer, message))


# An election's code fields and the list of the declaration schema each must come from.
ELECTION_CODES = {"jurisdiction": "country_code", "languages": "language_code"}


def _check_election_codes(
    document: Document, standard: Standard, elections: list[dict[str, Any]]
) -> None:
    """Each election's jurisdiction and languages are codes a declaration can state (the
    declaration schema's lists): a language the platforms cannot declare, such as "gr" for
    Greek (ISO 639-1 says "el"), would fail every platform, for the EMB's typo."""
    defs = standard.schema.get("$defs", {})
    for index, election in enumerate(elections):
        for name, vocabulary in ELECTION_CODES.items():
            known = defs.get(vocabulary, {}).get("enum")
            stated = election.get(name)
            codes = stated if isinstance(stated, list) else [stated]
            for position, code in enumerate(codes):
                if known is None or code is None or code in known:
                    continue
                pointer = f"/elections/{index}/{name}"
                pointer += f"/{position}" if isinstance(stated, list) else ""
                raise _error(
                    document,
                    pointer,
                    f"{quote(code)} is no code a declaration can state for {name} "
                    f"(the declaration schema's {vocabulary} list){_guess(code, known)}",
                )


Selection = tuple[frozenset[str], dict[str, str]]


def _selection(document: Document, standard: Standard, controls: dict[str, Any]) -> Selection:
    """The controls assessed, and each control left out with the profile's reason."""
    every = [c.id for c in standard.controls]
    families = {c.family for c in standard.controls}

    def expand(selector: str, pointer: str) -> list[str]:
        if _CONTROL_ID.match(selector):
            if not standard.has_control(selector):
                raise _error(
                    document,
                    pointer,
                    f"unknown control {quote(selector)}: EDHS {standard.version} has no such "
                    "control",
                )
            return [selector]
        if selector in families:
            return [c for c in every if c.startswith(selector + "-")]
        raise _error(
            document,
            pointer,
            f"unknown family {quote(selector)}: EDHS {standard.version} has "
            + ", ".join(sorted(families)),
        )

    included = set(every)
    if "include" in controls:
        included = {
            control_id
            for index, selector in enumerate(controls["include"])
            for control_id in expand(selector, f"/controls/include/{index}")
        }
    reasons = _exclusions(document, controls.get("exclude") or {}, expand)
    unexplained = [c for c in every if c not in included and c not in reasons]
    if unexplained:
        raise _error(
            document,
            "/controls/include",
            f"include leaves out {_compact(unexplained, standard)} without a reason: give "
            "one in exclude, e.g. exclude: [{controls: ["
            + ", ".join(dict.fromkeys(c.split("-")[0] for c in unexplained))
            + "], reason: ...}]",
        )
    selected = frozenset(c for c in every if c in included and c not in reasons)
    if not selected:
        raise _error(document, "/controls", "the profile selects no control to assess")
    return selected, {c: reasons[c] for c in every if c not in selected}


def _exclusions(
    document: Document,
    exclude: dict[str, str] | list[Any],
    expand: Callable[[str, str], list[str]],
) -> dict[str, str]:
    """Each excluded control's reason. `exclude` maps selectors to reasons, or lists
    `{controls, reason}` groups; a control's own entry beats its family's."""
    if isinstance(exclude, dict):
        entries = [(s, r, f"/controls/exclude/{s}") for s, r in exclude.items()]
    else:
        entries = []
        for index, item in enumerate(exclude):
            if isinstance(item, str):
                entries.append((item, None, f"/controls/exclude/{index}"))
                continue
            for inner, selector in enumerate(item["controls"]):
                pointer = f"/controls/exclude/{index}/controls/{inner}"
                entries.append((selector, item["reason"], pointer))
    chosen: list[tuple[str, list[str], str]] = []
    for selector, reason, pointer in entries:
        ids = expand(selector, pointer)
        if any(selector == earlier for earlier, _, _ in chosen):
            raise _error(document, pointer, f"{selector} is excluded twice; name it once")
        if reason is None:
            raise _error(
                document,
                pointer,
                f"excluding {selector} needs a reason: write "
                f"{{controls: [{selector}], reason: ...}} (a report names what was not "
                "assessed and why)",
            )
        chosen.append((selector, ids, " ".join(reason.split())))
    reasons: dict[str, str] = {}
    for _, ids, reason in sorted(chosen, key=lambda entry: "-" in entry[0]):
        reasons.update(dict.fromkeys(ids, reason))
    return reasons


def _compact(ids: list[str], standard: Standard) -> str:
    """IDs as a reader scans them: a family whose every control is named, by its name."""
    by_family: dict[str, list[str]] = {}
    for control_id in ids:
        by_family.setdefault(control_id.split("-")[0], []).append(control_id)
    whole = {f: len([c for c in standard.controls if c.family == f]) for f in by_family}
    return ", ".join(
        f"every {family} control" if len(members) == whole[family] else ", ".join(members)
        for family, members in by_family.items()
    )


def _fits(value: Any, default: Any) -> bool:
    """Whether `value` has the JSON type of `default`; for lists, item by item too."""
    expected, actual = json_type(default), json_type(value)
    if expected == "number":
        return actual in ("number", "integer")
    if expected != actual:
        return False
    if expected == "array" and default:
        return all(_fits(item, default[0]) for item in value)
    return True


def _describe_type(default: Any) -> str:
    kind = json_type(default)
    if kind == "array" and default:
        return f"a list of {json_type(default[0])}s"
    articles = {"integer": "an integer", "array": "a list", "object": "an object"}
    return articles.get(kind, f"a {kind}")


def _parameters(
    document: Document, standard: Standard, parameters: dict[str, Any]
) -> tuple[ParameterOverride, ...]:
    overrides = []
    for name, entry in parameters.items():
        pointer = f"/parameters/{name}"
        if name == ASSESSMENT_PARAM:
            raise _error(
                document,
                pointer,
                f"{name} is set by pyrules from the profile's elections, designated_services "
                "and as_of and from --as-of; state those instead",
            )
        if name not in standard.params:
            raise _error(
                document,
                pointer,
                f"unknown parameter {quote(name)}: EDHS {standard.version} has no such parameter"
                + _guess(name, list(standard.params))
                + " (see pyrules docs or policies/edhs/params/data.json)",
            )
        changed = isinstance(entry, dict)
        value = entry["value"] if changed else entry
        reason = " ".join(entry["reason"].split()) if changed else None
        default = standard.params[name]
        if changed:
            pointer += "/value"
        if not _fits(value, default):
            raise _error(
                document,
                pointer,
                f"{name} must be {_describe_type(default)} like its default "
                f"{quote(default)}, not {json_type(value)}",
            )
        try:
            looser = loosens(name, default, value)
        except ValueError as exc:
            raise _error(document, pointer, f"{name}: {exc}") from None
        if looser and not reason:
            raise _error(
                document,
                pointer,
                f"{name}: {quote(value)} is less strict than the standard's {quote(default)}; "
                "loosening "
                f"needs a reason: write {{value: {json.dumps(value)}, reason: ...}}",
            )
        overrides.append(
            ParameterOverride(
                name=name, standard=default, value=value, loosens=looser, reason=reason
            )
        )
    return tuple(overrides)


def loosens(name: str, standard: Any, value: Any) -> bool:
    """Whether `value` is less strict than the standard's value of parameter `name`. The
    direction follows the parameter's name (`params_direction`, shared with `pyrules
    diff`); a change it cannot call stricter needs a reason too, except for the two
    unprefixed numbers whose direction is fixed here. ValueError for a version that is
    not one."""
    if name.endswith("_version") and not VERSION.match(str(value)):
        raise ValueError(f"{quote(value)} is not a version like 1.2")
    if name in STRICTER_WHEN_HIGHER:
        return bool(value < standard)
    return direction(name, standard, value) in ("looser", "unknown")


def _guess(name: str, known: list[str]) -> str:
    from pyrules.schema import did_you_mean

    guess = did_you_mean(name, known)
    return f"; did you mean {quote(guess)}?" if guess else ""


def _severities(
    document: Document, standard: Standard, selected: frozenset[str], entries: dict[str, Any]
) -> dict[str, SeverityChange]:
    changes: dict[str, SeverityChange] = {}
    for control_id, entry in entries.items():
        pointer = f"/severities/{control_id}"
        if not standard.has_control(control_id):
            raise _error(
                document,
                pointer,
                f"unknown control {quote(control_id)}: EDHS {standard.version} has no such control",
            )
        if control_id not in selected:
            raise _error(
                document,
                pointer,
                f"{control_id} is not assessed under this profile (see controls), so its "
                "severity cannot be changed",
            )
        change = (
            SeverityChange(entry)
            if isinstance(entry, str)
            else SeverityChange(entry["severity"], " ".join(entry["reason"].split()) or None)
            if "reason" in entry
            else SeverityChange(entry["severity"])
        )
        original = standard.control(control_id).severity
        if severity_rank(change.severity) < severity_rank(original) and not change.reason:
            raise _error(
                document,
                pointer,
                f"lowering {control_id} from {original} to {change.severity} needs a reason: "
                f"write {{severity: {change.severity}, reason: ...}}",
            )
        changes[control_id] = change
    return changes
