"""The customer's side of the demo: complaints that came in by the web form and by e-mail.

A few recent tickets walk the real services: `open_customer_ticket` (unclassified, no
opener), `receive_customer_words` (the customer writes again), owning with the
classification, a written reply. Deterministic and relative to the demo's `now`.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from auth.models import User
from correspondence.inbound import receive_customer_words
from customers.services import CustomerInput
from extensions import db
from sites.calendar import calendar_for
from sites.models import Site
from tickets.actions import perform
from tickets.intake import CustomerComplaint, open_customer_ticket
from tickets.models import Category


@dataclass(frozen=True)
class Arrival:
    """One complaint the customer sent themselves, `hours_ago`, and what happened next."""

    channel: str
    name: str
    email: str
    phone: str
    locale: str
    dimension: str | None
    said: str
    wants: str
    hours_ago: float
    category: str = ""
    owner: str = ""
    wrote_again: str = ""
    reply: str = ""


ARRIVALS = (
    Arrival("web", "Zhou Min", "zhou.min@example.cn", "", "zh_Hans", "tangibles",
            "房间的空调一直在滴水，地毯湿了一大片。", "请尽快修好，或者给我换一间房。", 0.4),
    Arrival("email", "Oliver Grant", "oliver.grant@example.com", "", "en", None,
            "Subject: Breakfast on Sunday\n\nWe waited forty minutes for a table at "
            "breakfast and nobody told us why. Not what we expected.",
            "An explanation, and a table booked for next Sunday.", 2.5,
            category="Long wait", owner="desk",
            wrote_again="Thanks for the call. Could you confirm the table for 9:00?"),
    Arrival("web", "Sara Lindqvist", "", "+46 70 123 45 67", "en", "reliability",
            "The late check-out we were promised at booking was not in the system; "
            "housekeeping knocked at 11.", "Keep the room until 2 pm as agreed.", 5,
            category="Booking error", owner="desk2",
            reply="We have kept your room until 14:00 as promised; sorry for the knock."),
)


def _category(name: str) -> Category | None:
    return db.session.scalar(select(Category).where(Category.name == name))


def _own(ticket, owner: User, arrival: Arrival, at: datetime) -> None:
    category = _category(arrival.category)
    perform(ticket, "own", owner, {
        "acknowledgement": "Apologised and said we would sort it out today",
        "next_contact_by": calendar_for(ticket.site).add_business_time(at, timedelta(hours=3)),
        "dimension": category.dimension, "category_id": category.id,
    }, version=None, now=at)


def _walk(site: Site, cast: dict[str, User], arrival: Arrival, now: datetime) -> None:
    at = now - timedelta(hours=arrival.hours_ago)
    ticket = open_customer_ticket(CustomerComplaint(
        site=site, channel=arrival.channel,
        customer=CustomerInput(name=arrival.name, email=arrival.email, phone=arrival.phone,
                               locale=arrival.locale),
        description=arrival.said, desired_outcome=arrival.wants,
        dimension=arrival.dimension), at)
    if not arrival.owner:
        return
    _own(ticket, cast[arrival.owner], arrival, at + timedelta(minutes=25))
    if arrival.reply:
        perform(ticket, "reply", cast[arrival.owner], {"body": arrival.reply}, version=None,
                now=at + timedelta(minutes=40))
    if arrival.wrote_again:
        receive_customer_words(ticket, arrival.wrote_again, "email",
                               at + timedelta(minutes=90))


def seed_customer_side(site: Site, cast: dict[str, User], now: datetime) -> int:
    """The web-form and e-mail complaints of the demo; returns how many."""
    for arrival in ARRIVALS:
        _walk(site, cast, arrival, now)
    db.session.flush()
    return len(ARRIVALS)
