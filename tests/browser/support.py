"""What the browser proofs share: the watch on console errors and failed requests, the
catalogue's labels for the Chinese journeys, artefact paths, the top bar's navigation at any
width, the sideways-scroll measure and the axe-core run."""

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from babel.support import Translations
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "test-artifacts"
WIDTHS = (1366, 1024, 390)
HEIGHTS = {1366: 768, 1024: 768, 390: 844}
LANGUAGES = {"en": "en-GB", "zh": "zh-CN"}  # the browser's language; users keep "browser default"
HTML_LANG = {"en": "en", "zh": "zh-Hans"}


@cache
def _zh() -> Translations:
    return Translations.load(str(ROOT / "translations"), ["zh_Hans"])


def label(msgid: str, lang: str) -> str:
    """What the interface shows for `msgid` in `lang`, read from the compiled catalogue; a
    missing Chinese entry fails here rather than as a puzzling "element not found"."""
    if lang == "en":
        return msgid
    shown = _zh().gettext(msgid)
    assert shown != msgid, f"the zh_Hans catalogue has no translation of {msgid!r}"
    return shown


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:80] or "home"


@dataclass
class Watch:
    """Console errors, uncaught script errors and failed requests of one browser context.
    Pages are the app's answer: a 4xx page (a form sent back with its errors is a 422) is
    the journey's to check, a 5xx page is a failure. Chromium logs "Failed to load resource"
    for a 4xx page; that line is not counted (failed assets are, from their responses), nor
    is a request the browser aborted (net::ERR_ABORTED: the person moved on before it finished,
    or the navigation became a download). A missing asset still fails, by its status."""

    origin: str
    problems: list[str] = field(default_factory=list)
    pages: set[str] = field(default_factory=set)

    def attach(self, context) -> None:
        context.on("console", self._console)
        context.on("weberror", lambda error: self.problems.append(f"script error: {error.error}"))
        context.on("requestfailed", self._failed)
        context.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            if message.text.startswith("Failed to load resource") and where in self.pages:
                return
            self.problems.append(f"console error: {message.text} ({where})")

    def _failed(self, request) -> None:
        reason = request.failure or ""
        if "ERR_ABORTED" in reason:
            return
        self.problems.append(f"request failed: {request.method} {request.url} {reason}")

    def _response(self, response) -> None:
        request = response.request
        if request.resource_type == "document":
            self.pages.add(response.url)
            if response.status >= 500:
                self.problems.append(f"page {response.status}: {request.method} {response.url}")
        elif response.status >= 400:
            self.problems.append(f"asset {response.status}: {request.method} {response.url}")
        if urlsplit(response.url).netloc not in ("", urlsplit(self.origin).netloc) \
                and not response.url.startswith(("data:", "blob:")):
            self.problems.append(f"request left the app: {response.url}")

    def take(self) -> list[str]:
        taken, self.problems[:] = list(self.problems), []
        return taken


def shoot(page, *parts: str) -> Path:
    """A full-page screenshot under test-artifacts/ (gitignored), e.g. journeys/desk-en/3.png."""
    path = ARTEFACTS.joinpath(*parts).with_suffix(".png")
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def new_tab(chromium, base_url: str, lang: str, width: int):
    """A fresh browser context at `width` whose browser asks for `lang`: a phone (touch,
    mobile viewport) at 390 px, a laptop or tablet otherwise."""
    phone = width < 600
    context = chromium.new_context(
        base_url=base_url, locale=LANGUAGES[lang], accept_downloads=True,
        viewport={"width": width, "height": HEIGHTS.get(width, 800)},
        is_mobile=phone, has_touch=phone,
    )
    context.set_default_timeout(15_000)
    return context


def sign_in_by_form(page, username: str, password: str) -> None:
    """Sign in through the form by its fields' ids (the same in every language)."""
    page.goto("/sign-in")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("form[action$='/sign-in'] button[type=submit]").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)


def open_nav_link(page, href: str) -> None:
    """Follow a top-bar link the way a person would at the page's width: unfold the bar
    behind its toggler when it is folded, open the Manage menu when the link is in it."""
    target = f'a[href="{href}"]'
    link = page.locator(f"nav {target}").first
    if not link.is_visible():
        toggler = page.locator("nav .navbar-toggler")
        if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
            toggler.click()
            expect(page.locator("nav .navbar-collapse.show")).to_be_visible()
        menu = page.locator("nav .dropdown").filter(has=page.locator(target))
        if menu.count() and not link.is_visible():
            menu.locator(".dropdown-toggle").first.click()
    link.click()


# Elements sticking out past the right edge, outermost first: the parent of each is inside the
# viewport, so the selector names the culprit, not every ancestor of it. Elements inside a
# scrolling or clipping box (a .table-responsive) do not widen the page and are left out.
_OVERFLOW_SCRIPT = """() => {
  const limit = window.innerWidth + 0.5;
  const name = (el, depth = 0) => {
    let text = el.tagName.toLowerCase();
    if (el.id) return text + '#' + el.id;
    const classes = [...el.classList].slice(0, 3).join('.');
    if (classes) text += '.' + classes;
    const parent = el.parentElement;
    if (depth === 5 || !parent || parent === document.body) return text;
    return name(parent, depth + 1) + ' > ' + text;
  };
  const culprits = [];
  const seen = new Set();
  const blame = (el, what) => {
    const selector = name(el);
    if (!seen.has(selector)) { seen.add(selector); culprits.push(selector + what); }
  };
  // Inside a scrolling or clipping box, unless absolutely positioned against a box outside
  // it (a .visually-hidden label in a .table-responsive with no positioned box between them
  // escapes the clip and widens the page).
  const clipped = (node) => {
    let up = node.parentElement;
    if (node.nodeType === 1 && getComputedStyle(node).position === 'absolute') {
      up = node.offsetParent;
    }
    for (; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  const sticksOut = (el) => el && el !== document.body && !clipped(el)
                            && el.getBoundingClientRect().right > limit;
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= limit || sticksOut(el.parentElement)) continue;
    const style = getComputedStyle(el);
    if (style.position === 'fixed' || clipped(el)) continue;
    blame(el, ' (right edge ' + Math.round(box.right) + ' px)');
    if (culprits.length === 3) break;
  }
  // Text that does not wrap sticks out of a box that itself fits: name the text's element.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node && culprits.length < 3; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    range.selectNodeContents(node);
    const right = range.getBoundingClientRect().right;
    const el = node.parentElement;
    if (right <= limit || sticksOut(el) || clipped(node)) continue;
    blame(el, ' text "' + node.textContent.trim().slice(0, 30) + '" (right edge '
              + Math.round(right) + ' px)');
  }
  return {width: document.documentElement.scrollWidth, inner: window.innerWidth, culprits};
}"""


def sideways_scroll(page) -> str | None:
    """None when the page fits its viewport's width; otherwise how far it sticks out and
    which elements do it."""
    measure = page.evaluate(_OVERFLOW_SCRIPT)
    if measure["width"] <= measure["inner"]:
        return None
    culprits = "; ".join(measure["culprits"]) or "no single element (margins?)"
    return f"scrollWidth {measure['width']} > {measure['inner']}: {culprits}"


AXE_IMPACTS = ("serious", "critical")


@cache
def axe_source() -> str:
    """The pinned axe-core that `make axe-core` fetched from npm (version from the Makefile)."""
    makefile = (ROOT / "Makefile").read_text()
    version = re.search(r"^AXE_CORE_VERSION := (\S+)$", makefile, re.M).group(1)
    path = ROOT / ".venv" / "vendor" / f"axe-core-{version}" / "axe.min.js"
    assert path.exists(), f"{path} is missing: run `make axe-core` (make setup-dev does)"
    return path.read_text()


def axe_violations(page) -> list[str]:
    """The page's serious and critical WCAG 2.x A/AA violations, one line per rule, with
    the first few offending selectors. axe is evaluated through the DevTools protocol, so the
    app's Content-Security-Policy stays on and unchanged."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    result = page.evaluate("""() => axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
        resultTypes: ['violations']})""")
    lines = []
    for violation in result["violations"]:
        if violation["impact"] not in AXE_IMPACTS:
            continue
        nodes = violation["nodes"]
        targets = [" ".join(map(str, node["target"])) for node in nodes[:4]]
        more = f" and {len(nodes) - len(targets)} more" if len(nodes) > len(targets) else ""
        checks = [check["message"] for check in nodes[0]["any"] + nodes[0]["all"]][:1]
        why = f" — first: {checks[0][:200]}" if checks else ""
        lines.append(f"{violation['impact']} {violation['id']} ({violation['help']}): "
                     f"{', '.join(targets)}{more}{why}")
    return lines
