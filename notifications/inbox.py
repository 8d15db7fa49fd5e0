"""The notifications page's content: a user's delivered notifications grouped by ticket.

Groups that hold an unread critical notification come first, then groups with anything
unread, then the rest; within each of those, the group told most recently first. Inside a
group critical notifications come first, then the newest. Notifications about no ticket
(the weekly report) form one group of their own. The page is paged by groups; each group
shows at most `PER_GROUP` notifications and says how many older ones it holds.

Two queries per page whatever its size: the page of groups (with their counts), then the
notifications shown of those groups (a window function keeps `PER_GROUP` each), tickets
and customers loaded with them.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from auth.models import User
from extensions import db
from notifications.models import Notification
from tickets.models import Ticket

PER_GROUP = 20


@dataclass(frozen=True)
class Filters:
    """Which notifications the page shows: only unread ones, only critical ones, or both."""

    unread: bool = False
    critical: bool = False

    def conditions(self) -> list:
        found = []
        if self.unread:
            found.append(Notification.read_at.is_(None))
        if self.critical:
            found.append(Notification.critical.is_(True))
        return found


@dataclass
class Group:
    """One ticket's notifications (`ticket` None: those about no ticket)."""

    ticket_id: int | None
    total: int
    unread: int
    urgent: bool
    latest: datetime
    ticket: Ticket | None = None
    notes: list[Notification] = field(default_factory=list)

    @property
    def ref(self) -> str | None:
        return self.ticket.ref if self.ticket is not None else None

    @property
    def older(self) -> int:
        """How many of the group's notifications the page does not show."""
        return max(self.total - len(self.notes), 0)


@dataclass
class InboxPage:
    """A page of groups, shaped like a pagination for the pager macro."""

    groups: list[Group]
    page: int
    pages: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return max(self.page - 1, 1)

    @property
    def next_num(self) -> int:
        return min(self.page + 1, max(self.pages, 1))


def _where(user: User, now: datetime, filters: Filters) -> list:
    return [Notification.recipient_id == user.id, Notification.deliver_after <= now,
            *filters.conditions()]


def inbox(user: User, now: datetime, filters: Filters, *, page: int, per_page: int) -> InboxPage:
    """The page `page` of the user's delivered notifications grouped by ticket."""
    where = _where(user, now, filters)
    unread = Notification.read_at.is_(None)
    unread_count = func.sum(case((unread, 1), else_=0))
    urgent = func.max(case((and_(unread, Notification.critical.is_(True)), 1), else_=0))
    latest = func.max(Notification.deliver_after)
    groups_total = db.session.scalar(
        select(func.count(func.distinct(func.coalesce(Notification.ticket_id, 0)))).where(*where)
    ) or 0
    pages = max(math.ceil(groups_total / per_page), 1)
    page = min(max(page, 1), pages)
    stmt = (
        select(Notification.ticket_id, func.count(Notification.id), unread_count, urgent, latest)
        .where(*where)
        .group_by(Notification.ticket_id)
        .order_by(urgent.desc(), case((unread_count > 0, 1), else_=0).desc(), latest.desc(),
                  Notification.ticket_id)
        .limit(per_page).offset((page - 1) * per_page)
    )
    groups = [Group(ticket_id, total, unread or 0, bool(is_urgent), last)
              for ticket_id, total, unread, is_urgent, last in db.session.execute(stmt)]
    _fill(groups, where)
    return InboxPage(groups, page, pages)


def _fill(groups: list[Group], where: list) -> None:
    """Each group's first `PER_GROUP` notifications, with their tickets and customers."""
    if not groups:
        return
    ids = [group.ticket_id for group in groups if group.ticket_id is not None]
    about = [Notification.ticket_id.in_(ids)] if ids else []
    if any(group.ticket_id is None for group in groups):
        about.append(Notification.ticket_id.is_(None))
    place = func.row_number().over(
        partition_by=Notification.ticket_id,
        order_by=(Notification.critical.desc(), Notification.deliver_after.desc(),
                  Notification.id.desc()),
    ).label("place")
    ranked = select(Notification.id, place).where(*where, or_(*about)).subquery()
    stmt = (
        select(Notification)
        .join(ranked, ranked.c.id == Notification.id)
        .where(ranked.c.place <= PER_GROUP)
        .options(joinedload(Notification.ticket).joinedload(Ticket.customer))
        .order_by(ranked.c.place)
    )
    by_ticket = {group.ticket_id: group for group in groups}
    for row in db.session.scalars(stmt):
        group = by_ticket[row.ticket_id]
        group.notes.append(row)
        group.ticket = row.ticket
