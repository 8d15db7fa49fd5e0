"""The API's error answer: one exception, and pydantic's refusals turned into it.

Status rule (every endpoint): 400 the body is not JSON or a member has the wrong JSON type;
401 no or bad token; 403 the role or the caller's relation to the ticket does not allow
the step; 404 unknown or outside the caller's sites; 409 a stale `version` (`conflict`)
or a step the ticket's state does not allow (`invalid_state`); 422 a value refused
(`validation_failed`); 429 rate limited (`Retry-After`).
"""

from flask_babel import gettext as _
from pydantic import ValidationError

from core.messages import Message, define, shown
from core.words import N_


class ApiError(Exception):
    """An error answer: status, stable code, message (translated when shown) and, per
    refused member, its reason (a declared `core.messages.Message`: shown in the caller's
    language, its code and parameters given to programs as `details`)."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None,
                 headers: dict | None = None, reason: Message | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields = fields or {}
        self.headers = headers or {}
        self.reason = reason


MUST_BE_STRING = define("api.must_be_string", N_("must be a string"))()
MUST_BE_INTEGER = define("api.must_be_integer", N_("must be an integer"))()
MUST_BE_FLAG = define("api.must_be_boolean", N_("must be true or false"))()
MUST_BE_OBJECT = define("api.must_be_object", N_("must be an object"))()
MUST_BE_ARRAY = define("api.must_be_array", N_("must be an array"))()
MUST_BE_NUMBER = define("api.must_be_number", N_("must be a number"))()
TOO_SMALL = define("api.too_small", N_("must be at least %(bound)s"))
TOO_BIG = define("api.too_big", N_("must be at most %(bound)s"))
TOO_LONG = define("api.too_long", N_("must have at most %(count)s characters"))
BAD_FORM = define("api.bad_form", N_("is not in the expected form"))()
REQUIRED = define("api.required", N_("is required"))()
NOT_ACCEPTED = define("api.not_accepted", N_("is not accepted"))()
TYPE_WORDS = {
    "string_type": MUST_BE_STRING,
    "int_type": MUST_BE_INTEGER,
    "int_from_float": MUST_BE_INTEGER,
    "bool_type": MUST_BE_FLAG,
    "dict_type": MUST_BE_OBJECT,
    "model_type": MUST_BE_OBJECT,
    "model_attributes_type": MUST_BE_OBJECT,
    "list_type": MUST_BE_ARRAY,
    "decimal_type": MUST_BE_NUMBER,
    "float_type": MUST_BE_NUMBER,
}


def _path(loc: tuple) -> str:
    return ".".join(str(part) for part in loc)


def _reason(error: dict) -> Message:
    """Why, as a declared message: our own reasons (the input layer's, carried in the
    error's context as `reason` by `api.schemas.types`) as they are; pydantic's bounds and
    types said in our words. Anything else pydantic says is "not accepted" (its English
    wording is not ours to translate)."""
    kind = error["type"]
    limits = error.get("ctx") or {}
    if isinstance(limits.get("reason"), Message):
        return limits["reason"]
    if kind in TYPE_WORDS:
        return TYPE_WORDS[kind]
    if kind in ("greater_than_equal", "greater_than"):
        return TOO_SMALL(bound=limits.get("ge", limits.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return TOO_BIG(bound=limits.get("le", limits.get("lt")))
    if kind == "string_too_long":
        return TOO_LONG(count=limits.get("max_length"))
    if kind == "string_pattern_mismatch":
        return BAD_FORM
    if kind == "missing":
        return REQUIRED
    return NOT_ACCEPTED


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
                                              reason=shown(fields[first])), fields)
    fields = {_path(error["loc"]): _reason(error) for error in errors}
    return ApiError(422, "validation_failed", _("Some fields are not valid."), fields)
