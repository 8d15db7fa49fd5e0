"""API fixtures: a bearer token for any user."""

import pytest

from auth.tokens import create_token
from core import clock
from extensions import db


@pytest.fixture
def bearer(app):
    """Headers that authenticate as `user` with a fresh token."""

    def headers_for(user) -> dict:
        _token, plain = create_token(user, "tests", clock.utcnow())
        db.session.commit()
        return {"Authorization": f"Bearer {plain}"}

    return headers_for
