"""Elapsed times of the week: first response and resolution, median and 90th percentile.

Elapsed means wall-clock time, in minutes (not business time). Percentiles are by
nearest rank: the value at index ceil(p·n) − 1 of the n values sorted ascending. SQL
numbers the rows in elapsed order (ties by ticket id) and fetches only the rows at those
ranks, with the count, in one statement; the minutes are then computed in Python from
each row's two timestamps, so both databases give identical numbers.
"""

from sqlalchemy import ColumnElement, Float, Select, func, select
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


def _rank_at(numerator: int, denominator: int, count) -> ColumnElement:
    """`nearest_rank_index` + 1 (a 1-based row number) in SQL integers, for count >= 1."""
    return (count * numerator + (denominator - 1)) // denominator


def duration_stats(rows: Select) -> dict:
    """Count, median and p90 (minutes, one decimal) of `rows` (ticket_id, end, start), in
    one statement: the rows numbered in elapsed order, and only those at the percentiles'
    ranks fetched, each with the count."""
    source = rows.subquery()
    elapsed = ElapsedSeconds(source.c.end, source.c.start)
    numbered = select(
        source.c.end,
        source.c.start,
        func.row_number().over(order_by=(elapsed, source.c.ticket_id)).label("rank"),
        func.count().over().label("count"),
    ).subquery("numbered")
    wanted = [_rank_at(numerator, denominator, numbered.c.count)
              for numerator, denominator in PERCENTILES.values()]
    found = db.session.execute(
        select(numbered.c.rank, numbered.c.count, numbered.c.end, numbered.c.start)
        .where(numbered.c.rank.in_(wanted))
    ).all()
    count = found[0].count if found else 0
    stats: dict = {"count": count}
    by_rank = {row.rank: row for row in found}
    for key, (numerator, denominator) in PERCENTILES.items():
        if not count:
            stats[key] = None
            continue
        index = nearest_rank_index(numerator, denominator, count)
        stats[key] = _minutes(by_rank[index + 1])
    return stats


def times(scope: Scope) -> dict:
    """First response: owned_at − created_at of the tickets owned in the week.
    Resolution: the week's (latest) resolve event − created_at of the tickets resolved."""
    return {
        "first_response": duration_stats(_first_response_rows(scope)),
        "resolution": duration_stats(_resolution_rows(scope)),
    }
