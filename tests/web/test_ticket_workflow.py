"""Every transition through the web forms, and the refusals: the ticket page as staff use it."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core import clock
from customers.models import Customer
from extensions import db
from tests.web.ticket_helpers import FIX, RESOLUTION, fresh, in_hours, post_action
from tickets.models import FixOffer, PreventionAction, Ticket, TicketEvent


@pytest.fixture(autouse=True)
def morning_in_shanghai(app):
    clock.set_now(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))


def _events(ticket) -> list[str]:
    stmt = select(TicketEvent.action).where(TicketEvent.ticket_id == ticket.id)
    return list(db.session.scalars(stmt.order_by(TicketEvent.id)))


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_the_new_ticket_page_explains_each_dimension(client, login, make_ticket):
    login("front_desk")
    page = _text(client.get("/tickets/new"))
    for hint in ("did not deliver what was promised", "slow", "courtesy", "listen", "Rooms"):
        assert hint in page
    assert '<input checked class="form-check-input" id="own_now"' in page


def test_front_desk_opens_and_owns_a_ticket_in_one_step(client, login, make_ticket):
    from tickets.categories import active_categories, ensure_default_categories

    desk = login("front_desk")
    ensure_default_categories()
    category = active_categories()[0]
    response = client.post(
        "/tickets/new",
        data={
            "customer_name": "李伟",
            "customer_phone": "138 0000 1111",
            "customer_tier": "vip",
            "channel": "front_desk",
            "dimension": "tangibles",
            "category_id": category.id,
            "severity": "high",
            "description": "空调坏了，房间很热",
            "desired_outcome": "换房",
            "own_now": "y",
            "acknowledgement": "当面致歉，说明十分钟内答复",
            "next_contact_by": in_hours(0.25),
        },
    )
    assert response.status_code == 302
    ticket = db.session.scalars(select(Ticket)).one()
    assert response.headers["Location"].endswith(f"/tickets/{ticket.ref}")
    assert (ticket.status, ticket.owner_id, ticket.customer.tier) == ("owned", desk.id, "vip")
    assert ticket.customer.preferred_owner_id == desk.id
    assert _events(ticket) == ["opened", "own"]
    page = _text(client.get(f"/tickets/{ticket.ref}"))
    assert "空调坏了，房间很热" in page and "当面致歉" in page
    assert "Offer a fix" in page and "Approve" not in page


def test_bad_new_ticket_names_each_field_keeps_text_and_writes_nothing(client, login):
    login("front_desk")
    response = client.post(
        "/tickets/new",
        data={
            "customer_name": "Ann Lee",
            "customer_phone": "",
            "channel": "pigeon",
            "dimension": "reliability",
            "severity": "medium",
            "description": "The bill charged us twice for breakfast",
            "own_now": "y",
            "acknowledgement": "",
            "next_contact_by": in_hours(-1),
        },
    )
    page = _text(response)
    assert response.status_code == 422
    assert "The bill charged us twice for breakfast" in page
    assert "Ann Lee" in page
    assert "Not a valid choice" in page or "Choose one of the listed options" in page
    assert "Choose a category." in page
    assert "This must be in the future." in page
    assert "phone number or an e-mail" in page or "phone or e-mail" in page
    assert db.session.scalar(select(func.count(Ticket.id))) == 0
    assert db.session.scalar(select(func.count(Customer.id))) == 0


def test_unowned_ticket_is_owned_from_the_page(client, login, make_ticket):
    ticket = make_ticket(owner=None)
    desk = login("front_desk", site=ticket.site)
    response = post_action(
        client, ticket, "own", acknowledgement="Called back and apologised",
        next_contact_by=in_hours(2),
    )
    assert response.status_code == 302
    ticket = fresh(ticket)
    assert (ticket.status, ticket.owner_id) == ("owned", desk.id)
    assert ticket.next_contact_by == clock.utcnow().replace(hour=4)


def test_offer_within_the_limit_then_answer_resolve_and_close(client, login, make_ticket):
    ticket = make_ticket()
    login(user=ticket.owner)
    response = post_action(client, ticket, "offer_fix", committed_by=in_hours(3), **FIX)
    assert response.status_code == 302
    offer = db.session.scalars(select(FixOffer)).one()
    assert (fresh(ticket).status, offer.compensation, offer.currency) == (
        "fix_offered", offer.compensation, "CNY",
    )
    assert str(offer.compensation) == "150.00"
    response = post_action(client, ticket, "record_response", customer_response="accepted")
    assert response.status_code == 302
    response = post_action(
        client, ticket, "resolve", prevention_action="Flag noisy rooms in the PMS",
        prevention_owner="Front office manager", prevention_due="2026-12-15",
        beyond_expectation="Fruit basket in the new room", **RESOLUTION,
    )
    assert response.status_code == 302, _text(response)
    ticket = fresh(ticket)
    assert (ticket.status, ticket.root_cause, ticket.fault) == ("resolved", "process", "us")
    assert db.session.scalars(select(PreventionAction)).one().owner_name == "Front office manager"
    refused = post_action(client, ticket, "close")
    assert refused.status_code == 409
    assert "Only a supervisor or manager" in _text(refused)
    login("supervisor", site=ticket.site)
    assert post_action(client, ticket, "close").status_code == 302
    assert fresh(ticket).status == "closed"
    assert _events(ticket) == [
        "opened", "own", "offer_fix", "record_response", "resolve", "close",
    ]


def test_an_apology_is_not_a_fix(client, login, make_ticket):
    ticket = make_ticket()
    login(user=ticket.owner)
    response = post_action(
        client, ticket, "offer_fix", **{**FIX, "action": "We are so sorry for the inconvenience"},
        committed_by=in_hours(3),
    )
    page = _text(response)
    assert response.status_code == 422
    assert "An apology alone is not a fix" in page
    assert "We are so sorry for the inconvenience" in page
    assert fresh(ticket).status == "owned"
    assert db.session.scalar(select(func.count(FixOffer.id))) == 0
    assert _events(ticket) == ["opened", "own"]


@pytest.mark.parametrize(
    "amount,message",
    [("-5", "cannot be negative"), ("lots", "as a number"), ("99999999", "too large")],
)
def test_bad_compensation_is_refused(client, login, make_ticket, amount, message):
    ticket = make_ticket()
    login(user=ticket.owner)
    response = post_action(
        client, ticket, "offer_fix", **{**FIX, "compensation": amount}, committed_by=in_hours(3)
    )
    assert response.status_code == 422
    assert message in _text(response)
    assert fresh(ticket).version == ticket.version


def test_over_the_limit_waits_for_a_supervisor(client, login, make_ticket):
    ticket = make_ticket()
    login(user=ticket.owner)
    post_action(client, ticket, "offer_fix", **{**FIX, "compensation": "500"},
                committed_by=in_hours(3))
    ticket = fresh(ticket)
    assert (ticket.status, ticket.pending_approval_kind) == ("awaiting_approval", "fix")
    assert post_action(client, ticket, "approve").status_code == 409
    supervisor = login("supervisor", site=ticket.site)
    assert ticket.ref in _text(client.get("/tickets/approvals"))
    assert post_action(client, ticket, "approve").status_code == 302
    assert fresh(ticket).status == "fix_offered"
    assert db.session.scalars(select(FixOffer)).one().approved_by_id == supervisor.id


def test_above_the_supervisor_limit_only_a_manager_approves(client, login, make_ticket):
    ticket = make_ticket()
    login(user=ticket.owner)
    post_action(client, ticket, "offer_fix", **{**FIX, "compensation": "3000"},
                committed_by=in_hours(3))
    login("supervisor", site=ticket.site)
    refused = post_action(client, ticket, "approve")
    assert refused.status_code == 409
    assert "a manager must approve it" in _text(refused)
    assert fresh(ticket).status == "awaiting_approval"
    login("manager", site=ticket.site)
    assert post_action(client, ticket, "approve").status_code == 302
    assert fresh(ticket).status == "fix_offered"


def test_a_supervisor_sends_an_offer_back(client, login, make_ticket):
    ticket = make_ticket()
    login(user=ticket.owner)
    post_action(client, ticket, "offer_fix", **{**FIX, "compensation": "900"},
                committed_by=in_hours(3))
    login("supervisor", site=ticket.site)
    assert post_action(client, ticket, "reject", reason="Too generous").status_code == 302
    assert (fresh(ticket).status, fresh(ticket).pending_approval_kind) == ("owned", None)


def test_decline_needs_a_sign_off_and_can_be_reopened(client, login, make_user, make_ticket):
    ticket = make_ticket()
    supervisor = make_user("supervisor", site=ticket.site)
    login(user=ticket.owner)
    missing = post_action(client, ticket, "decline", reason="Outside policy",
                          alternative_offered="Late checkout at 14:00")
    assert missing.status_code == 422
    assert "Choose the supervisor who signs off" in _text(missing)
    response = post_action(client, ticket, "decline", reason="Outside policy",
                           alternative_offered="Late checkout at 14:00",
                           signed_off_by=supervisor.username)
    assert response.status_code == 302
    ticket = fresh(ticket)
    assert (ticket.status, ticket.pending_approval_kind) == ("awaiting_approval", "decline")
    assert ticket.signoff_requested_from_id == supervisor.id
    login(user=supervisor)
    assert post_action(client, ticket, "approve").status_code == 302
    assert fresh(ticket).status == "declined"
    response = post_action(client, ticket, "reopen", reason="Guest came back with new facts")
    assert response.status_code == 302
    ticket = fresh(ticket)
    assert (ticket.status, ticket.reopened_count) == ("owned", 1)


def test_a_supervisor_declines_directly(client, login, make_ticket):
    ticket = make_ticket(owner=None)
    supervisor = login("supervisor", site=ticket.site)
    post_action(client, ticket, "own", acknowledgement="Spoke to the guest",
                next_contact_by=in_hours(1))
    response = post_action(client, ticket, "decline", reason="Request is a refund of a "
                           "non-refundable rate", alternative_offered="Free date change")
    assert response.status_code == 302
    ticket = fresh(ticket)
    assert (ticket.status, ticket.owner_id) == ("declined", supervisor.id)


def test_transfer_keeps_the_old_owner_until_accepted(client, login, make_user, make_ticket):
    ticket = make_ticket()
    first = ticket.owner
    second = make_user("front_desk", site=ticket.site)
    login(user=first)
    response = post_action(client, ticket, "transfer", to=second.username,
                           handover_note="Guest prefers to deal with the night team")
    assert response.status_code == 302
    ticket = fresh(ticket)
    assert (ticket.owner_id, ticket.pending_transfer_to_id) == (first.id, second.id)
    assert post_action(client, ticket, "accept_transfer").status_code == 409
    login(user=second)
    assert "Accept and own" in _text(client.get(f"/tickets/{ticket.ref}"))
    assert post_action(client, ticket, "accept_transfer").status_code == 302
    ticket = fresh(ticket)
    assert (ticket.owner_id, ticket.pending_transfer_to_id) == (second.id, None)


def test_transfer_to_someone_unknown_is_a_field_error(client, login, make_ticket):
    ticket = make_ticket()
    login(user=ticket.owner)
    response = post_action(client, ticket, "transfer", to="nobody", handover_note="x")
    assert response.status_code == 422
    assert fresh(ticket).pending_transfer_to_id is None


def test_a_supervisor_reassigns_and_escalates(client, login, make_user, make_ticket):
    ticket = make_ticket()
    other = make_user("front_desk", site=ticket.site)
    login("supervisor", site=ticket.site)
    assert post_action(client, ticket, "reassign", to=other.username,
                       reason="Owner off sick").status_code == 302
    assert fresh(ticket).owner_id == other.id
    assert post_action(client, ticket, "escalate", reason="VIP guest").status_code == 302
    assert fresh(ticket).escalation_level == 1


def test_front_desk_cannot_escalate_or_reassign(client, login, make_ticket):
    ticket = make_ticket()
    login(user=ticket.owner)
    assert post_action(client, ticket, "escalate", reason="x").status_code == 409
    assert fresh(ticket).escalation_level == 0


def test_contact_logs_record_kept_and_broken_promises(client, login, make_ticket):
    from datetime import timedelta

    ticket = make_ticket()
    login(user=ticket.owner)
    post_action(client, ticket, "log_contact", note="Rang the room", channel="phone",
                next_contact_by=in_hours(4))
    clock.set_now(clock.utcnow() + timedelta(hours=5))
    post_action(client, ticket, "log_contact", note="Caught them at breakfast",
                channel="front_desk")
    stmt = select(TicketEvent).where(TicketEvent.action == "log_contact")
    kept, broken = db.session.scalars(stmt.order_by(TicketEvent.id)).all()
    assert kept.changes["promise"][1] == "kept"
    assert broken.changes["promise"][1] == "broken"
    page = _text(client.get(f"/tickets/{ticket.ref}"))
    assert "Caught them at breakfast" in page


def test_an_illegal_action_is_refused_with_the_reason(client, login, make_ticket):
    ticket = make_ticket()
    login(user=ticket.owner)
    response = post_action(client, ticket, "resolve", **RESOLUTION)
    assert response.status_code == 409
    assert "owned cannot be resolved" in _text(response)
    assert fresh(ticket).status == "owned"


def test_a_stale_edit_gets_the_conflict_and_keeps_the_typed_text(client, login, make_ticket):
    ticket = make_ticket()
    seen = ticket.version
    login("supervisor", site=ticket.site)
    post_action(client, ticket, "escalate", reason="Guest is a travel writer")
    login(user=ticket.owner)
    response = post_action(client, ticket, "offer_fix", version=seen, committed_by=in_hours(2),
                           **{**FIX, "action": "Refund the spa treatment in full"})
    page = _text(response)
    assert response.status_code == 409
    assert "Someone else changed ticket" in page
    assert "Refund the spa treatment in full" in page
    assert fresh(ticket).status == "owned"
    assert db.session.scalar(select(func.count(FixOffer.id))) == 0


def test_every_change_is_in_the_timeline_with_old_and_new(client, login, make_ticket):
    ticket = make_ticket()
    login(user=ticket.owner)
    post_action(client, ticket, "offer_fix", committed_by=in_hours(3), **FIX)
    event = db.session.scalars(
        select(TicketEvent).where(TicketEvent.action == "offer_fix")
    ).one()
    assert event.changes["status"] == ["owned", "fix_offered"]
    assert event.actor_id == ticket.owner.id
    page = _text(client.get(f"/tickets/{ticket.ref}"))
    assert "fix_offered" in page or "Fix offered" in page


def test_audit_events_cannot_be_changed_or_deleted(app, make_ticket):
    ticket = make_ticket()
    event = db.session.scalars(select(TicketEvent)).first()
    event.note = "rewritten"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(TicketEvent, event.id))
    with pytest.raises(RuntimeError, match="never deleted"):
        db.session.flush()
    db.session.rollback()
    assert ticket.id


def test_another_sites_ticket_is_not_found(client, login, make_site, make_ticket):
    ticket = make_ticket()
    elsewhere = make_site(name="Elsewhere")
    for role in ("front_desk", "supervisor"):
        login(role, site=elsewhere)
        assert client.get(f"/tickets/{ticket.ref}").status_code == 404
        assert post_action(client, ticket, "escalate", reason="x").status_code == 404
    login("manager", site=elsewhere)
    assert client.get(f"/tickets/{ticket.ref}").status_code == 200


def test_a_manager_opens_a_ticket_at_any_site_front_desk_only_at_theirs(client, login,
                                                                        make_site):
    from tickets.categories import active_categories, ensure_default_categories

    ensure_default_categories()
    harbour = make_site(name="Harbour")
    form = {
        "customer_name": "Tom Li", "customer_phone": "13500000000", "customer_tier": "standard",
        "channel": "phone", "dimension": "empathy", "category_id": active_categories()[0].id,
        "severity": "low", "description": "Nobody listened at check-in",
        "site_id": harbour.id,
    }
    login("manager")
    assert 'name="site_id"' in _text(client.get("/tickets/new"))
    assert client.post("/tickets/new", data=form).status_code == 302
    assert db.session.scalars(select(Ticket)).one().site_id == harbour.id
    desk = login("front_desk")
    assert 'name="site_id"' not in _text(client.get("/tickets/new"))
    assert client.post("/tickets/new", data=form).status_code == 302
    newest = db.session.scalars(select(Ticket).order_by(Ticket.id.desc())).first()
    assert newest.site_id == desk.site_id


# --- hostile input on the ticket forms -----------------------------------------------------


@pytest.mark.parametrize("when, reason", [
    ("2300-01-01T00:00", "Choose a time within a year from now."),
    ("0001-01-01T00:00", "That date is out of range."),
    ("9999-12-31T23:59", "That date is out of range."),
])
def test_promises_outside_the_year_ahead_are_field_errors(client, login, make_ticket, when,
                                                          reason):
    ticket = make_ticket(owner=None)
    login(user=ticket.opened_by)
    response = post_action(client, ticket, "own", acknowledgement="Apologised",
                           next_contact_by=when)
    assert response.status_code == 422
    assert reason in _text(response)
    assert (fresh(ticket).status, _events(ticket)) == ("new", ["opened"])


@pytest.mark.parametrize("version", ["١", "²", str(2**31), str(2**63), "-1"])
def test_a_version_that_is_not_ascii_digits_in_range_is_refused(client, login, make_ticket,
                                                                version):
    ticket = make_ticket(owner=None)
    login(user=ticket.opened_by)
    response = post_action(client, ticket, "own", version=version, acknowledgement="Apologised",
                           next_contact_by=in_hours(1))
    assert response.status_code == 422
    assert "This page is out of date" in _text(response)
    assert fresh(ticket).status == "new"


@pytest.mark.parametrize("ref", ["SR-²", "SR-١٢", f"SR-{2**31}", f"SR-{2**63}", "SR-0"])
def test_malformed_references_are_not_found(client, login, make_ticket, ref):
    login("front_desk")
    assert client.get(f"/tickets/{ref}").status_code == 404
    assert client.post(f"/tickets/{ref}/own", data={}).status_code == 404


def test_an_unknown_action_is_not_found(client, login, make_ticket):
    ticket = make_ticket()
    login(user=ticket.owner)
    assert client.post(f"/tickets/{ticket.ref}/teleport", data={}).status_code == 404
    assert _events(ticket) == ["opened", "own"]


@pytest.mark.parametrize("field, value", [
    ("customer_id", "١٢"), ("customer_id", str(2**63)), ("category_id", str(2**63)),
    ("category_id", "²"), ("site_id", str(2**63)),
])
def test_new_ticket_ids_beyond_the_integer_range_are_field_errors(client, login, field, value):
    from tickets.categories import active_categories, ensure_default_categories

    login("manager")
    ensure_default_categories()
    data = {"customer_name": "Ann Lee", "customer_phone": "13800001111", "channel": "phone",
            "dimension": "reliability", "category_id": str(active_categories()[0].id),
            "severity": "medium", "description": "Charged twice", field: value}
    response = client.post("/tickets/new", data=data)
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Ticket.id))) == 0


def test_the_hand_over_menus_start_empty_and_never_offer_the_owner(client, login, make_user,
                                                                   make_ticket):
    import re

    ticket = make_ticket()
    other = make_user("front_desk", site=ticket.site)
    supervisor = login("supervisor", site=ticket.site)
    page = client.get(f"/tickets/{ticket.ref}").get_data(as_text=True)
    menu = re.search(r'<select[^>]*name="reassign-to"[^>]*>(.*?)</select>', page, re.S).group(1)
    values = re.findall(r'<option[^>]*value="([^"]*)"', menu)
    assert values[0] == ""
    assert other.username in values
    assert ticket.owner.username not in values and supervisor.username not in values
    assert not re.search(r"<option[^>]*selected", menu)
    refused = post_action(client, ticket, "reassign", to="", reason="Owner off sick")
    assert refused.status_code == 422
    assert fresh(ticket).owner_id == ticket.owner_id
