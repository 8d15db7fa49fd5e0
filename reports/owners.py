"""The per-owner table of the weekly report: a table sorted by name, not a ranking.

Built from the grouped counts the report already has (per current ticket owner), plus
one statement for the owners' names: new tickets they own, tickets resolved, compliance
of the resolution clocks counted on their tickets, the CSAT of survey answers on their
tickets, and the compensation of their resolved tickets' latest offers.
"""

from decimal import Decimal

from sqlalchemy import select

from auth.models import User
from extensions import db
from reports.measures import CompensationRows, Grouped, SlaRows
from reports.numbers import mean, money, percent


def _by_owner(grouped: Grouped) -> dict[int, int]:
    return {int(owner): count for owner, count in grouped["owner"].items()}


def _resolution_by_owner(sla: SlaRows) -> dict[int, tuple[int, int]]:
    counted: dict[int, tuple[int, int]] = {}
    for _dimension, owner, due, met in sla["resolution"]:
        if owner is not None:
            before = counted.get(owner, (0, 0))
            counted[owner] = (before[0] + due, before[1] + int(met or 0))
    return counted


def _compensation_by_owner(rows: CompensationRows) -> dict[int, Decimal | None]:
    """Each owner's total; None for an owner whose offers are in more than one currency."""
    totals: dict[int, Decimal | None] = {}
    currencies: dict[int, set[str]] = {}
    for _remedy, owner, currency, _count, amount in rows:
        if owner is None:
            continue
        currencies.setdefault(owner, set()).add(currency)
        before = totals.get(owner, Decimal(0))
        totals[owner] = None if before is None or len(currencies[owner]) > 1 else before + amount
    return totals


def _money_or_none(amount: Decimal | None) -> str | None:
    return None if amount is None else money(amount)


def owner_table(
    volume: dict[str, Grouped],
    sla: SlaRows,
    csat: dict[int | None, tuple[int, int]],
    compensation: CompensationRows,
) -> list[dict]:
    """One row per owner with anything to show this week, sorted by display name."""
    new_owned, resolved = _by_owner(volume["new"]), _by_owner(volume["resolved"])
    resolution, cost = _resolution_by_owner(sla), _compensation_by_owner(compensation)
    owner_ids = {*new_owned, *resolved, *resolution, *cost, *(o for o in csat if o is not None)}
    if not owner_ids:
        return []
    users = db.session.execute(
        select(User.id, User.username, User.display_name).where(User.id.in_(owner_ids))
    ).all()
    rows = []
    for user in users:
        due, met = resolution.get(user.id, (0, 0))
        answers, score = csat.get(user.id, (0, 0))
        rows.append({
            "username": user.username,
            "name": user.display_name or user.username,
            "new_owned": new_owned.get(user.id, 0),
            "resolved": resolved.get(user.id, 0),
            "sla_resolution": percent(met, due),
            "csat_average": mean(score, answers),
            "compensation": _money_or_none(cost.get(user.id, Decimal(0))),
        })
    return sorted(rows, key=lambda row: (row["name"].casefold(), row["username"]))
