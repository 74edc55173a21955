"""A Flask API that serves no page at `/`: its only GET route is `/healthz`.

Run it with: gunicorn --bind 0.0.0.0:8000 api:app
"""

from flask import Flask, jsonify, request

app = Flask(__name__)

_events: list[dict] = []


@app.post("/events")
def record_event():
    """Accepts an event; a probe must never be sent here (POST only)."""
    _events.append(request.get_json(silent=True) or {})
    return jsonify(accepted=len(_events)), 202


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")
