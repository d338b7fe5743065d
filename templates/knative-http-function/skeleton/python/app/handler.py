"""The function itself.

It receives the request (its JSON body already parsed) and returns the response; the server
around it (app/server.py) deals with the network, health checks and logging. Raise
`RequestError` (app/server.py) to refuse a request with a 4xx; anything else raised becomes a 500.
"""

from .server import Request, Response


def handle(request: Request) -> Response:
    name = request.query.get("name", [None])[0]
    if name is None and isinstance(request.body, dict):
        name = request.body.get("name")
    if name is None:
        name = "world"
    if not isinstance(name, str) or len(name) > 100:
        return Response(400, {"error": '"name" must be a string of at most 100 characters'})
    return Response(200, {"message": f"Hello, {name}!"})
