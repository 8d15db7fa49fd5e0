"""One session version per user: sign-out, a password change or reset and deactivation end
every session of that user at once (copied cookies and remember cookies included); a
password change or reset and deactivation also revoke every API token, for good."""

from flask_login.utils import encode_cookie
from sqlalchemy import select

from auth.models import ApiToken, User
from auth.tokens import create_token
from core.clock import utcnow
from extensions import db

NEW_PASSWORD = "saffron-lantern-harbour-42"


def _session_cookie(client) -> str:
    cookie = client.get_cookie("session", domain="localhost")
    assert cookie is not None, "signed in, so there is a session cookie"
    return cookie.value


def _replay(app, cookie_name: str, value: str):
    """A fresh browser that only carries the copied cookie; the answer to GET /."""
    thief = app.test_client()
    thief.set_cookie(cookie_name, value, domain="localhost")
    return thief.get("/")


def _bearer(user) -> dict:
    _token, plain = create_token(user, "booking system", utcnow())
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def _tokens_of(user_id: int) -> list[ApiToken]:
    db.session.rollback()  # read what the requests committed
    return db.session.scalars(select(ApiToken).where(ApiToken.user_id == user_id)).all()


def _user_form(user: User, active: bool) -> dict:
    data = {"display_name": user.display_name, "role": user.role, "site_id": user.site_id,
            "locale": user.locale}
    return {**data, "active": "y"} if active else data


def test_sessions_a_cookie_copied_before_sign_out_stops_working(app, client, login):
    login()
    copied = _session_cookie(client)
    assert _replay(app, "session", copied).status_code == 200
    assert client.post("/sign-out").status_code == 302
    replayed = _replay(app, "session", copied)
    assert replayed.status_code == 302
    assert replayed.headers["Location"].startswith("/sign-in")


def test_sessions_sign_out_ends_the_users_other_sessions_too(app, client, login):
    user = login()
    other_browser = app.test_client()
    other_browser.post("/sign-in", data={"username": user.username, "password": "correct horse"})
    assert other_browser.get("/").status_code == 200
    client.post("/sign-out")
    assert other_browser.get("/").status_code == 302


def test_sessions_sign_out_keeps_api_tokens(client, login):
    """Signing out of the browser is not a reason to break an integration's token."""
    user = login()
    headers = _bearer(user)
    client.post("/sign-out")
    assert client.get("/api/v1/tickets", headers=headers).status_code == 200


def test_sessions_a_remember_cookie_obeys_the_session_version(app, client, login):
    user = login()
    remember = encode_cookie(user.get_id())
    assert _replay(app, "remember_token", remember).status_code == 200
    client.post("/sign-out")
    assert _replay(app, "remember_token", remember).status_code == 302


def test_sessions_a_forged_session_id_is_refused_not_a_crash(app, client, login):
    user = login()
    for forged in (f"{user.id}:²", "²:1", f"{2**40}:1", f"{user.id}", ":", "x:y"):
        assert _replay(app, "remember_token", encode_cookie(forged)).status_code == 302


def test_sessions_changing_the_password_ends_other_sessions_and_revokes_tokens(app, client,
                                                                              login):
    user = login()
    headers = _bearer(user)
    copied = _session_cookie(client)
    response = client.post("/account/password", data={
        "current_password": "correct horse", "new_password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200, "the browser that changed it stays signed in"
    assert _replay(app, "session", copied).status_code == 302
    assert client.get("/api/v1/tickets", headers=headers).status_code == 401
    assert all(token.revoked_at is not None for token in _tokens_of(user.id))


def test_sessions_a_manager_reset_ends_sessions_and_revokes_tokens(app, client, login,
                                                                   make_user):
    desk = make_user()
    login(user=desk)
    desk_cookie = _session_cookie(client)
    headers = _bearer(desk)
    login("manager")
    response = client.post(f"/admin/users/{desk.id}/password", data={"password": NEW_PASSWORD})
    assert response.status_code == 302
    assert _replay(app, "session", desk_cookie).status_code == 302
    assert client.get("/api/v1/tickets", headers=headers).status_code == 401
    assert [token.revoked_at is not None for token in _tokens_of(desk.id)] == [True]


def test_sessions_a_refused_reset_changes_nothing(app, client, login, make_user):
    desk = make_user()
    login(user=desk)
    desk_cookie = _session_cookie(client)
    headers = _bearer(desk)
    login("manager")
    client.post(f"/admin/users/{desk.id}/password", data={"password": "password"})
    assert _replay(app, "session", desk_cookie).status_code == 200
    assert client.get("/api/v1/tickets", headers=headers).status_code == 200


def test_sessions_deactivation_ends_everything_and_reactivation_brings_back_no_token(
        app, client, login, make_user):
    desk = make_user()
    login(user=desk)
    desk_cookie = _session_cookie(client)
    headers = _bearer(desk)
    login("manager")
    assert client.post(f"/admin/users/{desk.id}", data=_user_form(desk, False)).status_code == 302
    assert _replay(app, "session", desk_cookie).status_code == 302
    assert client.get("/api/v1/tickets", headers=headers).status_code == 401
    assert client.post(f"/admin/users/{desk.id}", data=_user_form(desk, True)).status_code == 302
    db.session.rollback()
    assert db.session.get(User, desk.id).active is True
    assert client.get("/api/v1/tickets", headers=headers).status_code == 401
    assert _replay(app, "session", desk_cookie).status_code == 302
    assert [token.revoked_at is not None for token in _tokens_of(desk.id)] == [True]
    login(user=desk)
    assert client.get("/").status_code == 200, "the reactivated user signs in afresh"


def test_sessions_a_revoked_token_stays_revoked_when_the_user_is_saved_again(client, login,
                                                                             make_user):
    desk = make_user()
    headers = _bearer(desk)
    [token] = _tokens_of(desk.id)
    login("manager")
    client.post(f"/admin/users/{desk.id}", data=_user_form(desk, False))
    revoked_at = _tokens_of(desk.id)[0].revoked_at
    client.post(f"/admin/users/{desk.id}", data=_user_form(desk, True))
    client.post(f"/admin/users/{desk.id}", data=_user_form(desk, False))
    assert _tokens_of(desk.id)[0].revoked_at == revoked_at
    assert client.get("/api/v1/tickets", headers=headers).status_code == 401
    assert token.id == _tokens_of(desk.id)[0].id
