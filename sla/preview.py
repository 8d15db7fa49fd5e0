"""When each target would fall due for a ticket opened at a given moment. Pure.

The policy page previews its targets on the site's calendar: for a ticket opened now, per
severity and clock, the due time (the same arithmetic as a real ticket's clocks: business
time added from the opening moment, scaled by the customer's tier). Where the dimensions
of a severity have different targets, the preview gives the earliest and the latest.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sla.calendar import BusinessCalendar
from sla.policy import CLOCKS, DIMENSIONS, SEVERITIES, Policy


@dataclass(frozen=True)
class DuePreview:
    """One severity's clock: its shortest and longest target across the dimensions and when
    each falls due (equal when every dimension has the same target)."""

    clock: str
    shortest: timedelta
    longest: timedelta
    earliest: datetime
    latest: datetime

    @property
    def varies(self) -> bool:
        return self.earliest != self.latest


def due_preview(policy: Policy, calendar: BusinessCalendar, opened_at: datetime,
                tier: str = "standard") -> dict[str, dict[str, DuePreview]]:
    """`{severity: {clock: DuePreview}}` for a ticket of a `tier` customer opened at
    `opened_at` (aware) on `calendar`."""
    preview = {}
    for severity in SEVERITIES:
        preview[severity] = {}
        for clock in CLOCKS:
            targets = sorted({policy.target(clock, d, severity, tier) for d in DIMENSIONS})
            shortest, longest = targets[0], targets[-1]
            preview[severity][clock] = DuePreview(
                clock, shortest, longest,
                calendar.add_business_time(opened_at, shortest),
                calendar.add_business_time(opened_at, longest),
            )
    return preview
