"""Hostile input at every boundary: a clear 4xx, the right shape, and nothing changed.

The requests are generated from the app's URL map, as `test_role_table.py` lists routes:
every route and method gets each hostile value in each path parameter; each query
parameter it reads (`QUERY`, else a generic probe); each field of every form the app renders
for it (the forms are read from the pages themselves, so a new form is covered when it is
rendered); and, for the JSON API, each body field with the wrong JSON types. Each answer
must be 4xx (never 5xx) — JSON errors under /api/, HTML pages elsewhere — and the row count
of every table must be what it was before.
"""

import json
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from sqlalchemy import func, select

from app import create_app
from core import clock
from extensions import db

NUL, SURROGATE, LATIN1 = "nul\x00byte", "\ud800", b"caf\xe9"
TEXT = (NUL, SURROGATE, LATIN1)
NUMBER = TEXT + ("²", "١٢", "１２", str(2**31), str(2**63), "-1", "0")
DAY = TEXT + ("0001-01-01", "9999-12-31", "2300-01-01", "²⁰²⁶-01-01")
MOMENT = TEXT + ("0001-01-01T00:00", "9999-12-31T23:59", "2300-01-01T00:00", "2026-13-99T25:61")
WEEK = TEXT + ("0001-W01", "9999-W52", "2300-W01", "²⁰²⁶-W01", "2026-W99")
REF = TEXT + ("SR-²", "SR-١٢", "١٢", f"SR-{2**31}", f"SR-{2**63}", "SR--1", "SR-0")
HOSTILE = {"text": TEXT, "choice": TEXT, "number": NUMBER, "day": DAY, "moment": MOMENT,
           "week": WEEK, "ref": REF}

QUERY = {
    "tickets.site": {"page": "number", "q": "text", "status": "choice", "owner": "text",
                     "from": "day", "to": "day", "overdue": "choice"},
    "customers.index": {"q": "text"},
    "customers.search": {"q": "text", "site": "number"},
    "followups.index": {"scope": "choice", "when": "choice", "page": "number"},
    "reports.weekly": {"week": "week", "site": "number"},
    "reports.weekly_csv": {"week": "week", "site": "number"},
    "reports.store_week": {"week": "week", "site": "number"},
    "reports.tickets": {"week": "week", "site": "number", "figure": "text", "page": "number",
                        "dimension": "text"},
    "sla.board": {"site": "number"},
    "sla.policy": {"site": "number"},
    "sla.recompute": {"site": "number"},
    "survey.answer": {"lang": "choice"},
    "public.complain": {"lang": "choice"}, "public.complaint_thanks": {"lang": "choice"},
    "tickets.detail": {"reply_template": "number"},
    "auth.sign_in": {"next": "text"},
    "users.index": {"inactive": "choice"},
    "api.list_tickets": {"page": "number", "per_page": "number", "status": "choice",
                         "q": "text", "owner": "text", "overdue": "choice"},
    "api.notifications": {"unread": "choice"},
    "api.weekly_report": {"week": "week", "site": "number"},
}
GENERIC_QUERY = {"page": "number", "q": "text"}
SKIPPED = {"static", "bootstrap.static"}
ANONYMOUS = {"auth.sign_in", "survey.answer"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _listing_rules() -> list:
    listing = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                          "SECRET_KEY": "listing", "SCHEDULER_ENABLED": False})
    return [(rule.endpoint, method, rule.rule, sorted(rule.arguments))
            for rule in listing.url_map.iter_rules() for method in sorted(rule.methods)
            if method not in IGNORED_METHODS]


RULES = _listing_rules()


# --- sending raw values ------------------------------------------------------------------


def _quoted(value) -> str:
    raw = value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")
    return quote(raw, safe="")


def _encoded(pairs) -> bytes:
    return "&".join(f"{_quoted(k)}={_quoted(v)}" for k, v in pairs).encode("ascii")


@dataclass
class Probe:
    """One hostile request, and what it was about (for the failure list)."""

    method: str
    path: str
    query: list = field(default_factory=list)
    form: list | None = None
    body: bytes | None = None
    about: str = ""

    def send(self, client, headers):
        url = self.path + ("?" + _encoded(self.query).decode() if self.query else "")
        kwargs = {}
        if self.form is not None:
            kwargs = {"data": _encoded(self.form),
                      "content_type": "application/x-www-form-urlencoded"}
        elif self.body is not None:
            kwargs = {"data": self.body, "content_type": "application/json"}
        return client.open(url, method=self.method, headers=headers, **kwargs)


# --- the forms the pages render ----------------------------------------------------------


class FormReader(HTMLParser):
    """Every POST form of a page: its action and fields (name, kind, value as rendered)."""

    def __init__(self):
        super().__init__()
        self.forms, self._current, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            posts = attrs.get("method", "get").lower() == "post"
            self._current = {"action": attrs.get("action") or "", "fields": {}} if posts else None
            if posts:
                self.forms.append(self._current)
        elif tag == "option" and self._select is not None:
            self._select["options"].append(attrs.get("value", ""))
            if "selected" in attrs:
                self._select["value"] = attrs.get("value", "")
        elif self._current is None or "name" not in attrs:
            return
        elif tag == "input":
            self._input(attrs)
        elif tag == "textarea":
            self._current["fields"][attrs["name"]] = {"kind": "text", "value": ""}
        elif tag == "select":
            self._select = {"kind": "choice", "value": None, "options": []}
            self._current["fields"][attrs["name"]] = self._select

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        if tag == "select" and self._select is not None:
            options = [o for o in self._select["options"] if o]
            if options and all(o.isascii() and o.isdigit() for o in options):
                self._select["kind"] = "number"
            if self._select["value"] is None:
                self._select["value"] = self._select["options"][0] if options else ""
            self._select = None

    def _input(self, attrs):
        kind = {"hidden": "hidden", "date": "day", "datetime-local": "moment", "file": None,
                "number": "number", "checkbox": "choice", "radio": "choice",
                "submit": "choice"}.get(attrs.get("type", "text"), "text")
        value = attrs.get("value", "")
        if kind == "hidden":
            kind = "number" if value.isascii() and value.isdigit() else "text"
        if attrs.get("inputmode") in ("numeric", "decimal"):
            kind = "number"
        unchecked = attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs
        fields = self._current["fields"]
        if kind and (attrs["name"] not in fields or not unchecked):
            fields[attrs["name"]] = {"kind": kind, "value": "" if unchecked else value}


def _forms_on(client, path: str) -> list[dict]:
    """The POST forms of the page at `path` (a form without an action posts to the page)."""
    response = client.get(path)
    if response.mimetype != "text/html":
        return []
    reader = FormReader()
    reader.feed(response.get_data(as_text=True))
    for form in reader.forms:
        form["action"] = form["action"] or path
    return reader.forms


# --- the world ---------------------------------------------------------------------------


def _resolved(make_ticket, site):
    from tickets.actions import perform

    ticket = make_ticket(site=site)
    now = clock.utcnow()
    perform(ticket, "offer_fix", ticket.owner, {
        "action": "Repaint the room today", "remedy_type": "repair_redo",
        "compensation": "0", "committed_by": now + timedelta(hours=3)}, version=None, now=now)
    perform(ticket, "resolve", ticket.owner, {
        "outcome": "Repainted", "customer_response": "accepted", "root_cause": "process",
        "root_cause_note": "No check after works", "fault": "us"}, version=None, now=now)
    db.session.commit()
    return ticket


@pytest.fixture
def world(app, make_site, make_user, make_ticket):
    from auth.tokens import create_token
    from followups.models import FollowUp
    from followups.survey_link import make_token
    from notifications.kinds import CUSTOMER_WROTE
    from notifications.services import notify
    from tickets.models import Category

    site = make_site(name="Hostile Hotel")
    manager = make_user("manager", site=site)
    desk = make_user("front_desk", site=site)
    owned = make_ticket(owner=desk, site=site)
    unowned = make_ticket(owner=None, opener=desk, site=site)
    resolved = _resolved(make_ticket, site)
    survey = db.session.scalars(select(FollowUp).where(
        FollowUp.ticket_id == resolved.id, FollowUp.kind == "survey")).one()
    token, plain = create_token(manager, "hostile", clock.utcnow())
    (note,) = notify([manager], "test", CUSTOMER_WROTE(ref=owned.ref), ticket=owned,
                     critical=True, now=clock.utcnow())
    db.session.commit()
    return {
        "manager": manager, "desk": desk, "bearer": {"Authorization": f"Bearer {plain}"},
        "tickets": [owned, unowned, resolved], "unowned": unowned, "owned": owned,
        "values": {"ref": owned.ref, "site_id": site.id, "user_id": desk.id,
                   "customer_id": owned.customer_id, "token_id": token.id,
                   "category_id": db.session.scalars(select(Category.id)).first(),
                   "notification_id": note.id, "attachment_id": 1, "action": "escalate",
                   "verb": "escalate", "code": "hostile-hotel",
                   "token": make_token(survey, app.config["SECRET_KEY"]),
                   "status_token": __import__("correspondence.links",
                                              fromlist=["_"]).make_token(owned),
                   "mail_id": __import__("tests.support.mail", fromlist=["_"]).held_mail(site),
                   "template_id": __import__("tests.support.replies",
                                             fromlist=["_"]).reply_template(),
                   "webhook_id": __import__("tests.support.webhooks",
                                            fromlist=["_"]).registered_webhook()},
    }


# Columns that move whenever an existing row is changed: the ticket's version (every
# change), a user's session version and password, a customer's details, a
# notification's read mark, a mail's state.
CHANGE_MARKS = {
    "tickets": ("version",),
    "users": ("session_version", "password_hash", "active"),
    "customers": ("name", "phone", "email", "tier", "notes"),
    "notifications": ("read_at",),
    "outbox": ("status", "attempts"),
}


def _row_counts() -> dict[str, object]:
    """The row count of every table, and the columns that mark a change to an existing row
    (ordered by id): a probe that changed nothing leaves both identical."""
    db.session.rollback()
    tables = db.metadata.tables
    counts = select(*(select(func.count()).select_from(table).scalar_subquery()
                      for table in tables.values()))
    state: dict[str, object] = dict(zip(tables, db.session.execute(counts).one(), strict=True))
    for name, columns in CHANGE_MARKS.items():
        table = tables[name]
        rows = db.session.execute(
            select(table.c.id, *(table.c[column] for column in columns)).order_by(table.c.id))
        state[f"{name} ({', '.join(columns)})"] = [tuple(row) for row in rows]
    return state


# --- generating the probes ---------------------------------------------------------------


def _path(rule: str, values: dict) -> str:
    path = rule
    for name, value in values.items():
        path = path.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
    return path


def _path_probes(method: str, rule: str, arguments: list, values: dict) -> list[Probe]:
    probes = []
    for name in arguments:
        kind = "number" if f"<int:{name}>" in rule else "ref" if name == "ref" else "text"
        for value in HOSTILE[kind]:
            bad = {**values, name: _quoted(value)}
            probes.append(Probe(method, _path(rule, bad), about=f"path {name}={value!r}"))
    return probes


def _query_probes(method: str, path: str, endpoint: str) -> list[Probe]:
    params = {"x": "text", **QUERY.get(endpoint, GENERIC_QUERY)}
    return [Probe(method, path, query=[(name, value)], about=f"?{name}={value!r}")
            for name, kind in params.items() for value in HOSTILE[kind]]


def _form_probes(form: dict) -> list[Probe]:
    """The form as rendered, with one field at a time replaced by each hostile value."""
    split = urlsplit(form["action"])
    defaults = [(name, f["value"] or "") for name, f in form["fields"].items()]
    query = [tuple(pair.split("=", 1)) for pair in split.query.split("&") if "=" in pair]
    probes = []
    for name, spec in [("x", {"kind": "text"}), *form["fields"].items()]:
        for value in HOSTILE[spec["kind"]]:
            fields = [(n, v) for n, v in defaults if n != name] + [(name, value)]
            probes.append(Probe("POST", split.path, query=query, form=fields,
                                about=f"field {name}={value!r}"))
    return probes


def _api_field_kinds(verb: str) -> dict[str, str]:
    from tickets.registry import BY_API_VERB

    form_class = BY_API_VERB[verb].form
    kinds = {}
    for name in dir(form_class):
        unbound = getattr(form_class, name)
        field_class = getattr(unbound, "field_class", None)
        if field_class is None or name in ("version", "submit"):
            continue
        kinds[name] = {"DateTimeLocalField": "moment", "DateField": "day"}.get(
            field_class.__name__, "text")
    return kinds


WRONG_TYPES = [12345, 1.5, ["x"], {"a": "b"}, True, "nul\x00byte", "\ud800"]
JSON_HOSTILE = {
    "text": WRONG_TYPES,
    "moment": WRONG_TYPES + ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00",
                             "2300-01-01T00:00:00+00:00", "2026-11-23T10:00:00"],
    "day": WRONG_TYPES + ["0001-01-01", "9999-12-31"],
    "number": WRONG_TYPES + ["²", "١٢", "3", 2**31, 2**63, -1, 0],
    "flag": [1, 0, "false", ["true"], {"a": 1}],
}
NEW_TICKET = {
    "customer": {"name": "Maria Rossi", "phone": "+39 333 123 4567"},
    "channel": "email", "dimension": "responsiveness", "category": "No call back",
    "severity": "high", "description": "Nobody called me back",
}
CREATE_FIELDS = {"channel": "text", "dimension": "text", "category": "text",
                 "severity": "text", "description": "text", "desired_outcome": "text",
                 "booking_ref": "text", "site": "text", "acknowledgement": "text",
                 "next_contact_by": "moment", "is_safety": "flag", "own": "flag",
                 "customer.name": "text", "customer.phone": "text", "customer.email": "text",
                 "customer.tier": "text", "customer.locale": "text"}
WHOLE_BODIES = [b"[" * 10_000 + b"]" * 10_000, b'{"a": ' * 10_000 + b"1" + b"}" * 10_000,
                json.dumps({"description": "x" * (2 * 1024 * 1024)}).encode(),
                b"[1, 2]", b'"text"', b"42", b"null", b"{", b"\xff\xfe", b'{"n": NaN}',
                b'{"description": "\\u0000"}', b'{"\\ud800": 1}']


def _with(body: dict, dotted: str, value) -> bytes:
    body = json.loads(json.dumps(body))
    *parents, last = dotted.split(".")
    target = body
    for parent in parents:
        target = target.setdefault(parent, {})
    target[last] = value
    return json.dumps(body).encode()


def _json_probes(path: str, base: dict, kinds: dict[str, str]) -> list[Probe]:
    probes = [Probe("POST", path, body=raw, about=f"body {raw[:24]!r}") for raw in WHOLE_BODIES]
    for name, kind in kinds.items():
        probes += [Probe("POST", path, body=_with(base, name, value),
                         about=f"{name}={value!r}") for value in JSON_HOSTILE[kind]]
    return probes


# --- running them ------------------------------------------------------------------------


def _check(client, probe: Probe, headers: dict, failures: list) -> None:
    response = probe.send(client, headers)
    status, where = response.status_code, f"{probe.method} {probe.path} {probe.about}"
    if not 400 <= status < 500:
        failures.append(f"{where} → {status}")
    elif probe.path.startswith("/api/"):
        error = (response.get_json(silent=True) or {}).get("error", {})
        if not {"code", "message"} <= set(error):
            failures.append(f"{where} → {status} without the JSON error shape")
    elif status != 404 and not response.mimetype == "text/html":
        failures.append(f"{where} → {status} as {response.mimetype}, not an HTML page")
    response.close()


def _run(client, probes, headers, failures):
    before = _row_counts()
    for probe in probes:
        _check(client, probe, headers, failures)
    after = _row_counts()
    changed = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
    if changed:
        failures.append(f"rows changed: {changed} (probes: {probes[0].about} …)")


def _web_rules():
    return [(e, m, r, a) for e, m, r, a in RULES
            if e not in SKIPPED and not r.startswith("/api/")]


def test_every_route_has_values_for_its_path(world):
    unknown = sorted({f"{rule} ({name})" for _e, _m, rule, arguments in RULES
                      for name in arguments if name not in world["values"]
                      and name != "filename"})
    assert not unknown, "add a value to world['values'] for: " + "; ".join(unknown)


def test_web_forms_answer_hostile_input_with_4xx_and_change_nothing(app, client, login, world):
    """Every form any page renders, each field given each hostile value."""
    login(user=world["manager"])
    anonymous = app.test_client()
    values, failures, forms = world["values"], [], []
    gets = [_path(rule, values) for e, m, rule, _a in _web_rules() if m == "GET"]
    gets += [f"/tickets/{ticket.ref}" for ticket in world["tickets"]]
    for path in gets:
        forms += _forms_on(anonymous if path.startswith(("/sign-in", "/survey")) else client,
                           path)
    adapter = app.url_map.bind("localhost")
    covered = set()
    for form in forms:
        endpoint, _args = adapter.match(urlsplit(form["action"]).path, method="POST")
        covered.add(endpoint)
        who = anonymous if endpoint in ANONYMOUS else client
        _run(who, _form_probes(form), {}, failures)
    posts = {e for e, m, _r, _a in _web_rules() if m == "POST"}
    assert not failures, f"{len(failures)} hostile requests mishandled:\n" + "\n".join(
        failures[:40])
    assert posts <= covered, f"no rendered form posts to {sorted(posts - covered)}"
    page = client.get("/tickets/")
    assert page.status_code == 200 and world["owned"].ref in page.get_data(as_text=True)


def test_web_paths_and_queries_answer_hostile_input_with_4xx_and_change_nothing(
        app, client, login, world):
    """Every route's path arguments and query parameters, each given each hostile value (a
    separate test from the forms': the two halves run side by side)."""
    login(user=world["manager"])
    anonymous = app.test_client()
    values, failures = world["values"], []
    for endpoint, method, rule, arguments in _web_rules():
        who = anonymous if endpoint in ANONYMOUS else client
        probes = _path_probes(method, rule, arguments, values)
        probes += _query_probes(method, _path(rule, values), endpoint)
        _run(who, probes, {}, failures)
    assert not failures, f"{len(failures)} hostile requests mishandled:\n" + "\n".join(
        failures[:40])
    page = client.get("/tickets/")
    assert page.status_code == 200 and world["owned"].ref in page.get_data(as_text=True)


def test_the_json_api_answers_hostile_input_with_4xx_and_changes_nothing(client, world):
    from tickets.registry import BY_API_VERB

    values, failures, headers = world["values"], [], world["bearer"]
    ref = world["owned"].ref
    owned_now = {**NEW_TICKET, "own": True, "acknowledgement": "Apologised on the phone",
                 "next_contact_by": (clock.utcnow() + timedelta(hours=1)).isoformat()}
    _run(client, _json_probes("/api/v1/tickets", owned_now, CREATE_FIELDS), headers,
         failures)
    for verb, entry in BY_API_VERB.items():
        if entry.api_media != "json":
            continue
        kinds = {**_api_field_kinds(verb), "version": "number"}
        base = {"version": world["owned"].version}
        _run(client, _json_probes(f"/api/v1/tickets/{ref}/{verb}", base, kinds), headers,
             failures)
    for endpoint, method, rule, arguments in RULES:
        if not rule.startswith("/api/"):
            continue
        probes = _path_probes(method, rule, arguments, values)
        probes += _query_probes(method, _path(rule, values), endpoint)
        _run(client, probes, headers, failures)
    assert not failures, f"{len(failures)} hostile requests mishandled:\n" + "\n".join(
        failures[:40])
    listed = client.get("/api/v1/tickets", headers=headers)
    assert listed.status_code == 200 and ref in {t["ref"] for t in listed.get_json()["tickets"]}


def test_a_phone_sent_as_a_number_or_a_list_is_named_in_the_error(client, world):
    for phone in (13800138000, ["138", "0013"], {"n": 1}, True):
        response = client.post("/api/v1/tickets", data=_with(NEW_TICKET, "customer.phone", phone),
                               content_type="application/json", headers=world["bearer"])
        assert response.status_code == 400
        assert response.get_json()["error"]["fields"] == {"customer.phone": "must be a string"}


def test_nul_in_the_anonymous_sign_in_form_is_a_400_and_records_nothing(app, world):
    anonymous = app.test_client()
    before = _row_counts()
    for field_name in ("username", "password", "next"):
        data = {"username": world["manager"].username, "password": "correct horse",
                field_name: "nul\x00byte"}
        response = anonymous.post("/sign-in", data=_encoded(data.items()),
                                  content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400, field_name
    assert _row_counts() == before
    assert anonymous.get("/").status_code == 302, "still signed out"


# --- a promise in 2300: a field error, before the calendar walks ----------------------------

YEAR_2300_LOCAL, YEAR_2300 = "2300-01-01T00:00", "2300-01-01T00:00:00+00:00"


@pytest.fixture
def walked_days(monkeypatch):
    """Every local day the business calendar walks, counted (never timed)."""
    from sla.calendar import BusinessCalendar

    days, walk = [], BusinessCalendar._day_intervals
    monkeypatch.setattr(BusinessCalendar, "_day_intervals",
                        lambda self, day: days.append(day) or walk(self, day))
    return days


def _new_ticket_form(category_id: int, **extra) -> dict:
    return {"customer_name": "Zhang Wei", "customer_phone": "13800001111",
            "customer_tier": "standard", "channel": "front_desk", "dimension": "reliability",
            "category_id": str(category_id), "severity": "medium",
            "description": "The room was not cleaned", **extra}


def test_a_promise_in_2300_is_a_field_error_on_every_web_form(client, login, world,
                                                               walked_days):
    login(user=world["desk"])
    before = _row_counts()
    unowned, owned = world["unowned"], world["owned"]
    created = client.post("/tickets/new", data=_new_ticket_form(
        world["values"]["category_id"], own_now="y", acknowledgement="Apologised",
        next_contact_by=YEAR_2300_LOCAL))
    own = client.post(f"/tickets/{unowned.ref}/own", data={
        "own-acknowledgement": "Apologised", "own-next_contact_by": YEAR_2300_LOCAL,
        "own-version": str(unowned.version)})
    contact = client.post(f"/tickets/{owned.ref}/log_contact", data={
        "log_contact-note": "Called back", "log_contact-channel": "phone",
        "log_contact-next_contact_by": YEAR_2300_LOCAL,
        "log_contact-version": str(owned.version)})
    for response in (created, own, contact):
        assert response.status_code == 422
        assert "Choose a time within a year from now." in response.get_data(as_text=True)
    assert _row_counts() == before
    assert len(walked_days) < 100, "no day-by-day walk to 2300"


def test_a_promise_in_2300_is_a_field_error_through_the_api(client, world, walked_days):
    headers, before = world["bearer"], _row_counts()
    unowned, owned = world["unowned"], world["owned"]
    created = client.post("/api/v1/tickets", headers=headers, json={
        **NEW_TICKET, "own": True, "acknowledgement": "Apologised",
        "next_contact_by": YEAR_2300})
    own = client.post(f"/api/v1/tickets/{unowned.ref}/own", headers=headers, json={
        "acknowledgement": "Apologised", "next_contact_by": YEAR_2300,
        "version": unowned.version})
    contact = client.post(f"/api/v1/tickets/{owned.ref}/contacts", headers=headers, json={
        "note": "Called back", "channel": "phone", "next_contact_by": YEAR_2300,
        "version": owned.version})
    for response in (created, own, contact):
        assert response.status_code == 422
        assert response.get_json()["error"]["fields"] == {
            "next_contact_by": "Choose a time within a year from now."}
    assert _row_counts() == before
    assert len(walked_days) < 100, "no day-by-day walk to 2300"


def test_a_promise_stored_before_the_window_does_not_slow_the_lists(client, login, world,
                                                                    walked_days):
    """A promise for 2100 made before promises were bounded: the lists still compute every
    clock from whole weeks, so reading them walks days at the ends only."""
    from datetime import UTC, datetime

    owned = world["owned"]
    owned.next_contact_by = datetime(2100, 1, 1, tzinfo=UTC)
    db.session.commit()
    login(user=world["desk"])
    walked_days.clear()
    for path in ("/tickets/", "/tickets/mine", f"/tickets/{owned.ref}"):
        page = client.get(path)
        assert page.status_code == 200 and owned.ref in page.get_data(as_text=True)
    api = client.get(f"/api/v1/tickets/{owned.ref}", headers=world["bearer"])
    assert api.get_json()["sla"]["next_contact"]["due"].startswith("2100-01-01")
    assert len(walked_days) < 500, f"{len(walked_days)} days walked for four reads"
