"""Signed results: sign a report, verify it, and catch every kind of tampering by name."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest

from pyrules.attest import (
    PAYLOAD_TYPE,
    PREDICATE_TYPE,
    STATEMENT_TYPE,
    Signer,
    VerificationFailed,
    Verified,
    attest,
    check_file_digest,
    generate_key,
    keyid,
    load_private_key,
    load_public_key,
    pae,
    read_envelope,
    report_json,
    verdict_lines,
    verify_envelope,
)
from pyrules.errors import InputError
from pyrules.evaluate import Checker, make_engine
from pyrules.model import Report
from pyrules.standard import load_standard

ROOT = Path(__file__).resolve().parent.parent
AURORA = ROOT / "examples" / "declarations" / "aurora-social.yaml"


@pytest.fixture(scope="module")
def report() -> Report:
    standard = load_standard()
    return Checker(standard, make_engine(standard)).check_file(AURORA)


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    private = tmp_path / "emb.key"
    return private, generate_key(private)


@pytest.fixture
def signed(tmp_path: Path, keys: tuple[Path, Path], report: Report) -> dict[str, Path]:
    """A declaration, its JSON report and the attestation, as an EMB would archive them."""
    declaration = tmp_path / "aurora-social.yaml"
    declaration.write_bytes(AURORA.read_bytes())
    report_file = tmp_path / "aurora-social.json"
    report_file.write_text(report_json(report))
    attestation = tmp_path / "aurora-social.intoto.json"
    attestation.write_text(attest(report, declaration.name, Signer.from_file(keys[0])))
    return {"declaration": declaration, "report": report_file, "attestation": attestation}


def verify_all(files: dict[str, Path], public: Path) -> Verified:
    verified = verify_envelope(read_envelope(files["attestation"]), load_public_key(public))
    check_file_digest(files["declaration"], verified.subject_sha256, "declaration")
    check_file_digest(files["report"], verified.predicate["report_sha256"], "report")
    return verified


def flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


def test_pae_is_exactly_the_dsse_encoding() -> None:
    """The example of the DSSE protocol spec."""
    assert (
        pae("http://example.com/HelloWorld", b"hello world")
        == b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )
    assert pae("t", b"") == b"DSSEv1 1 t 0 "


def test_keygen_writes_a_private_key_only_its_owner_can_read(keys: tuple[Path, Path]) -> None:
    private, public = keys
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert public.name == "emb.key.pub"
    assert keyid(load_private_key(private).public_key()) == keyid(load_public_key(public))


def test_keygen_never_overwrites_a_key_by_accident(keys: tuple[Path, Path]) -> None:
    before = keys[0].read_bytes()
    with pytest.raises(InputError, match="already exists"):
        generate_key(keys[0])
    assert keys[0].read_bytes() == before


def test_keygen_force_replaces_a_readable_key_file_without_writing_into_it(
    tmp_path: Path,
) -> None:
    """The new key goes to a fresh 0600 file renamed over the old one: it never sits in the
    old file (mode 0644, and possibly other hard links to it) even for a moment."""
    private = tmp_path / "emb.key"
    private.write_text("old key\n")
    private.chmod(0o644)
    backup = tmp_path / "backup.key"
    os.link(private, backup)
    generate_key(private, force=True)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert load_private_key(private)
    assert backup.read_text() == "old key\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.key", "emb.key", "emb.key.pub"]


@pytest.mark.parametrize("which", ["emb.key", "emb.key.pub"])
def test_keygen_never_writes_through_a_symbolic_link(tmp_path: Path, which: str) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("not a key\n")
    (tmp_path / which).symlink_to(target)
    for force in (False, True):
        with pytest.raises(InputError, match="symbolic link"):
            generate_key(tmp_path / "emb.key", force=force)
    assert target.read_text() == "not a key\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere.txt", which]


def test_the_attestation_is_an_in_toto_statement_in_a_dsse_envelope(
    signed: dict[str, Path], report: Report, keys: tuple[Path, Path]
) -> None:
    envelope = json.loads(signed["attestation"].read_text())
    assert envelope["payloadType"] == PAYLOAD_TYPE
    statement = json.loads(base64.b64decode(envelope["payload"]))
    assert statement["_type"] == STATEMENT_TYPE
    assert statement["predicateType"] == PREDICATE_TYPE
    assert statement["subject"] == [
        {"name": "aurora-social.yaml", "digest": {"sha256": report.declaration.sha256}}
    ]
    predicate = statement["predicate"]
    assert predicate["report"] == json.loads(report_json(report))
    assert predicate["standard"] == {
        "name": "EDHS",
        "version": report.standard.version,
        "bundle_sha256": report.standard.sha256,
    }
    assert predicate["profile"] is None
    [signature] = envelope["signatures"]
    assert signature["keyid"] == keyid(load_public_key(keys[1]))
    assert len(base64.b64decode(signature["sig"])) == 64


def test_another_implementation_of_dsse_accepts_the_signature(
    signed: dict[str, Path], keys: tuple[Path, Path]
) -> None:
    """securesystemslib's DSSE computes the same PAE and verifies our Ed25519 signature."""
    from cryptography.hazmat.primitives import serialization
    from securesystemslib.dsse import Envelope
    from securesystemslib.signer import SSlibKey

    data = json.loads(signed["attestation"].read_text())
    public = load_public_key(keys[1])
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key = SSlibKey(keyid(public), "ed25519", "ed25519", {"public": raw.hex()})
    envelope = Envelope.from_dict(json.loads(json.dumps(data)))
    assert envelope.pae() == pae(data["payloadType"], base64.b64decode(data["payload"]))
    assert keyid(public) in envelope.verify([key], 1)


def test_sign_then_verify(signed: dict[str, Path], keys: tuple[Path, Path], report: Report) -> None:
    verified = verify_all(signed, keys[1])
    public = load_public_key(keys[1])
    assert verified.keyid == keyid(public)
    attestation = signed["attestation"]
    assert verdict_lines(verified, attestation) == [
        f"verified: {attestation} is signed by key {keyid(public)[:16]}",
        f"platform: {report.platform} (aurora-social.yaml, "
        f"sha256 {report.declaration.sha256[:16]})",
        f"verdict: compliant with EDHS {report.standard.version} "
        f"(bundle sha256 {report.standard.sha256[:16]}), failing on low and above",
        "profile: none (the standard's defaults)",
    ]


def test_attestations_are_deterministic(report: Report, keys: tuple[Path, Path]) -> None:
    signer = Signer.from_file(keys[0])
    assert attest(report, "a.yaml", signer) == attest(report, "a.yaml", signer)


def _tamper_payload(path: Path) -> None:
    """Change one byte of the signed statement, as an editor of the verdict would."""
    data = json.loads(path.read_text())
    payload = base64.b64decode(data["payload"])
    index = payload.index(b'"compliant":true') + len('"compliant":')
    payload = payload[:index] + b"fals" + payload[index + 4 :]  # still a valid JSON shape
    data["payload"] = base64.b64encode(payload).decode()
    path.write_text(json.dumps(data, indent=2))


def _tamper_signature(path: Path) -> None:
    data = json.loads(path.read_text())
    sig = base64.b64decode(data["signatures"][0]["sig"])
    data["signatures"][0]["sig"] = base64.b64encode(flip(sig, 10)).decode()
    path.write_text(json.dumps(data, indent=2))


def _tamper_payload_type(path: Path) -> None:
    data = json.loads(path.read_text())
    data["payloadType"] = "application/json"
    path.write_text(json.dumps(data, indent=2))


def _flip_byte(name: str) -> object:
    def tamper(files: dict[str, Path]) -> None:
        path = files[name]
        data = path.read_bytes()
        path.write_bytes(flip(data, len(data) // 2))

    return tamper


TAMPERING = {
    "declaration": (_flip_byte("declaration"), "the declaration"),
    "report": (_flip_byte("report"), "the report"),
    "payload": (lambda f: _tamper_payload(f["attestation"]), "the payload has been altered"),
    "signature": (lambda f: _tamper_signature(f["attestation"]), "the signature has been altered"),
    "payload type": (
        lambda f: _tamper_payload_type(f["attestation"]),
        "the payload type has been altered",
    ),
}


@pytest.mark.parametrize("what", sorted(TAMPERING))
def test_each_kind_of_tampering_is_named(
    signed: dict[str, Path], keys: tuple[Path, Path], what: str
) -> None:
    tamper, reason = TAMPERING[what]
    tamper(signed)  # type: ignore[operator]
    with pytest.raises(VerificationFailed) as caught:
        verify_all(signed, keys[1])
    message = str(caught.value)
    assert reason in message and "\n" not in message


def test_a_byte_flipped_in_the_base64_payload_is_caught(
    signed: dict[str, Path], keys: tuple[Path, Path]
) -> None:
    data = json.loads(signed["attestation"].read_text())
    text = data["payload"]
    index = len(text) // 2
    data["payload"] = text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1 :]
    signed["attestation"].write_text(json.dumps(data))
    with pytest.raises(VerificationFailed, match="payload has been altered"):
        verify_all(signed, keys[1])


def test_a_signature_by_another_key_is_named(signed: dict[str, Path], tmp_path: Path) -> None:
    other = generate_key(tmp_path / "other.key")
    with pytest.raises(VerificationFailed, match="made by another key"):
        verify_all(signed, other)


@pytest.mark.parametrize(
    "content",
    [b"not json", b"[1, 2]", b'{"payload": "e30=", "payloadType": "x"}', b"\xff\xfe"],
)
def test_a_malformed_attestation_is_an_input_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.intoto.json"
    path.write_bytes(content)
    with pytest.raises(InputError, match=r"bad\.intoto\.json"):
        read_envelope(path)


def test_keys_that_are_not_ed25519_pem_are_input_errors(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("hello\n")
    with pytest.raises(InputError, match="not a PEM private key"):
        load_private_key(junk)
    with pytest.raises(InputError, match="not a PEM public key"):
        load_public_key(junk)
    with pytest.raises(InputError, match="no such key file"):
        load_public_key(tmp_path / "missing.pub")
