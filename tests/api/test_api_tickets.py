"""The JSON API: the same domain rules as the web, with the contract's status codes."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from auth.models import ApiToken
from core import clock
from extensions import db
from tests.support.queries import recorded_statements
from tickets.categories import ensure_default_categories
from tickets.models import Ticket

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(app):
    clock.set_now(NOW)
    ensure_default_categories()
    db.session.commit()



def _later(hours: float) -> str:
    return (NOW + timedelta(hours=hours)).isoformat()


NEW_TICKET = {
    "customer": {"name": "Maria Rossi", "phone": "+39 333 123 4567", "tier": "key"},
    "channel": "email",
    "dimension": "responsiveness",
    "category": "No call back",
    "severity": "high",
    "description": "Nobody called me back about the lost luggage",
    "desired_outcome": "Find the bag",
}


def _create(client, headers, **overrides) -> dict:
    response = client.post("/api/v1/tickets", json={**NEW_TICKET, **overrides}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _act(client, headers, ticket: dict, verb: str, **body):
    body.setdefault("version", ticket["version"])
    return client.post(f"/api/v1/tickets/{ticket['ref']}/{verb}", json=body, headers=headers)


def _ok(response) -> dict:
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_without_a_valid_token_the_api_answers_401(client, make_user, bearer):
    assert client.get("/api/v1/tickets").status_code == 401
    bad = client.get("/api/v1/tickets", headers={"Authorization": "Bearer rd_nope"})
    assert bad.status_code == 401
    assert bad.get_json()["error"]["code"] == "unauthorized"


def test_revoked_and_deactivated_tokens_stop_working(client, make_user, bearer):
    from auth.services import UserInput, update_user
    from auth.tokens import revoke_token

    user = make_user()
    headers = bearer(user)
    assert client.get("/api/v1/tickets", headers=headers).status_code == 200
    token = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    revoke_token(user, token.id, NOW)
    db.session.commit()
    assert client.get("/api/v1/tickets", headers=headers).status_code == 401
    headers = bearer(user)
    update_user(user, UserInput(username=user.username, role=user.role, site=user.site,
                                display_name=user.display_name), active=False)
    db.session.commit()
    assert client.get("/api/v1/tickets", headers=headers).status_code == 401


def test_create_own_offer_resolve_through_the_api(client, make_user, bearer):
    desk = make_user()
    headers = bearer(desk)
    ticket = _create(client, headers)
    assert (ticket["status"], ticket["owner"], ticket["version"]) == ("new", None, 1)
    assert ticket["customer"]["tier"] == "key" and ticket["site"] == desk.site.name
    ticket = _ok(_act(client, headers, ticket, "own", acknowledgement="Phoned and apologised",
                      next_contact_by=_later(1)))
    assert (ticket["status"], ticket["owner"], ticket["version"]) == ("owned", desk.username, 2)
    ticket = _ok(_act(client, headers, ticket, "contacts", note="Bag located in Pudong",
                      channel="phone", next_contact_by=_later(3)))
    assert ticket["version"] == 3
    ticket = _ok(_act(client, headers, ticket, "offer-fix", action="Courier the bag to the room",
                      remedy_type="other", compensation=120.5, committed_by=_later(5)))
    assert ticket["status"] == "fix_offered" and ticket["version"] == 4
    assert ticket["fix_offers"][0]["compensation"] == "120.50"
    ticket = _ok(_act(client, headers, ticket, "resolve", outcome="Bag delivered at 18:10",
                      customer_response="accepted", root_cause="third_party",
                      root_cause_note="Airline mislabelled it", fault="third_party",
                      prevention={"action": "Call the airline desk first", "owner": "Concierge",
                                  "due": "2026-12-01"}))
    assert ticket["status"] == "resolved" and ticket["version"] == 5
    assert [e["action"] for e in ticket["events"]] == [
        "opened", "own", "log_contact", "offer_fix", "resolve",
    ]
    fetched = _ok(client.get(f"/api/v1/tickets/{ticket['ref']}", headers=headers))
    assert fetched["version"] == 5 and fetched["root_cause"] == "third_party"


def test_resolve_without_fault_records_unknown_as_the_contract_allows(client, make_user,
                                                                      bearer):
    headers = bearer(make_user())
    ticket = _create(client, headers, own=True, acknowledgement="At the desk",
                     next_contact_by=_later(1))
    ticket = _ok(_act(client, headers, ticket, "offer-fix", action="Courier the bag tonight",
                      remedy_type="other", compensation="0", committed_by=_later(5)))
    ticket = _ok(_act(client, headers, ticket, "resolve", outcome="Bag delivered at 18:10",
                      customer_response="accepted", root_cause="third_party",
                      root_cause_note="Airline mislabelled it"))
    assert (ticket["status"], ticket["fault"]) == ("resolved", "unknown")


def test_create_and_own_in_one_call(client, make_user, bearer):
    headers = bearer(make_user())
    ticket = _create(client, headers, own=True, acknowledgement="At the desk",
                     next_contact_by=_later(1))
    assert ticket["status"] == "owned"


def test_bad_input_is_422_with_every_field_and_nothing_written(client, make_user, bearer):
    headers = bearer(make_user())
    response = client.post(
        "/api/v1/tickets",
        json={**NEW_TICKET, "channel": "fax", "severity": "", "category": "Nope",
              "customer": {"name": "No Contact"}},
        headers=headers,
    )
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert {"channel", "severity", "category"} <= set(fields)
    assert "customer.phone" in fields, "named as in the body, not as in the form"
    assert db.session.scalar(select(func.count(Ticket.id))) == 0


@pytest.mark.parametrize("name", ["is_safety", "own"])
def test_flags_must_be_json_booleans(client, make_user, bearer, name):
    response = client.post("/api/v1/tickets", json={**NEW_TICKET, name: "false"},
                           headers=bearer(make_user()))
    assert response.status_code == 400
    assert name in response.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count(Ticket.id))) == 0


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]"])
def test_malformed_body_is_400(client, make_user, bearer, body):
    headers = {**bearer(make_user()), "Content-Type": "application/json"}
    response = client.post("/api/v1/tickets", data=body, headers=headers)
    assert response.status_code == 400


@pytest.mark.parametrize(
    "amount,reason",
    [(-1, "negative"), ("ten", "number"), (10**9, "too large"), ("1.234", "two decimals")],
)
def test_bad_amounts_are_422(client, make_user, bearer, amount, reason):
    headers = bearer(make_user())
    ticket = _create(client, headers, own=True, acknowledgement="ok", next_contact_by=_later(1))
    response = _act(client, headers, ticket, "offer-fix", action="Refund the taxi",
                    remedy_type="refund", compensation=amount, committed_by=_later(2))
    assert response.status_code == 422
    assert reason in response.get_json()["error"]["fields"]["compensation"]


def test_apology_only_is_422(client, make_user, bearer):
    headers = bearer(make_user())
    ticket = _create(client, headers, own=True, acknowledgement="ok", next_contact_by=_later(1))
    response = _act(client, headers, ticket, "offer-fix", action="非常抱歉",
                    remedy_type="other", compensation="0", committed_by=_later(2))
    assert response.status_code == 422
    assert "apology alone" in response.get_json()["error"]["fields"]["action"]


def test_illegal_transition_and_stale_version_are_409_a_role_refusal_403(client, make_user,
                                                                          bearer):
    headers = bearer(make_user())
    ticket = _create(client, headers)
    response = _act(client, headers, ticket, "resolve", outcome="x")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "invalid_state"
    assert "new cannot be resolved" in response.get_json()["error"]["message"]
    owned = _ok(_act(client, headers, ticket, "own", acknowledgement="ok",
                     next_contact_by=_later(1)))
    stale = _act(client, headers, ticket, "escalate", reason="x")
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "conflict"
    refused = _act(client, headers, owned, "escalate", reason="x")
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "forbidden"
    missing = client.post(f"/api/v1/tickets/{owned['ref']}/contacts",
                          json={"note": "x", "channel": "phone"}, headers=headers)
    assert missing.status_code == 422
    assert "version" in missing.get_json()["error"]["fields"]


def test_approval_decline_transfer_and_reopen(client, make_user, bearer):
    desk = make_user()
    other = make_user(site=desk.site)
    supervisor = make_user("supervisor", site=desk.site)
    desk_h, other_h, super_h = bearer(desk), bearer(other), bearer(supervisor)
    ticket = _create(client, desk_h, own=True, acknowledgement="ok", next_contact_by=_later(1))
    ticket = _ok(_act(client, desk_h, ticket, "offer-fix", action="Refund two nights",
                      remedy_type="refund", compensation="960.00", committed_by=_later(4)))
    assert ticket["status"] == "awaiting_approval"
    assert _act(client, desk_h, ticket, "approve").status_code == 403
    ticket = _ok(_act(client, super_h, ticket, "approve"))
    assert ticket["status"] == "fix_offered"
    assert ticket["fix_offers"][0]["approved_by"] == supervisor.username
    ticket = _ok(_act(client, desk_h, ticket, "transfer", to=other.username,
                      handover_note="Night shift takes over"))
    assert (ticket["owner"], ticket["pending_transfer_to"]) == (desk.username, other.username)
    ticket = _ok(client.post(f"/api/v1/tickets/{ticket['ref']}/accept", json={},
                             headers=other_h))
    assert ticket["owner"] == other.username
    ticket = _ok(_act(client, other_h, ticket, "decline", reason="Guest wants cash",
                      alternative_offered="Refund to card", signed_off_by=supervisor.username))
    assert ticket["status"] == "awaiting_approval"
    ticket = _ok(_act(client, super_h, ticket, "approve"))
    assert ticket["status"] == "declined"
    ticket = _ok(_act(client, super_h, ticket, "reopen", reason="Guest called again"))
    assert ticket["status"] == "owned"


def test_supervisor_decline_needs_no_sign_off(client, make_user, bearer):
    supervisor = make_user("supervisor")
    headers = bearer(supervisor)
    ticket = _create(client, headers, own=True, acknowledgement="ok", next_contact_by=_later(1))
    ticket = _ok(_act(client, headers, ticket, "decline", reason="Not our hotel",
                      alternative_offered="Directions to the right hotel"))
    assert ticket["status"] == "declined"


def test_a_supervisor_declines_a_front_desk_ticket_directly(client, make_user, bearer):
    desk = make_user()
    supervisor = make_user("supervisor", site=desk.site)
    ticket = _create(client, bearer(desk), own=True, acknowledgement="ok",
                     next_contact_by=_later(1))
    ticket = _ok(_act(client, bearer(supervisor), ticket, "decline", reason="Not our hotel",
                      alternative_offered="Directions to the right hotel"))
    assert (ticket["status"], ticket["owner"]) == ("declined", desk.username)
    signed = [e for e in ticket["events"] if e["action"] == "decline"][0]
    assert signed["actor"] == supervisor.username
    assert signed["changes"]["signed_off_by"] == [None, supervisor.username]


def test_other_sites_tickets_are_404_and_front_desk_cannot_escalate(client, make_user,
                                                                     make_site, bearer):
    desk = make_user()
    ticket = _create(client, bearer(desk), own=True, acknowledgement="ok",
                     next_contact_by=_later(1))
    stranger = make_user("supervisor", site=make_site(name="Other"))
    assert client.get(f"/api/v1/tickets/{ticket['ref']}",
                      headers=bearer(stranger)).status_code == 404
    assert _act(client, bearer(stranger), ticket, "escalate", reason="x").status_code == 404
    listed = _ok(client.get("/api/v1/tickets", headers=bearer(stranger)))
    assert listed["total"] == 0
    refused = _act(client, bearer(desk), ticket, "escalate", reason="x")
    assert refused.status_code == 403
    assert client.post("/api/v1/tickets/SR-999999/own", json={"version": 1},
                       headers=bearer(desk)).status_code == 404


def test_list_filters_and_pagination(client, make_user, bearer):
    desk = make_user()
    headers = bearer(desk)
    first = _create(client, headers, own=True, acknowledgement="ok", next_contact_by=_later(1))
    _create(client, headers, dimension="tangibles", category="Noise",
            description="Karaoke next door")
    listed = _ok(client.get("/api/v1/tickets?owner=me", headers=headers))
    assert [t["ref"] for t in listed["tickets"]] == [first["ref"]]
    listed = _ok(client.get("/api/v1/tickets?dimension=tangibles", headers=headers))
    assert listed["total"] == 1 and listed["tickets"][0]["description"] == "Karaoke next door"
    assert _ok(client.get("/api/v1/tickets?q=karaoke", headers=headers))["total"] == 1
    assert _ok(client.get("/api/v1/tickets?per_page=1&page=2", headers=headers))["pages"] == 2
    assert client.get("/api/v1/tickets?status=lost", headers=headers).status_code == 422
    assert client.get("/api/v1/tickets?per_page=500", headers=headers).status_code == 422


# --- sync jobs: site, updated_since, keyset cursors, the timeline by page ----------------


def _refs(response) -> list[str]:
    return [ticket["ref"] for ticket in _ok(response)["tickets"]]


def test_a_cursor_walks_every_ticket_once_newest_first(client, make_user, bearer):
    headers = bearer(make_user())
    made = []
    for minutes in range(5):
        clock.set_now(NOW + timedelta(minutes=minutes))
        made.append(_create(client, headers)["ref"])
    first = _ok(client.get("/api/v1/tickets?per_page=2", headers=headers))
    assert ([t["ref"] for t in first["tickets"]], first["total"]) == (made[:2:-1], 5)
    seen, cursor = [t["ref"] for t in first["tickets"]], first["next_cursor"]
    while cursor:
        page = _ok(client.get("/api/v1/tickets", query_string={"per_page": 2, "cursor": cursor},
                              headers=headers))
        assert (page["page"], page["total"], page["pages"]) == (None, None, None)
        seen += [t["ref"] for t in page["tickets"]]
        cursor = page["next_cursor"]
    assert seen == made[::-1]
    last = _ok(client.get("/api/v1/tickets?per_page=2&page=3", headers=headers))
    assert ([t["ref"] for t in last["tickets"]], last["next_cursor"]) == ([made[0]], None)


def test_site_and_updated_since_keep_only_what_was_asked(client, make_user, make_site,
                                                         bearer):
    manager = make_user("manager")
    far = make_site(name="Far Hotel")
    headers = bearer(manager)
    home_ticket = _create(client, headers)
    far_ticket = _create(client, headers, site="far hotel")
    assert _refs(client.get("/api/v1/tickets?site=Far Hotel", headers=headers)) == [
        far_ticket["ref"]]
    clock.set_now(NOW + timedelta(hours=1))
    _ok(_act(client, headers, home_ticket, "own", acknowledgement="ok",
             next_contact_by=_later(2)))
    since = {"updated_since": (NOW + timedelta(minutes=30)).isoformat()}
    assert _refs(client.get("/api/v1/tickets", query_string=since, headers=headers)) == [
        home_ticket["ref"]]
    assert _refs(client.get("/api/v1/tickets", query_string={
        **since, "site": far.name}, headers=headers)) == []
    outsider = bearer(make_user(site=make_site(name="Other Hotel")))
    refused = client.get("/api/v1/tickets?site=Far Hotel", headers=outsider)
    assert refused.status_code == 422 and set(refused.get_json()["error"]["fields"]) == {"site"}


def _cursor_of(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("query, field", [
    ({"updated_since": "9999-12-31T23:59:59-14:00"}, "updated_since"),
    ({"updated_since": "0001-01-01T00:00:00+14:00"}, "updated_since"),
    ({"updated_since": "2026-١١-23T02:00:00+00:00"}, "updated_since"),
    ({"updated_since": "yesterday"}, "updated_since"),
    ({"cursor": _cursor_of("9999-12-31T23:59:59-14:00|1")}, "cursor"),
    ({"cursor": _cursor_of(f"2026-11-23T02:00:00+00:00|{2**63}")}, "cursor"),
    ({"cursor": _cursor_of("2026-11-23T02:00:00+00:00|١٢")}, "cursor"),
    ({"cursor": "%%%"}, "cursor"),
    ({"cursor": "A" * 201}, "cursor"),
    ({"site": "x" * 121}, "site"),
])
def test_hostile_sync_parameters_are_422_naming_them(client, make_user, bearer, query, field):
    response = client.get("/api/v1/tickets", query_string=query, headers=bearer(make_user()))
    assert response.status_code == 422, response.get_json()
    assert set(response.get_json()["error"]["fields"]) == {field}


@pytest.mark.parametrize("name", ["updated_since", "cursor", "site"])
def test_a_nul_in_a_sync_parameter_is_400(client, make_user, bearer, name):
    response = client.get("/api/v1/tickets", query_string={name: "2026\x00"},
                          headers=bearer(make_user()))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_the_timeline_by_page_oldest_first(client, make_user, bearer):
    desk = make_user()
    headers = bearer(desk)
    ticket = _create(client, headers)
    ticket = _ok(_act(client, headers, ticket, "own", acknowledgement="ok",
                      next_contact_by=_later(1)))
    for note in ("first", "second"):
        ticket = _ok(_act(client, headers, ticket, "notes", body=note))
    every = [event["id"] for event in ticket["events"]]
    assert len(every) >= 4
    seen, query = [], {"per_page": 1}
    while True:
        page = _ok(client.get(f"/api/v1/tickets/{ticket['ref']}/events", query_string=query,
                              headers=headers))
        assert len(page["events"]) == 1 and page["events"][0]["actor"] == desk.username
        seen += [event["id"] for event in page["events"]]
        if page["next_cursor"] is None:
            break
        query["cursor"] = page["next_cursor"]
    assert seen == sorted(every)
    bad = client.get(f"/api/v1/tickets/{ticket['ref']}/events?cursor=%25%25",
                     headers=headers)
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"cursor"}


def test_a_list_page_costs_the_same_queries_however_many_people_opened_tickets(
        client, make_user, bearer, make_ticket):
    reader = make_user("supervisor")
    headers = bearer(reader)
    _ok(client.get("/api/v1/tickets", headers=headers))  # what a first request caches
    costs = []
    for _round in range(2):
        for _ticket in range(3):
            make_ticket(owner=None, site=reader.site, opener=make_user(site=reader.site))
        for query in ({}, {"cursor": _cursor_of(f"{_later(1)}|{2**31 - 1}")}):
            with recorded_statements(cold=True) as statements:
                assert len(_refs(client.get("/api/v1/tickets", query_string=query,
                                            headers=headers))) == 3 * (_round + 1)
            costs.append(len(statements))
    assert costs[:2] == costs[2:], costs


def _statement_kinds(statements: list[str]) -> list[str]:
    """Each statement as its verb and main table ("SELECT api_tokens", "INSERT tickets")."""
    kinds = []
    for statement in statements:
        words = statement.replace("(", " ").split()
        verb = words[0].upper()
        table = words[words.index("INTO") + 1] if verb == "INSERT" else \
            words[[w.upper() for w in words].index("FROM") + 1]
        kinds.append(f"{verb} {table}")
    return kinds


def test_opening_a_ticket_for_a_new_customer_takes_six_statements(client, make_user,
                                                                  bearer):
    headers = bearer(make_user())
    _create(client, headers, customer={"name": "First Guest", "phone": "+39 333 000 0001"})
    with recorded_statements(cold=True) as statements:
        created = _create(client, headers,
                          customer={"name": "Second Guest", "phone": "+39 333 000 0002"})
    assert created["customer"]["name"] == "Second Guest" and created["sla"]["resolution"]
    assert _statement_kinds(statements) == [
        "SELECT api_tokens",  # the caller, their role and site: one statement
        "SELECT categories",  # the category named, loaded whole (the domain's check reuses it)
        "SELECT customers",  # a customer already known by this phone or e-mail?
        "INSERT customers",
        "INSERT tickets",  # its due times computed from the site's calendar and policy, kept
        "INSERT ticket_events",  # the audit event; no webhook endpoint read (kept too)
    ], statements


def test_ticket_json_carries_each_sla_clock(client, make_user, bearer):
    headers = bearer(make_user())
    ticket = _create(client, headers, severity="critical",
                     customer={"name": "Ada Ng", "phone": "13811112222", "tier": "standard"})
    sla = ticket["sla"]
    assert set(sla) == {"first_response", "fix_offered", "resolution", "next_contact"}
    assert sla["first_response"] == {
        "due": (NOW + timedelta(minutes=15)).isoformat(), "state": "on_track", "met_at": None,
    }
    assert sla["next_contact"] is None
    owned = _ok(_act(client, headers, ticket, "own", acknowledgement="ok",
                     next_contact_by=_later(1)))
    assert owned["sla"]["first_response"]["state"] == "met"
    assert owned["sla"]["first_response"]["met_at"] == NOW.isoformat()
    assert owned["sla"]["next_contact"]["due"] == _later(1)
    clock.set_now(NOW + timedelta(hours=3))
    late = _ok(client.get(f"/api/v1/tickets/{ticket['ref']}", headers=headers))
    assert late["sla"]["fix_offered"]["state"] == "breached"
    assert late["sla"]["next_contact"]["state"] == "breached"


def test_the_customers_language_is_taken_and_checked(client, make_user, bearer):
    from customers.models import Customer

    headers = bearer(make_user())
    customer = {**NEW_TICKET["customer"], "locale": "zh_Hans"}
    _create(client, headers, customer=customer)
    assert db.session.scalars(select(Customer.locale)).one() == "zh_Hans"
    bad = {**NEW_TICKET["customer"], "phone": "+39 333 000 0000", "locale": "fr"}
    response = client.post("/api/v1/tickets", json={**NEW_TICKET, "customer": bad},
                           headers=headers)
    assert response.status_code == 422
    assert "customer.locale" in response.get_json()["error"]["fields"]


def test_overdue_lists_only_open_tickets_past_a_deadline(client, make_user, bearer,
                                                         make_ticket):
    desk = make_user()
    headers = bearer(desk)
    late = make_ticket(owner=None, site=desk.site, severity="critical")
    on_time = make_ticket(owner=desk, site=desk.site, severity="low")
    clock.set_now(NOW + timedelta(minutes=20))
    body = client.get("/api/v1/tickets?overdue=true", headers=headers).get_json()
    refs = {t["ref"] for t in body["tickets"]}
    assert late.ref in refs and on_time.ref not in refs
    everything = client.get("/api/v1/tickets?overdue=false", headers=headers).get_json()
    assert {late.ref, on_time.ref} <= {t["ref"] for t in everything["tickets"]}
    bad = client.get("/api/v1/tickets?overdue=banana", headers=headers)
    assert bad.status_code == 422 and "overdue" in bad.get_json()["error"]["fields"]


# --- hostile input: each answered by the input layer, nothing written ----------------------


@pytest.mark.parametrize("query, field", [
    ("page=0", "page"), ("page=%C2%B2", "page"), (f"page={2**31}", "page"),
    (f"page={2**63}", "page"), ("per_page=0", "per_page"), ("per_page=%D9%A1%D9%A2", "per_page"),
    ("per_page=101", "per_page"),
])
def test_paging_out_of_range_is_422_naming_the_parameter(client, make_user, bearer, query,
                                                         field):
    response = client.get(f"/api/v1/tickets?{query}", headers=bearer(make_user()))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_the_last_page_in_range_is_empty_not_an_overflow(client, make_user, bearer):
    body = _ok(client.get(f"/api/v1/tickets?page={2**31 - 1}&per_page=100",
                          headers=bearer(make_user())))
    assert body["tickets"] == [] and body["page"] == 2**31 - 1


@pytest.mark.parametrize("ref", ["SR-²", "SR-١٢", "١٢", f"SR-{2**31}", f"SR-{2**63}", "SR-0"])
def test_malformed_or_out_of_range_references_are_404(client, make_user, bearer, ref):
    headers = bearer(make_user())
    assert client.get(f"/api/v1/tickets/{ref}", headers=headers).status_code == 404
    assert client.post(f"/api/v1/tickets/{ref}/own", json={"version": 1},
                       headers=headers).status_code == 404


@pytest.mark.parametrize("q", ["²", "SR-²", "١٢", "9" * 40, f"SR-{2**63}"])
def test_searching_for_hostile_digits_finds_nothing_and_does_not_crash(client, make_user,
                                                                       bearer, q):
    headers = bearer(make_user())
    _create(client, headers)
    assert _ok(client.get("/api/v1/tickets", query_string={"q": q}, headers=headers))[
        "total"] == 0


@pytest.mark.parametrize("version,status", [
    (2**31, 422), (2**63, 422), (-1, 422), (0, 422), (1.5, 400), ("2", 400), (True, 400)])
def test_a_version_out_of_range_is_422_and_of_another_type_400(client, make_user, bearer,
                                                               version, status):
    headers = bearer(make_user())
    ticket = _create(client, headers)
    response = _act(client, headers, ticket, "own", acknowledgement="ok",
                    next_contact_by=_later(1), version=version)
    assert response.status_code == status
    assert "version" in response.get_json()["error"]["fields"]
    assert _ok(client.get(f"/api/v1/tickets/{ticket['ref']}", headers=headers))["version"] == 1


@pytest.mark.parametrize("field", ["customer.name", "customer.phone", "customer.email",
                                   "customer.tier", "channel", "description", "category"])
@pytest.mark.parametrize("value", [13800138000, ["138"], {"n": 1}, True, 1.5])
def test_wrong_json_types_are_400_naming_the_field_as_in_the_body(client, make_user, bearer,
                                                                  field, value):
    body = json.loads(json.dumps(NEW_TICKET))
    *parent, name = field.split(".")
    (body[parent[0]] if parent else body)[name] = value
    response = client.post("/api/v1/tickets", json=body, headers=bearer(make_user()))
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {field: "must be a string"}
    assert db.session.scalar(select(func.count(Ticket.id))) == 0


@pytest.mark.parametrize("when, reason", [
    ("0001-01-01T00:00:00+08:00", "out of range"), ("9999-12-31T23:59:59-08:00", "out of range"),
    ("2300-01-01T00:00:00+00:00", "within a year"), ("2026-11-23T10:00:00", "offset"),
])
def test_promises_at_the_calendars_edges_are_422_naming_the_field(client, make_user, bearer,
                                                                  when, reason):
    headers = bearer(make_user())
    ticket = _create(client, headers)
    response = _act(client, headers, ticket, "own", acknowledgement="ok", next_contact_by=when)
    assert response.status_code == 422
    assert reason in response.get_json()["error"]["fields"]["next_contact_by"]


def test_prevention_must_be_an_object_with_a_date_in_reach(client, make_user, bearer):
    headers = bearer(make_user())
    ticket = _create(client, headers, own=True, acknowledgement="ok", next_contact_by=_later(1))
    ticket = _ok(_act(client, headers, ticket, "offer-fix", action="Refund the taxi",
                      remedy_type="refund", compensation="20", committed_by=_later(2)))
    resolution = {"outcome": "Refunded", "customer_response": "accepted",
                  "root_cause": "process", "root_cause_note": "No taxi desk"}
    flat = _act(client, headers, ticket, "resolve", prevention="Add a taxi desk", **resolution)
    assert flat.status_code == 400 and "prevention" in flat.get_json()["error"]["fields"]
    far = _act(client, headers, ticket, "resolve", **resolution, prevention={
        "action": "Add a taxi desk", "owner": "Concierge", "due": "9999-12-31"})
    assert far.status_code == 422
    assert "prevention.due" in far.get_json()["error"]["fields"]


@pytest.mark.parametrize("raw, status", [
    (b"[" * 10_000 + b"]" * 10_000, 400), (b'{"a":' * 50 + b"1" + b"}" * 50, 400),
    (json.dumps({**NEW_TICKET, "description": "x" * (2 * 1024 * 1024)}).encode(), 413),
    (b'{"description": "a\\u0000b"}', 400), (b'{"description": "\\udc80"}', 400),
    (b'{"n": NaN}', 400),
])
def test_hostile_bodies_are_refused_before_any_field_is_read(client, make_user, bearer, raw,
                                                             status):
    headers = {**bearer(make_user()), "Content-Type": "application/json"}
    response = client.post("/api/v1/tickets", data=raw, headers=headers)
    assert response.status_code == status
    assert set(response.get_json()["error"]) >= {"code", "message"}
    assert db.session.scalar(select(func.count(Ticket.id))) == 0


def test_reassigning_to_the_current_owner_is_refused_and_changes_nothing(client, make_user,
                                                                        bearer):
    desk = make_user()
    supervisor = make_user("supervisor", site=desk.site)
    ticket = _create(client, bearer(desk), own=True, acknowledgement="ok",
                     next_contact_by=_later(1))
    refused = _act(client, bearer(supervisor), ticket, "reassign", to=desk.username,
                   reason="Keep it with her")
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"] == {
        "to": "That person already owns this ticket."}
    after = _ok(client.get(f"/api/v1/tickets/{ticket['ref']}", headers=bearer(desk)))
    assert (after["version"], after["owner"]) == (ticket["version"], desk.username)
    assert [e["action"] for e in after["events"]] == [e["action"] for e in ticket["events"]]


def test_the_overdue_list_costs_the_same_queries_however_many_tickets_are_overdue(
        client, make_user, bearer, make_ticket):
    reader = make_user("supervisor")
    headers = bearer(reader)
    costs = []
    for round_ in range(2):
        clock.set_now(NOW + timedelta(days=3 * round_))
        for _ticket in range(3):
            make_ticket(owner=None, site=reader.site)
        clock.set_now(NOW + timedelta(days=3 * round_ + 2))
        with recorded_statements(cold=True) as statements:
            overdue = _refs(client.get("/api/v1/tickets", query_string={"overdue": "true"},
                                       headers=headers))
        assert len(overdue) == 3 * (round_ + 1)
        costs.append(len(statements))
    assert costs[0] == costs[1], costs


def test_a_long_list_counts_only_so_far_past_the_page(app, client, bearer, make_ticket,
                                                      monkeypatch):
    """`total` stops COUNT_AHEAD tickets past the page's start (`total_exact` false), the
    pages lead on, and each later page counts further until the end is in reach."""
    from core import paging

    monkeypatch.setattr(paging, "COUNT_AHEAD", 3)
    first = make_ticket()
    for _ in range(6):
        make_ticket(site=first.site)
    headers = bearer(first.owner)

    def counts(page: int) -> tuple:
        listed = _ok(client.get(f"/api/v1/tickets?per_page=2&page={page}", headers=headers))
        return listed["total"], listed["pages"], listed["total_exact"], len(listed["tickets"])

    assert counts(1) == (3, 2, False, 2)
    assert counts(2) == (5, 3, False, 2)
    assert counts(3) == (7, 4, True, 2)
    assert counts(4) == (7, 4, True, 1)
