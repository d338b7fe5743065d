"""Runs an ASGI app with uvicorn, as in production, on a free port of 127.0.0.1 for a test."""

import io
import json
import logging
import socket
import threading
import time

import uvicorn

from app.log import JsonFormatter


class RunningApp:
    def __init__(self, app):
        self.logs = io.StringIO()
        self._handler = logging.StreamHandler(self.logs)
        self._handler.setFormatter(JsonFormatter())
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self._server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="off"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]})

    def __enter__(self):
        logging.getLogger().addHandler(self._handler)
        logging.getLogger().setLevel(logging.INFO)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start within 10 s")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc):
        self._server.should_exit = True
        self._thread.join()
        self._socket.close()
        logging.getLogger().removeHandler(self._handler)

    def log_lines(self):
        return [json.loads(line) for line in self.logs.getvalue().splitlines()]

    def clear_logs(self):
        self.logs.seek(0)
        self.logs.truncate()
