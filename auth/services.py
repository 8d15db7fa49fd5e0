"""Users: creation, changes, deactivation, password resets and sign-in.

Shared by the CLI and the manager's pages; callers commit. Sign-out, a password change or
reset and deactivation end every session of the user at once (`end_sessions`: the session
version in every session id goes up); a password change or reset and deactivation also
revoke every API token of the user, for good.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from auth.models import LOCALES, ROLES, User, verify_password
from auth.passwords import hints_for, password_problem
from auth.throttle import is_throttled, record_attempt
from auth.tokens import revoke_all_tokens
from core import inputs
from core.clock import utcnow
from core.messages import define
from core.validation import ValidationFailed
from core.words import N_
from extensions import db
from sites.models import Site

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,39}$")
UNKNOWN_ROLE = define("user.unknown_role", N_("Unknown role '%(role)s': use one of %(roles)s."))
NO_SITE = define("user.no_site", N_("Choose an existing site."))
UNKNOWN_LOCALE = define("user.unknown_locale",
                        N_("Unknown language '%(locale)s': use en or zh_Hans."))
BAD_USERNAME = define("user.bad_username", N_(
    "Use 2–40 letters, digits, dots, dashes or underscores, starting with a letter or digit."))
USERNAME_TAKEN = define("user.username_taken",
                        N_("The username '%(username)s' is already taken."))
THROTTLED = define("sign_in.throttled", N_(
    "Too many failed sign-ins. Wait 15 minutes, or ask a manager to reset your password."))
DEACTIVATED = define("sign_in.deactivated",
                     N_("This account has been deactivated. Ask a manager."))
BAD_CREDENTIALS = define("sign_in.bad_credentials", N_("Unknown username or wrong password."))


class SignInRefused(Exception):
    """Sign-in failed; `reason` is a declared message (shown in the reader's language),
    `throttled` tells the view to answer 429."""

    def __init__(self, reason: str, throttled: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.throttled = throttled


@dataclass
class UserInput:
    username: str
    role: str
    site: Site | None
    display_name: str = ""
    email: str = ""
    locale: str | None = None  # None: the browser's language, until the user chooses
    password: str | None = None


def _username_taken(username: str, user: User | None = None) -> bool:
    stmt = select(User.id).where(func.lower(User.username) == username)
    if user is not None:
        stmt = stmt.where(User.id != user.id)
    return db.session.scalar(stmt) is not None


def _check_profile(data: UserInput, errors: dict[str, str]) -> dict:
    cleaned: dict = {}
    if data.role not in ROLES:
        errors["role"] = UNKNOWN_ROLE(role=str(data.role)[:40], roles=", ".join(ROLES))
    if data.site is None:
        errors["site"] = NO_SITE()
    if data.locale is not None and data.locale not in LOCALES:
        errors["locale"] = UNKNOWN_LOCALE(locale=str(data.locale)[:20])
    email = (data.email or "").strip()
    if email:
        try:
            email = inputs.email_address(email)
        except inputs.InputError as refused:
            errors["email"] = refused.reason
    cleaned.update(role=data.role, site=data.site, locale=data.locale, email=email or None)
    return cleaned


def clean_new_user(data: UserInput, *, enforce_strength: bool = True) -> dict:
    errors: dict[str, str] = {}
    username = data.username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        errors["username"] = BAD_USERNAME()
    elif _username_taken(username):
        errors["username"] = USERNAME_TAKEN(username=username)
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
        raise SignInRefused(THROTTLED(), throttled=True)
    user = find_user(username)
    password_ok = verify_password(user.password_hash if user else None, password)
    succeeded = password_ok and user.is_active
    record_attempt(username, address, succeeded, now)
    if not succeeded:
        if password_ok:
            raise SignInRefused(DEACTIVATED())
        raise SignInRefused(BAD_CREDENTIALS())
    if user.password_needs_rehash():
        user.set_password(password)
    user.last_login_at = now
    return user
