"""The held-mail page (/mail/held): intake mail that opened nothing, for supervisors and
managers — the list, the raw bytes of a malformed message, and "mark reviewed"."""

from flask import (
    Blueprint,
    Response,
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
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SubmitField

from auth.permissions import has_permission, permission_required
from core import inputs
from core.clock import utcnow
from core.downloads import attachment_disposition
from extensions import db
from mailin import review

bp = Blueprint("mailin", __name__, url_prefix="/mail")
# Supervisors and managers: the same people who watch the SLA board.
PERMISSION = "escalate_tickets"


class ReviewedForm(FlaskForm):
    submit = SubmitField(_l("Mark reviewed"))


def _page_number() -> int:
    """`?page=` from 1 to 2,147,483,647; anything else is no such page (404)."""
    try:
        return inputs.page_number(request.args)
    except inputs.InputError:
        abort(404)


def _show() -> str:
    value = request.args.get("show", review.SHOWS[0])
    return value if value in review.SHOWS else review.SHOWS[0]


@bp.route("/held")
@permission_required(PERMISSION)
def held():
    show = _show()
    pagination = db.paginate(review.held_mail(current_user, show), page=_page_number(),
                             per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template(
        "mailin/held.html", pagination=pagination, show=show, form=ReviewedForm(),
        sites=review.sites_of(list(pagination.items)), reason_label=review.reason_label,
        status_labels=review.STATUS_LABELS,
        sees_all_sites=has_permission(current_user, "view_all_sites"),
    )


def _held_or_404(mail_id: int):
    row = review.find_held(current_user, mail_id)
    if row is None:
        abort(404)
    return row


@bp.route("/held/<int:mail_id>/raw")
@permission_required(PERMISSION)
def raw(mail_id: int):
    """The message exactly as it arrived (malformed mail only), to open in a mail program."""
    row = _held_or_404(mail_id)
    if row.raw is None:
        abort(404)
    response = Response(row.raw, mimetype="message/rfc822")
    response.headers["Content-Disposition"] = attachment_disposition(review.raw_file_name(row))
    return response


@bp.route("/held/<int:mail_id>/reviewed", methods=["POST"])
@permission_required(PERMISSION)
def mark_reviewed(mail_id: int):
    if not ReviewedForm().validate_on_submit():
        abort(400)
    row = _held_or_404(mail_id)
    if review.mark_reviewed(row, utcnow()):
        flash(_("The message is marked as reviewed."), "success")
    else:
        flash(_("Someone has already reviewed this message."), "info")
    return redirect(url_for("mailin.held", show=_show(), page=_page_number()))
