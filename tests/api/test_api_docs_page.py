"""/api/docs: the document as a page for people, rendered by Redoc from this app's own
static files — no CDN, no other origin."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDOC = ROOT / "static" / "vendor" / "redoc" / "redoc.standalone.js"
REDOC_URL = "/static/vendor/redoc/redoc.standalone.js"
LOADER_URL = "/static/js/api_docs.js"
JS_TYPES = {"text/javascript", "application/javascript"}
ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


class _Resources(HTMLParser):
    """Every URL the page loads or links to, by tag and attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []
        self.spec_url: str | None = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href", "data-spec-url", "action", "srcset") and value:
                self.found.append((tag, name, value))
            if name == "data-spec-url":
                self.spec_url = value


def _page(client) -> tuple[str, _Resources]:
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    resources = _Resources()
    resources.feed(html)
    return html, resources


def test_the_page_loads_redoc_and_its_loader_from_this_app(client):
    _html, resources = _page(client)
    scripts = [value for tag, name, value in resources.found if tag == "script"]
    assert scripts == [REDOC_URL, LOADER_URL], "Redoc first, then the loader that calls it"
    assert resources.spec_url == "/api/v1/openapi.json"


def test_the_page_names_no_other_origin(client):
    html, resources = _page(client)
    external = [value for _tag, _name, value in resources.found if ABSOLUTE.match(value)]
    assert external == []
    assert not re.search(r"https?://", html), "no absolute URL anywhere in the page"


def test_the_page_allows_scripts_from_this_app_only(client):
    policy = client.get("/api/docs").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["default-src"] == "'self'"


def test_the_loader_is_served_as_javascript(client):
    response = client.get(LOADER_URL, buffered=True)
    assert response.status_code == 200
    assert response.mimetype in JS_TYPES
    source = response.get_data(as_text=True)
    assert "Redoc.init" in source and "specUrl" in source
    assert not re.search(r"https?://", source)


@pytest.mark.skipif(not REDOC.exists(), reason=(
    "static/vendor/redoc/redoc.standalone.js is fetched by `make setup`; run it to test "
    "that the page's Redoc is served"))
def test_redoc_is_served_as_javascript(client):
    response = client.get(REDOC_URL, buffered=True)
    assert response.status_code == 200
    assert response.mimetype in JS_TYPES
    assert len(response.get_data()) > 100_000, "the standalone bundle, not a stub"
    assert (REDOC.parent / "LICENSE").exists(), "its licence ships with it"
