"""Dates, times, numbers and money through Babel for the reader's locale: one money format
per locale, and time zones named so nobody misreads them (never "CST")."""

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from core.formatting import local_date, local_time, money, number, utc_offset, zone_label

SHANGHAI = SimpleNamespace(timezone="Asia/Shanghai")
HONG_KONG = SimpleNamespace(timezone="Asia/Hong_Kong")
KOLKATA = SimpleNamespace(timezone="Asia/Kolkata")
NEW_YORK = SimpleNamespace(timezone="America/New_York")
MOMENT = datetime(2026, 12, 3, 8, 5, tzinfo=UTC)


@pytest.mark.parametrize("site,locale,expected", [
    (SHANGHAI, "en", "Dec 3, 2026 16:05 UTC+8"),
    (SHANGHAI, "zh_Hans", "2026年12月3日 16:05 北京时间"),
    (HONG_KONG, "zh_Hans", "2026年12月3日 16:05 UTC+8"),
    (KOLKATA, "en", "Dec 3, 2026 13:35 UTC+5:30"),
    (NEW_YORK, "en", "Dec 3, 2026 03:05 UTC-5"),
    (SimpleNamespace(timezone="UTC"), "zh_Hans", "2026年12月3日 08:05 UTC"),
])
def test_a_moment_in_the_sites_zone_with_an_unambiguous_zone(site, locale, expected):
    assert local_time(MOMENT, site, locale=locale) == expected


def test_no_zone_abbreviation_is_ever_shown():
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    for site in (SHANGHAI, NEW_YORK, KOLKATA):
        for locale in ("en", "zh_Hans"):
            shown = local_time(summer, site, locale=locale)
            assert not any(code in shown for code in ("CST", "EDT", "EST", "IST")), shown
    assert local_time(summer, NEW_YORK, locale="en").endswith("UTC-4"), "daylight saving"


def test_a_fixed_pattern_still_names_the_zone_and_a_date_pattern_has_none():
    assert local_time(MOMENT, SHANGHAI, "yyyy-MM-dd HH:mm", locale="zh_Hans") == \
        "2026-12-03 16:05 北京时间"
    assert local_time(MOMENT, SHANGHAI, "yyyy-MM-dd", locale="en") == "2026-12-03"
    assert local_time(None, SHANGHAI, locale="en") == "—"


def test_days_in_the_locales_words():
    assert local_date(date(2026, 12, 3), locale="en") == "Dec 3, 2026"
    assert local_date(date(2026, 12, 3), locale="zh_Hans") == "2026年12月3日"
    late_evening_utc = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)
    assert local_date(late_evening_utc, SHANGHAI, locale="en") == "Dec 4, 2026"


def test_one_money_format_per_locale():
    assert money(Decimal("80"), "CNY", "en") == "CN¥80.00"
    assert money(Decimal("80"), "CNY", "zh_Hans") == "¥80.00"
    assert money(Decimal("1234.5"), "USD", "zh_Hans") == "US$1,234.50"
    assert money("1234.5", "EUR", "en") == "€1,234.50"
    assert money(Decimal("7"), None, "en") == "7.00", "several currencies: the number alone"
    assert money(None, "CNY", "en") == "—"


def test_numbers_with_the_locales_grouping():
    assert number(12345, "en") == "12,345"
    assert number(Decimal("0.5"), "zh_Hans") == "0.5"
    assert number(None, "en") == "—"


def test_zone_helpers():
    assert utc_offset(MOMENT) == "UTC"
    from zoneinfo import ZoneInfo

    assert zone_label(MOMENT, ZoneInfo("Asia/Shanghai"), "en") == "UTC+8"
    assert zone_label(MOMENT, ZoneInfo("Asia/Shanghai"), "zh_Hans") == "北京时间"


def test_without_a_locale_the_rendering_locale_is_used(app):
    from flask_babel import force_locale

    with app.test_request_context("/"):
        assert money(Decimal("80"), "CNY") == "CN¥80.00"
        with force_locale("zh_Hans"):
            assert money(Decimal("80"), "CNY") == "¥80.00"
            assert local_time(MOMENT, SHANGHAI).endswith("北京时间")
    assert money(Decimal("80"), "CNY") == "CN¥80.00", "outside any app: English"


def test_a_site_s_zone_is_labelled_as_it_reads_now(app):
    from flask_babel import force_locale

    from core import clock
    from core.formatting import site_zone_label

    clock.set_now(datetime(2026, 7, 1, 12, 0, tzinfo=UTC))
    with app.test_request_context(), force_locale("zh_Hans"):
        assert site_zone_label(SHANGHAI) == "北京时间"
    assert site_zone_label(SHANGHAI, "en") == "UTC+8"
    assert site_zone_label(NEW_YORK, "en") == "UTC-4"  # summer time on that day


def test_a_language_is_named_in_the_reader_s_language():
    from core.formatting import language_name

    assert language_name("en", "zh_Hans") == "英语"
    assert language_name("zh_Hans", "en") == "Chinese"
    assert language_name("zh_Hans", "zh_Hans") == "中文"
    assert language_name("xx-nonsense", "en") == "xx-nonsense"
