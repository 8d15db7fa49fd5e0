"""Follow-ups planned at resolution, and each attempt to reach the customer."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, SmallInteger, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from auth.models import User
from core.db_types import UTCDateTime
from extensions import db
from outbox.models import OutboxMessage
from tickets.models import Ticket

KINDS = ("check_in", "survey")
MAX_UNREACHED_ATTEMPTS = 3
OUTCOMES = ("reached", "completed", "unreachable", "cancelled", "superseded")
SURVEY_MAIL_KIND = "survey_link"


class FollowUp(db.Model):
    """One planned follow-up of a resolved ticket: a check-in (+2 days) or a survey (+7).

    Open while `done_at` is null. `outcome` says how it ended: reached (a check-in that got
    through), completed (a survey answered), unreachable (three attempts got nobody),
    cancelled (the ticket was reopened or closed by hand), superseded (the survey was
    answered before the check-in happened). A survey's customer link is put in the outbox
    once it is due, when the customer has an address: `survey_mailed_at` is when it was
    queued, and :attr:`survey_mail` is that outbox message (its status tells what became
    of it).
    """

    __tablename__ = "follow_ups"
    __table_args__ = (
        Index("ix_follow_ups_open_due", "done_at", "due_at"),
        Index("ix_follow_ups_ticket", "ticket_id"),
        Index("ix_follow_ups_site_due", "site_id", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    kind: Mapped[str] = mapped_column(String(10))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(20))
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    survey_token_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    survey_mailed_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, doc="when the survey link mail was put in the outbox")

    ticket: Mapped[Ticket] = relationship(back_populates="follow_ups")
    attempts: Mapped[list["FollowUpAttempt"]] = relationship(
        back_populates="follow_up", order_by="FollowUpAttempt.id"
    )

    @property
    def is_open(self) -> bool:
        return self.done_at is None

    @property
    def survey_mail(self) -> OutboxMessage | None:
        """The outbox message with this survey's link (the latest), None if never queued."""
        if self.id is None or self.survey_mailed_at is None:
            return None
        stmt = (
            select(OutboxMessage)
            .where(OutboxMessage.follow_up_id == self.id,
                   OutboxMessage.kind == SURVEY_MAIL_KIND)
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )
        return (object_session(self) or db.session).scalar(stmt)

    def is_overdue(self, now: datetime) -> bool:
        return self.done_at is None and self.due_at < now

    @property
    def unreached_attempts(self) -> int:
        return sum(1 for attempt in self.attempts if not attempt.reached)


class FollowUpAttempt(db.Model):
    """One try to reach the customer, by staff or by the customer answering a survey link."""

    __tablename__ = "follow_up_attempts"
    __table_args__ = (Index("ix_follow_up_attempts_follow_up", "follow_up_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(ForeignKey("follow_ups.id"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    reached: Mapped[bool] = mapped_column(Boolean)
    csat: Mapped[int | None] = mapped_column(SmallInteger)
    recovered: Mapped[bool | None] = mapped_column(Boolean)
    would_recommend: Mapped[bool | None] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    by_customer: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    attempt_number: Mapped[int] = mapped_column(Integer, default=1)

    follow_up: Mapped[FollowUp] = relationship(back_populates="attempts")
    recorded_by: Mapped[User | None] = relationship()
