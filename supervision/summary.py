"""The SLA board's counts, defined as the weekly report defines its backlog: a ticket is
"open and overdue" when its first-response, fix or resolution deadline has passed unmet
(`reports.backlog`), so the board and this week's report give the same number."""

from dataclasses import dataclass

from reports.backlog import BACKLOG_CLOCKS
from sla.clocks import ClockState
from supervision.board import BoardRow


@dataclass(frozen=True)
class BoardSummary:
    """How many board rows are overdue on a service-level deadline, how many only missed a
    promised call-back (next contact), and how many are at risk without any miss."""

    overdue: int
    promise_missed: int
    at_risk: int


def overdue(row: BoardRow) -> bool:
    """A service-level deadline of the row's ticket has passed unmet."""
    return any(row.clocks[name].state == ClockState.BREACHED
               for name in BACKLOG_CLOCKS if name in row.clocks)


def board_summary(rows: list[BoardRow]) -> BoardSummary:
    late_rows = [overdue(row) for row in rows]
    late = sum(late_rows)
    missed = sum(1 for row, is_late in zip(rows, late_rows, strict=True)
                 if not is_late and row.worst.state == ClockState.BREACHED)
    return BoardSummary(overdue=late, promise_missed=missed,
                        at_risk=len(rows) - late - missed)
