"""GET /api/v1/reports/weekly: the contract's figures, stored or live, per role."""

from datetime import UTC, datetime, timedelta

import pytest

from core import clock
from extensions import db
from reports.snapshots import store

WEEK = "2026-W47"
IN_WEEK = datetime(2026, 11, 17, 2, 0, tzinfo=UTC)


@pytest.fixture
def week(app, make_site, make_user, make_ticket, resolve_ticket):
    site = make_site(name="Api Hotel")
    desk = make_user("front_desk", site=site)
    clock.set_now(IN_WEEK - timedelta(days=7))
    make_ticket(owner=desk, site=site)
    clock.set_now(IN_WEEK)
    resolve_ticket(make_ticket(owner=desk, site=site, dimension="tangibles"))
    clock.set_now(IN_WEEK + timedelta(days=8))
    return site


def _get(client, headers, **query):
    return client.get("/api/v1/reports/weekly", query_string=query, headers=headers)


def test_the_contract_figures_with_the_previous_week(client, bearer, make_user, week):
    manager = make_user("manager", site=week)
    response = _get(client, bearer(manager), week=WEEK, site="Api Hotel")
    assert response.status_code == 200
    body = response.json
    assert (body["week"], body["site"], body["stored_at"]) == (WEEK, "Api Hotel", None)
    assert body["volume"] == {"new": 1, "resolved": 1, "declined": 0, "reopened": 0}
    assert set(body["by_dimension"]) == {
        "reliability", "responsiveness", "assurance", "empathy", "tangibles"}
    assert body["by_dimension"]["tangibles"] == {
        "new": 1, "resolved": 1, "declined": 0, "reopened": 0}
    assert body["sla_compliance"]["first_response"] == 100.0
    assert body["sla_compliance"]["resolution"] == 100.0
    assert body["recovery_rate"] == 100.0
    assert body["csat_average"] is None
    assert body["compensation_total"] == "0.00"
    previous = body["previous"]
    assert previous["week"] == "2026-W46" and previous["volume"]["new"] == 1
    assert previous["sla_compliance"]["resolution"] == 0.0  # due on Friday, still open
    assert "previous" not in previous


def test_a_stored_week_is_returned_as_stored(client, bearer, make_user, week):
    manager = make_user("manager", site=week)
    store(WEEK, week, clock.utcnow(), manager)
    db.session.commit()
    body = _get(client, bearer(manager), week=WEEK, site="Api Hotel").json
    assert body["stored_at"] == clock.utcnow().isoformat()


def test_all_sites_for_managers_own_site_for_supervisors(client, bearer, make_user, week,
                                                          make_site):
    manager = make_user("manager", site=week)
    assert _get(client, bearer(manager), week=WEEK).json["site"] is None
    supervisor = make_user("supervisor", site=week)
    assert _get(client, bearer(supervisor), week=WEEK).json["site"] == "Api Hotel"
    make_site(name="Far Hotel")
    refused = _get(client, bearer(supervisor), week=WEEK, site="Far Hotel")
    assert refused.status_code == 422 and "site" in refused.json["error"]["fields"]


def test_refusals(client, bearer, make_user, week):
    assert _get(client, bearer(make_user("front_desk", site=week))).status_code == 403
    manager = bearer(make_user("manager", site=week))
    bad = _get(client, manager, week="2026-47")
    assert bad.status_code == 422 and "week" in bad.json["error"]["fields"]
    unknown = _get(client, manager, site="Nowhere")
    assert unknown.status_code == 422 and "site" in unknown.json["error"]["fields"]
    assert client.get("/api/v1/reports/weekly").status_code == 401
