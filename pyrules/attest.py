"""Signed, verifiable results: an in-toto Statement in a DSSE envelope, signed with Ed25519.

An election management body must be able to show later which declaration it assessed,
against which standard and profile, and what the verdict was, in a form that anybody can
check and nobody can quietly edit. The attestation is the usual supply-chain shape:

- an in-toto Statement v1 whose subject is the declaration (file name and SHA-256) and
  whose predicate (type ``PREDICATE_TYPE``) holds the JSON report, the SHA-256 of the
  report file's exact bytes, the standard version and bundle digest, and the profile;
- wrapped in a DSSE envelope (payload type ``application/vnd.in-toto+json``), whose
  signature covers the Pre-Authentication Encoding of payload type and payload, so that
  neither can be swapped;
- signed with Ed25519 (``cryptography``); the ``keyid`` is the SHA-256 of the 32 raw
  public-key bytes, so a verifier can tell which key signed without trusting it.

A whole assessment round is attested the same way (`attest_round`): one statement whose
subjects are every file of the round with its SHA-256 (predicate type
``ROUND_PREDICATE_TYPE``: the round, its reference date, standard, profile and
verdicts). `verify_round` checks the signature, then every file of the round folder
against the subjects, and lists each file missing, added or changed; it needs nothing
beyond in-toto v1 and DSSE, so generic tools can check a round too.

Ed25519 signatures are deterministic and the payload is canonical JSON without a
timestamp, so the same inputs give the same attestation bytes.

Verification first checks the signature over the envelope as received and only then
reads the payload (as DSSE requires). When the signature does not verify, the payload
is inspected only to say *what* was changed (another key, the payload type, the
payload, or the signature); the verdict does not depend on that guess.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import secrets
from collections.abc import Callable
from contextlib import suppress
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyrules.errors import InputError, printable, quote, source_name
from pyrules.json_files import read_bytes, read_json, shape_problem
from pyrules.model import Report

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

    from pyrules.rounds import RoundRecord

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"
# Identifiers, not links to follow: under the project's own address, never a placeholder,
# and fixed (they do not follow a configured site_url, or old attestations would not verify).
PREDICATE_TYPE = "https://pyrules.github.io/pyrules/attestation/report/v0.1"
ROUND_PREDICATE_TYPE = "https://pyrules.github.io/pyrules/attestation/round/v0.1"
PUBLIC_SUFFIX = ".pub"
O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows


class VerificationFailed(Exception):
    """The attestation does not hold: one line saying which check failed (exit 1)."""


_TEXT: dict[str, Any] = {"type": "string"}
# The shapes verification relies on, checked before anything reads a field: an envelope or
# a signed statement of another shape is refused with one line, never an internal error.
ENVELOPE_SHAPE: dict[str, Any] = {
    "type": "object",
    "required": ["payloadType", "payload", "signatures"],
    "properties": {
        "payloadType": _TEXT,
        "payload": _TEXT,
        "signatures": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "object", "required": ["sig"],
                      "properties": {"sig": _TEXT, "keyid": _TEXT}},
        },
    },
}  # fmt: skip
# An in-toto subject: a file's name (a path inside a round) and its SHA-256.
_SUBJECT: dict[str, Any] = {
    "type": "object",
    "required": ["name", "digest"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 4096},
        "digest": {"type": "object", "required": ["sha256"],
                   "properties": {"sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}},
    },
}  # fmt: skip


def _statement_shape(
    predicate_type: str, subjects: dict[str, Any], predicate: dict[str, Any]
) -> dict[str, Any]:
    """An in-toto Statement v1 of one predicate type."""
    return {
        "type": "object",
        "required": ["_type", "subject", "predicateType", "predicate"],
        "properties": {
            "_type": {"const": STATEMENT_TYPE},
            "predicateType": {"const": predicate_type},
            "subject": {"type": "array", "items": _SUBJECT, **subjects},
            "predicate": predicate,
        },
    }


STATEMENT_SHAPE = _statement_shape(
    PREDICATE_TYPE,
    {"minItems": 1, "maxItems": 1},  # the declaration
    {
        "type": "object",
        "required": ["report", "report_sha256"],
        "properties": {
            "report": {"type": "object"},
            "report_sha256": _TEXT,
            "standard": {"type": "object"},
            "profile": {"type": ["object", "null"]},
        },
    },
)


# What verify prints of a round stays a few lines: a name, a reason, at most these lengths.
_NAME_TEXT: dict[str, Any] = {"type": "string", "maxLength": 1000}
_OPTIONAL_TEXT: dict[str, Any] = {"type": ["string", "null"], "maxLength": 2000}
# A round statement as attest_round writes it: every field verify_round and round_lines
# read, so a statement of another shape (even a correctly signed one) is refused in one line.
ROUND_STATEMENT_SHAPE = _statement_shape(
    ROUND_PREDICATE_TYPE,
    {},  # every file of the round
    {
        "type": "object",
        "required": ["round", "reference_date", "standard", "profile", "fail_on", "verdicts"],
        "properties": {
            "round": _NAME_TEXT,
            "reference_date": _NAME_TEXT,
            "standard": {"type": "object", "required": ["version", "bundle_sha256"],
                         "properties": {"version": _NAME_TEXT, "bundle_sha256": _NAME_TEXT}},
            "profile": {
                "type": ["object", "null"],
                "required": ["name", "sha256"],
                "properties": {"name": _NAME_TEXT, "sha256": _NAME_TEXT},
            },
            "fail_on": _NAME_TEXT,
            "verdicts": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["file", "verdict"],
                    "properties": {
                        "file": _NAME_TEXT,
                        "platform": _OPTIONAL_TEXT,
                        "verdict": _NAME_TEXT,
                        "score": {"type": ["number", "null"]},
                        "reason": _OPTIONAL_TEXT,
                        "declaration_sha256": _OPTIONAL_TEXT,
                    },
                },
            },
        },
    },
)  # fmt: skip


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 Pre-Authentication Encoding: what is signed, exactly as the spec defines it:
    "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in ASCII decimal bytes."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %b %d %b" % (len(kind), kind, len(payload), payload)


# --------------------------------------------------------------------------- keys


def generate_key(path: Path, *, force: bool = False) -> Path:
    """Write a new Ed25519 private key (PEM, mode 0600) to `path` and its public key to
    `path.pub`; returns the public key's path. Existing files are kept unless `force`."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    public_path = Path(f"{path}{PUBLIC_SUFFIX}")
    for existing in (path, public_path):
        if os.path.islink(existing):
            raise InputError(f"{existing}: is a symbolic link; pyrules writes no key through one")
        if not force and existing.exists():
            raise InputError(f"{existing}: already exists; remove it or pass --force")
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    _write_new(path, private_pem, 0o600, force)
    _write_new(public_path, public_pem, 0o644, force)
    return public_path


def _write_new(path: Path, data: bytes, mode: int, force: bool) -> None:
    """Write a file that has its final mode from its creation, so a private key is never
    readable by others, not even for a moment. Without `force` it is created exclusively
    in place. With `force` the key never lands in the existing file (whose mode or other
    hard links would expose it): a fresh file beside it is renamed over it."""
    target = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp") if force else path
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_NOFOLLOW, mode)
    except FileExistsError:
        raise InputError(f"{path}: already exists; remove it or pass --force") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            os.chmod(target, mode)  # exactly `mode`, whatever the umask
            handle.write(data)
        if force:
            os.replace(target, path)
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None
    finally:
        if force:
            target.unlink(missing_ok=True)


def _read_key_file(path: Path) -> bytes:
    return read_bytes(path, "key file")


def load_private_key(path: Path) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    data = _read_key_file(path)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise InputError(f"{path}: the key is encrypted; pyrules needs it unencrypted") from None
    except ValueError:
        raise InputError(
            f"{path}: not a PEM private key (create one with pyrules keygen)"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(f"{path}: not an Ed25519 key (create one with pyrules keygen)")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    data = _read_key_file(path)
    if b"PRIVATE KEY" in data:
        raise InputError(f"{path}: this is a private key; verify with the public key ({path}.pub)")
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        raise InputError(f"{path}: not a PEM public key (pyrules keygen writes KEY.pub)") from None
    if not isinstance(key, Ed25519PublicKey):
        raise InputError(f"{path}: not an Ed25519 public key")
    return key


def keyid(public_key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw 32-byte public key: stable, and independent of the PEM text."""
    from cryptography.hazmat.primitives import serialization

    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True)
class Signer:
    """A private key and its keyid; load once, sign many reports."""

    key: Ed25519PrivateKey
    keyid: str

    @classmethod
    def from_file(cls, path: Path) -> Signer:
        key = load_private_key(path)
        return cls(key, keyid(key.public_key()))

    def sign(self, data: bytes) -> bytes:
        return self.key.sign(data)


# --------------------------------------------------------------------------- signing


def report_json(report: Report) -> str:
    """The JSON report exactly as `--format json` writes it; its digest goes in the
    predicate, so a report file can be checked byte for byte."""
    from pyrules.render import RenderContext, renderer

    return renderer("json")(report, RenderContext(docs_url=""))  # JSON links to nothing


def statement(report: Report, subject_name: str, report_text: str | None = None) -> dict[str, Any]:
    """The in-toto Statement v1 about one declaration and its report."""
    return _statement(report, subject_name, report_text, json.loads)


def _statement(
    report: Report, subject_name: str, report_text: str | None, loads: Callable[[str], Any]
) -> dict[str, Any]:
    text = report_text if report_text is not None else report_json(report)
    return {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": subject_name, "digest": {"sha256": report.declaration.sha256}}],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "standard": {
                "name": report.standard.name,
                "version": report.standard.version,
                "bundle_sha256": report.standard.sha256,
            },
            "profile": asdict(report.profile) if report.profile else None,
            "report_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "report": loads(text),
        },
    }


def _statement_payload(report: Report, subject_name: str, report_text: str | None) -> bytes:
    """`_canonical(statement(...))`, written by orjson when the report holds no float:
    orjson spells floats its own way, and writes every other value of a parsed report as
    `_canonical` does, or refuses it (a lone surrogate, an integer past 64 bits), which then
    goes the standard library's way. Signing a round's 400 reports takes about 70 ms less.
    A report whose parameters orjson writes as Python does holds no float at all (see
    `pyrules.render.json`): orjson reads it too, some 40 ms less again."""
    import orjson

    from pyrules.render.json import writes_as_python

    if writes_as_python(report):
        with suppress(orjson.JSONDecodeError, orjson.JSONEncodeError):
            data = _statement(report, subject_name, report_text, orjson.loads)
            return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    floats: list[str] = []

    def inexact(literal: str) -> float:  # a float, NaN or an infinity in the report
        floats.append(literal)
        return float(literal)

    parse = partial(json.loads, parse_float=inexact, parse_constant=inexact)
    data = _statement(report, subject_name, report_text, parse)
    if not floats:
        with suppress(orjson.JSONEncodeError):
            return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    return _canonical(data)


def _canonical(data: Any) -> bytes:
    # Statements are built from parsed JSON, which has no cycles: not looking for them
    # makes signing a round's reports a fifth cheaper, with the same bytes.
    text = json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, check_circular=False
    )
    return text.encode()


def envelope(payload: bytes, signer: Signer, payload_type: str = PAYLOAD_TYPE) -> dict[str, Any]:
    """A DSSE envelope with one signature over PAE(payload_type, payload)."""
    signature = signer.sign(pae(payload_type, payload))
    return {
        "payloadType": payload_type,
        "payload": base64.b64encode(payload).decode("ascii"),
        "signatures": [{"keyid": signer.keyid, "sig": base64.b64encode(signature).decode()}],
    }


def attest(
    report: Report, subject_name: str, signer: Signer, report_text: str | None = None
) -> str:
    """The attestation file's text for one report: a signed, deterministic envelope."""
    import orjson

    payload = _statement_payload(report, subject_name, report_text)
    # ASCII only (base64, hex and fixed names): orjson writes what json.dumps(indent=2) does.
    return orjson.dumps(envelope(payload, signer), option=orjson.OPT_INDENT_2).decode() + "\n"


def write_attestation(
    path: Path, report: Report, subject_name: str, signer: Signer, report_text: str | None = None
) -> None:
    try:
        path.write_bytes(attest(report, subject_name, signer, report_text).encode("utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None


# --------------------------------------------------------------------------- verifying


@dataclass(frozen=True)
class Verified:
    """An attestation whose signature holds, and what it states."""

    keyid: str
    subject_name: str
    subject_sha256: str
    predicate: dict[str, Any]

    @property
    def report(self) -> dict[str, Any]:
        return self.predicate["report"]


def _b64decode(text: str) -> bytes:
    """DSSE allows standard or URL-safe base64; anything else is not base64."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return base64.b64decode(text.encode("ascii"), altchars=b"-_", validate=True)


def read_envelope(path: Path) -> dict[str, Any]:
    """The envelope's JSON, refusing anything that is not shaped like a DSSE envelope
    (exit 2: the input is wrong, not tampered with)."""
    data = read_json(path, "an attestation")
    problem = shape_problem(data, ENVELOPE_SHAPE)
    if problem is not None:
        raise InputError(
            f"{path}: not a DSSE envelope (needs payloadType, payload and signatures with "
            f"sig): {problem}"
        )
    return data


def verify_envelope(data: dict[str, Any], public_key: Ed25519PublicKey) -> Verified:
    """Check the signature, then the payload type and the statement's shape."""
    payload, expected_keyid = verified_payload(data, public_key)
    try:
        statement_data = json.loads(payload.decode("utf-8"))
        _check_statement(statement_data)
    except (ValueError, TypeError, KeyError, RecursionError) as exc:
        raise VerificationFailed(
            f"the signed payload is not an EDHS report statement: {exc}"
        ) from None
    subject = statement_data["subject"][0]
    return Verified(
        keyid=expected_keyid,
        subject_name=subject["name"],
        subject_sha256=subject["digest"]["sha256"],
        predicate=statement_data["predicate"],
    )


def verified_payload(data: dict[str, Any], public_key: Ed25519PublicKey) -> tuple[bytes, str]:
    """The envelope's payload once a signature by `public_key` over it holds and its type
    is in-toto's, with the key's keyid; else VerificationFailed saying what changed."""
    from cryptography.exceptions import InvalidSignature

    expected_keyid = keyid(public_key)
    try:
        payload = _b64decode(data["payload"])
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise VerificationFailed(
            "the payload has been altered: it is no longer valid base64"
        ) from None
    message = pae(data["payloadType"], payload)
    for signature in data["signatures"]:
        try:
            public_key.verify(_b64decode(signature["sig"]), message)
        except (InvalidSignature, binascii.Error, ValueError, UnicodeEncodeError):
            continue
        break
    else:
        raise VerificationFailed(_why_unsigned(data, payload, expected_keyid))
    if data["payloadType"] != PAYLOAD_TYPE:
        raise VerificationFailed(
            f"the payload type is {quote(data['payloadType'])}, not {quote(PAYLOAD_TYPE)}"
        )
    return payload, expected_keyid


def _check_statement(data: Any) -> None:
    """Raise ValueError unless `data` is an in-toto Statement v1 of our predicate type, with
    exactly one subject (the declaration)."""
    problem = shape_problem(data, STATEMENT_SHAPE)
    if problem is not None:
        raise ValueError(problem)


def _why_unsigned(data: dict[str, Any], payload: bytes, expected_keyid: str) -> str:
    """Say what most likely changed; only called once the signature has failed."""
    keyids = [s.get("keyid") for s in data["signatures"]]
    if keyids and all(isinstance(k, str) and k for k in keyids) and expected_keyid not in keyids:
        return (
            f"the signature was made by another key (keyid {keyids[0][:16]}), "
            f"not by this public key (keyid {expected_keyid[:16]})"
        )
    if data["payloadType"] != PAYLOAD_TYPE:
        return f"the payload type has been altered (it is {quote(data['payloadType'])})"
    if not _consistent(payload):
        return "the payload has been altered since it was signed: the signature does not match it"
    return "the signature has been altered: it does not verify against the payload"


def _consistent(payload: bytes) -> bool:
    """Whether the payload is a statement as pyrules writes them (its report's digest and
    declaration digest agree with the rest): an edited payload almost never is."""
    try:
        data = json.loads(payload.decode("utf-8"))
        if isinstance(data, dict) and data.get("predicateType") == ROUND_PREDICATE_TYPE:
            return _canonical(data) == payload
        _check_statement(data)
        predicate = data["predicate"]
        from pyrules.schema_export import validate_report

        report = validate_report(predicate["report"])
        text = report_json(report)
        return (
            _canonical(data) == payload
            and hashlib.sha256(text.encode("utf-8")).hexdigest() == predicate["report_sha256"]
            and data["subject"][0]["digest"]["sha256"] == report.declaration.sha256
        )
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return False


def check_file_digest(path: Path, expected: str, what: str) -> None:
    """Compare a file's SHA-256 with the attested one; a mismatch names the file."""
    actual = hashlib.sha256(read_bytes(path)).hexdigest()
    if actual != expected:
        raise VerificationFailed(
            f"the {what} {path} does not match the attestation: its SHA-256 is "
            f"{actual[:16]}..., the attested one {expected[:16]}..."
        )


def verdict_lines(verified: Verified, attestation: Path) -> list[str]:
    """What a verified attestation says, for people reading the verify output."""
    report = verified.report
    predicate = verified.predicate
    standard = predicate.get("standard", {})
    profile = predicate.get("profile")
    platform = report.get("platform") or verified.subject_name
    compliant = report.get("compliant") is True
    lines = [
        f"verified: {attestation} is signed by key {verified.keyid[:16]}",
        f"platform: {platform} ({verified.subject_name}, sha256 {verified.subject_sha256[:16]})",
        f"verdict: {'compliant' if compliant else 'NOT compliant'} with EDHS "
        f"{standard.get('version')} (bundle sha256 {str(standard.get('bundle_sha256'))[:16]}), "
        f"failing on {report.get('fail_on')} and above",
    ]
    if isinstance(profile, dict):
        lines.append(f"profile: {profile.get('name')} (sha256 {str(profile.get('sha256'))[:16]})")
    else:
        lines.append("profile: none (the standard's defaults)")
    return [printable(line) for line in lines]  # names come from the signed payload


# --------------------------------------------------------------------------- rounds


def attest_round(files: dict[str, bytes], record: RoundRecord, signer: Signer) -> str:
    """One signed statement for a whole assessment round: every file of the round is a
    subject with its SHA-256, and the predicate records the round and its verdicts."""
    statement_data = {
        "_type": STATEMENT_TYPE,
        "subject": [
            {"name": name, "digest": {"sha256": hashlib.sha256(files[name]).hexdigest()}}
            for name in sorted(files)
        ],
        "predicateType": ROUND_PREDICATE_TYPE,
        "predicate": {
            "round": record.name,
            "reference_date": record.reference_date,
            "standard": {
                "name": "EDHS",
                "version": record.standard_version,
                "bundle_sha256": record.standard_sha256,
            },
            "profile": record.profile,
            "fail_on": record.fail_on,
            "verdicts": [
                {
                    "file": p.file,
                    "platform": p.name,
                    "verdict": p.verdict,
                    "score": p.score,
                    "reason": p.reason,
                    "declaration_sha256": p.declaration_sha256,
                }
                for p in record.platforms
            ],
        },
    }
    return json.dumps(envelope(_canonical(statement_data), signer), indent=2) + "\n"


@dataclass(frozen=True)
class RoundCheck:
    """A round whose signature holds, what it states, and which files disagree with it."""

    keyid: str
    predicate: dict[str, Any]
    problems: list[str]  # one line per missing, added or changed file


def verify_round(folder: Path, public_key: Ed25519PublicKey) -> RoundCheck:
    """Check the round attestation's signature, then every file of the round against
    its subjects: a file missing, added (not a subject) or changed is a problem."""
    from pyrules.rounds import ATTESTATION

    data = read_envelope(folder / ATTESTATION)
    payload, expected_keyid = verified_payload(data, public_key)
    try:
        statement_data = json.loads(payload.decode("utf-8"))
        subjects = _round_subjects(statement_data)
    except (ValueError, RecursionError) as exc:
        raise VerificationFailed(
            f"the signed payload is not an EDHS round statement: {exc}"
        ) from None
    present = {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}
    present.pop(ATTESTATION, None)
    problems = []
    for name in sorted(subjects.keys() | present.keys()):
        # a name on disk may hold bytes that are not UTF-8; a signed one, control characters
        shown = printable(source_name(name))
        if name not in present:
            problems.append(f"{shown}: missing (the round's attestation lists it)")
        elif name not in subjects:
            problems.append(f"{shown}: added (not in the round's attestation)")
        elif hashlib.sha256(read_bytes(present[name])).hexdigest() != subjects[name]:
            problems.append(f"{shown}: changed (its SHA-256 differs from the attested one)")
    return RoundCheck(expected_keyid, statement_data["predicate"], problems)


def _round_subjects(data: Any) -> dict[str, str]:
    """Subject name -> SHA-256 of an in-toto Statement v1 of the round predicate type;
    ValueError naming the first place that is not as attest_round writes it."""
    problem = shape_problem(data, ROUND_STATEMENT_SHAPE)
    if problem is not None:
        raise ValueError(problem)
    subjects = {}
    for subject in data["subject"]:
        name, digest = subject["name"], subject["digest"]["sha256"]
        if name in subjects:
            raise ValueError(f"subject {quote(name)} is listed twice")
        if name.startswith("/") or ".." in name.split("/"):
            raise ValueError(f"subject {quote(name)} is not a path inside the round")
        subjects[name] = digest
    return subjects


def round_lines(check: RoundCheck, folder: Path) -> list[str]:
    """What a verified round says, for people reading the verify output."""
    predicate = check.predicate
    standard = predicate.get("standard", {})
    profile = predicate.get("profile")
    lines = [
        f"verified: round {predicate.get('round')} in {folder} is signed by key "
        f"{check.keyid[:16]}, and every file matches",
        f"reference date {predicate.get('reference_date')}; EDHS {standard.get('version')} "
        f"(bundle sha256 {str(standard.get('bundle_sha256'))[:16]}); "
        + (
            f"profile {profile.get('name')} (sha256 {str(profile.get('sha256'))[:16]})"
            if isinstance(profile, dict)
            else "no profile"
        )
        + f"; failing on {predicate.get('fail_on')} and above",
    ]
    for verdict in predicate["verdicts"]:
        score = verdict.get("score")
        detail = f": {verdict['reason']}" if verdict.get("reason") else ""
        lines.append(
            f"{verdict['file']}: {verdict['verdict']}"
            + (f", score {score:.1f}" if isinstance(score, int | float) else "")
            + detail
        )
    return [printable(line) for line in lines]  # names come from the signed payload
