"""Journeys 2 and 3 of issue 13, in a real browser, on a laptop (1366 px, English) and a tablet
(1024 px, Chinese): the supervisor approves a fix over the front desk's limit and hands a
breached, unowned ticket to a colleague from the SLA board; the manager opens the weekly
report, follows a figure to its tickets and downloads the CSV. The pages are reached through
the top bar (its Manage menu, folded behind the toggler on a tablet), by href."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from core import clock
from extensions import db
from jobs.sweep import sweep
from tests.browser.support import label, open_nav_link, sideways_scroll
from tickets.actions import perform
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
LEAD_TABS = [("en", 1366), ("zh", 1024)]
T0 = datetime(2026, 11, 17, 2, 0, tzinfo=UTC)  # Tuesday of 2026-W47, 10:00 in Shanghai


def _awaiting_approval(make_ticket, desk):
    """A ticket whose fix (960 off the bill) is over the front desk's limit."""
    ticket = make_ticket(owner=desk, site=desk.site)
    perform(ticket, "offer_fix", desk, {
        "action": "Refund both nights", "remedy_type": "refund", "compensation": "960",
        "committed_by": clock.utcnow() + timedelta(hours=3),
    }, version=ticket.version, now=clock.utcnow())
    db.session.commit()
    assert ticket.status == "awaiting_approval"
    return ticket


@pytest.mark.parametrize("lang,width", LEAD_TABS)
def test_supervisor_approves_a_fix_and_handles_a_breach_from_the_board(
        journey, make_user, make_site, make_ticket, lang, width):
    clock.set_now(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    site = make_site(name="Riverside")
    desk = make_user("front_desk", site=site, display_name="Lin Mei")
    waiting = _awaiting_approval(make_ticket, desk)
    breached = make_ticket(owner=None, site=site, severity="critical")
    supervisor = make_user("supervisor", site=site, display_name="Zhang Wei")
    clock.set_now(datetime(2026, 11, 23, 2, 20, tzinfo=UTC))
    sweep(clock.utcnow())
    db.session.commit()  # the sweep's job boundary: the browser reads another connection

    tab = journey("supervisor", lang, width)
    page = tab.page
    tab.sign_in(supervisor)
    expect(page.locator("#notification-bell .badge")).to_be_visible()
    tab.shot("home-with-bell")
    open_nav_link(page, "/tickets/approvals")
    expect(page).to_have_url(re.compile(r"/tickets/approvals"))
    assert sideways_scroll(page) is None, sideways_scroll(page)
    tab.shot("approvals")
    page.locator(f'main a[href$="/tickets/{waiting.ref}"]').first.click()
    expect(page.locator("h1")).to_have_text(waiting.ref)
    expect(page.locator(".badge", has_text=label("Awaiting approval", lang)).first).to_be_visible()
    toggle = page.locator('[aria-controls="action-approve"]')
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    page.locator("#approve-submit").click()
    expect(page.locator(".badge", has_text=label("Fix offered", lang)).first).to_be_visible()
    tab.shot("approved")

    open_nav_link(page, "/sla/board")
    row = page.locator("#sla-board tr", has=page.locator(f'a[href$="/tickets/{breached.ref}"]'))
    expect(row).to_have_class(re.compile("sla-row-breached"))
    expect(row).to_contain_text(label("Breached", lang))
    assert sideways_scroll(page) is None, sideways_scroll(page)
    tab.shot("board")
    row.locator(f"#reassign-to-{breached.id}").select_option(desk.username)
    row.locator(f"#reassign-reason-{breached.id}").fill("Lin Mei is at the desk now")
    row.locator("form[action$='/reassign'] [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/sla/board"))
    expect(page.locator(".alert", has_text=breached.ref).first).to_be_visible()
    tab.shot("reassigned")
    tab.assert_clean()

    db.session.expire_all()
    approved = db.session.get(Ticket, waiting.id)
    assert approved.status == "fix_offered"
    assert approved.fix_offers[-1].approved_by_id == supervisor.id
    assert db.session.get(Ticket, breached.id).pending_transfer_to_id == desk.id  # to accept


@pytest.mark.parametrize("lang,width", LEAD_TABS)
def test_manager_follows_a_report_figure_to_its_tickets_and_downloads_the_csv(
        journey, make_user, make_site, make_ticket, resolve_ticket, lang, width):
    clock.set_now(T0)
    site = make_site(name="Riverside")
    first = resolve_ticket(make_ticket(site=site, dimension="empathy"))
    second = make_ticket(site=site, dimension="tangibles")
    manager = make_user("manager", site=site, display_name="Chen Jing")
    clock.set_now(T0 + timedelta(days=8))

    tab = journey("manager", lang, width)
    page = tab.page
    tab.sign_in(manager)
    open_nav_link(page, "/reports/weekly")
    expect(page.locator("h1")).to_contain_text("2026-W47")
    assert sideways_scroll(page) is None, sideways_scroll(page)
    tab.shot("weekly-report")
    figure = page.locator('[data-figure="new"] a')
    expect(figure).to_have_text(re.compile(r"\b2\b"))
    figure.click()
    expect(page).to_have_url(re.compile(r"/reports/weekly/tickets\?.*figure=new"))
    expect(page.locator("#drill-total")).to_have_text("2")
    for ticket in (first, second):
        expect(page.locator(f'main a[href$="/tickets/{ticket.ref}"]').first).to_be_visible()
    assert sideways_scroll(page) is None, sideways_scroll(page)
    tab.shot("figure-tickets")
    page.locator(f'main a[href$="/tickets/{first.ref}"]').first.click()
    expect(page.locator("h1")).to_have_text(first.ref)
    page.go_back()
    page.go_back()
    expect(page.locator('[data-figure="new"]')).to_be_visible()

    with page.expect_download() as arrived:
        page.locator('main a[href*="/reports/weekly.csv"]').click()
    download = arrived.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    assert len(rows) > 10
    new_rows = [row for row in rows if "new" in row]
    assert new_rows and any("2" in row for row in new_rows), rows[:5]
    tab.shot("after-download")
    tab.assert_clean()
