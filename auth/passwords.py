"""The rule every new password meets, wherever it is set (CLI, manager's pages, own account).

A password is refused when it is shorter than 10 or longer than 200 characters, starts or
ends with a space, holds a control or unprintable character, contains the username
(ignoring case; usernames of 3 characters or more), or is easy to guess: zxcvbn (Dropbox's
estimator, with its own lists of common passwords, names and words, nothing downloaded)
scores it below 3 of 4, knowing the username, display name and e-mail as hints. zxcvbn
reads the first 72 characters only (its own limit; longer ones cost too much time).

Each reason is a declared message (`core.messages`): English as its text (the CLI), shown
in the reader's language on the web and by the API.
"""

import unicodedata
from collections.abc import Iterable

from zxcvbn import zxcvbn

from core.inputs import TOO_LONG
from core.messages import Message, define
from core.words import N_

MIN_LENGTH = 10
MAX_LENGTH = 200
MIN_SCORE = 3
SCORED_LENGTH = 72
MIN_USERNAME_IN_PASSWORD = 3
UNPRINTABLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
TOO_SHORT = define("password.too_short", N_("Use at least %(count)s characters."))
EDGE_SPACES = define("password.edge_spaces", N_("A password cannot start or end with spaces."))
CONTROL_CHARACTERS = define("password.control_characters",
                            N_("A password cannot contain control characters."))
HAS_USERNAME = define("password.has_username", N_("A password cannot contain the username."))
TOO_EASY = define("password.too_easy", N_(
    "This password is too easy to guess: use a few uncommon words, or a longer passphrase."))


def password_problem(password: str, username: str = "",
                     hints: Iterable[str] = ()) -> Message | None:
    """The reason `password` is refused for the user `username`, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT(count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return TOO_LONG(limit=MAX_LENGTH)
    if password.strip() != password:
        return EDGE_SPACES()
    if any(unicodedata.category(ch) in UNPRINTABLE for ch in password):
        return CONTROL_CHARACTERS()
    name = username.strip().lower()
    if len(name) >= MIN_USERNAME_IN_PASSWORD and name in password.lower():
        return HAS_USERNAME()
    user_inputs = [hint for hint in (name, *hints) if hint]
    if zxcvbn(password[:SCORED_LENGTH], user_inputs=user_inputs)["score"] < MIN_SCORE:
        return TOO_EASY()
    return None


def hints_for(display_name: str | None, email: str | None) -> list[str]:
    """The words of a user's name and e-mail that a password should not lean on."""
    words = (display_name or "").lower().split()
    local_part = (email or "").partition("@")[0].lower()
    return [word for word in [*words, local_part] if len(word) >= MIN_USERNAME_IN_PASSWORD]
