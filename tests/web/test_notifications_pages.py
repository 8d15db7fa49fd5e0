"""The notifications page and the bell: what the signed-in user sees and what changes.

The page groups notifications by ticket (urgent groups first), shows each in the reader's
language, filters unread / critical ones and marks one, a ticket's or all of them read;
the bell's count comes with the page and from a JSON endpoint the bell's script polls."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from core import clock
from core.messages import Message
from extensions import db
from notifications import kinds
from notifications.models import Notification
from notifications.services import notify
from notifications.wording import Money

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(app):
    clock.set_now(NOW)


def _notify(user, message="Please call the guest back", ticket=None, at=NOW, critical=False):
    """A notification; a plain text becomes an undeclared message, shown as stored."""
    if not isinstance(message, Message):
        message = Message("test.note", message)
    [row] = notify([user], "escalated", message, ticket=ticket, now=at, critical=critical)
    db.session.commit()
    return row


def _bell(page: str) -> str:
    return re.search(r'<a[^>]*id="notification-bell".*?</a>', page, re.S).group(0)


def _groups(page: str) -> list[str]:
    """The groups' ids, top to bottom."""
    return re.findall(r'<section[^>]*\bid="group-([^"]+)"', page)


def _classes(item: str) -> list[str]:
    return re.search(r'class="([^"]*)"', item).group(1).split()


def _item(page: str, row) -> str:
    return re.search(rf'<li[^>]*id="notification-{row.id}"', page).group(0)


def test_bell_shows_the_unread_count(client, login):
    user = login("front_desk")
    _notify(user)
    _notify(user)
    _notify(user, at=NOW + timedelta(days=1))
    bell = _bell(client.get("/").get_data(as_text=True))
    assert '<span class="badge rounded-pill text-bg-warning">2</span>' in bell
    assert "2 unread notifications" in bell and "visually-hidden" in bell
    assert 'data-unread-url="/notifications/unread.json"' in bell


def test_bell_without_unread_shows_no_badge(client, login):
    login("front_desk")
    bell = _bell(client.get("/").get_data(as_text=True))
    assert "badge" not in bell and "0 unread notifications" in bell


def test_no_bell_for_anonymous_visitors(client):
    assert 'id="notification-bell"' not in client.get("/sign-in").get_data(as_text=True)


def test_every_page_loads_the_bell_poll_script(client, login, app):
    login("front_desk")
    page = client.get("/").get_data(as_text=True)
    assert 'src="/static/js/notification_bell.js"' in page
    script = client.get("/static/js/notification_bell.js")
    assert script.status_code == 200
    source = script.get_data(as_text=True)
    assert "dataset.unreadUrl" in source and "setInterval" in source
    script.close()


def test_unread_json_counts_what_the_bell_shows_in_the_readers_language(client, login,
                                                                       make_user):
    user = login("front_desk", locale="zh_Hans")
    _notify(user)
    _notify(user)
    read = _notify(user)
    _notify(user, at=NOW + timedelta(hours=1))
    _notify(make_user("front_desk"))
    db.session.get(Notification, read.id).read_at = NOW
    db.session.commit()
    response = client.get("/notifications/unread.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json() == {"unread": 2, "label": "2 条未读通知"}
    clock.set_now(NOW + timedelta(hours=2))
    assert client.get("/notifications/unread.json").get_json()["unread"] == 3


def test_unread_json_needs_sign_in(client):
    response = client.get("/notifications/unread.json")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_list_page_shows_delivered_newest_first_with_ticket_link(client, login, make_ticket):
    user = login("front_desk")
    ticket = make_ticket(owner=user)
    old = _notify(user, "Older message", at=NOW - timedelta(hours=1))
    new = _notify(user, "Newer message", ticket=ticket)
    _notify(user, "Not yet delivered", at=NOW + timedelta(days=1))
    db.session.get(Notification, old.id).read_at = NOW
    db.session.commit()
    page = client.get("/notifications/").get_data(as_text=True)
    assert page.index("Newer message") < page.index("Older message")
    assert "Not yet delivered" not in page
    assert f'href="/tickets/{ticket.ref}"' in page
    assert f'datetime="{NOW.isoformat()}"' in page
    assert "notification-unread" in _item(page, new)
    assert "notification-unread" not in _item(page, old)


def test_the_page_groups_by_ticket_with_unread_critical_groups_first(client, login,
                                                                    make_ticket):
    user = login("front_desk")
    calm, urgent, seen = (make_ticket(owner=user) for _ in range(3))
    first_calm = _notify(user, "calm, earlier", ticket=calm, at=NOW - timedelta(hours=3))
    _notify(user, "calm, newest", ticket=calm, at=NOW)
    normal = _notify(user, "urgent ticket, normal", ticket=urgent, at=NOW - timedelta(hours=1))
    alarm = _notify(user, "urgent ticket, critical", ticket=urgent,
                    at=NOW - timedelta(hours=2), critical=True)
    old_alarm = _notify(user, "seen alarm", ticket=seen, at=NOW - timedelta(minutes=5),
                        critical=True)
    _notify(user, "weekly report", at=NOW - timedelta(hours=4))
    db.session.get(Notification, old_alarm.id).read_at = NOW
    db.session.commit()
    page = client.get("/notifications/").get_data(as_text=True)
    # The group with an unread critical one first, then those with anything unread (newest
    # first), then the rest: the critical one already read no longer pulls its group up.
    assert _groups(page) == [urgent.ref, calm.ref, "other", seen.ref]
    assert page.index("calm, newest") < page.index("calm, earlier")
    assert page.index("urgent ticket, critical") < page.index("urgent ticket, normal")
    urgent_group = re.search(rf'<section[^>]*id="group-{urgent.ref}"[^>]*>', page).group(0)
    assert "notification-group-critical" in urgent_group and "border-danger" in urgent_group
    assert {"notification-critical", "notification-unread"} <= set(_classes(_item(page, alarm)))
    assert "notification-critical" in _item(page, old_alarm)
    assert "notification-unread" not in _item(page, old_alarm)
    assert "notification-critical" not in _item(page, normal)
    assert "notification-critical" not in _item(page, first_calm)
    assert page.count(f'href="/tickets/{calm.ref}"') == 1  # the ticket is named once


def test_a_group_shows_its_newest_and_says_how_many_are_older(client, login, make_ticket,
                                                              monkeypatch):
    import notifications.inbox

    monkeypatch.setattr(notifications.inbox, "PER_GROUP", 2)
    user = login("front_desk")
    ticket = make_ticket(owner=user)
    for minutes in range(4):
        _notify(user, f"step {minutes}", ticket=ticket, at=NOW - timedelta(minutes=minutes))
    page = client.get("/notifications/").get_data(as_text=True)
    assert "step 0" in page and "step 1" in page and "step 2" not in page
    assert "2 older notification(s) not shown." in page


def test_unread_and_critical_filters(client, login, make_ticket):
    user = login("front_desk")
    ticket = make_ticket(owner=user)
    read = _notify(user, "read calm", ticket=ticket)
    _notify(user, "unread calm", ticket=ticket)
    _notify(user, "unread alarm", critical=True)
    read_alarm = _notify(user, "read alarm", ticket=ticket, critical=True)
    for row in (read, read_alarm):
        db.session.get(Notification, row.id).read_at = NOW
    db.session.commit()

    def shown(query):
        page = client.get(f"/notifications/{query}").get_data(as_text=True)
        return {text for text in ("read calm", "unread calm", "unread alarm", "read alarm")
                if f">{text}<" in page}, page

    everything, page = shown("")
    assert everything == {"read calm", "unread calm", "unread alarm", "read alarm"}
    assert 'id="filter-all" href="/notifications/" aria-current="page"' in page
    unread, page = shown("?unread=1")
    assert unread == {"unread calm", "unread alarm"}
    assert 'id="filter-unread" href="/notifications/?unread=1" aria-current="page"' in page
    critical, _page = shown("?critical=1")
    assert critical == {"unread alarm", "read alarm"}
    both, _page = shown("?unread=1&critical=1")
    assert both == {"unread alarm"}
    tolerant, _page = shown("?unread=yes&critical=%3Cscript%3E")
    assert tolerant == everything


def test_a_filter_with_nothing_says_so(client, login):
    user = login("front_desk")
    _notify(user, "calm")
    page = client.get("/notifications/?critical=1").get_data(as_text=True)
    assert "No critical notifications." in page and ">calm<" not in page


def test_notifications_read_in_the_readers_language(client, login, make_ticket, make_user):
    """Stored as code and parameters: the same row reads in Chinese for a Chinese reader,
    with the amount in the Chinese money style, and in English for an English one."""
    chinese = make_user("front_desk", locale="zh_Hans")
    ticket = make_ticket(owner=chinese)
    message = kinds.FIX_WAITS(ref=ticket.ref, amount=Money(Decimal("80.00"), "CNY"))
    _notify(chinese, message, ticket=ticket)
    _notify(chinese, kinds.REQUEST_SENT_BACK(ref=ticket.ref, actor="林梅"), ticket=ticket)
    login(user=chinese)  # (its request ends with a fresh `g`: no locale cached by the setup)
    page = client.get("/notifications/").get_data(as_text=True)
    assert f"{ticket.ref}：一项 ¥80.00 的补救方案待您审批。" in page
    assert f"{ticket.ref}：林梅 退回了您的申请。" in page
    assert "waits for your approval" not in page
    english = make_user("front_desk", locale="en")
    _notify(english, message, ticket=ticket)
    login(user=english)
    page = client.get("/notifications/").get_data(as_text=True)
    assert f"{ticket.ref}: a fix of CN¥80.00 waits for your approval." in page


def test_list_page_needs_sign_in(client):
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_list_page_is_paginated_by_groups(client, login, app, make_ticket):
    app.config["PAGE_SIZE"] = 2
    user = login("front_desk")
    tickets = [make_ticket(owner=user) for _ in range(3)]
    for number, ticket in enumerate(tickets):
        _notify(user, f"Message {number}", ticket=ticket, at=NOW - timedelta(minutes=number))
    first = client.get("/notifications/").get_data(as_text=True)
    second = client.get("/notifications/?page=2").get_data(as_text=True)
    assert _groups(first) == [tickets[0].ref, tickets[1].ref]
    assert _groups(second) == [tickets[2].ref]
    assert "Message 2" in second and "Message 0" not in second
    assert _groups(client.get("/notifications/?page=99").get_data(as_text=True)) == [
        tickets[2].ref]


def test_mark_one_read_keeps_the_filter(client, login):
    user = login("front_desk")
    row = _notify(user)
    response = client.post(f"/notifications/{row.id}/read?unread=1&page=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/notifications/?page=1&unread=1"
    db.session.rollback()  # read what the request committed
    assert db.session.get(Notification, row.id).read_at == NOW


def test_cannot_mark_someone_elses_notification(client, login, make_user):
    login("front_desk")
    theirs = _notify(make_user("front_desk"))
    assert client.post(f"/notifications/{theirs.id}/read").status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None


def test_mark_a_tickets_notifications_read(client, login, make_ticket, make_user):
    user = login("front_desk")
    ticket, other = make_ticket(owner=user), make_ticket(owner=user)
    mine = [_notify(user, ticket=ticket), _notify(user, ticket=ticket, critical=True)]
    kept = _notify(user, ticket=other)
    later = _notify(user, ticket=ticket, at=NOW + timedelta(hours=1))
    theirs = _notify(make_user("front_desk"), ticket=ticket)
    response = client.post(f"/notifications/tickets/{ticket.ref}/read", follow_redirects=True)
    assert "2 notification(s) marked as read." in response.get_data(as_text=True)
    db.session.rollback()
    assert all(db.session.get(Notification, n.id).read_at == NOW for n in mine)
    for row in (kept, later, theirs):
        assert db.session.get(Notification, row.id).read_at is None
    assert client.post("/notifications/tickets/nonsense/read").status_code == 404


def test_mark_all_read(client, login, make_user):
    user = login("front_desk")
    other = make_user("front_desk")
    mine = [_notify(user), _notify(user)]
    theirs = _notify(other)
    response = client.post("/notifications/read-all", follow_redirects=True)
    assert "2 notification(s) marked as read." in response.get_data(as_text=True)
    db.session.rollback()
    assert all(db.session.get(Notification, n.id).read_at == NOW for n in mine)
    assert db.session.get(Notification, theirs.id).read_at is None
    assert "badge" not in _bell(response.get_data(as_text=True))
    assert 'id="mark-all-read"' not in response.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_mark_read_needs_the_csrf_token(client, login, make_ticket):
    user = login("front_desk")
    ticket = make_ticket(owner=user)
    row = _notify(user, ticket=ticket)
    assert client.post(f"/notifications/{row.id}/read").status_code == 400
    assert client.post("/notifications/read-all").status_code == 400
    assert client.post(f"/notifications/tickets/{ticket.ref}/read").status_code == 400
    db.session.expire_all()
    assert db.session.get(Notification, row.id).read_at is None
