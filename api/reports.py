"""GET /api/v1/reports/weekly: the week's figures, as stored, else computed now."""

from flask import g

from api.schemas.discovery import WeeklyReportQuery
from api.schemas.reports import WeeklyReport
from api.spec import operation
from core.clock import utcnow
from core.validation import ValidationFailed
from reports.choice import choose
from reports.snapshots import report_for
from reports.weeks import WeekError, parse_week_near
from representations.tickets import iso


@operation("GET", "/reports/weekly", tag="Reports", summary="The weekly recovery report",
           permission="view_reports", query=WeeklyReportQuery, responses={200: WeeklyReport})
def weekly_report(query: WeeklyReportQuery):
    """`week` (YYYY-Www within reach: twenty years back to one ahead; default: the last
    full week) and `site` (a name; managers may leave it out for all sites, supervisors get
    their own). `stored_at` is null for live figures. A bad `week` or `site` is a 422."""
    now, week = utcnow(), query.week
    if week:
        try:
            parse_week_near(week, now.date())
        except WeekError as refused:
            raise ValidationFailed({"week": refused.reason}) from None
    choice = choose(g.api_user, week, query.site, now)
    figures, snapshot = report_for(choice.week, choice.site, now)
    return {**figures, "stored_at": iso(snapshot.generated_at) if snapshot else None}
