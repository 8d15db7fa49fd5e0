"""The notifications page (grouped by ticket, filters, mark read), the bell's unread count
and its JSON for the bell's poll (static/js/notification_bell.js)."""

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SubmitField

from core.clock import utcnow
from notifications.inbox import Filters, inbox
from notifications.services import mark_all_read, mark_read, mark_ticket_read, unread_count
from tickets.models import parse_ref

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

ON = "1"


class MarkReadForm(FlaskForm):
    submit = SubmitField(_l("Mark as read"))


def _filters() -> Filters:
    """`?unread=1` and `?critical=1`; any other value leaves that filter off."""
    return Filters(unread=request.args.get("unread") == ON,
                   critical=request.args.get("critical") == ON)


def _filter_args(filters: Filters) -> dict:
    return {name: ON for name, on in (("unread", filters.unread),
                                      ("critical", filters.critical)) if on}


@bp.route("/")
@login_required
def index():
    now, filters = utcnow(), _filters()
    page = inbox(current_user, now, filters, page=request.args.get("page", 1, type=int),
                 per_page=current_app.config["PAGE_SIZE"])
    return render_template(
        "notifications/index.html", pagination=page, groups=page.groups, form=MarkReadForm(),
        unread=unread_count(current_user, now), filters=filters,
        filter_args=_filter_args(filters),
    )


def _back():
    """The page the form was on: its page number and filters kept."""
    kept = {name: request.args[name] for name in ("page", "unread", "critical")
            if request.args.get(name)}
    return redirect(url_for("notifications.index", **kept))


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def read(notification_id: int):
    if not MarkReadForm().validate_on_submit():
        abort(400)
    if not mark_read(current_user, notification_id, utcnow()):
        abort(404)
    return _back()


@bp.route("/tickets/<ref>/read", methods=["POST"])
@login_required
def read_ticket(ref: str):
    """Mark read what the user was told about one ticket."""
    if not MarkReadForm().validate_on_submit():
        abort(400)
    ticket_id = parse_ref(ref)
    if ticket_id is None:
        abort(404)
    count = mark_ticket_read(current_user, ticket_id, utcnow())
    flash(_("%(count)s notification(s) marked as read.", count=count), "success")
    return _back()


@bp.route("/read-all", methods=["POST"])
@login_required
def read_all():
    if not MarkReadForm().validate_on_submit():
        abort(400)
    count = mark_all_read(current_user, utcnow())
    flash(_("%(count)s notification(s) marked as read.", count=count), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/unread.json")
@login_required
def unread_json():
    """The bell's count for its poll, with the words a screen reader hears."""
    count = unread_count(current_user, utcnow())
    response = jsonify(unread=count, label=_("%(count)s unread notifications", count=count))
    response.headers["Cache-Control"] = "no-store"
    return response


def _bell_count() -> int:
    """Unread count for the signed-in user (0 for anonymous visitors)."""
    if not getattr(current_user, "is_authenticated", False):
        return 0
    return unread_count(current_user, utcnow())


def init_app(app: Flask) -> None:
    """Expose `unread_notifications()` to templates (queried only when the nav calls it)."""
    app.add_template_global(_bell_count, "unread_notifications")
