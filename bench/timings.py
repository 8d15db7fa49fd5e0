"""Work timed inside one Python process, for `bench/run.py` (`python -m bench.timings ...`).

Each subcommand creates the app from the environment (DATABASE_URL and friends, set by the
runner), does its work inside the app context, and prints one JSON object on its last line
of standard output; logging goes to standard error. Timings start after `create_app()`
and the first query, so they exclude the process's start-up.

    prepare --out FILE      the accounts (fresh passwords, API tokens), refs and categories
                            the locust journeys use
    count                   what the database holds
    sweep [--repeat N]      `jobs.sweep.sweep(utcnow())` + commit, N times
    drain-outbox            send what is due in the outbox (no SMTP: logged), within a budget
    report --live|--stored  last week's report for all sites: computed, or read back stored
    sweep-due               move the clock until 1 % of the open tickets are newly due, time
                            that sweep, and say when the next 1 % falls due
    flask-at MOMENT ARGS    a `flask` command with the clock pinned at MOMENT (ISO 8601)
"""

import argparse
import json
import secrets
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select


def _emit(data: dict) -> None:
    sys.stdout.write(json.dumps(data, default=str) + "\n")
    sys.stdout.flush()


def _app():
    from app import create_app

    app = create_app()
    return app


def _summary(times: list[float]) -> dict:
    return {
        "times": times,
        "median": statistics.median(times) if times else None,
        "min": min(times) if times else None,
        "max": max(times) if times else None,
    }


def _open_states():
    from core.vocabulary import OPEN_STATES

    return [str(state) for state in OPEN_STATES]


def counts() -> dict:
    from auth.models import User
    from core.clock import utcnow
    from customers.models import Customer
    from extensions import db
    from outbox.models import OutboxMessage
    from sites.models import Site
    from tickets.models import Ticket

    def scalar(stmt) -> int:
        return int(db.session.scalar(stmt) or 0)

    now = utcnow()
    by_status = dict(db.session.execute(
        select(Ticket.status, func.count(Ticket.id)).group_by(Ticket.status)).all())
    return {
        "tickets": sum(by_status.values()),
        "by_status": by_status,
        "open": sum(n for status, n in by_status.items() if status in _open_states()),
        "due_now": scalar(select(func.count(Ticket.id)).where(Ticket.sla_next_check_at <= now)),
        "sites": scalar(select(func.count(Site.id))),
        "users": scalar(select(func.count(User.id))),
        "customers": scalar(select(func.count(Customer.id))),
        "outbox_pending": scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.status == "pending")),
    }


def cmd_count(_args) -> None:
    with _app().app_context():
        _emit(counts())


def _busiest_site():
    from extensions import db
    from sites.models import Site
    from tickets.models import Ticket

    row = db.session.execute(
        select(Ticket.site_id, func.count(Ticket.id).label("n"))
        .group_by(Ticket.site_id).order_by(func.count(Ticket.id).desc()).limit(1)
    ).first()
    if row is None:
        return db.session.scalar(select(Site).order_by(Site.id).limit(1))
    return db.session.get(Site, row.site_id)


def _desk_accounts(site, wanted: int) -> list:
    """The site's active front-desk users, those owning the most open tickets first (their
    "my tickets" is the realistic one); a bench user is created when the site has none."""
    from auth.models import User
    from auth.services import UserInput, create_user
    from core.vocabulary import Role
    from extensions import db
    from tickets.models import Ticket

    owned = (
        select(Ticket.owner_id, func.count(Ticket.id).label("n"))
        .where(Ticket.status.in_(_open_states()))
        .group_by(Ticket.owner_id).subquery()
    )
    stmt = (
        select(User)
        .outerjoin(owned, owned.c.owner_id == User.id)
        .where(User.site_id == site.id, User.role == str(Role.FRONT_DESK),
               User.active.is_(True))
        .order_by(func.coalesce(owned.c.n, 0).desc(), User.id)
        .limit(wanted)
    )
    users = list(db.session.scalars(stmt))
    if not users:
        users = [create_user(UserInput(
            username="bench-desk", role=str(Role.FRONT_DESK), site=site,
            display_name="Bench Desk", email="", locale="en",
            password=secrets.token_urlsafe(18),
        ))]
    return users


def _sample_refs(site, wanted: int) -> list[str]:
    from extensions import db
    from tickets.models import Ticket, format_ref

    stmt = (select(Ticket.id).where(Ticket.site_id == site.id)
            .order_by(func.random()).limit(wanted))
    return [format_ref(ticket_id) for ticket_id in db.session.scalars(stmt)]


def cmd_prepare(args) -> None:
    """Fresh passwords and API tokens for a few front-desk users of the busiest site (this
    is a throw-away database), a random sample of that site's tickets and the active
    categories: everything `bench/locustfile.py` needs, written to --out."""
    from auth.services import reset_password
    from auth.tokens import create_token
    from core.clock import utcnow
    from core.transaction import finish
    from tickets.categories import active_categories

    with _app().app_context():
        site = _busiest_site()
        if site is None:
            raise SystemExit("the database has no site: was it seeded?")
        accounts = []
        for user in _desk_accounts(site, args.accounts):
            password = secrets.token_urlsafe(18)
            reset_password(user, password)
            _token, plain = create_token(user, "bench load", utcnow())
            accounts.append({"username": user.username, "password": password, "token": plain})
        context = {
            "site": site.name,
            "timezone": site.timezone,
            "accounts": accounts,
            "refs": _sample_refs(site, args.refs),
            "categories": [[c.dimension, c.name] for c in active_categories()],
        }
        finish(True)
        Path(args.out).write_text(json.dumps(context, indent=2))
        found = counts()
        _emit({"site": site.name, "accounts": [a["username"] for a in accounts],
               "refs": len(context["refs"]), **found})


def _timed_sweep(now: datetime) -> tuple[float, object]:
    from core.transaction import finish
    from jobs.sweep import sweep

    started = time.perf_counter()
    report = sweep(now)
    finish(True)
    return time.perf_counter() - started, report


def cmd_sweep(args) -> None:
    from core.clock import utcnow
    from extensions import db

    with _app().app_context():
        db.session.execute(select(1))  # the connection is not the sweep's work
        db.session.rollback()
        times, checked, steps = [], [], []
        for _ in range(args.repeat):
            seconds, report = _timed_sweep(utcnow())
            times.append(seconds)
            checked.append(report.checked)
            steps.append(sum(report.steps.values()))
            db.session.remove()
        _emit({**_summary(times), "checked": checked, "steps": steps})


def cmd_drain_outbox(args) -> None:
    from core.clock import utcnow
    from outbox.sender import send_due

    with _app().app_context():
        started, sent = time.perf_counter(), 0
        while time.perf_counter() - started < args.budget:
            done = sum(send_due(utcnow()).values())
            if not done:
                break
            sent += done
        seconds = time.perf_counter() - started
        _emit({"sent": sent, "seconds": seconds, "later": counts()["outbox_pending"]})


def _last_week() -> str:
    from core.clock import utcnow
    from reports.weeks import previous_week, week_of

    return str(previous_week(week_of(utcnow(), "UTC")))


def cmd_report(args) -> None:
    """Last week's report for all sites, as `flask report weekly` chooses it: computed
    (`reports.snapshots.report_figures`), or the stored copy read back."""
    from core.clock import utcnow
    from extensions import db
    from reports.snapshots import report_figures, stored

    with _app().app_context():
        week = _last_week()
        db.session.execute(select(1))
        db.session.rollback()
        times, size = [], 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            if args.stored:
                snapshot = stored(week, None)
                if snapshot is None:
                    raise SystemExit(f"week {week} is not stored")
                figures = snapshot.figures
            else:
                figures = report_figures(week, None, utcnow())
            times.append(time.perf_counter() - started)
            size = len(json.dumps(figures, default=str))
            db.session.remove()
        _emit({**_summary(times), "week": week, "json_bytes": size,
               "mode": "stored" if args.stored else "live"})


def _nth_next_check(after: datetime, n: int) -> tuple[datetime | None, int]:
    """The moment by which about `n` more open tickets fall due after `after`, and how many
    that is: at most `n` when tickets sharing one next-check time allow it (several often
    wait for the same site opening), else the first such group."""
    from extensions import db
    from tickets.models import Ticket

    waiting = (select(Ticket.sla_next_check_at)
               .where(Ticket.status.in_(_open_states()), Ticket.sla_next_check_at > after))
    first = list(db.session.scalars(
        waiting.order_by(Ticket.sla_next_check_at).limit(n + 1)))
    if not first:
        return None, 0
    moment = first[min(n, len(first)) - 1]
    if len(first) > n and first[n] == moment:
        earlier = [t for t in first[:n] if t < moment]
        moment = earlier[-1] if earlier else moment
    due = db.session.scalar(select(func.count()).select_from(
        waiting.where(Ticket.sla_next_check_at <= moment).subquery()))
    return moment, int(due or 0)


def cmd_sweep_due(args) -> None:
    """Sweep what is due now (untimed: the backlog), then move the clock to when
    `--fraction` of the open tickets have newly fallen due and time that sweep + commit.
    Also says when the next such fraction falls due (for the command's wall time)."""
    from core.clock import set_now, utcnow
    from extensions import db

    with _app().app_context():
        _timed_sweep(utcnow())
        db.session.remove()
        found = counts()
        wanted = max(1, round(found["open"] * args.fraction))
        moment, due = _nth_next_check(utcnow(), wanted)
        if moment is None:
            _emit({"open": found["open"], "wanted": wanted, "newly_due": 0, "seconds": None})
            return
        set_now(moment)
        seconds, report = _timed_sweep(moment)
        db.session.remove()
        next_moment, next_due = _nth_next_check(moment, wanted)
        _emit({
            "open": found["open"], "wanted": wanted, "newly_due": due, "at": moment.isoformat(),
            "seconds": seconds, "checked": report.checked, "steps": report.steps,
            "follow_ups": report.follow_ups,
            "next_at": next_moment.isoformat() if next_moment else None, "next_due": next_due,
        })


def cmd_flask_at(args) -> None:
    """`flask ARGS` with `core.clock` pinned at MOMENT: the app's own clock override."""
    from flask.cli import FlaskGroup

    from core.clock import set_now

    set_now(datetime.fromisoformat(args.moment))
    FlaskGroup(create_app=_app).main(args=args.flask_args, prog_name="flask")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.timings", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    prepare = sub.add_parser("prepare")
    prepare.add_argument("--out", required=True)
    prepare.add_argument("--accounts", type=int, default=4)
    prepare.add_argument("--refs", type=int, default=300)
    prepare.set_defaults(run=cmd_prepare)
    sub.add_parser("count").set_defaults(run=cmd_count)
    sweep = sub.add_parser("sweep")
    sweep.add_argument("--repeat", type=int, default=3)
    sweep.set_defaults(run=cmd_sweep)
    drain = sub.add_parser("drain-outbox")
    drain.add_argument("--budget", type=float, default=120.0, help="seconds")
    drain.set_defaults(run=cmd_drain_outbox)
    report = sub.add_parser("report")
    mode = report.add_mutually_exclusive_group(required=True)
    mode.add_argument("--live", dest="stored", action="store_false")
    mode.add_argument("--stored", dest="stored", action="store_true")
    report.add_argument("--repeat", type=int, default=3)
    report.set_defaults(run=cmd_report)
    due = sub.add_parser("sweep-due")
    due.add_argument("--fraction", type=float, default=0.01)
    due.set_defaults(run=cmd_sweep_due)
    at = sub.add_parser("flask-at")
    at.add_argument("moment")
    at.add_argument("flask_args", nargs=argparse.REMAINDER)
    at.set_defaults(run=cmd_flask_at)
    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()
