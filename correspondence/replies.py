"""Canned replies: a short list per language that managers keep, and staff start from.

A template's body may use the placeholders of `correspondence.placeholders`; any other
`{name}` is refused when it is saved (field ``body``). Filling it for a ticket puts in the
customer's name, the reference, the owner's name and the standing promise (in the
template's language). Staff always edit the filled text before it is sent. Nothing here
commits.
"""

from dataclasses import dataclass

from flask_babel import force_locale
from sqlalchemy import func, select

from core import inputs
from core.messages import define
from core.validation import ValidationFailed
from core.words import N_
from correspondence.models import ReplyTemplate
from correspondence.placeholders import fill, unknown_placeholders
from correspondence.wording import guest_time
from customers.models import LOCALES
from customers.services import UNKNOWN_LOCALE
from extensions import db
from tickets.models import Ticket

TITLE_LENGTH = 80
BODY_LENGTH = 4000  # filled, it still fits a reply (5000)
MAX_POSITION = 999
UNKNOWN_PLACEHOLDER = define("reply.unknown_placeholder", N_(
    "Use only the placeholders {customer}, {reference}, {owner} and {promise}."))
DUPLICATE_TITLE = define("reply.duplicate_title", N_(
    "There is already a canned reply with this title in this language."))


@dataclass(frozen=True)
class TemplateInput:
    """What a manager typed: raw values, checked by `save_template`."""

    locale: object
    title: object
    body: object
    position: object = 0
    active: bool = True


def _text(errors: dict, cleaned: dict, name: str, value, limit: int) -> None:
    try:
        cleaned[name] = inputs.clean_text(value, max_length=limit, required=True)
    except inputs.InputError as refused:
        errors[name] = refused.reason


def _position(value) -> int:
    if value in (None, ""):
        return 0
    return inputs.parse_int(value, low=0, high=MAX_POSITION)


def _clean(data: TemplateInput, template: ReplyTemplate | None) -> dict:
    errors, cleaned = {}, {}
    if data.locale not in LOCALES:
        errors["locale"] = UNKNOWN_LOCALE()
    else:
        cleaned["locale"] = data.locale
    _text(errors, cleaned, "title", data.title, TITLE_LENGTH)
    _text(errors, cleaned, "body", data.body, BODY_LENGTH)
    if "body" in cleaned and unknown_placeholders(cleaned["body"]):
        errors["body"] = UNKNOWN_PLACEHOLDER()
    try:
        cleaned["position"] = _position(data.position)
    except inputs.InputError:
        errors["position"] = inputs.NOT_A_WHOLE_NUMBER(low=0, high=MAX_POSITION)
    if not errors and _title_taken(cleaned["locale"], cleaned["title"], template):
        errors["title"] = DUPLICATE_TITLE()
    if errors:
        raise ValidationFailed(errors)
    cleaned["active"] = bool(data.active)
    return cleaned


def _title_taken(locale: str, title: str, template: ReplyTemplate | None) -> bool:
    stmt = select(ReplyTemplate.id).where(
        ReplyTemplate.locale == locale, func.lower(ReplyTemplate.title) == title.lower())
    if template is not None and template.id is not None:
        stmt = stmt.where(ReplyTemplate.id != template.id)
    return db.session.scalar(stmt.limit(1)) is not None


def save_template(data: TemplateInput, now, template: ReplyTemplate | None = None
                  ) -> ReplyTemplate:
    """Create (or, given `template`, change) a canned reply; ValidationFailed naming each
    bad field. Flushed."""
    cleaned = _clean(data, template)
    if template is None:
        template = ReplyTemplate(created_at=now)
        db.session.add(template)
    for name, value in cleaned.items():
        setattr(template, name, value)
    template.updated_at = now
    db.session.flush()
    return template


def deactivate_template(template: ReplyTemplate, now) -> None:
    """Take a canned reply out of use (kept, so it can be brought back by editing it)."""
    template.active = False
    template.updated_at = now
    db.session.flush()


def all_templates() -> list[ReplyTemplate]:
    """Every canned reply, by language, then position and title."""
    stmt = select(ReplyTemplate).order_by(ReplyTemplate.locale, ReplyTemplate.position,
                                          ReplyTemplate.title, ReplyTemplate.id)
    return list(db.session.scalars(stmt))


def active_templates(locale: str) -> list[ReplyTemplate]:
    """The canned replies in use in one language, in the managers' order."""
    stmt = (
        select(ReplyTemplate)
        .where(ReplyTemplate.locale == locale, ReplyTemplate.active.is_(True))
        .order_by(ReplyTemplate.position, ReplyTemplate.title, ReplyTemplate.id)
    )
    return list(db.session.scalars(stmt))


def placeholder_values(ticket: Ticket) -> dict[str, str]:
    """What each placeholder stands for on this ticket (the promise in the current
    language)."""
    return {
        "customer": ticket.customer.name,
        "reference": ticket.ref,
        "owner": ticket.owner.display_name if ticket.owner else "",
        "promise": guest_time(ticket.next_contact_by, ticket.site),
    }


def filled_template(template: ReplyTemplate, ticket: Ticket) -> str:
    """The template's text for this ticket, in the template's language."""
    with force_locale(template.locale):
        return fill(template.body, placeholder_values(ticket))

