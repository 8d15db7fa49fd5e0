"""Users: creation, changes, deactivation, password resets and sign-in.

Shared by the CLI and the manager's pages; callers commit. Sign-out, a password change or
reset and deactivation end every session of the user at once (`end_sessions`: the session
version in every session id goes up); a password change or reset and deactivation also
revoke every API token of the user, for good.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from auth.models import LOCALES, ROLES, User, verify_password
from auth.passwords import hints_for, password_problem
from auth.throttle import is_throttled, record_attempt
from auth.tokens import revoke_all_tokens
from core.clock import utcnow
from core.validation import ValidationFailed
from extensions import db
from sites.models import Site

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,39}$")


class SignInRefused(Exception):
    """Sign-in failed; `throttled` tells the view to answer 429."""

    def __init__(self, message: str, throttled: bool = False) -> None:
        super().__init__(message)
        self.throttled = throttled


@dataclass
class UserInput:
    username: str
    role: str
    site: Site | None
    display_name: str = ""
    email: str = ""
    locale: str = "en"
    password: str | None = None


def _username_taken(username: str, user: User | None = None) -> bool:
    stmt = select(User.id).where(func.lower(User.username) == username)
    if user is not None:
        stmt = stmt.where(User.id != user.id)
    return db.session.scalar(stmt) is not None


def _check_profile(data: UserInput, errors: dict[str, str]) -> dict:
    cleaned: dict = {}
    if data.role not in ROLES:
        errors["role"] = f"Unknown role '{data.role}': use one of {', '.join(ROLES)}."
    if data.site is None:
        errors["site"] = "Choose an existing site."
    if data.locale not in LOCALES:
        errors["locale"] = f"Unknown language '{data.locale}': use en or zh_Hans."
    email = (data.email or "").strip()
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            errors["email"] = str(exc)
    cleaned.update(role=data.role, site=data.site, locale=data.locale, email=email or None)
    return cleaned


def clean_new_user(data: UserInput, *, enforce_strength: bool = True) -> dict:
    errors: dict[str, str] = {}
    username = data.username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        errors["username"] = (
            "Use 2–40 letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit."
        )
    elif _username_taken(username):
        errors["username"] = f"The username '{username}' is already taken."
    cleaned = _check_profile(data, errors)
    cleaned["username"] = username
    cleaned["display_name"] = data.display_name.strip() or username
    if data.password is not None and enforce_strength:
        reason = password_problem(
            data.password, username, hints_for(data.display_name, cleaned["email"])
        )
        if reason:
            errors["password"] = reason
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def create_user(data: UserInput, *, enforce_strength: bool = True) -> User:
    """Add a user. Without a password the account cannot sign in until one is set.

    The password meets `auth.passwords.password_problem`'s rule. `enforce_strength=False`
    is for the demo seed alone (`demo.seed`: every demo login's password is "demo", as the
    README says); no other caller skips the rule.
    """
    cleaned = clean_new_user(data, enforce_strength=enforce_strength)
    user = User(
        username=cleaned["username"],
        display_name=cleaned["display_name"],
        email=cleaned["email"],
        role=cleaned["role"],
        site=cleaned["site"],
        locale=cleaned["locale"],
        active=True,
    )
    if data.password:
        user.set_password(data.password)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(
    user: User, data: UserInput, *, active: bool, now: datetime | None = None
) -> User:
    """Change role, site, language, name, e-mail and whether the account is active.

    Deactivating ends every session and revokes every API token of the user (at `now`,
    the clock's now when not given); reactivating brings back neither.
    """
    errors: dict[str, str] = {}
    cleaned = _check_profile(data, errors)
    if errors:
        raise ValidationFailed(errors)
    user.role = cleaned["role"]
    user.site = cleaned["site"]
    user.locale = cleaned["locale"]
    user.email = cleaned["email"]
    user.display_name = data.display_name.strip() or user.username
    if user.active and not active:
        revoke_all_tokens(user, now or utcnow())
        end_sessions(user)
    user.active = active
    db.session.flush()
    return user


def end_sessions(user: User) -> None:
    """End every session of `user` (every browser, copied cookies and remember cookies):
    the session version goes up in the database, in one statement, so two at once both
    count."""
    user.session_version = User.session_version + 1
    db.session.flush()


def reset_password(user: User, password: str, now: datetime | None = None) -> int:
    """Set a new password (the manager's reset and the user's own change alike), end
    every session of the user and revoke every API token (at `now`, the clock's now when
    not given). Returns how many tokens were revoked. A refused password changes nothing.
    """
    reason = password_problem(password, user.username, hints_for(user.display_name, user.email))
    if reason:
        raise ValidationFailed({"password": reason})
    user.set_password(password)
    revoked = revoke_all_tokens(user, now or utcnow())
    end_sessions(user)
    return revoked


def find_user(username: str) -> User | None:
    return db.session.scalar(
        select(User).where(func.lower(User.username) == username.strip().lower())
    )


def authenticate(username: str, password: str, address: str, now: datetime) -> User:
    """Return the user for good credentials; record the attempt either way.

    The same message is given for an unknown name and a wrong password, after the same
    work: one password-hash verification whatever the name (against a dummy hash when
    the user does not exist or has no password), so timing does not reveal which names
    exist. Only the right password of a deactivated account is told it is deactivated.
    A hash made with older parameters is remade on a successful sign-in.
    """
    username = username.strip().lower()
    if is_throttled(username, address, now):
        raise SignInRefused(
            "Too many failed sign-ins. Wait 15 minutes, or ask a manager to reset "
            "your password.",
            throttled=True,
        )
    user = find_user(username)
    password_ok = verify_password(user.password_hash if user else None, password)
    succeeded = password_ok and user.is_active
    record_attempt(username, address, succeeded, now)
    if not succeeded:
        if password_ok:
            raise SignInRefused("This account has been deactivated. Ask a manager.")
        raise SignInRefused("Unknown username or wrong password.")
    if user.password_needs_rehash():
        user.set_password(password)
    user.last_login_at = now
    return user
