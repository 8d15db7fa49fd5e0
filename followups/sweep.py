"""The follow-up part of the every-minute sweep: remind owners of overdue follow-ups and
mail each due survey's link to customers who gave an e-mail address.

Both select only what is due through indexed columns and mark it done, so running twice
is harmless; on PostgreSQL rows are taken with SKIP LOCKED so two sweepers never share one.
"""

import logging
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.formatting import local_time
from customers.models import Customer
from extensions import db
from followups.loop import KIND_WORDS
from followups.models import FollowUp
from followups.survey_link import expires_at, survey_url
from notifications import mail
from tickets.models import Ticket

log = logging.getLogger("notifications.mail")
BATCH = 200
MAX_SURVEY_MAIL_ATTEMPTS = 5


def _locked(stmt):
    if db.engine.dialect.name == "postgresql":
        return stmt.with_for_update(skip_locked=True, of=FollowUp)
    return stmt


def _overdue_unreminded(now: datetime):
    stmt = (
        select(FollowUp)
        .where(FollowUp.done_at.is_(None), FollowUp.due_at <= now, FollowUp.reminded_at.is_(None))
        .options(joinedload(FollowUp.ticket).joinedload(Ticket.customer))
        .order_by(FollowUp.due_at, FollowUp.id)
        .limit(BATCH)
    )
    return db.session.scalars(_locked(stmt)).unique().all()


def remind_overdue(now: datetime) -> int:
    """Tell each overdue follow-up's ticket owner once (site supervisors if nobody owns it)."""
    from notifications.services import active_supervisors, notify

    due = _overdue_unreminded(now)
    for follow_up in due:
        ticket = follow_up.ticket
        message = (
            f"{ticket.ref}: the {KIND_WORDS[follow_up.kind]} with {ticket.customer.name} is "
            f"due ({local_time(follow_up.due_at, ticket.site)})."
        )
        recipients = [ticket.owner] if ticket.owner else active_supervisors(ticket.site)
        notify(recipients, "follow_up_due", message, ticket=ticket, now=now)
        follow_up.reminded_at = now
    return len(due)


def _surveys_to_mail(now: datetime):
    stmt = (
        select(FollowUp)
        .join(FollowUp.ticket)
        .join(Ticket.customer)
        .where(
            FollowUp.kind == "survey",
            FollowUp.done_at.is_(None),
            FollowUp.due_at <= now,
            FollowUp.survey_mail_status.is_(None),
            Customer.email.is_not(None),
            Customer.email != "",
        )
        .options(joinedload(FollowUp.ticket).joinedload(Ticket.customer))
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
    return mail.SUBJECT_PREFIX + subject, body


def _send_survey(follow_up: FollowUp, now: datetime, config) -> str:
    to = follow_up.ticket.customer.email
    subject, body = compose_survey_mail(follow_up, config)
    if not config.get("SMTP_URL"):
        log.info("mail not sent (no SMTP_URL) to %s: %s", to, subject)
        follow_up.survey_mail_status, follow_up.survey_mailed_at = "logged", now
        return "logged"
    follow_up.survey_mail_attempts = (follow_up.survey_mail_attempts or 0) + 1
    try:
        mail.send_mail(config, to, subject, body)
    except Exception:
        log.warning("survey mail to %s failed (attempt %d)", to,
                    follow_up.survey_mail_attempts, exc_info=True)
        if follow_up.survey_mail_attempts >= MAX_SURVEY_MAIL_ATTEMPTS:
            follow_up.survey_mail_status = "failed"
            return "failed"
        return "retry"
    follow_up.survey_mail_status, follow_up.survey_mailed_at = "sent", now
    return "sent"


def mail_due_surveys(now: datetime) -> dict:
    """Mail every due survey link (once; a failure is retried at the next sweeps)."""
    counts: dict[str, int] = {}
    for follow_up in _surveys_to_mail(now):
        outcome = _send_survey(follow_up, now, current_app.config)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def follow_up_sweep(now: datetime) -> dict:
    """One pass; the caller commits. Returns what happened, e.g. {"reminded": 2}."""
    done = {"reminded": remind_overdue(now)}
    for outcome, count in mail_due_surveys(now).items():
        done[f"survey mail {outcome}"] = count
    return {name: count for name, count in done.items() if count}
