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
        "/home\u2028evil",
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


def test_a_nul_byte_in_next_is_refused_before_anyone_signs_in(client, make_user):
    from auth.models import LoginAttempt

    user = make_user()
    response = client.post(
        "/sign-in",
        data={"username": user.username, "password": "correct horse", "next": "/\x00evil"},
    )
    assert response.status_code == 400
    assert client.get("/").status_code == 302
    assert db.session.query(LoginAttempt).count() == 0


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


STRONG = "violet-compass-orchard-17"


def test_change_password_requires_current_password(client, login):
    login()
    response = client.post(
        "/account/password",
        data={"current_password": "wrong", "new_password": STRONG, "confirm": STRONG},
    )
    assert response.status_code == 422
    assert "That is not your current password" in response.get_data(as_text=True)
    response = client.post(
        "/account/password",
        data={"current_password": "correct horse", "new_password": STRONG, "confirm": STRONG},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.fixture
def verifications(monkeypatch):
    """Every hash argon2 is asked to verify, in order (its `verify` wrapped to count)."""
    from types import SimpleNamespace

    from argon2 import PasswordHasher

    seen = SimpleNamespace(hashes=[])
    real = PasswordHasher.verify

    def counting(hasher, password_hash, password):
        seen.hashes.append(password_hash)
        return real(hasher, password_hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    return seen


def _sign_in_case(case, make_user) -> tuple[str, str]:
    """(username, password) for each kind of sign-in an attacker can try."""
    if case == "unknown name":
        return "nobody.here", "correct horse"
    user = make_user(password=None if case == "no password set" else "correct horse")
    if case.startswith("deactivated"):
        user.active = False
        db.session.commit()
    right = case in {"good credentials", "deactivated, right password"}
    return user.username, "correct horse" if right else "wrong horse battery"


@pytest.mark.parametrize("case", [
    "good credentials", "wrong password", "unknown name", "no password set",
    "deactivated, right password", "deactivated, wrong password",
])
def test_sign_in_does_one_hash_verification_whoever_asks(client, make_user, verifications,
                                                         case):
    """Equal work for every name: an unknown one is checked against a dummy hash, so the
    time taken does not tell which names exist."""
    username, password = _sign_in_case(case, make_user)
    verifications.hashes.clear()
    response = client.post("/sign-in", data={"username": username, "password": password})
    assert response.status_code == (302 if case == "good credentials" else 200)
    assert len(verifications.hashes) == 1


def test_sign_in_dummy_hash_costs_what_a_real_one_costs(client, make_user, verifications):
    from argon2 import extract_parameters

    user = make_user()
    client.post("/sign-in", data={"username": user.username, "password": "wrong horse 1"})
    client.post("/sign-in", data={"username": "nobody.here", "password": "wrong horse 1"})
    real, dummy = verifications.hashes
    assert real != dummy
    assert extract_parameters(real) == extract_parameters(dummy)


@pytest.mark.parametrize("data", [
    {"username": "desk\x00", "password": "correct horse"},
    {"username": "x" * 79 + "\u00b2", "password": "correct horse"},
    {"username": "\u2028desk", "password": "\x00\x00"},
    {"username": "desk\u200b", "password": "correct horse"},
])
def test_sign_in_hostile_input_is_refused_cleanly(client, make_user, data):
    make_user(username="desk")
    response = client.post("/sign-in", data=data)
    assert response.status_code in (200, 400, 422), "refused, and no crash"
    assert client.get("/").status_code == 302


def test_sign_in_username_with_invisible_characters_is_refused_by_the_form(client, make_user):
    make_user(username="desk")
    response = client.post("/sign-in", data={"username": "desk\u200b", "password": "x"})
    assert "Use printable characters only." in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalars(db.select(LoginAttempt)).all() == []


@pytest.mark.parametrize("password, reason", [
    ("Sh0rt!x", "Use at least 10 characters."),
    ("password123456", "This password is too easy to guess"),
    ("qwertyuiop", "This password is too easy to guess"),
    ("aaaaaaaaaaaaaaaa", "This password is too easy to guess"),
    ("xx-{name}-river-orchard", "A password cannot contain the username."),
    (" violet-compass-orchard", "cannot start or end with spaces"),
    ("v" + "iolet-compass-orchard" * 10, "200 characters"),
])
def test_change_password_refuses_weak_ones_with_a_field_error(client, login, password,
                                                              reason):
    user = login()
    password = password.format(name=user.username)
    response = client.post("/account/password", data={
        "current_password": "correct horse", "new_password": password, "confirm": password})
    assert response.status_code == 422
    assert reason in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(type(user), user.id).check_password("correct horse")


def test_change_password_reason_is_translated(client, login):
    login(locale="zh_Hans")
    response = client.post("/account/password", data={
        "current_password": "correct horse", "new_password": "qwertyuiop",
        "confirm": "qwertyuiop"})
    assert response.status_code == 422
    assert "这个密码太容易被猜到" in response.get_data(as_text=True)


def test_password_rule_is_the_same_for_every_way_a_password_is_set(make_site):
    from auth.services import UserInput, create_user, reset_password
    from core.validation import ValidationFailed

    site = make_site()
    with pytest.raises(ValidationFailed) as refused:
        create_user(UserInput(username="lina", role="manager", site=site,
                              password="lina-the-great-2026"))
    assert refused.value.fields["password"] == "A password cannot contain the username."
    user = create_user(UserInput(username="lina", role="manager", site=site))
    for weak in ("demo", "password1", "Password2026", "lina12345678", "violet\x00compass-orchard",
                 "violet\u2028compass-orchard", "violet-compass-orchard\ud800", "x" * 201):
        with pytest.raises(ValidationFailed):
            reset_password(user, weak)
    assert user.password_hash == ""
    reset_password(user, STRONG)
    assert user.check_password(STRONG)


def test_sign_in_dummy_hashes_match_their_profiles_parameters():
    """When argon2's defaults change, the fixed dummy hash must be made again."""
    from auth.models import DUMMY_HASHES, HASHERS

    assert DUMMY_HASHES.keys() == HASHERS.keys()
    for profile, hasher in HASHERS.items():
        assert not hasher.check_needs_rehash(DUMMY_HASHES[profile]), profile


def test_sign_in_remakes_a_hash_made_with_older_parameters(app, client, make_user):
    from argon2 import extract_parameters

    from auth.models import HASHERS, User

    user = make_user()
    old_hash = user.password_hash
    app.config["ARGON2_PROFILE"] = "standard"
    response = client.post("/sign-in", data={"username": user.username,
                                             "password": "correct horse"})
    assert response.status_code == 302
    db.session.rollback()
    new_hash = db.session.get(User, user.id).password_hash
    assert new_hash != old_hash
    assert extract_parameters(new_hash).memory_cost == HASHERS["standard"].memory_cost
