"""The customer search's FTS5 table (SQLite only; customers.models) holds every customer and
no one else.

Its triggers keep it; rows written behind their back (triggers set aside and no rebuild
after, a file edited by hand) leave customers the search cannot find. The check compares
the ids the index holds — its `_docsize` shadow table, one row per indexed customer — with
the customers' ids: one query each way, one finding each, naming the first few. A value
changed behind the triggers' back is not seen (the index keeps no copy of the values).
Either is put right by `INSERT INTO customers_search(customers_search) VALUES('rebuild')`.
"""

from sqlalchemy import column, exists, select, table, text
from sqlalchemy.orm import Session

from customers.models import SEARCH_REBUILD, SEARCH_TABLE, Customer
from maintenance.findings import Finding

REF = "customers"
CHECK = "search index"
SHOWN = 5
indexed = table(f"{SEARCH_TABLE}_docsize", column("id"))


def _ids(session: Session, stmt) -> list[int]:
    return list(session.scalars(stmt.limit(SHOWN + 1)))


def _named(ids: list[int]) -> str:
    shown = ", ".join(f"#{number}" for number in ids[:SHOWN])
    return shown + (", …" if len(ids) > SHOWN else "")


def search_index_findings(session: Session) -> list[Finding]:
    """The customers the search table misses and the ids it holds of no customer (SQLite;
    nothing to check on PostgreSQL, whose indexes the database itself keeps)."""
    if session.get_bind().dialect.name != "sqlite":
        return []
    present = session.scalar(text(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": SEARCH_TABLE})
    if not present:
        return [Finding(REF, CHECK, f"the search table {SEARCH_TABLE} is missing: run "
                                    "`flask init-db`")]
    customer_id = Customer.__table__.c.id
    missing = _ids(session, select(customer_id).where(
        ~exists().where(indexed.c.id == customer_id)).order_by(customer_id))
    stray = _ids(session, select(indexed.c.id).where(
        ~exists().where(customer_id == indexed.c.id)).order_by(indexed.c.id))
    found = []
    if missing:
        found.append(Finding(REF, CHECK, f"{SEARCH_TABLE} lacks customers {_named(missing)}: "
                                         f"run {SEARCH_REBUILD}"))
    if stray:
        found.append(Finding(REF, CHECK, f"{SEARCH_TABLE} holds ids of no customer "
                                         f"({_named(stray)}): run {SEARCH_REBUILD}"))
    return found
