"""The one commit point per entry kind: web request, API request, CLI command, scheduled job.

Services change objects and flush; they never commit or roll back. The boundary around
them decides, as indico's request handler does:

- a view (web page or API endpoint) commits when it returns a response with a status
  below 400, and rolls back when it raises or answers with an error status (so a form
  re-rendered with its errors, 422, keeps nothing of what the service had flushed);
- a CLI command commits when its callback returns, and rolls back on any exception; a
  database that cannot be reached ends it with one line (click's "Error: ...", exit 1),
  not a traceback;
- a scheduled job commits when it returns, and rolls back (and logs) on any exception, in
  one line when the database cannot be reached.

`init_app` must run after every blueprint and command is registered: it wraps them all.
"""

import functools
import logging
from collections.abc import Callable
from typing import Any

import click
from flask import Flask, current_app, has_app_context

from core.errors import database_unreachable, short_reason
from extensions import db

log = logging.getLogger(__name__)
WRAPPED = "_transaction_boundary"


def finish(success: bool) -> None:
    """Commit the request's, command's or job's work, or roll it all back.

    A commit that fails (a unique key, a stale version found at flush) is rolled back too,
    so the session is usable again, and the error goes on to the caller.
    """
    if not success:
        db.session.rollback()
        return
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def transactional_view(view: Callable) -> Callable:
    """Wrap a Flask view: commit on a success response, roll back on an error or exception."""
    if getattr(view, WRAPPED, False):
        return view

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        try:
            response = current_app.make_response(view(*args, **kwargs))
        except BaseException:
            db.session.rollback()
            raise
        finish(response.status_code < 400)
        return response

    setattr(wrapped, WRAPPED, True)
    return wrapped


def transactional_callback(callback: Callable) -> Callable:
    """Wrap a click callback: commit when it returns, roll back when it raises."""
    if getattr(callback, WRAPPED, False):
        return callback

    @functools.wraps(callback)
    def wrapped(*args, **kwargs):
        try:
            result = callback(*args, **kwargs)
            if _has_app():
                finish(True)
        except Exception as error:
            if not database_unreachable(error):
                _quiet_rollback()
                raise
            _quiet_rollback()
            raise click.ClickException(
                f"the database cannot be reached ({short_reason(error)}). Try again when it "
                "is back."
            ) from None
        except BaseException:
            _quiet_rollback()
            raise
        return result

    setattr(wrapped, WRAPPED, True)
    return wrapped


def run_job(app: Flask, name: str, job: Callable[[], Any]) -> Any:
    """Run one scheduled job in an app context: commit once on success; on failure roll
    back, log, and return None (the scheduler tries again at the next run)."""
    with app.app_context():
        try:
            result = job()
            finish(True)
        except Exception as error:
            _quiet_rollback()
            if database_unreachable(error):
                log.error("the job %s could not reach the database (%s); it runs again at "
                          "its next time", name, short_reason(error))
            else:
                log.exception("the job %s failed; it runs again at its next time", name)
            return None
        return result


def _has_app() -> bool:
    return has_app_context()


def _quiet_rollback() -> None:
    """Roll back when there is a session to roll back; a rollback that itself cannot reach
    the database is logged, so the error that matters is the one reported."""
    if not _has_app():
        return
    try:
        db.session.rollback()
    except Exception as error:  # noqa: BLE001 - the original error is the one to report
        log.warning("rollback failed: %s", short_reason(error))


def _wrap_commands(group: click.Group) -> None:
    for command in group.commands.values():
        if isinstance(command, click.Group):
            _wrap_commands(command)
        if command.callback is not None:
            command.callback = transactional_callback(command.callback)


def init_app(app: Flask) -> None:
    """Put every registered view and CLI command behind its transaction boundary."""
    for endpoint, view in list(app.view_functions.items()):
        if endpoint == "static" or endpoint.endswith(".static"):
            continue
        app.view_functions[endpoint] = transactional_view(view)
    _wrap_commands(app.cli)
