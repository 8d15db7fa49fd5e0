"""CSRF refusal and the security headers."""

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


def test_pages_carry_no_inline_script(client, login):
    login("manager")
    for path in ("/", "/admin/sites/", "/admin/users/"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>" not in page
        assert " onclick=" not in page


def test_assets_are_served_locally(client):
    page = client.get("/sign-in").get_data(as_text=True)
    assert "cdn.jsdelivr" not in page
    assert "/bootstrap/static/css/bootstrap.min.css" in page
    response = client.get("/bootstrap/static/css/bootstrap.min.css")
    assert response.status_code == 200
    assert b".btn" in response.data
    response.close()
