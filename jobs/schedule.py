"""The schedule (APScheduler): the SLA sweep every minute, the outbox every 15 seconds,
every five minutes a look at whether a site's Monday 08:00 has come, to store and mail
last week's report, every fifteen minutes a look at whose daily notification digest is due,
once a day the retention rule for inactive customers, and every minute the customers' mail
from IMAP_URL when it is set. Each job
runs behind `core.transaction.run_job`: one commit on success, a rollback and a log line
on failure, never an exception into the scheduler.

In-process for `flask run` unless SCHEDULER_ENABLED is set to 0/false (unset means on for
`flask run`, off for every other command and in tests): started once, in the serving process
only (not in the reloader's watcher, not for other CLI commands).
For production with several web workers, run `flask scheduler run` as its own process and
leave SCHEDULER_ENABLED off for the workers. Missed runs are coalesced into one, and the
first run happens at start, so a restart catches up at once.
"""

import logging
import os
from datetime import UTC, timedelta

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from config import TRUE_WORDS
from core.clock import utcnow
from core.transaction import run_job
from outbox.sender import send_due

log = logging.getLogger(__name__)
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}


def _log_lines(lines) -> None:
    for line in lines:
        log.info(line)


def run_sweep(app: Flask) -> None:
    """The SLA ladder and the due follow-ups (one transaction), then the outbox."""
    from jobs import sweep

    report = run_job(app, "SLA sweep", lambda: sweep.sweep(utcnow()))
    if report is None:
        log.error("the SLA sweep failed; it runs again in a minute")
        return
    report.mail = run_job(app, "outbox", lambda: send_due(utcnow())) or {}
    _log_lines(report.lines())


def run_outbox(app: Flask) -> None:
    """Send what is due in the outbox (critical mail queued since the last sweep)."""
    counts = run_job(app, "outbox", lambda: send_due(utcnow()))
    if counts:
        log.info("Mail: %s", ", ".join(f"{k} {v}" for k, v in counts.items()))


def run_weekly_reports(app: Flask) -> None:
    from reports import schedule

    stored = run_job(app, "weekly reports", lambda: schedule.run_weekly_reports(utcnow()))
    if stored is None:
        log.error("the weekly report run failed; it runs again in five minutes")
        return
    for line in stored:
        log.info("weekly report stored: %s", line)


def run_digests(app: Flask) -> None:
    """The daily notification digests due now (each user's from 08:00 at their site)."""
    from notifications.digest import send_digests

    mailed = run_job(app, "notification digests", lambda: send_digests(utcnow()))
    if mailed:
        log.info("notification digests: %d mail(s) queued", mailed)


def run_retention(app: Flask) -> None:
    """Anonymise customers inactive beyond CUSTOMER_RETENTION_MONTHS (off when unset)."""
    from privacy.retention import anonymise_inactive

    erased = run_job(app, "retention", lambda: anonymise_inactive(utcnow()))
    if erased:
        log.info("retention: %d inactive customer(s) anonymised", erased)


def run_mail_poll(app: Flask) -> None:
    """Customers' mail from IMAP_URL (scheduled only when it is set): each message ingested
    and committed on its own, an unreachable mailbox one log line."""
    from mailin.poll import ImapProblem, counts_line, poll

    def job():
        try:
            return poll(app.config["IMAP_URL"], utcnow)
        except ImapProblem as problem:
            log.error("mail poll: %s; it runs again in a minute", problem)
            return None

    counts = run_job(app, "mail poll", job)
    if counts:
        log.info("mail poll: %s", counts_line(counts))


MAIL_POLL_JOB = (run_mail_poll, timedelta(minutes=1), "mail-poll")

JOBS = (
    (run_sweep, timedelta(minutes=1), "sla-sweep"),
    (run_outbox, timedelta(seconds=15), "outbox"),
    (run_weekly_reports, timedelta(minutes=5), "weekly-reports"),
    (run_digests, timedelta(minutes=15), "notification-digests"),
    (run_retention, timedelta(days=1), "retention"),
)


def add_jobs(scheduler: BaseScheduler, app: Flask) -> None:
    """Fixed ids, replaced on restart; every job runs once at start to catch up. The mail
    poll is scheduled only when IMAP_URL is set."""
    jobs = JOBS + ((MAIL_POLL_JOB,) if app.config.get("IMAP_URL") else ())
    for job, interval, job_id in jobs:
        scheduler.add_job(
            job,
            "interval",
            seconds=int(interval.total_seconds()),
            args=[app],
            id=job_id,
            replace_existing=True,
            next_run_time=utcnow(),
        )


def build_scheduler(app: Flask, *, blocking: bool) -> BaseScheduler:
    kind = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = kind(timezone=UTC, job_defaults=JOB_DEFAULTS)
    add_jobs(scheduler, app)
    return scheduler


def _allowed(setting) -> bool:
    """SCHEDULER_ENABLED as a yes/no: None (not set) means yes; strings are read like env."""
    if setting is None:
        return True
    if isinstance(setting, str):
        return setting.strip().lower() in TRUE_WORDS
    return bool(setting)


def should_run_in_process(app: Flask) -> bool:
    """The one decision: True only in the process that serves `flask run` requests, when
    SCHEDULER_ENABLED is unset or true and the app is not testing. Never for other
    commands, never in the reloader's watcher process."""
    if not _allowed(app.config.get("SCHEDULER_ENABLED")) or app.testing:
        return False
    context = click.get_current_context(silent=True)
    if context is None or context.command.name != "run":
        return False
    reload = context.params.get("reload")
    if reload is None:
        reload = app.debug
    return not reload or os.environ.get("WERKZEUG_RUN_MAIN") == "true"


def init_app(app: Flask) -> None:
    if should_run_in_process(app):
        scheduler = build_scheduler(app, blocking=False)
        scheduler.start()
        app.extensions["scheduler"] = scheduler
        log.info("in-process scheduler started (SLA sweep every minute, outbox, weekly reports)")
