"""GET /api/v1/notifications: the caller's delivered notifications, newest first."""

from flask import g, jsonify, request

from api.base import BadRequest, api_permission, bp
from api.serializers import iso
from core import inputs
from core.clock import utcnow
from extensions import db
from notifications.models import Notification
from notifications.services import unread_count, visible_for

MAX_ITEMS = 100


def notification_json(row: Notification) -> dict:
    return {
        "id": row.id,
        "kind": row.kind,
        "ticket": row.ticket_ref,
        "message": row.message,
        "created_at": iso(row.created_at),
        "read": row.is_read,
    }


def _unread_only() -> bool:
    """`?unread=` true/false (1/0, yes/no, on/off); absent or empty: false."""
    value = request.args.get("unread", "")
    if not value.strip():
        return False
    try:
        return inputs.parse_flag(value)
    except inputs.InputError:
        raise BadRequest("'unread' must be true or false.",
                         {"unread": "must be true or false"}) from None


@bp.get("/notifications")
@api_permission("work_tickets")
def notifications():
    """At most MAX_ITEMS, newest delivery first; `?unread=true` keeps only unread ones."""
    now = utcnow()
    stmt = visible_for(g.api_user, now, unread_only=_unread_only()).limit(MAX_ITEMS)
    rows = db.session.scalars(stmt).all()
    return jsonify(
        notifications=[notification_json(row) for row in rows],
        unread=unread_count(g.api_user, now),
    )
