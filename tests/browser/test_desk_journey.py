"""Journey 1 of issue 13, in a real browser: the front desk opens a ticket for a customer who
is new to the hotel, owns it, offers a fix and resolves it — in English on a laptop (1366 px),
in Chinese on a tablet (1024 px), and in both on a phone (390 px). The person never chose a
language: the browser's decides. Selectors are ids, names and hrefs; words come from the
catalogue."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from core import clock
from extensions import db
from tests.browser.support import label, open_nav_link, sideways_scroll
from tickets.categories import ensure_default_categories
from tickets.models import Ticket, parse_ref

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

STORY = {
    "en": {
        "name": "Olivia Bennett", "phone": "13712345678",
        "words": "The shower in 1203 has no hot water, second day now",
        "said": "Apologised at the desk; engineer on the way",
        "fix": "Move the guest to 1506 now; engineer fixes 1203 by noon",
        "outcome": "Moved to 1506; hot water back in 1203", "cause": "Boiler valve stuck",
    },
    "zh": {
        "name": "刘洋", "phone": "13887654321", "words": "1203房间的淋浴没有热水，已经第二天了",
        "said": "已当面致歉，工程师马上到", "fix": "现在把客人换到1506，工程师中午前修好1203",
        "outcome": "已换到1506，1203热水已恢复", "cause": "热水器阀门卡住",
    },
}
DESK_RUNS = [("en", 1366), ("zh", 1024), ("en", 390), ("zh", 390)]
HAN = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{4,}")


def _local(hours: float) -> str:
    """A moment `hours` from the app's now, as a datetime-local field takes it (Shanghai)."""
    moment = clock.utcnow() + timedelta(hours=hours)
    return moment.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")


def _choose_first(page, selector: str) -> str:
    """Pick the first real option of a select (never its "Choose…" placeholder)."""
    value = page.locator(f"{selector} option:not([disabled])").evaluate_all(
        "options => options.map(o => o.value).filter(Boolean)[0]")
    assert value, f"{selector} offers nothing to choose"
    page.locator(selector).select_option(value)
    return value


def _open_action(page, action: str) -> None:
    """Unfold the action's panel in "Next steps" unless it is open already."""
    toggle = page.locator(f'[aria-controls="action-{action}"]')
    expect(toggle).to_be_visible()
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    expect(page.locator(f"#action-{action}")).to_be_visible()


def _assert_in(lang: str, text: str, what: str) -> None:
    """Words the domain or the form shows are in the reader's language."""
    if lang == "zh":
        chinese = HAN.search(text) and not ENGLISH_WORD.search(text)
        assert chinese, f"{what} is not in Chinese: {text!r}"


@pytest.mark.parametrize(("lang", "width"), DESK_RUNS,
                         ids=[f"{lang}-{width}" for lang, width in DESK_RUNS])
def test_front_desk_opens_owns_fixes_and_resolves(journey, make_user, make_site, lang, width):
    ensure_default_categories()
    desk = make_user("front_desk", site=make_site(name="Riverside"), display_name="Lin Mei")
    story = STORY[lang]
    name, phone, words = story["name"], story["phone"], story["words"]
    tab = journey("desk", lang, width)
    page = tab.page
    tab.sign_in(desk)
    tab.shot("home")

    open_nav_link(page, "/tickets/new")
    expect(page.locator("#new-ticket")).to_be_visible()
    page.locator("#customer_name").fill(name)
    page.locator("#customer_phone").fill(phone)
    page.locator("#customer_locale").select_option("en" if lang == "en" else "zh_Hans")
    page.locator("#description").fill(words)
    page.locator("#dimension-reliability").check()
    category = _choose_first(page, "#category_id")
    page.locator("#severity").select_option("high")
    if page.locator("#channel option[value='front_desk']").count():
        page.locator("#channel").select_option("front_desk")
    own = page.locator("#own_now")
    if not own.is_checked():
        own.check()
    page.locator("#acknowledgement").fill(story["said"])
    page.locator("#next_contact_by").fill(_local(0.5))
    tab.shot("new-ticket-filled")
    assert sideways_scroll(page) is None, sideways_scroll(page)
    page.locator("#new-ticket [type=submit]").click()

    expect(page.locator("h1")).to_have_text(re.compile(r"SR-\d{6}"))
    ref = page.locator("h1").inner_text().strip()
    expect(page).to_have_url(re.compile(rf"/tickets/{ref}$"))
    expect(page.locator("#ticket-header")).to_contain_text(name)
    expect(page.locator("#ticket-header")).to_contain_text("Lin Mei")
    expect(page.locator(".badge", has_text=label("Owned", lang)).first).to_be_visible()
    expect(page.locator("section", has=page.locator("#words-heading"))).to_contain_text(words)
    expect(page.locator("#timeline")).to_contain_text(story["said"])
    tab.shot("opened-and-owned")
    assert sideways_scroll(page) is None, sideways_scroll(page)

    _open_action(page, "offer_fix")
    page.locator("#offer_fix-action").fill("Sorry!")
    page.locator("#offer_fix-remedy_type").select_option("repair_redo")
    page.locator("#offer_fix-committed_by").fill(_local(2))
    page.locator("#offer_fix-submit").click()
    problem = page.locator("#action-offer_fix .invalid-feedback").first
    expect(problem).to_be_visible()
    _assert_in(lang, problem.inner_text(), "the refused fix's reason")
    expect(page.locator("#offer_fix-action")).to_have_value("Sorry!")
    tab.shot("fix-refused")

    fix = story["fix"]
    page.locator("#offer_fix-action").fill(fix)
    page.locator("#offer_fix-remedy_type").select_option("repair_redo")
    page.locator("#offer_fix-compensation").fill("80.00")
    page.locator("#offer_fix-committed_by").fill(_local(2))
    page.locator("#offer_fix-submit").click()
    expect(page.locator(".badge", has_text=label("Fix offered", lang)).first).to_be_visible()
    expect(page.locator("#offers-heading")).to_be_visible()
    expect(page.locator("#offers-heading").locator("xpath=..")).to_contain_text(fix)
    tab.shot("fix-offered")

    _open_action(page, "resolve")
    page.locator("#resolve-outcome").fill(story["outcome"])
    page.locator("#resolve-customer_response").select_option("accepted")
    page.locator("#resolve-root_cause").select_option("product")
    page.locator("#resolve-root_cause_note").fill(story["cause"])
    page.locator("#resolve-fault").select_option("us")
    page.locator("#resolve-submit").click()
    expect(page.locator(".badge", has_text=label("Resolved", lang)).first).to_be_visible()
    expect(page.locator("#resolution-heading")).to_have_text(label("Resolution", lang))
    tab.shot("resolved")
    assert sideways_scroll(page) is None, sideways_scroll(page)
    tab.assert_clean()

    db.session.expire_all()
    ticket = db.session.get(Ticket, parse_ref(ref))
    assert (ticket.status, ticket.owner_id, str(ticket.category_id)) == (
        "resolved", desk.id, category)
    customer = ticket.customer
    assert (customer.name, customer.phone, customer.locale) == (
        name, phone, "en" if lang == "en" else "zh_Hans")
    assert [offer.compensation for offer in ticket.fix_offers] == [80]
