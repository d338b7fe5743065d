"""One JSON object per line on stdout.

The cluster's log shipper forwards stdout to Loki, where the fields can be filtered with `| json`
without any parsing rules on the platform side.
"""

import json
import sys
from datetime import datetime, timezone


class Logger:
    def __init__(self, stream=None, **fields):
        self._stream = stream if stream is not None else sys.stdout
        self._fields = fields

    def _write(self, level, msg, extra):
        line = {
            "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            "level": level,
            "msg": msg,
            **self._fields,
            **extra,
        }
        self._stream.write(json.dumps(line) + "\n")
        self._stream.flush()

    def info(self, msg, **extra):
        self._write("info", msg, extra)

    def error(self, msg, **extra):
        self._write("error", msg, extra)
