"""The standard as an OPA bundle archive: reproducible bytes, OPA's layout and signature
format, and a loader that refuses every unsafe archive with one line."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import subprocess
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from helpers import pyrules, write_pem_pair

from pyrules import bundle as bundle_module
from pyrules.bundle import BundleError, build_bundle, load_bundle_standard, pack, read_archive
from pyrules.bundle_signature import SignatureError, canonical_json, file_digest
from pyrules.standard import load_standard

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "declarations" / "kestrel-video.yaml"


def assert_one_line_exit_2(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bundle") / "edhs.tar.gz"
    path.write_bytes(build_bundle().data)
    return path


def members(path: Path) -> list[tarfile.TarInfo]:
    with tarfile.open(path, "r:gz") as tar:
        return tar.getmembers()


# -- building -----------------------------------------------------------------------


def test_two_builds_are_byte_for_byte_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "a.tar.gz", tmp_path / "b.tar.gz"
    assert pyrules("bundle", "build", "--out", first).returncode == 0
    assert pyrules("bundle", "build", "--out", second).returncode == 0
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() == build_bundle().data


def test_the_default_name_carries_the_standard_version(tmp_path: Path) -> None:
    result = pyrules("bundle", "build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "edhs-0.2.0.tar.gz").is_file()
    assert "EDHS 0.2.0" in result.stdout


def test_entries_are_sorted_regular_files_without_owner_or_time(archive: Path) -> None:
    entries = members(archive)
    names = [m.name for m in entries]
    assert names == sorted(names)
    for member in entries:
        assert member.isreg()
        assert (member.mtime, member.uid, member.gid, member.mode) == (0, 0, 0, 0o644)
        assert (member.uname, member.gname) == ("", "")


def test_the_gzip_header_has_no_time_and_no_file_name(archive: Path) -> None:
    header = archive.read_bytes()[:10]
    assert header[:3] == b"\x1f\x8b\x08"
    assert header[3] == 0  # no FNAME, FEXTRA or FCOMMENT
    assert header[4:8] == b"\0\0\0\0"  # mtime 0


def test_the_layout_is_an_opa_bundle_plus_schemas_opa_ignores(archive: Path) -> None:
    names = {m.name for m in members(archive)}
    manifest = json.loads(read_archive(archive)[".manifest"])
    assert manifest == {"revision": load_standard().version, "roots": ["edhs"]}
    assert "edhs/params/data.json" in names
    assert "edhs/inc/inc_01_breach_notification.rego" in names
    assert "schemas/declaration.schema.json" in names
    # OPA reads only .rego, data.json/yaml, .manifest and a few named files; none of those
    # may sit under schemas/, or OPA would load a schema as data or policy.
    schemas = [n for n in names if n.startswith("schemas/")]
    assert schemas
    for name in schemas:
        assert not name.endswith((".rego", ".manifest", "data.json", "data.yaml", "patch.json"))


def test_a_standard_loaded_from_the_archive_is_the_same_standard(archive: Path) -> None:
    from_dir, from_archive = load_standard(), load_bundle_standard(archive)
    assert from_archive.version == from_dir.version
    assert from_archive.controls == from_dir.controls
    assert from_archive.params == from_dir.params
    assert from_archive.sha256 == from_dir.sha256


def test_check_with_a_bundle_reports_exactly_as_with_the_directory(archive: Path) -> None:
    expected = pyrules("check", EXAMPLE, "--format", "json")
    for option in ("--bundle", "--standard"):
        result = pyrules("check", EXAMPLE, "--format", "json", option, archive)
        assert result.returncode == expected.returncode == 1, result.stderr
        assert result.stdout == expected.stdout


def test_standard_and_bundle_together_is_one_line(archive: Path) -> None:
    result = pyrules("check", EXAMPLE, "--standard", ROOT, "--bundle", archive)
    assert_one_line_exit_2(result, "not both")


# -- refusing unsafe archives -------------------------------------------------------


def craft(path: Path, extra: Callable[[tarfile.TarFile], None]) -> Path:
    """A gzip'd tar with one harmless file and whatever `extra` adds."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
        info = tarfile.TarInfo(".manifest")
        data = b'{"revision": "0.1.0", "roots": ["edhs"]}'
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
        extra(tar)
    path.write_bytes(gzip.compress(raw.getvalue()))
    return path


def add_file(name: str, data: bytes = b"x") -> Callable[[tarfile.TarFile], None]:
    def add(tar: tarfile.TarFile) -> None:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))

    return add


def add_special(name: str, kind: bytes, target: str = "") -> Callable[[tarfile.TarFile], None]:
    def add(tar: tarfile.TarFile) -> None:
        info = tarfile.TarInfo(name)
        info.type = kind
        info.linkname = target
        tar.addfile(info)

    return add


def many_files(count: int) -> Callable[[tarfile.TarFile], None]:
    def add(tar: tarfile.TarFile) -> None:
        for index in range(count):
            add_file(f"edhs/f{index}.txt")(tar)

    return add


UNSAFE = {
    "traversal": (add_file("../x"), "path traversal"),
    "nested traversal": (add_file("edhs/../../x"), "path traversal"),
    "absolute": (add_file("/etc/x"), "absolute path"),
    "symlink": (add_special("edhs/link", tarfile.SYMTYPE, "/etc/passwd"), "symbolic link"),
    "hardlink": (add_special("edhs/hard", tarfile.LNKTYPE, ".manifest"), "hard link"),
    "device": (add_special("edhs/dev", tarfile.CHRTYPE), "device"),
    "fifo": (add_special("edhs/pipe", tarfile.FIFOTYPE), "device or special file"),
    "too many files": (many_files(bundle_module.MAX_MEMBERS), "more than 2000 entries"),
    "duplicate": (lambda tar: (add_file("a.txt")(tar), add_file("a.txt")(tar)), "twice"),
}


@pytest.mark.parametrize("case", sorted(UNSAFE))
def test_an_unsafe_archive_is_refused_with_one_line(tmp_path: Path, case: str) -> None:
    extra, words = UNSAFE[case]
    path = craft(tmp_path / "bad.tar.gz", extra)
    with pytest.raises(BundleError, match=words):
        read_archive(path)
    assert_one_line_exit_2(pyrules("check", EXAMPLE, "--bundle", path), "refused", words)
    assert not (tmp_path.parent / "x").exists()


def test_more_than_the_unpacked_limit_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(bundle_module, "MAX_UNPACKED_BYTES", 2 * 2**20)
    path = craft(tmp_path / "big.tar.gz", add_file("edhs/big.bin", bytes(3 * 2**20)))
    with pytest.raises(BundleError, match="more than 2 MiB unpacked"):
        read_archive(path)


def test_fifty_mib_unpacked_is_the_real_limit(tmp_path: Path) -> None:
    path = craft(tmp_path / "bomb.tar.gz", add_file("edhs/zeros.bin", bytes(51 * 2**20)))
    assert path.stat().st_size < 2**20  # it compresses to almost nothing: a gzip bomb
    assert_one_line_exit_2(pyrules("check", EXAMPLE, "--bundle", path), "50 MiB")


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"not gzip at all", "not a readable"), (gzip.compress(b"not a tar"), "not a readable")],
    ids=["not gzip", "gzip of no tar"],  # gzip's header holds the time: ids differed by run
)
def test_a_broken_archive_is_one_line(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "broken.tar.gz"
    path.write_bytes(content)
    assert_one_line_exit_2(pyrules("check", EXAMPLE, "--bundle", path), words)


def test_an_opa_bundle_without_schemas_is_not_a_standard(tmp_path: Path) -> None:
    path = tmp_path / "plain.tar.gz"
    path.write_bytes(pack({".manifest": b'{"revision": "0.1.0"}', "edhs/x.rego": b"package x"}))
    assert_one_line_exit_2(pyrules("check", EXAMPLE, "--bundle", path), "schemas")


def test_a_missing_bundle_is_one_line(tmp_path: Path) -> None:
    result = pyrules("check", EXAMPLE, "--bundle", tmp_path / "nope.tar.gz")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


# -- signatures ---------------------------------------------------------------------


def write_key(directory: Path, kind: str) -> tuple[Path, Path]:
    private: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
    if kind == "RS256":
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif kind == "ES256":
        private = ec.generate_private_key(ec.SECP256R1())
    else:
        private = ed25519.Ed25519PrivateKey.generate()
    return write_pem_pair(directory, kind, private)


def jwt_parts(path: Path) -> tuple[dict, dict]:
    token = json.loads(read_archive(path)[".signatures.json"])["signatures"][0]

    def decode(part: str) -> dict:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))

    header, claims, _ = token.split(".")
    return decode(header), decode(claims)


@pytest.mark.parametrize("algorithm", ["RS256", "ES256", "EdDSA"])
def test_a_signed_bundle_verifies_and_checks(tmp_path: Path, algorithm: str) -> None:
    key, public = write_key(tmp_path, algorithm)
    path = tmp_path / "signed.tar.gz"
    result = pyrules("bundle", "build", "--out", path, "--signing-key", key, "--key-id", "emb")
    assert result.returncode == 0, result.stderr
    header, claims = jwt_parts(path)
    assert header == {"alg": algorithm, "kid": "emb"}
    assert claims["keyid"] == "emb"
    files = {f["name"]: f for f in claims["files"]}
    assert set(files) == set(read_archive(path)) - {".signatures.json"}
    assert {f["algorithm"] for f in files.values()} == {"SHA-256"}
    rego = "edhs/inc/inc_01_breach_notification.rego"
    assert files[rego]["hash"] == hashlib.sha256(read_archive(path)[rego]).hexdigest()
    checked = pyrules("check", EXAMPLE, "--bundle", path, "--verification-key", public)
    assert checked.returncode == 1, checked.stderr
    assert load_bundle_standard(path, public).sha256 == load_standard().sha256


def test_the_scope_claim_is_written_when_asked(tmp_path: Path) -> None:
    key, _ = write_key(tmp_path, "EdDSA")
    path = tmp_path / "scoped.tar.gz"
    pyrules("bundle", "build", "--out", path, "--signing-key", key, "--scope", "write")
    assert jwt_parts(path)[1]["scope"] == "write"


def test_rs256_and_eddsa_signed_bundles_are_reproducible(tmp_path: Path) -> None:
    for algorithm in ("RS256", "EdDSA"):
        key, _ = write_key(tmp_path, algorithm)
        assert build_bundle(signing_key=key).data == build_bundle(signing_key=key).data


def repack(source: Path, target: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    files = read_archive(source)
    change(files)
    target.write_bytes(pack(files))
    return target


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    directory = tmp_path_factory.mktemp("signed")
    key, public = write_key(directory, "RS256")
    path = directory / "signed.tar.gz"
    path.write_bytes(build_bundle(signing_key=key).data)
    return path, public


def loosen(files: dict[str, bytes]) -> None:
    """Allow 999 hours for a breach notification: what a tamperer would want."""
    params = json.loads(files["edhs/params/data.json"])
    params["max_breach_notification_hours"] = 999
    files["edhs/params/data.json"] = json.dumps(params).encode()


TAMPERING = {
    "a policy changed": (
        lambda files: files.__setitem__(
            "edhs/inc/inc_01_breach_notification.rego",
            files["edhs/inc/inc_01_breach_notification.rego"] + b"\n# changed\n",
        ),
        "changed after the bundle was signed",
    ),
    "a parameter changed": (loosen, "changed after the bundle was signed"),
    "a file added": (
        lambda files: files.__setitem__("edhs/extra.rego", b"package edhs.extra\n"),
        "not covered by the bundle signature",
    ),
    "a file removed": (
        lambda files: files.pop("edhs/inc/inc_01_breach_notification.rego"),
        "signed but missing",
    ),
}


@pytest.mark.parametrize("case", sorted(TAMPERING))
def test_a_tampered_bundle_is_refused(tmp_path: Path, signed: tuple[Path, Path], case: str) -> None:
    source, public = signed
    change, words = TAMPERING[case]
    path = repack(source, tmp_path / "tampered.tar.gz", change)
    with pytest.raises(SignatureError, match=words):
        load_bundle_standard(path, public)
    result = pyrules("check", EXAMPLE, "--bundle", path, "--verification-key", public)
    assert_one_line_exit_2(result, words)


def test_reformatting_json_keeps_the_signature_valid(tmp_path: Path, signed) -> None:
    """OPA hashes data.json and .manifest over a canonical form, and so does pyrules."""
    source, public = signed

    def reformat(files: dict[str, bytes]) -> None:
        for name in ("edhs/params/data.json", ".manifest"):
            value = json.loads(files[name])
            files[name] = json.dumps(value, indent=7, sort_keys=True).encode()

    load_bundle_standard(repack(source, tmp_path / "pretty.tar.gz", reformat), public)


def test_the_wrong_key_is_refused(tmp_path: Path, signed) -> None:
    source, _ = signed
    _, other = write_key(tmp_path, "RS256")
    result = pyrules("check", EXAMPLE, "--bundle", source, "--verification-key", other)
    assert_one_line_exit_2(result, "does not verify")


def test_a_signed_bundle_without_a_key_is_refused(signed) -> None:
    source, _ = signed
    assert_one_line_exit_2(pyrules("check", EXAMPLE, "--bundle", source), "verification-key")


def test_an_unsigned_bundle_with_a_key_is_refused(archive: Path, signed) -> None:
    _, public = signed
    result = pyrules("check", EXAMPLE, "--bundle", archive, "--verification-key", public)
    assert_one_line_exit_2(result, "not signed")


def test_a_key_that_is_not_pem_is_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a key")
    result = pyrules("bundle", "build", "--out", tmp_path / "x.tar.gz", "--signing-key", junk)
    assert_one_line_exit_2(result, "not a PEM private key")


def test_canonical_json_is_what_opa_hashes() -> None:
    text = b'{ "b": 1.50, "a": [true, null, "x\\u2028<&>"], "\\u00e9": {} }'
    assert canonical_json(text) == '{"a":[true,null,"x\\u2028<&>"],"b":1.50,"é":{}}'.encode()
    assert (
        file_digest("edhs/params/data.json", text)
        == hashlib.sha256(canonical_json(text)).hexdigest()
    )
    assert file_digest("README.md", text) == hashlib.sha256(text).hexdigest()
