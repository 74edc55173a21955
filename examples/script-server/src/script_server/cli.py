"""The `serve` console script: the server's address comes from the environment."""

import os

import uvicorn

from script_server.app import app


def main() -> None:
    uvicorn.run(
        app,
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8080")),
    )
