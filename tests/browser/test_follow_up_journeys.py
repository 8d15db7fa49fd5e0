"""Journeys in a real browser: the customer answers the survey on a phone, in Chinese; the
manager reads the weekly report and opens the tickets behind a figure."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from core import clock
from customers.services import CustomerInput
from followups.survey_link import survey_path
from tests.web.ticket_helpers import fresh

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
T0 = datetime(2026, 11, 17, 2, 0, tzinfo=UTC)  # Tuesday of 2026-W47, 10:00 in Shanghai


def test_a_customer_answers_the_survey_on_a_phone_in_chinese(app, chromium, live_server,
                                                              make_ticket, resolve_ticket):
    clock.set_now(T0)
    customer = CustomerInput(name="李娜", phone="13800001111")
    ticket = resolve_ticket(make_ticket(customer=customer))
    ticket.customer.locale = "zh_Hans"
    from extensions import db

    db.session.commit()
    survey = next(f for f in ticket.follow_ups if f.kind == "survey")
    clock.set_now(T0 + timedelta(days=7))
    phone = chromium.new_context(base_url=live_server, viewport={"width": 390, "height": 844},
                                 is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(survey_path(survey, app.config["SECRET_KEY"]))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    heading = page.locator("h1")
    expect(heading).not_to_have_text("How did we do?")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the survey fits a phone without sideways scrolling"
    page.locator("input[name=csat][value='5']").check()
    page.locator("input[name=recovered][value='yes']").check()
    page.locator("input[name=would_recommend][value='yes']").check()
    page.locator("textarea[name=comment]").fill("谢谢，处理得很快")
    page.locator("#submit").click()
    expect(page.locator("#survey-outcome")).to_be_visible()
    page.goto(survey_path(survey, app.config["SECRET_KEY"]))
    expect(page.locator("#survey-problem")).to_have_attribute("data-problem", "used")
    phone.close()
    current = fresh(ticket)
    assert current.status == "closed"
    assert current.follow_ups[-1].attempts[0].comment == "谢谢，处理得很快"


def test_a_manager_reads_the_report_and_opens_a_figure(page, sign_in, make_user, make_ticket,
                                                       resolve_ticket):
    clock.set_now(T0)
    first = resolve_ticket(make_ticket(dimension="empathy"))
    second = make_ticket(site=first.site, dimension="tangibles")
    clock.set_now(T0 + timedelta(days=8))
    sign_in(make_user("manager", site=first.site))
    page.goto(f"/reports/weekly?week=2026-W47&site={first.site_id}")
    expect(page.locator("h1")).to_contain_text("2026-W47")
    expect(page.locator("#chart-volume")).to_be_visible()
    expect(page.locator('[data-figure="new"]')).to_contain_text("2")
    page.locator('[data-figure="new"] a').click()
    expect(page.locator("#drill-total")).to_have_text("2")
    expect(page.get_by_role("link", name=first.ref)).to_be_visible()
    expect(page.get_by_role("link", name=second.ref)).to_be_visible()
    page.go_back()
    page.locator("#chart-volume a[aria-label^='Empathy']").click()
    expect(page).to_have_url(re.compile(r"figure=new&dimension=empathy"))
    expect(page.locator("#drill-total")).to_have_text("1")
