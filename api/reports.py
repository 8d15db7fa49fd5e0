"""GET /api/v1/reports/weekly: the week's figures, as stored, else computed now."""

from flask import g, jsonify, request

from api.base import api_permission, bp
from api.serializers import iso
from core.clock import utcnow
from reports.choice import choose
from reports.snapshots import report_for


@bp.get("/reports/weekly")
@api_permission("view_reports")
def weekly_report():
    """`week` (YYYY-Www, default: the last full week) and `site` (a name; managers may leave
    it out for all sites, supervisors get their own). `stored_at` is null for live figures."""
    now = utcnow()
    choice = choose(g.api_user, request.args.get("week"), request.args.get("site"), now)
    figures, snapshot = report_for(choice.week, choice.site, now)
    return jsonify({**figures, "stored_at": iso(snapshot.generated_at) if snapshot else None})
