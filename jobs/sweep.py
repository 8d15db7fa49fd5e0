"""The every-minute pass: the escalation ladder, then the follow-ups that fell due.

Both parts only change the session (the job or the command around them commits); the
outbox sender runs after the commit, so what this pass queued can go out at once. The pass
reads the site supervisors and managers it tells once (`StaffOnCall`), not once a ticket.
"""

from dataclasses import dataclass, field
from datetime import datetime

from followups.sweep import follow_up_sweep
from notifications.alerts import LadderAlerts
from notifications.services import StaffOnCall
from tickets.escalation import climb_due_tickets


@dataclass
class SweepReport:
    checked: int = 0
    steps: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    follow_ups: dict = field(default_factory=dict)
    mail: dict = field(default_factory=dict)

    def lines(self) -> list[str]:
        taken = ", ".join(f"{name}: {n}" for name, n in sorted(self.steps.items())) or "none"
        lines = [f"Checked {self.checked} ticket(s); ladder steps taken: {taken}."]
        if self.skipped:
            lines.append(f"Skipped {self.skipped} ticket(s) another sweeper was handling.")
        if self.follow_ups:
            done = ", ".join(f"{k} {v}" for k, v in self.follow_ups.items())
            lines.append("Follow-ups: " + done)
        if self.mail:
            lines.append("Mail: " + ", ".join(f"{k} {v}" for k, v in self.mail.items()))
        return lines


def sweep(now: datetime) -> SweepReport:
    """One pass over every due ticket, then the due follow-ups (the caller commits). The
    site supervisors and managers told are read once for the whole pass."""
    staff = StaffOnCall()
    ladder = climb_due_tickets(now, announce=LadderAlerts(staff))
    return SweepReport(
        checked=ladder.checked,
        steps=ladder.steps,
        skipped=ladder.skipped,
        follow_ups=follow_up_sweep(now, staff),
    )
