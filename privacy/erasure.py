"""Erasing a customer's personal data (PIPL art. 47, GDPR art. 17): the person becomes
anonymous, their tickets and every figure stay.

Rules of `erase_customer`:

- **Once.** `customers.erased_at` is claimed first with a conditional UPDATE, so two
  erasures racing (a manager and the retention job) erase once; an erased customer is
  refused (`Refused`, 409) and never erased again. A ticket changed by someone else
  meanwhile (its version moved) makes the whole erasure a `Conflict` (409): retry.
- **The customer**: name → "Erased customer #<id>", phone and e-mail → none, notes → empty.
  Tier, language, site and preferred owner stay (they are not about the person, and the
  SLA and the figures use them).
- **Their tickets stay**, with status, classification, times, money and owners, so counts,
  clocks and weekly figures are unchanged. In each ticket: the booking reference is cleared
  (a key into the hotel's booking system, which names the guest); the customer's own words
  (description, desired outcome, their survey comments) become "[erased]"; what staff wrote
  (acknowledgement, outcome, root-cause note, gesture, decline reason and alternative, fix
  offers, prevention actions, contact and follow-up notes) keeps its words with the
  customer's values scrubbed (see privacy.scrub for both rules and why); attachments are
  removed, the rows now and the files once the transaction commits (a rollback keeps
  them); open follow-ups end as "unreachable" (their contact details are gone), so a
  survey link stops working (its page says the survey is closed). Not "cancelled": a
  cancelled survey leaves the response rate's count of surveys due, and past weeks' figures
  would change; an unreachable one counts as due and unanswered, as an open one did.
- **What is already written** — past events, notifications, mails, stored weekly reports —
  is redacted (privacy.redaction); unsent mail to them is withdrawn (deleted, or cancelled
  when a message on the ticket records it), so nothing is mailed to them afterwards.
  Webhook deliveries about their tickets are scrubbed, and cancelled when not sent yet.
- **The messages and mail of the customer side**: every message exchanged on their tickets
  (both ways) keeps its row with its body and short text "[erased]"; their incoming mail
  loses its sender, subject and raw bytes (its Message-ID stays, so a copy delivered again
  still opens nothing). Their status links keep working — the page reads the ticket and
  its messages, which now hold nothing personal.
- **Figures that need the address**: the weekly report counts tickets whose customer has an
  e-mail address (acknowledged in writing); the erasure event says `customer_email`: ["on
  file", "erased"] on each ticket of a customer who had one, so that figure stays.
- **Audit**: one `customer_erased` event per ticket (one new version each, the ticket's
  invariant "version = number of events" holds) and one privacy log row, saying who (None:
  the system), why and how much, never an erased value.

The caller commits (the transaction boundary); nothing here commits or rolls back.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from auth.models import User
from core.domain_errors import Conflict, Refused
from core.messages import define
from core.words import N_
from customers.models import EMAIL_ON_FILE, Customer
from extensions import db
from followups.loop import end_open_follow_ups
from privacy import holdings, redaction
from privacy.models import BY_RETENTION, ERASED, ON_REQUEST, log_entry
from privacy.scrub import REDACTED, Scrubber, scrubber_for
from tickets.attachments import remove_files_after_commit
from tickets.audit import record_event
from tickets.models import Ticket

ERASED_EVENT = "customer_erased"
CUSTOMER_WORDS = ("description", "desired_outcome")
STAFF_TEXTS = ("acknowledgement", "outcome", "root_cause_note", "beyond_expectation",
               "decline_reason", "alternative_offered")
# The erasure event's note, by why the data was erased (rendered in the reader's language).
NOTES = {
    ON_REQUEST: define("privacy.erased_on_request",
                       N_("The customer's personal data was erased on request.")),
    BY_RETENTION: define("privacy.erased_by_retention",
                         N_("The customer's personal data was erased by the retention rule.")),
}
CONFIRM_WORD = "ERASE"
FOLLOW_UP_OUTCOME = "unreachable"
ALREADY_ERASED = define("privacy.already_erased",
                        N_("This customer's personal data has already been erased."))
TICKET_CHANGED = define("privacy.ticket_changed", N_(
    "One of the customer's tickets changed meanwhile; nothing was erased. Try again."))


@dataclass
class Erasure:
    """What one erasure did (counts only)."""

    tickets: int = 0
    attachments: int = 0
    follow_ups_ended: int = 0
    events_redacted: int = 0
    notifications_redacted: int = 0
    mails_redacted: int = 0
    mails_withdrawn: int = 0
    webhooks_withdrawn: int = 0
    webhooks_redacted: int = 0
    messages_redacted: int = 0
    inbound_mail_redacted: int = 0
    reports_redacted: int = 0
    per_ticket: dict = field(default_factory=dict, repr=False)
    messages_per_ticket: dict = field(default_factory=dict, repr=False)

    def counts(self) -> dict:
        return {key: value for key, value in asdict(self).items()
                if key not in ("per_ticket", "messages_per_ticket")}


def confirms(customer: Customer, typed: str | None) -> bool:
    """An erasure is confirmed by typing the customer's name (case and spacing aside) or
    the word ERASE."""
    words = " ".join((typed or "").split())
    return words == CONFIRM_WORD or words.casefold() == " ".join(customer.name.split()).casefold()


def _claim(customer: Customer, now: datetime) -> None:
    """Mark the customer erased unless someone already did (atomic on both databases)."""
    table = Customer.__table__
    stmt = (
        update(table)
        .where(table.c.id == customer.id, table.c.erased_at.is_(None))
        .values(erased_at=now)
    )
    if db.session.execute(stmt).rowcount != 1:
        raise Refused(ALREADY_ERASED())


def _customer_words(tickets: list[Ticket], messages: list, subjects: list[str]) -> list[str]:
    """What the customer said or wrote themselves: on the ticket, in survey answers, in
    their messages (and the previews of them the audit trail quotes), in their mail's
    subjects."""
    words = [getattr(ticket, name) for ticket in tickets for name in CUSTOMER_WORDS]
    words += [
        attempt.comment for ticket in tickets for follow_up in ticket.follow_ups
        for attempt in follow_up.attempts if attempt.by_customer
    ]
    words += [text for message in messages if message.is_from_customer
              for text in (message.body, message.short_text)]
    words += subjects
    return [text for text in words if text]


def _scrub_children(ticket: Ticket, scrubber: Scrubber) -> None:
    for offer in ticket.fix_offers:
        offer.action = scrubber.text(offer.action or "")
    for action in ticket.prevention_actions:
        action.action = scrubber.text(action.action or "")
    for follow_up in ticket.follow_ups:
        for attempt in follow_up.attempts:
            if attempt.by_customer and attempt.comment:
                attempt.comment = REDACTED
            else:
                attempt.comment = scrubber.text(attempt.comment or "")


def _anonymise_ticket(ticket: Ticket, scrubber: Scrubber, now: datetime,
                      done: Erasure) -> dict:
    """Anonymise one ticket in place, counting in `done`; returns the audit changes
    (counts, never a value)."""
    ticket.booking_ref = ""
    for name in CUSTOMER_WORDS:
        if getattr(ticket, name):
            setattr(ticket, name, REDACTED)
    for name in STAFF_TEXTS:
        setattr(ticket, name, scrubber.text(getattr(ticket, name) or ""))
    _scrub_children(ticket, scrubber)
    changes: dict = {}
    kinds = end_open_follow_ups(ticket, now, FOLLOW_UP_OUTCOME)
    if kinds:
        changes["follow_ups"] = [", ".join(kinds), FOLLOW_UP_OUTCOME]
        done.follow_ups_ended += len(kinds)
    attachments = list(ticket.attachments)
    for attachment in attachments:
        db.session.delete(attachment)
    remove_files_after_commit(attachment.storage_key for attachment in attachments)
    if attachments:
        changes["attachments"] = [len(attachments), 0]
        done.attachments += len(attachments)
    redacted = done.per_ticket.get(ticket.id, 0)
    if redacted:
        changes["events_redacted"] = [None, redacted]
    messages = done.messages_per_ticket.get(ticket.id, 0)
    if messages:
        changes["messages_erased"] = [None, messages]
    if ticket.customer.email:
        changes["customer_email"] = [EMAIL_ON_FILE, "erased"]
    ticket.updated_at = now
    flag_modified(ticket, "updated_at")  # one change of the ticket: one new version
    return changes


def _anonymise_customer(customer: Customer, scrubber: Scrubber, now: datetime) -> None:
    customer.name = scrubber.placeholder
    customer.name_key = scrubber.placeholder.lower()
    customer.phone = customer.phone_digits = customer.email = None
    customer.notes = ""
    customer.erased_at = now


def _redact_written(customer: Customer, tickets: list[Ticket], done: Erasure) -> Scrubber:
    """Redact events, notifications, mails and reports; returns the scrubber used."""
    ticket_ids = [ticket.id for ticket in tickets]
    survey_ids = holdings.follow_up_ids(tickets)
    alert_ids = holdings.notification_ids(ticket_ids)
    addresses = holdings.customer_addresses(customer, survey_ids, ticket_ids)
    messages = holdings.messages_of(ticket_ids)
    subjects = holdings.inbound_subjects(ticket_ids, addresses)
    rows = redaction.event_rows(ticket_ids)
    scrubber = scrubber_for(
        customer.id, {customer.name} | redaction.names_in_trail(rows), [customer.phone],
        addresses, _customer_words(tickets, messages, subjects),
    )
    done.per_ticket = redaction.redact_ticket_events(rows, scrubber)
    done.events_redacted = sum(done.per_ticket.values())
    done.notifications_redacted = redaction.redact_notifications(alert_ids, scrubber)
    done.mails_withdrawn = redaction.withdraw_unsent_mail(survey_ids, addresses, ticket_ids)
    done.mails_redacted = redaction.redact_outbox(survey_ids, alert_ids, addresses, scrubber,
                                                  ticket_ids)
    done.webhooks_withdrawn = redaction.withdraw_webhooks(ticket_ids)
    done.webhooks_redacted = redaction.redact_webhooks(ticket_ids, scrubber)
    for message in messages:
        done.messages_per_ticket[message.ticket_id] = (
            done.messages_per_ticket.get(message.ticket_id, 0) + 1)
    done.messages_redacted = redaction.redact_messages(ticket_ids)
    done.inbound_mail_redacted = redaction.redact_inbound_mail(ticket_ids, addresses, scrubber)
    done.reports_redacted = redaction.redact_report_snapshots(scrubber)
    redaction.expire_redacted()
    return scrubber


def erase_customer(customer: Customer, actor: User | None, now: datetime,
                   reason: str = ON_REQUEST) -> Erasure:
    """Erase `customer`'s personal data (rules above); `actor` None is the system."""
    db.session.flush()
    _claim(customer, now)
    tickets = holdings.tickets_of(customer)
    done = Erasure(tickets=len(tickets))
    scrubber = _redact_written(customer, tickets, done)
    with db.session.no_autoflush:
        for ticket in tickets:
            changes = {"personal_data": [None, f"erased ({reason})"],
                       **_anonymise_ticket(ticket, scrubber, now, done)}
            record_event(ticket, actor, ERASED_EVENT, now, changes, NOTES[reason]())
        _anonymise_customer(customer, scrubber, now)
        log_entry(customer, ERASED, reason, actor, now, done.counts())
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(TICKET_CHANGED()) from None
    return done
