"""The customer's status link: one signed link per ticket, no sign-in.

The token carries only the ticket's id, signed with the app's secret (itsdangerous), so
the same link can be mailed, printed on the ticket slip and shown as a QR code any number
of times. A tampered token is unknown (404); a link to a ticket closed more than
STATUS_LINK_DAYS_AFTER_CLOSE days ago has expired (410).
"""

from datetime import datetime, timedelta
from enum import StrEnum

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from core import inputs
from core.vocabulary import Status
from extensions import db
from tickets.models import Ticket

SALT = "recovery-desk.status-link"
STATUS_PATH = "/status/"  # the public blueprint's `public.status` route
STATUS_LINK_DAYS_AFTER_CLOSE = 30


class StatusLinkProblem(StrEnum):
    INVALID = "invalid"
    EXPIRED = "expired"


class StatusLinkError(Exception):
    def __init__(self, problem: StatusLinkProblem, ticket: Ticket | None = None) -> None:
        super().__init__(str(problem))
        self.problem = problem
        self.ticket = ticket


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT)


def make_token(ticket: Ticket, secret: str | None = None) -> str:
    if ticket.id is None:
        raise ValueError("only a stored ticket has a status link")
    return _serializer(secret or current_app.config["SECRET_KEY"]).dumps({"t": ticket.id})


def status_path(ticket: Ticket) -> str:
    return STATUS_PATH + make_token(ticket)


def status_url(ticket: Ticket) -> str:
    """The absolute link for the customer, on the public address in SITE_URL (mail is
    written in requests, commands and jobs alike)."""
    return current_app.config["SITE_URL"].rstrip("/") + status_path(ticket)


def expires_at(ticket: Ticket) -> datetime | None:
    """When the link stops working: 30 days after the ticket closed; None while it is not
    closed."""
    if ticket.status != Status.CLOSED or ticket.closed_at is None:
        return None
    return ticket.closed_at + timedelta(days=STATUS_LINK_DAYS_AFTER_CLOSE)


def open_ticket_link(token: str, now: datetime, secret: str | None = None) -> Ticket:
    """The ticket behind `token` while the link works, else StatusLinkError."""
    try:
        payload = _serializer(secret or current_app.config["SECRET_KEY"]).loads(token)
        ticket_id = inputs.parse_int(str(payload["t"]))
    except (BadSignature, KeyError, TypeError, ValueError, inputs.InputError):
        raise StatusLinkError(StatusLinkProblem.INVALID) from None
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None:
        raise StatusLinkError(StatusLinkProblem.INVALID)
    ends = expires_at(ticket)
    if ends is not None and now >= ends:
        raise StatusLinkError(StatusLinkProblem.EXPIRED, ticket)
    return ticket
