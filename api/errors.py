"""The API's error answer: one exception, and pydantic's refusals turned into it.

Status rule (every endpoint): 400 the body is not JSON or a member has the wrong JSON type;
401 no or bad token; 403 the role or the caller's relation to the ticket does not allow
the step; 404 unknown or outside the caller's sites; 409 a stale `version` (`conflict`)
or a step the ticket's state does not allow (`invalid_state`); 422 a value refused
(`validation_failed`); 429 rate limited (`Retry-After`).
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import ValidationError


class ApiError(Exception):
    """An error answer: status, stable code, message (translated when shown), fields."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None,
                 headers: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields = fields or {}
        self.headers = headers or {}


TYPE_WORDS = {
    "string_type": _l("must be a string"),
    "int_type": _l("must be an integer"),
    "int_from_float": _l("must be an integer"),
    "bool_type": _l("must be true or false"),
    "dict_type": _l("must be an object"),
    "model_type": _l("must be an object"),
    "model_attributes_type": _l("must be an object"),
    "list_type": _l("must be an array"),
    "decimal_type": _l("must be a number"),
    "float_type": _l("must be a number"),
}


def _path(loc: tuple) -> str:
    return ".".join(str(part) for part in loc)


def _reason(error: dict) -> str:
    """Why, in the caller's language: our own reasons (the input layer's, `invalid`) are
    looked up in the catalogue; pydantic's bounds and types are said in our words."""
    kind = error["type"]
    limits = error.get("ctx") or {}
    if kind in TYPE_WORDS:
        return str(TYPE_WORDS[kind])
    if kind in ("greater_than_equal", "greater_than"):
        return _("must be at least %(bound)s", bound=limits.get("ge", limits.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return _("must be at most %(bound)s", bound=limits.get("le", limits.get("lt")))
    if kind == "string_too_long":
        return _("must have at most %(count)s characters", count=limits.get("max_length"))
    if kind == "string_pattern_mismatch":
        return _("is not in the expected form")
    if kind == "missing":
        return _("is required")
    message = error["msg"]  # the input layer's own reason (`invalid`), or pydantic's
    return _(message)


def _is_malformed(error: dict) -> bool:
    return error["type"] in TYPE_WORDS or error["type"].endswith("_type")


def validation_error(failed: ValidationError, where: str) -> ApiError:
    """400 when any member has the wrong JSON type (only those are named), else 422."""
    errors = failed.errors(include_url=False)
    malformed = [error for error in errors if _is_malformed(error)]
    if malformed and where == "body":
        fields = {_path(error["loc"]): _reason(error) for error in malformed}
        first = next(iter(fields))
        return ApiError(400, "bad_request", _("'%(field)s' %(reason)s.", field=first,
                                              reason=fields[first]), fields)
    fields = {_path(error["loc"]): _reason(error) for error in errors}
    return ApiError(422, "validation_failed", _("Some fields are not valid."), fields)
