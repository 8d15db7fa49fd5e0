"""The customer's own survey page: signed, expiring, single-use links, no sign-in, in the
customer's language, recording exactly what a staff-entered survey would."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core import clock
from extensions import db
from followups.models import FollowUpAttempt
from followups.survey_link import make_token, survey_path
from notifications.models import Notification
from tests.web.ticket_helpers import fresh
from tickets.actions import perform

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
HAPPY = {"csat": "5", "recovered": "yes", "would_recommend": "yes", "comment": "Lovely room"}


@pytest.fixture
def survey(app, make_ticket, resolve_ticket, make_user):
    """A resolved ticket's open survey, with a supervisor on its site; the clock at +7 days."""
    clock.set_now(T0)
    ticket = resolve_ticket(make_ticket())
    make_user("supervisor", site=ticket.site)
    clock.set_now(T0 + timedelta(days=7))
    return next(f for f in ticket.follow_ups if f.kind == "survey")


def _path(follow_up) -> str:
    return survey_path(follow_up, "test-secret")


def _attempts() -> int:
    return db.session.scalar(select(func.count(FollowUpAttempt.id)))


def test_the_customer_answers_without_signing_in_and_the_ticket_closes(client, survey):
    page = client.get(_path(survey))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "How did we do?" in text and survey.ticket.ref in text
    assert 'name="csat"' in text and 'name="would_recommend"' in text
    response = client.post(_path(survey), data=HAPPY)
    assert response.status_code == 200
    assert "glad we could help" in response.get_data(as_text=True)
    db.session.rollback()  # read what the request committed
    ticket = fresh(survey.ticket)
    assert ticket.status == "closed"
    attempt = db.session.scalars(select(FollowUpAttempt)).one()
    assert (attempt.csat, attempt.recovered, attempt.would_recommend) == (5, True, True)
    assert attempt.by_customer and attempt.recorded_by_id is None
    assert attempt.comment == "Lovely room"
    assert ticket.events[-2].action == "follow_up"
    assert ticket.events[-2].changes["by"] == [None, "customer (survey link)"]


def test_a_dissatisfied_answer_reopens_the_ticket_like_a_staff_survey(client, survey):
    response = client.post(_path(survey), data={**HAPPY, "csat": "2"})
    text = response.get_data(as_text=True)
    assert "will contact you again" in text
    db.session.rollback()
    ticket = fresh(survey.ticket)
    assert (ticket.status, ticket.reopened_count) == ("owned", 1)
    kinds = db.session.scalars(select(Notification.kind)).all()
    assert "follow_up_reopened" in kinds


def test_a_used_link_gets_a_polite_page_and_changes_nothing(client, survey):
    client.post(_path(survey), data=HAPPY)
    version = fresh(survey.ticket).version
    again = client.get(_path(survey))
    assert again.status_code == 410
    assert "We already have your answers" in again.get_data(as_text=True)
    post_again = client.post(_path(survey), data={**HAPPY, "csat": "1"})
    assert post_again.status_code == 410
    assert _attempts() == 1
    assert fresh(survey.ticket).version == version


def test_a_tampered_link_gets_a_polite_page(client, survey):
    token = make_token(survey, "test-secret")
    for bad in (token[:-2] + ("aa" if not token.endswith("aa") else "bb"),
                make_token(survey, "another-secret"), "nonsense"):
        response = client.get(f"/survey/{bad}")
        assert response.status_code == 404
        assert "This link does not work" in response.get_data(as_text=True)
        assert client.post(f"/survey/{bad}", data=HAPPY).status_code == 404
    assert _attempts() == 0


def test_an_expired_link_gets_a_polite_page_and_changes_nothing(client, survey):
    clock.set_now(survey.due_at + timedelta(days=21, seconds=1))
    response = client.post(_path(survey), data=HAPPY)
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    assert _attempts() == 0
    assert fresh(survey.ticket).status == "resolved"


def test_a_link_of_a_reopened_ticket_says_the_survey_is_closed(client, survey):
    ticket = survey.ticket
    perform(ticket, "reopen", ticket.owner, {"reason": "Guest called again"}, version=None,
            now=clock.utcnow())
    db.session.commit()
    response = client.get(_path(survey))
    assert response.status_code == 410
    assert "no longer open" in response.get_data(as_text=True)


def test_missing_answers_are_named_and_nothing_is_recorded(client, survey):
    response = client.post(_path(survey), data={"comment": "hm"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert text.count("Please choose an answer.") == 3
    assert "hm</textarea>" in text
    assert _attempts() == 0


def test_the_page_speaks_the_customers_language(client, survey):
    survey.ticket.customer.locale = "zh_Hans"
    db.session.commit()
    text = client.get(_path(survey)).get_data(as_text=True)
    assert "您" in text or "我们" in text
    assert 'lang="zh-Hans"' in text
    english = client.get(_path(survey) + "?lang=en").get_data(as_text=True)
    assert "How did we do?" in english


def test_the_page_fits_a_phone_and_needs_no_script(client, survey):
    text = client.get(_path(survey)).get_data(as_text=True)
    assert 'name="viewport"' in text
    assert "<script" not in text
    assert "navbar" not in text


def test_an_expired_form_shows_the_questions_again_politely(client, survey, app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(_path(survey), data={**HAPPY, "csrf_token": "stale"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert 'id="survey-expired"' in text and 'name="csrf_token"' in text
    assert _attempts() == 0


def test_two_answers_racing_on_one_link_record_only_one(client, survey, app):
    """Both pages were opened; the first answer wins, the second gets the polite page."""
    other = app.test_client()
    assert client.get(_path(survey)).status_code == 200
    assert other.get(_path(survey)).status_code == 200
    assert client.post(_path(survey), data=HAPPY).status_code == 200
    late = other.post(_path(survey), data={**HAPPY, "csat": "1"})
    assert late.status_code == 410
    assert _attempts() == 1
