"""The function: its handler, the HTTP server around it and JSON logging."""
