"""Every coded value has a label, and every label a Chinese translation."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel.speaklater import LazyString

from core.vocabulary import LABELS, STATUS_BADGES, Locale, Status, values

CATALOG = Path(__file__).resolve().parents[2] / "translations/zh_Hans/LC_MESSAGES/messages.po"


@pytest.fixture(scope="module")
def translated():
    with CATALOG.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id and m.string}


@pytest.mark.parametrize("enum", list(LABELS), ids=lambda e: e.__name__)
def test_every_value_has_a_label(enum):
    assert set(LABELS[enum]) == set(enum)
    assert list(LABELS[enum]) == list(enum), "labels follow the enum's order"


@pytest.mark.parametrize("enum", [e for e in LABELS if e is not Locale],
                         ids=lambda e: e.__name__)
def test_every_label_is_translated(enum, translated):
    for member, label in LABELS[enum].items():
        assert isinstance(label, LazyString), member
        assert translated.get(label._args[0]), (member, label._args[0])


def test_language_names_are_written_in_their_own_language():
    assert [str(LABELS[Locale][locale]) for locale in Locale] == ["English", "中文"]


def test_a_member_is_its_stored_string():
    assert values(Locale) == ("en", "zh_Hans")
    assert LABELS[Locale]["zh_Hans"] == "中文"


def test_every_status_has_a_badge():
    assert set(STATUS_BADGES) == set(Status)
    assert all(badge.startswith("text-bg-") for badge in STATUS_BADGES.values())
