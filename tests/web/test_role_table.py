"""Every route × anonymous, each role and another site's supervisor → the expected status.

`ROWS` lists routes by endpoint and method; `test_every_route_has_a_row` reads the app's URL
map, so a new route fails the suite until its row is added here (the failure names it).
Pages send anonymous visitors to the sign-in page (302); the API answers 401 without a
token and uses each viewer's own bearer token otherwise. Records of another site are
reported as missing (404). Within one row the viewers go in the order of `VIEWERS`, least
privileged first, so a request that changes something comes after those that must not.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select

ANON, OTHER, DESK, SUPER, MANAGER = (
    "anonymous", "other_site_supervisor", "front_desk", "supervisor", "manager"
)
VIEWERS = (ANON, OTHER, DESK, SUPER, MANAGER)
IGNORED_METHODS = {"HEAD", "OPTIONS"}


@dataclass(frozen=True)
class Row:
    """One request: `statuses` per viewer in the order anon, desk, super, manager, other."""

    endpoint: str
    method: str
    path: str
    statuses: tuple[int, int, int, int, int]
    body: object = None
    api: bool = False
    params: dict = field(default_factory=dict)

    @property
    def expected(self) -> dict[str, int]:
        anon, desk, sup, manager, other = self.statuses
        return {ANON: anon, OTHER: other, DESK: desk, SUPER: sup, MANAGER: manager}


def page(endpoint, method, path, desk, sup, manager, other, anon=302, **extra) -> Row:
    return Row(endpoint, method, path, (anon, desk, sup, manager, other), **extra)


def api(endpoint, method, path, desk, sup, manager, other, **extra) -> Row:
    return Row(endpoint, method, path, (401, desk, sup, manager, other), api=True, **extra)


def public(endpoint, method, path, status, **extra) -> Row:
    return Row(endpoint, method, path, (status,) * 5, **extra)


def _version(world) -> dict:
    from extensions import db
    from tickets.models import Ticket

    db.session.expire_all()
    return {"version": db.session.get(Ticket, world["ticket_id"]).version}


BLANK_NAME = {"name": ""}

ROWS = [
    # Sign-in, account, tokens.
    page("auth.sign_in", "GET", "/sign-in", 302, 302, 302, 302, anon=200),
    page("auth.sign_in", "POST", "/sign-in", 302, 302, 302, 302, anon=200),
    page("auth.sign_out", "POST", "/sign-out", 302, 302, 302, 302),
    page("auth.change_password", "GET", "/account/password", 200, 200, 200, 200),
    page("auth.change_password", "POST", "/account/password", 422, 422, 422, 422,
         body={"current_password": "wrong", "new_password": "x"}),
    page("account.settings", "GET", "/account/", 200, 200, 200, 200),
    page("account.settings", "POST", "/account/", 422, 422, 422, 422,
         body={"locale": "klingon"}),
    page("account.tokens", "GET", "/account/tokens", 200, 200, 200, 200),
    page("account.tokens", "POST", "/account/tokens", 200, 200, 200, 200,
         body={"name": "Role table"}),
    page("account.revoke", "POST", "/account/tokens/{token_id}/revoke", 302, 302, 302, 302),
    page("home.index", "GET", "/", 200, 200, 200, 200),
    public("home.favicon", "GET", "/favicon.ico", 301),
    public("health.health", "GET", "/health", 200),
    public("health.ready", "GET", "/health/ready", 200),
    page("search.index", "GET", "/search/", 200, 200, 200, 200, params={"q": "Guest"}),
    # Administration: managers only.
    page("sites.index", "GET", "/admin/sites/", 403, 403, 200, 403),
    page("sites.create", "GET", "/admin/sites/new", 403, 403, 200, 403),
    page("sites.create", "POST", "/admin/sites/new", 403, 403, 422, 403, body=BLANK_NAME),
    page("sites.edit", "GET", "/admin/sites/{site}", 403, 403, 200, 403),
    page("sites.edit", "POST", "/admin/sites/{site}", 403, 403, 422, 403, body=BLANK_NAME),
    page("users.index", "GET", "/admin/users/", 403, 403, 200, 403),
    page("users.create", "GET", "/admin/users/new", 403, 403, 200, 403),
    page("users.create", "POST", "/admin/users/new", 403, 403, 422, 403,
         body={"username": ""}),
    page("users.edit", "GET", "/admin/users/{user}", 403, 403, 200, 403),
    page("users.edit", "POST", "/admin/users/{user}", 403, 403, 422, 403,
         body={"role": "king"}),
    page("users.reset", "POST", "/admin/users/{user}/password", 403, 403, 302, 403,
         body={"password": ""}),
    page("categories.index", "GET", "/admin/categories/", 403, 403, 200, 403),
    page("categories.index", "POST", "/admin/categories/", 403, 403, 422, 403,
         body=BLANK_NAME),
    page("categories.edit", "GET", "/admin/categories/{category}", 403, 403, 200, 403),
    page("categories.edit", "POST", "/admin/categories/{category}", 403, 403, 422, 403,
         body=BLANK_NAME),
    # Tickets and queues.
    page("tickets.new", "GET", "/tickets/new", 200, 200, 200, 200),
    page("tickets.new", "POST", "/tickets/new", 422, 422, 422, 422,
         body={"description": ""}),
    page("tickets.mine", "GET", "/tickets/mine", 200, 200, 200, 200),
    page("tickets.unowned", "GET", "/tickets/unowned", 200, 200, 200, 200),
    page("tickets.approvals", "GET", "/tickets/approvals", 403, 200, 200, 200),
    page("tickets.site", "GET", "/tickets/", 200, 200, 200, 200),
    page("tickets.detail", "GET", "/tickets/{ticket}", 200, 200, 200, 404),
    page("tickets.attachment", "GET", "/tickets/{ticket}/attachments/999999",
         404, 404, 404, 404),
    page("tickets.act", "POST", "/tickets/{ticket}/escalate", 409, 302, 302, 404,
         body=lambda w: {"escalate-reason": "Guest is furious",
                         "escalate-version": str(_version(w)["version"])}),
    page("tickets.act", "POST", "/tickets/{ticket}/approve", 409, 409, 409, 404,
         body=lambda w: {"approve-version": str(_version(w)["version"])}),
    # Customers.
    page("customers.index", "GET", "/customers/", 200, 200, 200, 200, params={"q": "Gu"}),
    page("customers.search", "GET", "/customers/search", 200, 200, 200, 200,
         params={"q": "Gu"}),
    page("customers.detail", "GET", "/customers/{customer}", 200, 200, 200, 404),
    page("customers.edit", "GET", "/customers/{customer}/edit", 200, 200, 200, 404),
    page("customers.edit", "POST", "/customers/{customer}/edit", 422, 422, 422, 404,
         body=BLANK_NAME),
    # A customer's personal data: managers only; another site's customer is missing.
    page("privacy.export", "GET", "/customers/{customer}/export", 403, 403, 200, 404),
    page("privacy.erase", "GET", "/customers/{customer}/erase", 403, 403, 200, 404),
    page("privacy.erase", "POST", "/customers/{customer}/erase", 403, 403, 422, 404,
         body={"confirmation": "not the name"}),
    page("privacy.erase", "POST", "/customers/{customer}/erase", 403, 403, 302, 404,
         body={"confirmation": "ERASE"}),
    # SLA.
    page("sla.board", "GET", "/sla/board", 403, 200, 200, 200),
    page("sla.policy", "GET", "/sla/policy", 403, 200, 200, 200),
    page("sla.policy", "POST", "/sla/policy", 403, 422, 422, 422,
         body={"warning_percent": "100"}),
    page("sla.recompute", "POST", "/sla/policy/recompute", 403, 302, 302, 302),
    # Notifications (another person's notification is missing to everyone else).
    page("notifications.index", "GET", "/notifications/", 200, 200, 200, 200),
    page("notifications.read", "POST", "/notifications/{notification}/read",
         404, 404, 404, 404),
    page("notifications.read_all", "POST", "/notifications/read-all", 302, 302, 302, 302),
    page("notifications.read_ticket", "POST", "/notifications/tickets/{ticket}/read",
         302, 302, 302, 302),
    page("notifications.unread_json", "GET", "/notifications/unread.json", 200, 200, 200, 200),
    # Follow-ups and the customer's survey.
    page("followups.index", "GET", "/follow-ups/", 200, 200, 200, 200),
    page("followups.survey_qr", "GET", "/follow-ups/survey-qr/{resolved}.svg",
         200, 200, 200, 404),
    page("followups.survey_qr", "GET", "/follow-ups/survey-qr/{ticket}.svg",
         404, 404, 404, 404),
    public("survey.answer", "GET", "/survey/{survey_token}", 200),
    public("survey.answer", "POST", "/survey/{survey_token}", 422),
    public("survey.answer", "GET", "/survey/not-a-token", 404),
    public("survey.answer", "POST", "/survey/not-a-token", 404),
    # The weekly report.
    page("reports.weekly", "GET", "/reports/weekly", 403, 200, 200, 200),
    page("reports.weekly", "GET", "/reports/weekly", 403, 200, 200, 404,
         params={"site": "{site}"}),
    page("reports.weekly_csv", "GET", "/reports/weekly.csv", 403, 200, 200, 200),
    page("reports.weekly_csv", "GET", "/reports/weekly.csv", 403, 200, 200, 404,
         params={"site": "{site}"}),
    page("reports.store_week", "POST", "/reports/weekly/store", 403, 403, 302, 403),
    page("reports.tickets", "GET", "/reports/weekly/tickets", 403, 200, 200, 200,
         params={"figure": "new"}),
    page("reports.tickets", "GET", "/reports/weekly/tickets", 403, 200, 200, 404,
         params={"figure": "new", "site": "{site}"}),
    # Customer side: the public complaint form and the site poster.
    # ("Role Hotel" has the code role-hotel: a slug of its name.)
    public("public.complain", "GET", "/complain/role-hotel", 200),
    public("public.complain", "POST", "/complain/role-hotel", 422, body=BLANK_NAME),
    public("public.complain", "GET", "/complain/no-such-hotel", 404),
    public("public.complain", "POST", "/complain/no-such-hotel", 404, body=BLANK_NAME),
    public("public.complaint_thanks", "GET", "/complain/thanks/not-a-token", 404),
    page("sites.poster", "GET", "/admin/sites/{site}/poster", 200, 200, 200, 404),
    # Customer side: the status page and the ticket slip.
    public("public.status", "GET", "/status/{status_token}", 200),
    public("public.status", "POST", "/status/{status_token}", 422,
           body={"info-send": "Send", "info-body": ""}),
    public("public.status", "POST", "/status/{status_token}", 409,
           body={"answer-accept": "Accept"}),
    public("public.status", "GET", "/status/not-a-token", 404),
    public("public.status", "POST", "/status/not-a-token", 404),
    page("correspondence.slip", "GET", "/tickets/{ticket}/slip", 200, 200, 200, 404),
    # Customer side: e-mail intake review.
    page("mailin.held", "GET", "/mail/held", 403, 200, 200, 200),
    page("mailin.held", "GET", "/mail/held", 403, 200, 200, 200, params={"show": "all"}),
    page("mailin.raw", "GET", "/mail/held/999999/raw", 403, 404, 404, 404),
    page("mailin.mark_reviewed", "POST", "/mail/held/999999/reviewed", 403, 404, 404, 404),
    # Customer side: canned replies.
    page("replies.index", "GET", "/admin/replies/", 403, 403, 200, 403),
    page("replies.create", "GET", "/admin/replies/new", 403, 403, 200, 403),
    page("replies.create", "POST", "/admin/replies/new", 403, 403, 422, 403,
         body={"locale": "en", "title": "", "body": "Hello {name}"}),
    page("replies.edit", "GET", "/admin/replies/999999", 403, 403, 404, 403),
    page("replies.edit", "POST", "/admin/replies/999999", 403, 403, 404, 403,
         body={"title": ""}),
    page("replies.deactivate", "POST", "/admin/replies/999999/deactivate",
         403, 403, 404, 403),
    # Replies to the customer (owner or lead) and internal notes (anyone of the site).
    page("tickets.act", "POST", "/tickets/{ticket}/reply", 409, 302, 302, 404,
         body=lambda w: {"reply-body": "We are on it.",
                         "reply-version": str(_version(w)["version"])}),
    page("tickets.act", "POST", "/tickets/{ticket}/add_note", 302, 302, 302, 404,
         body=lambda w: {"add_note-body": "Seen at breakfast",
                         "add_note-version": str(_version(w)["version"])}),
    api("api.action_reply", "POST", "/api/v1/tickets/{ticket}/reply", 403, 200, 200, 404,
        body=lambda w: {"body": "We are on it.", **_version(w)}),
    api("api.action_notes", "POST", "/api/v1/tickets/{ticket}/notes", 200, 200, 200, 404,
        body=lambda w: {"body": "Seen at breakfast", **_version(w)}),
    # Webhooks: managers only.
    page("webhooks.index", "GET", "/admin/webhooks/", 403, 403, 200, 403),
    page("webhooks.create", "GET", "/admin/webhooks/new", 403, 403, 200, 403),
    page("webhooks.create", "POST", "/admin/webhooks/new", 403, 403, 422, 403,
         body={"url": ""}),
    page("webhooks.edit", "GET", "/admin/webhooks/999999", 403, 403, 404, 403),
    page("webhooks.edit", "POST", "/admin/webhooks/999999", 403, 403, 404, 403),
    page("webhooks.rotate", "POST", "/admin/webhooks/999999/rotate-secret", 403, 403, 404, 403),
    page("webhooks.deactivate", "POST", "/admin/webhooks/999999/deactivate",
         403, 403, 404, 403),
    page("webhooks.deliveries", "GET", "/admin/webhooks/999999/deliveries",
         403, 403, 404, 403),
    api("api.list_webhooks", "GET", "/api/v1/webhooks", 403, 403, 200, 403),
    api("api.create_webhook", "POST", "/api/v1/webhooks", 403, 403, 422, 403, body={}),
    api("api.get_webhook", "GET", "/api/v1/webhooks/999999", 403, 403, 404, 403),
    api("api.update_webhook", "PATCH", "/api/v1/webhooks/999999", 403, 403, 404, 403,
        body={}),
    api("api.delete_webhook", "DELETE", "/api/v1/webhooks/999999", 403, 403, 404, 403),
    api("api.rotate_webhook_secret", "POST", "/api/v1/webhooks/999999/rotate-secret",
        403, 403, 404, 403),
    api("api.list_webhook_deliveries", "GET", "/api/v1/webhooks/999999/deliveries",
        403, 403, 404, 403),
    # Discovery: what an integration needs to send (everyone, in their own sites).
    api("api.list_categories", "GET", "/api/v1/categories", 200, 200, 200, 200),
    api("api.list_sites", "GET", "/api/v1/sites", 200, 200, 200, 200),
    api("api.list_users", "GET", "/api/v1/users", 200, 200, 200, 200),
    api("api.list_customers", "GET", "/api/v1/customers", 200, 200, 200, 200),
    api("api.add_customer", "POST", "/api/v1/customers", 422, 422, 422, 422, body={}),
    api("api.get_customer", "GET", "/api/v1/customers/{customer}", 200, 200, 200, 404),
    api("api.patch_customer", "PATCH", "/api/v1/customers/{customer}", 200, 200, 200, 404,
        body={}),
    # Assets.
    public("static", "GET", "/static/js/customer_search.js", 200),
    public("bootstrap.static", "GET", "/bootstrap/static/css/bootstrap.min.css", 200),
    # JSON API v1.
    api("api.list_tickets", "GET", "/api/v1/tickets", 200, 200, 200, 200),
    api("api.create_ticket", "POST", "/api/v1/tickets", 422, 422, 422, 422, body={}),
    api("api.get_ticket", "GET", "/api/v1/tickets/{ticket}", 200, 200, 200, 404),
    api("api.action_escalate", "POST", "/api/v1/tickets/{ticket}/escalate", 403, 422, 422, 404,
        body=_version),
    api("api.action_follow_ups", "POST", "/api/v1/tickets/{resolved}/follow-ups",
        422, 422, 422, 404, body={}),
    # Every other workflow step, with only the version: who may not (403), what the state
    # does not allow (409), or what is missing (422).
    api("api.action_accept", "POST", "/api/v1/tickets/{ticket}/accept", 403, 403, 403, 404,
        body=_version),
    api("api.action_approve", "POST", "/api/v1/tickets/{ticket}/approve", 409, 409, 409, 404,
        body=_version),
    api("api.action_close", "POST", "/api/v1/tickets/{ticket}/close", 409, 409, 409, 404,
        body=_version),
    api("api.action_contacts", "POST", "/api/v1/tickets/{ticket}/contacts",
        403, 422, 422, 404, body=_version),
    api("api.action_decline", "POST", "/api/v1/tickets/{ticket}/decline", 403, 422, 422, 404,
        body=_version),
    api("api.action_offer_fix", "POST", "/api/v1/tickets/{ticket}/offer-fix",
        403, 403, 403, 404, body=_version),
    api("api.action_own", "POST", "/api/v1/tickets/{ticket}/own", 409, 409, 409, 404,
        body=_version),
    api("api.action_prevention_done", "POST", "/api/v1/tickets/{ticket}/prevention-done",
        403, 422, 422, 404, body=_version),
    api("api.action_reassign", "POST", "/api/v1/tickets/{ticket}/reassign",
        403, 422, 422, 404, body=_version),
    api("api.action_reclassify", "POST", "/api/v1/tickets/{ticket}/reclassify",
        403, 422, 422, 404, body=_version),
    api("api.action_record_response", "POST", "/api/v1/tickets/{ticket}/record-response",
        409, 409, 409, 404, body=_version),
    api("api.action_reject", "POST", "/api/v1/tickets/{ticket}/reject", 409, 409, 409, 404,
        body=_version),
    api("api.action_reopen", "POST", "/api/v1/tickets/{ticket}/reopen", 409, 409, 409, 404,
        body=_version),
    api("api.action_resolve", "POST", "/api/v1/tickets/{ticket}/resolve", 409, 409, 409, 404,
        body=_version),
    api("api.action_transfer", "POST", "/api/v1/tickets/{ticket}/transfer",
        403, 403, 403, 404, body=_version),
    api("api.list_events", "GET", "/api/v1/tickets/{ticket}/events", 200, 200, 200, 404),
    public("api.openapi_document", "GET", "/api/v1/openapi.json", 200),
    public("api_docs.api_docs", "GET", "/api/docs", 200),
    api("api.add_attachment", "POST", "/api/v1/tickets/{ticket}/attachments",
        422, 422, 422, 404),
    api("api.notifications", "GET", "/api/v1/notifications", 200, 200, 200, 200),
    api("api.weekly_report", "GET", "/api/v1/reports/weekly", 403, 200, 200, 200),
    api("api.weekly_report", "GET", "/api/v1/reports/weekly", 403, 200, 200, 422,
        params={"site": "{site}"}),
    api("api.get_attachment", "GET", "/api/v1/tickets/{ticket}/attachments/999999",
        404, 404, 404, 404),
]


def _row_id(row: Row) -> str:
    query = "?" + "&".join(f"{k}={v}" for k, v in row.params.items()) if row.params else ""
    return f"{row.method} {row.path}{query}"


def _resolved_ticket(make_ticket, site):
    from core import clock
    from extensions import db
    from tickets.actions import perform

    ticket = make_ticket(site=site)
    now = clock.utcnow()
    perform(ticket, "offer_fix", ticket.owner, {
        "action": "Repaint the room today", "remedy_type": "repair_redo",
        "compensation": "0", "committed_by": now + timedelta(hours=3),
    }, version=ticket.version, now=now)
    perform(ticket, "resolve", ticket.owner, {
        "outcome": "Repainted", "customer_response": "accepted", "root_cause": "process",
        "root_cause_note": "No check after works", "fault": "us",
    }, version=ticket.version, now=now)
    db.session.commit()
    return ticket


def _notification_for(user) -> int:
    from core import clock
    from extensions import db
    from notifications.kinds import CUSTOMER_WROTE
    from notifications.services import notify

    (row,) = notify([user], "test", CUSTOMER_WROTE(ref="SR-000001"), critical=True,
                    now=clock.utcnow())
    db.session.commit()
    return row.id


@pytest.fixture
def world(app, make_site, make_user, make_ticket):
    """One site with a ticket, a resolved ticket with an open survey, and a viewer of each
    role; another site with its own supervisor."""
    from auth.tokens import create_token
    from core import clock
    from extensions import db
    from followups.models import FollowUp
    from followups.survey_link import make_token
    from tickets.models import Category

    site = make_site(name="Role Hotel")
    target = make_user("front_desk", site=site)
    ticket = make_ticket(owner=target, customer=_guest())
    resolved = _resolved_ticket(make_ticket, site)
    survey = db.session.scalars(select(FollowUp).where(
        FollowUp.ticket_id == resolved.id, FollowUp.kind == "survey")).one()
    token, _plain = create_token(target, "target's", clock.utcnow())
    db.session.commit()
    viewers = {
        DESK: make_user("front_desk", site=site),
        SUPER: make_user("supervisor", site=site),
        MANAGER: make_user("manager", site=site),
        OTHER: make_user("supervisor", site=make_site(name="Other Hotel")),
    }
    return {
        "viewers": viewers,
        "ticket_id": ticket.id,
        "values": {
            "site": site.id, "user": target.id, "ticket": ticket.ref,
            "resolved": resolved.ref, "customer": ticket.customer_id,
            "category": db.session.scalars(select(Category.id)).first(),
            "token_id": token.id, "notification": _notification_for(target),
            "survey_token": make_token(survey, app.config["SECRET_KEY"]),
            "status_token": __import__("correspondence.links", fromlist=["_"]).make_token(ticket),
        },
    }


def _guest():
    from customers.services import CustomerInput

    return CustomerInput(name="Guo Role", phone="13800138000")


def _bearer(user) -> dict:
    from auth.tokens import create_token
    from core import clock
    from extensions import db

    _token, plain = create_token(user, "role table", clock.utcnow())
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def _send(client, login, world, row: Row, viewer: str):
    headers, user = {}, world["viewers"].get(viewer)
    client.delete_cookie("session", domain="localhost")
    if user is not None and row.api:
        headers = _bearer(user)
    elif user is not None:
        login(user=user)
    values = world["values"]
    body = row.body(world) if callable(row.body) else row.body
    params = {k: str(v).format(**values) for k, v in row.params.items()}
    kwargs = {"json": body} if row.api and row.method != "GET" else {"data": body or {}}
    return client.open(row.path.format(**values), method=row.method, headers=headers,
                       query_string=params, **kwargs)


@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_role_table(client, login, world, row):
    seen = {}
    for viewer in VIEWERS:
        response = _send(client, login, world, row, viewer)
        seen[viewer] = response.status_code
        location = response.headers.get("Location", "")
        response.close()
        if viewer == ANON and response.status_code == 302:
            assert location.startswith("/sign-in"), (viewer, location)
    assert seen == row.expected


def _rules(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - IGNORED_METHODS
    }


def test_every_route_has_a_row(app):
    listed = {(row.endpoint, row.method) for row in ROWS}
    routes = {f"{m} {r.rule} ({r.endpoint})": (r.endpoint, m)
              for r in app.url_map.iter_rules() for m in r.methods - IGNORED_METHODS}
    missing = sorted(name for name, key in routes.items() if key not in listed)
    stale = sorted(f"{m} {e}" for e, m in listed - _rules(app))
    assert not missing, "Add a row to ROWS in tests/web/test_role_table.py for: " + "; ".join(
        missing)
    assert not stale, "ROWS lists routes the app no longer has: " + "; ".join(stale)


def test_each_row_reaches_its_endpoint(app):
    adapter = app.url_map.bind("localhost")
    sample = {"site": 1, "user": 1, "ticket": "SR-000001", "resolved": "SR-000002",
              "customer": 1, "category": 1, "token_id": 1, "notification": 1,
              "survey_token": "abc", "status_token": "abc"}
    wrong = []
    for row in ROWS:
        endpoint, _args = adapter.match(row.path.format(**sample), method=row.method)
        if endpoint != row.endpoint:
            wrong.append(f"{_row_id(row)} goes to {endpoint}, not {row.endpoint}")
    assert not wrong, wrong


def test_an_unknown_workflow_verb_is_404_in_the_error_shape(client, world):
    headers = _bearer(world["viewers"][MANAGER])
    ref = world["values"]["ticket"]
    response = client.post(f"/api/v1/tickets/{ref}/no-such-verb", json={}, headers=headers)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
