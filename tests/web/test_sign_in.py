"""Sign-in, sign-out, throttling, redirects, CSRF and session cookies."""

import pytest

from auth.models import LoginAttempt
from extensions import db


def test_sign_in_anonymous_root_redirects_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert "next=" in response.headers["Location"]


def test_sign_in_success_shows_role_home(client, make_user):
    user = make_user("supervisor", display_name="Wang Fang")
    response = client.post(
        "/sign-in", data={"username": user.username, "password": "correct horse"}
    )
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Wang Fang" in page
    assert "Supervisor" in page


def test_sign_in_username_is_case_insensitive(client, make_user):
    user = make_user()
    response = client.post(
        "/sign-in", data={"username": user.username.upper(), "password": "correct horse"}
    )
    assert response.status_code == 302


def test_sign_in_wrong_password_names_the_problem(client, make_user):
    user = make_user()
    response = client.post("/sign-in", data={"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert "Unknown username or wrong password" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    db.session.rollback()  # read what the request committed: the failed attempt counts
    attempt = db.session.scalars(db.select(LoginAttempt)).one()
    assert attempt.succeeded is False


def test_sign_in_cookie_is_httponly_and_samesite(client, make_user):
    user = make_user()
    response = client.post(
        "/sign-in", data={"username": user.username, "password": "correct horse"}
    )
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_sign_out_ends_the_session(client, login):
    login()
    assert client.get("/").status_code == 200
    response = client.post("/sign-out")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_sign_out_by_get_is_not_allowed(client, login):
    login()
    assert client.get("/sign-out").status_code == 405
    assert client.get("/").status_code == 200


def test_sign_in_throttles_after_repeated_failures_for_a_username(client, make_user):
    user = make_user()
    for _ in range(5):
        client.post("/sign-in", data={"username": user.username, "password": "bad"})
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(LoginAttempt.id))) == 5
    response = client.post(
        "/sign-in", data={"username": user.username, "password": "correct horse"}
    )
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(LoginAttempt.id))) == 5


def test_sign_in_throttles_an_address_trying_many_usernames(app, client, make_user):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    victim = make_user()
    for number in range(3):
        client.post("/sign-in", data={"username": f"guess{number}", "password": "bad"})
    response = client.post(
        "/sign-in", data={"username": victim.username, "password": "correct horse"}
    )
    assert response.status_code == 429


def test_sign_in_deactivated_user_is_refused(client, make_user):
    user = make_user()
    user.active = False
    db.session.commit()
    response = client.post(
        "/sign-in", data={"username": user.username, "password": "correct horse"}
    )
    assert response.status_code == 200
    assert "deactivated" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
    ],
)
def test_sign_in_refuses_open_redirects(client, make_user, target):
    user = make_user()
    response = client.post(
        "/sign-in",
        data={"username": user.username, "password": "correct horse", "next": target},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_sign_in_follows_same_site_next(client, make_user):
    user = make_user()
    response = client.post(
        "/sign-in",
        data={
            "username": user.username,
            "password": "correct horse",
            "next": "/account/password",
        },
    )
    assert response.headers["Location"] == "/account/password"


def test_password_reset_signs_the_user_out_everywhere(app, client, login):
    from auth.services import reset_password

    user = login()
    reset_password(user, "a brand new pass")
    db.session.commit()
    assert client.get("/").status_code == 302


def test_change_password_requires_current_password(client, login):
    login()
    response = client.post(
        "/account/password",
        data={"current_password": "wrong", "new_password": "abcdefgh1", "confirm": "abcdefgh1"},
    )
    assert response.status_code == 422
    assert "That is not your current password" in response.get_data(as_text=True)
    response = client.post(
        "/account/password",
        data={
            "current_password": "correct horse",
            "new_password": "abcdefgh1",
            "confirm": "abcdefgh1",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
