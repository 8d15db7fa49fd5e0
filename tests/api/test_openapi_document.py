"""The OpenAPI document: public, valid OpenAPI 3.1, and complete — every route under
/api/v1 is described, every registry action has its operation, every operation names its
errors, every schema is used, and what the serializers emit for real tickets is what the
document and the response models declare."""

import re

import pytest
from flask import Flask
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from sqlalchemy import select

from api.schemas.tickets import TicketDetail, TicketList, TicketSummary
from api.spec import OPERATIONS
from app import create_app
from extensions import db
from representations.tickets import ticket_detail, ticket_summary
from tickets.models import Ticket
from tickets.registry import ENTRIES

PREFIX = "/api/v1"
DOCUMENT_URL = PREFIX + "/openapi.json"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}
_RULE_PARAMETER = re.compile(r"<(?:[^<>:]+:)?([^<>:]+)>")


def _document(client) -> dict:
    response = client.get(DOCUMENT_URL)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()


def _operations(document: dict):
    """(METHOD, path, operation object) of every operation in the document."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method.upper(), path, operation


def _openapi_path(rule: str) -> str:
    """`/api/v1/tickets/<ref>/attachments/<int:attachment_id>` →
    `/tickets/{ref}/attachments/{attachment_id}`."""
    return _RULE_PARAMETER.sub(lambda m: "{" + m.group(1) + "}", rule[len(PREFIX):])


def api_routes(app: Flask) -> set[tuple[str, str]]:
    """(METHOD, OpenAPI path) of every route the app answers under /api/v1."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule != PREFIX and not rule.rule.startswith(PREFIX + "/"):
            continue
        for method in rule.methods - IGNORED_METHODS:
            routes.add((method, _openapi_path(rule.rule)))
    return routes


def undescribed_routes(app: Flask, document: dict) -> list[str]:
    """Every route under /api/v1 the document does not describe, as "METHOD /path"."""
    described = {(method, path) for method, path, _op in _operations(document)}
    return sorted(f"{m} {p}" for m, p in api_routes(app) - described)


def _refs(node) -> set[str]:
    """Every `$ref` anywhere under `node`."""
    found = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.add(value)
            else:
                found |= _refs(value)
    elif isinstance(node, list):
        for item in node:
            found |= _refs(item)
    return found


def _resolve(document: dict, ref: str):
    assert ref.startswith("#/"), f"only local references are expected: {ref}"
    node = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


# --- the document is public and valid ------------------------------------------------------


def test_the_document_is_public_json(client):
    response = client.get(DOCUMENT_URL)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] and document["info"]["version"]
    assert document["servers"] == [{"url": PREFIX}]
    assert document["paths"]["/openapi.json"]["get"]["security"] == []


def test_the_document_is_valid_openapi_3_1(client):
    document = _document(client)
    validate(document, cls=OpenAPIV31SpecValidator)


def test_every_reference_resolves(client):
    document = _document(client)
    for ref in sorted(_refs(document)):
        assert isinstance(_resolve(document, ref), dict), ref


# --- every route is described, and nothing else --------------------------------------------


def test_every_api_route_is_described(app, client):
    document = _document(client)
    assert undescribed_routes(app, document) == []


def test_every_described_operation_is_a_route(app, client):
    document = _document(client)
    described = {(method, path) for method, path, _op in _operations(document)}
    assert sorted(described - api_routes(app)) == []


def test_the_check_reports_a_route_the_document_does_not_describe(database_url):
    """The completeness check above fails for an undescribed route: here, two added to a
    fresh app behind the framework's back."""
    from tests.conftest import _test_config

    fresh = create_app(_test_config(database_url))
    fresh.add_url_rule(PREFIX + "/undescribed", endpoint="undescribed",
                       view_func=lambda: "", methods=["GET", "PUT"])
    fresh.add_url_rule(PREFIX + "/tickets/<ref>/things/<int:thing_id>", endpoint="things",
                       view_func=lambda ref, thing_id: "", methods=["DELETE"])
    with fresh.app_context():
        document = _document(fresh.test_client())
        assert undescribed_routes(fresh, document) == [
            "DELETE /tickets/{ref}/things/{thing_id}",
            "GET /undescribed",
            "PUT /undescribed",
        ]
        db.engine.dispose()


def test_every_registry_action_has_its_post_operation(client):
    document = _document(client)
    for entry in ENTRIES:
        path = f"/tickets/{{ref}}/{entry.api_verb}"
        assert path in document["paths"], f"{entry.action}: no {path} in the document"
        operation = document["paths"][path].get("post")
        assert operation is not None, f"{entry.action}: {path} has no POST"
        media = "application/json" if entry.api_media == "json" else "multipart/form-data"
        assert list(operation["requestBody"]["content"]) == [media], entry.action
        assert {"403", "404", "409"} <= set(operation["responses"]), entry.action


# --- every operation names its answers -----------------------------------------------------


def test_every_operation_declares_401_429_and_its_success(client):
    document = _document(client)
    declared = {(op.method, op.path): op for op in OPERATIONS}
    operation_ids = []
    for method, path, operation in _operations(document):
        label = f"{method} {path}"
        responses = operation["responses"]
        public = operation.get("security") == []
        spec = declared[(method, path)]
        assert public is spec.public, label
        if public:
            assert "401" not in responses, f"{label} is public: no 401"
        else:
            assert "401" in responses, f"{label} has no 401"
        assert "429" in responses, f"{label} has no 429"
        retry_after = _resolve(document, responses["429"]["$ref"])["headers"]["Retry-After"]
        assert retry_after["schema"]["type"] == "integer", label
        successes = {status for status in responses if status.startswith("2")}
        assert successes == {str(status) for status in spec.responses}, label
        for status in successes:
            answer = responses[status]
            assert answer["description"], f"{label} {status}"
        if spec.permission:
            assert "403" in responses, f"{label} checks a permission: 403"
        if "{" in path:
            assert "404" in responses, f"{label} has path parameters: 404"
        if "requestBody" in operation:
            assert {"400", "413", "422"} <= set(responses), f"{label} has a body"
        assert operation["summary"] and operation["tags"], label
        operation_ids.append(operation["operationId"])
    assert len(operation_ids) == len(set(operation_ids)), "operationId must be unique"
    assert len(operation_ids) == len(OPERATIONS)


def test_every_error_answer_is_the_error_shape(client):
    document = _document(client)
    responses = document["components"]["responses"]
    for name, response in responses.items():
        schema = response["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorBody"}, name
    for method, path, operation in _operations(document):
        for status, answer in operation["responses"].items():
            if status.startswith(("4", "5")):
                assert answer == {"$ref": answer.get("$ref")}, f"{method} {path} {status}"
                assert answer["$ref"].startswith("#/components/responses/")


def test_every_path_parameter_is_declared_once(client):
    document = _document(client)
    for method, path, operation in _operations(document):
        in_path = re.findall(r"{([^}]+)}", path)
        declared = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
        assert sorted(declared) == sorted(in_path), f"{method} {path}"


def test_every_component_schema_is_referenced(client):
    """Reachable from an operation, a webhook or an error answer: an unused schema is a
    model the code stopped using (or forgot to declare on its operation)."""
    document = _document(client)
    schemas = document["components"]["schemas"]
    prefix = "#/components/schemas/"
    pending = [ref for ref in _refs({"paths": document["paths"],
                                     "webhooks": document.get("webhooks", {}),
                                     "responses": document["components"]["responses"]})]
    reached: set[str] = set()
    while pending:
        ref = pending.pop()
        if not ref.startswith(prefix) or ref in reached:
            continue
        reached.add(ref)
        pending.extend(_refs(schemas[ref[len(prefix):]]))
    unused = sorted(set(schemas) - {ref[len(prefix):] for ref in reached})
    assert unused == []


# --- what the serializers emit is what the document says -----------------------------------


@pytest.fixture
def demo_tickets(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    tickets = db.session.scalars(select(Ticket).order_by(Ticket.id)).all()
    assert len(tickets) > 100
    return tickets


def _validator(document: dict, name: str) -> Draft202012Validator:
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return Draft202012Validator(schema, format_checker=FormatChecker())


def _errors(validator: Draft202012Validator, instance) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
            for e in validator.iter_errors(instance)]


def test_every_demo_ticket_matches_the_models_and_the_document(client, demo_tickets):
    """`extra="forbid"` on the response models refuses a member the serializer emits
    without declaring it; the document's JSON schema adds the enums and formats."""
    document = _document(client)
    detail_schema = _validator(document, "TicketDetail")
    summary_schema = _validator(document, "TicketSummary")
    statuses = set()
    for ticket in demo_tickets:
        detail, summary = ticket_detail(ticket), ticket_summary(ticket)
        TicketDetail.model_validate(detail)
        TicketSummary.model_validate(summary)
        assert _errors(detail_schema, detail) == [], ticket.ref
        assert _errors(summary_schema, summary) == [], ticket.ref
        statuses.add(detail["status"])
    assert len(statuses) >= 7, "the demo covers every state"


def test_every_demo_ticket_read_through_the_api_matches(client, demo_tickets, bearer):
    from auth.models import User

    manager = db.session.scalar(select(User).where(User.username == "manager"))
    headers = bearer(manager)
    document = _document(client)
    list_schema = _validator(document, "TicketList")
    detail_schema = _validator(document, "TicketDetail")
    seen, page = [], 1
    while True:
        response = client.get(f"{PREFIX}/tickets?per_page=100&page={page}", headers=headers)
        assert response.status_code == 200
        body = response.get_json()
        TicketList.model_validate(body)
        assert _errors(list_schema, body) == []
        seen += [ticket["ref"] for ticket in body["tickets"]]
        if body["next_cursor"] is None:
            break
        page += 1
    assert sorted(seen) == sorted(ticket.ref for ticket in demo_tickets)
    for ref in seen[::10]:
        body = client.get(f"{PREFIX}/tickets/{ref}", headers=headers).get_json()
        TicketDetail.model_validate(body)
        assert _errors(detail_schema, body) == [], ref


def test_the_models_refuse_an_undeclared_member(demo_tickets):
    """The check above has teeth: a member the serializer might add is refused."""
    from pydantic import ValidationError

    body = ticket_detail(demo_tickets[0])
    with pytest.raises(ValidationError, match="extra"):
        TicketDetail.model_validate({**body, "undeclared": 1})
