"""The HTTP server around the handler: health check, JSON bodies, one log line per request."""

import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .handler import Request, handle

MAX_BODY_BYTES = 1024 * 1024


class RequestError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class FunctionServer(ThreadingHTTPServer):
    # Request threads are joined on close, so a shutdown finishes the requests in flight.
    daemon_threads = False
    block_on_close = True

    def __init__(self, address, logger):
        self.logger = logger
        super().__init__(address, _RequestHandler)


class _RequestHandler(BaseHTTPRequestHandler):
    server: FunctionServer

    def do_GET(self):
        self._serve()

    def do_POST(self):
        self._serve()

    def do_PUT(self):
        self._serve()

    def do_DELETE(self):
        self._serve()

    def log_message(self, format, *args):
        # Access logs are written as JSON by _serve instead of http.server's text lines on stderr.
        pass

    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise RequestError(413, f"request body exceeds {MAX_BODY_BYTES} bytes")
        text = self.rfile.read(length).decode("utf-8") if length else ""
        if text == "":
            return None
        if "json" not in (self.headers.get("Content-Type") or ""):
            return text
        try:
            return json.loads(text)
        except ValueError:
            raise RequestError(400, "request body is not valid JSON") from None

    def _send(self, status, body):
        payload = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _serve(self):
        started = time.perf_counter()
        url = urlsplit(self.path)
        if url.path == "/healthz":
            self._send(200, {"status": "ok"})
            return
        try:
            response = handle(
                Request(
                    method=self.command,
                    path=url.path,
                    query=parse_qs(url.query),
                    body=self._read_body(),
                )
            )
            status, body = response.status, response.body
        except RequestError as error:
            status, body = error.status, {"error": str(error)}
        except Exception as error:  # noqa: BLE001 - any handler failure becomes a 500
            self.server.logger.error("handler failed", error=repr(error))
            status, body = 500, {"error": "internal error"}
        # Logged before the answer goes out, so the line exists once the client has its response.
        self.server.logger.info(
            "request",
            method=self.command,
            path=url.path,
            status=status,
            durationMs=round((time.perf_counter() - started) * 1000, 3),
        )
        self._send(status, body)


def create_server(port, logger, host="0.0.0.0"):
    return FunctionServer((host, port), logger)
