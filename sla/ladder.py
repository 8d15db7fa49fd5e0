"""The escalation ladder: at risk → the owner; breached → level 1 (site supervisors);
breached for a further share of the target → level 2 (managers). Each step once per clock.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum


class Step(IntEnum):
    NONE = 0
    WARN_OWNER = 1
    LEVEL_1 = 2
    LEVEL_2 = 3


ESCALATIONS = (Step.LEVEL_1, Step.LEVEL_2)


@dataclass(frozen=True)
class LadderTimes:
    """When each step of one clock falls due."""

    warn_at: datetime
    due: datetime
    level2_at: datetime

    def moment(self, step: Step) -> datetime:
        return {
            Step.WARN_OWNER: self.warn_at,
            Step.LEVEL_1: self.due,
            Step.LEVEL_2: self.level2_at,
        }[step]


def steps_due(times: LadderTimes, done: Step, now: datetime) -> list[Step]:
    """Every step after `done` whose moment has come, lowest first; empty when none.

    After downtime every skipped escalation is still taken, in order (level 1 then
    level 2): each is its own audit event and reaches its own people, so site supervisors
    hear of a breach even when managers are told in the same pass. The owner's "at risk"
    warning is the one step dropped, and only when the clock is already breached (its
    level-1 notice tells the owner too; warning of a deadline already missed is noise).
    """
    reached = [step for step in Step if step > done and times.moment(step) <= now]
    if any(step in ESCALATIONS for step in reached):
        return [step for step in reached if step in ESCALATIONS]
    return reached


def next_step_at(times: LadderTimes, done: Step) -> datetime | None:
    """When the next step after `done` falls due (None when the ladder is finished)."""
    later = [times.moment(step) for step in Step if step > done]
    return min(later) if later else None
