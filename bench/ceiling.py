"""The framework's ceiling: a bare Flask app with one route, served by the same gunicorn
settings and driven by the same locust load as the real app (`bench/run.py`)."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def ok() -> str:
    return "ok"
