"""The escalation ladder applied to tickets: every ticket whose next check has come.

Its cost follows the number of tickets due (an indexed range on `sla_next_check_at`), not
the archive. On PostgreSQL rows are taken with FOR UPDATE SKIP LOCKED, so two sweepers
never work on the same ticket; on SQLite writers are serialised and the ticket's version
column turns a race into a skipped ticket. Each step is taken once per clock, is an audit
event, and is announced: to the webhooks (`signals.ladder_climbed`, per ticket) and to the
people of its level (the `announce` the sweep hands down, per batch).

Each step is its own change of the ticket: the step, its audit event and the refreshed due
times are written together, so the ticket's `version` always equals its number of audit
events (`flask check-integrity` checks it), also when one pass takes several steps after
downtime. A pass that takes no step but finds the due times moved (the policy or calendar
changed under an open ticket) records that as one `sla_recomputed` event.

A batch is worked in rounds inside one SAVEPOINT: every ticket's first step, written as
one UPDATE for the round (matched on each ticket's version, as the ORM's flush would) and
one flush of the round's events, then every second step, and so on, so the ticket side of
a batch costs a few statements whatever its size. When a write finds a ticket changed by
another sweeper (or a person) since it was loaded, StaleDataError rolls the batch back and
it is worked again one ticket at a time, each in its own SAVEPOINT: only the changed ticket
is skipped (a later sweep retries it) and the batch goes on.
Nothing here commits: the job or command around it does.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, inspect, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from core.messages import Message, define
from core.words import N_
from extensions import db
from sites.calendar import calendar_for
from sites.models import Site
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


# What a step may change on the ticket besides its version: a round writes them all for
# every ticket of the round, so the round is one UPDATE (values unchanged are written as
# they are; the audit event records only what changed).
STEP_COLUMNS = ("escalation_level", "sla_steps", "first_response_due", "fix_offered_due",
                "resolution_due", "sla_next_check_at", "next_due_at",
                "resolution_paused_since", "resolution_paused_seconds", "next_contact_met_at")
Climbed = list[tuple[Ticket, list[tuple[Step, Message]]]]
Announce = Callable[[Climbed, datetime], None]


def due_selection(now: datetime):
    """The next batch of tickets whose next SLA check has come, earliest first (one range
    over the indexed next check), with what each step reads loaded for the whole batch:
    the customer, the site and its holidays, and the people the audit trail names."""
    return (
        select(Ticket)
        .options(
            selectinload(Ticket.customer), selectinload(Ticket.site).selectinload(Site.holidays),
            selectinload(Ticket.category), selectinload(Ticket.owner),
            selectinload(Ticket.pending_transfer_to), selectinload(Ticket.signoff_requested_from),
        )
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
    done, the refreshed due times and one audit event, written together (one version) by
    `_write_round`. Returns the step's message (the event's note, and what the people are
    told): a declared Message, its English text as its value, rendered per reader when
    shown."""
    before = snapshot(ticket)
    note = _message(ticket, clock, step)
    _raise_level(ticket, step)
    ticket.sla_steps = {**(ticket.sla_steps or {}), clock: int(step)}
    refresh_deadlines(ticket, now)
    changes = {**diff(before, snapshot(ticket)), "clock": [None, clock]}
    record_event(ticket, None, STEP_EVENTS[step], now, changes, note)
    return note


def _write_round(tickets: list[Ticket]) -> None:
    """Write one round's change of each ticket as one UPDATE for them all, each row matched
    on the version it was loaded with (as the ORM's own flush does: a ticket changed
    elsewhere raises StaleDataError), then flush the round's audit events. A ticket whose
    change reaches beyond the step columns is left to the ORM's flush."""
    plain = [ticket for ticket in tickets if _changed_columns(ticket) <= set(STEP_COLUMNS)]
    if plain:
        table = Ticket.__table__
        written = ("version", *STEP_COLUMNS)
        stmt = (update(table)
                .where(table.c.id == bindparam("w_id"), table.c.version == bindparam("w_version"))
                .values({table.c[name]: bindparam(f"v_{name}", type_=table.c[name].type)
                         for name in written}))
        rows = [{"w_id": ticket.id, "w_version": ticket.version, "v_version": ticket.version + 1,
                 **{f"v_{name}": getattr(ticket, name) for name in STEP_COLUMNS}}
                for ticket in plain]
        with db.session.no_autoflush:
            matched = db.session.execute(stmt, rows).rowcount
        if matched != len(rows):
            raise StaleDataError(f"{len(rows) - matched} ticket(s) of the round changed elsewhere")
        for ticket, row in zip(plain, rows, strict=True):
            for name in written:
                set_committed_value(ticket, name, row[f"v_{name}"])
    db.session.flush()


def _changed_columns(ticket: Ticket) -> set[str]:
    """The ticket's column attributes changed in memory since it was loaded or flushed."""
    state = inspect(ticket)
    return {name for name in state.committed_state if name in state.mapper.column_attrs}


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
    """Refresh the due times of a ticket that took no step; a change is one audit event
    (flushed with the batch's first round)."""
    before = timing_snapshot(ticket)
    refresh_deadlines(ticket, now)
    changes = diff(before, timing_snapshot(ticket))
    if changes:
        record_event(ticket, None, "sla_recomputed", now, changes, SWEEP_RECOMPUTED())

def apply_ladder(tickets: list[Ticket], now: datetime) -> Climbed:
    """Take the due ladder steps of every running clock of each ticket, in rounds (each
    ticket at most one step a round, each round written at once: `_write_round`); returns
    (ticket, [(step, note)…]) for the tickets that took steps.

    After downtime every skipped escalation of a clock is taken in order (see
    `sla.ladder.steps_due`), each its own change of the ticket and its own event. A ticket
    changed elsewhere since it was loaded makes the round's write raise StaleDataError.
    """
    due = [(ticket, _due_steps(ticket, now)) for ticket in tickets]
    for ticket, steps in due:
        if not steps:
            _settle_without_step(ticket, now)
    taken: dict[int, list[tuple[Step, Message]]] = {ticket.id: [] for ticket in tickets}
    for round_number in range(max((len(steps) for _ticket, steps in due), default=0)):
        stepping = [(ticket, steps[round_number]) for ticket, steps in due
                    if round_number < len(steps)]
        for ticket, (clock, step) in stepping:
            taken[ticket.id].append((step, _take_step(ticket, clock, step, now)))
        _write_round([ticket for ticket, _step in stepping])
    db.session.flush()
    return [(ticket, taken[ticket.id]) for ticket in tickets if taken[ticket.id]]


def _count(report: LadderReport, climbed: Climbed) -> None:
    for _ticket, taken in climbed:
        for step, _note in taken:
            report.count(STEP_EVENTS[step])


def _climb_one(ticket: Ticket, now: datetime, report: LadderReport) -> Climbed:
    """Apply the ladder to one ticket in a SAVEPOINT; a lost race skips just this ticket."""
    ref = ticket.ref
    try:
        with db.session.begin_nested():
            return apply_ladder([ticket], now)
    except StaleDataError:
        report.skipped += 1
        log.info("sweep skipped %s: another sweeper changed it; it will be retried", ref)
        return []


def _climb_batch(tickets: list[Ticket], now: datetime, report: LadderReport) -> Climbed:
    """Apply the ladder to a batch in one SAVEPOINT; on a lost race, one ticket at a time."""
    if not tickets:
        return []
    try:
        with db.session.begin_nested():
            return apply_ladder(tickets, now)
    except StaleDataError:
        log.info("sweep: a ticket of the batch changed elsewhere; taking it one at a time")
    for ticket in tickets:
        db.session.expire(ticket)
    return [climbed for ticket in tickets for climbed in _climb_one(ticket, now, report)]


def _announce(climbed: Climbed, now: datetime, announce: Announce) -> None:
    """The webhooks hear of each ticket's steps, then the people of the whole batch."""
    for ticket, taken in climbed:
        signals.ladder_climbed.send(ticket, taken=taken, now=now)
    if climbed:
        announce(climbed, now)


def climb_due_tickets(now: datetime, *, announce: Announce) -> LadderReport:
    """One pass of the ladder over every ticket due by `now` (the caller commits).
    `announce(climbed, now)` tells the people of each batch's steps
    (`notifications.alerts.LadderAlerts`, one for the pass)."""
    report, seen = LadderReport(), set()
    while True:
        tickets = _due_tickets(now, seen)
        seen.update(ticket.id for ticket in tickets)
        climbed = _climb_batch(tickets, now, report)
        _count(report, climbed)
        _announce(climbed, now, announce)
        report.checked += len(tickets)
        if len(tickets) < BATCH:
            return report
