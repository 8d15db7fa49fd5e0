"""The one blueprint of the customer's pages (`public.*` endpoints)."""

from flask import Blueprint

bp = Blueprint("public", __name__)
