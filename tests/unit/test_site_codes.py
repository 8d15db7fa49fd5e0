"""A site's public code: the slug made from its name and the rules a typed code must meet
(pure: no database)."""

import pytest

from sites.services import CODE_MAX, RESERVED_CODES, code_problem, slug_of


@pytest.mark.parametrize("name, slug", [
    ("Bund Hotel", "bund-hotel"),
    ("  The Grand -- Hotel!  ", "the-grand-hotel"),
    ("Café Lumière Ōsaka", "cafe-lumiere-osaka"),
    ("Hotel 88 / Tower B", "hotel-88-tower-b"),
    ("ＡＢＣ Inn", "abc-inn"),  # full-width letters fold to ASCII
    ("上海外滩酒店", ""),
    ("上海 Bund 酒店", "bund"),
    ("", ""),
])
def test_the_slug_of_a_name(name, slug):
    assert slug_of(name) == slug


def test_a_long_name_is_cut_to_the_limit_without_a_trailing_hyphen():
    slug = slug_of("Grand Riverside Hotel and Conference Centre of the North Bund")
    assert len(slug) <= CODE_MAX
    assert slug == "grand-riverside-hotel-and-conference-cen"
    cut_at_hyphen = slug_of("a" * 39 + " b")
    assert cut_at_hyphen == "a" * 39 and not cut_at_hyphen.endswith("-")


@pytest.mark.parametrize("code", ["bund-hotel", "abc", "hotel-88", "a1b2c3", "x" * 40])
def test_good_codes(code):
    assert code_problem(code) is None


@pytest.mark.parametrize("code, words", [
    ("ab", "3 to 40"),
    ("x" * 41, "3 to 40"),
    ("Bund-Hotel", "lowercase"),
    ("bund hotel", "lowercase"),
    ("bund_hotel", "lowercase"),
    ("-bund", "starting and ending"),
    ("bund-", "starting and ending"),
    ("外滩酒店酒店", "lowercase"),
    ("café", "lowercase"),
    ("admin", "reserved"),
    ("status", "reserved"),
])
def test_bad_codes_say_why(code, words):
    problem = code_problem(code)
    assert problem is not None and words in problem


def test_reserved_words_are_themselves_valid_shapes():
    """Each reserved word is refused for being reserved, not for its shape."""
    assert all("reserved" in code_problem(word) for word in RESERVED_CODES)
