"""A minimal FastAPI service.

Run it with: uvicorn app.main:app --host 0.0.0.0 --port 8000
"""

import platform

from fastapi import FastAPI

app = FastAPI(title="fastapi-service")


@app.get("/")
def index() -> dict[str, str]:
    return {
        "service": "fastapi-service",
        "message": "Hello from FastAPI",
        "python": platform.python_version(),
    }


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
