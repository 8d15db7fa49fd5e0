"""Elapsed times of the week: first response and resolution, median and 90th percentile.

Elapsed means wall-clock time, in minutes (not business time). Percentiles are by
nearest rank: the value at index ceil(p·n) − 1 of the n values sorted ascending. SQL
orders the rows by the elapsed time and fetches only the row at that index
(ORDER BY … LIMIT 1 OFFSET k); the minutes are then computed in Python from that row's
two timestamps, so both databases give identical numbers.
"""

from sqlalchemy import Float, Select, func, select
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from extensions import db
from reports import sets
from reports.numbers import one_decimal
from reports.scope import Scope
from tickets.models import Ticket

PERCENTILES = {"median_minutes": (1, 2), "p90_minutes": (9, 10)}


class ElapsedSeconds(FunctionElement):
    """Seconds from `start` to `end` (two timestamp columns), for ordering only."""

    type = Float()
    inherit_cache = True
    name = "elapsed_seconds"


@compiles(ElapsedSeconds)
def _unsupported_elapsed(element, compiler, **kw) -> str:
    raise CompileError(f"elapsed time is not written for {compiler.dialect.name}")


@compiles(ElapsedSeconds, "sqlite")
def _sqlite_elapsed(element, compiler, **kw) -> str:
    end, start = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


@compiles(ElapsedSeconds, "postgresql")
def _postgresql_elapsed(element, compiler, **kw) -> str:
    end, start = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"EXTRACT(EPOCH FROM ({end} - {start}))"


def nearest_rank_index(numerator: int, denominator: int, count: int) -> int:
    """ceil(p·n) − 1 for p = numerator / denominator, in integers."""
    return max(-(-numerator * count // denominator) - 1, 0)


def _first_response_rows(scope: Scope) -> Select:
    owned = Ticket.id.in_(sets.owned(scope))
    return select(Ticket.id.label("ticket_id"), Ticket.owned_at.label("end"),
                  Ticket.created_at.label("start")).where(owned)


def _resolution_rows(scope: Scope) -> Select:
    res = sets.resolutions(scope)
    return select(Ticket.id.label("ticket_id"), res.c.resolved_at.label("end"),
                  Ticket.created_at.label("start")).join(res, res.c.ticket_id == Ticket.id)


def _minutes(row) -> float:
    return one_decimal((row.end - row.start).total_seconds() / 60)


def duration_stats(rows: Select) -> dict:
    """Count, median and p90 (minutes, one decimal) of `rows` (ticket_id, end, start)."""
    source = rows.subquery()
    count = db.session.scalar(select(func.count()).select_from(source))
    stats: dict = {"count": count}
    ordered = select(source.c.end, source.c.start).order_by(
        ElapsedSeconds(source.c.end, source.c.start), source.c.ticket_id
    )
    for key, (numerator, denominator) in PERCENTILES.items():
        if not count:
            stats[key] = None
            continue
        index = nearest_rank_index(numerator, denominator, count)
        stats[key] = _minutes(db.session.execute(ordered.limit(1).offset(index)).one())
    return stats


def times(scope: Scope) -> dict:
    """First response: owned_at − created_at of the tickets owned in the week.
    Resolution: the week's (latest) resolve event − created_at of the tickets resolved."""
    return {
        "first_response": duration_stats(_first_response_rows(scope)),
        "resolution": duration_stats(_resolution_rows(scope)),
    }
