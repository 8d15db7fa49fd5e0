"""The API's documentation page in a real browser: Swagger UI, served by the app, renders
the document's operations and webhooks with no console error and no request leaving the
app."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def test_an_integrator_reads_the_api_documentation(page, live_server):
    errors, foreign = [], []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("request", lambda request: urlsplit(request.url).netloc not in (
        "", urlsplit(live_server).netloc) and not request.url.startswith(("data:", "blob:"))
        and foreign.append(request.url))
    page.goto("/api/docs")
    expect(page.get_by_role("heading", name="Recovery Desk API")).to_be_visible(timeout=20000)
    expect(page.get_by_text("A fix was offered to the customer").first).to_be_visible()
    page.get_by_text("Open a ticket", exact=True).click()
    expect(page.get_by_text("Idempotency-Key").first).to_be_visible()
    expect(page.get_by_text("idempotency_key_reused").first).to_be_visible()
    page.screenshot(path="/tmp/api_docs.png")
    assert errors == []
    assert foreign == []
