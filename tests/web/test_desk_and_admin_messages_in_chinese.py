"""The customers', users', sites', webhooks', canned replies' and reports' refusals are
declared messages: a reader of Chinese (their own choice, or their browser's when they
made none) gets them in Chinese on the page, never the English the service was written in.
"""

from flask_babel import refresh
from sqlalchemy import select

from customers.services import CustomerInput, create_customer
from extensions import db
from sites.models import Site
from webhooks.models import WebhookEndpoint

CHINESE_BROWSER = {"Accept-Language": "zh-CN,zh;q=0.9"}
GOOD_SITE = {
    "name": "外滩酒店", "timezone": "Asia/Shanghai", "hours": "24/7", "currency": "CNY",
    "holidays": "", "front_desk_limit": "200", "supervisor_limit": "2000",
}


def _text(response) -> str:
    return response.get_data(as_text=True)


def _signed_in(login, role: str, **user):
    """Sign in as a new user who reads Chinese; forget the locale the fixtures' shared app
    context may have cached, as a new request would."""
    person = login(role, locale="zh_Hans", **user)
    refresh()
    return person


def test_customer_details_refused_in_chinese(client, login, make_site):
    desk = _signed_in(login, "front_desk")
    customer = create_customer(desk.site_id, CustomerInput(name="Wang Fang", phone="13800001234"))
    db.session.commit()
    response = client.post(f"/customers/{customer.id}/edit", data={
        "name": "Wang Fang", "phone": "12", "email": "not-an-address", "tier": "standard",
        "locale": "zh_Hans", "preferred_owner": "", "notes": ""})
    page = _text(response)
    assert response.status_code == 422
    assert "电话号码应为 5 到 20 位数字。" in page
    assert "请输入电子邮箱地址，例如 name@example.com。" in page
    assert "A phone number has" not in page and "e-mail address such as" not in page
    db.session.expire_all()
    assert db.session.get(type(customer), customer.id).phone == "13800001234"


def test_site_form_refusals_in_chinese(client, login):
    _signed_in(login, "manager")
    response = client.post("/admin/sites/new", data={
        **GOOD_SITE, "currency": "ZZZ", "holidays": "2026-13-45 圣诞节",
        "front_desk_limit": "-5", "supervisor_limit": "12.345", "public_code": "admin"})
    page = _text(response).replace("&#34;", '"').replace("&#39;", "'")
    assert response.status_code == 422
    assert "“ZZZ”不是 ISO 4217 货币代码。" in page
    assert "第 1 行：“2026-13-45”不是日期（请使用 YYYY-MM-DD 格式）。" in page
    assert "限额不能小于零。" in page
    assert "限额须低于 1,000,000，最多保留两位小数。" in page
    assert "“admin”是保留字，请换一个代码。" in page
    for english in ("ISO 4217 currency code", "is not a date", "zero or more", "reserved word"):
        assert english not in page
    db.session.expire_all()
    assert db.session.scalar(select(Site).where(Site.name == "外滩酒店")) is None


def test_a_holiday_line_the_input_layer_refuses_names_the_line_in_chinese(client, login):
    _signed_in(login, "manager")
    response = client.post("/admin/sites/new",
                           data={**GOOD_SITE, "holidays": "2026-10-01 " + "国" * 121})
    assert response.status_code == 422
    assert "第 1 行：最多 120 个字符。" in _text(response)


def test_new_user_refusals_in_chinese(client, login):
    manager = _signed_in(login, "manager")
    response = client.post("/admin/users/new", data={
        "username": manager.username, "display_name": "", "email": "nobody@",
        "role": "front_desk", "site_id": str(manager.site_id), "password": ""})
    page = _text(response).replace("&#39;", "'")
    assert response.status_code == 422
    assert f"用户名“{manager.username}”已被占用。" in page
    assert "请输入电子邮箱地址，例如 name@example.com。" in page
    assert "already taken" not in page


def test_sign_in_refusal_follows_the_browser(client, make_user):
    make_user("front_desk", username="meiling")
    response = client.post("/sign-in", data={"username": "meiling", "password": "wrong one"},
                           headers=CHINESE_BROWSER)
    page = _text(response)
    assert "用户名不存在或密码错误。" in page
    assert "Unknown username or wrong password." not in page
    english = client.post("/sign-in", data={"username": "meiling", "password": "wrong one"},
                          headers={"Accept-Language": "en"})
    assert "Unknown username or wrong password." in _text(english)


def test_a_weak_new_password_is_refused_in_chinese(client, login):
    _signed_in(login, "front_desk")
    response = client.post("/account/password", data={
        "current_password": "correct horse", "new_password": "short", "confirm": "short"})
    page = _text(response)
    assert "请至少使用 10 个字符。" in page
    assert "Use at least" not in page


def test_webhook_refusals_in_chinese(client, login):
    _signed_in(login, "manager")
    response = client.post("/admin/webhooks/new", data={
        "url": "http://hooks.example.com/in", "description": "", "site_id": "",
        "events": []})
    page = _text(response)
    assert response.status_code == 422
    assert "请使用以 https:// 开头的网址。" in page
    assert "请至少选择一个事件。" in page
    assert "Use a URL that starts with" not in page
    assert db.session.scalar(select(WebhookEndpoint.id)) is None


def test_canned_reply_refusals_in_chinese(client, login):
    _signed_in(login, "manager")
    response = client.post("/admin/replies/new", data={
        "locale": "zh_Hans", "title": "仍在处理", "position": "1000", "active": "y",
        "body": "{guest}您好"})
    page = _text(response)
    assert response.status_code == 422
    assert "只能使用占位符 {customer}、{reference}、{owner} 和 {promise}。" in page
    assert "Use only the placeholders" not in page


def test_a_report_week_out_of_reach_is_explained_in_chinese(client, login):
    _signed_in(login, "manager")
    response = client.get("/reports/weekly?week=2026-W60")
    page = _text(response)
    assert response.status_code == 400
    assert "“2026-W60”：2026 年只有第 1 到第 53 周。" in page
    assert "has weeks 1 to" not in page
