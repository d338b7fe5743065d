"""Sends the saved test events of events/ (or the files named) to the function and prints the answers.

`python3 -m scripts.invoke` against `python3 -m app --reload`, or
`python3 -m scripts.invoke --url <url> events/<file>.json` against a deployed function. The file
format is in the repository's README ("Test events").
"""

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

EVENTS_DIR = Path(__file__).resolve().parent.parent / "events"


def read_saved_event(path):
    """One saved test event; a malformed file is refused with its name and what is wrong."""
    path = Path(path)
    try:
        event = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ValueError(f"{path}: not valid JSON ({error})") from None
    if not isinstance(event.get("description"), str):
        raise ValueError(f'{path}: "description" must be a string')
    if not isinstance(event.get("request"), dict):
        raise ValueError(f'{path}: "request" must be an object')
    return {"name": path.stem, **event}


def saved_events(directory=EVENTS_DIR):
    return [read_saved_event(path) for path in sorted(Path(directory).glob("*.json"))]


def send(event, base_url):
    """Sends a saved event's request as the file describes it; returns (status, headers, body)."""
    request = event["request"]
    headers = dict(request.get("headers", {}))
    body = request.get("body")
    if body is not None and not isinstance(body, str):
        body = json.dumps(body)
        headers.setdefault("content-type", "application/json")
    http_request = urllib.request.Request(
        base_url.rstrip("/") + request.get("path", "/"),
        data=body.encode("utf-8") if body is not None else None,
        headers=headers,
        method=request.get("method", "POST"),
    )
    try:
        with urllib.request.urlopen(http_request) as res:
            return res.status, dict(res.headers), res.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8")


def main():
    parser = argparse.ArgumentParser(prog="python3 -m scripts.invoke")
    parser.add_argument("files", nargs="*", help="saved test events (default: every file in events/)")
    parser.add_argument("--url", default=f"http://localhost:{os.environ.get('PORT', '${{ values.port }}')}")
    args = parser.parse_args()
    events = [read_saved_event(file) for file in args.files] if args.files else saved_events()
    for event in events:
        try:
            status, headers, body = send(event, args.url)
        except urllib.error.URLError as error:
            sys.exit(f"{event['name']}: {args.url} did not answer ({error.reason}); is the function running (python3 -m app --reload)?")
        print(f"{event['name']}: {status}")
        for name, value in headers.items():
            if name.lower().startswith("ce-"):
                print(f"  {name}: {value}")
        if body:
            print(f"  {body}")


if __name__ == "__main__":
    main()
