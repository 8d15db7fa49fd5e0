"""The layout in a real browser: the top bar fits (1366 px in one row for every role, both
languages; bell, user menu and search always inside it), lists become cards on a phone,
the ticket page puts the next steps before the timeline, `/` goes to the search box."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from customers.services import CustomerInput

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "layout"
WIDTHS = (1366, 1024, 390)
IN_THE_BAR = ("#notification-bell", "#user-menu", "#site-search", ".navbar-brand")


def _box(page, selector: str) -> dict:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not displayed"
    return box


# What sticks out on the right: elements, and text that overflows its element.
WIDER_THAN_THE_PAGE = """width => {
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className
       ? '.' + e.className.trim().split(/ +/).join('.') : '');
  const out = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 0.5).map(name);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange(); range.selectNodeContents(node);
    if (range.getBoundingClientRect().right > width + 0.5
        && !node.parentElement.closest('.visually-hidden'))
      out.push('text in ' + name(node.parentElement) + ': ' + node.textContent.trim().slice(0, 40));
  }
  return out.slice(-6);
}"""


def _assert_fits(page, width: int, where: str) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        wide = page.evaluate(WIDER_THAN_THE_PAGE, width)
        pytest.fail(f"{where} at {width}px scrolls sideways ({scroll}px): {wide}")


def _assert_bar(page, width: int, lead: bool, where: str) -> None:
    bar = _box(page, "nav.topbar")
    for selector in IN_THE_BAR:
        box = _box(page, selector)
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (where, width, selector)
        assert bar["y"] <= box["y"] and box["y"] + box["height"] <= bar["y"] + bar["height"], \
            (where, width, selector, "outside the bar")
    if width >= 1200:
        expect(page.locator(".navbar-toggler")).to_be_hidden()
        links = page.locator("#main-nav > .navbar-nav > .nav-item > .nav-link")
        tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
        assert len(tops) == 1, (where, "the pages wrap onto a second row")
        assert bar["height"] < 80, (where, width, "the bar is more than one row")
        expect(page.locator("#manage-menu")).to_have_count(1 if lead else 0)
    else:
        expect(page.locator(".navbar-toggler")).to_be_visible()


@pytest.mark.parametrize("role", ["front_desk", "supervisor", "manager"])
def test_the_top_bar_and_main_pages_fit_every_width_in_both_languages(
        page, sign_in, make_user, make_ticket, role):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ticket = make_ticket(customer=CustomerInput(name="Ouyang Xiaoming-Fairweather",
                                                phone="13912340000"))
    paths = ["/", f"/tickets/{ticket.ref}"]  # the bar is the same on every page; every page
    # of every role is measured at every width by test_screens.py
    for locale in ("en", "zh_Hans"):
        user = make_user(role, site=ticket.site, locale=locale,
                         display_name="Ouyang Xiaoming-Longname" + locale)
        sign_in(user)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            for path in paths:
                page.goto(path)
                where = f"{role} {locale} {path}"
                _assert_fits(page, width, where)
                _assert_bar(page, width, lead=role != "front_desk", where=where)
                if path in ("/", "/tickets/"):
                    name = f"{role}-{locale}-{width}-{path.strip('/') or 'home'}.png"
                    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
        page.context.clear_cookies()


def test_the_manage_menu_opens_and_leads_to_the_board(page, sign_in, make_user):
    sign_in(make_user("supervisor", display_name="Ouyang Xiaoming-Longname"))
    for width in (1200, 1280):  # the narrowest widths with the bar in one row
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/")
        _assert_fits(page, width, "supervisor /")
        _assert_bar(page, width, lead=True, where="supervisor /")
    page.set_viewport_size({"width": 1366, "height": 800})
    page.get_by_role("button", name="Manage").click()
    menu = page.locator("#manage-menu .dropdown-menu")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name="Approvals")).to_be_visible()
    box = menu.bounding_box()
    assert box["x"] + box["width"] <= 1366
    menu.get_by_role("link", name="SLA board").click()
    page.wait_for_url("**/sla/board")
    expect(page.locator("#manage-menu .dropdown-toggle")).to_have_class(re.compile("active"))


def test_slash_goes_to_the_search_box_and_finds_by_phone(page, sign_in, make_user,
                                                         make_ticket):
    ticket = make_ticket(customer=CustomerInput(name="Zhao Min", phone="13655556666"))
    sign_in(make_user("front_desk", site=ticket.site))
    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto("/tickets/mine")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search"
    page.keyboard.type("136 5555")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    expect(page.locator("#found-customers")).to_contain_text("Zhao Min")
    expect(page.locator("#found-tickets")).to_contain_text(ticket.ref)
    page.goto(f"/tickets/{ticket.ref}")
    field = page.locator("#actions textarea, #actions input[type=text]").first
    field.focus()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") != "site-search"  # typed, not jumped
    page.locator("#site-search").fill(ticket.ref)
    page.locator("#site-search").press("Enter")
    page.wait_for_url(f"**/tickets/{ticket.ref}")


def test_lists_are_cards_on_a_phone_and_dense_sortable_rows_on_a_laptop(
        page, sign_in, make_user, make_ticket):
    first = make_ticket(severity="low")
    make_ticket(site=first.site, severity="critical")
    sign_in(make_user("supervisor", site=first.site))
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/tickets/")
    expect(page.locator(".ticket-list thead")).not_to_be_in_viewport()
    card = page.locator(".ticket-list tbody tr").first
    for cell in (".tl-status", ".tl-sla", ".tl-owner", ".tl-severity"):
        box = card.locator(cell).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, cell
    assert card.bounding_box()["width"] <= 390
    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto("/tickets/")
    row = page.locator(".ticket-list tbody tr").first
    assert row.bounding_box()["height"] < 90, "rows stay dense"
    lines = row.locator(".tl-owner").evaluate(
        "e => { const r = document.createRange(); r.selectNodeContents(e);"
        " return r.getClientRects().length; }")
    assert lines == 1, "a one-line owner cell"
    page.get_by_role("link", name="Severity").click()
    page.wait_for_url(re.compile(r"sort=severity"))
    expect(page.locator(".ticket-list tbody tr").first.locator(".tl-severity")).to_contain_text(
        "Critical")
    expect(page.locator('th[aria-sort="ascending"]')).to_contain_text("Severity")
    wrap = page.locator(".ticket-list-wrap").first
    assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth"), "the table is not clipped"
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto("/tickets/")
    assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth"), "not clipped at 1024 either"


def test_the_ticket_page_on_a_phone_shows_next_steps_before_the_timeline(
        page, sign_in, make_ticket):
    ticket = make_ticket()
    sign_in(ticket.owner)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"/tickets/{ticket.ref}")
    clocks, steps = _box(page, "#sla-clocks"), _box(page, "#next-steps")
    timeline = _box(page, "#timeline")
    assert clocks["y"] < steps["y"] < timeline["y"]
    assert steps["y"] < _box(page, "#conversation")["y"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ticket-390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 800})
    page.screenshot(path=str(ARTIFACTS / "ticket-1366.png"), full_page=True)
    steps, words = _box(page, "#next-steps"), _box(page, "#words-heading")
    timeline = _box(page, "#timeline")
    assert steps["x"] > timeline["x"] + timeline["width"] - 1, "a column of their own"
    assert abs(steps["y"] - words["y"]) < 40, "beside the customer's words"
