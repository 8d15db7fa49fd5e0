"""The ticket slip staff print and hand over at the desk, `GET /tickets/<ref>/slip`.

A small printable page (A6, its own print stylesheet) in the customer's language: the
reference, the site, who looks after the complaint, the promise, what happens next, and the
status link as a QR code (`core.qr`, inline SVG) and as text. Staff only, for a ticket in
their site scope (else 404, as every ticket page).
"""

from flask import Blueprint, current_app, g, render_template
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_login import current_user

from auth.permissions import permission_required
from core import qr
from core.clock import utcnow
from correspondence import plain_status
from correspondence.links import status_url
from tickets.access import load_ticket

bp = Blueprint("correspondence", __name__)
QR_SCALE = 4


@bp.route("/tickets/<ref>/slip")
@permission_required("work_tickets")
def slip(ref: str):
    ticket = load_ticket(ref, current_user)
    g.page_locale = ticket.customer.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    refresh()
    link = status_url(ticket)
    return render_template(
        "correspondence/slip.html", ticket=ticket, site=ticket.site, link=link,
        owner_name=ticket.owner.display_name if ticket.owner else None,
        qr=qr.inline_svg(link, svgclass="slip-qr", scale=QR_SCALE,
                         title=_("Scan to see how your complaint stands")),
        sentence=plain_status.sentence(plain_status.standing_of(ticket)),
        promise=plain_status.promise_of(ticket, utcnow(), str(get_locale())),
    )
