"""The acme-api FastAPI application.

Run it with: uvicorn acme_api.main:app --host 0.0.0.0 --port 8000
"""

from acme_core import greeting
from fastapi import FastAPI

app = FastAPI(title="acme-api")


@app.get("/")
def index(name: str = "Acme World") -> dict[str, str]:
    return greeting(name)


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
