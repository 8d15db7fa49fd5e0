"""A Chinese-speaking customer opens their status page on a phone and accepts the fix
offered by tapping the button (no JavaScript needed, CSRF on as in production)."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from core import clock
from correspondence.links import status_path
from customers.services import CustomerInput
from extensions import db
from tests.conftest import FIX_FIELDS
from tests.web.ticket_helpers import fresh
from tickets.actions import perform

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def test_a_chinese_customer_accepts_the_fix_on_a_phone(app, chromium, live_server, make_user,
                                                        make_ticket):
    clock.set_now(T0)
    owner = make_user("front_desk", display_name="王芳")
    ticket = make_ticket(owner=owner, customer=CustomerInput(
        name="李娜", phone="13800001111", locale="zh_Hans"))
    perform(ticket, "offer_fix", owner,
            {**FIX_FIELDS, "compensation": "150", "committed_by": T0 + timedelta(hours=4)},
            version=None, now=T0)
    db.session.commit()
    phone = chromium.new_context(base_url=live_server, viewport={"width": 390, "height": 844},
                                 is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(status_path(ticket))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("#status-sentence")).to_have_text(
        "我们已提出解决方案——请告诉我们是否合适。")
    expect(page.locator("#fix-offer")).to_contain_text(FIX_FIELDS["action"])
    expect(page.locator("#offer-committed")).to_have_text("我们会在今天 14:00前完成。")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="接受").click()
    expect(page.locator("#status-thanks")).to_have_text("感谢您接受我们的方案。")
    expect(page.locator("#offer-answer")).to_have_text("您已接受此方案。")
    expect(page.locator("#status-sentence")).to_contain_text("王芳")
    assert page.get_by_role("button", name="接受").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.close()
    db.session.rollback()
    answered = fresh(ticket)
    assert answered.customer_response == "accepted"
    assert answered.events[-1].changes["answered_by"] == [None, "customer"]
