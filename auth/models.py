"""Users, API tokens and sign-in attempts."""

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.db_types import UTCDateTime
from core.vocabulary import LEADS, Locale, Role, values
from extensions import db
from sites.models import Site

ROLES = values(Role)
LOCALES = values(Locale)

HASHERS = {
    "standard": PasswordHasher(),
    # Cheap parameters for the test suite only (config ARGON2_PROFILE="fast").
    "fast": PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
}
# Fixed hashes of random secrets nobody kept, one per profile with its parameters: what a
# sign-in for an unknown name is checked against (tests check the parameters still match).
DUMMY_HASHES = {
    "standard": "$argon2id$v=19$m=65536,t=3,p=4$1ZSA+pBboHWrrZKq9Gfbdw$"
                "6ZFY2zWjoqS62PvqC/TWzyFljqg/3NVCxu5q+scgjx0",
    "fast": "$argon2id$v=19$m=1024,t=1,p=1$JTQG/nPeo6jkauBofSweLQ$"
            "2uekQ4BdmWeOqy7g9WALwG9kmKm4NiPhdZaQyxX72pg",
}


def _profile() -> str:
    profile = current_app.config.get("ARGON2_PROFILE") if has_app_context() else None
    return profile if profile in HASHERS else "standard"


def _hasher() -> PasswordHasher:
    return HASHERS[_profile()]


def _encoded(password: str) -> bytes:
    """UTF-8, keeping lone surrogates (no stored password has one) instead of failing."""
    return password.encode("utf-8", "surrogatepass")


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches `password_hash`. Always one argon2 verification: with no
    hash (an unknown user, or no password set) the profile's dummy hash is checked, with
    the same parameters, so the time taken does not tell which usernames exist."""
    try:
        matched = _hasher().verify(password_hash or DUMMY_HASHES[_profile()], _encoded(password))
    except (VerificationError, InvalidHashError):
        return False
    return bool(matched and password_hash)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    # The language the user chose; None ("browser default") follows their browser's.
    locale: Mapped[str | None] = mapped_column(String(10))
    # Non-critical notifications by e-mail once a day (notifications.digest), not one by one.
    daily_digest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    # In every session id (`get_id`): bumping it ends every session of the user at once.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    site: Mapped[Site] = relationship()

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_supervisor_or_above(self) -> bool:
        return self.role in LEADS

    def get_id(self) -> str:
        """Session id; bumping `session_version` signs the user out everywhere."""
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        self.password_hash = _hasher().hash(_encoded(password))

    def check_password(self, password: str) -> bool:
        return verify_password(self.password_hash, password)

    def password_needs_rehash(self) -> bool:
        """True when the stored hash was made with other parameters than today's."""
        try:
            return bool(self.password_hash) and _hasher().check_needs_rehash(self.password_hash)
        except InvalidHashError:
            return False


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its SHA-256 hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class LoginAttempt(db.Model):
    """Every sign-in attempt, kept for throttling and for the audit of access."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "created_at"),
        Index("ix_login_attempts_address_at", "address", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
