"""Pages of long lists (the tickets) that read only the rows shown, and a count that stops
a fixed distance past the page instead of counting the archive."""

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, literal, select
from sqlalchemy.orm import Session

# Rows counted past the start of the page shown: a total larger than that reads
# "10000+", and the pager offers the pages up to it (each further page counts further).
COUNT_AHEAD = 10_000


def _count(session: Session, stmt: Select, limit: int) -> int:
    """Rows of `stmt`, counting no further than `limit`."""
    rows = (stmt.with_only_columns(literal(1), maintain_column_froms=True)
            .order_by(None).limit(limit).subquery())
    return session.execute(select(func.count()).select_from(rows)).scalar_one()


class RunsPagination(Pagination):
    """One page of a list made of runs shown one after another (`runs`: SELECTs, each in
    its own order), read with a LIMIT on each run it overlaps instead of one ORDER BY over
    the whole list. Pages and links as `db.paginate` gives them; `total` counts at most
    COUNT_AHEAD rows past the page's start, and `total_is_exact` says whether it got to
    the end."""

    total_is_exact: bool

    @property
    def _count_limit(self) -> int:
        return self._query_offset + COUNT_AHEAD + 1

    def _run_sizes(self) -> list[int]:
        if "sizes" not in self._query_args:
            session, limit = self._query_args["session"], self._count_limit
            self._query_args["sizes"] = [_count(session, run, limit)
                                         for run in self._query_args["runs"]]
        return self._query_args["sizes"]

    def _query_items(self) -> list:
        session, runs = self._query_args["session"], self._query_args["runs"]
        start, wanted, items = self._query_offset, self.per_page, []
        for run, size in zip(runs, self._run_sizes(), strict=True):
            if wanted and start < size:
                page = run.limit(wanted).offset(start)
                found = list(session.execute(page).unique().scalars())
                items.extend(found)
                wanted -= len(found)
            start = max(0, start - size)
        return items

    def _query_count(self) -> int:
        counted = sum(self._run_sizes())
        self.total_is_exact = counted < self._count_limit
        return min(counted, self._count_limit - 1)


def paginate_runs(session: Session, runs: tuple[Select, ...], *, page: int,
                  per_page: int) -> RunsPagination:
    return RunsPagination(session=session, runs=runs, page=page, per_page=per_page,
                          error_out=False)
