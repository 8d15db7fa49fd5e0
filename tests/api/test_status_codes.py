"""The API's status table, one rule for every endpoint: 400 malformed, 401 no or bad token,
403 role or relation, 404 unknown or out of scope, 409 stale or not possible now, 413 too
large, 422 field validation, 429 rate limited — each with the error shape, a stable code
and a message in the caller's language. And `Idempotency-Key` on POST /tickets, including
two identical calls at the same moment on PostgreSQL."""

import re
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from api.schemas.common import ERROR_CODES, ErrorBody
from api.spec import OPERATIONS
from auth.models import ApiToken
from core import clock
from extensions import db
from tickets.categories import ensure_default_categories
from tickets.models import Ticket, parse_ref

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
API = "/api/v1"
NEW_TICKET = {
    "customer": {"name": "Maria Rossi", "phone": "+39 333 123 4567"},
    "channel": "phone",
    "dimension": "responsiveness",
    "category": "No call back",
    "severity": "high",
    "description": "Nobody called me back about the lost luggage",
}
UNKNOWN_REF = "SR-999999"
INT32_MAX = 2_147_483_647


@pytest.fixture(autouse=True)
def fixed_clock(app):
    clock.set_now(NOW)
    ensure_default_categories()
    db.session.commit()


def _later(hours: float) -> str:
    return (NOW + timedelta(hours=hours)).isoformat()


def _error(response, status: int, code: str) -> dict:
    """The error body, checked: status, the contract's shape, the stable code."""
    assert response.status_code == status, (response.status_code, response.get_data()[:500])
    assert response.mimetype == "application/json"
    body = response.get_json()
    ErrorBody.model_validate(body)
    assert body["error"]["code"] == code, body
    assert code in ERROR_CODES
    assert body["error"]["message"].strip()
    return body["error"]


def _tickets() -> int:
    return db.session.scalar(select(func.count(Ticket.id)))


def _create(client, headers, **overrides) -> dict:
    response = client.post(f"{API}/tickets", json={**NEW_TICKET, **overrides}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _act(client, headers, ticket: dict, verb: str, **body):
    body.setdefault("version", ticket["version"])
    return client.post(f"{API}/tickets/{ticket['ref']}/{verb}", json=body, headers=headers)


@pytest.fixture
def desk(make_user):
    return make_user("front_desk")


@pytest.fixture
def desk_headers(desk, bearer):
    return bearer(desk)


def _path_for(op, ref: str, number: int) -> str:
    path = op.path
    for name, converter in op.path_parameters:
        value = str(number) if converter == "int" else ref
        path = path.replace("{" + name + "}", value)
    return API + path


def _call(client, op, path: str, headers: dict):
    if op.body_media == "multipart/form-data":
        return client.open(path, method=op.method, headers=headers, data={},
                           content_type="multipart/form-data")
    body = {} if op.body is not None else None
    return client.open(path, method=op.method, headers=headers, json=body)


# --- 400 -----------------------------------------------------------------------------------


def test_a_body_that_is_not_json_is_400(client, desk_headers):
    response = client.post(f"{API}/tickets", data=b"{not json",
                           headers={**desk_headers, "Content-Type": "application/json"})
    _error(response, 400, "bad_request")
    assert _tickets() == 0


def test_a_member_of_the_wrong_json_type_is_400_naming_it(client, desk_headers):
    ticket = _create(client, desk_headers)
    response = _act(client, desk_headers, ticket, "own", version=str(ticket["version"]),
                    acknowledgement="Phoned", next_contact_by=_later(1))
    error = _error(response, 400, "bad_request")
    assert set(error["fields"]) == {"version"}
    nested = client.post(f"{API}/tickets", headers=desk_headers,
                         json={**NEW_TICKET, "customer": {"name": "Ann", "phone": 5}})
    error = _error(nested, 400, "bad_request")
    assert set(error["fields"]) == {"customer.phone"}
    assert _tickets() == 1


def test_a_multipart_part_without_a_name_is_400_not_500(client, desk_headers, make_ticket,
                                                        desk):
    """A part whose Content-Disposition has no (readable) name: Werkzeug reads its name as
    None; the input guard must refuse it like any broken field."""
    ticket = make_ticket(owner=desk)
    body = (b"--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n"
            b'--B\r\nContent-Disposition: form-data; name="a\\"\r\n\r\ny\r\n--B--\r\n')
    response = client.post(f"{API}/tickets/{ticket.ref}/attachments", data=body,
                           headers=desk_headers,
                           content_type="multipart/form-data; boundary=B")
    _error(response, 400, "bad_request")


# --- 401 -----------------------------------------------------------------------------------


def test_no_token_a_bad_token_and_a_revoked_token_are_401(client, desk, bearer):
    from auth.tokens import revoke_token

    for headers in ({}, {"Authorization": "Bearer rd_not_a_token"},
                    {"Authorization": "Basic ZGVzazpkZW1v"}):
        response = client.get(f"{API}/tickets", headers=headers)
        _error(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    headers = bearer(desk)
    assert client.get(f"{API}/tickets", headers=headers).status_code == 200
    token = db.session.scalars(select(ApiToken).where(ApiToken.user_id == desk.id)).one()
    revoke_token(desk, token.id, NOW)
    db.session.commit()
    _error(client.get(f"{API}/tickets", headers=headers), 401, "unauthorized")


def test_every_operation_but_the_document_needs_a_token(client, make_ticket, desk):
    ticket = make_ticket(owner=desk)
    for op in OPERATIONS:
        response = _call(client, op, _path_for(op, ticket.ref, 1), {})
        if op.public:
            assert response.status_code == 200, op.path
        else:
            _error(response, 401, "unauthorized")
    assert db.session.get(Ticket, ticket.id).version == ticket.version


# --- 403 -----------------------------------------------------------------------------------


def test_a_role_refusal_is_403(client, desk_headers):
    response = client.get(f"{API}/reports/weekly", headers=desk_headers)
    _error(response, 403, "forbidden")


def test_front_desk_approving_its_own_fix_is_403(client, desk, desk_headers):
    ticket = _create(client, desk_headers, own=True, acknowledgement="At the desk",
                     next_contact_by=_later(1))
    over = desk.site.front_desk_limit + 100
    waiting = _act(client, desk_headers, ticket, "offer-fix", action="Refund two nights",
                   remedy_type="refund", compensation=str(over), committed_by=_later(4))
    assert waiting.status_code == 200, waiting.get_json()
    waiting = waiting.get_json()
    assert waiting["status"] == "awaiting_approval"
    error = _error(_act(client, desk_headers, waiting, "approve"), 403, "forbidden")
    assert "other than the owner" in error["message"]
    again = db.session.get(Ticket, parse_ref(waiting["ref"]))
    assert (again.status, again.version) == ("awaiting_approval", waiting["version"])


# --- 404 -----------------------------------------------------------------------------------


def test_an_unknown_ref_and_another_sites_ticket_are_404_everywhere(
        client, desk_headers, make_site, make_user, make_ticket):
    """Every operation on a ticket: the same 404 for a ticket that does not exist and for
    one the caller may not see, so nothing tells them apart."""
    elsewhere = make_ticket(owner=make_user("front_desk", site=make_site(name="Elsewhere")))
    for op in OPERATIONS:
        if "{ref}" not in op.path:
            continue
        for ref in (UNKNOWN_REF, elsewhere.ref):
            response = _call(client, op, _path_for(op, ref, 1), desk_headers)
            _error(response, 404, "not_found")
    assert db.session.get(Ticket, elsewhere.id).version == elsewhere.version


def test_an_id_out_of_range_is_404_for_every_method(client, make_user, bearer, make_ticket):
    """`<int:...>` matches 1..2,147,483,647 only; 0 or a bigger number is no such thing —
    a 404 whatever the method, never a 405 that says the method does not exist."""
    manager = make_user("manager")
    headers = bearer(manager)
    ticket = make_ticket(owner=make_user("front_desk", site=manager.site))
    checked = 0
    for op in OPERATIONS:
        if not any(converter == "int" for _name, converter in op.path_parameters):
            continue
        for number in (0, INT32_MAX + 1):
            response = _call(client, op, _path_for(op, ticket.ref, number), headers)
            assert response.status_code == 404, (op.method, op.path, number,
                                                 response.status_code)
            _error(response, 404, "not_found")
            checked += 1
    assert checked >= 2


# --- 409 -----------------------------------------------------------------------------------


def test_a_stale_version_is_409_conflict(client, desk_headers):
    ticket = _create(client, desk_headers)
    owned = _act(client, desk_headers, ticket, "own", acknowledgement="Phoned",
                 next_contact_by=_later(1))
    assert owned.status_code == 200
    stale = _act(client, desk_headers, ticket, "contacts", note="Called again",
                 channel="phone")
    error = _error(stale, 409, "conflict")
    assert "version 2" in error["message"]


def test_a_step_the_state_does_not_allow_is_409_invalid_state(client, desk_headers):
    ticket = _create(client, desk_headers)
    response = _act(client, desk_headers, ticket, "resolve", outcome="Done",
                    customer_response="accepted", root_cause="process",
                    root_cause_note="Nobody was on duty")
    error = _error(response, 409, "invalid_state")
    assert "new cannot be resolved" in error["message"]


# --- 413, 422 ------------------------------------------------------------------------------


def test_a_body_over_256_kib_is_413(client, desk_headers):
    response = client.post(f"{API}/tickets", headers=desk_headers,
                           json={**NEW_TICKET, "description": "x" * (257 * 1024)})
    _error(response, 413, "too_large")
    assert _tickets() == 0


def test_field_validation_is_422_naming_each_field(client, desk_headers):
    response = client.post(f"{API}/tickets", headers=desk_headers, json={
        **NEW_TICKET, "channel": "fax", "severity": "", "customer": {"name": "No Contact"}})
    error = _error(response, 422, "validation_failed")
    assert {"channel", "severity", "customer.phone"} <= set(error["fields"])
    assert all(reason.strip() for reason in error["fields"].values())
    assert _tickets() == 0


# --- 429 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("app_config", [{"API_RATE_LIMIT": "3 per minute"}])
def test_the_rate_limit_is_per_token_429_with_retry_after(client, make_user, bearer,
                                                         app_config):
    first, second = bearer(make_user()), bearer(make_user())
    answers = [client.get(f"{API}/notifications", headers=first) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].headers["X-RateLimit-Limit"] == "3"
    assert answers[2].headers["X-RateLimit-Remaining"] == "0"
    limited = answers[3]
    _error(limited, 429, "too_many_requests")
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert client.get(f"{API}/notifications", headers=second).status_code == 200


# --- the caller's language -----------------------------------------------------------------


def test_errors_speak_the_callers_language_with_the_same_codes(client, make_user, bearer):
    """Each kind of error, for an English and a zh_Hans token user (401: no user, so the
    browser's language): the same status, code and fields; the message in Chinese for
    the one, in English for the other."""
    chinese_user = make_user("front_desk", locale="zh_Hans")
    english_user = make_user("front_desk")
    tickets = {}

    def new(headers, **extra):
        return client.post(f"{API}/tickets", headers=headers, json={**NEW_TICKET, **extra})

    def ticket_of(headers) -> dict:
        key = headers["Authorization"]
        if key not in tickets:
            tickets[key] = new(headers).get_json()
        return tickets[key]

    calls = {
        "400": (lambda h: new(h, customer={"name": "A", "phone": 5}), 400, "bad_request"),
        "401": (lambda h: client.get(f"{API}/tickets", headers={
            "Accept-Language": h["Accept-Language"]}), 401, "unauthorized"),
        "403 role": (lambda h: client.get(f"{API}/reports/weekly", headers=h), 403,
                     "forbidden"),
        "403 who": (lambda h: _act(client, h, ticket_of(h), "escalate", reason="VIP"), 403,
                    "forbidden"),
        "404": (lambda h: client.get(f"{API}/tickets/{UNKNOWN_REF}", headers=h), 404,
                "not_found"),
        "409 conflict": (lambda h: _act(client, h, ticket_of(h), "notes", body="Note",
                                        version=99), 409, "conflict"),
        "409 state": (lambda h: _act(client, h, ticket_of(h), "resolve"), 409,
                      "invalid_state"),
        "413": (lambda h: new(h, description="x" * (257 * 1024)), 413, "too_large"),
        "422": (lambda h: new(h, channel="fax"), 422, "validation_failed"),
    }
    untranslated = []
    for name, (call, status, code) in calls.items():
        in_english = _error(call({**bearer(english_user), "Accept-Language": "en"}),
                            status, code)
        in_chinese = _error(call({**bearer(chinese_user), "Accept-Language": "zh-CN"}),
                            status, code)
        assert set(in_chinese.get("fields") or {}) == set(in_english.get("fields") or {})
        assert not re.search(r"[\u4e00-\u9fff]", in_english["message"]), in_english
        for text in [in_chinese["message"], *(in_chinese.get("fields") or {}).values()]:
            if not re.search(r"[\u4e00-\u9fff]", text):
                untranslated.append(f"{name}: {text!r}")
    assert untranslated == [], "\n".join(untranslated)


# --- Idempotency-Key -----------------------------------------------------------------------


def test_the_same_key_twice_opens_one_ticket(client, desk_headers):
    headers = {**desk_headers, "Idempotency-Key": "kiosk-7-0001"}
    first = client.post(f"{API}/tickets", json=NEW_TICKET, headers=headers)
    assert first.status_code == 201
    assert first.headers["Location"].endswith(f"/tickets/{first.get_json()['ref']}")
    again = client.post(f"{API}/tickets", json=NEW_TICKET, headers=headers)
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["ref"] == first.get_json()["ref"]
    assert _tickets() == 1
    plain = client.post(f"{API}/tickets", json=NEW_TICKET, headers=desk_headers)
    assert plain.status_code == 201, "without a key, every call opens a ticket"
    assert _tickets() == 2


def test_the_same_key_with_another_body_is_422(client, desk_headers):
    headers = {**desk_headers, "Idempotency-Key": "kiosk-7-0002"}
    assert client.post(f"{API}/tickets", json=NEW_TICKET, headers=headers).status_code == 201
    other = client.post(f"{API}/tickets", headers=headers,
                        json={**NEW_TICKET, "description": "Another complaint entirely"})
    error = _error(other, 422, "idempotency_key_reused")
    assert set(error["fields"]) == {"Idempotency-Key"}
    assert _tickets() == 1


def test_another_caller_with_the_same_key_opens_its_own(client, make_user, bearer):
    key = {"Idempotency-Key": "kiosk-7-0003"}
    mine = client.post(f"{API}/tickets", json=NEW_TICKET,
                       headers={**bearer(make_user()), **key})
    theirs = client.post(f"{API}/tickets", json=NEW_TICKET,
                         headers={**bearer(make_user()), **key})
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.get_json()["ref"] != theirs.get_json()["ref"]
    assert _tickets() == 2


@pytest.mark.parametrize("key", ["", " ", "x" * 201, "clé-é", "tab\there"])
def test_an_unusable_key_is_422_and_opens_nothing(client, desk_headers, key):
    response = client.post(f"{API}/tickets", json=NEW_TICKET,
                           headers={**desk_headers, "Idempotency-Key": key})
    error = _error(response, 422, "validation_failed")
    assert set(error["fields"]) == {"Idempotency-Key"}
    assert _tickets() == 0


@pytest.mark.postgres_only
def test_two_identical_calls_at_the_same_moment_open_one_ticket(app, desk, bearer,
                                                                monkeypatch):
    """Both calls start together; the one that claims the key first lingers inside the
    ticket's creation (its transaction open), so the other's claim of the same key meets
    the uncommitted row, waits for it, and answers the first call's ticket."""
    from tickets import intake

    headers = {**bearer(desk), "Idempotency-Key": "kiosk-7-race"}
    opening = intake.open_ticket
    creations: list[int] = []

    def slow_open(*args, **kwargs):
        creations.append(1)
        time.sleep(1.0)
        return opening(*args, **kwargs)

    monkeypatch.setattr("api.tickets.open_ticket", slow_open)
    start = threading.Barrier(2, timeout=10)
    answers: list = []

    def call() -> None:
        with app.app_context():
            client = app.test_client()
            start.wait()
            response = client.post(f"{API}/tickets", json=NEW_TICKET, headers=headers)
            answers.append((response.status_code, response.get_json()))
            db.session.remove()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == 2, "both calls answered"
    assert sorted(status for status, _body in answers) == [200, 201], answers
    assert len({body["ref"] for _status, body in answers}) == 1
    assert len(creations) == 1, "the second call never started a ticket of its own"
    db.session.remove()
    assert _tickets() == 1
