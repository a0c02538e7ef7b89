"""Bundle signatures in OPA's own format, so `opa run --verification-key` accepts our bundles.

A signed bundle carries `.signatures.json`: `{"signatures": [JWT]}`, one compact JWS whose
claims list every other file of the archive with its SHA-256 (`files: [{name, hash,
algorithm}]`), plus `keyid` and, when asked for, `scope`. As in OPA, JSON documents that OPA
reads as structured (`data.json`, `.manifest`) are hashed over a canonical form (keys sorted,
no whitespace, numbers as written) so that reformatting them does not break the signature;
every other file is hashed byte for byte.

PyJWT writes and checks the JWS. Keys are PEM files. The algorithm follows the key:
RSA -> RS256, EC P-256 -> ES256, Ed25519 -> EdDSA, and a token is verified with its key's
algorithm only, never the one its header names (so no `none`, and no HMAC keyed with a
public key). RS256 and Ed25519 signatures are deterministic, so a signed bundle is
reproducible too; ECDSA signatures are not (each carries a fresh random nonce).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from pyrules.errors import InputError

SIGNATURES_FILE = ".signatures.json"
HASH_ALGORITHM = "SHA-256"
# OPA parses these as JSON before hashing (bundle.IsStructuredDoc); data.yaml too, which
# pyrules refuses to sign rather than guess how OPA would re-encode the YAML.
STRUCTURED = frozenset({"data.json", ".manifest", "signatures.json"})
UNSIGNABLE = frozenset({"data.yaml", "data.yml"})
HASHES = {"SHA-256": hashlib.sha256, "SHA-384": hashlib.sha384, "SHA-512": hashlib.sha512}


class SignatureError(InputError):
    """The bundle's signature is missing, malformed, or does not match its files."""


class _Number(str):
    """A JSON number kept as written, as OPA's decoder keeps it (json.Number)."""


def _json_string(text: str) -> str:
    """A string as Go's encoding/json writes it with HTML escaping off."""
    encoded = json.dumps(text, ensure_ascii=False)
    return encoded.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _canonical(value: Any, out: list[str]) -> None:
    if isinstance(value, dict):
        out.append("{")
        for index, key in enumerate(sorted(value)):
            if index:
                out.append(",")
            out.append(_json_string(key) + ":")
            _canonical(value[key], out)
        out.append("}")
    elif isinstance(value, list):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _canonical(item, out)
        out.append("]")
    elif isinstance(value, _Number):
        out.append(str(value))
    elif isinstance(value, str):
        out.append(_json_string(value))
    else:  # True, False, None
        out.append(json.dumps(value))


def canonical_json(data: bytes) -> bytes:
    """The bytes OPA hashes for a structured file: sorted keys, no spaces, numbers verbatim."""
    value = json.loads(data.decode("utf-8"), parse_int=_Number, parse_float=_Number)
    out: list[str] = []
    _canonical(value, out)
    return "".join(out).encode("utf-8")


def file_digest(name: str, data: bytes, algorithm: str = HASH_ALGORITHM) -> str:
    """The hex digest OPA expects for one bundle file."""
    base = PurePosixPath(name).name
    if base in UNSIGNABLE:
        raise SignatureError(f"{name}: YAML data files cannot be signed; use data.json")
    if base in STRUCTURED:
        try:
            data = canonical_json(data)
        except (UnicodeDecodeError, ValueError):
            raise SignatureError(f"{name}: not valid JSON, so it cannot be hashed") from None
    return HASHES[algorithm](data).hexdigest()


def _compact(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _read_pem(path: Path, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the {what} ({exc.strerror})") from None


def _algorithm(key: Any) -> str | None:
    """The one JWS algorithm a key may sign or verify with, so a token's header never
    chooses it (no `none`, no HMAC keyed with a public key)."""
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return "RS256"
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) and isinstance(
        key.curve, ec.SECP256R1
    ):
        return "ES256"
    if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        return "EdDSA"
    return None


def load_signing_key(path: Path) -> tuple[Any, str]:
    """The private key and the JWS algorithm that goes with it."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(_read_pem(path, "signing key"), password=None)
    except TypeError:
        raise InputError(f"{path}: encrypted signing keys are not supported") from None
    except ValueError:
        raise InputError(f"{path}: not a PEM private key") from None
    algorithm = _algorithm(key)
    if algorithm is None:
        raise InputError(f"{path}: use an RSA, EC P-256 or Ed25519 key (RS256, ES256, EdDSA)")
    return key, algorithm


def load_verification_key(path: Path) -> Any:
    """A PEM public key (or a certificate holding one), as OPA's `--verification-key` takes."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    pem = _read_pem(path, "verification key")
    try:
        if b"-----BEGIN CERTIFICATE-----" in pem:
            return x509.load_pem_x509_certificate(pem).public_key()
        return load_pem_public_key(pem)
    except ValueError:
        raise InputError(f"{path}: not a PEM public key or certificate") from None


def signatures_file(
    files: Mapping[str, bytes], key_path: Path, key_id: str = "default", scope: str | None = None
) -> bytes:
    """`.signatures.json` for these archive files: one JWT over their digests."""
    import jwt

    key, algorithm = load_signing_key(key_path)
    claims: dict[str, Any] = {
        "files": [
            {"name": name, "hash": file_digest(name, data), "algorithm": HASH_ALGORITHM}
            for name, data in sorted(files.items())
            if name != SIGNATURES_FILE
        ],
        "keyid": key_id,
    }
    if scope:
        claims["scope"] = scope
    # The header is exactly {alg, kid}, as OPA writes it; PyJWT's default `typ` is left out.
    headers = {"kid": key_id, "typ": None}
    token = jwt.PyJWS().encode(_compact(claims), key, algorithm, headers=headers)
    return json.dumps({"signatures": [token]}, indent=1).encode("utf-8")


def verify_files(archive: str, files: Mapping[str, bytes], key_path: Path) -> dict[str, Any]:
    """Check the JWT against the key, then every file against its digest, as OPA does: a file
    the signature does not list, or a listed file that is missing, fails the bundle.
    Returns the JWT claims."""
    key = load_verification_key(key_path)
    if SIGNATURES_FILE not in files:
        raise SignatureError(f"{archive}: the bundle is not signed (no {SIGNATURES_FILE})")
    claims = _verified_claims(archive, files[SIGNATURES_FILE], key, key_path)
    listed: dict[str, dict[str, Any]] = {}
    for item in claims.get("files", []):
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) for k in ("name", "hash", "algorithm")
        ):
            raise SignatureError(f"{archive}: the signature lists a file without name/hash")
        listed[item["name"].lstrip("/")] = item
    for name, data in sorted(files.items()):
        if name == SIGNATURES_FILE:
            continue
        item = listed.pop(name, None)
        if item is None:
            raise SignatureError(f"{archive}: {name} is not covered by the bundle signature")
        if item["algorithm"] not in HASHES:
            raise SignatureError(f"{archive}: {name}: unsupported hash {item['algorithm']!r}")
        if file_digest(name, data, item["algorithm"]) != item["hash"].lower():
            raise SignatureError(f"{archive}: {name} was changed after the bundle was signed")
    if listed:
        raise SignatureError(f"{archive}: {min(listed)} is signed but missing from the bundle")
    return claims


def _verified_claims(archive: str, raw: bytes, key: Any, key_path: Path) -> dict[str, Any]:
    import jwt

    try:
        tokens = json.loads(raw.decode("utf-8")).get("signatures")
    except (UnicodeDecodeError, ValueError, AttributeError):
        raise SignatureError(f"{archive}: {SIGNATURES_FILE} is not valid JSON") from None
    if not isinstance(tokens, list) or len(tokens) != 1 or not isinstance(tokens[0], str):
        raise SignatureError(f"{archive}: {SIGNATURES_FILE} must hold exactly one JWT")
    not_verified = SignatureError(
        f"{archive}: the bundle signature does not verify with {key_path}"
    )
    algorithm = _algorithm(key)
    if algorithm is None:
        raise not_verified
    try:
        payload = jwt.PyJWS().decode(tokens[0], key, algorithms=[algorithm])
        claims = json.loads(payload)
    except (jwt.InvalidSignatureError, jwt.InvalidAlgorithmError):
        raise not_verified from None
    except (jwt.InvalidTokenError, ValueError):
        raise SignatureError(f"{archive}: the bundle signature is not a compact JWS") from None
    if not isinstance(claims, dict):
        raise SignatureError(f"{archive}: the bundle signature is not a compact JWS")
    return claims
