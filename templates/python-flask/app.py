"""A small Flask app: an HTML home page, a JSON API route and a health check."""

import os
from datetime import datetime, timezone

from flask import Flask, jsonify, render_template, request

app = Flask(__name__)


@app.get("/health")
def health():
    """Liveness probe: cheap, no I/O, always 200 while the app serves requests."""
    return jsonify(status="ok")


@app.get("/")
def index():
    return render_template("index.html")


@app.get("/api/hello")
def hello():
    name = request.args.get("name") or "world"
    return jsonify(message=f"Hello, {name}!", time=datetime.now(timezone.utc).isoformat())


@app.errorhandler(404)
def not_found(error):
    if request.path.startswith("/api/"):
        return jsonify(error="Not found"), 404
    return error


if __name__ == "__main__":
    # `python3 app.py` works too; `flask run` (see README) is the usual way.
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "8000")), debug=True)
