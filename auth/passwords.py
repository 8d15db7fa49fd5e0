"""The rule every new password meets, wherever it is set (CLI, manager's pages, own account).

A password is refused when it is shorter than 10 or longer than 200 characters, starts or
ends with a space, holds a control or unprintable character, contains the username
(ignoring case; usernames of 3 characters or more), or is easy to guess: zxcvbn (Dropbox's
estimator, with its own lists of common passwords, names and words, nothing downloaded)
scores it below 3 of 4, knowing the username, display name and e-mail as hints. zxcvbn
reads the first 72 characters only (its own limit; longer ones cost too much time).

Reasons are translated into the language of the request when raised (English on the CLI).
"""

import unicodedata
from collections.abc import Iterable

from flask_babel import gettext as _
from zxcvbn import zxcvbn

MIN_LENGTH = 10
MAX_LENGTH = 200
MIN_SCORE = 3
SCORED_LENGTH = 72
MIN_USERNAME_IN_PASSWORD = 3
UNPRINTABLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def password_problem(password: str, username: str = "", hints: Iterable[str] = ()) -> str | None:
    """The reason `password` is refused for the user `username`, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(count)d characters.", count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(count)d characters.", count=MAX_LENGTH)
    if password.strip() != password:
        return _("A password cannot start or end with spaces.")
    if any(unicodedata.category(ch) in UNPRINTABLE for ch in password):
        return _("A password cannot contain control characters.")
    name = username.strip().lower()
    if len(name) >= MIN_USERNAME_IN_PASSWORD and name in password.lower():
        return _("A password cannot contain the username.")
    user_inputs = [hint for hint in (name, *hints) if hint]
    if zxcvbn(password[:SCORED_LENGTH], user_inputs=user_inputs)["score"] < MIN_SCORE:
        return _(
            "This password is too easy to guess: use a few uncommon words, "
            "or a longer passphrase."
        )
    return None


def hints_for(display_name: str | None, email: str | None) -> list[str]:
    """The words of a user's name and e-mail that a password should not lean on."""
    words = (display_name or "").lower().split()
    local_part = (email or "").partition("@")[0].lower()
    return [word for word in [*words, local_part] if len(word) >= MIN_USERNAME_IN_PASSWORD]
