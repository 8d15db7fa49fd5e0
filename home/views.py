"""The role-fitting start page: what needs this person now."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from auth.permissions import has_permission
from extensions import db
from tickets import queries

bp = Blueprint("home", __name__)
PREVIEW = 5


def _preview(stmt):
    return db.paginate(stmt, page=1, per_page=PREVIEW, error_out=False)


@bp.route("/")
@login_required
def index():
    sections = {
        "mine": _preview(queries.my_tickets(current_user)),
        "unowned": _preview(queries.unowned(current_user)),
    }
    if has_permission(current_user, "approve_fixes"):
        sections["approvals"] = _preview(queries.awaiting_approval(current_user))
    return render_template("home/index.html", user=current_user, sections=sections)


@bp.route("/favicon.ico")
def favicon():
    """Pages without our <head> (API documents, files) still get the icon browsers ask for."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)
