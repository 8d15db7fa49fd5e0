"""POST /api/v1/tickets/<ref>/follow-ups and `follow_ups` in the ticket JSON."""

from datetime import UTC, datetime, timedelta

import pytest

from core import clock

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
def resolved(app, make_ticket, resolve_ticket):
    clock.set_now(T0)
    return resolve_ticket(make_ticket())


def _post(client, headers, ref, **body):
    return client.post(f"/api/v1/tickets/{ref}/follow-ups", json=body, headers=headers)


def test_the_ticket_json_lists_the_planned_follow_ups(client, bearer, resolved):
    body = client.get(f"/api/v1/tickets/{resolved.ref}", headers=bearer(resolved.owner)).json
    plan = {f["kind"]: f for f in body["follow_ups"]}
    assert plan["check_in"]["due"] == "2026-11-25T02:00:00+00:00"
    assert plan["survey"]["due"] == "2026-11-30T02:00:00+00:00"
    assert plan["survey"]["attempts"] == [] and plan["survey"]["outcome"] is None


def test_recording_a_survey_closes_the_ticket(client, bearer, resolved):
    headers = bearer(resolved.owner)
    clock.set_now(T0 + timedelta(days=7))
    response = _post(client, headers, resolved.ref, kind="survey", reached=True, csat=5,
                     recovered=True, would_recommend=True, comment="All good")
    assert response.status_code == 200, response.json
    body = response.json
    assert body["status"] == "closed"
    survey = next(f for f in body["follow_ups"] if f["kind"] == "survey")
    assert survey["outcome"] == "completed"
    assert survey["attempts"][0] | {"at": None} == {
        "at": None, "reached": True, "csat": 5, "recovered": True, "would_recommend": True,
        "comment": "All good", "by_customer": False, "recorded_by": resolved.owner.username,
    }


def test_not_recovered_reopens_and_the_version_moves_twice(client, bearer, resolved):
    headers = bearer(resolved.owner)
    before = client.get(f"/api/v1/tickets/{resolved.ref}", headers=headers).json["version"]
    response = _post(client, headers, resolved.ref, kind="check_in", reached=True,
                     recovered=False, version=before)
    assert response.status_code == 200
    assert response.json["status"] == "owned"
    assert response.json["version"] == before + 2
    assert [e["action"] for e in response.json["events"][-2:]] == ["follow_up", "reopen"]


@pytest.mark.parametrize(
    "body,field",
    [
        ({"kind": "survey", "reached": True, "csat": 4}, "recovered"),
        ({"kind": "survey", "reached": True, "csat": 6, "recovered": True}, "csat"),
        ({"kind": "check_in", "reached": False, "csat": 3}, "csat"),
        ({"kind": "letter", "reached": True}, "kind"),
    ],
)
def test_bad_fields_are_422_with_the_field_named(client, bearer, resolved, body, field):
    _check_refused(client, bearer, resolved, body, field, 422)


def test_a_member_of_the_wrong_json_type_is_400_with_the_field_named(client, bearer, resolved):
    _check_refused(client, bearer, resolved, {"kind": "check_in", "reached": "maybe"},
                   "reached", 400)


def _check_refused(client, bearer, resolved, body, field, status):
    response = _post(client, bearer(resolved.owner), resolved.ref, **body)
    assert response.status_code == status
    assert field in response.json["error"]["fields"]
    again = client.get(f"/api/v1/tickets/{resolved.ref}", headers=bearer(resolved.owner)).json
    assert all(f["attempts"] == [] for f in again["follow_ups"])


def test_a_stale_version_or_an_open_ticket_is_409(client, bearer, resolved, make_ticket):
    headers = bearer(resolved.owner)
    stale = _post(client, headers, resolved.ref, kind="check_in", reached=False, version=1)
    assert stale.status_code == 409
    open_ticket = make_ticket(owner=resolved.owner)
    refused = _post(client, headers, open_ticket.ref, kind="check_in", reached=False)
    assert refused.status_code == 409
    assert "cannot be followed up" in refused.json["error"]["message"]


def test_another_sites_ticket_is_404(client, bearer, resolved, make_site, make_user):
    stranger = make_user("supervisor", site=make_site(name="Elsewhere"))
    response = _post(client, bearer(stranger), resolved.ref, kind="check_in", reached=False)
    assert response.status_code == 404
