"""The follow-up loop through the domain: planning at resolution, the reopen rule, the
three-attempts rule, a completed survey closing the ticket."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core import clock
from core.validation import ValidationFailed
from extensions import db
from followups.models import FollowUp
from followups.rules import Verdict
from followups.services import record_follow_up
from notifications.models import Notification
from tests.conftest import FIX_FIELDS, RESOLUTION_FIELDS
from tickets.actions import perform
from tickets.errors import ActionRefused
from tickets.models import TicketEvent

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
SHANGHAI = ZoneInfo("Asia/Shanghai")
FIX, RESOLUTION = FIX_FIELDS, RESOLUTION_FIELDS


@pytest.fixture
def resolved(app, make_site, make_user, make_ticket):
    """A ticket resolved at T0 by its front-desk owner, with a supervisor on site."""
    site = make_site(name="Follow-up Hotel", hours="mon-sun 09:00-18:00")
    owner = make_user("front_desk", site=site)
    supervisor = make_user("supervisor", site=site)
    clock.set_now(T0 - timedelta(hours=1))
    ticket = make_ticket(owner=owner, site=site)
    now = T0 - timedelta(minutes=30)
    perform(ticket, "offer_fix", owner, {**FIX, "committed_by": T0 + timedelta(hours=3)},
            version=None, now=now)
    perform(ticket, "resolve", owner, RESOLUTION, version=None, now=T0)
    db.session.commit()
    return ticket, owner, supervisor


def _follow_up(ticket, kind) -> FollowUp:
    return next(f for f in ticket.follow_ups if f.kind == kind)


def test_resolution_plans_a_check_in_at_two_days_and_a_survey_at_seven(resolved):
    ticket, _owner, _super = resolved
    kinds = {f.kind: f.due_at.astimezone(SHANGHAI) for f in ticket.follow_ups}
    assert kinds == {
        "check_in": datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI),
        "survey": datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI),
    }


def test_a_follow_up_due_after_hours_moves_to_the_next_opening(app, make_site, make_user,
                                                               make_ticket):
    site = make_site(name="Early Hotel", hours="mon-sun 09:00-18:00")
    owner = make_user("front_desk", site=site)
    resolved_at = datetime(2026, 11, 23, 17, 30, tzinfo=SHANGHAI).astimezone(UTC)
    clock.set_now(resolved_at - timedelta(hours=2))
    ticket = make_ticket(owner=owner, site=site)
    perform(ticket, "offer_fix", owner, {**FIX, "committed_by": resolved_at + timedelta(hours=1)},
            version=None, now=resolved_at - timedelta(hours=1))
    perform(ticket, "resolve", owner, RESOLUTION, version=None, now=resolved_at)
    db.session.commit()
    check_in = _follow_up(ticket, "check_in").due_at.astimezone(SHANGHAI)
    assert check_in == datetime(2026, 11, 25, 17, 30, tzinfo=SHANGHAI)
    site.hours_spec = "mon-sun 09:00-17:00"
    db.session.commit()
    perform(ticket, "reopen", owner, {"reason": "Guest called back"}, version=None,
            now=resolved_at + timedelta(minutes=10))
    perform(ticket, "offer_fix", owner, {**FIX, "committed_by": resolved_at + timedelta(hours=1)},
            version=None, now=resolved_at + timedelta(minutes=15))
    perform(ticket, "resolve", owner, RESOLUTION, version=None,
            now=resolved_at + timedelta(minutes=20))
    db.session.commit()
    open_ones = [f for f in ticket.follow_ups if f.done_at is None]
    assert {f.kind for f in open_ones} == {"check_in", "survey"}
    check_in = next(f for f in open_ones if f.kind == "check_in")
    assert check_in.due_at.astimezone(SHANGHAI) == datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI)
    cancelled = [f for f in ticket.follow_ups if f.outcome == "cancelled"]
    assert len(cancelled) == 2


def test_a_satisfied_check_in_keeps_the_ticket_resolved(resolved):
    ticket, owner, _super = resolved
    version = ticket.version
    outcome = record_follow_up(
        ticket, owner, {"kind": "check_in", "reached": True, "csat": 4, "comment": "All good"},
        version=version, now=T0 + timedelta(days=2),
    )
    db.session.commit()
    assert outcome is Verdict.KEEP
    assert ticket.status == "resolved"
    assert ticket.version == version + 1
    check_in = _follow_up(ticket, "check_in")
    assert (check_in.outcome, check_in.attempts[0].csat) == ("reached", 4)
    assert _follow_up(ticket, "survey").done_at is None
    event = ticket.events[-1]
    assert event.action == "follow_up"
    assert event.changes["check_in"] == [None, "reached, CSAT 4"]


def test_a_completed_survey_closes_the_ticket(resolved):
    ticket, owner, _super = resolved
    outcome = record_follow_up(
        ticket, owner,
        {"kind": "survey", "reached": True, "csat": 5, "recovered": True,
         "would_recommend": True},
        version=ticket.version, now=T0 + timedelta(days=7),
    )
    db.session.commit()
    assert outcome is Verdict.CLOSE_ANSWERED
    assert ticket.status == "closed"
    assert {f.kind: f.outcome for f in ticket.follow_ups} == {
        "check_in": "superseded", "survey": "completed",
    }
    assert [e.action for e in ticket.events[-2:]] == ["follow_up", "close"]


@pytest.mark.parametrize(
    "answers",
    [{"csat": 2, "recovered": True}, {"csat": 4, "recovered": False}, {"csat": 1}],
    ids=["csat-2", "not-recovered", "csat-1-check-in"],
)
def test_a_dissatisfied_answer_reopens_to_the_owner_and_tells_supervisors(resolved, answers):
    ticket, owner, supervisor = resolved
    kind = "check_in" if "recovered" not in answers else "survey"
    outcome = record_follow_up(
        ticket, owner, {"kind": kind, "reached": True, **answers},
        version=ticket.version, now=T0 + timedelta(days=2),
    )
    db.session.commit()
    assert outcome is Verdict.REOPEN
    assert (ticket.status, ticket.owner_id, ticket.reopened_count) == ("owned", owner.id, 1)
    assert all(f.done_at is not None for f in ticket.follow_ups)
    notified = db.session.scalars(
        select(Notification.recipient_id).where(Notification.kind == "follow_up_reopened")
    ).all()
    assert sorted(notified) == sorted([owner.id, supervisor.id])
    assert ticket.events[-1].action == "reopen"
    assert "not satisfied" in ticket.events[-1].note


def test_three_unreached_attempts_in_a_row_close_the_ticket(resolved):
    ticket, owner, _super = resolved
    outcomes = []
    for day, kind in ((2, "check_in"), (3, "check_in"), (7, "survey")):
        outcomes.append(record_follow_up(
            ticket, owner, {"kind": kind, "reached": False, "comment": "No answer"},
            version=None, now=T0 + timedelta(days=day),
        ))
    db.session.commit()
    assert outcomes == [Verdict.KEEP, Verdict.KEEP, Verdict.CLOSE_UNREACHABLE]
    assert ticket.status == "closed"
    assert {f.outcome for f in ticket.follow_ups} == {"unreachable"}


def test_a_reach_in_between_restarts_the_count_of_unreached_attempts(resolved):
    ticket, owner, _super = resolved
    steps = [("check_in", False), ("check_in", False), ("check_in", True),
             ("survey", False), ("survey", False)]
    for day, (kind, reached) in enumerate(steps, start=2):
        record_follow_up(ticket, owner, {"kind": kind, "reached": reached},
                         version=None, now=T0 + timedelta(days=day))
    db.session.commit()
    assert ticket.status == "resolved"
    assert _follow_up(ticket, "survey").unreached_attempts == 2


def test_bad_follow_up_input_changes_nothing(resolved):
    ticket, owner, _super = resolved
    version = ticket.version
    cases = [
        ({"kind": "survey", "reached": True, "csat": 4}, "recovered"),
        ({"kind": "survey", "reached": True, "recovered": True}, "csat"),
        ({"kind": "check_in", "reached": True, "csat": 9}, "csat"),
        ({"kind": "check_in", "reached": False, "csat": 3}, "csat"),
        ({"kind": "check_in"}, "reached"),
        ({"kind": "party", "reached": True}, "kind"),
    ]
    for data, field in cases:
        with pytest.raises(ValidationFailed) as failed:
            record_follow_up(ticket, owner, data, version=version, now=T0 + timedelta(days=2))
        db.session.rollback()
        assert field in failed.value.fields, data
    events = db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id))
    assert "follow_up" not in [e.action for e in events]
    assert db.session.get(type(ticket), ticket.id).version == version


def test_a_follow_up_needs_a_resolved_ticket_with_that_follow_up_open(resolved):
    ticket, owner, _super = resolved
    record_follow_up(ticket, owner, {"kind": "check_in", "reached": True},
                     version=None, now=T0 + timedelta(days=2))
    db.session.commit()
    with pytest.raises(ValidationFailed) as failed:
        record_follow_up(ticket, owner, {"kind": "check_in", "reached": True},
                         version=None, now=T0 + timedelta(days=3))
    db.session.rollback()
    assert "no open check-in" in failed.value.fields["kind"]
    perform(ticket, "reopen", owner, {"reason": "Guest called"}, version=None,
            now=T0 + timedelta(days=3))
    db.session.commit()
    with pytest.raises(ActionRefused, match="owned cannot be followed up"):
        record_follow_up(ticket, owner, {"kind": "survey", "reached": True, "csat": 5,
                                         "recovered": True}, version=None,
                         now=T0 + timedelta(days=4))


@pytest.mark.parametrize(("answers", "english", "chinese"), [
    ({"kind": "check_in", "csat": 2},
     "The customer is not satisfied after the follow-up (CSAT 2): reopened.",
     "回访后客人仍不满意（满意度 2）：工单已重新打开。"),
    ({"kind": "survey", "csat": 2, "recovered": False},
     "The customer is not satisfied after the follow-up (CSAT 2, not recovered): reopened.",
     "回访后客人仍不满意（满意度 2，补救未成功）：工单已重新打开。"),
    ({"kind": "survey", "csat": 5, "recovered": True, "would_recommend": True},
     "Survey answered: the follow-up loop is complete.",
     "客人已回答满意度调查：回访流程完成。"),
], ids=["reopened-at-csat", "reopened-not-recovered", "closed-answered"])
def test_the_loop_s_own_notes_are_stored_as_messages_and_read_in_chinese(
        app, resolved, answers, english, chinese):
    """What the loop writes on the timeline is its own words, not the person's: kept as a
    code and parameters, so a Chinese front desk reads it in Chinese."""
    from flask_babel import force_locale

    from tickets.audit import event_note

    ticket, owner, _super = resolved
    record_follow_up(ticket, owner, {"reached": True, **answers}, version=ticket.version,
                     now=T0 + timedelta(days=2))
    db.session.commit()
    event = ticket.events[-1]
    assert event.action in {"reopen", "close"} and event.note == english
    assert event.note_code is not None
    with app.test_request_context(), force_locale("zh_Hans"):
        assert event_note(event) == chinese
    with app.test_request_context(), force_locale("en"):
        assert event_note(event) == english
