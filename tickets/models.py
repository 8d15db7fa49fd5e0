"""Tickets and what hangs off them: fix offers, contacts, prevention actions, events."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auth.models import User
from core import inputs
from core.clock import utcnow
from core.db_types import UTCDateTime
from core.formatting import current_locale
from customers.models import Customer
from extensions import db
from sites.models import Site

REF_PREFIX = "SR-"


def format_ref(ticket_id: int | None) -> str:
    return f"{REF_PREFIX}{ticket_id:06d}" if ticket_id else ""


def parse_ref(ref: str) -> int | None:
    """The ticket id in a reference such as 'SR-000123', 'sr-123' or '123'; None when
    malformed: anything but ASCII digits after the prefix, or an id outside 1..INT32_MAX."""
    if not isinstance(ref, str):
        return None
    text = ref.strip().upper().removeprefix(REF_PREFIX)
    try:
        return inputs.parse_int(text)
    except inputs.InputError:
        return None


def name_for(locale: str | None, name: str, name_zh: str | None) -> str:
    """A category's name for readers of `locale`: a "zh…" locale gets the Chinese name
    when there is one, everyone else (and a category without one) the English name."""
    if locale and str(locale).startswith("zh") and name_zh:
        return name_zh
    return name


class Category(db.Model):
    """A manager-editable complaint category, suggested under one SERVQUAL dimension."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    # The Chinese name; a category without one shows its English name to everyone.
    name_zh: Mapped[str | None] = mapped_column(String(80), unique=True)
    dimension: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def name_in(self, locale: str | None) -> str:
        """The name for readers of `locale`."""
        return name_for(locale, self.name, self.name_zh)

    @property
    def label(self) -> str:
        """The name in the current request's language (English outside a request)."""
        return self.name_in(current_locale())


class Ticket(db.Model):
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_site_status_created", "site_id", "status", "created_at"),
        # The dimension rides along for the report's trend (reports.trend): an index-only read.
        Index("ix_tickets_site_created_dimension", "site_id", "created_at", "dimension"),
        Index("ix_tickets_owner_status", "owner_id", "status"),
        # The site rides along for the report's repeat complainants (reports.sets.repeat).
        Index("ix_tickets_customer_created_site", "customer_id", "created_at", "site_id"),
        Index("ix_tickets_pending_transfer", "pending_transfer_to_id"),
        Index("ix_tickets_sla_next_check", "sla_next_check_at"),
        Index("ix_tickets_site_first_response_due", "site_id", "first_response_due"),
        Index("ix_tickets_site_fix_offered_due", "site_id", "fix_offered_due"),
        Index("ix_tickets_site_resolution_due", "site_id", "resolution_due"),
        Index("ix_tickets_site_owned", "site_id", "owned_at"),
        Index("ix_tickets_site_declined", "site_id", "declined_at"),
        Index("ix_tickets_site_next_contact", "site_id", "next_contact_by"),
        Index("ix_tickets_site_customer_replied", "site_id", "customer_replied_at"),
        # The overdue list: one range over the open tickets' earliest unmet due time.
        Index("ix_tickets_site_next_due", "site_id", "next_due_at",
              postgresql_where=text("next_due_at IS NOT NULL"),
              sqlite_where=text("next_due_at IS NOT NULL")),
        Index("ix_tickets_next_due", "next_due_at",
              postgresql_where=text("next_due_at IS NOT NULL"),
              sqlite_where=text("next_due_at IS NOT NULL")),
        # The list's contains search (queries.matching; migration f14b): GIN trigram indexes
        # on PostgreSQL, empty placeholders (WHERE 0) on SQLite, which has no trigram index.
        Index("ix_tickets_description_trgm", "description", postgresql_using="gin",
              postgresql_ops={"description": "gin_trgm_ops"}, sqlite_where=text("0")),
        Index("ix_tickets_booking_ref_trgm", "booking_ref", postgresql_using="gin",
              postgresql_ops={"booking_ref": "gin_trgm_ops"}, sqlite_where=text("0")),
        # The report's backlog at a moment M: the unfinished tickets (last finish NULL, or
        # reopened since; reports.backlog.finished_for_now) and those resolved after M (f14c).
        *(Index("ix_tickets_site_unfinished", "site_id", "created_at",
                postgresql_where=unfinished, sqlite_where=unfinished) for unfinished in [text(
            "CASE WHEN (reopened_at > CASE WHEN (resolved_at IS NULL) THEN declined_at WHEN "
            "(declined_at IS NULL) THEN resolved_at WHEN (resolved_at >= declined_at) THEN "
            "resolved_at ELSE declined_at END) THEN NULL ELSE CASE WHEN (resolved_at IS NULL) "
            "THEN declined_at WHEN (declined_at IS NULL) THEN resolved_at WHEN (resolved_at >= "
            "declined_at) THEN resolved_at ELSE declined_at END END IS NULL")]),
        Index("ix_tickets_site_resolved", "site_id", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    channel: Mapped[str] = mapped_column(String(20))
    # Empty while unclassified (a complaint from the public form or e-mail): the first
    # person to own the ticket classifies it.
    dimension: Mapped[str | None] = mapped_column(String(20))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    severity: Mapped[str] = mapped_column(String(10))
    is_safety: Mapped[bool] = mapped_column(Boolean, default=False)
    booking_ref: Mapped[str] = mapped_column(String(80), default="")
    description: Mapped[str] = mapped_column(Text)
    desired_outcome: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="new")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opened_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), doc="empty when the customer opened it (web form, e-mail)"
    )
    pending_transfer_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    pending_approval_kind: Mapped[str | None] = mapped_column(String(10))
    signoff_requested_from_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    reopened_count: Mapped[int] = mapped_column(Integer, default=0)
    customer_replied_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, doc="the customer wrote and staff have not answered yet"
    )
    linked_ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id"), doc="the earlier ticket this one continues"
    )

    acknowledgement: Mapped[str] = mapped_column(Text, default="")
    next_contact_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(Text, default="")
    customer_response: Mapped[str | None] = mapped_column(String(10))
    root_cause: Mapped[str | None] = mapped_column(String(30))
    root_cause_note: Mapped[str] = mapped_column(Text, default="")
    fault: Mapped[str | None] = mapped_column(String(20))
    beyond_expectation: Mapped[str] = mapped_column(Text, default="")
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    alternative_offered: Mapped[str] = mapped_column(Text, default="")

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    owned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fix_offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # SLA: due times kept up to date by tickets.deadlines in the same transaction as events.
    first_response_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fix_offered_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_paused_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_paused_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_contact_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_contact_met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_steps: Mapped[dict] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    sla_next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The earliest due time not met yet (first response, fix, resolution unless paused, the
    # promised next contact); empty once the ticket is finished. Overdue = next_due_at < now.
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    site: Mapped[Site] = relationship()
    customer: Mapped[Customer] = relationship()
    category: Mapped[Category | None] = relationship()
    linked_ticket: Mapped["Ticket | None"] = relationship(remote_side="Ticket.id")
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    pending_transfer_to: Mapped[User | None] = relationship(foreign_keys=[pending_transfer_to_id])
    signoff_requested_from: Mapped[User | None] = relationship(
        foreign_keys=[signoff_requested_from_id]
    )
    fix_offers: Mapped[list["FixOffer"]] = relationship(
        back_populates="ticket", order_by="FixOffer.id"
    )
    events: Mapped[list["TicketEvent"]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id"
    )
    prevention_actions: Mapped[list["PreventionAction"]] = relationship(
        back_populates="ticket", order_by="PreventionAction.id"
    )
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="ticket", order_by="Attachment.id"
    )
    # Mapped in followups.models (registered by create_app).
    follow_ups: Mapped[list["FollowUp"]] = relationship(  # noqa: F821
        back_populates="ticket", order_by="FollowUp.id"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Ticket {self.ref} {self.status}>"

    @property
    def ref(self) -> str:
        """The human reference, derived from the id: SR-000123."""
        return format_ref(self.id)

    @property
    def is_classified(self) -> bool:
        """A dimension and a category are set (False for a customer's own complaint until
        it is owned)."""
        return self.dimension is not None and self.category_id is not None

    @property
    def current_offer(self) -> "FixOffer | None":
        return self.fix_offers[-1] if self.fix_offers else None


class FixOffer(db.Model):
    """A concrete fix offered to the customer; a revised offer is a new row."""

    __tablename__ = "fix_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    action: Mapped[str] = mapped_column(Text)
    remedy_type: Mapped[str] = mapped_column(String(20))
    compensation: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3))
    committed_by: Mapped[datetime] = mapped_column(UTCDateTime)
    offered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    needs_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    customer_response: Mapped[str | None] = mapped_column(String(10))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    ticket: Mapped[Ticket] = relationship(back_populates="fix_offers")
    offered_by: Mapped[User] = relationship(foreign_keys=[offered_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])


class PreventionAction(db.Model):
    """What changes so it does not happen again; tracked until done."""

    __tablename__ = "prevention_actions"
    # The report reads the actions open at a week's end (reports.sets.prevention_actions).
    __table_args__ = (Index("ix_prevention_actions_done", "done_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    action: Mapped[str] = mapped_column(Text)
    owner_name: Mapped[str] = mapped_column(String(120), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="prevention_actions")

    def is_overdue(self, today: date) -> bool:
        """Not done and due before `today` (the site's local date)."""
        return self.done_at is None and self.due_on is not None and self.due_on < today


class Attachment(db.Model):
    """A photo or receipt on a ticket. The bytes live in the upload folder under their
    SHA-256 (`storage_key`); the row says what it is and who added it."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="attachments")
    uploaded_by: Mapped[User | None] = relationship()

    @property
    def is_image(self) -> bool:
        """Shown in the page (JPEG, PNG, WebP); other kinds are downloaded."""
        from tickets.files import is_image

        return is_image(self.content_type)


class TicketEvent(db.Model):
    """Append-only audit trail: who did what when, with each changed field old → new."""

    __tablename__ = "ticket_events"
    __table_args__ = (
        Index("ix_ticket_events_ticket_id_id", "ticket_id", "id"),
        Index("ix_ticket_events_action_created", "action", "created_at"),
        Index("ix_ticket_events_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    # A note the system wrote is a declared message (core.messages): its code and parameters,
    # rendered when read in the reader's language; `note` keeps its English text. Both are
    # None for what a person or the customer wrote (their words, shown as written).
    note_code: Mapped[str | None] = mapped_column(String(60))
    note_params: Mapped[dict | None] = mapped_column(JSON)

    ticket: Mapped[Ticket] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

    @property
    def is_from_customer(self) -> bool:
        """The customer's own words: a message they sent, or the complaint they opened
        themselves (web form, e-mail: an `opened` event without a person)."""
        return self.action == "customer_message" or (
            self.action == "opened" and self.actor_id is None)
