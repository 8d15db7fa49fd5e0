"""The notifications page (list, mark read, mark all read) and the bell's unread count."""

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
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
from extensions import db
from notifications.services import mark_all_read, mark_read, unread_count, visible_for

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


class MarkReadForm(FlaskForm):
    submit = SubmitField(_l("Mark as read"))


@bp.route("/")
@login_required
def index():
    now = utcnow()
    page = max(request.args.get("page", 1, type=int), 1)
    pagination = db.paginate(
        visible_for(current_user, now), page=page,
        per_page=current_app.config["PAGE_SIZE"], error_out=False,
    )
    return render_template(
        "notifications/index.html", pagination=pagination, form=MarkReadForm(),
        unread=unread_count(current_user, now),
    )


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def read(notification_id: int):
    if not MarkReadForm().validate_on_submit():
        abort(400)
    if not mark_read(current_user, notification_id, utcnow()):
        abort(404)
    return redirect(url_for("notifications.index", page=request.args.get("page", type=int)))


@bp.route("/read-all", methods=["POST"])
@login_required
def read_all():
    if not MarkReadForm().validate_on_submit():
        abort(400)
    count = mark_all_read(current_user, utcnow())
    flash(_("%(count)s notification(s) marked as read.", count=count), "success")
    return redirect(url_for("notifications.index"))


def _bell_count() -> int:
    """Unread count for the signed-in user (0 for anonymous visitors)."""
    if not getattr(current_user, "is_authenticated", False):
        return 0
    return unread_count(current_user, utcnow())


def init_app(app: Flask) -> None:
    """Expose `unread_notifications()` to templates (queried only when the nav calls it)."""
    app.add_template_global(_bell_count, "unread_notifications")
