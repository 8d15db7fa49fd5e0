"""The weekly recovery report: every figure of one ISO week, for one site or all sites,
and the ticket list behind each figure.

`weekly_figures` returns a JSON-ready dict computed by SQL aggregation, with the keys:
week, site, currency, generated_at, period; volume and by_dimension / by_category /
by_channel / by_severity, and unclassified (the tickets without a category, which
by_category and by_dimension leave out); sla, sla_compliance, sla_by_dimension; times;
first_contact_resolution, escalation, reopen, recovery (+ recovery_rate); the customer
side: acknowledged_in_writing (a rate) and customer_accepted_fixes (a count); csat
(+ csat_average); survey_response; compensation_total / _average / _count / _by_remedy;
root_causes, fault_split, prevention, repeat_complainants, gestures, oldest_open,
open_overdue, owners; and previous (the week before, without its own previous).

`figure_tickets` returns the SELECT of the ticket ids that make up a figure, built from
the same set definitions (`reports.sets`, `reports.clocks`, `reports.backlog`) so a number
and its list always agree.

Weeks are ISO weeks in each site's own zone: with all sites, each site's tickets are
counted in that site's week. Percentages are 0–100 with one decimal or None when nothing
was counted; money is a decimal string; datetimes are ISO 8601 with offset (UTC).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import partial

from sqlalchemy import Select, select, text

from auth.models import User
from core.vocabulary import Channel, Dimension, Severity, values
from extensions import db
from reports import backlog, clocks, durations, lists, measures, sets
from reports.numbers import iso, mean, money, money_mean, percent
from reports.owners import owner_table
from reports.scope import Scope, build_scope
from reports.weeks import IsoWeek, as_week, previous_week, window
from sites.models import Site
from tickets.models import Category, Ticket

BREAKDOWNS = {
    "by_channel": ("channel", values(Channel)),
    "by_severity": ("severity", values(Severity)),
}


def weekly_figures(week: str | IsoWeek, site: Site | None, now: datetime) -> dict:
    """Every figure of `week` ("YYYY-Www") at `site` (None: all sites) as known at `now`
    (aware), with `previous`: the same figures for the week before (without its own
    `previous`). Raises ValueError for a malformed week."""
    iso_week = as_week(week)
    _without_jit()
    sites = sites_of(site)
    figures = _figures(iso_week, site, sites, now)
    figures["previous"] = _figures(previous_week(iso_week), site, sites, now)
    return figures


def _without_jit() -> None:
    """PostgreSQL's JIT compiles the report's few large aggregates for longer than they
    run (seconds at a million tickets): off for the rest of this transaction only, which
    suits PgBouncer's transaction pooling too."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))


def sites_of(site: Site | None) -> list[Site]:
    if site is not None:
        return [site]
    return list(db.session.scalars(select(Site).order_by(Site.id)))


def _header(scope: Scope, site: Site | None, sites: list[Site]) -> dict:
    currencies = {each.currency for each in sites}
    start, end = scope.period or window(scope.week, "UTC")
    return {
        "week": str(scope.week),
        "site": site.name if site is not None else None,
        "currency": currencies.pop() if len(currencies) == 1 else None,
        "generated_at": iso(scope.now),
        "period": {"start": iso(start), "end": iso(end)},
    }


def _figures(week: IsoWeek, site: Site | None, sites: list[Site], now: datetime) -> dict:
    scope = build_scope(week, sites, now)
    volume = measures.volume_counts(scope)
    sla = measures.sla_counts(scope)
    csat = measures.csat_counts(scope)
    compensation = measures.compensation_counts(scope)
    repeat, repeat_count = lists.repeat_complainants(scope)
    overdue, overdue_count = backlog.open_overdue(scope)
    return {
        **_header(scope, site, sites),
        **_volume(volume),
        **_sla(sla),
        "times": durations.times(scope),
        **measures.rates(scope, volume),
        **measures.customer_side(scope),
        **_csat(csat),
        "survey_response": measures.survey_response(scope),
        **_compensation(compensation, len({each.currency for each in sites}) > 1),
        "root_causes": measures.root_causes(scope),
        "fault_split": measures.fault_split(scope),
        "prevention": lists.prevention(scope),
        "repeat_complainants": repeat,
        "gestures": lists.gestures(scope),
        "oldest_open": backlog.oldest_open(scope),
        "open_overdue": overdue,
        "owners": owner_table(volume, sla, csat, compensation),
        "open_overdue_count": overdue_count,
        "repeat_complainants_count": repeat_count,
    }


def _counts_of(volume: dict, grouping: str, value: str) -> dict[str, int]:
    return {key: volume[key][grouping].get(value, 0) for key in measures.VOLUME_SETS}


def _volume(volume: dict) -> dict:
    """Volume, and volume by dimension (all five), category (those counted), channel and
    severity (all, web and e-mail included); the tickets without a category apart."""
    categories = sorted({name for key in volume for name in volume[key]["category"]})
    figures = {
        "volume": {key: measures.total(volume[key]) for key in measures.VOLUME_SETS},
        "by_dimension": {d: _counts_of(volume, "dimension", d) for d in values(Dimension)},
        "by_category": {c: _counts_of(volume, "category", c) for c in categories},
        "unclassified": {k: measures.unclassified(volume[k]) for k in measures.VOLUME_SETS},
    }
    for name, (grouping, options) in BREAKDOWNS.items():
        figures[name] = {value: _counts_of(volume, grouping, value) for value in options}
    return figures


def _sla(rows: measures.SlaRows) -> dict:
    """Per clock: due, met and compliance; compliance overall and per dimension."""
    sla, by_dimension = {}, {d: {} for d in values(Dimension)}
    for clock in clocks.CLOCK_NAMES:
        due = sum(row[2] for row in rows[clock])
        met = sum(int(row[3] or 0) for row in rows[clock])
        sla[clock] = {"due": due, "met": met, "compliance": percent(met, due)}
        for dimension in values(Dimension):
            mine = [row for row in rows[clock] if row[0] == dimension]
            counted = sum(row[2] for row in mine)
            by_dimension[dimension][clock] = percent(sum(int(r[3] or 0) for r in mine), counted)
    return {
        "sla": sla,
        "sla_compliance": {clock: sla[clock]["compliance"] for clock in clocks.CLOCK_NAMES},
        "sla_by_dimension": by_dimension,
    }


def _csat(counts: dict) -> dict:
    responses = sum(count for count, _score in counts.values())
    average = mean(sum(score for _count, score in counts.values()), responses)
    return {"csat": {"responses": responses, "average": average}, "csat_average": average}


def _compensation(rows: measures.CompensationRows, mixed_currencies: bool) -> dict:
    """Total, average and count over the latest offers of the week's resolved tickets, per
    remedy type (those with offers) and per currency. Amounts are never added across
    currencies: when the sites use several, the totals and averages are None and
    `compensation_by_currency` carries the money."""
    by_remedy: dict[str, list] = {}
    by_currency: dict[str, Decimal] = {}
    for remedy, _owner, currency, count, amount in rows:
        entry = by_remedy.setdefault(remedy, [0, Decimal(0)])
        entry[0] += count
        entry[1] += amount
        by_currency[currency] = by_currency.get(currency, Decimal(0)) + amount
    count = sum(entry[0] for entry in by_remedy.values())
    whole = sum((entry[1] for entry in by_remedy.values()), Decimal(0))
    return {
        "compensation_total": None if mixed_currencies else money(whole),
        "compensation_average": None if mixed_currencies else money_mean(whole, count),
        "compensation_count": count,
        "compensation_by_currency": {c: money(t) for c, t in sorted(by_currency.items())},
        "compensation_by_remedy": {
            remedy: {"count": entry[0], "total": None if mixed_currencies else money(entry[1])}
            for remedy, entry in sorted(by_remedy.items())
        },
    }


# --- drill-down ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """How to build a figure's ticket set, and the parameters it takes."""

    build: Callable[..., Select]
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()


FIGURES: dict[str, Figure] = {
    "new": Figure(sets.new),
    "resolved": Figure(sets.resolved),
    "declined": Figure(sets.declined),
    "reopened": Figure(sets.reopened),
    "owned": Figure(sets.owned),
    "first_contact": Figure(sets.first_contact),
    "escalated": Figure(sets.escalated),
    "active": Figure(sets.active),
    "recovered": Figure(sets.recovered),
    "surveyed": Figure(sets.surveyed),
    "survey_due": Figure(sets.survey_due),
    "survey_completed": Figure(sets.survey_completed),
    "compensation": Figure(sets.compensated, optional=("remedy",)),
    "root_cause": Figure(sets.root_cause, required=("cause",)),
    "fault": Figure(sets.fault, required=("fault",)),
    "prevention_overdue": Figure(sets.prevention_overdue_tickets),
    "repeat": Figure(sets.repeat),
    "gestures": Figure(sets.gestures),
    "owned_with_email": Figure(sets.owned_with_email),
    "acknowledged_in_writing": Figure(sets.acknowledged_in_writing),
    "customer_accepted": Figure(sets.customer_accepted),
    "open": Figure(backlog.open_tickets),
    "open_overdue": Figure(backlog.open_overdue_tickets),
    **{
        f"sla_{clock}_{outcome}": Figure(partial(build, clock=clock))
        for clock in clocks.CLOCK_NAMES
        for outcome, build in (
            ("due", clocks.sla_due), ("met", clocks.sla_met), ("missed", clocks.sla_missed)
        )
    },
}

GROUP_FILTERS = {
    "dimension": lambda value: Ticket.dimension == value,
    "channel": lambda value: Ticket.channel == value,
    "severity": lambda value: Ticket.severity == value,
    "category": lambda value: Ticket.category_id.in_(
        select(Category.id).where(Category.name == value)
    ),
    "unclassified": lambda _value: Ticket.category_id.is_(None),
    "owner": lambda value: Ticket.owner_id.in_(select(User.id).where(User.username == value)),
}


def _figure(key: str, group: dict) -> Figure:
    if key not in FIGURES:
        raise KeyError(f"'{key}' is not a figure of the weekly report")
    figure = FIGURES[key]
    unknown = set(group) - set(figure.required) - set(figure.optional) - set(GROUP_FILTERS)
    if unknown:
        raise ValueError(f"figure '{key}' cannot be filtered by {', '.join(sorted(unknown))}")
    missing = [name for name in figure.required if group.get(name) is None]
    if missing:
        raise ValueError(f"figure '{key}' needs {', '.join(missing)}")
    return figure


def figure_tickets(
    key: str, week: str | IsoWeek, site: Site | None, now: datetime, **group
) -> Select:
    """`select(Ticket.id)` of the tickets behind figure `key` of `week` at `site` (None: all
    sites), ordered by id. `group` narrows it by dimension, category (name), channel,
    severity or owner (username), or to the tickets without a category (`unclassified`,
    any value), and passes remedy, cause or fault to the figures that take them. KeyError
    for an unknown figure, ValueError for a bad filter or week."""
    group = {name: value for name, value in group.items() if value is not None}
    figure = _figure(key, group)
    scope = build_scope(as_week(week), sites_of(site), now)
    params = {name: group[name] for name in (*figure.required, *figure.optional) if name in group}
    filters = [GROUP_FILTERS[name](value) for name, value in group.items()
               if name in GROUP_FILTERS]
    members = figure.build(scope, **params)
    return select(Ticket.id).where(Ticket.id.in_(members), *filters).order_by(Ticket.id)
