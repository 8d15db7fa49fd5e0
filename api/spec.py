"""Declaring an API operation once: its route, its bodies, its answers, its document.

`operation(...)` registers a view on the API blueprint and records what the OpenAPI
document (`api.document`) says of it. The wrapper around the view checks the permission
(403), reads the query string and the JSON body through the declared pydantic models
(400 for a member of the wrong JSON type, 422 for a value the models refuse) and hands
the view the validated models; the view calls the domain and returns a body, or a body
and a status. Domain errors are answered by the blueprint's handlers (`api.base`).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from flask import g, jsonify, request
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ValidationError

from api.base import bp, json_body
from api.errors import ApiError, validation_error
from auth.permissions import has_permission

# The error answers an operation may give besides its own, by what it declares.
ALWAYS = (401, 429, 503)
_PATH_PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


@dataclass
class Operation:
    """What the document says of one method on one path."""

    method: str
    rule: str
    view_name: str
    tag: str
    summary: str
    description: str = ""
    permission: str | None = None
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    responses: dict[int, type | tuple[str, ...] | None] = field(default_factory=dict)
    errors: tuple[int, ...] = ()
    public: bool = False
    body_media: str = "application/json"
    headers: dict[str, dict] = field(default_factory=dict)
    answer_info: dict[int, dict] = field(default_factory=dict)

    @property
    def path(self) -> str:
        """The OpenAPI path: `/tickets/<ref>` → `/tickets/{ref}`."""
        return _PATH_PARAMETER.sub(lambda m: "{" + m.group(2) + "}", self.rule)

    @property
    def path_parameters(self) -> list[tuple[str, str]]:
        """(name, converter) of each path parameter; converter "" is a plain string."""
        return [(m.group(2), m.group(1) or "") for m in _PATH_PARAMETER.finditer(self.rule)]

    @property
    def error_statuses(self) -> tuple[int, ...]:
        statuses = set(self.errors) | ({503, 429} if self.public else set(ALWAYS))
        if self.permission:
            statuses.add(403)
        if self.path_parameters:
            statuses.add(404)
        if self.query is not None:
            statuses |= {400, 422}
        if self.body is not None:
            statuses |= {400, 413, 422}
        return tuple(sorted(statuses))


OPERATIONS: list[Operation] = []


def _parse(model: type[BaseModel], data, where: str) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as failed:
        raise validation_error(failed, where) from None


def read_query(model: type[BaseModel]) -> BaseModel:
    """The query string as `model`: one value per name (the first)."""
    return _parse(model, {name: request.args.get(name) for name in request.args}, "query")


def read_body(model: type[BaseModel]) -> BaseModel:
    return _parse(model, json_body(), "body")


def _answer(result, success: int):
    if isinstance(result, tuple):
        body, status, *rest = result
        response = jsonify(body)
        response.status_code = status
        for headers in rest:
            response.headers.update(headers)
        return response
    if isinstance(result, dict | list):
        response = jsonify(result)
        response.status_code = success
        return response
    return result


def operation(method: str, rule: str, *, tag: str, summary: str, description: str = "",
              permission: str | None = None, body: type[BaseModel] | None = None,
              query: type[BaseModel] | None = None,
              responses: dict[int, type | tuple[str, ...] | None],
              errors: tuple[int, ...] = (), public: bool = False,
              body_media: str = "application/json", headers: dict | None = None,
              answer_info: dict[int, dict] | None = None) -> Callable:
    """Register `view` as `method rule` on the API and in the document.

    `responses` maps the success status to its body model (`dict` for any JSON object, a
    tuple of media types for a file, None for no body); `errors` adds statuses beyond
    those the declaration implies (403 for a permission, 404 for a path parameter,
    400/413/422 for a body, 401/429/503 always). `headers` documents request headers;
    `answer_info` a success status's `description` and response `headers`.
    """
    def decorator(view: Callable) -> Callable:
        op = Operation(method=method, rule=rule, view_name=view.__name__, tag=tag,
                       summary=summary, description=description or (view.__doc__ or ""),
                       permission=permission, body=body, query=query, responses=responses,
                       errors=errors, public=public, body_media=body_media,
                       headers=headers or {}, answer_info=answer_info or {})
        success = min(responses)

        @wraps(view)
        def endpoint(**path_values):
            if permission and not has_permission(g.api_user, permission):
                raise ApiError(403, "forbidden", _l("Your role does not allow this."))
            given = {}
            if query is not None:
                given["query"] = read_query(query)
            if body is not None and body_media == "application/json":
                given["body"] = read_body(body)
            return _answer(view(**path_values, **given), success)

        bp.add_url_rule(rule, endpoint=view.__name__, view_func=endpoint, methods=[method])
        OPERATIONS.append(op)
        return view

    return decorator
