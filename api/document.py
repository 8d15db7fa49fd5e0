"""The OpenAPI 3.1 document, built from the declared operations (`api.spec`), and the
page that shows it (`/api/docs`, Swagger UI served from this app).

Everything in the document comes from a declaration the running code uses: the routes
and their parameters, the pydantic models that validate bodies and describe answers, the
error answers each declaration implies, the webhooks' events and payload.
"""

import copy

from flask import Blueprint, current_app, render_template, url_for
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from api import webhook_docs
from api.schemas.common import ErrorBody
from api.spec import OPERATIONS, Operation, operation
from core.inputs import INT32_MAX

VERSION = "1.0.0"
REF = "#/components/schemas/{model}"
ERROR_RESPONSES = {
    400: ("BadRequest", "Not JSON, or a member of the wrong JSON type (`bad_request`)."),
    401: ("Unauthorized", "No token, or one that is not valid (`unauthorized`)."),
    403: ("Forbidden", "Your role or your relation to the ticket does not allow this "
                       "(`forbidden`)."),
    404: ("NotFound", "Unknown, or outside your sites (`not_found`)."),
    409: ("Conflict", "A stale `version` (`conflict`), or a step the ticket's state does not "
                      "allow (`invalid_state`)."),
    413: ("TooLarge", "The body is too large (`too_large`)."),
    422: ("ValidationFailed", "A value was refused; `fields` says which and why, `details` "
                              "gives each reason's code and parameters "
                              "(`validation_failed`, `idempotency_key_reused`)."),
    429: ("RateLimited", "Too many calls; wait `Retry-After` seconds (`too_many_requests`)."),
    503: ("Unavailable", "The database cannot be reached; nothing changed. Retry after "
                        "`Retry-After` seconds (`service_unavailable`)."),
}
RETRY_AFTER = {"description": "Seconds to wait before trying again.",
               "schema": {"type": "integer", "minimum": 1}}
PATH_PARAMETERS = {
    "ref": {"description": "A ticket's reference.", "schema": {
        "type": "string", "pattern": "^SR-[0-9]{6,10}$", "examples": ["SR-000123"]}},
}
DESCRIPTION = """\
The JSON API of Recovery Desk, for kiosks, property-management systems, BI tools and apps.

**Authentication.** `Authorization: Bearer <token>`; a manager creates tokens with
`flask --app app create-token USERNAME`. A token acts as its user: the same role, the same
sites, the same language for messages.

**Errors.** Every error is `{"error": {"code", "message", "fields", "details", "reason"}}`:
`code` is stable (see `ErrorDetail`), `message` is for people in the caller's language,
`fields` names each refused member and why (in that language), `details` gives each of
those reasons as a stable `code` with its `params` (e.g. `{"code": "input.too_long",
"params": {"limit": 120}}`), and `reason` does the same for a refused step or a conflict
(e.g. `ticket.owner_only`). The language is the token user's, else `Accept-Language`.
400 malformed, 401 no token, 403 not allowed for you, 404 unknown or not yours, 409 stale
`version` or not possible now, 422 invalid value, 429 rate limited.

**Versions.** Each ticket has a `version`; send the one you read with every step. Someone
else's change in between answers 409 `conflict`: read the ticket again and decide.

**Pages.** Lists answer `page`/`total` (offset) and `next_cursor` (keyset). Pass
`cursor=<next_cursor>` to walk any depth at constant cost; `updated_since` keeps only
what changed.

**Rate limits.** Per token (default 600 calls a minute) and per client address (1,200).
Over the limit: 429 with `Retry-After`; `X-RateLimit-Limit`, `X-RateLimit-Remaining` and
`X-RateLimit-Reset` come with every answer.

**Idempotency.** `POST /tickets` with `Idempotency-Key` opens one ticket however often
the call is retried with that key.

**Webhooks.** Managers register HTTPS endpoints (`/webhooks`); the events and their
payload are under *Webhooks*. Each delivery is signed: `Recovery-Desk-Signature:
t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the endpoint's secret>`.
"""


def _schemas(operations: list[Operation]) -> tuple[dict, dict]:
    """Every body and answer model as a component; (model, mode) → its `$ref`."""
    wanted = {(ErrorBody, "serialization")}
    for op in operations:
        if op.body is not None:
            wanted.add((op.body, "validation"))
        for answer in op.responses.values():
            if isinstance(answer, type) and issubclass(answer, BaseModel):
                wanted.add((answer, "serialization"))
    wanted |= {(model, "serialization") for model in webhook_docs.payload_models()}
    ordered = sorted(wanted, key=lambda pair: (pair[0].__name__, pair[1]))
    refs, definitions = models_json_schema(ordered, ref_template=REF)
    return refs, definitions.get("$defs", {})


def _without_null(schema: dict) -> dict:
    """A query parameter's schema: absent is how a parameter says "none", not null."""
    schema = copy.deepcopy(schema)
    for key in ("title", "default"):
        schema.pop(key, None)
    if isinstance(schema.get("type"), list):
        kinds = [kind for kind in schema["type"] if kind != "null"]
        schema["type"] = kinds[0] if len(kinds) == 1 else kinds
    if "anyOf" in schema:
        options = [option for option in schema["anyOf"] if option.get("type") != "null"]
        if len(options) == 1:
            schema.update(options[0])
            del schema["anyOf"]
        else:
            schema["anyOf"] = options
    if "enum" in schema:
        schema["enum"] = [value for value in schema["enum"] if value is not None]
    return schema


def _query_parameters(op: Operation) -> list[dict]:
    if op.query is None:
        return []
    schema = op.query.model_json_schema()
    required = set(schema.get("required", ()))
    parameters = []
    for name, field_schema in schema.get("properties", {}).items():
        parameter = {"name": name, "in": "query", "required": name in required,
                     "schema": _without_null(field_schema)}
        if "description" in field_schema:
            parameter["description"] = field_schema["description"]
            parameter["schema"].pop("description", None)
        parameters.append(parameter)
    return parameters


def _path_parameters(op: Operation) -> list[dict]:
    parameters = []
    for name, converter in op.path_parameters:
        known = PATH_PARAMETERS.get(name)
        if converter == "int":
            known = {"schema": {"type": "integer", "minimum": 1, "maximum": INT32_MAX}}
        parameters.append({"name": name, "in": "path", "required": True,
                           **copy.deepcopy(known or {"schema": {"type": "string"}})})
    return parameters


def _header_parameters(op: Operation) -> list[dict]:
    return [{"name": name, "in": "header", "required": False, **spec}
            for name, spec in op.headers.items()]


def _request_body(op: Operation, refs: dict) -> dict | None:
    if op.body is None:
        return None
    schema = refs[(op.body, "validation")]
    content = {"schema": schema}
    if op.body_media == "multipart/form-data":
        content["encoding"] = {"file": {"contentType": "image/*, application/pdf"}}
    return {"required": True, "content": {op.body_media: content}}


RATE_HEADERS = {
    "X-RateLimit-Limit": "Calls allowed in the current window (per token).",
    "X-RateLimit-Remaining": "Calls left in the current window.",
    "X-RateLimit-Reset": "When the window ends (Unix time, seconds).",
}


def _success_headers(op: Operation, status: int) -> dict:
    headers = {name: {"description": text, "schema": {"type": "integer"}}
               for name, text in RATE_HEADERS.items()}
    for name, text in op.answer_info.get(status, {}).get("headers", {}).items():
        headers[name] = {"description": text, "schema": {"type": "string"}}
    return headers


def _responses(op: Operation, refs: dict) -> dict:
    answers = {}
    for status, answer in sorted(op.responses.items()):
        if answer is None:
            answers[str(status)] = {"description": "Done; no body."}
        elif answer is dict:
            answers[str(status)] = {"description": "A JSON object.", "content": {
                "application/json": {"schema": {"type": "object"}}}}
        elif isinstance(answer, tuple):
            answers[str(status)] = {"description": "The file.", "content": {
                media: {"schema": {"type": "string", "format": "binary"}} for media in answer}}
        else:
            answers[str(status)] = {"description": answer.__doc__.strip().splitlines()[0]
                                    if answer.__doc__ else "OK",
                                    "content": {"application/json": {
                                        "schema": refs[(answer, "serialization")]}}}
    for status, answer in answers.items():
        answer["headers"] = _success_headers(op, int(status))
        described = op.answer_info.get(int(status), {}).get("description")
        if described:
            answer["description"] = described
    for status in op.error_statuses:
        answers[str(status)] = {"$ref": f"#/components/responses/{ERROR_RESPONSES[status][0]}"}
    return answers


def _operation_object(op: Operation, refs: dict) -> dict:
    body = {
        "operationId": op.view_name,
        "tags": [op.tag],
        "summary": op.summary,
        "description": " ".join(op.description.split()),
        "parameters": _path_parameters(op) + _query_parameters(op) + _header_parameters(op),
        "responses": _responses(op, refs),
    }
    request_body = _request_body(op, refs)
    if request_body is not None:
        body["requestBody"] = request_body
    if op.public:
        body["security"] = []
    if not body["parameters"]:
        del body["parameters"]
    return body


def _error_components(error_ref: dict) -> dict:
    responses = {}
    for status, (name, description) in ERROR_RESPONSES.items():
        response = {"description": description,
                    "content": {"application/json": {"schema": error_ref}}}
        if status in (429, 503):
            response["headers"] = {"Retry-After": RETRY_AFTER}
        responses[name] = response
    return responses


def build_document(server_url: str = "/api/v1") -> dict:
    refs, schemas = _schemas(OPERATIONS)
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation_object(op, refs)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Recovery Desk API", "version": VERSION, "description": DESCRIPTION},
        "servers": [{"url": server_url}],
        "security": [{"bearerAuth": []}],
        "tags": [{"name": tag} for tag in sorted({op.tag for op in OPERATIONS})],
        "paths": dict(sorted(paths.items())),
        "webhooks": webhook_docs.webhooks(refs),
        "components": {
            "schemas": schemas,
            "responses": _error_components(refs[(ErrorBody, "serialization")]),
            "securitySchemes": {"bearerAuth": {
                "type": "http", "scheme": "bearer",
                "description": "A token from `flask --app app create-token USERNAME`."}},
        },
    }


@operation("GET", "/openapi.json", tag="Meta", summary="This document", public=True,
           responses={200: dict})
def openapi_document():
    """The OpenAPI 3.1 description of every operation, body, answer and error."""
    document = current_app.extensions.get("openapi_document")
    if document is None:
        document = build_document(url_for("api.openapi_document").rsplit("/", 1)[0])
        current_app.extensions["openapi_document"] = document
    return document


docs_bp = Blueprint("api_docs", __name__)
DOCS_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:; "
               "connect-src 'self'; object-src 'none'; base-uri 'self'; "
               "frame-ancestors 'none'")


@docs_bp.get("/api/docs")
def api_docs():
    """The human page of the document (Swagger UI, from this app's static files)."""
    response = current_app.make_response(render_template("api/docs.html"))
    response.headers["Content-Security-Policy"] = DOCS_POLICY
    return response
