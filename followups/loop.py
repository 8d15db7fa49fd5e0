"""The follow-up loop's effects on the database, called from the ticket actions.

`plan_follow_ups` runs when a ticket is resolved, `end_open_follow_ups` when it is reopened
or closed, and `apply_attempt` records one attempt to reach the customer. They change
objects and add rows; the ticket action around them writes the audit event and flushes.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from core.messages import define
from core.validation import ValidationFailed
from core.words import N_
from extensions import db
from followups.models import FollowUp, FollowUpAttempt
from followups.rules import (
    CHECK_IN_AFTER_DAYS,
    SURVEY_AFTER_DAYS,
    Answer,
    Verdict,
    due_after,
    verdict,
)
from sites.calendar import calendar_for
from tickets.models import Ticket

PLAN = (("check_in", CHECK_IN_AFTER_DAYS), ("survey", SURVEY_AFTER_DAYS))
NONE_OPEN = {
    "check_in": define("follow_up.no_open_check_in",
                       N_("There is no open check-in on this ticket.")),
    "survey": define("follow_up.no_open_survey", N_("There is no open survey on this ticket.")),
}


def follow_up_dues(ticket: Ticket, resolved_at: datetime) -> list[tuple[str, datetime]]:
    """(kind, due) of the follow-ups a resolution at `resolved_at` plans: a check-in at +2
    days and a survey at +7 days (site calendar days), each moved to the site's next opening
    when it falls outside business hours."""
    zone, calendar = ZoneInfo(ticket.site.timezone), calendar_for(ticket.site)
    return [(kind, calendar.next_open(due_after(resolved_at, days, zone))) for kind, days in PLAN]


def plan_follow_ups(ticket: Ticket, now: datetime) -> list[FollowUp]:
    """The follow-ups of `follow_up_dues`, added to the session."""
    planned = []
    for kind, due in follow_up_dues(ticket, now):
        follow_up = FollowUp(
            ticket=ticket, site_id=ticket.site_id, kind=kind, due_at=due, created_at=now
        )
        db.session.add(follow_up)
        planned.append(follow_up)
    return planned


def open_follow_ups(ticket: Ticket) -> list[FollowUp]:
    return [f for f in ticket.follow_ups if f.done_at is None]


def end_open_follow_ups(ticket: Ticket, now: datetime, outcome: str) -> list[str]:
    """End every open follow-up with `outcome`; returns the kinds ended."""
    ended = []
    for follow_up in open_follow_ups(ticket):
        follow_up.done_at, follow_up.outcome = now, outcome
        ended.append(follow_up.kind)
    return ended


def _answer(attempt: FollowUpAttempt) -> Answer:
    return Answer(attempt.follow_up.kind, attempt.reached, attempt.csat, attempt.recovered)


def cycle_answers(ticket: Ticket) -> list[Answer]:
    """Every attempt since the ticket was last resolved, oldest first."""
    resolved_at = ticket.resolved_at
    attempts = [
        attempt
        for follow_up in ticket.follow_ups
        if resolved_at is None or follow_up.created_at >= resolved_at
        for attempt in follow_up.attempts
    ]
    attempts.sort(key=lambda attempt: (attempt.at, attempt.attempt_number))
    return [_answer(attempt) for attempt in attempts]


def _target(ticket: Ticket, kind: str) -> FollowUp:
    for follow_up in open_follow_ups(ticket):
        if follow_up.kind == kind:
            return follow_up
    raise ValidationFailed({"kind": NONE_OPEN[kind]()})


def _summary(attempt: FollowUpAttempt) -> str:
    if not attempt.reached:
        return "not reached"
    parts = ["reached"]
    if attempt.csat is not None:
        parts.append(f"CSAT {attempt.csat}")
    if attempt.recovered is not None:
        parts.append("recovered" if attempt.recovered else "not recovered")
    if attempt.would_recommend is not None:
        parts.append("would recommend" if attempt.would_recommend else "would not recommend")
    return ", ".join(parts)


def latest_verdict(ticket: Ticket) -> Verdict:
    """What the ticket's latest follow-up attempt means (KEEP when there is none)."""
    answers = cycle_answers(ticket)
    return verdict(answers[-1], answers) if answers else Verdict.KEEP


def apply_attempt(ticket: Ticket, actor, data: dict, now: datetime) -> tuple[str, dict]:
    """Record one attempt (by staff, or by the customer when `actor` is None).

    Ends the follow-up when the customer was reached (a survey also supersedes an open
    check-in), and every open follow-up when the customer proved unreachable. Returns the
    event note and extra changes; the caller carries out `latest_verdict` (reopen, close).
    """
    follow_up = _target(ticket, data["kind"])
    attempt = FollowUpAttempt(
        follow_up=follow_up,
        ticket_id=ticket.id,
        at=now,
        reached=data["reached"],
        csat=data.get("csat"),
        recovered=data.get("recovered"),
        would_recommend=data.get("would_recommend"),
        comment=data.get("comment") or "",
        by_customer=actor is None,
        recorded_by=actor,
        attempt_number=len(follow_up.attempts) + 1,
    )
    db.session.add(attempt)
    if attempt.reached:
        follow_up.done_at = now
        follow_up.outcome = "completed" if follow_up.kind == "survey" else "reached"
        if follow_up.kind == "survey":
            end_open_follow_ups(ticket, now, "superseded")
    if latest_verdict(ticket) is Verdict.CLOSE_UNREACHABLE:
        end_open_follow_ups(ticket, now, "unreachable")
    extra = {
        follow_up.kind: [None, _summary(attempt)],
        "by": [None, "customer (survey link)" if actor is None else actor.username],
    }
    return attempt.comment, extra
