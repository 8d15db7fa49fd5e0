"""The notifications page and the bell: what the signed-in user sees and what changes."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from core import clock
from extensions import db
from notifications.models import Notification
from notifications.services import notify

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(app):
    clock.set_now(NOW)


def _notify(user, message="Please call the guest back", ticket=None, at=NOW):
    [row] = notify([user], "escalated", message, ticket=ticket, now=at)
    db.session.commit()
    return row


def _bell(page: str) -> str:
    return re.search(r'<a[^>]*id="notification-bell".*?</a>', page, re.S).group(0)


def test_bell_shows_the_unread_count(client, login):
    user = login("front_desk")
    _notify(user)
    _notify(user)
    _notify(user, at=NOW + timedelta(days=1))
    bell = _bell(client.get("/").get_data(as_text=True))
    assert '<span class="badge rounded-pill text-bg-warning">2</span>' in bell
    assert "2 unread notifications" in bell and "visually-hidden" in bell


def test_bell_without_unread_shows_no_badge(client, login):
    login("front_desk")
    bell = _bell(client.get("/").get_data(as_text=True))
    assert "badge" not in bell and "0 unread notifications" in bell


def test_no_bell_for_anonymous_visitors(client):
    assert 'id="notification-bell"' not in client.get("/sign-in").get_data(as_text=True)


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
    assert "2026-11-23 10:00 CST" in page
    unread_item = re.search(rf'<li[^>]*id="notification-{new.id}"', page).group(0)
    read_item = re.search(rf'<li[^>]*id="notification-{old.id}"', page).group(0)
    assert "notification-unread" in unread_item and "notification-unread" not in read_item


def test_list_page_needs_sign_in(client):
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_list_page_is_paginated(client, login, app):
    app.config["PAGE_SIZE"] = 2
    user = login("front_desk")
    for number in range(3):
        _notify(user, f"Message {number}", at=NOW - timedelta(minutes=number))
    first = client.get("/notifications/").get_data(as_text=True)
    second = client.get("/notifications/?page=2").get_data(as_text=True)
    assert "Message 0" in first and "Message 2" not in first
    assert "Message 2" in second and "Message 0" not in second


def test_mark_one_read(client, login):
    user = login("front_desk")
    row = _notify(user)
    response = client.post(f"/notifications/{row.id}/read")
    assert response.status_code == 302
    db.session.rollback()  # read what the request committed
    assert db.session.get(Notification, row.id).read_at == NOW


def test_cannot_mark_someone_elses_notification(client, login, make_user):
    login("front_desk")
    theirs = _notify(make_user("front_desk"))
    assert client.post(f"/notifications/{theirs.id}/read").status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None


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


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_mark_read_needs_the_csrf_token(client, login):
    user = login("front_desk")
    row = _notify(user)
    assert client.post(f"/notifications/{row.id}/read").status_code == 400
    assert client.post("/notifications/read-all").status_code == 400
    db.session.expire_all()
    assert db.session.get(Notification, row.id).read_at is None
