"""The follow-up part of the every-minute sweep: remind owners of overdue follow-ups and
put each due survey's link in the outbox for customers who gave an e-mail address.

Both select only what is due through indexed columns and mark it done (`reminded_at`,
`survey_mailed_at`), so running twice is harmless; on PostgreSQL rows are taken with SKIP
LOCKED so two sweepers never share one. Nothing here talks to SMTP: the survey mail is
enqueued in the sweep's transaction and `outbox.sender.send_due` sends it.
"""

from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from core.formatting import local_time
from customers.models import Customer
from extensions import db
from followups.models import SURVEY_MAIL_KIND, FollowUp
from followups.survey_link import expires_at, survey_url
from outbox.queue import enqueue
from outbox.smtp import SUBJECT_PREFIX
from tickets.models import Ticket

BATCH = 200


def _locked(stmt):
    if db.engine.dialect.name == "postgresql":
        return stmt.with_for_update(skip_locked=True, of=FollowUp)
    return stmt


def _overdue_unreminded(now: datetime):
    """The open follow-ups due by `now` whose owner was not reminded yet, earliest first,
    with the ticket, its customer, owner and site they are told about: one query."""
    stmt = (
        select(FollowUp)
        .where(FollowUp.done_at.is_(None), FollowUp.due_at <= now, FollowUp.reminded_at.is_(None))
        .options(joinedload(FollowUp.ticket).options(
            joinedload(Ticket.customer), joinedload(Ticket.owner), joinedload(Ticket.site)))
        .order_by(FollowUp.due_at, FollowUp.id)
        .limit(BATCH)
    )
    return db.session.scalars(_locked(stmt)).unique().all()


def remind_overdue(now: datetime, staff=None) -> int:
    """Tell each overdue follow-up's ticket owner once (site supervisors if nobody owns it).
    `staff` (a `notifications.services.StaffOnCall`) is the pass's, when it has one; the
    reminders are written together."""
    from notifications.kinds import FOLLOW_UP_DUE, FOLLOW_UP_WORDS
    from notifications.services import Notice, StaffOnCall, notify_all
    from notifications.wording import At

    staff = staff or StaffOnCall()
    due = _overdue_unreminded(now)
    notices = []
    for follow_up in due:
        ticket = follow_up.ticket
        message = FOLLOW_UP_DUE(
            ref=ticket.ref, what=FOLLOW_UP_WORDS[follow_up.kind](),
            customer=ticket.customer.name, due=At(follow_up.due_at, ticket.site.timezone),
        )
        recipients = [ticket.owner] if ticket.owner else staff.supervisors(ticket.site)
        notices.append(Notice(recipients, "follow_up_due", message, ticket=ticket))
        follow_up.reminded_at = now
    notify_all(notices, now=now)
    return len(due)


def _surveys_to_queue(now: datetime):
    stmt = (
        select(FollowUp)
        .join(FollowUp.ticket)
        .join(Ticket.customer)
        .where(
            FollowUp.kind == "survey",
            FollowUp.done_at.is_(None),
            FollowUp.due_at <= now,
            FollowUp.survey_mailed_at.is_(None),
            Customer.email.is_not(None),
            Customer.email != "",
        )
        .options(contains_eager(FollowUp.ticket).options(
            contains_eager(Ticket.customer), joinedload(Ticket.site)))
        .order_by(FollowUp.due_at, FollowUp.id)
        .limit(BATCH)
    )
    return db.session.scalars(_locked(stmt)).unique().all()


def compose_survey_mail(follow_up: FollowUp, config) -> tuple[str, str]:
    """Subject and body in the customer's language."""
    ticket, customer = follow_up.ticket, follow_up.ticket.customer
    with force_locale(customer.locale or "en"):
        subject = _("How did we do? (%(ref)s)", ref=ticket.ref)
        body = "\n\n".join(
            [
                _("Dear %(name)s,", name=customer.name),
                _("A few days ago you told us about a problem at %(site)s, and we worked to "
                  "put it right. Would you tell us whether we did? Three questions, less "
                  "than a minute:", site=ticket.site.name),
                survey_url(follow_up, config),
                _("The link works until %(date)s.",
                  date=local_time(expires_at(follow_up), ticket.site, "yyyy-MM-dd")),
                _("Thank you, %(site)s", site=ticket.site.name),
            ]
        )
    return SUBJECT_PREFIX + subject, body


def queue_due_surveys(now: datetime) -> int:
    """Put every due survey link in the outbox, once each; returns how many."""
    due = _surveys_to_queue(now)
    for follow_up in due:
        subject, body = compose_survey_mail(follow_up, current_app.config)
        enqueue(kind=SURVEY_MAIL_KIND, to_address=follow_up.ticket.customer.email,
                subject=subject, body_text=body, due_at=now, follow_up_id=follow_up.id,
                now=now)
        follow_up.survey_mailed_at = now
    return len(due)


def follow_up_sweep(now: datetime, staff=None) -> dict:
    """One pass; the caller commits. Returns what happened, e.g. {"reminded": 2}. `staff`:
    the sweep's `notifications.services.StaffOnCall`, when it has one."""
    done = {"reminded": remind_overdue(now, staff),
            "survey mail queued": queue_due_surveys(now)}
    return {name: count for name, count in done.items() if count}
