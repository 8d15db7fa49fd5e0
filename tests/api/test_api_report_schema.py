"""The weekly report's response model (`api.schemas.reports.WeeklyReport`) is the report's
JSON exactly: every figure declared and required, nothing undeclared, in the document, and
weeks stored before a newer figure existed still match it."""

from datetime import UTC, datetime, timedelta

import pytest
from jsonschema import Draft202012Validator
from pydantic import ValidationError
from sqlalchemy import select

from api.document import build_document
from api.schemas.reports import WeekFigures, WeeklyReport
from auth.models import User
from core import clock
from extensions import db
from reports.figures import weekly_figures
from reports.snapshots import report_figures, store
from reports.weeks import shift_week, week_of
from sites.models import Site

# Contract ("Weekly report JSON (at least)") members, required in every week.
CONTRACT = {"week", "site", "volume", "by_dimension", "sla_compliance", "recovery_rate",
            "csat_average", "compensation_total", "by_channel"}
# Figures added after weeks could be stored: a week stored before them lacks them.
NEWER = {"unclassified", "acknowledged_in_writing", "customer_accepted_fixes",
         "compensation_by_currency", "open_overdue_count", "repeat_complainants_count"}


def _document_validator() -> Draft202012Validator:
    document = build_document()
    schema = {"$ref": "#/components/schemas/WeeklyReport", "components": document["components"]}
    return Draft202012Validator(schema)


def _report(client, headers, **query):
    response = client.get("/api/v1/reports/weekly", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _matches(body: dict) -> None:
    """Both ways of reading the model: pydantic (extra="forbid") and the document's JSON
    Schema, as an integrator's validator would."""
    WeeklyReport.model_validate(body)
    errors = sorted(_document_validator().iter_errors(body), key=str)
    assert errors == [], errors[0].message if errors else ""


def test_the_document_answers_the_report_with_the_model(app):
    answer = build_document()["paths"]["/reports/weekly"]["get"]["responses"]["200"]
    schema = answer["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/WeeklyReport"}


def test_every_figure_is_declared_and_the_current_ones_required(app, make_site):
    site = make_site(name="Schema Hotel")
    now = clock.utcnow()
    figures = report_figures(str(week_of(now, "UTC")), site, now)
    declared = set(WeeklyReport.model_fields)
    assert declared == set(figures) | {"stored_at"}
    assert set(WeekFigures.model_fields) == set(figures["previous"])
    required = {name for name, field in WeekFigures.model_fields.items() if field.is_required()}
    assert required == set(figures["previous"]) - NEWER
    assert CONTRACT <= required


def test_an_undeclared_or_missing_figure_does_not_match(app, make_site):
    site = make_site(name="Strict Hotel")
    now = clock.utcnow()
    body = {**report_figures(str(week_of(now, "UTC")), site, now), "stored_at": None}
    _matches(body)
    with pytest.raises(ValidationError, match="extra_forbidden"):
        WeeklyReport.model_validate({**body, "new_figure": 1})
    without_volume = {k: v for k, v in body.items() if k != "volume"}
    with pytest.raises(ValidationError, match="volume"):
        WeeklyReport.model_validate(without_volume)
    assert list(_document_validator().iter_errors({**body, "new_figure": 1}))
    previous = {k: v for k, v in body["previous"].items() if k != "sla"}
    with pytest.raises(ValidationError, match="sla"):
        WeeklyReport.model_validate({**body, "previous": previous})


def test_the_demo_weeks_match_the_model(client, runner, bearer):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    manager = db.session.scalar(select(User).where(User.role == "manager"))
    headers = bearer(manager)
    this_week = week_of(clock.utcnow(), "UTC")
    seen = {"root_causes": 0, "owners": 0, "compensation_by_remedy": 0, "open_overdue": 0,
            "by_category": 0, "oldest_open": 0}
    for back in range(5):
        body = _report(client, headers, week=str(shift_week(this_week, -back)))
        _matches(body)
        for key in seen:
            seen[key] += bool(body[key]) + bool(body["previous"][key])
    # The weeks exercised the lists' and tables' item models, not only empty lists.
    assert all(seen.values()), seen
    site_name = db.session.scalar(select(Site.name))
    _matches(_report(client, headers, week=str(this_week), site=site_name))


def test_mixed_currencies_and_a_stored_week_match(client, bearer, make_site, make_user,
                                                  make_ticket, resolve_ticket):
    week_start = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)
    clock.set_now(week_start)
    for name, currency in (("Yuan Hotel", "CNY"), ("Euro Hotel", "EUR")):
        site = make_site(name=name, currency=currency)
        resolve_ticket(make_ticket(site=site))
    manager = make_user("manager")
    clock.set_now(week_start + timedelta(days=8))
    headers = bearer(manager)
    live = _report(client, headers, week="2026-W47")
    _matches(live)
    assert (live["currency"], live["compensation_total"], live["stored_at"]) == (None, None, None)
    assert set(live["compensation_by_currency"]) == {"CNY", "EUR"}
    store("2026-W47", None, clock.utcnow(), manager)
    db.session.commit()
    stored = _report(client, headers, week="2026-W47")
    _matches(stored)
    assert stored["stored_at"] == clock.utcnow().isoformat()


def test_a_week_stored_before_the_newer_figures_still_matches(client, bearer, make_site,
                                                               make_user):
    site = make_site(name="Old Hotel")
    manager = make_user("manager", site=site)
    now = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    clock.set_now(now)
    snapshot = store("2026-W47", site, now, manager)
    figures = dict(snapshot.figures)
    for key in NEWER:
        figures.pop(key)
    figures["previous"] = {k: v for k, v in figures["previous"].items() if k not in NEWER}
    snapshot.figures = figures
    db.session.commit()
    body = _report(client, bearer(manager), week="2026-W47", site="Old Hotel")
    assert not NEWER & set(body) and body["stored_at"] == now.isoformat()
    _matches(body)
    assert set(weekly_figures("2026-W47", site, now)) - set(body) == NEWER
