"""`python -m app`: serves the function with uvicorn on $PORT; `--reload` restarts it on code changes."""

import argparse
import os

import uvicorn

from .log import logging_config


def main():
    parser = argparse.ArgumentParser(prog="python -m app")
    parser.add_argument("--reload", action="store_true", help="restart when a file changes (local development)")
    args = parser.parse_args()
    uvicorn.run(
        "app.main:app",
        host="0.0.0.0",
        port=int(os.environ.get("PORT", "${{ values.port }}")),
        reload=args.reload,
        log_config=logging_config(function="${{ values.name }}"),
        # One line per request is written by app/server.py, with the trace context.
        access_log=False,
        # Knative scales to zero by stopping pods: on SIGTERM uvicorn stops accepting, waits for
        # the requests in flight (at most this many seconds), then exits (uvicorn/server.py,
        # Server.shutdown).
        timeout_graceful_shutdown=25,
        lifespan="off",
    )


if __name__ == "__main__":
    main()
