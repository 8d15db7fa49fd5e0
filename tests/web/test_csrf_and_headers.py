"""CSRF refusal, the security headers, and pages a strict CSP can render."""

import re

import pytest


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_csrf_missing_token_is_refused(client, make_user):
    user = make_user()
    response = client.post(
        "/sign-in", data={"username": user.username, "password": "correct horse"}
    )
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_csrf_token_from_the_form_is_accepted(client, make_user):
    import re

    user = make_user()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/sign-in",
        data={"username": user.username, "password": "correct horse", "csrf_token": token},
    )
    assert response.status_code == 302


@pytest.mark.parametrize("path", ["/sign-in", "/does-not-exist"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\ssrc\s*=)[^>]*>", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"<[a-z][^>]*?\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*?\sstyle\s*=", re.IGNORECASE)
CSP_BREAKERS = {"inline <script>": INLINE_SCRIPT, "on*= handler": HANDLER_ATTRIBUTE,
                "style attribute": STYLE_ATTRIBUTE}
NOT_PAGES = {"static", "bootstrap.static", "tickets.attachment",
             "home.favicon"}  # files (or a redirect to one), never HTML
QUERIES = {"customers.index": {"q": "a"}, "customers.search": {"q": "an"},
           "reports.tickets": {"figure": "new"}}


def csp_offences(html: str) -> list[str]:
    """What in `html` a CSP without 'unsafe-inline' would block (script-src and style-src)."""
    return [f"{name}: {found.group(0)[:80]}" for name, pattern in CSP_BREAKERS.items()
            for found in pattern.finditer(html)]


def test_the_offence_patterns_catch_what_csp_blocks():
    assert csp_offences('<script src="/static/js/app.js"></script><p data-on="x">') == []
    assert csp_offences('<p>Carry on="later"</p><div class="on=x">') == []
    assert len(csp_offences("<script>alert(1)</script>")) == 1
    assert len(csp_offences('<button type="button" onclick="go()">')) == 1
    assert len(csp_offences('<span class="x"\n style="color:red">')) == 1


def _demo_world() -> dict[str, list]:
    """Argument values for every URL rule, from the demo data (one ticket per state)."""
    from sqlalchemy import func, select

    from auth.models import User
    from customers.models import Customer
    from demo.seed import seed_demo
    from extensions import db
    from followups.models import FollowUp
    from followups.survey_link import make_token
    from tickets.models import Category, Ticket

    seed_demo()
    db.session.commit()
    first_per_state = select(func.min(Ticket.id)).group_by(Ticket.status,
                                                           Ticket.pending_approval_kind)
    refs = [t.ref for t in db.session.scalars(select(Ticket).where(
        Ticket.id.in_(first_per_state)))]
    survey = db.session.scalars(select(FollowUp).where(
        FollowUp.kind == "survey", FollowUp.done_at.is_(None))).first()
    from flask import current_app

    return {
        "ref": refs + [survey.ticket.ref],
        "site_id": [db.session.scalars(select(Ticket.site_id)).first()],
        "user_id": [db.session.scalars(select(User.id)).first()],
        "customer_id": [db.session.scalars(select(Customer.id)).first()],
        "category_id": [db.session.scalars(select(Category.id)).first()],
        "token": [make_token(survey, current_app.config["SECRET_KEY"])],
        "code": [db.session.scalars(select(Ticket)).first().site.public_code],
        "mail_id": [__import__("tests.support.mail", fromlist=["_"]).held_mail(
            db.session.scalars(select(Ticket)).first().site)],
        "template_id": [db.session.scalars(select(__import__(
            "correspondence.models", fromlist=["_"]).ReplyTemplate.id)).first()],
        "webhook_id": [__import__("tests.support.webhooks", fromlist=["_"]).registered_webhook()],
        "status_token": [__import__("correspondence.links", fromlist=["_"]).make_token(ticket)
                         for ticket in db.session.scalars(select(Ticket).where(
                             Ticket.id.in_(first_per_state)))],
    }


def _page_urls(app, values: dict[str, list]) -> tuple[list[tuple[str, str]], set]:
    """(endpoint, url) for every GET route outside the API, with each argument value."""
    adapter = app.url_map.bind("localhost")
    urls, unknown = [], set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or rule.endpoint.startswith(
                "api."):
            continue
        missing = rule.arguments - values.keys()
        if missing:
            unknown.add(f"{rule.rule}: {sorted(missing)}")
            continue
        name = next(iter(rule.arguments), None)
        for value in values[name] if name else [None]:
            args = {name: value} if name else {}
            url = adapter.build(rule.endpoint, {**args, **QUERIES.get(rule.endpoint, {})})
            urls.append((rule.endpoint, url))
    return urls, unknown


def _sign_in_as(client, username: str | None) -> None:
    from demo.seed import DEMO_PASSWORD
    from tests.conftest import csrf_token_on

    client.delete_cookie("session", domain="localhost")
    if username is None:
        return
    data = {"username": username, "password": DEMO_PASSWORD,
            "csrf_token": csrf_token_on(client, "/sign-in")}
    assert client.post("/sign-in", data=data).status_code == 302


@pytest.mark.sqlite_only  # the pages' markup does not depend on the database
def test_no_page_has_inline_script_handlers_or_style_attributes(app, client):
    values = _demo_world()
    urls, unknown = _page_urls(app, values)
    assert not unknown, f"give test values for these URL arguments: {sorted(unknown)}"
    offences, served = [], set()
    for username in (None, "desk", "super", "manager"):
        _sign_in_as(client, username)
        for endpoint, url in urls:
            response = client.get(url)
            if response.status_code == 200:
                served.add(endpoint)
            if response.status_code == 200 and response.mimetype == "text/html":
                html = response.get_data(as_text=True)
                offences += [f"{username} {url}: {o}" for o in csp_offences(html)]
            response.close()
    assert not offences, "\n".join(offences)
    never = {endpoint for endpoint, _url in urls} - served
    assert not never, f"no role could open these pages, so they went unchecked: {never}"


def test_assets_are_served_locally(client):
    page = client.get("/sign-in").get_data(as_text=True)
    assert "cdn.jsdelivr" not in page
    assert "/bootstrap/static/css/bootstrap.min.css" in page
    response = client.get("/bootstrap/static/css/bootstrap.min.css")
    assert response.status_code == 200
    assert b".btn" in response.data
    response.close()


def test_signed_in_pages_are_never_stored(client, login):
    login()
    for path in ("/", "/account/tokens", "/does-not-exist"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
        assert response.headers["Pragma"] == "no-cache", path


def test_api_answers_are_never_stored(client, make_user):
    from auth.tokens import create_token
    from core.clock import utcnow
    from extensions import db

    _token, plain = create_token(make_user(), "tests", utcnow())
    db.session.commit()
    for headers in ({}, {"Authorization": f"Bearer {plain}"}):
        response = client.get("/api/v1/tickets", headers=headers)
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Pragma"] == "no-cache"
    assert client.get("/api/v1/nothing-here").headers["Cache-Control"] == "no-store"


def test_public_assets_stay_cacheable_for_signed_in_users(client, login):
    """Stylesheets are the same for everyone: no-store would only slow every page."""
    login()
    response = client.get("/bootstrap/static/css/bootstrap.min.css")
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_plain_http_sends_no_hsts_and_no_secure_cookie(client, make_user):
    user = make_user()
    response = client.post("/sign-in", data={
        "username": user.username, "password": "correct horse",
        "csrf_token": _token_on(client)})
    assert "Strict-Transport-Security" not in response.headers
    assert "Secure" not in response.headers["Set-Cookie"]


def _token_on(client) -> str:
    from tests.conftest import csrf_token_on

    return csrf_token_on(client, "/sign-in")


@pytest.mark.parametrize("app_config", [
    {"WTF_CSRF_ENABLED": True, "PREFERRED_URL_SCHEME": "https"},
    {"WTF_CSRF_ENABLED": True, "SESSION_COOKIE_SECURE": True},
])
def test_https_sends_hsts_and_secure_cookies(app, client, make_user):
    """(Over HTTPS, Flask-WTF also wants a same-site Referer, which browsers send.)"""
    user = make_user()
    response = client.post("/sign-in", data={
        "username": user.username, "password": "correct horse",
        "csrf_token": _token_on(client)}, headers={"Referer": "https://localhost/sign-in"})
    assert response.status_code == 302
    hsts = "max-age=31536000; includeSubDomains"
    assert response.headers["Strict-Transport-Security"] == hsts
    assert "; Secure" in response.headers["Set-Cookie"]
    assert client.get("/sign-in").headers["Strict-Transport-Security"] == hsts
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_config_reads_https_from_the_environment(monkeypatch):
    from config import Config

    monkeypatch.setenv("PREFERRED_URL_SCHEME", "https")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    config = Config()
    assert config.PREFERRED_URL_SCHEME == "https"
    assert (config.SESSION_COOKIE_SECURE, config.REMEMBER_COOKIE_SECURE) == (True, True)
    monkeypatch.setenv("PREFERRED_URL_SCHEME", "http")
    assert Config().SESSION_COOKIE_SECURE is False
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    assert Config().REMEMBER_COOKIE_SECURE is True
