"""Held intake mail for the page tests: one malformed message, as `mail ingest` keeps it."""

import uuid
from pathlib import Path

from core import clock
from extensions import db
from mailin.models import InboundMail

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mail"


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
