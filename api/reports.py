"""GET /api/v1/reports/weekly: the week's figures, as stored, else computed now."""

from flask import g, jsonify, request

from api.base import api_permission, bp
from api.serializers import iso
from core.clock import utcnow
from core.validation import ValidationFailed
from reports.choice import choose
from reports.snapshots import report_for
from reports.weeks import parse_week_near


@bp.get("/reports/weekly")
@api_permission("view_reports")
def weekly_report():
    """`week` (YYYY-Www within reach: twenty years back to one ahead; default: the last
    full week) and `site` (a name; managers may leave it out for all sites, supervisors get
    their own). `stored_at` is null for live figures. A bad `week` or `site` is a 422."""
    now, week = utcnow(), request.args.get("week")
    if week:
        try:
            parse_week_near(week, now.date())
        except ValueError as refused:
            raise ValidationFailed({"week": str(refused)}) from None
    choice = choose(g.api_user, week, request.args.get("site"), now)
    figures, snapshot = report_for(choice.week, choice.site, now)
    return jsonify({**figures, "stored_at": iso(snapshot.generated_at) if snapshot else None})
