"""Error pages: HTML for browsers, the contract's JSON shape under /api/.

Besides HTTP errors and the unexpected ones (500), the domain errors that escape a view
are answered here: `ValidationFailed` with 422, `Refused` and `Conflict` (core.domain_errors)
with their `status`. None of these handlers touches the session: the transaction boundary
(core.transaction) has already rolled back when the view raised.

A database that cannot be reached (refused or dropped connection, server shutting down,
SQLite file that cannot be opened or stays locked) is not a bug of the request: it is
answered 503 with `Retry-After`, on a page that never queries (the signed-in user is not
loaded, the navigation is left out). `pool_pre_ping` replaces dead pooled connections, so
the next request after the database is back succeeds without a restart.
"""

import logging
import sqlite3
import time

import psycopg
from flask import Flask, current_app, flash, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

from core.domain_errors import Conflict, Refused
from core.messages import shown
from core.validation import ValidationFailed
from extensions import limiter

log = logging.getLogger(__name__)

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "validation_failed",
    429: "too_many_requests",
    500: "server_error",
    503: "service_unavailable",
}

ERROR_TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Please sign in"),
    403: _l("You are not allowed to do that"),
    404: _l("Not found"),
    405: _l("That action is not available here"),
    409: _l("Someone else changed this first"),
    413: _l("That upload is too large"),
    422: _l("Some of what was sent is not valid"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
    503: _l("The service is briefly unavailable"),
}
REFUSED_TITLE = ERROR_TITLES[405]  # "That action is not available here"
RETRY_AFTER_SECONDS = 30
UNAVAILABLE_MESSAGE = "The database cannot be reached. Nothing was changed; try again shortly."
# SQLSTATE classes and codes of PostgreSQL that mean "not reachable now": connection
# exceptions (08), too many connections / out of resources (53), shutting down or starting.
PG_UNREACHABLE_CLASSES = ("08", "53")
PG_UNREACHABLE_CODES = ("57P01", "57P02", "57P03")
SQLITE_UNREACHABLE = ("SQLITE_CANTOPEN", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_IOERR")


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, message: str, fields: dict | None = None, code: str | None = None):
    """The contract's error shape; `code` defaults to the status's (ERROR_CODES)."""
    body = {"error": {"code": code or ERROR_CODES.get(status, "error"), "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return jsonify(body), status


def error_page(status: int, title, messages: tuple | list = (), category: str = "danger"):
    """The HTML error page; `messages` (already translated) are shown as flash messages.
    When its navigation cannot reach the database, the 503 page is answered instead."""
    for message in messages:
        flash(message, category)
    try:
        return render_template("errors/error.html", status=status, title=title), status
    except Exception as error:
        if database_unreachable(error):  # the navigation's user or unread count
            return handle_database_unreachable(error)
        raise


def _api_message(error: HTTPException, status: int) -> str:
    """A specific description as given (translated when the catalogue has it); Werkzeug's
    stock one replaced by the status's title in the caller's language."""
    stock = type(error).description
    if not error.description or error.description == stock:
        return str(ERROR_TITLES.get(status, error.name))
    return _(error.description)


def _missing_under_another_method(error: HTTPException) -> bool:
    """A 405 whose path no rule takes under any method either (an id out of range on a
    path several methods share): the record does not exist, which is a 404."""
    methods = getattr(error, "valid_methods", None) or ()
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in methods:
        try:
            adapter.match(method=method)
            return False
        except HTTPException:
            continue
    return bool(methods)


def handle_http_error(error: HTTPException):
    status = error.code or 500
    if status == 405 and _missing_under_another_method(error):
        return handle_http_error(NotFound())
    if wants_json():
        response, status = json_error(status, _api_message(error, status))
        if status == 405 and getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
        return response, status
    return error_page(status, ERROR_TITLES.get(status, error.name))


def _seconds_until_allowed() -> int:
    """When the limit just breached lets this client in again (at least a second)."""
    current = limiter.current_limit
    if current is None:
        return RETRY_AFTER_SECONDS
    return max(1, int(current.reset_at - time.time()))


def handle_rate_limited(error: RateLimitExceeded):
    """429 with Retry-After. A route whose limit built its own answer (Flask-Limiter's
    `on_breach`: the public form shown again with what was typed) gets that answer."""
    if error.response is not None:
        response = error.response
    elif wants_json():
        seconds = _seconds_until_allowed()
        message = _("Too many requests (at most %(limit)s). Try again in %(seconds)s seconds.",
                    limit=error.description, seconds=seconds)
        response = current_app.make_response(json_error(429, message))
    else:
        response = current_app.make_response(handle_http_error(error))
    response.status_code = 429
    response.headers.setdefault("Retry-After", str(_seconds_until_allowed()))
    return response


def handle_validation_failed(error: ValidationFailed):
    """Bad input no form showed next to its field: 422, every reason listed."""
    if wants_json():
        return json_error(422, _("Some fields are not valid."),
                          {name: shown(reason) for name, reason in error.fields.items()})
    return error_page(422, ERROR_TITLES[422], [shown(reason) for reason in error.fields.values()])


def handle_refused(error: Refused):
    """A refused action: the subclass's status (409 unless it says 403) and its reason."""
    status = error.status
    if wants_json():
        return json_error(status, error.shown())
    title = REFUSED_TITLE if status == 409 else ERROR_TITLES.get(status, REFUSED_TITLE)
    return error_page(status, title, [error.shown()])


def handle_conflict(error: Conflict):
    """A stale version: 409, with what to do next."""
    status = error.status
    if wants_json():
        return json_error(status, error.shown())
    return error_page(status, ERROR_TITLES[409], [error.shown()], category="warning")


def database_unreachable(error: BaseException) -> bool:
    """True when `error` says the database cannot be reached now, not that a query is wrong.

    SQLAlchemy's own verdict first (a connection it had to invalidate); then the driver's
    error: psycopg's InterfaceError (the connection object is unusable) and its
    OperationalError without SQLSTATE (refused, reset, closed by the server) or with one of
    the SQLSTATEs above; SQLite's cannot-open, busy/locked and I/O errors.
    """
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        error = error.orig
    if isinstance(error, sqlite3.Error):
        return (error.sqlite_errorname or "").startswith(SQLITE_UNREACHABLE)
    if isinstance(error, psycopg.InterfaceError):
        return True
    if isinstance(error, psycopg.OperationalError):
        state = error.sqlstate
        return state is None or state.startswith(PG_UNREACHABLE_CLASSES) or (
            state in PG_UNREACHABLE_CODES
        )
    return False


def short_reason(error: BaseException) -> str:
    """The driver's first line about the failure (no statement, no parameters)."""
    cause = error.orig if isinstance(error, sa_exc.DBAPIError) and error.orig else error
    first = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
    return first[:200]


def handle_database_unreachable(error: Exception):
    """503 with Retry-After. The user is treated as signed out for this answer only (the
    session cookie stays), so neither the page nor the language choice queries."""
    if not database_unreachable(error):
        return handle_unexpected_error(error, check_database=False)
    log.warning("the database cannot be reached: %s", short_reason(error))
    g._login_user = current_app.login_manager.anonymous_user()  # Flask-Login's user: no load
    if wants_json():
        response, status = json_error(503, UNAVAILABLE_MESSAGE)
    else:
        page = render_template("errors/unavailable.html", status=503, title=ERROR_TITLES[503],
                               retry_after=RETRY_AFTER_SECONDS)
        response, status = current_app.make_response(page), 503
    response.status_code = status
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def handle_unexpected_error(error: Exception, check_database: bool = True):
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    if check_database and database_unreachable(error):
        return handle_database_unreachable(error)
    log.exception("unhandled error", exc_info=error)
    return handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(RateLimitExceeded, handle_rate_limited)
    app.register_error_handler(ValidationFailed, handle_validation_failed)
    app.register_error_handler(Refused, handle_refused)
    app.register_error_handler(Conflict, handle_conflict)
    app.register_error_handler(sa_exc.OperationalError, handle_database_unreachable)
    app.register_error_handler(sa_exc.InterfaceError, handle_database_unreachable)
    app.register_error_handler(Exception, handle_unexpected_error)
