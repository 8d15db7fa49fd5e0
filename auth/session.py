"""Flask-Login wiring: session ids carry a version so a reset signs a user out everywhere.

A session id is "<user id>:<session version>" (`User.get_id`), in the session cookie and in
a remember cookie alike; the loader checks it against the database on every request, so
bumping `users.session_version` ends every session of that user at once.
"""

import re

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from extensions import db, login_manager

SESSION_ID = re.compile(r"([0-9]{1,10}):([0-9]{1,10})")
LARGEST_ID = 2**31 - 1  # PostgreSQL's integer


def load_user(session_id: str):
    """The active user whose current session version is in `session_id`, else None."""
    from auth.models import User

    found = SESSION_ID.fullmatch(session_id or "")
    if found is None:
        return None
    user_id, version = (int(part) for part in found.groups())
    if user_id > LARGEST_ID:
        return None
    # With their site: every page reads it (the nav, the lists' zone).
    user = db.session.get(User, user_id, options=[joinedload(User.site)])
    if user is None or not user.is_active or user.session_version != version:
        return None
    return user


def init_login(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
