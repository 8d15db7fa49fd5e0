"""Two people act on the same ticket version: exactly one wins, the other gets the conflict."""

import threading
from datetime import UTC, datetime

from core import clock
from extensions import db
from tests.web.ticket_helpers import fresh, post_action
from tickets.actions import perform
from tickets.errors import TicketConflict
from tickets.models import Ticket, TicketEvent

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_two_stale_web_edits_one_wins(app, make_user, make_ticket):
    clock.set_now(NOW)
    ticket = make_ticket()
    seen = ticket.version
    supervisors = [make_user("supervisor", site=ticket.site) for _ in range(2)]
    clients = [app.test_client() for _ in supervisors]
    for client, supervisor in zip(clients, supervisors, strict=True):
        client.post("/sign-in", data={"username": supervisor.username,
                                      "password": "correct horse"})
    first = post_action(clients[0], ticket, "escalate", version=seen, reason="VIP arrival")
    second = post_action(clients[1], ticket, "escalate", version=seen, reason="Press coverage")
    assert (first.status_code, second.status_code) == (302, 409)
    assert "Someone else changed ticket" in second.get_data(as_text=True)
    assert "Press coverage" in second.get_data(as_text=True)
    assert fresh(ticket).escalation_level == 1


def test_two_simultaneous_writers_one_wins(app, make_user, make_ticket):
    """Both sessions load the same version, then commit at the same moment."""
    clock.set_now(NOW)
    ticket = make_ticket()
    ticket_id, seen = ticket.id, ticket.version
    user_ids = [make_user("supervisor", site=ticket.site).id for _ in range(2)]
    loaded = threading.Barrier(2, timeout=30)
    outcomes: list[str] = []

    def escalate(user_id: int, reason: str) -> None:
        from auth.models import User

        with app.app_context():
            try:
                mine = db.session.get(Ticket, ticket_id)
                actor = db.session.get(User, user_id)
                assert mine.version == seen
                loaded.wait()
                perform(mine, "escalate", actor, {"reason": reason}, version=seen, now=NOW)
                db.session.commit()
                outcomes.append("won")
            except TicketConflict:
                db.session.rollback()
                outcomes.append("conflict")
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=escalate, args=(user_id, f"reason {n}"))
        for n, user_id in enumerate(user_ids)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["conflict", "won"]
    ticket = fresh(ticket)
    assert (ticket.escalation_level, ticket.version) == (1, seen + 1)
    events = db.session.query(TicketEvent).filter_by(ticket_id=ticket_id, action="escalate")
    assert events.count() == 1
