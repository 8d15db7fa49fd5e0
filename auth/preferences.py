"""What every user sets for themselves: their language (None: their browser's) and whether
non-critical notifications come by e-mail once a day (notifications.digest)."""

from auth.models import LOCALES, User
from core.messages import define
from core.validation import ValidationFailed
from core.words import N_
from extensions import db

UNKNOWN_LANGUAGE = define(
    "user.unknown_language",
    N_("Choose browser default, English or Chinese."))


def choose_language(user: User, locale: str | None) -> User:
    """Set `user`'s language; None (or "") goes back to following the browser."""
    locale = locale or None
    if locale is not None and locale not in LOCALES:
        raise ValidationFailed({"locale": UNKNOWN_LANGUAGE()})
    user.locale = locale
    db.session.flush()
    return user


def choose_daily_digest(user: User, daily_digest: bool) -> User:
    """Non-critical notifications by e-mail once a day (True) or one by one (False)."""
    user.daily_digest = bool(daily_digest)
    db.session.flush()
    return user
