"""A lost race for the SLA sweep: another writer changes a ticket while the sweep works it."""

from sqlalchemy import update

from extensions import db
from tickets.models import Ticket


def lose_the_race_on(monkeypatch, raced_id: int) -> None:
    """Between the sweep's load and its write, another writer bumps the ticket's version."""
    import tickets.escalation as sweep_module

    real_refresh = sweep_module.refresh_deadlines

    def refresh_then_lose_the_race(ticket, now):
        if ticket.id == raced_id:
            table = Ticket.__table__
            db.session.execute(update(table).where(table.c.id == raced_id)
                               .values(version=table.c.version + 1))
        return real_refresh(ticket, now)

    monkeypatch.setattr(sweep_module, "refresh_deadlines", refresh_then_lose_the_race)
