"""Timed jobs (APScheduler): the SLA sweep every minute.

In-process for `flask run` when SCHEDULER_ENABLED (the `make run` default): started once, in
the serving process only (not in the reloader's watcher, not for other CLI commands).
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


def add_jobs(scheduler: BaseScheduler, app: Flask) -> None:
    scheduler.add_job(
        run_sweep,
        "interval",
        minutes=1,
        args=[app],
        id="sla-sweep",
        replace_existing=True,
        next_run_time=utcnow(),
    )


def build_scheduler(app: Flask, *, blocking: bool) -> BaseScheduler:
    kind = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = kind(timezone=UTC, job_defaults=JOB_DEFAULTS)
    add_jobs(scheduler, app)
    return scheduler


def should_run_in_process(app: Flask) -> bool:
    """True only in the process that serves `flask run` requests."""
    if not app.config.get("SCHEDULER_ENABLED") or app.testing:
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
        log.info("in-process scheduler started (SLA sweep every minute)")
