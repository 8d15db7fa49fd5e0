"""The search results page (`GET /search/?q=`), reached from the top bar."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from auth.permissions import permission_required
from search.services import cleaned_query, find, typed_reference

bp = Blueprint("search", __name__, url_prefix="/search")


@bp.route("/")
@permission_required("work_tickets")
def index():
    """Results for `?q=`; a full reference (SR-000123) of a ticket the user may see opens
    that ticket straight away. Too long or broken text: 422."""
    query = cleaned_query(request.args.get("q", ""))
    found = find(current_user, query)
    wanted = typed_reference(query)
    if wanted is not None and found.tickets and found.tickets[0].id == wanted:
        return redirect(url_for("tickets.detail", ref=found.tickets[0].ref))
    return render_template("search/results.html", found=found, search_query=query)
