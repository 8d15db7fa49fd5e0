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


def step_due(times: LadderTimes, done: Step, now: datetime) -> Step | None:
    """The highest step not yet taken whose moment has come, or None.

    After downtime only the highest due step is taken: telling the owner a clock is at
    risk when it is already breached would be noise.
    """
    reached = [step for step in Step if step > done and times.moment(step) <= now]
    return max(reached) if reached else None


def next_step_at(times: LadderTimes, done: Step) -> datetime | None:
    """When the next step after `done` falls due (None when the ladder is finished)."""
    later = [times.moment(step) for step in Step if step > done]
    return min(later) if later else None
