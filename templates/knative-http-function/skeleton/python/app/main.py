"""The ASGI application: the function of app/handler.py behind the server of app/server.py."""

from .handler import handle
from .server import create_app

app = create_app(handle)
