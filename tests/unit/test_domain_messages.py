"""Every message the domain can raise is declared (code + English template) and has a
Chinese translation with the same placeholders; a declared message renders in the reader's
language; a plain string given to a domain error is caught by the suite (a warning that the
test configuration turns into an error)."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from app import create_app
from core.domain_errors import Refused
from core.messages import KINDS, Message, UntranslatableMessage, define, shown, word
from core.validation import ValidationFailed
from core.words import N_

CATALOG = Path(__file__).resolve().parents[2] / "translations/zh_Hans/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")
PLACEHOLDER_NAME = re.compile(r"%\(([a-z_]+)\)s")


@pytest.fixture(scope="module")
def every_kind():
    """Build the whole app so every package has declared its messages."""
    create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "SCHEDULER_ENABLED": False})
    return dict(KINDS)


@pytest.fixture(scope="module")
def chinese():
    with CATALOG.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}


def test_the_domain_declares_its_messages(every_kind):
    assert len(every_kind) >= 50
    assert all(re.fullmatch(r"[a-z_]+(\.[a-z0-9_]+)+", code) for code in every_kind)


def test_every_declared_message_has_a_chinese_translation(every_kind, chinese):
    missing = sorted(code for code, kind in every_kind.items() if not chinese.get(kind.template))
    assert missing == [], "translate in zh_Hans: " + "; ".join(missing[:10])


def test_translations_keep_the_placeholders(every_kind, chinese):
    wrong = sorted(
        code for code, kind in every_kind.items()
        if sorted(PLACEHOLDER.findall(kind.template))
        != sorted(PLACEHOLDER.findall(chinese.get(kind.template, kind.template))))
    assert wrong == []


def test_every_declared_message_renders_in_chinese(every_kind, chinese):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "SCHEDULER_ENABLED": False})
    with app.test_request_context(), force_locale("zh_Hans"):
        for kind in every_kind.values():
            params = {name: "7" for name in PLACEHOLDER_NAME.findall(kind.template)}
            assert shown(kind(**params)) == chinese[kind.template] % params


def test_a_message_is_its_english_text_and_keeps_code_and_parameters():
    too_long = define("test.too_long", N_("Use at most %(limit)s characters."))
    message = too_long(limit=80)
    assert message == "Use at most 80 characters."
    assert (message.code, message.params) == ("test.too_long", {"limit": 80})
    assert message.as_json() == {"code": "test.too_long", "params": {"limit": 80}}
    assert isinstance(message, str)


def test_nested_words_are_translated_when_shown():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "SCHEDULER_ENABLED": False})
    status = define("test.status_word", N_("This ticket is %(status)s."))
    message = status(status=word(N_("resolved")))
    assert message == "This ticket is resolved."
    with app.test_request_context(), force_locale("zh_Hans"):
        assert "resolved" not in shown(message)


def test_one_code_one_text():
    define("test.once", N_("Give a date and time."))
    with pytest.raises(ValueError):
        define("test.once", N_("Something else."))


def test_plain_strings_in_domain_errors_are_caught():
    with pytest.raises(UntranslatableMessage):
        ValidationFailed({"name": "The customer's name is required."})
    with pytest.raises(UntranslatableMessage):
        Refused("Not now.")
    assert isinstance(ValidationFailed({"name": Message("x.y", "Fine.")}).fields["name"], Message)
