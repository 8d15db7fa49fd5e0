"""The weekly recovery report pages: the report, its CSV, storing it, and the ticket list
behind each figure."""

from datetime import datetime, timedelta

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
from flask_login import current_user

from auth.permissions import ensure, has_permission, permission_required
from auth.services import find_user
from core import inputs
from core.clock import utcnow
from core.downloads import attachment_disposition
from core.formatting import current_locale, site_zone
from core.messages import shown
from core.validation import ValidationFailed
from extensions import db
from reports.choice import ReportChoice, choose
from reports.figures import figure_tickets
from reports.formats import as_csv, indexed
from reports.labels import FIGURE_LABELS
from reports.page import charts, group_labels, is_empty
from reports.snapshots import report_for, store
from reports.summary import key_figures, show, show_change
from reports.weeks import WeekError, parse_week, parse_week_near, shift_week
from sites.models import Site
from tickets import queries
from tickets.categories import names_by_english
from tickets.models import Ticket

bp = Blueprint("reports", __name__, url_prefix="/reports")
DRILL_GROUPS = ("dimension", "category", "channel", "severity", "owner", "remedy", "cause",
                "fault", "unclassified")


def _choice() -> ReportChoice:
    """The requested week and site, or 404 for a site out of reach and 400 for a bad week
    (malformed, or beyond `reports.weeks.parse_week_near`'s reach); the error page says
    why, in the reader's language."""
    now, week = utcnow(), request.args.get("week")
    try:
        if week:
            parse_week_near(week, now.date())
        return choose(current_user, week, request.args.get("site"), now)
    except ValidationFailed as failed:
        for reason in failed.fields.values():
            flash(shown(reason), "danger")
        abort(404 if "site" in failed.fields else 400, failed.message)
    except WeekError as refused:
        flash(shown(refused.reason), "danger")
        abort(400, f"week: {refused}")


def _drill(choice: ReportChoice):
    def url(figure: str, **group) -> str:
        return url_for("reports.tickets", week=choice.week, site=choice.site_id,
                       figure=figure, **group)

    return url


def _neighbours(week: str) -> dict:
    current = parse_week(week)
    return {"previous": str(shift_week(current, -1)), "next": str(shift_week(current, 1))}


def _sites() -> list[Site]:
    if not has_permission(current_user, "view_all_sites"):
        return []
    return list(db.session.scalars(db.select(Site).order_by(Site.name)))


@bp.route("/weekly")
@permission_required("view_reports")
def weekly():
    choice = _choice()
    figures, snapshot = report_for(choice.week, choice.site, utcnow())
    drill = _drill(choice)
    return render_template(
        "reports/weekly.html", figures=figures, snapshot=snapshot, choice=choice,
        drill=drill, charts=charts(figures, drill), items=key_figures(figures),
        empty=is_empty(figures), neighbours=_neighbours(choice.week), sites=_sites(),
    )


@bp.route("/weekly.csv")
@permission_required("view_reports")
def weekly_csv():
    choice = _choice()
    figures, _snapshot = report_for(choice.week, choice.site, utcnow())
    where = choice.site.name if choice.site else "all-sites"
    filename = f"recovery-report-{choice.week}-{where}.csv".replace(" ", "-")
    names = names_by_english(current_locale())
    return Response(as_csv(figures, names), mimetype="text/csv",
                    headers={"Content-Disposition": attachment_disposition(filename)})


@bp.route("/weekly/store", methods=["POST"])
@permission_required("store_reports")
def store_week():
    """Store (or regenerate) the week's report as it is computed now."""
    choice = _choice()
    store(choice.week, choice.site, utcnow(), current_user)
    flash(_("The report of %(week)s is stored as it stands now.", week=choice.week), "success")
    return redirect(url_for("reports.weekly", week=choice.week, site=choice.site_id))


def _group() -> dict:
    return {name: request.args[name][:80] for name in DRILL_GROUPS if request.args.get(name)}


def _page_number() -> int:
    """The list's page (1..2,147,483,647); anything else is no such page (404)."""
    try:
        return inputs.page_number(request.args)
    except inputs.InputError:
        abort(404)


@bp.route("/weekly/tickets")
@permission_required("view_reports")
def tickets():
    """The tickets that make up one figure of the report, as they are now."""
    choice, figure, group = _choice(), request.args.get("figure", ""), _group()
    try:
        members = figure_tickets(figure, choice.week, choice.site, utcnow(), **group)
    except (KeyError, ValueError):
        abort(404)
    stmt = queries.base_query(current_user).where(Ticket.id.in_(members))
    stmt = stmt.order_by(Ticket.created_at.desc(), Ticket.id.desc())
    pagination = db.paginate(stmt, page=_page_number(), per_page=current_app.config["PAGE_SIZE"],
                             error_out=False)
    ensure(current_user, "view_reports", choice.site_id)
    return render_template("reports/tickets.html", pagination=pagination, choice=choice,
                           figure=figure, title=FIGURE_LABELS.get(figure, figure),
                           filters=group_labels(group, names_by_english(current_locale()),
                                                _owner_names(group)))


def _owner_names(group: dict) -> dict[str, str]:
    """The display name of the owner a drill-down is filtered by (the link names the user)."""
    if "owner" not in group:
        return {}
    owner = find_user(group["owner"])
    return {owner.username: owner.display_name} if owner is not None else {}


def report_day(iso_moment: str | None, site: Site | None = None, shift_days: int = 0) -> str:
    """The local date of an ISO timestamp, `shift_days` later (the site's, else the
    viewer's zone)."""
    if not iso_moment:
        return "—"
    moment = datetime.fromisoformat(iso_moment).astimezone(site_zone(site))
    return (moment.date() + timedelta(days=shift_days)).isoformat()


def init_app(app) -> None:
    app.add_template_filter(report_day, "report_day")
    app.add_template_global(show, "report_show")
    app.add_template_global(lambda: names_by_english(current_locale()), "category_names")
    app.add_template_global(show_change, "report_change")
    app.add_template_global(has_permission, "has_permission")
    app.add_template_global(indexed, "report_indexed")
