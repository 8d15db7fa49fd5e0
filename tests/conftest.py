"""Shared fixtures: the app factory over both databases, a client, a runner, factories.

Every test that asks for `app` runs twice: on SQLite and on PostgreSQL. The
PostgreSQL leg uses a throw-away database created for this run and dropped after
it; it is skipped with a message when no server is reachable (never in CI).
"""

import os
import uuid

import pytest
from flask import g
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, text
from werkzeug.routing import Rule

from app import create_app
from core import clock
from extensions import db

PG_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = [b for b in os.environ.get("TEST_DATABASES", "sqlite,postgresql").split(",") if b]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _postgres_reachable() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    return None


class PostgresScratch:
    """Creates and drops one throw-away database on the local server."""

    def __init__(self, tag: str) -> None:
        self.name = f"rd_test_{tag}_{uuid.uuid4().hex[:10]}"
        self.admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")

    @property
    def url(self) -> str:
        return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + self.name

    def create(self) -> str:
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        return self.url

    def drop(self) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


def pytest_report_header(config):
    lines = [f"databases: {', '.join(BACKENDS)}"]
    if "postgresql" in BACKENDS:
        problem = _postgres_reachable()
        if problem:
            lines.append(f"PostgreSQL NOT reachable ({problem}): its leg will be skipped")
    return lines


def _worker_tag(request) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """One database per backend for the whole run, with the schema created."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "test.sqlite3"
        url = f"sqlite:///{path}"
        scratch = None
    else:
        problem = _postgres_reachable()
        if problem:
            if IN_CI:
                pytest.fail(f"PostgreSQL must be reachable in CI: {problem}")
            pytest.skip(f"PostgreSQL leg skipped: no server reachable ({problem})")
        scratch = PostgresScratch(_worker_tag(request))
        url = scratch.create()
    app = create_app(_test_config(url))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    yield url
    if scratch is not None:
        scratch.drop()


def _test_config(url: str) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        "SCHEDULER_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": "localhost",
        "ARGON2_PROFILE": "fast",
    }


class SharedTemplateCode(BytecodeCache):
    """Compiled templates shared by every app of the run. Each test makes its own app, whose
    Jinja environment would compile every template it renders again (most of a short page
    test's time); the code is keyed by the template's name and source, so an edited
    template is compiled anew."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = SharedTemplateCode()


def _share_url_builders() -> None:
    """Werkzeug compiles two URL-building functions (Python source, then `compile`) for
    every route of every app: nine tenths of `create_app`, which every test calls. The
    functions depend only on the rule's text, its parts and defaults, and reach the rule
    and its converters through their first argument, so one compiled function per rule
    serves every app of the run."""
    compile_builder = Rule._compile_builder
    compiled: dict[tuple, object] = {}

    def shared(self, append_unknown=True):
        key = (self.rule, tuple(self._trace), repr(sorted((self.defaults or {}).items())),
               append_unknown)
        if key not in compiled:
            compiled[key] = compile_builder(self, append_unknown)
        return compiled[key]

    Rule._compile_builder = shared


_share_url_builders()


def _forget_request_globals(_exc) -> None:
    """Requests share the test's app context, so clear `g` as a real request's end would."""
    g.__dict__.clear()


def _empty_tables() -> None:
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def app_config():
    """Extra overrides a test module may set (e.g. CSRF on)."""
    return {}


@pytest.fixture
def app(database_url, app_config):
    application = create_app({**_test_config(database_url), **app_config})
    application.jinja_env.bytecode_cache = TEMPLATE_CODE
    application.teardown_request(_forget_request_globals)
    with application.app_context():
        yield application
        _empty_tables()
        db.engine.dispose()
    clock.set_now(None)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_site(app):
    from sites.services import SiteInput, create_site

    counter = iter(range(1, 10_000))

    def factory(**overrides):
        fields = {
            "name": f"Site {next(counter)}",
            "timezone": "Asia/Shanghai",
            "hours": "24/7",
            "currency": "CNY",
        }
        fields.update(overrides)
        site = create_site(SiteInput(**fields))
        db.session.commit()
        return site

    return factory


@pytest.fixture
def make_user(app, make_site):
    from auth.services import UserInput, create_user

    counter = iter(range(1, 10_000))
    default_site = []

    def factory(role="front_desk", site=None, password="correct horse", **overrides):
        if site is None:
            if not default_site:
                default_site.append(make_site(name="Home Site"))
            site = default_site[0]
        fields = {"username": f"{role.replace('_', '')}{next(counter)}", "display_name": ""}
        fields.update(overrides)
        user = create_user(UserInput(role=role, site=site, password=password, **fields))
        db.session.commit()
        return user

    return factory


@pytest.fixture
def login(client, make_user):
    """Sign in through the real form as a new user of `role` (or as `user`)."""

    def sign_in(role="front_desk", user=None, **overrides):
        user = user or make_user(role, **overrides)
        client.delete_cookie("session", domain="localhost")
        data = {"username": user.username, "password": "correct horse"}
        token = csrf_token_on(client, "/sign-in")
        if token:
            data["csrf_token"] = token
        response = client.post("/sign-in", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return sign_in


def csrf_token_on(client, path: str) -> str | None:
    """The CSRF token rendered in the page at `path` (None when CSRF is off)."""
    import re

    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    return found.group(1) if found else None


@pytest.fixture
def make_ticket(app, make_user):
    """Open a ticket through the domain (owned by `owner` unless `owner=None`)."""
    from datetime import timedelta

    from customers.services import CustomerInput
    from tickets.categories import active_categories, ensure_default_categories
    from tickets.intake import NewTicket, open_ticket

    counter = iter(range(1, 10_000))

    def factory(owner="front_desk", site=None, opener=None, **overrides):
        ensure_default_categories()
        if owner == "front_desk":
            owner = make_user("front_desk", site=site)
        opener = opener or owner or make_user("front_desk", site=site)
        site = site or opener.site
        now = clock.utcnow()
        number = next(counter)
        fields = {
            "site": site,
            "channel": "front_desk",
            "dimension": "reliability",
            "category_id": active_categories()[0].id,
            "severity": "medium",
            "description": f"Complaint number {number}: the room was not ready",
            "customer": CustomerInput(name=f"Guest {number}", phone=f"1380000{number:04d}"),
            "own_now": owner is not None,
            "ownership": {
                "acknowledgement": "Apologised at the desk and explained what happens next",
                "next_contact_by": now + timedelta(hours=1),
            },
        }
        fields.update(overrides)
        ticket = open_ticket(opener, NewTicket(**fields), now)
        db.session.commit()
        return ticket

    return factory


def pytest_collection_modifyitems(config, items):
    """sqlite_only tests (browser journeys) run on the embedded database only, postgres_only
    tests (row locks between processes) on PostgreSQL only."""
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("database_url") if callspec else None
        wrong_backend = (
            item.get_closest_marker("sqlite_only") and backend not in (None, "sqlite")
        ) or (item.get_closest_marker("postgres_only") and backend != "postgresql")
        if wrong_backend:
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


FIX_FIELDS = {
    "action": "Move the guest to a quiet room on floor 12 tonight",
    "remedy_type": "upgrade",
    "compensation": "0",
}
RESOLUTION_FIELDS = {
    "outcome": "Moved to 1203; guest thanked us",
    "customer_response": "accepted",
    "root_cause": "process",
    "root_cause_note": "Noisy rooms were not flagged at check-in",
    "fault": "us",
}


@pytest.fixture
def resolve_ticket(app):
    """Walk an owned ticket through a fix offer to resolved (at the clock's now), so its
    follow-ups are planned. Returns the ticket."""
    from datetime import timedelta

    from tickets.actions import perform

    def walk(ticket, **resolution):
        now = clock.utcnow()
        owner = ticket.owner
        fix = {**FIX_FIELDS, "committed_by": now + timedelta(hours=2)}
        perform(ticket, "offer_fix", owner, fix, version=None, now=now)
        perform(ticket, "resolve", owner, {**RESOLUTION_FIELDS, **resolution}, version=None,
                now=now)
        db.session.commit()
        return ticket

    return walk
