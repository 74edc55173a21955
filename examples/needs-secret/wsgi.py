"""A Flask application that needs SECRET_KEY from its environment, never from its image.

Run it with: SECRET_KEY=... gunicorn --bind 0.0.0.0:8000 wsgi:app
"""

import os
import sys

from flask import Flask, jsonify

secret_key = os.environ.get("SECRET_KEY", "")
if not secret_key:
    sys.exit("SECRET_KEY is not set: pass it through the environment")

app = Flask(__name__)
app.config["SECRET_KEY"] = secret_key


@app.get("/")
def index():
    return jsonify(service="needs-secret", message="Hello with a secret")
