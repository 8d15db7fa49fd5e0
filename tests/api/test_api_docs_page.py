"""/api/docs: the document as a page for people, rendered by Swagger UI from this app's own
static files — no CDN, no other origin."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "static" / "vendor" / "swagger-ui"
BUNDLE = VENDOR / "swagger-ui-bundle.js"
BUNDLE_URL = "/static/vendor/swagger-ui/swagger-ui-bundle.js"
STYLE_URL = "/static/vendor/swagger-ui/swagger-ui.css"
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


def test_the_page_loads_swagger_ui_and_its_loader_from_this_app(client):
    _html, resources = _page(client)
    scripts = [value for tag, name, value in resources.found if tag == "script"]
    assert scripts == [BUNDLE_URL, LOADER_URL], "Swagger UI first, then the loader"
    styles = [value for tag, name, value in resources.found
              if tag == "link" and value.endswith(".css")]
    assert styles == [STYLE_URL]
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
    assert "SwaggerUIBundle(" in source and "specUrl" in source
    assert "validatorUrl: null" in source, "the page never asks an outside validator"
    assert not re.search(r"https?://", source)


@pytest.mark.skipif(not BUNDLE.exists(), reason=(
    "static/vendor/swagger-ui/ is fetched by `make setup`; run it to test that the "
    "page's Swagger UI is served"))
def test_swagger_ui_is_served_as_javascript_and_css(client):
    response = client.get(BUNDLE_URL, buffered=True)
    assert response.status_code == 200
    assert response.mimetype in JS_TYPES
    assert len(response.get_data()) > 100_000, "the bundle, not a stub"
    style = client.get(STYLE_URL, buffered=True)
    assert style.status_code == 200 and style.mimetype == "text/css"
    assert (VENDOR / "LICENSE").exists(), "its licence ships with it"
