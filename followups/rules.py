"""The follow-up loop's rules, as plain functions of plain values (no Flask, no database).

After resolution the customer gets a check-in two days later and a survey seven days later,
counted in the site's calendar days. What an answer means for the ticket:

- an answer that says the customer is not satisfied (CSAT 2 or less, or "not recovered")
  reopens the ticket to its owner;
- an answered survey closes the ticket;
- three unreached attempts in a row close the ticket: the customer cannot be reached.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

CHECK_IN_AFTER_DAYS = 2
SURVEY_AFTER_DAYS = 7
MAX_UNREACHED_IN_A_ROW = 3
DISSATISFIED_CSAT = 2
SURVEY_LINK_VALID_DAYS = 21


class Verdict(StrEnum):
    KEEP = "keep"
    REOPEN = "reopen"
    CLOSE_ANSWERED = "close_answered"
    CLOSE_UNREACHABLE = "close_unreachable"


@dataclass(frozen=True)
class Answer:
    """One attempt as the rules see it."""

    kind: str
    reached: bool
    csat: int | None = None
    recovered: bool | None = None


def due_after(resolved_at: datetime, days: int, zone: ZoneInfo) -> datetime:
    """`days` calendar days after `resolved_at` in the site's zone, same wall-clock time.

    Across a DST change the local time is kept (a check-in promised for 15:00 stays at
    15:00); a wall time that does not exist that day moves forward with the clock.
    """
    if resolved_at.tzinfo is None:
        raise ValueError("an aware datetime is needed")
    wall = resolved_at.astimezone(zone).replace(tzinfo=None) + timedelta(days=days)
    return wall.replace(tzinfo=zone).astimezone(UTC)


def is_dissatisfied(answer: Answer) -> bool:
    if not answer.reached:
        return False
    low_score = answer.csat is not None and answer.csat <= DISSATISFIED_CSAT
    return low_score or answer.recovered is False


def unreached_in_a_row(answers: list[Answer]) -> int:
    """How many of the latest attempts, counting back, got nobody."""
    count = 0
    for answer in reversed(answers):
        if answer.reached:
            break
        count += 1
    return count


def verdict(latest: Answer, cycle: list[Answer]) -> Verdict:
    """What the latest attempt means, given every attempt since the ticket was resolved
    (`cycle`, oldest first, including `latest`)."""
    if is_dissatisfied(latest):
        return Verdict.REOPEN
    if latest.reached and latest.kind == "survey":
        return Verdict.CLOSE_ANSWERED
    if unreached_in_a_row(cycle) >= MAX_UNREACHED_IN_A_ROW:
        return Verdict.CLOSE_UNREACHABLE
    return Verdict.KEEP
