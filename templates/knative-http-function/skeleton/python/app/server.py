"""The ASGI application around the handler (Starlette): health check, JSON bodies, 4xx for bad
requests, 500 when the handler raises, one JSON log line per request with the caller's trace
context."""

import inspect
import json
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request as HttpRequest
from starlette.responses import JSONResponse, Response as HttpResponse
from starlette.routing import Route

from .log import Logger, bind, trace_fields, unbind

MAX_BODY_BYTES = 1024 * 1024
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    # The parsed JSON body, the text for other content types, or None when empty.
    body: Any = None
    # The body as received.
    text: str = ""


@dataclass
class Response:
    status: int
    # A str or bytes body is sent as it is, anything else as JSON.
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class RequestError(Exception):
    """A request the function refuses: `status` (4xx) and the message are the answer."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


async def _read_body(request: HttpRequest):
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_BODY_BYTES:
            raise RequestError(413, f"request body exceeds {MAX_BODY_BYTES} bytes")
    text = data.decode("utf-8", errors="replace")
    if text == "":
        return text, None
    if "json" not in request.headers.get("content-type", ""):
        return text, text
    try:
        return text, json.loads(text)
    except ValueError:
        raise RequestError(400, "request body is not valid JSON") from None


def _to_http(response: Response) -> HttpResponse:
    if isinstance(response.body, (str, bytes)) or response.body is None:
        return HttpResponse(response.body, status_code=response.status, headers=response.headers)
    return JSONResponse(response.body, status_code=response.status, headers=response.headers)


def create_app(handle) -> Starlette:
    """`handle(request: Request) -> Response`, plain or `async`, answers every path but /healthz."""
    logger = Logger()

    async def healthz(request: HttpRequest):
        return JSONResponse({"status": "ok"})

    async def serve(request: HttpRequest):
        started = time.perf_counter()
        token = bind(**trace_fields(request.headers.get("traceparent")))
        try:
            try:
                text, body = await _read_body(request)
                function_request = Request(
                    method=request.method,
                    path=request.url.path,
                    query=_query_lists(request),
                    headers=dict(request.headers),
                    body=body,
                    text=text,
                )
                if inspect.iscoroutinefunction(handle):
                    response = await handle(function_request)
                else:
                    response = await run_in_threadpool(handle, function_request)
            except RequestError as error:
                response = Response(error.status, {"error": str(error)})
            except Exception as error:  # noqa: BLE001 - any handler failure becomes a 500
                logger.error("handler failed", error=repr(error))
                response = Response(500, {"error": "internal error"})
            logger.info(
                "request",
                method=request.method,
                path=request.url.path,
                status=response.status,
                durationMs=round((time.perf_counter() - started) * 1000, 3),
            )
            return _to_http(response)
        finally:
            unbind(token)

    return Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/{path:path}", serve, methods=METHODS),
        ]
    )


def _query_lists(request: HttpRequest):
    query = {}
    for key, value in request.query_params.multi_items():
        query.setdefault(key, []).append(value)
    return query
