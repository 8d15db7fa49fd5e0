"""Held intake mail (malformed or ignored) for supervisors and managers to look at.

A supervisor sees the mail routed to their own site; a manager every site's, and the mail
that could not be routed to any site. Marking one reviewed only records when; the raw bytes
of a malformed message stay downloadable until its row goes.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from auth.models import User
from auth.permissions import visible_site_ids
from extensions import db
from mailin.models import InboundMail
from sites.models import Site

HELD = ("malformed", "ignored")
SHOWS = ("waiting", "all")
REASON_LABELS = (
    ("auto-reply", _l("Automatic reply")),
    ("mailing list", _l("Mailing list")),
    ("bounce", _l("Undeliverable-mail report")),
    ("loop", _l("Sent from our own address")),
    ("too big", _l("Too big to read")),
    ("no sender address", _l("No sender address")),
    ("no mail headers", _l("Not an e-mail message")),
    ("no text to read", _l("No text")),
    ("not accepted", _l("Details not accepted")),
    ("could not be processed", _l("Could not be processed")),
    ("no site to route it to", _l("No site to route it to")),
)
STATUS_LABELS = {"malformed": _l("Kept for review"), "ignored": _l("Ignored")}


def reason_label(reason: str) -> str:
    """The kind of reason, in the reader's language ("" for an unknown one)."""
    for prefix, label in REASON_LABELS:
        if (reason or "").startswith(prefix):
            return str(label)
    return ""


def _scoped(stmt: Select, viewer: User) -> Select:
    sites = visible_site_ids(viewer)
    return stmt if sites is None else stmt.where(InboundMail.site_id.in_(sites))


def held_mail(viewer: User, show: str) -> Select:
    """The viewer's held mail, newest first; `show` "waiting" keeps the unreviewed."""
    stmt = _scoped(select(InboundMail).where(InboundMail.status.in_(HELD)), viewer)
    if show == "waiting":
        stmt = stmt.where(InboundMail.reviewed_at.is_(None))
    return stmt.order_by(InboundMail.received_at.desc(), InboundMail.id.desc())


def find_held(viewer: User, mail_id: int) -> InboundMail | None:
    """One held message the viewer may see, else None."""
    stmt = _scoped(select(InboundMail).where(InboundMail.id == mail_id,
                                             InboundMail.status.in_(HELD)), viewer)
    return db.session.scalar(stmt)


def sites_of(rows: list[InboundMail]) -> dict[int, Site]:
    ids = {row.site_id for row in rows if row.site_id is not None}
    if not ids:
        return {}
    return {site.id: site for site in db.session.scalars(select(Site).where(Site.id.in_(ids)))}


def mark_reviewed(row: InboundMail, now: datetime) -> bool:
    """Record that a person looked at it; False when it already was."""
    if row.reviewed_at is not None:
        return False
    row.reviewed_at = now
    db.session.flush()
    return True


def raw_file_name(row: InboundMail) -> str:
    subject = " ".join((row.subject or "").split())[:60]
    return f"mail-{row.id} {subject}.eml" if subject else f"mail-{row.id}.eml"
