"""`flask check-integrity`, `flask backup PATH`, `flask restore PATH`."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the maintenance commands."""
