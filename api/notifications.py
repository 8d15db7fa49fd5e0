"""GET /api/v1/notifications: the caller's delivered notifications, newest first, each in
the caller's language with its message's code and parameters for programs."""

from flask import g

from api.schemas.discovery import NotificationList, NotificationQuery
from api.spec import operation
from core.clock import utcnow
from extensions import db
from notifications.models import Notification
from notifications.services import unread_count, visible_for
from notifications.wording import for_programs
from representations.tickets import iso

MAX_ITEMS = 100


def notification_json(row: Notification) -> dict:
    return {
        "id": row.id,
        "kind": row.kind,
        "ticket": row.ticket_ref,
        "message": row.text,
        **for_programs(row),
        "critical": row.critical,
        "created_at": iso(row.created_at),
        "read": row.is_read,
    }


@operation("GET", "/notifications", tag="Notifications", summary="Your notifications",
           permission="work_tickets", query=NotificationQuery,
           responses={200: NotificationList})
def notifications(query: NotificationQuery):
    """At most 100, newest delivery first; `unread=true` keeps only unread ones."""
    now = utcnow()
    stmt = visible_for(g.api_user, now, unread_only=bool(query.unread)).limit(MAX_ITEMS)
    rows = db.session.scalars(stmt).all()
    return {"notifications": [notification_json(row) for row in rows],
            "unread": unread_count(g.api_user, now)}
