"""How the report's figures read in each language: Babel's numbers, the locale's words for
units and changes, never a sentence glued together in English."""

from decimal import Decimal

import pytest
from flask_babel import force_locale

from reports.summary import MINUTES, MONEY, PERCENT, SCORE, show, show_change


@pytest.mark.parametrize(("locale", "value", "kind", "expected"), [
    ("en", Decimal("91.66"), PERCENT, "91.7%"),
    ("zh_Hans", Decimal("50"), PERCENT, "50.0%"),
    ("en", Decimal("4"), SCORE, "4.0 / 5"),
    ("en", 125, MINUTES, "2 h 05 min"),
    ("zh_Hans", 125, MINUTES, "2 小时 05 分钟"),
    ("zh_Hans", 45, MINUTES, "45 分钟"),
    ("en", 12345, "count", "12,345"),
    ("zh_Hans", Decimal("80"), MONEY, "¥80.00"),
    ("en", None, PERCENT, "—"),
])
def test_a_value_reads_in_the_reader_s_locale(app, locale, value, kind, expected):
    with app.test_request_context(), force_locale(locale):
        assert show(value, kind, "CNY") == expected


@pytest.mark.parametrize(("locale", "now", "before", "kind", "expected"), [
    ("en", 50, 100, PERCENT, "−50.0 pts"),
    ("zh_Hans", 50, 100, PERCENT, "−50.0 个百分点"),
    ("en", Decimal("4.5"), Decimal("4"), SCORE, "+0.5"),
    ("zh_Hans", 130, 10, MINUTES, "+2 小时 00 分钟"),
    ("en", 1200, 200, "count", "+1,000"),
    ("en", 3, 3, "count", "±0"),
    ("en", None, 3, "count", "—"),
])
def test_a_change_reads_in_the_reader_s_locale(app, locale, now, before, kind, expected):
    with app.test_request_context(), force_locale(locale):
        assert show_change(now, before, kind) == expected
