"""The public complaint form in a real browser: a guest on a 390 px phone, in Chinese, with
JavaScript off, sends a complaint with a photo and sees the reference."""

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core import clock
from extensions import db
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Shanghai
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width} px wide: no sideways scrolling on a phone"


def test_a_guest_complains_from_a_phone_in_chinese_without_javascript(
        app, chromium, live_server, make_site, tmp_path):
    clock.set_now(T0)
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    site = make_site(name="Bund Riverside Grand Hotel and Residences", timezone="Asia/Shanghai")
    photo = tmp_path / "淋浴.png"
    photo.write_bytes(PNG)
    phone = chromium.new_context(base_url=live_server, viewport={"width": 390, "height": 844},
                                 is_mobile=True, has_touch=True, locale="zh-CN",
                                 java_script_enabled=False)
    page = phone.new_page()
    page.goto(f"/complain/{site.public_code}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("h1")).to_have_text("告诉我们哪里出了问题")
    expect(page.locator("input[name=website]")).to_be_hidden()
    _fits(page)

    page.get_by_label("有东西坏了、不干净或缺少了").check()
    page.get_by_label("发生了什么？").fill("1208 房间的淋浴坏了，地板全是水")
    page.get_by_label("您希望我们怎么做？（选填）").fill("今天修好或者给我换房")
    page.get_by_label("预订号或房间号（选填）").fill("1208")
    page.get_by_label("照片（选填）").set_input_files(str(photo))
    page.get_by_label("您的姓名").fill("王芳")
    page.get_by_label("电话").fill("13800138000")
    page.get_by_role("button", name="发送").click()

    reference = page.locator("#complaint-reference")
    expect(reference).to_have_text(re.compile(r"SR-\d{6}"))
    expect(page.locator("#complaint-promise")).to_contain_text("（上海时间）")
    expect(page.locator("#complaint-status-link")).to_have_attribute(
        "href", re.compile(r"^/status/"))
    _fits(page)
    shown = reference.inner_text()
    phone.close()

    db.session.rollback()
    ticket = db.session.scalars(select(Ticket)).one()
    assert ticket.ref == shown
    assert (ticket.channel, ticket.status, ticket.customer.locale) == ("web", "new", "zh_Hans")
    assert [a.file_name for a in ticket.attachments] == ["淋浴.png"]


def test_a_guest_who_forgot_a_field_keeps_what_they_wrote(app, chromium, live_server,
                                                          make_site):
    clock.set_now(T0)
    make_site(name="Bund Hotel", timezone="Asia/Shanghai")
    phone = chromium.new_context(base_url=live_server, viewport={"width": 390, "height": 844},
                                 is_mobile=True, locale="zh-CN", java_script_enabled=False)
    page = phone.new_page()
    page.goto("/complain/bund-hotel")
    page.get_by_label("发生了什么？").fill("等了四十分钟也没人来")
    page.get_by_role("button", name="发送").click()
    expect(page.locator("#complaint-errors")).to_be_visible()
    expect(page.get_by_label("发生了什么？")).to_have_value("等了四十分钟也没人来")
    expect(page.get_by_text("请告诉我们您的姓名。")).to_be_visible()
    _fits(page)
    phone.close()
    db.session.rollback()
    assert db.session.scalars(select(Ticket)).first() is None
