"""Queues: my tickets, unowned, awaiting approval, and the filtered site list."""

from datetime import date
from zoneinfo import ZoneInfo

from flask import abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from auth.permissions import permission_required
from core import inputs
from core.clock import utcnow
from core.messages import define
from core.paging import paginate_runs
from core.validation import ValidationFailed
from core.words import N_
from extensions import db
from tickets import labels, queries
from tickets.views import bp

BAD_FILTER = define("list.bad_filter", N_("'%(name)s': %(reason)s"))

QUEUES = {
    "mine": (queries.my_tickets, _l("My tickets"), _l("You own no open tickets.")),
    "unowned": (queries.unowned, _l("Unowned"), _l("Every ticket has an owner.")),
    "approvals": (
        queries.awaiting_approval,
        _l("Awaiting approval"),
        _l("Nothing waits for approval."),
    ),
}


def _page_number() -> int:
    """`?page=` from 1 to 2,147,483,647, else no such page (404)."""
    try:
        return inputs.page_number(request.args)
    except inputs.InputError:
        abort(404)


def _page(stmt):
    """One page of `stmt`."""
    per_page = current_app.config["PAGE_SIZE"]
    return db.paginate(stmt, page=_page_number(), per_page=per_page, error_out=False)


def sort_from_request() -> queries.TicketSort | None:
    """`?sort=`: a column key of `queries.SORT_KEYS`, a leading minus for the reverse;
    absent or empty keeps the list's own order; anything else is a 422 naming the keys."""
    raw = request.args.get("sort", "").strip()
    if not raw:
        return None
    sort = queries.parse_sort(raw)
    if sort is None:
        raise ValidationFailed({"sort": queries.UNKNOWN_SORT(keys=", ".join(queries.SORT_KEYS))})
    return sort


def _ordered(stmt, sort: queries.TicketSort | None):
    return stmt if sort is None else queries.sorted_by(stmt, sort)


def _queue(name: str):
    query, title, empty = QUEUES[name]
    sort = sort_from_request()
    pagination = _page(_ordered(query(current_user), sort))
    return render_template(
        "tickets/queue.html", title=title, empty=empty, pagination=pagination,
        endpoint=f"tickets.{name}", sort=sort, show_owner=name != "mine",
    )


@bp.route("/mine")
@permission_required("work_tickets")
def mine():
    return _queue("mine")


@bp.route("/unowned")
@permission_required("work_tickets")
def unowned():
    return _queue("unowned")


@bp.route("/approvals")
@permission_required("approve_fixes")
def approvals():
    return _queue("approvals")


def _date_args(today: date) -> dict[str, date | None]:
    """`?from=` and `?to=`: YYYY-MM-DD from twenty years ago to a year ahead
    (`core.inputs.filter_day`); a bad one is a 422 naming it."""
    found, errors = {}, {}
    for name in ("from", "to"):
        raw = request.args.get(name, "")
        try:
            found[name] = inputs.filter_day(raw, today) if raw.strip() else None
        except inputs.InputError as refused:
            errors[name] = BAD_FILTER(name=name, reason=refused.reason)
    if errors:
        raise ValidationFailed(errors)
    return found


def _choice_arg(name: str, allowed: dict) -> str:
    value = request.args.get(name, "")
    return value if value in allowed else ""


def filters_from_request() -> queries.TicketFilters:
    now = utcnow()
    days = _date_args(now.date())
    return queries.TicketFilters(
        status=_choice_arg("status", labels.STATUS_LABELS),
        dimension=_choice_arg("dimension", labels.DIMENSION_LABELS),
        severity=_choice_arg("severity", labels.SEVERITY_LABELS),
        channel=_choice_arg("channel", labels.CHANNEL_LABELS),
        owner=request.args.get("owner", "").strip()[:40],
        date_from=days["from"],
        date_to=days["to"],
        q=request.args.get("q", "").strip()[:100],
        overdue_at=now if request.args.get("overdue") in ("1", "true", "on") else None,
    )


@bp.route("/")
@permission_required("work_tickets")
def site():
    filters = filters_from_request()
    sort = sort_from_request()
    zone = ZoneInfo(current_user.site.timezone)
    # Either way the page gives the order: the two runs of the site page, or `?sort=`.
    stmt = queries.site_tickets(current_user, filters, zone)
    if sort is None:
        pagination = paginate_runs(db.session, queries.replied_first_parts(stmt),
                                   page=_page_number(), per_page=current_app.config["PAGE_SIZE"])
    else:
        pagination = _page(queries.sorted_by(stmt, sort))
    return render_template("tickets/site.html", filters=filters, pagination=pagination,
                           sort=sort)
