"""Staff pages of the follow-up loop: the "Follow-ups due" queue and the survey QR code."""

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user

from auth.permissions import has_permission, permission_required
from core import inputs, qr
from core.clock import utcnow
from extensions import db
from followups.loop import open_follow_ups
from followups.queries import SCOPES, WHEN, follow_up_queue
from followups.survey_link import survey_url
from tickets.access import load_ticket

bp = Blueprint("followups", __name__, url_prefix="/follow-ups")


def _arg(name: str, allowed: tuple[str, ...]) -> str:
    """A filter's value: one of `allowed` (the first when absent or unknown)."""
    value = request.args.get(name, allowed[0])
    return value if value in allowed else allowed[0]


def _page_number() -> int:
    """`?page=` from 1 to 2,147,483,647; anything else is no such page (404)."""
    try:
        return inputs.page_number(request.args)
    except inputs.InputError:
        abort(404)


@bp.route("/")
@permission_required("work_tickets")
def index():
    scope, when = _arg("scope", SCOPES), _arg("when", WHEN)
    now = utcnow()
    pagination = db.paginate(
        follow_up_queue(current_user, scope, when, now),
        page=_page_number(), per_page=current_app.config["PAGE_SIZE"], error_out=False,
    )
    return render_template(
        "followups/index.html", pagination=pagination, scope=scope, when=when, now=now,
        sees_all_sites=has_permission(current_user, "view_all_sites"),
    )


@bp.route("/survey-qr/<ref>.svg")
@permission_required("work_tickets")
def survey_qr(ref: str):
    """The open survey's customer link as a QR code, for printing or showing on a phone."""
    ticket = load_ticket(ref, current_user)
    survey = next((f for f in open_follow_ups(ticket) if f.kind == "survey"), None)
    if survey is None:
        abort(404)
    svg = qr.svg_document(survey_url(survey, current_app.config))
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


def init_app(app) -> None:
    """`survey_link(follow_up)` for templates: the customer's link to an open survey."""
    app.add_template_global(lambda follow_up: survey_url(follow_up, app.config), "survey_link")
