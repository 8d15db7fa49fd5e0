"""The API blueprint, bearer-token authentication and error translation.

The transaction boundary (`core.transaction`) commits a successful call once and rolls
back any error answer, so these handlers only shape the response.
"""

from functools import wraps

from flask import Blueprint, g, request

from auth.permissions import has_permission
from auth.tokens import user_for_token
from core.clock import utcnow
from core.errors import json_error
from core.input_guard import request_json
from core.validation import ValidationFailed
from extensions import csrf
from tickets.errors import ActionRefused, TicketConflict

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


class BadRequest(Exception):
    """Malformed input (not JSON, wrong type for a field)."""

    def __init__(self, message: str, fields: dict | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


@bp.before_request
def authenticate():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = user_for_token(token.strip(), utcnow()) if scheme.lower() == "bearer" else None
    if user is None:
        return json_error(401, "A valid bearer token is required.")
    g.api_user = user
    return None


def api_permission(permission: str):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not has_permission(g.api_user, permission):
                return json_error(403, "Your role does not allow this.")
            return view(*args, **kwargs)

        return wrapped

    return decorator


def json_body() -> dict:
    """The request's JSON object, checked by the input layer whatever its content type
    (`core.input_guard.request_json`: at most 256 KiB, 20 levels, no NUL or broken
    character, fractions as Decimal); anything but an object at the top is a 400."""
    body = request_json()
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object.")
    return body


@bp.errorhandler(BadRequest)
def _bad_request(error: BadRequest):
    return json_error(400, str(error), error.fields)


@bp.errorhandler(ValidationFailed)
def _validation_failed(error: ValidationFailed):
    return json_error(422, "Some fields are not valid.", error.fields)


@bp.errorhandler(TicketConflict)
def _conflict(error: TicketConflict):
    return json_error(409, error.message)


@bp.errorhandler(ActionRefused)
def _refused(error: ActionRefused):
    return json_error(409, error.reason)

