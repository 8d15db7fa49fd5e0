"""A guest's complaint from the public form, turned into a ticket with its photos.

One function for the view: the ticket is opened by `tickets.intake.open_customer_ticket`
(channel `web`, unclassified, the site's customer found by phone or e-mail, else created),
then each photo is added through the staff's own step (`add_attachment`, by nobody: the
customer), in the same transaction — one audit event each, `uploaded_by` empty.
"""

from dataclasses import dataclass, field
from datetime import datetime

from core.vocabulary import Channel
from customers.services import CustomerInput
from sites.models import Site
from tickets.actions import perform
from tickets.complaint_kinds import BY_CODE, dimension_for
from tickets.intake import CustomerComplaint, open_customer_ticket
from tickets.models import Ticket
from tickets.workflow import Action


@dataclass
class GuestComplaint:
    """What the guest typed and chose; `photos` as the attachment rule reads them."""

    name: str
    phone: str
    email: str
    kind: str
    description: str
    desired_outcome: str = ""
    booking_ref: str = ""
    photos: list[dict] = field(default_factory=list)


def submit_complaint(site: Site, answers: GuestComplaint, locale: str, now: datetime) -> Ticket:
    """Open the guest's ticket at `site` (their language: `locale`) and attach their photos.
    Raises ValidationFailed (fields `name`, `phone`, `email`, `description`, …, `file`);
    the caller's transaction boundary commits or rolls everything back."""
    dimension = dimension_for(answers.kind) if answers.kind in BY_CODE else None
    complaint = CustomerComplaint(
        site=site,
        channel=str(Channel.WEB),
        customer=CustomerInput(name=answers.name, phone=answers.phone, email=answers.email,
                               locale=locale),
        description=answers.description,
        desired_outcome=answers.desired_outcome,
        booking_ref=answers.booking_ref,
        dimension=dimension,
    )
    ticket = open_customer_ticket(complaint, now)
    for photo in answers.photos:
        perform(ticket, str(Action.ADD_ATTACHMENT), None,
                {"content": photo["content"], "file_name": photo["file_name"],
                 "note": "Sent by the guest with the complaint form"},
                version=None, now=now)
    return ticket
