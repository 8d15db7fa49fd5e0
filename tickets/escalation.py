"""The escalation ladder applied to tickets: every ticket whose next check has come.

Its cost follows the number of tickets due (an indexed range on `sla_next_check_at`), not
the archive. On PostgreSQL rows are taken with FOR UPDATE SKIP LOCKED, so two sweepers
never work on the same ticket; on SQLite writers are serialised and the ticket's version
column turns a race into a skipped ticket. Each step is taken once per clock, is an audit
event, and is announced (`signals.ladder_climbed`) for the notifications to tell people.

Each step is its own change of the ticket: the step, its audit event and the refreshed due
times are flushed together, so the ticket's `version` always equals its number of audit
events (`flask check-integrity` checks it), also when one pass takes several steps after
downtime. A pass that takes no step but finds the due times moved (the policy or calendar
changed under an open ticket) records that as one `sla_recomputed` event.

Each ticket is worked inside its own SAVEPOINT: when another sweeper (or a person) changed
the ticket since it was loaded, the flush raises StaleDataError, only that ticket's work is
rolled back, it is counted as skipped (a later sweep retries it) and the batch goes on.
Nothing here commits: the job or command around it does.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from core.messages import Message, define
from core.words import N_
from extensions import db
from sites.calendar import calendar_for
from sla.ladder import Step, steps_due
from sla.store import policy_for
from tickets import signals
from tickets.audit import diff, record_event, snapshot, timing_snapshot
from tickets.deadlines import plan_clocks, refresh_deadlines
from tickets.models import Ticket

log = logging.getLogger(__name__)
BATCH = 100
STEP_EVENTS = {
    Step.WARN_OWNER: "sla_at_risk",
    Step.LEVEL_1: "sla_level_1",
    Step.LEVEL_2: "sla_level_2",
}
# What each clock's deadline is called inside a step's note ("the <clock> deadline").
CLOCK_WORDS = {
    "first_response": define("sla.deadline.first_response", N_("first response")),
    "fix_offered": define("sla.deadline.fix_offered", N_("fix offer")),
    "resolution": define("sla.deadline.resolution", N_("resolution")),
    "next_contact": define("sla.deadline.next_contact",
                           N_("next contact promised to the customer")),
}
# A step's note: on the ticket's timeline, and what the people told are told.
STEP_NOTES = {
    Step.WARN_OWNER: define("sla.step.deadline_close",
                            N_("%(ref)s: the %(clock)s deadline is close.")),
    Step.LEVEL_1: define("sla.step.escalated_to_supervisors",
                         N_("%(ref)s: the %(clock)s deadline was missed; escalated to "
                            "supervisors.")),
    Step.LEVEL_2: define("sla.step.escalated_to_managers",
                         N_("%(ref)s: the %(clock)s deadline is still missed; escalated to "
                            "managers.")),
}
SWEEP_RECOMPUTED = define("sla.recomputed.by_sweep", N_("Due times recomputed by the SLA sweep"))


@dataclass
class LadderReport:
    checked: int = 0
    steps: dict[str, int] = field(default_factory=dict)
    skipped: int = 0

    def count(self, event: str) -> None:
        self.steps[event] = self.steps.get(event, 0) + 1


def due_selection(now: datetime):
    """The next batch of tickets whose next SLA check has come, earliest first (one range
    over the indexed next check), with the customer and site each step reads loaded for
    the whole batch."""
    return (
        select(Ticket)
        .options(selectinload(Ticket.customer), selectinload(Ticket.site))
        .where(Ticket.sla_next_check_at <= now)
        .order_by(Ticket.sla_next_check_at, Ticket.id)
        .limit(BATCH)
    )


def _due_tickets(now: datetime, exclude: set[int]):
    stmt = due_selection(now)
    if exclude:
        stmt = stmt.where(Ticket.id.not_in(exclude))
    if db.engine.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=Ticket)
    return db.session.scalars(stmt).all()


def _message(ticket: Ticket, clock: str, step: Step) -> Message:
    return STEP_NOTES[step](ref=ticket.ref, clock=CLOCK_WORDS[clock]())


def _raise_level(ticket: Ticket, step: Step) -> None:
    """The escalation level a step reaches (the owner's warning keeps it)."""
    if step is Step.LEVEL_1:
        ticket.escalation_level = max(ticket.escalation_level, 1)
    elif step is Step.LEVEL_2:
        ticket.escalation_level = 2


def _take_step(ticket: Ticket, clock: str, step: Step, now: datetime) -> Message:
    """Take one step of one clock as one change of the ticket: the level, the step marked
    done, the refreshed due times and one audit event, flushed together (one version).
    Returns the step's message (the event's note, and what the people are told): a
    declared Message, its English text as its value, rendered per reader when shown."""
    before = snapshot(ticket)
    note = _message(ticket, clock, step)
    _raise_level(ticket, step)
    ticket.sla_steps = {**(ticket.sla_steps or {}), clock: int(step)}
    refresh_deadlines(ticket, now)
    changes = {**diff(before, snapshot(ticket)), "clock": [None, clock]}
    record_event(ticket, None, STEP_EVENTS[step], now, changes, note)
    db.session.flush()
    return note


def _due_steps(ticket: Ticket, now: datetime) -> list[tuple[str, Step]]:
    """(clock, step) for every step due now on a running clock, each clock's lowest first."""
    plans = plan_clocks(ticket, calendar_for(ticket.site), policy_for(ticket.site))
    done = ticket.sla_steps or {}
    due = []
    for clock, plan in plans.items():
        if plan.ladder is None or plan.clock.met_at is not None or plan.clock.paused:
            continue
        due += [(clock, step) for step in steps_due(plan.ladder, Step(done.get(clock, 0)), now)]
    return due


def _settle_without_step(ticket: Ticket, now: datetime) -> None:
    """Refresh the due times of a ticket that took no step; a change is one audit event."""
    before = timing_snapshot(ticket)
    refresh_deadlines(ticket, now)
    changes = diff(before, timing_snapshot(ticket))
    if changes:
        record_event(ticket, None, "sla_recomputed", now, changes, SWEEP_RECOMPUTED())
        db.session.flush()


def apply_ladder(ticket: Ticket, now: datetime) -> list[str]:
    """Take the due ladder steps of every running clock; returns the events written.

    After downtime every skipped escalation of a clock is taken in order (see
    `sla.ladder.steps_due`), each its own change of the ticket and its own event. The
    steps are announced once they are all flushed. A ticket changed elsewhere since it
    was loaded makes the first flush raise StaleDataError.
    """
    taken = [(step, _take_step(ticket, clock, step, now))
             for clock, step in _due_steps(ticket, now)]
    if not taken:
        _settle_without_step(ticket, now)
        return []
    signals.ladder_climbed.send(ticket, taken=taken, now=now)
    return [STEP_EVENTS[step] for step, _note in taken]


def _climb_one(ticket: Ticket, now: datetime, report: LadderReport) -> None:
    """Apply the ladder to one ticket in a SAVEPOINT; a lost race skips just this ticket."""
    ref = ticket.ref
    try:
        with db.session.begin_nested():
            events = apply_ladder(ticket, now)
    except StaleDataError:
        report.skipped += 1
        log.info("sweep skipped %s: another sweeper changed it; it will be retried", ref)
        return
    for event in events:
        report.count(event)


def climb_due_tickets(now: datetime) -> LadderReport:
    """One pass of the ladder over every ticket due by `now` (the caller commits)."""
    report, seen = LadderReport(), set()
    while True:
        tickets = _due_tickets(now, seen)
        for ticket in tickets:
            seen.add(ticket.id)
            _climb_one(ticket, now, report)
        report.checked += len(tickets)
        if len(tickets) < BATCH:
            return report
