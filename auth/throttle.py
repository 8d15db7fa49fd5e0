"""Sign-in throttling: too many failures for one username or one address in a window.

Counts live in the database so that every web worker sees the same numbers.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from auth.models import LoginAttempt
from extensions import db


def _failures_since(column, value: str, since: datetime) -> int:
    stmt = select(func.count(LoginAttempt.id)).where(
        column == value,
        LoginAttempt.succeeded.is_(False),
        LoginAttempt.created_at >= since,
    )
    return db.session.scalar(stmt) or 0


def is_throttled(username: str, address: str, now: datetime) -> bool:
    """True when the username or the address has failed too often in the window."""
    config = current_app.config
    since = now - timedelta(seconds=config["LOGIN_THROTTLE_WINDOW_SECONDS"])
    by_name = _failures_since(LoginAttempt.username, username, since)
    if by_name >= config["LOGIN_MAX_FAILURES_PER_USERNAME"]:
        return True
    by_address = _failures_since(LoginAttempt.address, address, since)
    return by_address >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]


def record_attempt(username: str, address: str, succeeded: bool, now: datetime) -> None:
    db.session.add(
        LoginAttempt(username=username, address=address, succeeded=succeeded, created_at=now)
    )
