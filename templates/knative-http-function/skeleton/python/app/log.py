"""One JSON object per line on stdout.

The cluster's log shipper forwards stdout to Loki, where the fields can be filtered with `| json`
without any parsing rules on the platform side. Every line written while a request is handled
(uvicorn's, the server's and the handler's, through any `logging` logger) carries the caller's
W3C trace context (`traceId`, `spanId`), so a request can be followed from the Broker to this
function's log lines.
"""

import contextvars
import json
import logging
import re
from datetime import datetime, timezone

# Fields of the request being handled; a context variable, so concurrent requests keep theirs.
_request_fields: contextvars.ContextVar[dict] = contextvars.ContextVar("request_fields", default={})

# W3C Trace Context, version 00: https://www.w3.org/TR/trace-context/#traceparent-header
_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")


def trace_fields(traceparent):
    """The log fields of a W3C `traceparent` header or CloudEvents extension; {} when absent or malformed."""
    match = _TRACEPARENT.match((traceparent or "").strip())
    if not match or set(match[1]) == {"0"} or set(match[2]) == {"0"}:
        return {}
    return {"traceId": match[1], "spanId": match[2]}


def bind(**fields):
    """Adds fields to every line logged from here on in this request; returns the token to reset."""
    return _request_fields.set({**_request_fields.get(), **fields})


def unbind(token):
    _request_fields.reset(token)


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object: time, level, msg, the fixed and request fields, then `fields=`."""

    def __init__(self, fields=None):
        super().__init__()
        self._fields = fields or {}

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "msg": record.getMessage(),
            **self._fields,
            **_request_fields.get(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def logging_config(**fields):
    """The `logging.config.dictConfig` (also uvicorn's `log_config`) that writes JSON lines to stdout."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "app.log.JsonFormatter", "fields": fields}},
        "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
        "root": {"handlers": ["stdout"], "level": "INFO"},
        # uvicorn's loggers propagate to the root handler instead of writing their text lines.
        "loggers": {name: {"handlers": [], "propagate": True} for name in ("uvicorn", "uvicorn.error")},
    }


class Logger:
    """`logger.info("msg", key=value)`: fields as keyword arguments, on top of the `logging` module."""

    def __init__(self, name="function"):
        self._logger = logging.getLogger(name)

    def info(self, msg, **fields):
        self._logger.info(msg, extra={"fields": fields})

    def error(self, msg, **fields):
        self._logger.error(msg, extra={"fields": fields})
