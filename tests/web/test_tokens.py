"""API tokens: created on the account page or the CLI, shown once, stored hashed, revocable."""

import hashlib
import re

from sqlalchemy import select

from auth.models import ApiToken
from extensions import db


def test_token_page_creates_shows_once_and_revokes(client, login):
    user = login()
    page = client.post("/account/tokens", data={"name": "booking system"}).get_data(as_text=True)
    plain = re.search(r'<code id="new-token"[^>]*>(rd_[^<]+)</code>', page).group(1)
    stored = db.session.scalars(select(ApiToken)).one()
    assert stored.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in stored.token_hash and stored.user_id == user.id
    assert plain not in client.get("/account/tokens").get_data(as_text=True)
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/tickets", headers=headers).status_code == 200
    response = client.post(f"/account/tokens/{stored.id}/revoke")
    assert response.status_code == 302
    assert client.get("/api/v1/tickets", headers=headers).status_code == 401
    assert "Revoked" in client.get("/account/tokens").get_data(as_text=True)


def test_nobody_revokes_someone_elses_token(client, login, make_user):
    from auth.tokens import create_token
    from core.clock import utcnow

    owner = make_user()
    token, _plain = create_token(owner, "theirs", utcnow())
    db.session.commit()
    login()
    client.post(f"/account/tokens/{token.id}/revoke")
    assert db.session.get(ApiToken, token.id).revoked_at is None


def test_token_page_needs_a_name(client, login):
    login()
    response = client.post("/account/tokens", data={"name": ""})
    assert "This field is required" in response.get_data(as_text=True)
    assert db.session.scalars(select(ApiToken)).all() == []


def test_cli_create_token_prints_it_alone_on_the_last_line(runner, make_user, client):
    user = make_user()
    result = runner.invoke(args=["create-token", user.username])
    assert result.exit_code == 0, result.output
    plain = result.output.strip().splitlines()[-1]
    assert plain.startswith("rd_") and " " not in plain
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/tickets", headers=headers).status_code == 200


def test_cli_create_token_for_an_unknown_user_fails(runner):
    result = runner.invoke(args=["create-token", "ghost"])
    assert result.exit_code != 0
    assert "no active user called 'ghost'" in result.output
    assert db.session.scalars(select(ApiToken)).all() == []
