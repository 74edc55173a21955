"""A FastAPI app that starts itself: `serve` runs uvicorn on `$PORT` (8080 by default)."""
