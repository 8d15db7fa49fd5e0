"""Schemathesis over every operation of the OpenAPI document, against the app with the
demo data: no 5xx, every status declared, every content type, body and declared header as
documented — for a manager and for front desk, with valid and with invalid input.

Bounded so CI stays quick: a few examples per operation and mode, derandomized (the same
cases every run), no deadline, no shrinking; the whole run has a wall-time budget. Path
parameters are drawn mostly from what exists (the demo's tickets, an attachment, a webhook
endpoint) so the calls reach the domain, not only the 404 of an unknown reference.
"""

import io
import time
from collections import Counter, defaultdict

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from auth.models import User
from customers.models import Customer
from extensions import db
from tickets.models import Ticket

PREFIX = "/api/v1"
DOCUMENT_URL = PREFIX + "/openapi.json"
MAX_EXAMPLES = 8
BUDGET_SECONDS = 100
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
HTTP_METHODS = {"get", "put", "post", "delete", "patch"}
# The operation that serves the document is never fuzzed by schemathesis (it is the
# document); tests/api/test_openapi_document.py checks it.
SERVES_THE_DOCUMENT = "GET /openapi.json"
# A 1x1 PNG, for the attachment the download operation reads.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
# Upload parts are generated as bytes; send them as they are whatever type the document
# allows for the part.
schemathesis.serializer.alias(["application/pdf", "image/heic"], "application/octet-stream")


@pytest.fixture
def app_config(tmp_path):
    return {"RATELIMIT_ENABLED": False, "UPLOAD_DIR": str(tmp_path / "uploads")}


def _token(bearer, username: str) -> str:
    user = db.session.scalar(select(User).where(User.username == username))
    return bearer(user)["Authorization"]


def _known_resources(client, manager: str, refs: list[str]) -> list[dict]:
    """Path parameters that name something that exists: every ticket, an attachment on
    one of them, a webhook endpoint, the first customers."""
    known = [{"ref": ref} for ref in refs]
    upload = client.post(f"{PREFIX}/tickets/{refs[0]}/attachments",
                         headers={"Authorization": manager},
                         data={"file": (io.BytesIO(PNG), "receipt.png"),
                               "note": "Receipt"},
                         content_type="multipart/form-data")
    assert upload.status_code == 201, upload.get_json()
    attachment = upload.get_json()["attachments"][-1]["id"]
    known.append({"ref": refs[0], "attachment_id": attachment})
    hook = client.post(f"{PREFIX}/webhooks", headers={"Authorization": manager},
                       json={"url": "https://pms.example.com/hooks",
                             "events": ["ticket.created"], "description": "fuzz"})
    assert hook.status_code == 201, hook.get_json()
    known.append({"webhook_id": hook.get_json()["id"]})
    customers = db.session.scalars(select(Customer.id).order_by(Customer.id).limit(3))
    known.extend({"customer_id": customer_id} for customer_id in customers)
    return known


def _resource_strategy(known: list[dict]):
    """For generated path parameters: something that exists (same parameter names) or, as
    often as one of those, the generated value itself; any other integer id is drawn from
    1..5 (the demo's first rows) besides the generated one."""
    def choose(_context, path_parameters):
        if not path_parameters:
            return st.just(path_parameters)
        names = set(path_parameters)
        fitting = [{**path_parameters, **row} for row in known if set(row) == names]
        if not fitting:
            fitting = [{**path_parameters, **{name: n for name in names
                                              if isinstance(path_parameters[name], int)}}
                       for n in range(1, 6)]
        return st.sampled_from([*fitting, path_parameters])

    return choose


def _document_operations(client) -> set[str]:
    document = client.get(DOCUMENT_URL).get_json()
    return {f"{method.upper()} {path}" for path, item in document["paths"].items()
            for method in item if method in HTTP_METHODS}


def _run_operation(operation, mode, authorization, failures, statuses):
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def exercise(case):
        try:
            # buffered: the test client closes a file answer once it is read
            response = case.call(headers={"Authorization": authorization}, buffered=True)
        except Exception as error:  # noqa: BLE001 - reported with the case below
            failures[operation.label].append(f"could not call: {error!r}\n"
                                             f"{case.as_curl_command()}")
            return
        statuses[operation.label][response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except BaseException as failed:  # noqa: BLE001 - schemathesis' FailureGroup
            failures[operation.label].append(str(failed))

    exercise()


def test_every_operation_answers_as_documented(app, client, runner, bearer):
    started = time.monotonic()
    seeded = runner.invoke(args=["seed-demo"])
    assert seeded.exit_code == 0, seeded.output
    refs = [ticket.ref for ticket in db.session.scalars(select(Ticket).order_by(Ticket.id))]
    manager, desk = _token(bearer, "manager"), _token(bearer, "desk")
    known = _known_resources(client, manager, refs)
    db.session.commit()

    schema = schemathesis.openapi.from_wsgi(DOCUMENT_URL, app)
    schema.hook("flatmap_path_parameters")(_resource_strategy(known))
    failures: dict[str, list[str]] = defaultdict(list)
    statuses: dict[str, Counter] = defaultdict(Counter)
    exercised = set()
    for result in schema.get_all_operations():
        operation = result.ok()  # an operation schemathesis cannot read fails here
        exercised.add(operation.label)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for authorization in (manager, desk):
                _run_operation(operation, mode, authorization, failures, statuses)
                db.session.remove()
        elapsed = time.monotonic() - started
        assert elapsed < BUDGET_SECONDS, (
            f"over the budget after {operation.label} ({elapsed:.0f}s): lower MAX_EXAMPLES")

    assert exercised == _document_operations(client) - {SERVES_THE_DOCUMENT}
    report = "\n\n".join(f"=== {label}: {len(found)} failing case(s); the first:\n{found[0]}"
                         for label, found in sorted(failures.items()))
    assert not failures, f"{len(failures)} operation(s) answer off the document:\n{report}"
    reached = {label for label, seen in statuses.items()
               if any(status not in (401, 404) for status in seen)}
    assert reached == exercised, "every operation must get past authentication and lookup"
