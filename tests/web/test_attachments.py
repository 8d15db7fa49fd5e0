"""Photos and receipts on a ticket: checked by their bytes and size, stored once, shown to
those who may see the ticket, and audited."""

import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core import clock
from extensions import db
from tests.web.ticket_helpers import fresh
from tickets.files import detect_kind
from tickets.models import Attachment

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"1 0 obj\n" * 8


@pytest.fixture
def ticket(app, make_ticket, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    clock.set_now(T0)
    return make_ticket()


def _upload(client, ticket, content: bytes, name: str, version=None, note=""):
    current = fresh(ticket)
    data = {
        "add_attachment-file": (io.BytesIO(content), name),
        "add_attachment-note": note,
        "add_attachment-version": str(current.version if version is None else version),
    }
    return client.post(f"/tickets/{current.ref}/add_attachment", data=data,
                       content_type="multipart/form-data")


def _count() -> int:
    return db.session.scalar(select(func.count(Attachment.id)))


@pytest.mark.parametrize(
    "head,kind",
    [(b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"), (PNG[:16], "image/png"),
     (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"), (b"\x00\x00\x00\x18ftypheic", "image/heic"),
     (PDF[:16], "application/pdf"), (b"MZ\x90\x00", None), (b"<svg xmlns=", None),
     (b"GIF89a", None), (b"", None)],
)
def test_the_kind_comes_from_the_bytes(head, kind):
    assert detect_kind(head) == kind


def test_limits_read_well():
    from tickets.files import MAX_BYTES, size_text

    assert (size_text(MAX_BYTES), size_text(300 * 1024), size_text(10)) == (
        "10 MB", "300 KB", "1 KB")


def test_a_photo_is_attached_shown_and_audited(client, login, ticket):
    login(user=ticket.owner)
    version = fresh(ticket).version
    response = _upload(client, ticket, PNG, "broken-shower.png", note="The shower head")
    assert response.status_code == 302
    current = fresh(ticket)
    [attachment] = current.attachments
    assert (attachment.file_name, attachment.content_type, attachment.size) == (
        "broken-shower.png", "image/png", len(PNG))
    assert current.version == version + 1
    assert current.events[-1].action == "add_attachment"
    assert current.events[-1].note == "The shower head"
    page = client.get(f"/tickets/{ticket.ref}").get_data(as_text=True)
    url = f"/tickets/{ticket.ref}/attachments/{attachment.id}"
    assert f'src="{url}"' in page
    with client.get(url) as shown:
        assert shown.status_code == 200 and shown.mimetype == "image/png"
        assert shown.data == PNG
        assert "inline" in shown.headers.get("Content-Disposition", "inline")


def test_a_pdf_receipt_downloads_rather_than_opens(client, login, ticket):
    login(user=ticket.owner)
    _upload(client, ticket, PDF, "../../etc/receipt.pdf")
    attachment = fresh(ticket).attachments[0]
    assert attachment.file_name == "receipt.pdf"
    with client.get(f"/tickets/{ticket.ref}/attachments/{attachment.id}") as response:
        assert response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    "content,name,message",
    [(b"MZ\x90\x00 not a photo", "photo.jpg", "Attach a photo"),
     (b"", "empty.png", "Choose a photo or a PDF"),
     (b"<svg onload=alert(1)>", "x.svg", "Attach a photo")],
)
def test_wrong_files_are_refused_with_a_field_error(client, login, ticket, content, name,
                                                    message):
    login(user=ticket.owner)
    version = fresh(ticket).version
    response = _upload(client, ticket, content, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count() == 0 and fresh(ticket).version == version


def test_too_large_is_refused(client, login, ticket, app, monkeypatch):
    from tickets import files

    login(user=ticket.owner)
    monkeypatch.setattr(files, "MAX_BYTES", 100 * 1024)
    response = _upload(client, ticket, PNG + b"\x00" * (100 * 1024), "huge.png")
    assert response.status_code == 422
    assert "at most 100 KB" in response.get_data(as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = 1024
    assert _upload(client, ticket, PNG * 40, "over.png").status_code == 413
    assert _count() == 0


def test_other_sites_cannot_see_attachments(client, login, ticket, make_site, make_user):
    login(user=ticket.owner)
    _upload(client, ticket, PNG, "a.png")
    attachment = fresh(ticket).attachments[0]
    login(user=make_user("supervisor", site=make_site(name="Far away")))
    assert client.get(f"/tickets/{ticket.ref}/attachments/{attachment.id}").status_code == 404
