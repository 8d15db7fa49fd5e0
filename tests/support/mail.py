"""Intake mail for the tests: the RFC 5322 fixtures, the hotel that receives them, and a
held (malformed) message as `mail ingest` keeps it."""

import uuid
from datetime import UTC, datetime
from pathlib import Path

from core import clock
from extensions import db
from mailin.models import InboundMail

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mail"
INTAKE = "complaints@grand.example.com"
T0 = datetime(2026, 11, 23, 2, 30, tzinfo=UTC)


def eml(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def mail_config(tmp_path) -> dict:
    """Our own sender address and a scratch upload folder."""
    return {"MAIL_FROM": "Recovery Desk <recovery-desk@grand.example.com>",
            "UPLOAD_DIR": str(tmp_path / "uploads")}


def grand_hotel(make_site):
    """The site whose intake address the fixtures are sent to, with the clock at T0."""
    clock.set_now(T0)
    site = make_site(name="Grand Hotel")
    site.intake_address = INTAKE
    db.session.commit()
    return site


def held_mail(site, status: str = "malformed", reason: str = "no mail headers",
              subject: str = "", name: str = "malformed.eml") -> int:
    """A held message of `site` (committed); returns its id."""
    raw = (FIXTURES / name).read_bytes()
    row = InboundMail(
        message_id=f"<held-{uuid.uuid4().hex}@test.invalid>",
        received_at=clock.utcnow(), from_address="", subject=subject, status=status,
        reason=reason, site_id=site.id, size=len(raw), attachments_skipped="",
        raw=raw if status == "malformed" else None,
    )
    db.session.add(row)
    db.session.commit()
    return row.id
