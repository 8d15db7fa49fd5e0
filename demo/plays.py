"""How each demo ticket goes: `Play` walks one ticket through the real workflow with its own
clock, and each script below is one road through it. `PLAN` says how many of each.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from core.vocabulary import Role
from demo.stories import (
    ACKS,
    CHECK_IN_NOTES,
    CONTACT_CHANNELS,
    CONTACT_NOTES,
    ESCALATIONS,
    GESTURES,
    REOPEN_REASONS,
    SURVEY_COMMENTS,
    DeclineStory,
    Story,
)
from followups.services import record_follow_up
from tickets.actions import perform
from tickets.models import Ticket

if TYPE_CHECKING:
    from demo.seed import DemoBuilder


class Play:
    """One ticket's walk through the workflow; each step moves the ticket's own clock on."""

    def __init__(self, demo: "DemoBuilder", ticket: Ticket, story, at: datetime,
                 pace: float = 1.0):
        self.demo, self.ticket, self.story, self.at = demo, ticket, story, at
        self.rng = demo.rng
        self.pace = pace  # below 1: a ticket of today, whose steps come quicker

    @property
    def owner(self) -> str:
        return self.ticket.owner.username

    def username(self, part: str) -> str:
        """The username of the cast member playing `part` ("desk", "super", ...)."""
        return self.demo.cast[part].username

    def minutes(self, low: int, high: int) -> int:
        """A step's length, `low`-`high` minutes at the play's pace."""
        return int((low + self.rng.random() * (high - low)) * self.pace)

    def hours(self, low: int, high: int) -> timedelta:
        """A promise `low`-`high` hours after the step it is given in."""
        return timedelta(minutes=self.minutes(low * 60, high * 60))

    def ahead(self) -> datetime:
        """A promise still in the future now, for tickets that are open today: 3 to 10
        hours of the site's opening time from now (never a time the hotel is closed)."""
        return self.demo.business_ahead(timedelta(minutes=180 + int(self.rng.random() * 420)))

    def act(self, action: str, who: str, minutes: int, /, **data) -> None:
        """Take `action` `minutes` after the previous step; timedelta values count from then."""
        self.at += timedelta(minutes=max(1, minutes))
        if self.at >= self.demo.now:
            raise RuntimeError(f"demo step '{action}' on {self.ticket.ref} is in the future")
        data = {k: self.at + v if isinstance(v, timedelta) else v for k, v in data.items()}
        perform(self.ticket, action, self.demo.cast[who], data, version=None, now=self.at)

    def own(self, who: str) -> None:
        self.act(
            "own", who, self.minutes(10, 90),
            acknowledgement=self.rng.choice(ACKS), next_contact_by=self.hours(2, 8),
        )

    def contact(self, kept: bool = True, promise: datetime | None = None) -> None:
        """Log a contact before the standing promise (kept) or after it (broken)."""
        left = int((self.ticket.next_contact_by - self.at).total_seconds() // 60)
        if kept:
            minutes = int(left * (0.2 + 0.6 * self.rng.random()))
        else:
            minutes = left + self.minutes(20, 150)
        data = {
            "note": self.rng.choice(CONTACT_NOTES),
            "channel": self.rng.choice(CONTACT_CHANNELS),
        }
        if promise is not None:
            data["next_contact_by"] = promise
        self.act("log_contact", self.owner, minutes, **data)

    def offer(self, amount: str | None = None, committed=None, action: str = "") -> None:
        self.act(
            "offer_fix", self.owner, self.minutes(30, 240),
            action=action or self.story.fix,
            remedy_type=self.story.remedy,
            compensation=amount or self.story.amount,
            committed_by=committed or self.hours(4, 48),
        )

    def approve(self) -> None:
        """A lead signs off a pending fix or decline (a manager above the supervisor limit)."""
        if self.ticket.status != "awaiting_approval":
            return
        offer = self.ticket.current_offer
        above = offer is not None and offer.compensation > self.ticket.site.supervisor_limit
        who = "manager" if above or self.owner == self.username("super") else "super"
        note = "Checked with the owner; go ahead." if offer else "Checked the terms; agreed."
        self.act("approve", who, self.minutes(15, 120), note=note)

    def reject(self) -> None:
        self.act(
            "reject", "super", self.minutes(15, 120),
            reason="Too much cash for this one: offer the room move and a smaller credit.",
        )

    def respond(self, response: str = "accepted") -> None:
        note = "Guest agreed on the phone." if response == "accepted" else "Guest wants more."
        self.act("record_response", self.owner, self.minutes(30, 180),
                 customer_response=response, note=note)

    def resolve(self) -> None:
        story = self.story
        data = {
            "outcome": story.outcome,
            "customer_response": "accepted",
            "root_cause": story.cause,
            "root_cause_note": story.cause_note,
            "fault": story.fault,
            "beyond_expectation": story.gesture,
        }
        if story.prevention and self.rng.random() < 0.7:
            data["prevention_action"], data["prevention_owner"] = story.prevention
            data["prevention_due"] = (self.at + timedelta(days=self.minutes(14, 45))).date()
        if not story.gesture and self.rng.random() < 0.15:
            data["beyond_expectation"] = self.rng.choice(GESTURES)
        self.act("resolve", self.owner, self.minutes(60, 600), **data)

    def finish_prevention(self) -> None:
        """The supervisor marks the prevention action done 3 to 20 days later (if by now)."""
        open_ones = [p for p in self.ticket.prevention_actions if p.done_at is None]
        at = self.at + timedelta(minutes=self.minutes(3 * 1440, 20 * 1440))
        if not open_ones or at >= self.demo.now - timedelta(hours=1):
            return
        self.at = at
        perform(self.ticket, "complete_prevention", self.demo.cast["super"],
                {"prevention_id": open_ones[0].id, "note": "Checked on the floor: in place."},
                version=None, now=at)

    def decline(self) -> None:
        """Decline; front-desk owners ask `super` to sign it off."""
        data = {"reason": self.story.reason, "alternative_offered": self.story.alternative}
        if self.ticket.owner.role == Role.FRONT_DESK:
            data["signed_off_by"] = self.username("super")
        self.act("decline", self.owner, self.minutes(30, 300), **data)

    def transfer(self, to: str) -> None:
        self.act("transfer", self.owner, self.minutes(20, 120), to=self.username(to),
                 handover_note="Going off shift for three days; guest prefers calls after 18:00.")

    def accept(self) -> None:
        self.act("accept_transfer", self.ticket.pending_transfer_to.username,
                 self.minutes(10, 90), note="Read the history; calling the guest today.")

    def escalate(self) -> None:
        self.act("escalate", "super", self.minutes(10, 60), reason=self.rng.choice(ESCALATIONS))

    def reopen(self) -> None:
        self.act("reopen", "super", self.minutes(4 * 60, 20 * 60),
                 reason=self.rng.choice(REOPEN_REASONS))

    def close(self, low_days: int = 7, high_days: int = 10) -> None:
        """Close after the follow-ups, some days later but never after now."""
        target = self.at + timedelta(minutes=self.minutes(low_days * 1440, high_days * 1440))
        target = min(target, self.demo.now - timedelta(hours=2))
        minutes = int((target - self.at).total_seconds() // 60)
        self.act("close", "super", minutes, note="Follow-up call done; guest satisfied.")

    def follow_up(self, kind: str, reached: bool = True, late_hours: int = 0, **answers) -> bool:
        """Record an attempt at the open `kind` follow-up, shortly after it falls due (plus
        `late_hours`); by the customer through the link when `by_customer=True`. Returns
        False, doing nothing, when that moment has not come yet."""
        follow_up = next(
            (f for f in self.ticket.follow_ups if f.kind == kind and f.done_at is None), None
        )
        if follow_up is None:
            return False
        at = max(self.at, follow_up.due_at) + timedelta(
            minutes=self.minutes(5, 180) + late_hours * 60
        )
        if at >= self.demo.now - timedelta(minutes=30):
            return False
        self.at = at
        by_customer = answers.pop("by_customer", False)
        actor = None if by_customer else self.demo.cast[self.owner]
        data = {"kind": kind, "reached": reached, **answers}
        record_follow_up(self.ticket, actor, data, version=None, now=at)
        return True

    def happy_answers(self) -> dict:
        """A satisfied survey: mostly 4s and 5s, some 3s."""
        csat = self.rng.choices((5, 4, 3), (45, 40, 15))[0]
        comment = self.rng.choice(SURVEY_COMMENTS) if self.rng.random() < 0.4 else ""
        return {"csat": csat, "recovered": True, "would_recommend": csat >= 4,
                "comment": comment}

    def survey(self, **answers) -> bool:
        """The survey, answered by the customer on their phone about half the time."""
        by_customer = bool(self.ticket.customer.email) and self.rng.random() < 0.5
        answers = answers or self.happy_answers()
        return self.follow_up("survey", by_customer=by_customer, **answers)


def fix_and_resolve(play: Play) -> None:
    """The usual road from an owned ticket to resolved; one contact in six is late."""
    play.contact(kept=play.rng.random() > 0.16)
    play.offer()
    play.approve()
    if play.rng.random() < 0.5:
        play.respond()
    play.resolve()


def stay_new(play: Play) -> None:
    """Left as opened: nobody owns it yet."""


def stay_owned(play: Play) -> None:
    play.contact(promise=play.ahead())


def owned_transfer_pending(play: Play) -> None:
    play.contact(promise=play.ahead())
    play.transfer("desk2")


def owned_escalated(play: Play) -> None:
    play.contact(kept=False)
    play.escalate()


def stay_fix_offered(play: Play) -> None:
    play.contact()
    play.offer(committed=play.ahead())
    play.approve()


def fix_offered_after_transfer(play: Play) -> None:
    play.transfer("desk2")
    play.accept()
    play.offer(committed=play.ahead())
    play.approve()
    play.contact(promise=play.ahead())


def fix_offered_countered(play: Play) -> None:
    play.offer()
    play.approve()
    play.respond("countered")
    raised = Decimal(play.story.amount) * Decimal("1.5") + Decimal("50")
    raised = str(raised.quantize(Decimal("0.01")))
    play.offer(raised, committed=play.ahead(), action=play.story.fix + " Credit raised after "
               "the guest's counter-offer.")
    play.approve()
    play.contact(promise=play.ahead())


def awaiting_fix(play: Play) -> None:
    play.contact()
    play.offer(committed=play.ahead())


def awaiting_decline(play: Play) -> None:
    play.contact()
    play.decline()


def resolved_after_reopen(play: Play) -> None:
    fix_and_resolve(play)
    play.reopen()
    play.offer()
    play.approve()
    play.resolve()


def stay_declined(play: Play) -> None:
    play.decline()
    play.approve()


def follow_up_loop(play: Play) -> None:
    """After resolution: the check-in and the survey; now and then nobody answers."""
    roll = play.rng.random()
    if roll < 0.08:
        for kind, late in (("check_in", 0), ("check_in", 26), ("survey", 0)):
            play.follow_up(kind, reached=False, late_hours=late, comment="No answer; left a note.")
        return
    if roll < 0.25:
        play.follow_up("check_in", reached=False, comment="No answer; will try tomorrow.")
        play.follow_up("check_in", late_hours=24, csat=play.rng.choice((4, 5)))
    else:
        play.follow_up("check_in", csat=play.rng.choice((3, 4, 5, 5)),
                       comment=play.rng.choice(CHECK_IN_NOTES))
    play.survey()


def stay_resolved(play: Play) -> None:
    """Resolved recently: the check-in is done when it fell due in time, the survey waits."""
    fix_and_resolve(play)
    if play.rng.random() < 0.6:
        play.follow_up("check_in", csat=play.rng.choice((4, 5)),
                       comment=play.rng.choice(CHECK_IN_NOTES))


def closed(play: Play) -> None:
    fix_and_resolve(play)
    follow_up_loop(play)
    if play.rng.random() < 0.75:
        play.finish_prevention()


def closed_after_reopen(play: Play) -> None:
    """The survey says it was not put right: reopened to the owner, fixed again."""
    fix_and_resolve(play)
    play.follow_up("check_in", csat=3, comment="Still not happy about it.")
    play.survey(csat=2, recovered=False, would_recommend=False,
                comment="The same thing happened again on my next stay.")
    if play.ticket.status != "owned":
        return
    play.offer()
    play.approve()
    play.resolve()
    follow_up_loop(play)


def closed_after_reject(play: Play) -> None:
    play.offer()
    play.reject()
    play.offer("180.00")
    play.respond()
    play.resolve()
    follow_up_loop(play)


def closed_after_escalation(play: Play) -> None:
    play.contact(kept=False)
    play.escalate()
    play.offer()
    play.approve()
    play.resolve()
    follow_up_loop(play)


def closed_after_transfer(play: Play) -> None:
    play.transfer("desk2")
    play.accept()
    fix_and_resolve(play)
    follow_up_loop(play)


def closed_decline(play: Play) -> None:
    stay_declined(play)
    play.close(2, 5)


DESKS = ("desk", "desk", "desk2", "desk2", "super")


@dataclass(frozen=True)
class Batch:
    """`count` tickets opened `ages` days ago (spread evenly), then walked by `script`.

    A ticket still open is aged by its deadline instead: opened so that `share` of its
    `clock`'s target (business time, the site's policy) has passed by now, spread evenly,
    e.g. (0.2, 0.6) on track, (0.8, 0.95) at risk, above 1 missed. Its steps are sped up
    to fit before now: `takes` is how many minutes the script's steps last at most at
    full pace."""

    script: Callable[[Play], None]
    count: int
    ages: tuple[float, float]
    owners: tuple[str, ...] = DESKS
    kind: str = "any"
    clock: str = "fix_offered"
    share: tuple[float, float] | None = None
    takes: int = 0


OPEN, RECENT, OLD = (1.5, 4.5), (1.5, 9.0), (10.0, 58.0)
NEW = (0.02, 0.95)
ON_TRACK, AT_RISK, MISSED = (0.15, 0.6), (0.8, 0.92), (1.25, 1.6)
# The open tickets tell today's story: most on track, two close to a deadline (a new one
# nobody has taken yet, an owned one still without a fix), and two past one (a complaint
# left waiting, and one escalated after a broken promise).
PLAN = (
    Batch(stay_new, 2, NEW, owners=(), clock="first_response", share=ON_TRACK),
    Batch(stay_new, 1, NEW, owners=(), clock="first_response", share=AT_RISK),
    Batch(stay_new, 1, NEW, owners=(), clock="first_response", share=MISSED),
    Batch(stay_owned, 2, OPEN, share=ON_TRACK, takes=480),
    Batch(stay_owned, 1, OPEN, share=AT_RISK, takes=480),
    Batch(stay_owned, 1, OPEN, kind="safety", share=ON_TRACK, takes=480),
    Batch(owned_transfer_pending, 1, OPEN, owners=("desk",), share=ON_TRACK, takes=600),
    Batch(owned_escalated, 1, OPEN, share=MISSED, takes=780),
    Batch(stay_fix_offered, 3, OPEN, share=(0.5, 0.7), takes=840),
    Batch(fix_offered_after_transfer, 1, OPEN, owners=("desk",), share=(0.5, 0.7),
          takes=1150),
    Batch(fix_offered_countered, 1, OPEN, owners=("super",), share=(0.5, 0.7), takes=1400),
    Batch(awaiting_fix, 1, OPEN, owners=("desk",), kind="big", share=ON_TRACK, takes=720),
    Batch(awaiting_fix, 1, OPEN, owners=("desk2",), kind="huge", share=ON_TRACK, takes=720),
    Batch(awaiting_decline, 2, OPEN, owners=("desk", "desk2"), kind="decline",
          share=ON_TRACK, takes=780),
    Batch(stay_resolved, 10, RECENT),
    Batch(stay_resolved, 1, RECENT, kind="safety"),
    Batch(resolved_after_reopen, 1, (5.0, 9.0)),
    Batch(stay_declined, 3, RECENT, owners=("desk", "desk2", "super"), kind="decline"),
    Batch(closed, 96, OLD),
    Batch(closed, 1, OLD, owners=("desk",), kind="huge"),
    Batch(closed_after_reopen, 4, (16.0, 58.0)),
    Batch(closed_after_reject, 1, OLD, owners=("desk",), kind="big"),
    Batch(closed_after_escalation, 1, OLD),
    Batch(closed_after_transfer, 1, OLD, owners=("desk",)),
    Batch(closed_decline, 6, OLD, kind="decline"),
)

STORY_KINDS: dict[str, Callable[[Story | DeclineStory], bool]] = {
    "any": lambda s: isinstance(s, Story) and not s.safety and Decimal(s.amount) <= 2000,
    "big": lambda s: isinstance(s, Story) and not s.safety and 200 < Decimal(s.amount) <= 2000,
    "huge": lambda s: isinstance(s, Story) and Decimal(s.amount) > 2000,
    "safety": lambda s: isinstance(s, Story) and s.safety,
    "decline": lambda s: isinstance(s, DeclineStory),
}
