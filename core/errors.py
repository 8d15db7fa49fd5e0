"""Error pages: HTML for browsers, the contract's JSON shape under /api/.

Besides HTTP errors and the unexpected ones (500), the domain errors that escape a view
are answered here: `ValidationFailed` with 422, `Refused` and `Conflict` (core.domain_errors)
with their `status`. None of these handlers touches the session: the transaction boundary
(core.transaction) has already rolled back when the view raised.
"""

import logging

from flask import Flask, flash, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

from core.domain_errors import Conflict, Refused
from core.validation import ValidationFailed

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
}
REFUSED_TITLE = ERROR_TITLES[405]  # "That action is not available here"


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, message: str, fields: dict | None = None):
    body = {"error": {"code": ERROR_CODES.get(status, "error"), "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return jsonify(body), status


def error_page(status: int, title, messages: tuple | list = (), category: str = "danger"):
    """The HTML error page; `messages` (already translated) are shown as flash messages."""
    for message in messages:
        flash(message, category)
    return render_template("errors/error.html", status=status, title=title), status


def handle_http_error(error: HTTPException):
    status = error.code or 500
    if wants_json():
        return json_error(status, error.description or str(error))
    return error_page(status, ERROR_TITLES.get(status, error.name))


def handle_validation_failed(error: ValidationFailed):
    """Bad input no form showed next to its field: 422, every reason listed."""
    if wants_json():
        return json_error(422, "Some fields are not valid.", error.fields)
    return error_page(422, ERROR_TITLES[422], [_(reason) for reason in error.fields.values()])


def handle_refused(error: Refused):
    """A refused action: the subclass's status (409 unless it says 403) and its reason."""
    status = error.status
    if wants_json():
        return json_error(status, error.reason)
    title = REFUSED_TITLE if status == 409 else ERROR_TITLES.get(status, REFUSED_TITLE)
    return error_page(status, title, [_(error.reason)])


def handle_conflict(error: Conflict):
    """A stale version: 409, with what to do next."""
    status = error.status
    if wants_json():
        return json_error(status, error.message)
    return error_page(status, ERROR_TITLES[409], [_(error.message)], category="warning")


def handle_unexpected_error(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    log.exception("unhandled error", exc_info=error)
    return handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(ValidationFailed, handle_validation_failed)
    app.register_error_handler(Refused, handle_refused)
    app.register_error_handler(Conflict, handle_conflict)
    app.register_error_handler(Exception, handle_unexpected_error)
