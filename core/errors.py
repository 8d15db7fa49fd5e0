"""Error pages: HTML for browsers, the contract's JSON shape under /api/."""

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

from extensions import db

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
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, message: str, fields: dict | None = None):
    body = {"error": {"code": ERROR_CODES.get(status, "error"), "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return jsonify(body), status


def handle_http_error(error: HTTPException):
    status = error.code or 500
    if wants_json():
        return json_error(status, error.description or str(error))
    title = ERROR_TITLES.get(status, error.name)
    return render_template("errors/error.html", status=status, title=title), status


def handle_unexpected_error(error: Exception):
    db.session.rollback()
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    log.exception("unhandled error", exc_info=error)
    return handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
