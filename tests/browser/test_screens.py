"""Every main page, for every role, in both languages, on the demo's data, in a real browser:

- the width check of issue 13: at 1366, 1024 and 390 px no page scrolls sideways
  (`document.documentElement.scrollWidth <= window.innerWidth`), with no console error, no
  failed asset request and no error page on the way;
- accessibility: axe-core (pinned, from npm, see the Makefile) finds no serious or critical
  WCAG 2.1 A/AA violation.

Both in one test per role and language, so each page is loaded once for both (and a parallel
run does not load it twice on two workers); the failure message has one section for each.

The main pages are what the role's top bar links to (its daily pages, the Manage menu, the
bell, the user menu), plus what those lead to: ticket pages (open, waiting for approval,
closed), a repeat complainant's page, search results and a report figure's tickets. They are
read from the bar itself, so a page added to the bar is checked without touching this file.

One demo database and server for the module; one signed-in browser context per role and
language. A failure names the page, the width and the elements that stick out; screenshots of
the pages that stick out go to test-artifacts/screens/ (gitignored).
"""

import threading
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app import create_app
from core.vocabulary import Status
from customers.models import Customer
from demo.seed import DEMO_LOGINS, DEMO_PASSWORD, seed_demo
from extensions import db
from tests.browser.support import (
    HEIGHTS,
    LANGUAGES,
    WIDTHS,
    Watch,
    axe_violations,
    new_tab,
    shoot,
    sideways_scroll,
    sign_in_by_form,
    slug,
)
from tickets.models import Ticket, TicketEvent

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
ROLES = ("front_desk", "supervisor", "manager")
LOGIN = {role: username for username, role, _name in reversed(DEMO_LOGINS)}  # first of each
SIGNED_OUT = ("/sign-in",)


@dataclass
class Screens:
    """The demo app on a local port, and the browser contexts opened on it so far."""

    base_url: str
    examples: dict[str, str]
    chromium: object
    tabs: dict = field(default_factory=dict)
    axed: set = field(default_factory=set)  # (language, path) already checked by axe

    def tab(self, role: str | None, lang: str):
        """(page, watch, paths) for `role` in `lang`, signed in once and reused."""
        if (role, lang) not in self.tabs:
            context = new_tab(self.chromium, self.base_url, lang, WIDTHS[0])
            watch = Watch(self.base_url)
            watch.attach(context)
            page = context.new_page()
            if role is None:
                paths = list(SIGNED_OUT)
            else:
                sign_in_by_form(page, LOGIN[role], DEMO_PASSWORD)
                paths = self._main_pages(page)
            watch.take()
            self.tabs[(role, lang)] = (context, page, watch, paths)
        _context, page, watch, paths = self.tabs[(role, lang)]
        return page, watch, paths

    def _main_pages(self, page) -> list[str]:
        page.goto("/")
        bar = page.locator("nav a[href^='/']").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))")
        paths = list(dict.fromkeys(bar))
        search = page.locator("nav form[role=search]")
        if search.count():
            action = search.get_attribute("action")
            paths.append(f"{action}?q={quote(self.examples['search'])}")
        if "/reports/weekly" in paths:
            page.goto("/reports/weekly")
            figure = page.locator("[data-figure] a").first
            if figure.count():
                paths.append(figure.get_attribute("href"))
        paths += [self.examples[name] for name in ("open", "awaiting", "closed", "customer")]
        return paths


def _examples() -> dict[str, str]:
    """Pages of the demo worth measuring: the longest tickets in three states, the customer
    with the most tickets, and a search for that customer's name."""

    def longest(*statuses: str) -> str:
        events = func.count(TicketEvent.id)
        ticket = db.session.scalars(
            select(Ticket).join(TicketEvent, TicketEvent.ticket_id == Ticket.id)
            .where(Ticket.status.in_(statuses)).group_by(Ticket.id)
            .order_by(events.desc(), Ticket.id).limit(1)).one()
        return f"/tickets/{ticket.ref}"

    customer = db.session.scalars(
        select(Customer).join(Ticket, Ticket.customer_id == Customer.id).group_by(Customer.id)
        .order_by(func.count(Ticket.id).desc(), Customer.id).limit(1)).one()
    return {
        "open": longest(Status.OWNED, Status.FIX_OFFERED),
        "awaiting": longest(Status.AWAITING_APPROVAL),
        "closed": longest(Status.CLOSED, Status.RESOLVED),
        "customer": f"/customers/{customer.id}",
        "search": customer.name.split()[0],
    }


@pytest.fixture(scope="module")
def screens(chromium, tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite3'}"
    app = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "screens-secret",
        "SCHEDULER_ENABLED": False, "ARGON2_PROFILE": "fast", "SERVER_NAME": None,
    })
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.commit()
        examples = _examples()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    found = Screens(f"http://127.0.0.1:{server.server_port}", examples, chromium)
    yield found
    for context, *_rest in found.tabs.values():
        context.close()
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


def _visit(page, watch, path: str) -> list[str]:
    """Open `path`; what went wrong on the way (a 4xx/5xx page, console or request errors)."""
    response = page.goto(path)
    problems = watch.take()
    if response is None or response.status >= 400:
        problems.insert(0, f"answered {response.status if response else 'nothing'}")
    return problems


def _resize(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": HEIGHTS[width]})


CASES = [(role, lang) for role in (*ROLES, None) for lang in LANGUAGES]
CASE_IDS = [f"{role or 'signed-out'}-{lang}" for role, lang in CASES]


@pytest.mark.parametrize("role,lang", CASES, ids=CASE_IDS)
def test_main_pages_fit_every_width_and_pass_axe(screens, role, lang):
    """Each page is loaded once, at 1366 px: its load is watched and axe runs (once per page
    and language: the first role to reach a page has it checked, as the roles' pages differ
    in little more than the top bar); then the viewport is narrowed to 1024 and 390 px and the
    page measured again at each (the CSS lays it out anew, and the suite's time stays short)."""
    page, watch, paths = screens.tab(role, lang)
    who = f"{role or 'signed-out'}-{lang}"
    overflowing, broken, inaccessible = [], [], []
    for path in paths:
        _resize(page, WIDTHS[0])
        problems = _visit(page, watch, path)
        if problems:
            broken.append(f"{path}: " + " | ".join(problems))
        first_look = (lang, path) not in screens.axed
        screens.axed.add((lang, path))
        violations = axe_violations(page) if first_look else []
        if violations:
            inaccessible.append(f"{path}:\n    " + "\n    ".join(violations))
        for width in WIDTHS:
            _resize(page, width)
            overflow = sideways_scroll(page)
            if overflow:
                shot = shoot(page, "screens", f"{who}-{width}", slug(path))
                overflowing.append(f"{path} at {width} px: {overflow} [{shot.name}]")
    report = [
        (f"{who}: pages that scroll sideways ({len(overflowing)})", overflowing),
        (f"{who}: console errors, failed requests or error pages ({len(broken)})", broken),
        (f"{who}: serious or critical axe violations ({len(inaccessible)})", inaccessible),
    ]
    failed = [f"{title}:\n  " + "\n  ".join(lines) for title, lines in report if lines]
    assert not failed, f"{len(paths)} pages checked\n" + "\n".join(failed)
