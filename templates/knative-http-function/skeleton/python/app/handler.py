"""The function itself.

It receives the parsed request and returns the response; the HTTP server around it
(app/server.py) deals with the network, health checks and logging.
"""

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    # The parsed JSON body, the raw text for other content types, or None when empty.
    body: Any = None


@dataclass
class Response:
    status: int
    body: Any


def handle(request: Request) -> Response:
    name = request.query.get("name", [None])[0]
    if name is None and isinstance(request.body, dict):
        name = request.body.get("name")
    if name is None:
        name = "world"
    if not isinstance(name, str) or len(name) > 100:
        return Response(400, {"error": '"name" must be a string of at most 100 characters'})
    return Response(200, {"message": f"Hello, {name}!"})
