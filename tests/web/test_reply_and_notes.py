"""Replying to the customer and writing internal notes from the ticket page: the reply is
mailed and shown in the conversation, a canned reply pre-fills the form, a note stays
among colleagues, and the timeline tells the two apart."""

import html
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core import clock
from correspondence.links import status_url
from correspondence.models import CustomerMessage
from correspondence.replies import TemplateInput, deactivate_template, save_template
from customers.services import CustomerInput
from extensions import db
from outbox.models import OutboxMessage
from outbox.sender import send_due
from tests.web.test_queues_and_customers import counted_queries
from tests.web.ticket_helpers import fresh, in_hours, post_action

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
NOTE = "Guest was rude to the night porter; keep an eye on it"
REPLY = "An engineer will fix the heater before 14:00 today."


@pytest.fixture(autouse=True)
def morning_in_shanghai(app):
    clock.set_now(NOW)


@pytest.fixture
def guest_ticket(make_ticket, make_user, login):
    """A ticket owned by the signed-in front desk, for a guest with an e-mail address."""
    owner = make_user("front_desk", display_name="Lin Mei")
    login(user=owner)
    guest = CustomerInput(name="Ann Lee", phone="13800002222", email="ann@example.net",
                          locale="en")
    return make_ticket(owner=owner, customer=guest)


def _page(client, ticket, **query) -> str:
    response = client.get(f"/tickets/{ticket.ref}", query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _conversation(page: str) -> str:
    found = re.search(r'<section[^>]*id="conversation".*?</section>', page, re.S)
    assert found, "the conversation is on the ticket page"
    return found.group(0)


def _reply_box(page: str) -> str:
    found = re.search(r'<textarea[^>]*id="reply-body"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, "the reply form is on the page"
    return html.unescape(found.group(1)).strip()


def _timeline(page: str) -> str:
    return re.search(r'<ol class="timeline" id="timeline">.*?</ol>', page, re.S).group(0)


def _mails_to(address: str) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).where(OutboxMessage.to_address == address)
    return list(db.session.scalars(stmt.order_by(OutboxMessage.id)))


def test_a_reply_from_the_page_is_mailed_and_shown_in_the_conversation(client, guest_ticket):
    response = post_action(client, guest_ticket, "reply", body=REPLY,
                           next_contact_by=in_hours(4))
    assert response.status_code == 302
    ticket = fresh(guest_ticket)
    reply_mail = [m for m in _mails_to("ann@example.net") if m.kind == "customer_reply"]
    assert len(reply_mail) == 1 and REPLY in reply_mail[0].body_text
    assert reply_mail[0].subject.startswith(f"[{ticket.ref}] ")
    assert ticket.next_contact_by == NOW.replace(hour=6)
    conversation = _conversation(_page(client, ticket))
    assert REPLY in conversation
    assert 'data-kind="reply"' in conversation and 'data-state="queued"' in conversation
    assert 'data-kind="acknowledgement"' in conversation
    assert html.escape(status_url(ticket)) in conversation
    assert conversation.index('data-kind="acknowledgement"') < conversation.index(
        'data-kind="reply"'), "newest last"


def test_the_delivery_state_follows_the_outbox(client, guest_ticket, app):
    post_action(client, guest_ticket, "reply", body=REPLY)
    app.config["SMTP_URL"] = ""
    send_due(NOW)
    conversation = _conversation(_page(client, guest_ticket))
    assert 'data-state="logged"' in conversation
    assert "no mail server configured" in conversation


def test_an_empty_reply_is_refused_on_its_field_and_nothing_is_sent(client, guest_ticket):
    before = len(_mails_to("ann@example.net"))
    response = post_action(client, guest_ticket, "reply", body="   ")
    assert response.status_code == 422
    assert "This field is required." in response.get_data(as_text=True)
    assert len(_mails_to("ann@example.net")) == before
    assert fresh(guest_ticket).version == guest_ticket.version


@pytest.mark.parametrize("action", ["reply", "add_note"])
@pytest.mark.parametrize("body", ["bad\x00byte", "x" * 5001])
def test_a_hostile_reply_or_note_is_4xx_and_nothing_is_written(client, guest_ticket, action,
                                                               body):
    before = len(_mails_to("ann@example.net"))
    response = post_action(client, guest_ticket, action, body=body)
    assert 400 <= response.status_code < 500
    assert len(_mails_to("ann@example.net")) == before
    assert fresh(guest_ticket).version == guest_ticket.version


def test_without_an_address_staff_get_the_short_text_to_copy(client, make_ticket, login):
    owner = login("front_desk")
    ticket = make_ticket(owner=owner, customer=CustomerInput(name="Bo Chen",
                                                             phone="13800003333"))
    post_action(client, ticket, "reply", body=REPLY)
    message = db.session.scalars(select(CustomerMessage).where(
        CustomerMessage.ticket_id == ticket.id, CustomerMessage.kind == "reply")).one()
    conversation = _conversation(_page(client, ticket))
    assert 'data-state="not_mailed"' in conversation
    assert "not mailed: no e-mail address" in conversation
    textarea = re.search(rf'<textarea[^>]*id="short-text-{message.id}"[^>]*readonly[^>]*>'
                         r'(.*?)</textarea>', conversation, re.S)
    assert textarea and html.unescape(textarea.group(1)) == message.short_text
    assert REPLY in message.short_text


def test_a_canned_reply_prefills_the_reply_form_for_this_customer(client, guest_ticket):
    template = save_template(TemplateInput(
        locale="en", title="Still on it",
        body="Dear {customer}, {reference} is with {owner}; we call you by {promise}."), NOW)
    chinese = save_template(TemplateInput(locale="zh_Hans", title="仍在处理",
                                          body="{customer}您好"), NOW)
    db.session.commit()
    plain = _page(client, guest_ticket)
    assert _reply_box(plain) == ""
    picker = re.search(r'<div class="mt-3" id="canned-replies">.*?</div>',
                       _conversation(plain), re.S).group(0)
    assert f"reply_template={template.id}" in picker and "Still on it" in picker
    assert "仍在处理" not in picker and f"reply_template={chinese.id}" not in picker
    filled = _reply_box(_page(client, guest_ticket, reply_template=template.id))
    assert filled == (f"Dear Ann Lee, {guest_ticket.ref} is with Lin Mei; we call you by "
                      "Monday, November 23, 2026 11:00 AM (UTC+8).")


@pytest.mark.parametrize("asked", ["999999", ""])
def test_an_unknown_canned_reply_leaves_the_form_empty(client, guest_ticket, asked):
    page = _page(client, guest_ticket, reply_template=asked)
    assert _reply_box(page) == ""
    assert ("no longer offered" in page) is bool(asked)


@pytest.mark.parametrize("asked", ["abc", "١٢", "-1", "0", str(2**31), str(2**63), "²"])
def test_a_malformed_canned_reply_id_is_refused(client, guest_ticket, asked):
    response = client.get(f"/tickets/{guest_ticket.ref}", query_string={
        "reply_template": asked})
    assert response.status_code == 422
    assert "Choose a canned reply from the list." in response.get_data(as_text=True)


@pytest.mark.parametrize("asked", ["nul\x00byte", "1\x00", b"caf\xe9"])
def test_a_hostile_canned_reply_id_is_4xx(client, guest_ticket, asked):
    response = client.get(f"/tickets/{guest_ticket.ref}", query_string={
        "reply_template": asked})
    assert 400 <= response.status_code < 500


def test_a_retired_canned_reply_is_neither_offered_nor_filled(client, guest_ticket):
    template = save_template(TemplateInput(locale="en", title="Old text", body="Hello"), NOW)
    deactivate_template(template, NOW)
    db.session.commit()
    page = _page(client, guest_ticket, reply_template=template.id)
    assert _reply_box(page) == "" and "Old text" not in _conversation(page)
    assert "That canned reply is no longer offered" in page


def test_who_may_not_reply_sees_no_canned_replies(client, guest_ticket, login):
    save_template(TemplateInput(locale="en", title="Still on it", body="Hello"), NOW)
    db.session.commit()
    login("front_desk", site=guest_ticket.site)
    page = _page(client, guest_ticket)
    assert 'id="canned-replies"' not in page and 'id="reply-body"' not in page


def test_a_note_stays_among_colleagues_and_the_timeline_tells_them_apart(
        client, guest_ticket, login):
    assert post_action(client, guest_ticket, "add_note", body=NOTE).status_code == 302
    assert post_action(client, guest_ticket, "reply", body=REPLY).status_code == 302
    # Anyone may write a note, even a colleague who does not own the ticket.
    login("front_desk", site=guest_ticket.site)
    assert post_action(client, guest_ticket, "add_note", body="Seen at breakfast, calm"
                       ).status_code == 302
    page = _page(client, guest_ticket)
    assert NOTE not in _conversation(page)
    assert all(NOTE not in m.body_text for m in _mails_to("ann@example.net"))
    assert all(NOTE not in m.body for m in db.session.scalars(select(CustomerMessage)))
    timeline = _timeline(page)
    notes = re.findall(r'<li class="timeline-note" data-action="add_note">.*?</li>',
                       timeline, re.S)
    (reply_item,) = re.findall(r'<li class="timeline-reply" data-action="reply">.*?</li>',
                               timeline, re.S)
    assert len(notes) == 2 and all("Internal note" in item for item in notes)
    assert any(NOTE in item for item in notes) and all(REPLY not in item for item in notes)
    assert "Reply sent" in reply_item and REPLY in reply_item and NOTE not in reply_item


def test_the_conversation_speaks_chinese_to_chinese_staff(client, make_ticket, make_user,
                                                          login):
    owner = make_user("front_desk", locale="zh_Hans")
    login(user=owner)
    ticket = make_ticket(owner=owner, customer=CustomerInput(
        name="王芳", phone="13800004444", email="wang@example.net", locale="zh_Hans"))
    conversation = _conversation(_page(client, ticket))
    assert "与客人的往来消息" in conversation and "可复制的纯文本" in conversation
    message = db.session.scalars(select(CustomerMessage).where(
        CustomerMessage.ticket_id == ticket.id)).one()
    assert "已收到您的投诉" not in message.short_text  # the subject is not the short text
    assert "正在负责处理您的投诉" in message.short_text


def test_the_conversation_costs_the_same_queries_however_long_it_is(client, guest_ticket):
    post_action(client, guest_ticket, "reply", body=REPLY)
    with counted_queries() as short:
        _page(client, guest_ticket)
    for n in range(4):
        post_action(client, guest_ticket, "reply", body=f"{REPLY} ({n})")
    with counted_queries() as long:
        conversation = _conversation(_page(client, guest_ticket))
    assert conversation.count('data-kind="reply"') == 5
    assert len(long) == len(short), "no query per message"
