"""Staff side of the follow-up loop: the form on the ticket page, the queue, the QR code."""

from datetime import UTC, datetime, timedelta

import pytest

from core import clock
from extensions import db
from followups.models import FollowUpAttempt
from tests.web.ticket_helpers import fresh, post_action

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


@pytest.fixture
def resolved(app, make_ticket, resolve_ticket):
    clock.set_now(T0)
    return resolve_ticket(make_ticket())


def test_the_ticket_page_shows_the_plan_and_offers_the_follow_up_form(client, login, resolved):
    login(user=resolved.owner)
    clock.set_now(T0 + timedelta(days=2))
    text = client.get(f"/tickets/{resolved.ref}").get_data(as_text=True)
    assert 'id="follow-ups"' in text
    assert "Nov 25, 2026 10:00 UTC+8" in text and "Nov 30, 2026 10:00 UTC+8" in text
    assert 'id="action-follow_up"' in text
    assert 'name="follow_up-reached"' in text
    assert 'id="survey-url"' in text and "/survey/" in text


def test_recording_a_check_in_through_the_page(client, login, resolved):
    login(user=resolved.owner)
    clock.set_now(T0 + timedelta(days=2))
    response = post_action(client, resolved, "follow_up", kind="check_in", reached="yes",
                           csat="4", recovered="", would_recommend="yes", comment="Fine now")
    assert response.status_code == 302
    ticket = fresh(resolved)
    attempt = db.session.query(FollowUpAttempt).one()
    assert (attempt.reached, attempt.csat, attempt.recovered, attempt.would_recommend) == (
        True, 4, None, True)
    assert attempt.recorded_by_id == resolved.owner_id
    assert ticket.status == "resolved"
    page = client.get(f"/tickets/{ticket.ref}").get_data(as_text=True)
    assert "Fine now" in page and "CSAT 4/5" in page


def test_a_survey_needs_its_answers_and_keeps_what_was_typed(client, login, resolved):
    login(user=resolved.owner)
    version = fresh(resolved).version
    response = post_action(client, resolved, "follow_up", kind="survey", reached="yes",
                           csat="", recovered="", comment="Guest was in a hurry")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "score from 1 to 5" in text and "put right" in text
    assert "Guest was in a hurry</textarea>" in text
    assert fresh(resolved).version == version
    assert db.session.query(FollowUpAttempt).count() == 0


def test_a_dissatisfied_survey_from_the_page_reopens_the_ticket(client, login, resolved):
    login(user=resolved.owner)
    response = post_action(client, resolved, "follow_up", kind="survey", reached="yes",
                           csat="1", recovered="no")
    assert response.status_code == 302
    ticket = fresh(resolved)
    assert ticket.status == "owned"
    assert [e.action for e in ticket.events[-2:]] == ["follow_up", "reopen"]


def test_a_stale_follow_up_is_a_conflict(client, login, resolved):
    login(user=resolved.owner)
    stale = fresh(resolved).version
    post_action(client, resolved, "follow_up", kind="check_in", reached="no")
    response = post_action(client, resolved, "follow_up", version=stale, kind="check_in",
                           reached="no", comment="left a voicemail")
    assert response.status_code == 409
    assert "left a voicemail" in response.get_data(as_text=True)
    assert db.session.query(FollowUpAttempt).count() == 1


def test_the_queue_lists_due_follow_ups_mine_and_site(client, login, resolved, make_ticket,
                                                       resolve_ticket, make_user):
    other = resolve_ticket(make_ticket(site=resolved.site))
    clock.set_now(T0 + timedelta(days=2, hours=1))
    login(user=resolved.owner)
    mine = client.get("/follow-ups/").get_data(as_text=True)
    assert resolved.ref in mine and other.ref not in mine
    assert "Overdue" in mine
    site = client.get("/follow-ups/?scope=site").get_data(as_text=True)
    assert resolved.ref in site and other.ref in site
    upcoming = client.get("/follow-ups/?when=upcoming").get_data(as_text=True)
    assert resolved.ref in upcoming and "Check-in" not in upcoming.split("<tbody>")[1]


def test_the_queue_hides_other_sites(client, login, resolved, make_site, make_user):
    clock.set_now(T0 + timedelta(days=3))
    stranger = make_user("supervisor", site=make_site(name="Elsewhere"))
    login(user=stranger)
    assert resolved.ref not in client.get("/follow-ups/?scope=site").get_data(as_text=True)
    assert client.get(f"/follow-ups/survey-qr/{resolved.ref}.svg").status_code == 404


def test_the_survey_qr_code_is_an_svg_of_the_link(client, login, resolved):
    login(user=resolved.owner)
    response = client.get(f"/follow-ups/survey-qr/{resolved.ref}.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.get_data(as_text=True).count("<svg") == 1
