"""Shared pytest helpers."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import SERVE_TOKEN

# Every verdict with an age limit depends on the reference date: the suite pins it (for
# in-process checks and the pyrules subprocesses it starts) so it passes next year too.
# The examples' declarations are current on this day; a test may still pass --as-of.
EXAMPLES_AS_OF = "2026-09-15"
os.environ["PYRULES_AS_OF"] = EXAMPLES_AS_OF


class KeepDatesLoader(yaml.SafeLoader):
    """A SafeLoader that leaves YAML 1.1 timestamps as strings.

    PyYAML turns an unquoted ``2026-10-01`` into a ``datetime.date``, which neither JSON
    Schema (``format: date`` expects a string) nor the policy engine understands. The
    declaration model writes dates as plain ``YYYY-MM-DD`` strings, so the timestamp
    resolver is dropped; everything else resolves as in ``yaml.safe_load``.
    """


KeepDatesLoader.yaml_implicit_resolvers = {
    first_char: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first_char, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load_yaml_keep_dates(source: Path | str) -> Any:
    """Load YAML from a file (``Path``) or from text (``str``), keeping dates as strings."""
    text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    return yaml.load(text, Loader=KeepDatesLoader)  # a SafeLoader subclass


# --------------------------------------------------------------------------- running in parallel

# `pytest` with no paths runs the suite on every core (pytest-xdist, `-n auto` in
# pyproject.toml). Each module goes to one worker whole, so its module fixtures run once,
# and the docs and the render tests each go whole to one worker, so their session fixtures
# (one site build, one set of reports) run once. The longest groups are handed out first
# (as `--durations` measured them), so no worker is left with a long one at the end. A run
# of named files or tests stays in this process, as quick to start and to debug as before.
SHARED_GROUPS = ("tests/docs/", "tests/render/")
LONGEST_FIRST = (
    "tests/test_conformance.py",
    "tests/test_wheel.py",
    "tests/docs/",
    "tests/test_fuzz.py",
    "tests/test_pre_commit_hooks.py",
    "tests/test_cli_assess.py",
    "tests/engine/test_opa.py",
    "tests/test_control_cases.py",
    "tests/test_assess.py",
    "tests/ads/test_audit.py",
    "tests/test_emb_facts.py",
)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist reads it
    if config.args_source is not pytest.Config.ArgsSource.TESTPATHS:
        return 0  # paths named: run here
    return None  # the whole suite: one worker per core


def _group(nodeid: str) -> str:
    path = nodeid.split("::", 1)[0]
    return next((shared for shared in SHARED_GROUPS if path.startswith(shared)), path)


def _rank(nodeid: str) -> int:
    group = _group(nodeid)
    return next(
        (i for i, name in enumerate(LONGEST_FIRST) if group.startswith(name)), len(LONGEST_FIRST)
    )


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """xdist's loadscope, with our groups and order (its own `loadgroup` cannot tag test
    ids on pytest 9)."""
    from xdist.scheduler import LoadScopeScheduling

    class ByGroup(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _group(nodeid)

        def schedule(self) -> None:
            if self.collection is None:  # the first call: order the work before it is sent
                for node, nodeids in self.registered_collections.items():
                    self.registered_collections[node] = sorted(nodeids, key=_rank)
            super().schedule()

    config.option.loadscopereorder = False  # keep LONGEST_FIRST, not the test count
    return ByGroup(config, log)


@pytest.fixture
def load_yaml_keep_dates() -> Callable[[Path | str], Any]:
    """Return a loader like ``yaml.safe_load`` that keeps ``YYYY-MM-DD`` as strings.

    Pass a ``Path`` to read a file, or a ``str`` of YAML text.
    """
    return _load_yaml_keep_dates


@pytest.fixture(scope="session", autouse=True)
def bundle_cache(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Compiled bundles go to a directory of the session's (PYRULES_CACHE_DIR, which the
    pyrules subprocesses inherit too), never into the user's cache."""
    path = tmp_path_factory.mktemp("bundle-cache")
    previous = os.environ.get("PYRULES_CACHE_DIR")
    os.environ["PYRULES_CACHE_DIR"] = str(path)
    yield path
    if previous is None:
        del os.environ["PYRULES_CACHE_DIR"]
    else:
        os.environ["PYRULES_CACHE_DIR"] = previous


@pytest.fixture(scope="session", autouse=True)
def serve_token(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The bearer token of the test servers, in a file for them and in PYRULES_OPA_TOKEN for
    the OPA backend (and `pyrules check --engine opa` subprocesses) that pushes to them."""
    import os

    path = tmp_path_factory.mktemp("serve") / "token"
    path.write_text(SERVE_TOKEN + "\n", encoding="utf-8")
    RunningServer.token_file = path
    previous = os.environ.get("PYRULES_OPA_TOKEN")
    os.environ["PYRULES_OPA_TOKEN"] = SERVE_TOKEN
    yield path
    if previous is None:
        del os.environ["PYRULES_OPA_TOKEN"]
    else:
        os.environ["PYRULES_OPA_TOKEN"] = previous


class RunningServer:
    """A `pyrules serve` subprocess on 127.0.0.1 with a port the OS chose; it takes writes
    with SERVE_TOKEN unless `writes=False`."""

    token_file: Path | None = None  # set by the serve_token fixture

    def __init__(self, *args: str, writes: bool = True) -> None:
        import re
        import subprocess
        import sys
        import threading
        import time
        import urllib.request

        if writes:
            assert self.token_file is not None, "the serve_token fixture did not run"
            args = ("--allow-writes", "--token-file", str(self.token_file), *args)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pyrules", "serve", "--addr", "127.0.0.1:0", *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stderr is not None
        first = self.process.stderr.readline()  # the server names its address, then serves
        self.stderr = [first]
        threading.Thread(target=self._drain, daemon=True).start()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", first)
        if match is None:
            self.stop()
            raise RuntimeError(f"pyrules serve did not start: {first!r}")
        self.port = int(match.group(1))
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while True:  # wait for /health
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("pyrules serve never became healthy") from None
                time.sleep(0.1)

    def _drain(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line)

    def stop(self) -> None:
        import subprocess

        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def pyrules_server() -> Any:
    """One `pyrules serve` for the session, for tests that do not change its policies or
    data (start your own `RunningServer` for those)."""
    server = RunningServer()
    yield server
    server.stop()


@pytest.fixture
def start_server() -> Any:
    """Start `pyrules serve` with extra arguments; every server started is stopped after."""
    servers: list[RunningServer] = []

    def start(*args: str, writes: bool = True) -> RunningServer:
        servers.append(RunningServer(*args, writes=writes))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def own_server(start_server: Any) -> Any:
    """A `pyrules serve` of the test's own, for tests that change policies or data."""
    return start_server()


# --------------------------------------------------------------------------- the browser

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def chromium() -> Any:
    """Debian's `chromium` (`make browser`, which `make test` runs first), driven by
    playwright through `executable_path`: playwright's own browser downloads are never used.
    Missing in CI, that is a failure; elsewhere the browser tests say so and skip.
    Per module: playwright's sync API keeps an event loop running while it is open, which
    would break tests elsewhere that start their own (asyncio.run)."""
    import os
    import shutil

    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing in CI: `make test` runs `make browser`")
        pytest.skip("Debian's chromium is not installed: run `make browser` (apt-get install)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def offline(chromium: Any) -> Any:
    """A browser context that may load file:// URLs only; every other request is recorded
    in the list it yields with the context, and blocked."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    blocked: list[str] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    yield context, blocked
    context.close()
