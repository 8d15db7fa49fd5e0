"""The customer's status page: a signed link, no sign-in; how it stands in plain words, the
owner's first name, the promise, this ticket's messages only (never internal notes), the
fix offer to answer (recorded as staff would record it), and a box for more information
and a photo. Polite 404/410/409 pages, CSRF, rate limit."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core import clock
from correspondence.inbound import receive_customer_words
from correspondence.links import make_token, status_path
from correspondence.models import CustomerMessage
from customers.services import CustomerInput
from extensions import db
from notifications.models import Notification
from tests.conftest import FIX_FIELDS
from tests.web.test_csrf_and_headers import csp_offences
from tests.web.ticket_helpers import fresh
from tickets.actions import perform
from tickets.models import Attachment, Ticket

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Shanghai
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ESCALATION = "Guest threatens a bad review online"
NOTE = "Internal: the night manager forgot the booking, do not tell the guest"


@pytest.fixture
def owner(app, make_site, make_user):
    return make_user("front_desk", site=make_site(name="Harbour Hotel"),
                     display_name="Grace Wang")


@pytest.fixture
def ticket(app, make_ticket, owner, tmp_path):
    """An owned ticket: a reply to the customer promising the next contact tomorrow 10:30
    Shanghai time, the customer's own message, an internal note; the clock at T0."""
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    clock.set_now(T0)
    ticket = make_ticket(owner=owner, customer=CustomerInput(name="Lin Hua", phone="13911112222"))
    perform(ticket, "reply", owner, {"body": "We are sorry: housekeeping comes at 11.",
                                     "next_contact_by": T0 + timedelta(days=1, minutes=30)},
            version=None, now=T0)
    receive_customer_words(ticket, "The towels are still missing.", "status_page", T0)
    perform(ticket, "add_note", owner, {"body": NOTE}, version=None, now=T0)
    db.session.commit()
    return ticket


def offered(ticket: Ticket) -> Ticket:
    perform(ticket, "offer_fix", ticket.owner,
            {**FIX_FIELDS, "compensation": "200", "committed_by": T0 + timedelta(hours=3)},
            version=None, now=T0)
    db.session.commit()
    return fresh(ticket)


def _page(client, ticket, **query):
    response = client.get(status_path(ticket), query_string=query)
    return response, response.get_data(as_text=True)


def _answer(client, ticket, button: str, comment: str = ""):
    return client.post(status_path(ticket), data={f"answer-{button}": "x",
                                                  "answer-comment": comment})


def _add(client, ticket, body: str, photo: tuple[bytes, str] | None = None):
    data = {"info-send": "Send", "info-body": body}
    if photo is not None:
        data["info-photo"] = (io.BytesIO(photo[0]), photo[1])
    return client.post(status_path(ticket), data=data, content_type="multipart/form-data")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _state(ticket: Ticket) -> tuple:
    """Everything a refused POST must leave alone."""
    db.session.rollback()
    current = fresh(ticket)
    return (current.version, current.customer_response, current.customer_replied_at,
            _count(CustomerMessage), _count(Attachment), _count(Notification))


# --- what the page shows ---------------------------------------------------------------


def test_the_page_shows_the_state_the_owner_the_promise_and_this_tickets_messages(
        client, make_ticket, make_user, ticket):
    lead = make_user("supervisor", site=ticket.site)
    perform(ticket, "escalate", lead, {"reason": ESCALATION}, version=None, now=T0)
    other = make_ticket(site=ticket.site, customer=CustomerInput(name="Zhou Other",
                                                                 phone="13700000001"))
    receive_customer_words(other, "Another guest's secret words", "status_page", T0)
    db.session.commit()
    response, text = _page(client, ticket)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert ticket.ref in text and "Harbour Hotel" in text
    assert "Grace is looking after your complaint." in text, "the owner's first name"
    assert "We will contact you again by tomorrow at 10:30." in text
    assert "housekeeping comes at 11" in text
    assert "The towels are still missing." in text
    assert 'data-direction="in"' in text and 'data-direction="out"' in text
    assert NOTE not in text and "night manager" not in text
    assert ESCALATION not in text and ticket.owner.username not in text, "staff-only"
    assert other.ref not in text and "secret words" not in text and "Zhou" not in text
    assert 'id="answer-form"' not in text, "nothing to answer before a fix is offered"


def test_the_page_speaks_the_customers_language(client, make_ticket, owner):
    clock.set_now(T0)
    chinese = make_ticket(owner=owner, customer=CustomerInput(
        name="Wang Li", phone="13922223333", locale="zh_Hans"))
    response, text = _page(client, chinese)
    assert response.status_code == 200
    assert 'lang="zh-Hans"' in text
    assert "Grace 正在负责处理您的投诉。" in text
    english = _page(client, chinese, lang="en")[1]
    assert "Grace is looking after your complaint." in english


def test_the_fix_offered_is_shown_with_two_buttons(client, ticket):
    offered(ticket)
    text = _page(client, ticket)[1]
    assert "We have offered a fix — please tell us if it works for you." in text
    assert FIX_FIELDS["action"] in text
    assert "200.00" in text
    assert "We will do this by today at 13:00." in text
    assert 'name="answer-accept"' in text and 'name="answer-other"' in text
    assert csp_offences(text) == []


def test_a_tampered_link_is_a_polite_404(client, ticket):
    before, token = _state(ticket), make_token(ticket)
    for bad in (token[:-2] + "xx", "not-a-token", make_token(ticket, "another-secret")):
        response = client.get(f"/status/{bad}")
        assert response.status_code == 404
        text = response.get_data(as_text=True)
        assert "This link does not work" in text and ticket.ref not in text
        assert client.post(f"/status/{bad}", data={"info-send": "x", "info-body": "Hi"}
                           ).status_code == 404
    assert _state(ticket) == before


def _closed(ticket: Ticket, resolve_ticket, make_user, days_ago: int) -> Ticket:
    clock.set_now(T0 - timedelta(days=days_ago))
    resolve_ticket(ticket)
    lead = make_user("supervisor", site=ticket.site)
    perform(ticket, "close", lead, {}, version=None, now=clock.utcnow())
    db.session.commit()
    clock.set_now(T0)
    return fresh(ticket)


@pytest.mark.parametrize(("days_ago", "status"), [(31, 410), (29, 200)])
def test_a_link_expires_30_days_after_closing(client, ticket, resolve_ticket, make_user,
                                             days_ago, status):
    _closed(ticket, resolve_ticket, make_user, days_ago)
    response, text = _page(client, ticket)
    assert response.status_code == status
    if status == 410:
        assert "This link has expired" in text
        assert "towels" not in text
    else:
        assert "Your complaint is closed." in text


# --- answering the fix offered -----------------------------------------------------------


def test_accepting_records_the_customers_answer_as_staff_would_and_resumes_the_clock(
        client, ticket):
    ticket = offered(ticket)
    assert ticket.resolution_paused_since is not None
    version = ticket.version
    response = _answer(client, ticket, "accept")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(status_path(ticket))
    db.session.rollback()
    ticket = fresh(ticket)
    assert ticket.customer_response == "accepted"
    assert ticket.current_offer.customer_response == "accepted"
    assert ticket.resolution_paused_since is None, "the paused clock runs again"
    assert ticket.version == version + 1
    (event,) = [e for e in ticket.events if e.id > 0][version:]
    assert (event.action, event.actor_id) == ("record_response", None)
    assert event.changes["answered_by"] == [None, "customer"]
    assert event.changes["customer_response"] == [None, "accepted"]
    told = db.session.scalars(select(Notification).where(
        Notification.kind == "customer_answered")).one()
    assert told.recipient_id == ticket.owner_id
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thank you for accepting our offer." in followed
    assert "You accepted this offer." in followed and 'name="answer-accept"' not in followed


def test_something_else_with_a_comment_is_recorded_and_reaches_the_owner(client, ticket):
    ticket = offered(ticket)
    response = _answer(client, ticket, "other", "A refund instead, please")
    assert response.status_code == 303
    db.session.rollback()
    ticket = fresh(ticket)
    assert ticket.customer_response == "countered"
    answer = next(e for e in ticket.events if e.action == "record_response")
    assert answer.note == "A refund instead, please" and answer.actor_id is None
    message = db.session.scalars(select(CustomerMessage).order_by(CustomerMessage.id.desc())
                                 ).first()
    assert (message.direction, message.source, message.body) == (
        "in", "status_page", "A refund instead, please")
    assert ticket.customer_replied_at == T0
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.kind == "customer_message", Notification.recipient_id == ticket.owner_id))


def test_something_else_without_a_comment_keeps_the_page_and_changes_nothing(client, ticket):
    ticket = offered(ticket)
    before = _state(ticket)
    response = _answer(client, ticket, "other", "   ")
    assert response.status_code == 422
    assert "Please tell us what you would like instead." in response.get_data(as_text=True)
    assert _state(ticket) == before


def test_answering_twice_is_a_polite_409_and_changes_nothing(client, ticket):
    ticket = offered(ticket)
    assert _answer(client, ticket, "accept").status_code == 303
    before = _state(ticket)
    again = _answer(client, ticket, "other", "Actually, a refund")
    assert again.status_code == 409
    assert "We already have your answer to this offer" in again.get_data(as_text=True)
    assert _state(ticket) == before
    assert fresh(ticket).customer_response == "accepted"


def test_an_answer_when_no_fix_is_offered_is_a_409(client, ticket):
    before = _state(ticket)
    assert _answer(client, ticket, "accept").status_code == 409
    assert _state(ticket) == before


# --- adding information and a photo ------------------------------------------------------


def test_added_information_becomes_a_customer_message_and_tells_the_owner(client, ticket):
    version = fresh(ticket).version
    response = _add(client, ticket, "Room 1203, and the kettle is broken too.")
    assert response.status_code == 303
    db.session.rollback()
    ticket = fresh(ticket)
    message = db.session.scalars(select(CustomerMessage).where(
        CustomerMessage.body == "Room 1203, and the kettle is broken too.")).one()
    assert (message.ticket_id, message.direction, message.source) == (
        ticket.id, "in", "status_page")
    assert ticket.customer_replied_at == T0
    assert ticket.version == version + 1
    assert ticket.events[-1].action == "customer_message"
    owner_told = db.session.scalars(select(Notification).where(
        Notification.kind == "customer_message")).all()
    assert ticket.owner_id in {n.recipient_id for n in owner_told}
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thank you. We have added this to your complaint." in followed
    assert "the kettle is broken too" in followed


def test_a_photo_is_stored_through_the_upload_checks(client, ticket):
    response = _add(client, ticket, "Here is the stain", (PNG, "stain.png"))
    assert response.status_code == 303
    db.session.rollback()
    stored = db.session.scalars(select(Attachment)).one()
    assert (stored.ticket_id, stored.uploaded_by_id, stored.content_type, stored.file_name) == (
        ticket.id, None, "image/png", "stain.png")
    assert fresh(ticket).events[-1].action == "add_attachment"


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_stored(client, ticket, tmp_path):
    before = _state(ticket)
    response = _add(client, ticket, "See the attached script", (b"#!/bin/sh\nrm -rf /\n",
                                                                "photo.png"))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Please send a photo (JPEG, PNG, WebP, HEIC) or a PDF" in text
    assert "See the attached script" in text, "what was typed is kept"
    assert _state(ticket) == before
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").rglob("*"))


def test_empty_information_is_a_field_error(client, ticket):
    before = _state(ticket)
    response = _add(client, ticket, "  ")
    assert response.status_code == 422
    assert "Please write a few words." in response.get_data(as_text=True)
    assert _state(ticket) == before


def test_words_to_a_ticket_closed_long_ago_open_a_linked_ticket(client, ticket, resolve_ticket,
                                                              make_user):
    _closed(ticket, resolve_ticket, make_user, 20)
    response = _add(client, ticket, "The same problem is back", (PNG, "again.png"))
    assert response.status_code == 303
    db.session.rollback()
    newest = db.session.scalars(select(Ticket).order_by(Ticket.id.desc())).first()
    assert newest.id != ticket.id and newest.linked_ticket_id == ticket.id
    assert response.headers["Location"].endswith(status_path(newest))
    assert db.session.scalars(select(Attachment)).one().ticket_id == newest.id
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"We have opened a new complaint for you: {newest.ref}." in followed


# --- abuse: CSRF and the rate limit ------------------------------------------------------


def _token_of(text: str, form: str) -> str:
    return re.search(rf'name="{form}-csrf_token" type="hidden" value="([^"]+)"', text).group(1)


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_a_post_without_its_csrf_token_is_refused_and_changes_nothing(client, ticket):
    ticket = offered(ticket)
    text = _page(client, ticket)[1]
    before = _state(ticket)
    missing = client.post(status_path(ticket), data={"answer-accept": "Accept"})
    assert missing.status_code == 400
    assert 'data-notice="stale_form"' in missing.get_data(as_text=True)
    info = client.post(status_path(ticket), data={"info-send": "Send",
                                                  "info-body": "Keep these words"})
    assert info.status_code == 400 and "Keep these words" in info.get_data(as_text=True)
    assert _state(ticket) == before
    accepted = client.post(status_path(ticket), data={
        "answer-accept": "Accept", "answer-csrf_token": _token_of(text, "answer")})
    assert accepted.status_code == 303
    db.session.rollback()
    assert fresh(ticket).customer_response == "accepted"


@pytest.mark.parametrize("app_config", [{"RATELIMIT_STATUS_PAGE": "2 per minute"}])
def test_posts_past_the_limit_are_429_and_keep_what_was_typed(client, ticket):
    assert _add(client, ticket, "First").status_code == 303
    assert _add(client, ticket, "Second").status_code == 303
    before = _state(ticket)
    refused = _add(client, ticket, "Third, please keep me")
    assert refused.status_code == 429
    text = refused.get_data(as_text=True)
    assert "Third, please keep me" in text and 'data-notice="too_many"' in text
    assert _state(ticket) == before
    assert client.get(status_path(ticket)).status_code == 200, "reading is not limited"
