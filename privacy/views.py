"""The manager's pages for a customer's personal data."""

from flask import Blueprint

bp = Blueprint("privacy", __name__, url_prefix="/customers")
