"""The Chinese catalog is complete: every string the code and templates mark for
translation has a zh_Hans translation with the same placeholders."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po"
SKIPPED_DIRS = {".venv", "tests", "migrations", ".git", "node_modules", "instance"}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[0-9]*[sd]|%%")


@pytest.fixture(scope="module")
def catalog():
    with CATALOG.open("rb") as handle:
        return read_po(handle)


def _marked_strings() -> set[str]:
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2"),
                  ("templates/**.txt", "jinja2")]

    def keep(dirname: str) -> bool:
        return not (set(Path(dirname).parts) & SKIPPED_DIRS)

    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, {}, directory_filter=keep,
        keywords={"_": None, "_l": None, "N_": None, "gettext": None,
                  "lazy_gettext": None},
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_entry_is_translated_and_not_fuzzy(catalog):
    missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert missing == []


def test_placeholders_survive_translation(catalog):
    wrong = [
        m.id for m in catalog
        if m.id and sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string))
    ]
    assert wrong == []


def test_every_marked_string_is_in_the_catalog(catalog):
    known = {m.id for m in catalog if m.id}
    missing = sorted(_marked_strings() - known)
    assert missing == [], "run `make extract` and translate: " + "; ".join(missing[:10])


def test_no_catalog_entry_outlives_its_string(catalog):
    """An entry no code or template marks any more is dead weight (and a stale translation
    waiting to come back): `make extract` marks it obsolete; delete it."""
    unused = sorted({m.id for m in catalog if m.id} - _marked_strings())
    assert unused == [], "no longer used: " + "; ".join(unused[:10])
