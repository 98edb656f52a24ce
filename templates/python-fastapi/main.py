"""A small FastAPI service: an HTML home page, a typed JSON API route and a health check."""

from datetime import datetime, timezone

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

app = FastAPI(title="FastAPI app", version="0.1.0")


class Health(BaseModel):
    status: str


class Hello(BaseModel):
    message: str
    time: datetime


@app.get("/health", response_model=Health, tags=["ops"])
def health() -> Health:
    """Liveness probe: cheap, no I/O, always 200 while the app serves requests."""
    return Health(status="ok")


@app.get("/api/hello", response_model=Hello)
def hello(name: str = "world") -> Hello:
    return Hello(message=f"Hello, {name}!", time=datetime.now(timezone.utc))


INDEX_HTML = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>FastAPI app</title>
    <style>
      :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
      body { max-width: 40rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5; }
    </style>
  </head>
  <body>
    <h1>Your FastAPI app is running</h1>
    <p>Edit <code>main.py</code> to add routes; the server reloads on save.</p>
    <p>
      <a href="/docs">Interactive API docs</a> ·
      <a href="/api/hello">/api/hello</a> ·
      <a href="/health">/health</a>
    </p>
  </body>
</html>
"""


@app.get("/", response_class=HTMLResponse, include_in_schema=False)
def index() -> str:
    return INDEX_HTML
