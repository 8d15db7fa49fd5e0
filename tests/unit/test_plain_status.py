"""The guest's words for a ticket's state, the owner's first name and the promise. No app."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from core.vocabulary import Status
from correspondence.plain_status import (
    Standing,
    awaits_answer,
    first_name,
    headline,
    offer_shown,
    promise_sentence,
    sentence,
    shows_own_words,
    signed_by,
)
from correspondence.wording import when_words

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


@pytest.mark.parametrize(("display_name", "expected"), [
    ("Grace Wang", "Grace"), ("  Grace   Wang ", "Grace"), ("Grace", "Grace"),
    ("王芳", "王芳"), ("欧阳 娜娜", "欧阳 娜娜"), ("", None), (None, None), ("   ", None),
])
def test_the_first_name_is_the_first_word_but_a_chinese_name_stays_whole(display_name,
                                                                        expected):
    assert first_name(display_name) == expected


def test_every_state_has_a_headline_and_a_sentence():
    for status in Status:
        assert str(headline(status))
        assert str(sentence(Standing(status=status, owner_name="Grace")))


@pytest.mark.parametrize(("standing", "words"), [
    (Standing("new"), "We have your complaint and someone will contact you soon."),
    (Standing("owned", "Grace"), "Grace is looking after your complaint."),
    (Standing("owned", None), "Our team is looking after your complaint."),
    (Standing("owned", "Grace", reopened=True),
     "We have opened your complaint again. Grace is looking after it."),
    (Standing("fix_offered", "Grace"),
     "We have offered a fix — please tell us if it works for you."),
    (Standing("fix_offered", "Grace", customer_response="accepted"),
     "Thank you for accepting our offer. Grace is putting it into effect."),
    (Standing("fix_offered", "Grace", customer_response="countered"),
     "Thank you for your answer. Grace will come back to you with another solution."),
    (Standing("awaiting_approval", "Grace", pending_approval_kind="fix"),
     "We are getting a fix approved."),
    (Standing("awaiting_approval", "Grace", pending_approval_kind="decline"),
     "We are reviewing your complaint with a manager and will tell you our decision."),
])
def test_the_sentence_follows_the_state_and_the_answer(standing, words):
    assert str(sentence(standing)) == words


@pytest.mark.parametrize(("later", "words"), [
    (timedelta(hours=3), "today at 13:00"),
    (timedelta(days=1, minutes=30), "tomorrow at 10:30"),
    (timedelta(days=4), "on Friday 27 November at 10:00"),
    (timedelta(hours=14), "tomorrow at 00:00"),  # the day turns in Shanghai, not in UTC
])
def test_a_moment_in_guest_words_in_the_sites_zone(later, words):
    assert str(when_words(NOW + later, SHANGHAI, NOW, "en")) == words


def test_the_date_reads_the_chinese_way_in_chinese():
    assert "11月27日星期五" in str(when_words(NOW + timedelta(days=4), SHANGHAI, NOW, "zh_Hans"))


def test_the_promise_is_said_only_while_it_stands():
    due = NOW + timedelta(hours=2)
    assert str(promise_sentence("new", due, False, SHANGHAI, NOW, "en")) == (
        "Someone will contact you by today at 12:00.")
    assert str(promise_sentence("owned", due, False, SHANGHAI, NOW, "en")) == (
        "We will contact you again by today at 12:00.")
    assert str(promise_sentence("owned", NOW - timedelta(hours=1), False, SHANGHAI, NOW,
                                "en")) == "We promised to contact you by today at 09:00."
    assert promise_sentence("owned", due, True, SHANGHAI, NOW, "en") is None
    assert promise_sentence("resolved", due, False, SHANGHAI, NOW, "en") is None
    assert promise_sentence("owned", None, False, SHANGHAI, NOW, "en") is None


def _offer(needs_approval=False, approved=False):
    return SimpleNamespace(needs_approval=needs_approval, approved_at=NOW if approved else None)


def _ticket(status, offer=None, response=None, channel="web"):
    return SimpleNamespace(status=status, current_offer=offer, customer_response=response,
                           channel=channel)


def test_the_customer_may_answer_only_an_offer_put_to_them_and_not_yet_answered():
    offer = _offer()
    assert awaits_answer(_ticket("fix_offered", offer))
    assert not awaits_answer(_ticket("fix_offered", offer, response="accepted"))
    assert not awaits_answer(_ticket("fix_offered", None))
    for status in ("owned", "awaiting_approval", "resolved", "closed"):
        assert not awaits_answer(_ticket(status, offer)), status


def test_an_offer_is_shown_once_put_to_the_customer_never_while_awaiting_approval():
    assert offer_shown(_ticket("awaiting_approval", _offer(needs_approval=True))) is None
    approved = _offer(needs_approval=True, approved=True)
    assert offer_shown(_ticket("fix_offered", approved)) is approved
    plain = _offer()
    for status in ("fix_offered", "resolved", "closed"):
        assert offer_shown(_ticket(status, plain)) is plain, status
    for status in ("owned", "declined"):
        assert offer_shown(_ticket(status, plain)) is None, status
    assert offer_shown(_ticket("fix_offered", None)) is None


def test_only_a_description_the_customer_wrote_is_shown_as_their_words():
    assert shows_own_words(_ticket("new", channel="web"))
    assert shows_own_words(_ticket("new", channel="email"))
    assert not shows_own_words(_ticket("new", channel="front_desk"))
    assert not shows_own_words(_ticket("new", channel="phone"))


@pytest.mark.parametrize(("author", "expected"), [
    (SimpleNamespace(display_name="Grace Wang"), "Grace"),
    (SimpleNamespace(display_name="王芳"), "王芳"),
    (SimpleNamespace(display_name="  "), "Bund Hotel"),
    (None, "Bund Hotel"),
])
def test_a_staff_message_is_signed_by_the_first_name_else_the_site(author, expected):
    assert signed_by(SimpleNamespace(author=author), "Bund Hotel") == expected
