"""Real-browser journeys: the app served on 127.0.0.1 in a thread, Debian's Chromium driven
by Playwright. Only the embedded database (the server thread shares the test's SQLite file).
How to run them, and where screenshots go: DEVELOPERS.md."""

import shutil
import threading
from dataclasses import dataclass, field

import pytest
from werkzeug.serving import make_server

from tests.browser.support import HTML_LANG, Watch, new_tab, shoot, sign_in_by_form, slug

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def app_config():
    """As in production: CSRF on, and whatever host the server is reached by."""
    return {"WTF_CSRF_ENABLED": True, "SERVER_NAME": None}


@pytest.fixture
def live_server(app):
    """The app on a free local port for the length of one test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium():
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (the test command does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server, viewport={"width": 1024, "height": 768})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def sign_in(page):
    def as_user(user, password: str = "correct horse"):
        page.goto("/sign-in")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/")

    return as_user


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so a fixture can screenshot a failed journey."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@dataclass
class Journey:
    """One person's browser for one journey: the tab, the watch on console errors and failed
    requests, and numbered screenshots under test-artifacts/journeys/<name>/."""

    page: object
    watch: Watch
    name: str
    lang: str
    width: int
    shots: list = field(default_factory=list)

    def shot(self, step: str) -> None:
        self.shots.append(shoot(self.page, "journeys", *self.name.split("/"),
                                f"{len(self.shots) + 1:02d}-{slug(step)}"))

    def sign_in(self, user, password: str = "correct horse") -> None:
        sign_in_by_form(self.page, user.username, password)
        html_lang = self.page.locator("html").get_attribute("lang")
        assert html_lang == HTML_LANG[self.lang], f"signed in, the page's language is {html_lang}"

    def assert_clean(self) -> None:
        """No console error, script error or failed request so far."""
        problems = self.watch.take()
        assert problems == [], "\n".join(problems)


@pytest.fixture
def journey(request, chromium, live_server):
    """`journey(name, lang, width)` opens a browser for one person; each is checked for
    console errors and failed requests when the test ends, and a failed test leaves a last
    screenshot of every open tab."""
    opened = []

    def open_journey(name: str, lang: str = "en", width: int = 1366) -> Journey:
        context = new_tab(chromium, live_server, lang, width)
        watch = Watch(live_server)
        watch.attach(context)
        where = f"{slug(request.node.originalname)}/{name}-{lang}-{width}"
        tab = Journey(context.new_page(), watch, where, lang, width)
        opened.append((context, tab))
        return tab

    yield open_journey
    report = getattr(request.node, "report_call", None)
    for context, tab in opened:
        if report is not None and report.failed:
            try:
                tab.shot("failed-here")
            except Exception:  # noqa: BLE001 - a crashed page leaves no screenshot
                pass
        context.close()
    if report is not None and report.passed:
        leftovers = [problem for _context, tab in opened for problem in tab.watch.take()]
        assert leftovers == [], "\n".join(leftovers)
