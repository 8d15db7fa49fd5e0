"""Every refusal the API gives carries, besides the words for people in the caller's
language (the token user's, else `Accept-Language`), the domain's code and parameters for
programs: `details` per refused member, `reason` for a refused step or a conflict. The
codes are the same whatever the language; the words are Chinese for a Chinese reader."""

import re
from datetime import UTC, datetime

import pytest
from flask_babel import refresh

from api.schemas.common import ErrorBody
from auth.tokens import create_token
from core import clock
from extensions import db
from tickets.categories import ensure_default_categories

API = "/api/v1"
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
NEW_TICKET = {
    "customer": {"name": "Maria Rossi", "phone": "+39 333 123 4567"},
    "channel": "phone", "dimension": "responsiveness", "category": "No call back",
    "severity": "high", "description": "Nobody called me back about the lost luggage",
}
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def fixed_clock(app):
    clock.set_now(NOW)
    ensure_default_categories()
    db.session.commit()


def _headers(user, language: str | None = None) -> dict:
    """A fresh token for `user` (and the browser's language, when given). The fixtures'
    app context, which requests share, may have cached a locale: forget it."""
    _token, plain = create_token(user, "tests", clock.utcnow())
    db.session.commit()
    refresh()
    headers = {"Authorization": f"Bearer {plain}"}
    if language:
        headers["Accept-Language"] = language
    return headers


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    body = response.get_json()
    ErrorBody.model_validate(body)
    return body["error"]


def test_a_new_customer_refused_field_by_field_with_codes_in_chinese(client, make_user):
    reader = make_user("front_desk", locale="zh_Hans")
    response = client.post(f"{API}/customers", headers=_headers(reader), json={
        "name": "", "phone": "12", "email": "", "tier": "gold", "locale": "fr"})
    error = _error(response, 422)
    assert error["fields"] == {
        "name": "请填写客户姓名。",
        "phone": "电话号码应为 5 到 20 位数字。",
        "tier": "请选择客户等级：standard（普通）、key（重要）或 vip（VIP）。",
        "locale": "请选择英文（en）或中文（zh_Hans）。",
    }
    assert error["details"] == {
        "name": {"code": "customer.name_required", "params": {}},
        "phone": {"code": "customer.bad_phone", "params": {}},
        "tier": {"code": "customer.unknown_tier", "params": {}},
        "locale": {"code": "customer.unknown_locale", "params": {}},
    }


def test_a_user_on_browser_default_gets_the_browsers_language(client, make_user):
    follower = make_user("front_desk")  # no language chosen: the browser's
    assert follower.locale is None
    body = {"name": "Li Lei", "preferred_owner": "nobody-here"}
    chinese = _error(client.post(f"{API}/customers", json=body,
                                 headers=_headers(follower, "zh-CN,zh;q=0.9")), 422)
    english = _error(client.post(f"{API}/customers", json=body,
                                 headers=_headers(follower, "en")), 422)
    assert chinese["fields"] == {
        "preferred_owner": "该客户所在门店没有名为“nobody-here”的在职同事。"}
    assert english["fields"] == {
        "preferred_owner": "No active colleague called 'nobody-here' at the customer's site."}
    assert chinese["details"] == english["details"] == {"preferred_owner": {
        "code": "customer.unknown_preferred_owner", "params": {"name": "nobody-here"}}}


def test_the_input_layers_reasons_keep_their_codes_and_parameters(client, make_user):
    reader = make_user("front_desk", locale="zh_Hans")
    response = client.post(f"{API}/customers", headers=_headers(reader), json={
        "name": "王" * 121, "phone": "13800001234"})
    error = _error(response, 422)
    assert error["details"] == {"name": {"code": "input.too_long", "params": {"limit": 120}}}
    assert error["fields"]["name"] == "最多 120 个字符。"


def test_a_member_of_the_wrong_type_is_named_with_its_code(client, make_user):
    reader = make_user("front_desk", locale="zh_Hans")
    response = client.post(f"{API}/tickets", headers=_headers(reader),
                           json={**NEW_TICKET, "is_safety": "yes",
                                 "customer": {"name": "A", "phone": 5}})
    error = _error(response, 400)
    assert error["details"] == {
        "is_safety": {"code": "api.must_be_boolean", "params": {}},
        "customer.phone": {"code": "api.must_be_string", "params": {}},
    }
    assert error["fields"] == {"is_safety": "必须是 true 或 false",
                               "customer.phone": "必须是字符串"}
    assert HAN.search(error["message"])


def test_query_refusals_carry_codes(client, make_user):
    reader = make_user("front_desk", locale="zh_Hans")
    headers = _headers(reader)
    cursor = _error(client.get(f"{API}/tickets", query_string={"cursor": "%%%"},
                               headers=headers), 422)
    assert cursor["details"] == {"cursor": {"code": "api.bad_cursor", "params": {}}}
    assert cursor["fields"] == {"cursor": "请原样使用上一页返回的 next_cursor。"}
    site = _error(client.get(f"{API}/customers", query_string={"site": "Atlantis"},
                             headers=headers), 422)
    assert site["details"] == {"site": {"code": "api.site_out_of_reach",
                                        "params": {"name": "Atlantis"}}}
    assert site["fields"] == {"site": "没有名为“Atlantis”且您有权处理的门店。"}


def test_a_report_week_out_of_reach_is_refused_with_its_parameters(client, make_user):
    manager = make_user("manager", locale="zh_Hans")
    error = _error(client.get(f"{API}/reports/weekly", query_string={"week": "2026-W60"},
                              headers=_headers(manager)), 422)
    assert error["details"] == {"week": {"code": "week.no_such_week", "params": {
        "text": "2026-W60", "year": 2026, "last": 53}}}
    assert error["fields"] == {"week": "“2026-W60”：2026 年只有第 1 到第 53 周。"}


def test_a_refused_step_gives_its_reason_code(client, make_user):
    reader = make_user("front_desk", locale="zh_Hans")
    headers = _headers(reader)
    ticket = client.post(f"{API}/tickets", headers=headers, json=NEW_TICKET).get_json()
    response = client.post(f"{API}/tickets/{ticket['ref']}/resolve", headers=headers,
                           json={"version": ticket["version"], "outcome": "Done",
                                 "root_cause": "process", "fault": "ours"})
    error = _error(response, 409)
    assert error["code"] == "invalid_state"
    assert error["reason"]["code"] == "ticket.refused_when_new"
    assert HAN.search(error["message"]) and "cannot" not in error["message"]


def test_a_stale_version_gives_the_conflicts_code_and_parameters(client, make_user):
    reader = make_user("front_desk", locale="zh_Hans")
    headers = _headers(reader)
    ticket = client.post(f"{API}/tickets", headers=headers, json=NEW_TICKET).get_json()
    response = client.post(f"{API}/tickets/{ticket['ref']}/notes", headers=headers,
                           json={"version": ticket["version"] + 5, "body": "A note"})
    error = _error(response, 409)
    assert error["code"] == "conflict"
    assert error["reason"]["code"] == "ticket.changed_meanwhile"
    assert error["reason"]["params"]["ref"] == ticket["ref"]
    assert error["reason"]["params"]["version"] == ticket["version"]
    assert HAN.search(error["message"])


def test_too_many_webhook_endpoints_is_a_refusal_with_its_code(client, make_user,
                                                               monkeypatch):
    monkeypatch.setattr("webhooks.services.MAX_ACTIVE", 1)
    manager = make_user("manager", locale="zh_Hans")
    headers = _headers(manager)
    endpoint = {"url": "https://hooks.example.com/in", "events": ["ticket.created"]}
    assert client.post(f"{API}/webhooks", headers=headers, json=endpoint).status_code == 201
    error = _error(client.post(f"{API}/webhooks", headers=headers, json=endpoint), 409)
    assert error["code"] == "invalid_state"
    assert error["reason"] == {"code": "webhook.too_many", "params": {"count": 1}}
    assert error["message"] == "最多只能同时启用 1 个 Webhook 接收端点；请先停用一个。"


def test_a_bad_idempotency_key_names_the_header_with_its_code(client, make_user):
    reader = make_user("front_desk", locale="zh_Hans")
    headers = {**_headers(reader), "Idempotency-Key": "钥匙"}
    error = _error(client.post(f"{API}/tickets", headers=headers, json=NEW_TICKET), 422)
    assert error["details"] == {"Idempotency-Key": {
        "code": "api.bad_idempotency_key", "params": {"count": 200}}}
    assert error["fields"] == {"Idempotency-Key": "请使用 1 到 200 个可打印的 ASCII 字符。"}


def test_the_document_describes_details_and_reason(client):
    schemas = client.get(f"{API}/openapi.json").get_json()["components"]["schemas"]
    detail = schemas["ErrorDetail"]["properties"]
    assert {"code", "message", "fields", "details", "reason"} <= set(detail)
    message_code = schemas["MessageCode"]
    assert set(message_code["properties"]) == {"code", "params"}
    assert set(message_code["required"]) == {"code", "params"}
    assert "MessageCode" in str(detail["details"]) and "MessageCode" in str(detail["reason"])
