"""The application object."""

from fastapi import FastAPI

app = FastAPI(title="script-server")


@app.get("/")
def index() -> dict[str, str]:
    return {"service": "script-server", "message": "Hello from a console script"}


@app.get("/items/{item_id}")
def item(item_id: int) -> dict[str, int]:
    return {"item": item_id}
