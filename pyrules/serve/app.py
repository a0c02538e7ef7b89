"""The HTTP side of `pyrules serve`: a Starlette application whose methods are the routes,
with the request limits, the write access and the log line of every refused request."""

from __future__ import annotations

import asyncio
import dataclasses
import hmac
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyrules import defaults
from pyrules.errors import InputError, printable
from pyrules.loader import Limits, read_regular
from pyrules.serve.api import ASCII_DIGITS, ApiError, split_path, to_json
from pyrules.serve.decide import WRAP, Ask, Decider, Decisions, InProcess, read_json
from pyrules.serve.store import PolicyStore

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from pyrules.standard import Standard

MIN_TOKEN_LENGTH = 16
Handler = Callable[["Request"], Awaitable["Response"]]


@dataclasses.dataclass(frozen=True)
class WriteAccess:
    """Policy and data writes, on only when asked for, each with the bearer token."""

    token: str
    max_policy_bytes: int = defaults.SERVE_MAX_POLICY
    compile_seconds: float = defaults.SERVE_COMPILE_SECONDS


@dataclasses.dataclass
class ServeSettings:
    max_body: int = defaults.SERVE_MAX_BODY
    max_nodes: int = defaults.SERVE_MAX_NODES
    max_concurrent: int = defaults.SERVE_MAX_CONCURRENT
    writes: WriteAccess | None = None  # None: writes that change anything are refused
    standard: Standard | None = None  # decisions on its controls need a valid declaration

    @property
    def limits(self) -> Limits:
        return Limits(max_bytes=self.max_body + len(WRAP) + 2, max_nodes=self.max_nodes)


class BodyTooLarge(Exception):
    pass


def read_token(path: Path) -> str:
    """The bearer token: the file's first line, long enough not to be guessed."""
    try:
        lines = read_regular(path, 4096).decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise InputError(f"{path}: cannot read the token (not UTF-8 text)") from None
    token = lines[0].strip() if lines else ""
    if len(token) < MIN_TOKEN_LENGTH or not token.isprintable() or " " in token:
        raise InputError(
            f"{path}:1: the token must be at least {MIN_TOKEN_LENGTH} printable characters "
            "without spaces (e.g. from: python -c 'import secrets; print(secrets.token_hex())')"
        )
    return token


def write_refusal(request: Request, writes: WriteAccess | None) -> ApiError | None:
    """Why this request may not change policies or data, or None when it may."""
    if writes is None:
        return ApiError(
            403,
            "unauthorized",
            "policy and data writes are off (start pyrules serve with --allow-writes)",
        )
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    given = token.strip().encode("utf-8", "replace")
    if scheme.lower() == "bearer" and hmac.compare_digest(given, writes.token.encode("utf-8")):
        return None
    return ApiError(401, "unauthorized", "request rejected by administrative policy")


def log(request: Request, status: int, message: str) -> None:
    """One line on stderr per refused or failed request; what the client sent is escaped
    and cut, so a log line stays one short line."""
    path = printable(request.url.path)
    path = path if len(path) <= 200 else path[:200] + "…"
    message = printable(" ".join(message.split()))
    message = message if len(message) <= 300 else message[:300] + "…"
    line = f"pyrules serve: {status} {request.method} {path}: {message}"
    print(line, file=sys.stderr, flush=True)


def pretty(request: Request) -> bool:
    flag = request.query_params.get("pretty")
    return flag is not None and flag.lower() in ("", "true")  # as OPA's getBoolParam


def reply(request: Request, body: Any, status: int = 200) -> Response:
    from starlette.responses import Response

    return Response(to_json(body, pretty(request)), status, media_type="application/json")


class ServeApp:
    """OPA's REST API (the subset in the package's docstring) over a policy store, with
    decisions made by `decisions` (worker processes in `pyrules serve`)."""

    def __init__(self, store: PolicyStore, settings: ServeSettings, decisions: Decisions) -> None:
        self.store, self.settings, self.decisions = store, settings, decisions
        # At most max_concurrent requests past their headers (bodies read, parsed,
        # evaluated); the others wait for their turn with nothing read.
        self._admitted = asyncio.Semaphore(settings.max_concurrent)

    def asgi(self) -> Any:
        """The Starlette application; imported lazily so `pyrules --help` stays fast."""
        from starlette.applications import Starlette
        from starlette.routing import Route

        every = ["GET", "POST", "PUT", "PATCH", "DELETE"]
        return Starlette(
            routes=[
                Route("/health", self._api(self.health), methods=["GET"]),
                Route("/v1/data{rest:path}", self._api(self.data), methods=every),
                Route(
                    "/v1/policies{rest:path}",
                    self._api(self.policies),
                    methods=["GET", "PUT", "DELETE"],
                ),
            ],
            exception_handlers={404: self.not_found_page, 405: self.method_not_allowed},
        )

    def _api(self, handler: Handler) -> Handler:
        """The handler within the concurrency limit, every refusal in OPA's error shape
        with one log line, never a traceback."""
        from starlette.exceptions import HTTPException
        from starlette.requests import ClientDisconnect
        from starlette.responses import Response

        async def wrapped(request: Request) -> Response:
            try:
                async with self._admitted:
                    return await handler(request)
            except ApiError as exc:
                error = exc
            except BodyTooLarge:
                error = ApiError(413, "invalid_parameter", "request body too large")
            except HTTPException:
                raise  # 404 and 405, answered as OPA's router does
            except ClientDisconnect:
                log(request, 400, "the client disconnected before the body ended")
                return Response(status_code=400)
            except Exception as exc:  # a bug: still OPA's shape and one line, no traceback
                error = ApiError(500, "internal_error", f"unexpected {type(exc).__name__}")
            log(request, error.status, error.message)
            return reply(request, error.body(), error.status)

        return wrapped

    async def read_body(self, request: Request, limit: int | None = None) -> bytes:
        maximum = self.settings.max_body
        limit = maximum if limit is None else min(limit, maximum)
        length = request.headers.get("content-length")
        if length is not None and not ASCII_DIGITS.fullmatch(length.strip()):
            # uvicorn refuses such a request itself; another ASGI server may pass it on
            raise ApiError(400, "invalid_parameter", "invalid Content-Length header")
        if length is not None and int(length) > limit:
            raise BodyTooLarge
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge
            chunks.append(chunk)
        return b"".join(chunks)

    @staticmethod
    def _rest(request: Request) -> str:
        from starlette.exceptions import HTTPException

        rest: str = request.path_params["rest"]
        if rest and not rest.startswith("/"):
            raise HTTPException(404)
        return rest

    async def health(self, request: Request) -> Response:
        return reply(request, {})

    async def data(self, request: Request) -> Response:
        segments = split_path(self._rest(request))
        if request.method in ("GET", "POST"):
            return await self.decide(request, segments)
        return await self.write_data(request, segments)

    async def decide(self, request: Request, segments: list[str]) -> Response:
        from starlette.responses import Response

        if request.method == "POST":
            source: bytes | None = await self.read_body(request)
        elif "input" in request.query_params:
            source = request.query_params["input"].encode("utf-8", "surrogatepass")
        else:
            source = None
        guarded = self.settings.standard is not None and self.store.guarded(segments)
        ask = Ask(segments, source, request.method == "POST", guarded, pretty(request))
        answer = await self.decisions.answer(self.store.state(), ask)
        if answer.log is not None:
            log(request, answer.status, answer.log)
        return Response(answer.body, answer.status, media_type="application/json")

    async def write_data(self, request: Request, segments: list[str]) -> Response:
        from starlette.concurrency import run_in_threadpool
        from starlette.responses import Response

        refusal = write_refusal(request, self.settings.writes)
        limits = self.settings.limits
        if request.method == "PUT":
            value = read_json(await self.read_body(request), "body", limits)
            await run_in_threadpool(self.store.put_data, segments, value, refusal)
        elif request.method == "PATCH":
            operations = read_json(await self.read_body(request), "body", limits)
            await run_in_threadpool(self.store.patch_data, segments, operations, refusal)
        else:
            await run_in_threadpool(self.store.delete_data, segments, refusal)
        return Response(status_code=204)

    async def policies(self, request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool
        from starlette.exceptions import HTTPException

        policy_id = self._rest(request)[1:]
        store, method = self.store, request.method
        if not policy_id:
            if method != "GET":
                raise HTTPException(405)
            return reply(request, {"result": await run_in_threadpool(store.list_policies)})
        if method == "GET":
            return reply(request, {"result": await run_in_threadpool(store.get_policy, policy_id)})
        refusal = write_refusal(request, self.settings.writes)
        if method == "DELETE":
            await run_in_threadpool(store.delete_policy, policy_id, refusal)
            return reply(request, {})
        writes = self.settings.writes
        limit = writes.max_policy_bytes if writes else defaults.SERVE_MAX_POLICY
        try:
            source = (await self.read_body(request, limit)).decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError(400, "invalid_parameter", "the policy is not UTF-8 text") from None
        await run_in_threadpool(store.put_policy, policy_id, source, refusal)
        return reply(request, {})

    @staticmethod
    async def not_found_page(_request: Request, _exc: Exception) -> Response:
        from starlette.responses import PlainTextResponse

        return PlainTextResponse("404 page not found\n", status_code=404)

    @staticmethod
    async def method_not_allowed(_request: Request, _exc: Exception) -> Response:
        from starlette.responses import Response

        return Response(status_code=405)


def create_app(
    store: PolicyStore, settings: ServeSettings | None = None, decisions: Decisions | None = None
) -> Any:
    """The ASGI application; without `decisions`, regopy decides in this process."""
    settings = settings or ServeSettings()
    if decisions is None:
        decisions = InProcess(Decider("regopy", settings.standard, settings.limits))
    return ServeApp(store, settings, decisions).asgi()
