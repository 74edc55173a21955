"""The app, served by gunicorn: it greets through the core library, which only the workspace
sibling `core-lib` provides."""

from core_lib import greeting
from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/")
def index():
    return jsonify(message=greeting("world"))
