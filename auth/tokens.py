"""API tokens: shown once, stored as SHA-256 hashes, revocable.

A revoked token stays revoked: nothing ever clears `revoked_at`. Every token of a user is
revoked when their password is changed or reset and when they are deactivated, so
reactivating an account brings none back.
"""

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from auth.models import ApiToken, User
from core.inputs import TOO_LONG
from core.validation import ValidationFailed
from extensions import db

TOKEN_PREFIX = "rd_"  # nosec B105  # the public prefix of every token, not a secret
NAME_LIMIT = 80


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str, now: datetime) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the row and the plain token (never stored)."""
    name = (name or "").strip() or "API token"
    if len(name) > NAME_LIMIT:
        raise ValidationFailed({"name": TOO_LONG(limit=NAME_LIMIT)})
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, name=name, token_hash=_hash(plain), prefix=plain[:10], created_at=now
    )
    db.session.add(token)
    db.session.flush()
    return token, plain


def user_for_token(plain: str, now: datetime) -> User | None:
    """The active user behind a valid, unrevoked token; marks it used."""
    if not plain:
        return None
    # The user and their site with the token: every API call reads both.
    stmt = (select(ApiToken).where(ApiToken.token_hash == _hash(plain))
            .options(joinedload(ApiToken.user).joinedload(User.site)))
    token = db.session.scalar(stmt)
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    token.last_used_at = now
    return token.user


def revoke_token(user: User, token_id: int, now: datetime) -> bool:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        return False
    token.revoked_at = now
    return True


def revoke_all_tokens(user: User, now: datetime) -> int:
    """Revoke every token of `user` still in use; returns how many were revoked."""
    stmt = (
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return db.session.execute(stmt).rowcount


def tokens_of(user: User) -> list[ApiToken]:
    stmt = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at)
    return db.session.scalars(stmt).all()
