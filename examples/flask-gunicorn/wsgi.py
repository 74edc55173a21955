"""A minimal Flask application for gunicorn.

Run it with: gunicorn --bind 0.0.0.0:8000 wsgi:app
"""

import platform

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/")
def index():
    return jsonify(
        service="flask-gunicorn",
        message="Hello from Flask",
        python=platform.python_version(),
    )


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")
