"""Whoever must act next hears about a step; the one who acted does not."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core import clock
from extensions import db
from notifications.models import Notification
from tickets.actions import perform

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
def cast(app, make_site, make_user):
    site = make_site(name="Alert Hotel")
    clock.set_now(T0)
    return {
        "site": site,
        "desk": make_user("front_desk", site=site),
        "desk2": make_user("front_desk", site=site),
        "super": make_user("supervisor", site=site),
        "super2": make_user("supervisor", site=site),
        "manager": make_user("manager", site=site),
    }


def _told(kind: str) -> set[int]:
    stmt = select(Notification.recipient_id).where(Notification.kind == kind)
    return set(db.session.scalars(stmt))


def _fix(amount: str) -> dict:
    return {"action": "Refund the minibar charge to the card today", "remedy_type": "refund",
            "compensation": amount, "committed_by": T0 + timedelta(hours=4)}


def test_a_fix_over_the_limit_goes_to_those_who_may_approve_it(cast, make_ticket):
    ticket = make_ticket(owner=cast["desk"], site=cast["site"])
    perform(ticket, "offer_fix", cast["desk"], _fix("500.00"), version=None, now=T0)
    assert _told("ticket_offer_fix") == {cast["super"].id, cast["super2"].id}
    other = make_ticket(owner=cast["desk"], site=cast["site"])
    perform(other, "offer_fix", cast["desk"], _fix("5000.00"), version=None, now=T0)
    db.session.commit()
    rows = db.session.scalars(select(Notification).where(
        Notification.kind == "ticket_offer_fix", Notification.ticket_id == other.id)).all()
    assert {row.recipient_id for row in rows} == {cast["manager"].id}
    assert rows[0].message == f"{other.ref}: a fix of CN¥5,000.00 waits for your approval."
    assert rows[0].params == {"code": "notify.fix_waits", "params": {
        "ref": other.ref, "amount": {"money": "5000.00", "currency": "CNY"}}}


def test_a_fix_within_the_limit_tells_nobody(cast, make_ticket):
    ticket = make_ticket(owner=cast["desk"], site=cast["site"])
    perform(ticket, "offer_fix", cast["desk"], _fix("50.00"), version=None, now=T0)
    assert _told("ticket_offer_fix") == set()


def test_a_decline_goes_to_the_supervisor_asked_to_sign_it_off(cast, make_ticket):
    ticket = make_ticket(owner=cast["desk"], site=cast["site"])
    perform(ticket, "decline", cast["desk"], {
        "reason": "Asked for a free week", "alternative_offered": "A late check-out tomorrow",
        "signed_off_by": cast["super2"].username}, version=None, now=T0)
    assert _told("ticket_decline") == {cast["super2"].id}


def test_handover_approval_and_escalation(cast, make_ticket):
    ticket = make_ticket(owner=cast["desk"], site=cast["site"])
    perform(ticket, "transfer", cast["desk"], {"to": cast["desk2"].username,
            "handover_note": "Off for three days"}, version=None, now=T0)
    assert _told("ticket_transfer") == {cast["desk2"].id}
    perform(ticket, "escalate", cast["super"], {"reason": "VIP leaving"}, version=None, now=T0)
    assert _told("ticket_escalate") == {cast["super2"].id, cast["desk"].id}
    perform(ticket, "escalate", cast["super"], {"reason": "Still stuck"}, version=None, now=T0)
    level2 = db.session.scalars(select(Notification).where(
        Notification.kind == "ticket_escalate", Notification.recipient_id == cast["manager"].id
    )).all()
    assert len(level2) == 1 and "level 2" in level2[0].message
    other = make_ticket(owner=cast["desk"], site=cast["site"])
    perform(other, "offer_fix", cast["desk"], _fix("500.00"), version=None, now=T0)
    perform(other, "approve", cast["super"], {}, version=None, now=T0)
    assert _told("ticket_approve") == {cast["desk"].id}


def test_system_steps_and_the_actor_are_not_told(cast, make_ticket):
    ticket = make_ticket(owner=cast["super"], site=cast["site"])
    perform(ticket, "escalate", cast["super"], {"reason": "Own escalation"}, version=None, now=T0)
    assert cast["super"].id not in _told("ticket_escalate")
    perform(ticket, "escalate", None, {"reason": "By the system"}, version=None, now=T0)
    assert len(db.session.scalars(select(Notification).where(
        Notification.kind == "ticket_escalate")).all()) == 1
