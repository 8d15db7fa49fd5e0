"""Prevention actions are tracked until done: the owner or a supervisor marks one done,
once, with an audit event; anyone else is refused and nothing changes."""

from datetime import UTC, date, datetime

import pytest

from core import clock
from tests.web.ticket_helpers import fresh, post_action

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
def ticket(app, make_ticket, resolve_ticket):
    clock.set_now(T0)
    return resolve_ticket(make_ticket(), prevention_action="Flag noisy rooms at check-in",
                          prevention_owner="Front office manager",
                          prevention_due=date(2026, 11, 20))


def test_the_ticket_page_shows_an_overdue_prevention_action(client, login, ticket):
    login(user=ticket.owner)
    page = client.get(f"/tickets/{ticket.ref}").get_data(as_text=True)
    assert "Flag noisy rooms at check-in" in page and "Overdue" in page
    assert 'name="complete_prevention-prevention_id"' in page


def test_the_owner_marks_it_done_once(client, login, ticket):
    login(user=ticket.owner)
    prevention = ticket.prevention_actions[0]
    version = fresh(ticket).version
    response = post_action(client, ticket, "complete_prevention", prevention_id=prevention.id)
    assert response.status_code == 302
    current = fresh(ticket)
    assert current.prevention_actions[0].done_at == T0
    assert current.version == version + 1
    assert current.events[-1].action == "complete_prevention"
    page = client.get(f"/tickets/{ticket.ref}").get_data(as_text=True)
    assert "Done Nov 23, 2026" in page
    again = post_action(client, ticket, "complete_prevention", prevention_id=prevention.id)
    assert again.status_code == 409
    assert "already done" in again.get_data(as_text=True)


def test_another_front_desk_colleague_cannot(client, login, make_user, ticket):
    login(user=make_user("front_desk", site=ticket.site))
    prevention = ticket.prevention_actions[0]
    response = post_action(client, ticket, "complete_prevention", prevention_id=prevention.id)
    assert response.status_code == 409
    assert fresh(ticket).prevention_actions[0].done_at is None


def test_a_supervisor_can_and_a_wrong_id_is_a_field_error(client, login, make_user, ticket):
    login(user=make_user("supervisor", site=ticket.site))
    wrong = post_action(client, ticket, "complete_prevention", prevention_id="99999")
    assert wrong.status_code == 422
    assert "no such prevention action" in wrong.get_data(as_text=True)
    prevention = ticket.prevention_actions[0]
    ok = post_action(client, ticket, "complete_prevention", prevention_id=prevention.id)
    assert ok.status_code == 302
    assert fresh(ticket).prevention_actions[0].done_at is not None
