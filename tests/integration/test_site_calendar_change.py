"""A site's new hours, holidays or time zone re-time its open tickets at once, so stored due
times always follow the calendar they are measured in (and the integrity check agrees)."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from core import clock
from extensions import db
from maintenance.integrity import check_integrity
from sites.services import SiteInput, update_site
from tickets.models import Ticket, TicketEvent

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


def _events(ticket_id: int) -> int:
    return db.session.scalar(
        select(func.count(TicketEvent.id)).where(TicketEvent.ticket_id == ticket_id))


def _edit(site, **changes):
    fields = {"name": site.name, "timezone": site.timezone, "hours": site.hours_spec,
              "currency": site.currency, "holidays": "",
              "front_desk_limit": site.front_desk_limit,
              "supervisor_limit": site.supervisor_limit, **changes}
    update_site(site, SiteInput(**fields), actor=None, now=clock.utcnow())
    db.session.commit()


def test_new_hours_move_the_open_tickets_due_times(app, make_site, make_ticket):
    clock.set_now(T0)
    site = make_site(name="Changing Hotel", hours="24/7")
    ticket = make_ticket(site=site)
    due, events = ticket.resolution_due, _events(ticket.id)
    _edit(site, hours="mon-fri 09:00-18:00")
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.resolution_due > due
    assert _events(ticket.id) == events + 1
    assert ticket.version == _events(ticket.id)
    [last] = db.session.scalars(select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id.desc()).limit(1))
    assert last.action == "sla_recomputed"
    assert "resolution_due" in last.changes
    assert check_integrity().findings == []


def test_saving_a_site_without_calendar_changes_writes_nothing(app, make_site, make_ticket):
    clock.set_now(T0)
    site = make_site(name="Steady Hotel", hours="24/7")
    ticket = make_ticket(site=site)
    version = ticket.version
    _edit(site, currency="CNY")
    assert db.session.get(Ticket, ticket.id).version == version
