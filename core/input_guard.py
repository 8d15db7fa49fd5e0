"""The request guard: hostile raw input is refused before any view runs.

`init_app(app)` must run before the blueprints are registered (from `register_extensions`):
it replaces the `int` URL converter, which every route compiles when it is added, and puts
the guard first among the before-request functions (before CSRF reads the form). Then, for
every request:

- `<int:...>` in a route matches ASCII digits naming 1..2,147,483,647 only; anything else
  (a huge number, "١٢", 0) is no match, so a 404, never a database overflow;
- a NUL byte, a lone surrogate or bytes that are not UTF-8 in the path are a 404; in any
  query-string or form field (names and values, upload file names) or any JSON string, a
  400, before any view runs — the anonymous sign-in form included; so is a query string or
  URL-encoded form whose percent-encoded bytes are not UTF-8 (how a lone surrogate or a
  Latin-1 byte travels);
- `page` and `per_page`, wherever they appear, are ASCII whole numbers from 1 to
  2,147,483,647 (per_page: 100); otherwise a page answers 404 and the API 422 naming it;
- a JSON body (`request_json`) is at most 256 KiB (413), nested at most 20 levels and
  well formed (400); the checked value is kept for the request.
"""

from typing import NoReturn
from urllib.parse import unquote_to_bytes

from flask import Flask, g, request
from werkzeug.exceptions import BadRequest, NotFound, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from core import inputs
from core.messages import define, shown
from core.validation import ValidationFailed
from core.words import N_

PAGE_PARAMETERS = {"page": inputs.INT32_MAX, "per_page": inputs.MAX_PER_PAGE}
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
BROKEN_FIELD_NAME = define("input.broken_field_name",
                           N_("A field name holds a NUL byte or a broken character."))
QUERY_NOT_UTF8 = define("input.query_not_utf8", N_(
    "The query string is not UTF-8 text (or holds a lone surrogate)."))
FORM_NOT_UTF8 = define("input.form_not_utf8", N_(
    "The form is not UTF-8 text (or holds a lone surrogate)."))


class RowIdConverter(IntegerConverter):
    """`<int:...>`: ASCII digits naming 1..INT32_MAX (PostgreSQL's integer)."""

    regex = r"[0-9]{1,12}"

    def __init__(self, map, fixed_digits=0, min=1, max=inputs.INT32_MAX,
                 signed=False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _broken_field(pairs):
    """Why the first field whose name or value is broken is refused (a broken name is not
    repeated back), or None."""
    for name, value in pairs:
        if not isinstance(name, str) or inputs.is_broken(name):
            return BROKEN_FIELD_NAME()
        if isinstance(value, str) and inputs.is_broken(value):
            return inputs.BROKEN_AT(where=name[:40])
    return None


def _refuse_field(reason) -> NoReturn:
    """A 400 saying why, in the caller's language."""
    raise BadRequest(shown(reason))


def _check_pages() -> None:
    for name, high in PAGE_PARAMETERS.items():
        try:
            inputs.optional_int(request.args, name, high=high)
        except inputs.InputError as refused:
            if _is_api():
                raise ValidationFailed({name: refused.reason}) from None
            raise NotFound() from None


def request_json():
    """The request's body as checked JSON (parsed once per request): 413 when too large,
    400 when malformed, too deep, or holding NUL or broken characters."""
    if "_checked_json" not in g:
        if (request.content_length or 0) > inputs.JSON_MAX_BYTES:
            raise RequestEntityTooLarge(shown(inputs.JSON_TOO_LARGE(count=inputs.JSON_MAX_BYTES)))
        try:
            g._checked_json = inputs.load_json(request.get_data(cache=True))
        except inputs.InputTooLarge as refused:
            raise RequestEntityTooLarge(shown(refused.reason)) from None
        except inputs.InputError as refused:
            raise BadRequest(shown(refused.reason)) from None
    return g._checked_json


def _undecodable(raw: bytes) -> bool:
    """Percent-encoded bytes that are not UTF-8 (a lone surrogate arrives as %ED%A0%80):
    werkzeug would keep them as the literal text "%ED%A0%80"."""
    try:
        unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _undecodable_path() -> bool:
    """The raw path (WSGI hands it over as Latin-1) is not UTF-8."""
    try:
        request.environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
    except UnicodeError:
        return True
    return False


def _check_encoded(raw: bytes, refusal) -> None:
    if _undecodable(raw):
        raise BadRequest(shown(refusal()))


def refuse_hostile_input() -> None:
    """The before-request guard (see the module's docstring)."""
    if inputs.is_broken(request.path) or _undecodable_path():
        raise NotFound()
    _check_encoded(request.query_string, QUERY_NOT_UTF8)
    broken = _broken_field(request.args.items(multi=True))
    if broken is not None:
        _refuse_field(broken)
    _check_pages()
    if request.method not in BODY_METHODS:
        return
    if request.mimetype == "application/x-www-form-urlencoded":
        _check_encoded(request.get_data(cache=True), FORM_NOT_UTF8)
    broken = _broken_field(request.form.items(multi=True))
    files = ((name, upload.filename or "") for name, upload in request.files.items(multi=True))
    broken = broken or _broken_field(files)
    if broken is not None:
        _refuse_field(broken)
    if request.is_json:
        request_json()


def init_app(app: Flask) -> None:
    """Bound `<int:...>` and guard every request (first of all before-request functions);
    call before any blueprint is registered."""
    if any(rule.endpoint != "static" for rule in app.url_map.iter_rules()):
        raise RuntimeError("core.input_guard.init_app must run before any route is added")
    app.url_map.converters["int"] = RowIdConverter
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_hostile_input)
