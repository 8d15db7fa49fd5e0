"""The load of `make bench`: staff journeys, ticket creation by API, and the ceiling.

`bench/run.py` runs one user class per phase:

    locust -f bench/locustfile.py --headless ... StaffUser     the staff journeys
    locust -f bench/locustfile.py --headless ... CreatorUser   POST /api/v1/tickets, no pause
    locust -f bench/locustfile.py --headless ... CeilingUser   bench/ceiling.py's one route

Each journey has its own locust name (the rows of the stats). Environment:

    BENCH_CONTEXT   JSON written by `python -m bench.timings prepare` (accounts with password
                    and API token, ticket refs of their site, active categories)
    BENCH_WAIT      think time between a user's steps, "MIN-MAX" seconds (default 0.1-0.5)
    BENCH_WARMUP    seconds at the start left out of BENCH_SAMPLES (default 3)
    BENCH_SAMPLES   where to write every response time (ms) per name, after the warm-up

Page requests do not follow redirects: a page answered with anything but 200 (a 302 to
the sign-in page, a 4xx or 5xx) is a failure, and so is a form post answered with
anything but its 302 (a 422 form sent back with errors, a 409).
"""

import itertools
import json
import os
import random
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from locust import FastHttpUser, between, constant, events, task

RNG = random.Random(2026)  # nosec B311  # load-test data, not security
CONTEXT = (json.loads(Path(os.environ["BENCH_CONTEXT"]).read_text())
           if os.environ.get("BENCH_CONTEXT") else {})
WAIT_MIN, _, WAIT_MAX = os.environ.get("BENCH_WAIT", "0.1-0.5").partition("-")
THINK = between(float(WAIT_MIN), float(WAIT_MAX or WAIT_MIN))
WARMUP = float(os.environ.get("BENCH_WARMUP", "3"))
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
CSRF = re.compile(r'name="(?:[a-z_]+-)?csrf_token"[^>]*value="([^"]+)"')
HIDDEN = re.compile(r'<input[^>]*name="([^"]+)"[^>]*type="hidden"[^>]*value="([^"]*)"')
CATEGORY_OPTION = re.compile(r'<option data-dimension="([a-z]+)" value="(\d+)">')
TICKET_URL = re.compile(r"/tickets/(SR-\d+)$")
_account_numbers = itertools.count()

# --- every response time per name, after the warm-up (locust's CSVs round them) ----------
_samples: dict[str, dict] = {}
_started: list[float] = []


@events.test_start.add_listener
def _on_start(**_kwargs) -> None:
    _started.append(time.monotonic())


@events.request.add_listener
def _on_request(name, response_time, exception=None, response=None, **_kwargs) -> None:
    if not _started or time.monotonic() - _started[0] < WARMUP:
        return
    entry = _samples.setdefault(name, {"times": [], "failures": 0, "errors": {}})
    if exception is None:
        entry["times"].append(response_time)
        return
    entry["failures"] += 1
    status = getattr(response, "status_code", None)
    reason = f"{status} {exception}"[:200]
    entry["errors"][reason] = entry["errors"].get(reason, 0) + 1


@events.test_stop.add_listener
def _on_stop(**_kwargs) -> None:
    path = os.environ.get("BENCH_SAMPLES")
    if not path or not _started:
        return
    window = time.monotonic() - _started[0] - WARMUP
    Path(path).write_text(json.dumps({"window": window, "requests": _samples}))


# --- helpers ---------------------------------------------------------------------------


def _account() -> dict:
    accounts = CONTEXT["accounts"]
    return accounts[next(_account_numbers) % len(accounts)]


def _later(days: float) -> str:
    """A datetime-local value `days` ahead (safely in the future in any site's zone)."""
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _phone() -> str:
    return "139" + "".join(RNG.choice("0123456789") for _ in range(8))


def _form_fields(html: str, action_path: str) -> dict[str, str] | None:
    """The hidden fields (version, CSRF token) of the form posting to `action_path`."""
    match = re.search(rf'<form[^>]*action="{re.escape(action_path)}".*?</form>', html, re.S)
    return dict(HIDDEN.findall(match.group(0))) if match else None


class _Pages(FastHttpUser):
    """A signed-in member of staff: pages must answer 200, posts their redirect."""

    abstract = True

    def page(self, path: str, name: str) -> str | None:
        with self.client.get(path, name=name, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                where = response.headers.get("Location", "")
                response.failure(f"HTTP {response.status_code} {where}".strip())
                return None
            return response.text

    def post_form(self, path: str, data: dict, name: str) -> str | None:
        """Post a form; returns the redirect's target, None (and a failure) otherwise."""
        with self.client.post(path, data=urlencode(data), headers=FORM, name=name,
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"HTTP {response.status_code}")
                return None
            return response.headers.get("Location", "")

    def api(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, headers=self.api_headers,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} {response.text[:120]}")


class StaffUser(_Pages):
    """A front-desk user working the site's queues, in the browser and through the API."""

    wait_time = THINK

    def on_start(self) -> None:
        account = _account()
        self.api_headers = {"Authorization": f"Bearer {account['token']}",
                            "Accept": "application/json"}
        self.refs = CONTEXT["refs"]
        page = self.page("/sign-in", "sign in: form") or ""
        token = CSRF.search(page)
        self.post_form("/sign-in", {
            "csrf_token": token.group(1) if token else "", "next": "",
            "username": account["username"], "password": account["password"],
        }, "sign in")

    # --- reading: pages ----------------------------------------------------------------

    @task(3)
    def home(self) -> None:
        self.page("/", "home")

    @task(3)
    def my_tickets(self) -> None:
        self.page("/tickets/mine", "my tickets")

    @task(3)
    def site_list(self) -> None:
        self.page("/tickets/", "site ticket list")

    @task(2)
    def overdue_list(self) -> None:
        self.page("/tickets/?overdue=1", "overdue list")

    @task(4)
    def ticket_page(self) -> None:
        self.page(f"/tickets/{RNG.choice(self.refs)}", "ticket page")

    # --- reading: API ------------------------------------------------------------------

    @task(3)
    def api_list(self) -> None:
        self.api("/api/v1/tickets", "api: ticket list")

    @task(2)
    def api_overdue(self) -> None:
        self.api("/api/v1/tickets?overdue=true", "api: overdue list")

    @task(3)
    def api_detail(self) -> None:
        self.api(f"/api/v1/tickets/{RNG.choice(self.refs)}", "api: ticket")

    # --- the desk's own work: open, own, offer a fix -------------------------------------

    @task(2)
    def desk_work(self) -> None:
        """Open a ticket for a new customer through the web form, own it, offer a fix:
        each post after reading its form (CSRF token, version), with think time between."""
        ref = self.open_ticket()
        if ref is None:
            return
        self.wait()
        if not self.own(ref):
            return
        self.wait()
        self.offer_fix(ref)

    def open_ticket(self) -> str | None:
        page = self.page("/tickets/new", "open ticket: form")
        token = CSRF.search(page or "")
        categories = CATEGORY_OPTION.findall(page or "")
        if token is None or not categories:
            return None
        dimension, category_id = RNG.choice(categories)
        target = self.post_form("/tickets/new", {
            "csrf_token": token.group(1), "customer_id": "",
            "customer_name": f"Bench Guest {RNG.randrange(10**6)}",
            "customer_phone": _phone(), "customer_email": "", "customer_tier": "standard",
            "customer_locale": "en", "channel": "front_desk", "dimension": dimension,
            "category_id": category_id, "severity": RNG.choice(["low", "medium", "high"]),
            "description": "The room was not ready at check-in and the guest waited an hour.",
            "desired_outcome": "A room now and an apology.", "booking_ref": "",
            "acknowledgement": "", "next_contact_by": "",
        }, "open ticket")
        found = TICKET_URL.search(target or "")
        return found.group(1) if found else None

    def _step(self, ref: str, action: str, fields: dict, name: str) -> bool:
        page = self.page(f"/tickets/{ref}", f"{name}: ticket page")
        hidden = _form_fields(page or "", f"/tickets/{ref}/{action}")
        if hidden is None:
            return False
        data = {**hidden, **{f"{action}-{key}": value for key, value in fields.items()}}
        return self.post_form(f"/tickets/{ref}/{action}", data, name) is not None

    def own(self, ref: str) -> bool:
        return self._step(ref, "own", {
            "acknowledgement": "Apologised at the desk; moving the guest to a ready room.",
            "next_contact_by": _later(1),
        }, "own")

    def offer_fix(self, ref: str) -> bool:
        return self._step(ref, "offer_fix", {
            "action": "Housekeeping readies a new room within 30 minutes; bags moved for them.",
            "remedy_type": "repair_redo", "compensation": "0.00", "committed_by": _later(2),
        }, "offer fix")


class CreatorUser(FastHttpUser):
    """A kiosk or integration opening tickets through the API as fast as it is answered."""

    wait_time = constant(0)

    def on_start(self) -> None:
        account = _account()
        self.headers = {"Authorization": f"Bearer {account['token']}"}
        self.categories = CONTEXT["categories"]

    @task
    def create(self) -> None:
        dimension, category = RNG.choice(self.categories)
        body = {
            "customer": {"name": f"API Guest {RNG.randrange(10**6)}", "phone": _phone()},
            "channel": RNG.choice(["phone", "front_desk", "email"]),
            "dimension": dimension, "category": category,
            "severity": RNG.choice(["low", "medium", "high"]),
            "description": "Breakfast was cold and the staff did not replace it.",
        }
        with self.client.post("/api/v1/tickets", json=body, headers=self.headers,
                              name="api: create ticket", catch_response=True) as response:
            if response.status_code != 201:
                response.failure(f"HTTP {response.status_code} {response.text[:120]}")


class CeilingUser(FastHttpUser):
    """The same users and think time against bench/ceiling.py's one route."""

    wait_time = THINK

    @task
    def ceiling(self) -> None:
        self.client.get("/", name="ceiling")
