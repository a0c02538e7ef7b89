"""Bundle signatures refuse what a forger would try: the token's header never picks the
algorithm, so `none`, HMAC keyed with the public key, and a key of another type all fail."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from helpers import write_pem_pair

from pyrules.bundle_signature import SIGNATURES_FILE, SignatureError, signatures_file, verify_files
from pyrules.errors import InputError

FILES = {".manifest": b'{"revision": "0.1.0"}', "edhs/a.rego": b"package edhs.a\n"}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def forged(genuine: bytes, header: dict, key: bytes | None) -> bytes:
    """The genuine token's claims under another header, HMAC-signed with `key` or unsigned."""
    claims = json.loads(genuine)["signatures"][0].split(".")[1]
    signing_input = f"{b64(json.dumps(header).encode())}.{claims}"
    mac = hmac.new(key, signing_input.encode(), hashlib.sha256).digest() if key else b""
    return json.dumps({"signatures": [f"{signing_input}.{b64(mac)}"]}).encode()


@pytest.fixture(scope="module")
def rsa_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write_pem_pair(
        tmp_path_factory.mktemp("keys"),
        "rsa",
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
    )


def verify(signatures: bytes, public: Path) -> dict:
    return verify_files("b.tar.gz", {**FILES, SIGNATURES_FILE: signatures}, public)


def test_the_genuine_signature_verifies(rsa_pair: tuple[Path, Path]) -> None:
    key, public = rsa_pair
    assert verify(signatures_file(FILES, key), public)["keyid"] == "default"


def test_an_unsigned_none_token_is_refused(rsa_pair: tuple[Path, Path]) -> None:
    key, public = rsa_pair
    token = forged(signatures_file(FILES, key), {"alg": "none", "kid": "default"}, None)
    with pytest.raises(SignatureError, match="does not verify"):
        verify(token, public)


def test_hmac_keyed_with_the_public_key_is_refused(rsa_pair: tuple[Path, Path]) -> None:
    key, public = rsa_pair
    header = {"alg": "HS256", "kid": "default"}
    token = forged(signatures_file(FILES, key), header, public.read_bytes())
    with pytest.raises(SignatureError, match="does not verify"):
        verify(token, public)


def test_a_key_of_another_type_does_not_verify(tmp_path: Path, rsa_pair) -> None:
    key, _ = rsa_pair
    _, other = write_pem_pair(tmp_path, "ed", ed25519.Ed25519PrivateKey.generate())
    with pytest.raises(SignatureError, match="does not verify"):
        verify(signatures_file(FILES, key), other)


def test_a_token_that_is_not_a_jws_is_refused(rsa_pair: tuple[Path, Path]) -> None:
    _, public = rsa_pair
    with pytest.raises(SignatureError, match="not a compact JWS"):
        verify(json.dumps({"signatures": ["not.a-token"]}).encode(), public)


def test_a_curve_other_than_p256_cannot_sign(tmp_path: Path) -> None:
    key, _ = write_pem_pair(tmp_path, "p384", ec.generate_private_key(ec.SECP384R1()))
    with pytest.raises(InputError, match="use an RSA, EC P-256 or Ed25519 key"):
        signatures_file(FILES, key)
