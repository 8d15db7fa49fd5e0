"""Timed jobs (APScheduler): the SLA sweep every minute, and every five minutes a look at
whether a site's Monday 08:00 has come, to store and mail last week's report.

In-process for `flask run` unless SCHEDULER_ENABLED is set to 0/false (unset means on for
`flask run`, off for every other command and in tests): started once, in the serving process
only (not in the reloader's watcher, not for other CLI commands).
For production with several web workers, run `flask scheduler run` as its own process and
leave SCHEDULER_ENABLED off for the workers. Missed runs are coalesced into one, and the
first run happens at start, so a restart catches up at once.
"""

import logging
import os
from datetime import UTC

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from config import TRUE_WORDS
from core.clock import utcnow

log = logging.getLogger(__name__)
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}


def run_sweep(app: Flask) -> None:
    from sla.sweep import sweep

    with app.app_context():
        try:
            for line in sweep(utcnow()).lines():
                log.info(line)
        except Exception:
            log.exception("the SLA sweep failed; it runs again in a minute")


def run_weekly_reports(app: Flask) -> None:
    from reports.schedule import run_weekly_reports as store_due_reports

    with app.app_context():
        try:
            for line in store_due_reports(utcnow()):
                log.info("weekly report stored: %s", line)
        except Exception:
            log.exception("the weekly report run failed; it runs again in five minutes")


def add_jobs(scheduler: BaseScheduler, app: Flask) -> None:
    """Fixed ids, replaced on restart; both run once at start to catch up after downtime."""
    for job, minutes, job_id in ((run_sweep, 1, "sla-sweep"),
                                 (run_weekly_reports, 5, "weekly-reports")):
        scheduler.add_job(
            job,
            "interval",
            minutes=minutes,
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
        log.info("in-process scheduler started (SLA sweep every minute, weekly reports)")
