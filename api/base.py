"""The API blueprint: bearer-token authentication, rate limits and error answers.

The transaction boundary (`core.transaction`) commits a successful call once and rolls
back any error answer, so these handlers only shape the response. Every error has the
contract's shape (that of `core.errors.json_error`) with a stable code
(`api.schemas.common`) and a message in the caller's language (the token user's, else the
browser's). A domain reason (a declared `core.messages.Message`) is also given to
programs as its code and parameters: `details` per refused member, `reason` for a refusal
or a conflict.
"""

import hashlib

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from api.errors import ApiError
from auth.tokens import user_for_token
from core.clock import utcnow
from core.domain_errors import Conflict, Refused
from core.input_guard import request_json
from core.messages import Message, shown
from core.validation import ValidationFailed
from extensions import csrf, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
PUBLIC_ENDPOINTS = {"api.openapi_document"}


def bearer_token() -> str:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def token_key() -> str:
    """The rate-limit bucket: the token (hashed; never stored in clear), else the address."""
    token = bearer_token()
    if token:
        return "api-token:" + hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
    return "api-address:" + (request.remote_addr or "unknown")


def address_key() -> str:
    return "api-address:" + (request.remote_addr or "unknown")


limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=token_key)(bp)
limiter.limit(lambda: current_app.config["API_RATE_LIMIT_PER_ADDRESS"],
              key_func=address_key)(bp)


@bp.before_request
def authenticate():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    token = bearer_token()
    user = user_for_token(token, utcnow()) if token else None
    if user is None:
        raise ApiError(401, "unauthorized", _l("A valid bearer token is required."),
                       headers={"WWW-Authenticate": 'Bearer realm="api"'})
    g.api_user = user
    return None


def json_body() -> dict:
    """The request's JSON object, checked by the input layer whatever its content type
    (`core.input_guard.request_json`: at most 256 KiB, 20 levels, no NUL or broken
    character, fractions as Decimal); anything but an object at the top is a 400."""
    body = request_json()
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", _l("The body must be a JSON object."))
    return body


def _answer(status: int, code: str, message: str, fields: dict | None = None,
            headers: dict | None = None, reason=None):
    """The error answer: `fields` (member → reason) shown in the caller's language, with
    each declared reason's code and parameters in `details`; `reason` likewise for the
    answer as a whole."""
    error = {"code": code, "message": message}
    if fields:
        error["fields"] = {name: shown(why) for name, why in fields.items()}
        details = {name: why.as_json() for name, why in fields.items()
                   if isinstance(why, Message)}
        if details:
            error["details"] = details
    if isinstance(reason, Message):
        error["reason"] = reason.as_json()
    response = jsonify({"error": error})
    response.status_code = status
    response.headers.update(headers or {})
    return response


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    return _answer(error.status, error.code, str(error.message), error.fields, error.headers,
                   error.reason)


@bp.errorhandler(ValidationFailed)
def _validation_failed(error: ValidationFailed):
    return _answer(422, "validation_failed", _("Some fields are not valid."), error.fields)


@bp.errorhandler(Conflict)
def _conflict(error: Conflict):
    """A stale version (`conflict`, 409), with what happened and what to do."""
    return _answer(409, "conflict", error.shown(), reason=error.message)


@bp.errorhandler(Refused)
def _refused(error: Refused):
    """A refused step: `forbidden` (403, who you are) or `invalid_state` (409, not now)."""
    code = "forbidden" if error.status == 403 else "invalid_state"
    return _answer(error.status, code, error.shown(), reason=error.reason)
