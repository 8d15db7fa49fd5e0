"""The input layer: what each reader accepts, what it refuses, and the reason it gives."""

import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import inputs
from core.inputs import InputError, InputTooLarge

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")
HOSTILE_DIGITS = ["²", "١٢", "１２", "٣", "𝟗", "12²", "-1", "1.0", "1e3", " ", "0x10", "+5"]


# --- text --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["a\x00b", "\x00", "\ud800", "ok\udfffok", "\udcff"])
def test_nul_and_lone_surrogates_are_broken(text):
    assert inputs.is_broken(text)
    with pytest.raises(InputError, match="NUL byte or the broken character"):
        inputs.clean_text(text, max_length=100)


@pytest.mark.parametrize("text", ["plain", "漂亮的房间 😀", "tab\tand\nnewline", "é\u0301"])
def test_ordinary_text_including_astral_characters_is_kept(text):
    assert not inputs.is_broken(text)
    assert inputs.clean_text(f"  {text}  ", max_length=100) == text


def test_text_is_stripped_capped_required_and_typed():
    assert inputs.clean_text(None, max_length=5) == ""
    assert inputs.clean_text("x" * 5, max_length=5) == "x" * 5
    with pytest.raises(InputError, match="at most 5 characters"):
        inputs.clean_text("x" * 6, max_length=5)
    with pytest.raises(InputError, match="required"):
        inputs.clean_text("   ", max_length=5, required=True)
    for wrong in (5, 5.5, ["a"], {"a": 1}, True, b"bytes"):
        with pytest.raises(InputError, match="Enter text"):
            inputs.clean_text(wrong, max_length=5)


# --- whole numbers -----------------------------------------------------------------------


@pytest.mark.parametrize("raw", HOSTILE_DIGITS)
def test_only_ascii_digits_make_a_number(raw):
    assert not inputs.is_ascii_digits(raw)
    with pytest.raises(InputError, match="whole number"):
        inputs.parse_int(raw)


@pytest.mark.parametrize("raw", [0, -1, 2**31, 2**63, "0", "2147483648", "9" * 13, True, 1.0,
                                 Decimal("3"), None, [], {}])
def test_ids_stay_within_postgresql_integer(raw):
    with pytest.raises(InputError):
        inputs.parse_int(raw)


def test_valid_ids_and_the_edges_of_the_range():
    assert inputs.parse_int("1") == 1
    assert inputs.parse_int(" 42 ") == 42
    assert inputs.parse_int("0007") == 7
    assert inputs.parse_int(inputs.INT32_MAX) == 2_147_483_647
    assert inputs.parse_int("-3", low=-5, high=5) == -3
    assert inputs.parse_int(5, low=1, high=5) == 5


def test_query_arguments_and_pages():
    assert inputs.optional_int({}, "site") is None
    assert inputs.optional_int({"site": " "}, "site") is None
    assert inputs.optional_int({"site": "12"}, "site") == 12
    assert inputs.page_number({}) == 1
    assert inputs.page_number({"page": "3"}) == 3
    for bad in ("0", "-1", "²", str(2**31), "abc"):
        with pytest.raises(InputError):
            inputs.page_number({"page": bad})
    with pytest.raises(InputError, match="from 1 to 100"):
        inputs.optional_int({"per_page": "101"}, "per_page", high=inputs.MAX_PER_PAGE)


@given(st.integers(min_value=1, max_value=inputs.INT32_MAX))
def test_every_id_in_range_round_trips_through_text(number):
    assert inputs.parse_int(str(number)) == number


@given(st.text(min_size=1, max_size=12))
def test_parse_int_accepts_only_what_int_of_ascii_digits_would(text):
    expected = None
    if text.strip().isascii() and text.strip().isdigit():
        expected = int(text.strip())
        expected = expected if 1 <= expected <= inputs.INT32_MAX else None
    try:
        got = inputs.parse_int(text)
    except InputError:
        got = None
    assert got == expected


# --- choices and flags -------------------------------------------------------------------


def test_choices_are_exact_strings():
    assert inputs.parse_choice(" high ", ("low", "high")) == "high"
    assert inputs.parse_choice("", ("low",), required=False) is None
    for wrong in ("HIGH", 1, ["high"], {"high": 1}, True):
        with pytest.raises(InputError, match="Choose one of: low, high"):
            inputs.parse_choice(wrong, ("low", "high"))
    with pytest.raises(InputError):
        inputs.parse_choice(None, ("low",))


def test_flags_are_booleans_or_the_usual_words():
    assert inputs.parse_flag(True) is True
    assert inputs.parse_flag(" Yes ") is True
    assert inputs.parse_flag("0") is False
    for wrong in (1, 0, None, "maybe", [], "²"):
        with pytest.raises(InputError, match="true or false"):
            inputs.parse_flag(wrong)


# --- dates and times ---------------------------------------------------------------------


def test_moments_need_an_offset_and_come_back_in_utc():
    moment = inputs.parse_moment("2026-11-23T10:00:00+08:00")
    assert moment == datetime(2026, 11, 23, 2, 0, tzinfo=UTC) and moment.tzinfo is UTC
    assert inputs.parse_moment("2026-11-23T02:00:00Z") == moment
    assert inputs.parse_moment(moment.astimezone(SHANGHAI)) == moment
    for wrong in ("2026-11-23T10:00:00", datetime(2026, 11, 23), "soon", 1764000000, None,
                  "٢٠٢٦-١١-٢٣T10:00:00+08:00", "2026-11-23T10:00:00+08:00" + " " * 40):
        with pytest.raises(InputError):
            inputs.parse_moment(wrong)


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00",
                                  "9999-12-31T23:59:59+00:00", "1899-12-31T00:00:00+00:00"])
def test_moments_at_the_calendars_edges_are_refused_not_overflowed(text):
    with pytest.raises(InputError, match="out of range"):
        inputs.parse_moment(text)


def test_local_wall_times_convert_and_edge_years_never_overflow():
    assert inputs.local_moment(datetime(2026, 11, 23, 10), SHANGHAI) == NOW
    assert inputs.local_moment(None, SHANGHAI) is None
    for year in (1, 9999):
        edge = inputs.local_moment(datetime(year, 1, 1), SHANGHAI)
        with pytest.raises(InputError, match="out of range"):
            inputs.parse_moment(edge)


def test_promises_run_from_now_to_a_year_ahead():
    assert inputs.check_promise(NOW + timedelta(minutes=1), NOW)
    assert inputs.check_promise(NOW + inputs.PROMISE_WINDOW, NOW)
    with pytest.raises(InputError, match="in the future"):
        inputs.check_promise(NOW, NOW)
    with pytest.raises(InputError, match="within a year"):
        inputs.check_promise(NOW + inputs.PROMISE_WINDOW + timedelta(seconds=1), NOW)
    year_2300 = inputs.parse_moment("2300-01-01T00:00:00+00:00")
    with pytest.raises(InputError, match="within a year"):
        inputs.check_promise(year_2300, NOW)


def test_days_and_their_windows():
    today = date(2026, 11, 23)
    assert inputs.parse_day("2026-12-01") == date(2026, 12, 1)
    assert inputs.parse_day(date(2026, 12, 1)) == date(2026, 12, 1)
    wrongs = ("01/12/2026", "２０２６-１２-０１", datetime(2026, 12, 1), 20261201, "2026-13-01")
    for wrong in wrongs:
        with pytest.raises(InputError, match="YYYY-MM-DD"):
            inputs.parse_day(wrong)
    assert inputs.filter_day("2006-11-23", today) == date(2006, 11, 23)
    with pytest.raises(InputError, match="from 2006-11-23 to 2027-11-23"):
        inputs.filter_day("2006-11-22", today)
    with pytest.raises(InputError):
        inputs.filter_day("0001-01-01", today)
    with pytest.raises(InputError):
        inputs.filter_day("9999-12-31", today)
    assert inputs.years_from(date(2028, 2, 29), 1) == date(2029, 2, 28)


# --- JSON --------------------------------------------------------------------------------


def test_json_keeps_fractions_as_decimal_and_refuses_constants():
    assert inputs.load_json(b'{"amount": 120.50, "n": 3}') == {"amount": Decimal("120.50"),
                                                                "n": 3}
    for constant in (b"NaN", b"[Infinity]", b'{"a": -Infinity}'):
        with pytest.raises(InputError, match="not valid JSON"):
            inputs.load_json(constant)


def test_json_depth_is_counted_without_parsing_and_ignores_brackets_in_strings():
    assert inputs.json_depth(b'{"a": [1, {"b": "[[[[{{{{"}]}') == 3
    assert inputs.json_depth(b'"\\"[[["') == 0
    inputs.load_json(b"[" * 20 + b"]" * 20)
    with pytest.raises(InputError, match="at most 20 levels"):
        inputs.load_json(b"[" * 21 + b"]" * 21)
    with pytest.raises(InputError, match="at most 20 levels"):
        inputs.load_json(b"[" * 10_000 + b"]" * 10_000)


def test_json_size_is_capped():
    body = json.dumps({"description": "x" * (2 * 1024 * 1024)}).encode()
    with pytest.raises(InputTooLarge):
        inputs.load_json(body)


@pytest.mark.parametrize(
    "body, where",
    [(b'{"name": "a\\u0000b"}', "name"), (b'{"customer": {"phone": "\\ud800"}}',
                                          "customer.phone"),
     (b'{"list": ["ok", "\\udfff"]}', "list.1"), (b'{"\\u0000": 1}', "(body)"),
     (b'"\\u0000"', "(body)")],
)
def test_json_strings_with_nul_or_lone_surrogates_are_refused_by_path(body, where):
    with pytest.raises(InputError, match=re.escape(f"'{where}' holds a NUL byte")):
        inputs.load_json(body)


def test_json_keeps_real_astral_characters_written_as_surrogate_pairs():
    assert inputs.load_json(b'{"note": "\\ud83d\\ude00"}') == {"note": "😀"}


@pytest.mark.parametrize("body", [b"", b"not json", b"{'a': 1}", b'{"a": 1,}', b"\xff\xfe",
                                  b'{"n": ' + b"9" * 5000 + b"}"])
def test_malformed_json_is_refused(body):
    with pytest.raises(InputError):
        inputs.load_json(body)
