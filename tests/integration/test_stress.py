"""A bounded stress test on PostgreSQL: gunicorn with three workers and the dedicated
scheduler process, six people working the same tickets at once through the pages and the
API, the SLA sweep run by the scheduler and by hand at the same time, mail going out to an
SMTP sink. Then: no answer was a 5xx, no process logged a traceback, no mail was given up,
and `flask check-integrity` (the invariant checker) finds nothing.

Bounded: OPERATIONS in all (a few hundred), and a deadline; every request has a timeout.
"""

import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from sqlalchemy import func, select

from auth.tokens import create_token
from core import clock
from extensions import db
from outbox.models import OutboxMessage
from tests.support import servers
from tests.support.smtp import SmtpSink
from tests.support.web import TIMEOUT, Browser
from tickets.categories import active_categories, ensure_default_categories

pytestmark = [pytest.mark.postgres_only, pytest.mark.timeout(240)]

PEOPLE = (("front_desk", 3), ("supervisor", 2), ("manager", 1))
OPERATIONS_PER_PERSON = 50
DEADLINE_SECONDS = 80
HAND_SWEEPS = 4
ZONE = ZoneInfo("Asia/Shanghai")


def _later(hours: float) -> datetime:
    return datetime.now(UTC) + timedelta(hours=hours)


@dataclass
class Shared:
    """What every person sees: the tickets in play and the answers so far."""

    refs: list[str]
    categories: list[tuple[str, str]]
    statuses: list[tuple[str, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, what: str, status: int) -> None:
        with self.lock:
            self.statuses.append((what, status))

    def ref(self, rng: random.Random) -> str:
        with self.lock:
            return rng.choice(self.refs)


class Person:
    """One signed-in user: a browser for the pages, a bearer token for the API."""

    def __init__(self, base_url: str, user, token: str, shared: Shared, seed: int) -> None:
        self.base_url, self.role, self.shared = base_url, user.role, shared
        self.rng = random.Random(seed)  # the same mix of operations on every run
        self.browser = Browser(base_url).sign_in(user.username)
        self.api_session = requests.Session()
        self.api_session.headers["Authorization"] = f"Bearer {token}"

    def api(self, what: str, method: str, path: str, body: dict | None = None) -> dict:
        response = self.api_session.request(method, self.base_url + "/api/v1" + path,
                                            json=body, timeout=TIMEOUT)
        self.shared.record(what, response.status_code)
        return response.json() if response.status_code < 300 else {}

    def page(self, path: str) -> None:
        self.shared.record("GET " + path.split("?")[0], self.browser.get(path).status_code)

    def form(self, what: str, path: str, data: dict) -> None:
        self.shared.record(what, self.browser.post(path, data).status_code)

    def seen(self, status: str | None = None, mine: bool = False) -> tuple[str, int]:
        """A ticket in play and the version this person saw of it: mostly one in `status`
        (of this person's when `mine`), sometimes any ticket (refusals and races too)."""
        if status and self.rng.random() < 0.8:
            query = f"/tickets?status={status}&per_page=20" + ("&owner=me" if mine else "")
            found = self.api("GET tickets", "GET", query).get("tickets", [])
            if found:
                ticket = self.rng.choice(found)
                return ticket["ref"], ticket["version"]
        ref = self.shared.ref(self.rng)
        return ref, self.api("GET ticket", "GET", f"/tickets/{ref}").get("version", 0)

    def close(self) -> None:
        self.browser.close()
        self.api_session.close()


def create(person: Person) -> None:
    name, dimension = person.rng.choice(person.shared.categories)
    number = person.rng.randrange(10_000)
    body = {"customer": {"name": f"Guest {number}", "phone": f"+86 139 0000 {number:04d}"},
            "channel": "front_desk", "dimension": dimension, "category": name,
            "severity": person.rng.choice(["low", "medium", "high", "critical"]),
            "description": f"Stress complaint {number}: the room was cold"}
    created = person.api("create", "POST", "/tickets", body)
    if created.get("ref"):
        with person.shared.lock:
            person.shared.refs.append(created["ref"])


def own(person: Person) -> None:
    ref, version = person.seen("new")
    person.api("own", "POST", f"/tickets/{ref}/own", {
        "acknowledgement": "Apologised at the desk", "version": version,
        "next_contact_by": _later(2).isoformat()})


def own_on_the_page(person: Person) -> None:
    ref, version = person.seen("new")
    person.form("web own", f"/tickets/{ref}/own", {
        "own-acknowledgement": "Apologised in person", "own-version": str(version),
        "own-next_contact_by": _later(3).astimezone(ZONE).strftime("%Y-%m-%dT%H:%M")})


def contact(person: Person) -> None:
    ref, version = person.seen("owned", mine=True)
    person.api("contact", "POST", f"/tickets/{ref}/contacts",
               {"note": "Called the guest", "channel": "phone", "version": version})


def contact_on_the_page(person: Person) -> None:
    ref, version = person.seen("owned", mine=True)
    person.form("web contact", f"/tickets/{ref}/log_contact", {
        "log_contact-note": "Spoke at the desk", "log_contact-channel": "front_desk",
        "log_contact-version": str(version)})


def offer_fix(person: Person) -> None:
    ref, version = person.seen("owned", mine=True)
    amount = person.rng.choice(["0", "80.00", "960.00"])
    person.api("offer fix", "POST", f"/tickets/{ref}/offer-fix", {
        "action": "Move the guest to a quiet room", "remedy_type": "upgrade",
        "compensation": amount, "committed_by": _later(5).isoformat(), "version": version})


def approve(person: Person) -> None:
    ref, version = person.seen("awaiting_approval")
    person.api("approve", "POST", f"/tickets/{ref}/approve", {"version": version})


def escalate(person: Person) -> None:
    ref, version = person.seen("owned")
    person.api("escalate", "POST", f"/tickets/{ref}/escalate",
               {"reason": "The guest is a regular", "version": version})


def resolve(person: Person) -> None:
    ref, version = person.seen("fix_offered", mine=True)
    person.api("resolve", "POST", f"/tickets/{ref}/resolve", {
        "outcome": "Moved to a quiet room", "customer_response": "accepted",
        "root_cause": "process", "root_cause_note": "Noisy rooms not flagged", "fault": "us",
        "version": version})


def follow_up(person: Person) -> None:
    ref, _version = person.seen("resolved")
    person.api("follow-up", "POST", f"/tickets/{ref}/follow-ups", {
        "kind": "check_in", "reached": True, "recovered": True, "comment": "All well now"})


def read_pages(person: Person) -> None:
    ref = person.shared.ref(person.rng)
    path = person.rng.choice(["/tickets/", "/tickets/unowned", "/tickets/mine", "/",
                              f"/tickets/{ref}", "/notifications/", "/follow-ups/",
                              "/customers/", "/tickets/?page=2"])
    person.page(path)


def read_lead_pages(person: Person) -> None:
    person.page(person.rng.choice(["/sla/board", "/tickets/approvals", "/reports/weekly",
                                   "/reports/weekly.csv"]))


def read_api(person: Person) -> None:
    ref = person.shared.ref(person.rng)
    path = person.rng.choice(["/tickets", f"/tickets/{ref}", "/notifications",
                              "/tickets?status=owned", "/tickets?overdue=true"])
    person.api("GET " + path.split("?")[0], "GET", path)


MIX = {
    "front_desk": [(create, 3), (own, 3), (own_on_the_page, 2), (contact, 3),
                   (contact_on_the_page, 2), (offer_fix, 3), (resolve, 3), (follow_up, 1),
                   (read_pages, 4), (read_api, 3)],
    "supervisor": [(approve, 3), (escalate, 2), (own, 1), (contact, 1), (resolve, 1),
                   (read_lead_pages, 3), (read_pages, 2), (read_api, 2)],
    "manager": [(approve, 2), (escalate, 1), (read_lead_pages, 4), (read_pages, 2),
                (read_api, 2), (create, 1)],
}


def _work(person: Person, deadline: float) -> None:
    operations, weights = zip(*MIX[person.role], strict=True)
    try:
        for _ in range(OPERATIONS_PER_PERSON):
            if time.monotonic() > deadline:
                return
            person.rng.choices(operations, weights)[0](person)
    except (requests.RequestException, ValueError) as error:
        with person.shared.lock:
            person.shared.errors.append(f"{person.role}: {type(error).__name__}: {error}")
    finally:
        person.close()


def _hand_sweeps(env: dict, done: threading.Event, results: list) -> None:
    """`flask sla sweep` beside the scheduler's own, a few times while the load runs."""
    for _ in range(HAND_SWEEPS):
        if done.wait(8):
            return
        results.append(servers.run_cli(env, "sla", "sweep"))


def _cast(make_site, make_user, make_ticket) -> tuple[list, list[str]]:
    """The site, its people (with e-mail, so steps send mail) and tickets in play: some
    already late (the sweeps climb their ladder), some owned."""
    site = make_site(name="Stress Hotel")
    people = [make_user(role, site=site, email=f"{role}{n}@stress.example")
              for role, count in PEOPLE for n in range(count)]
    refs = []
    real_now = datetime.now(UTC)
    for hours_ago, owner in ((5, None), (3, None), (1, None), (0, people[0]), (0, None),
                             (0, people[1]), (2, people[2]), (0, None)):
        clock.set_now(real_now - timedelta(hours=hours_ago))
        refs.append(make_ticket(owner=owner, site=site, severity="high").ref)
    clock.set_now(None)
    return people, refs


def test_many_people_at_once_leave_no_5xx_and_a_sound_database(app, database_url, tmp_path,
                                                                 make_site, make_user,
                                                                 make_ticket):
    ensure_default_categories()
    categories = [(c.name, c.dimension) for c in active_categories()]
    people, refs = _cast(make_site, make_user, make_ticket)
    tokens = [create_token(user, "stress", clock.utcnow())[1] for user in people]
    db.session.commit()
    shared = Shared(refs=refs, categories=categories)
    with SmtpSink() as sink:
        env = servers.server_environment(database_url, tmp_path, SMTP_URL=sink.url)
        with servers.Gunicorn(env, tmp_path, workers=3) as server, \
                servers.scheduler(env, tmp_path) as scheduler:
            persons = [Person(server.base_url, user, token, shared, seed)
                       for seed, (user, token) in enumerate(zip(people, tokens, strict=True))]
            deadline = time.monotonic() + DEADLINE_SECONDS
            done, sweeps = threading.Event(), []
            threads = [threading.Thread(target=_work, args=(p, deadline)) for p in persons]
            threads.append(threading.Thread(target=_hand_sweeps, args=(env, done, sweeps)))
            for thread in threads:
                thread.start()
            for thread in threads[:-1]:
                thread.join(timeout=DEADLINE_SECONDS + 2 * TIMEOUT)
            done.set()
            threads[-1].join(timeout=2 * TIMEOUT)
            flushed = servers.run_cli(env, "outbox", "send")
        logs = {"gunicorn": server.output(), "scheduler": scheduler.output()}

    assert not shared.errors, shared.errors
    failures = [(what, status) for what, status in shared.statuses if status >= 500]
    assert not failures, failures
    assert len(shared.statuses) >= 200
    changes = [s for what, s in shared.statuses if not what.startswith("GET") and s < 400]
    assert len(changes) >= 40, sorted(set(shared.statuses))
    for name, text in logs.items():
        assert "Traceback" not in text, f"{name} log:\n{text[-4000:]}"
    assert all(run.returncode == 0 for run in sweeps), [run.stderr for run in sweeps]
    assert flushed.returncode == 0, flushed.stderr

    db.session.rollback()
    given_up = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status == "failed"))
    sent = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status == "sent"))
    assert given_up == 0
    assert sent > 0 and sink.received >= sent

    integrity = servers.run_cli(env, "check-integrity")
    assert integrity.returncode == 0, integrity.stdout + integrity.stderr
