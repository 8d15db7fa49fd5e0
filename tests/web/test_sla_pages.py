"""The supervisor board and the SLA policy page."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core import clock
from core.vocabulary import CLOCK_LABELS, DIMENSION_LABELS, SEVERITY_LABELS
from extensions import db
from sla.models import SlaPolicyChange
from sla.policy import DEFAULT_POLICY, policy_as_input, target_field
from tests.web.ticket_helpers import fresh
from tickets.models import TicketEvent

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(app):
    clock.set_now(T0)


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_board_lists_breached_and_at_risk_most_urgent_first(client, login, make_ticket):
    late = make_ticket(owner=None, severity="critical")
    risky = make_ticket(owner=None, site=late.site, severity="high")
    calm = make_ticket(site=late.site, severity="low")
    clock.set_now(T0 + timedelta(minutes=25))
    login("supervisor", site=late.site)
    page = _text(client.get("/sla/board"))
    assert late.ref in page and risky.ref in page and calm.ref not in page
    assert page.index(late.ref) < page.index(risky.ref)
    assert "Breached" in page and "At risk" in page
    assert "10 min overdue" in page


def test_board_escalates_with_a_reason_and_returns(client, login, make_ticket):
    ticket = make_ticket(owner=None, severity="critical")
    clock.set_now(T0 + timedelta(hours=1))
    login("supervisor", site=ticket.site)
    response = client.post(f"/tickets/{ticket.ref}/escalate", data={
        "escalate-version": str(ticket.version), "escalate-reason": "Guest is leaving today",
        "return_to": "board",
    })
    assert response.status_code == 302
    assert "/sla/board" in response.headers["Location"]
    assert fresh(ticket).escalation_level == 1


def test_board_is_for_supervisors_of_the_site(client, login, make_site, make_ticket):
    ticket = make_ticket(owner=None, severity="critical")
    login("front_desk", site=ticket.site)
    assert client.get("/sla/board").status_code == 403
    login("supervisor", site=make_site(name="Elsewhere"))
    assert client.get(f"/sla/board?site={ticket.site_id}").status_code == 404
    clock.set_now(T0 + timedelta(hours=1))
    login("manager", site=make_site(name="Head office"))
    assert ticket.ref in _text(client.get(f"/sla/board?site={ticket.site_id}"))


def _policy_form(**changes) -> dict:
    data = policy_as_input(DEFAULT_POLICY)
    data.update(changes)
    return data


def test_a_supervisor_edits_the_policy_and_it_is_audited(client, login, make_ticket):
    supervisor = login("supervisor")
    name = target_field("tangibles", "high", "first_response")
    response = client.post("/sla/policy", data=_policy_form(**{name: "20"}))
    assert response.status_code == 302
    change = db.session.scalars(select(SlaPolicyChange)).one()
    assert change.changes == {name: ["30", "20"]} and change.actor_id == supervisor.id
    page = _text(client.get("/sla/policy"))
    assert f'id="{name}" name="{name}" value="20"' in page
    labels = (DIMENSION_LABELS["tangibles"], SEVERITY_LABELS["high"],
              CLOCK_LABELS["first_response"])
    assert " · ".join(map(str, labels)) + " 30 minutes → 20 minutes" in page
    ticket = make_ticket(site=supervisor.site, dimension="tangibles", severity="high")
    assert ticket.first_response_due == T0 + timedelta(minutes=20)


def test_bad_policy_values_are_named_kept_and_nothing_saved(client, login):
    login("supervisor")
    name = target_field("empathy", "low", "fix_offered")
    response = client.post("/sla/policy", data=_policy_form(**{name: "soon",
                                                                 "warning_percent": "120"}))
    page = _text(response)
    assert response.status_code == 422
    assert 'value="soon"' in page and "whole number" in page and "10 to 95" in page
    assert db.session.scalars(select(SlaPolicyChange)).all() == []


def test_recompute_applies_the_policy_to_open_tickets(client, login, make_ticket):
    ticket = make_ticket(owner=None, severity="medium")
    supervisor = login("supervisor", site=ticket.site)
    name = target_field(ticket.dimension, "medium", "first_response")
    client.post("/sla/policy", data=_policy_form(**{name: "60"}))
    assert fresh(ticket).first_response_due == T0 + timedelta(hours=2)
    response = client.post("/sla/policy/recompute")
    assert response.status_code == 302
    assert fresh(ticket).first_response_due == T0 + timedelta(hours=1)
    event = db.session.scalars(
        select(TicketEvent).where(TicketEvent.action == "sla_recomputed")
    ).one()
    assert event.actor_id == supervisor.id
    assert "recomputed 1 open ticket" in _text(client.get("/sla/policy"))


def test_policy_page_permissions(client, login, make_site):
    login("front_desk")
    assert client.get("/sla/policy").status_code == 403
    other = make_site(name="Other")
    login("supervisor")
    assert client.get(f"/sla/policy?site={other.id}").status_code == 404
    login("manager")
    assert client.get(f"/sla/policy?site={other.id}").status_code == 200


def test_ticket_page_shows_sla_badges(client, login, make_ticket):
    ticket = make_ticket(severity="high")
    login(user=ticket.owner)
    page = _text(client.get(f"/tickets/{ticket.ref}"))
    assert "Respond by" in page and "Met" in page
    assert "Resolve by" in page and "On track" in page


def _row_of(page: str, ref: str) -> str:
    """The table row that links to ticket `ref`."""
    rows = re.findall(r"<tr>.*?</tr>", page, flags=re.DOTALL)
    matching = [row for row in rows if f">{ref}</a>" in row]
    assert len(matching) == 1, f"{ref} is not listed once"
    return matching[0]


@pytest.mark.parametrize("path,which,state,clock_name", [
    ("/tickets/mine", "owned", "On track", "Contact by"),
    ("/", "owned", "On track", "Contact by"),
    ("/", "unowned", "At risk", "Respond by"),
    ("/tickets/unowned", "unowned", "At risk", "Respond by"),
    ("/tickets/", "unowned", "At risk", "Respond by"),
    ("/tickets/", "owned", "On track", "Contact by"),
    ("/customers/{customer}", "unowned", "At risk", "Respond by"),
])
def test_lists_show_each_tickets_most_urgent_sla_clock(client, login, make_user, make_ticket,
                                                       path, which, state, clock_name):
    desk = make_user("front_desk")
    tickets = {
        "owned": make_ticket(owner=desk, severity="critical"),
        "unowned": make_ticket(owner=None, site=desk.site, severity="high"),
    }
    clock.set_now(T0 + timedelta(minutes=25))
    login(user=desk)
    ticket = tickets[which]
    response = client.get(path.format(customer=ticket.customer_id))
    assert response.status_code == 200
    row = _row_of(_text(response), ticket.ref)
    assert re.search(rf'<span class="badge [^"]+" title="{clock_name}">{state}</span>', row), row
