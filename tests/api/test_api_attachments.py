"""POST /api/v1/tickets/<ref>/attachments: a multipart upload, checked like the web form."""

import io
from datetime import UTC, datetime

import pytest

from core import clock

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
PDF = b"%PDF-1.7\n" + b"1 0 obj\n" * 8


@pytest.fixture
def ticket(app, make_ticket, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    clock.set_now(T0)
    return make_ticket()


def test_the_api_takes_a_multipart_upload(client, bearer, ticket):
    headers = bearer(ticket.owner)
    response = client.post(f"/api/v1/tickets/{ticket.ref}/attachments", headers=headers,
                           data={"file": (io.BytesIO(PDF), "bill.pdf"), "note": "Folio"},
                           content_type="multipart/form-data")
    assert response.status_code == 201
    [item] = response.get_json()["attachments"]
    assert (item["file_name"], item["content_type"]) == ("bill.pdf", "application/pdf")
    with client.get(item["url"], headers=headers) as download:
        assert download.status_code == 200 and download.data == PDF
        assert download.mimetype == "application/pdf"
    missing = client.get(f"/api/v1/tickets/{ticket.ref}/attachments/999", headers=headers)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    bad = client.post(f"/api/v1/tickets/{ticket.ref}/attachments", headers=headers,
                      data={"file": (io.BytesIO(b"hello"), "bill.pdf")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422 and "file" in bad.get_json()["error"]["fields"]
