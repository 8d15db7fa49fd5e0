"""GET /api/v1/notifications: the contract's shape, the caller's own delivered rows only,
each in the caller's language with its message's code and parameters."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from flask_babel import refresh

from core import clock
from core.messages import Message
from extensions import db
from notifications import kinds
from notifications.services import notify
from notifications.wording import Money

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(app):
    clock.set_now(NOW)



def _notify(user, message, ticket=None, at=NOW, critical=False):
    """A notification; a plain text becomes an undeclared message, shown as stored."""
    if not isinstance(message, Message):
        message = Message("test.note", message)
    [row] = notify([user], "sla_at_risk", message, ticket=ticket, now=at, critical=critical)
    db.session.commit()
    return row


def test_notifications_shape_newest_first(client, make_user, make_ticket, bearer):
    user = make_user("front_desk")
    ticket = make_ticket(owner=user)
    old = _notify(user, "older", at=NOW - timedelta(hours=1))
    new = _notify(user, "newer", ticket=ticket)
    _notify(user, "tomorrow", at=NOW + timedelta(days=1))
    _notify(make_user("front_desk"), "someone else's")
    old.read_at = NOW
    db.session.commit()
    response = client.get("/api/v1/notifications", headers=bearer(user))
    assert response.status_code == 200
    assert response.get_json() == {
        "notifications": [
            {"id": new.id, "kind": "sla_at_risk", "ticket": ticket.ref, "message": "newer",
             "code": None, "params": {}, "critical": False,
             "created_at": "2026-11-23T02:00:00+00:00", "read": False},
            {"id": old.id, "kind": "sla_at_risk", "ticket": None, "message": "older",
             "code": None, "params": {}, "critical": False,
             "created_at": "2026-11-23T01:00:00+00:00", "read": True},
        ],
        "unread": 1,
    }


def test_notifications_in_the_callers_language_with_code_and_params(client, make_user,
                                                                   make_ticket, bearer):
    chinese = make_user("front_desk", locale="zh_Hans")
    ticket = make_ticket(owner=chinese)
    [row] = notify([chinese], "ticket_offer_fix",
                   kinds.FIX_WAITS(ref=ticket.ref, amount=Money(Decimal("80.00"), "CNY")),
                   ticket=ticket, now=NOW, critical=True)
    db.session.commit()
    refresh()  # the setup ran in the test's app context: no locale cached for the request
    [note] = client.get("/api/v1/notifications", headers=bearer(chinese)).get_json()[
        "notifications"]
    assert note == {
        "id": row.id, "kind": "ticket_offer_fix", "ticket": ticket.ref,
        "message": f"{ticket.ref}：一项 ¥80.00 的补救方案待您审批。",
        "code": "notify.fix_waits", "params": {"ref": ticket.ref, "amount": "CN¥80.00"},
        "critical": True, "created_at": "2026-11-23T02:00:00+00:00", "read": False,
    }
    english = make_user("front_desk", locale="en")
    notify([english], "ticket_offer_fix",
           kinds.FIX_WAITS(ref=ticket.ref, amount=Money(Decimal("80.00"), "CNY")),
           ticket=ticket, now=NOW)
    db.session.commit()
    refresh()
    [note] = client.get("/api/v1/notifications", headers=bearer(english)).get_json()[
        "notifications"]
    assert note["message"] == f"{ticket.ref}: a fix of CN¥80.00 waits for your approval."


def test_notifications_unread_filter(client, make_user, bearer):
    user = make_user("front_desk")
    read = _notify(user, "seen")
    unread = _notify(user, "not seen")
    read.read_at = NOW
    db.session.commit()
    headers = bearer(user)
    only_unread = client.get("/api/v1/notifications?unread=true", headers=headers).get_json()
    assert [n["id"] for n in only_unread["notifications"]] == [unread.id]
    every = client.get("/api/v1/notifications?unread=false", headers=headers).get_json()
    assert len(every["notifications"]) == 2


def test_notifications_bad_unread_flag(client, make_user, bearer):
    response = client.get("/api/v1/notifications?unread=maybe", headers=bearer(make_user()))
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"unread": "Answer true or false."}


def test_notifications_need_a_token(client):
    response = client.get("/api/v1/notifications")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
