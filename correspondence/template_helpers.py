"""What the ticket page shows of the correspondence, as template globals (the tickets
layer cannot import this package), and the canned reply that pre-fills the reply form.

`templates/tickets/_conversation.html` reads `customer_conversation(ticket)`,
`customer_status_link(ticket)` and `canned_replies(ticket)`; the ticket page's reply form
asks `tickets.page.canned_reply` for the text of `?reply_template=<id>`.
"""

from flask import Flask, flash, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core import inputs
from core.messages import define
from core.validation import ValidationFailed
from core.words import N_
from correspondence import conversation as talk
from correspondence.links import status_url
from correspondence.models import ReplyTemplate
from correspondence.outbound import letter_locale
from correspondence.replies import active_templates, filled_template
from extensions import db
from tickets import page

NOT_A_TEMPLATE = define("reply.not_a_template", N_("Choose a canned reply from the list."))
KIND_LABELS = {
    "customer": _l("Customer's message"),
    "acknowledgement": _l("Acknowledgement"),
    "reply": _l("Reply"),
    "fix_offer": _l("Fix offer"),
    "resolution": _l("Resolution summary"),
}
STATE_LABELS = {
    talk.RECEIVED: _l("received"),
    talk.QUEUED: _l("queued"),
    talk.SENT: _l("sent"),
    talk.LOGGED: _l("not sent: no mail server configured"),
    talk.FAILED: _l("failed"),
    talk.NOT_MAILED: _l("not mailed: no e-mail address"),
    talk.NOT_SENT: _l("not sent: staff chose not to"),
}
STATE_BADGES = {
    talk.RECEIVED: "text-bg-info",
    talk.QUEUED: "text-bg-secondary",
    talk.SENT: "text-bg-success",
    talk.LOGGED: "text-bg-warning",
    talk.FAILED: "text-bg-danger",
    talk.NOT_MAILED: "text-bg-warning",
    talk.NOT_SENT: "text-bg-light",
}
SOURCE_LABELS = {
    "email": _l("by e-mail"),
    "status_page": _l("on their status page"),
    "web": _l("on the complaint form"),
}


def canned_replies(ticket) -> list[ReplyTemplate]:
    """The canned replies in the customer's language."""
    return active_templates(letter_locale(ticket))


def canned_reply_from_request(ticket) -> str | None:
    """The canned reply `?reply_template=<id>` asks for, filled for `ticket` (the one the
    page shows, already loaded for this person); None when none is asked for. A malformed
    id is refused (422, as any bad query parameter); an unknown or retired one is said so,
    and the form stays empty."""
    raw = request.args.get("reply_template")
    if not raw:
        return None
    try:
        template_id = inputs.parse_int(raw)
    except inputs.InputError:
        raise ValidationFailed({"reply_template": NOT_A_TEMPLATE()}) from None
    template = db.session.get(ReplyTemplate, template_id)
    if template is None or not template.active:
        flash(_("That canned reply is no longer offered: write your reply yourself."),
              "warning")
        return None
    return filled_template(template, ticket)


def init_app(app: Flask) -> None:
    page.canned_reply.register(canned_reply_from_request)
    app.jinja_env.globals.update(
        {
            "customer_conversation": talk.conversation,
            "customer_status_link": status_url,
            "canned_replies": canned_replies,
            "message_kind_labels": KIND_LABELS,
            "message_state_labels": STATE_LABELS,
            "message_state_badges": STATE_BADGES,
            "message_source_labels": SOURCE_LABELS,
        }
    )
