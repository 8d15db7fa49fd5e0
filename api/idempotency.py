"""`Idempotency-Key` on POST /tickets: a retried call opens one ticket, not two.

The first call with a key inserts its row (token user, key, a fingerprint of the body) in
the same transaction as the ticket. A second call with the same key waits on that row's
unique index while the first is in flight (PostgreSQL), then finds it committed and
answers the ticket it points to; on SQLite writers are serialised anyway. The same key
with a different body is refused (422 `idempotency_key_reused`). Keys are remembered
for KEEP_FOR; after that the key may open a new ticket.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from api.errors import ApiError
from auth.models import User
from core.clock import utcnow
from core.db_types import UTCDateTime
from core.messages import define
from core.words import N_
from extensions import db
from tickets.access import load_ticket
from tickets.models import Ticket, format_ref

KEEP_FOR = timedelta(hours=24)
MAX_KEY = 200
HEADER = "Idempotency-Key"
BAD_KEY = define("api.bad_idempotency_key",
                 N_("Use 1 to %(count)s printable ASCII characters."))
KEY_REUSED = define("api.idempotency_key_reused", N_("Use a new key for a different ticket."))


class IdempotencyKey(db.Model):
    __tablename__ = "idempotency_keys"
    __table_args__ = (
        Index("ix_idempotency_keys_user_key", "user_id", "key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(MAX_KEY))
    fingerprint: Mapped[str] = mapped_column(String(64))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


def _checked_key(raw: str) -> str:
    key = raw.strip()
    if not key or len(key) > MAX_KEY or not key.isascii() or not key.isprintable():
        raise ApiError(422, "validation_failed", _l("Some fields are not valid."),
                       {HEADER: BAD_KEY(count=MAX_KEY)})
    return key


def fingerprint(body) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _find(user: User, key: str) -> IdempotencyKey | None:
    stmt = select(IdempotencyKey).where(IdempotencyKey.user_id == user.id,
                                        IdempotencyKey.key == key)
    return db.session.scalar(stmt)


@dataclass
class IdempotentCreate:
    """One create call's use of its key: `earlier_ticket` when the key was used before."""

    row: IdempotencyKey | None = None
    earlier_ticket: Ticket | None = None

    @classmethod
    def begin(cls, user: User, raw_key: str | None, body) -> "IdempotentCreate":
        if raw_key is None:
            return cls()
        key, print_ = _checked_key(raw_key), fingerprint(body)
        now = utcnow()
        earlier = _find(user, key)
        if earlier is not None and earlier.created_at < now - KEEP_FOR:
            db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == earlier.id))
            earlier = None
        if earlier is None:
            mine = IdempotencyKey(user_id=user.id, key=key, fingerprint=print_, created_at=now)
            if cls._claimed(mine):
                return cls(row=mine)
            earlier = _find(user, key)
        return cls._replay(user, earlier, print_)

    @staticmethod
    def _claimed(row: IdempotencyKey) -> bool:
        """Insert this call's row (a savepoint); False when a call holding the same key
        committed it first (PostgreSQL makes this insert wait for that call to end)."""
        try:
            with db.session.begin_nested():
                db.session.add(row)
            return True
        except IntegrityError:
            return False

    @classmethod
    def _replay(cls, user: User, earlier: IdempotencyKey | None,
                print_: str) -> "IdempotentCreate":
        """The earlier call's ticket; `earlier` is None when the row that beat ours to the
        key has gone again (expired and removed by a third call): still in flux, a 409."""
        if earlier is not None and earlier.fingerprint != print_:
            raise ApiError(422, "idempotency_key_reused",
                           _l("This Idempotency-Key was used with a different body."),
                           {HEADER: KEY_REUSED()})
        if earlier is None or earlier.ticket_id is None:
            raise ApiError(409, "conflict", _l("A call with this Idempotency-Key is still "
                                               "being processed; try again shortly."))
        ticket = load_ticket(format_ref(earlier.ticket_id), user, with_history=True)
        return cls(earlier_ticket=ticket)

    def remember(self, ticket: Ticket) -> None:
        if self.row is not None:
            self.row.ticket_id = ticket.id
            db.session.flush()
