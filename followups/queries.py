"""The "Follow-ups due" queues: open follow-ups, the earliest due first, one query a page."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from auth.models import User
from auth.permissions import visible_site_ids
from followups.models import FollowUp
from tickets.models import Ticket

SCOPES = ("mine", "site")
WHEN = ("due", "upcoming")
UPCOMING_DAYS = 7


def end_of_today(now: datetime, zone: ZoneInfo) -> datetime:
    """The next local midnight after `now`, in UTC."""
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time.min, tzinfo=zone).astimezone(ZoneInfo("UTC"))


def follow_up_queue(user: User, scope: str, when: str, now: datetime) -> Select:
    """Open follow-ups the user may see: `mine` (tickets they own) or the whole `site`;
    `due` = due by the end of today (the user's site day), `upcoming` = the week after."""
    cutoff = end_of_today(now, ZoneInfo(user.site.timezone))
    stmt = (
        select(FollowUp)
        .join(FollowUp.ticket)
        .options(
            contains_eager(FollowUp.ticket).options(
                joinedload(Ticket.customer), joinedload(Ticket.owner), joinedload(Ticket.site)
            ),
            selectinload(FollowUp.attempts),
        )
        .where(FollowUp.done_at.is_(None))
    )
    if when == "upcoming":
        stmt = stmt.where(FollowUp.due_at >= cutoff,
                          FollowUp.due_at < cutoff + timedelta(days=UPCOMING_DAYS))
    else:
        stmt = stmt.where(FollowUp.due_at < cutoff)
    if scope == "mine":
        stmt = stmt.where(Ticket.owner_id == user.id)
    site_ids = visible_site_ids(user)
    if site_ids is not None:
        stmt = stmt.where(FollowUp.site_id.in_(site_ids))
    return stmt.order_by(FollowUp.due_at, FollowUp.id)
