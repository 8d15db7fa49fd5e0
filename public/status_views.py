"""The customer's status page, `GET/POST /status/<token>`: no sign-in, the signed link is
the key (`correspondence.links`).

It shows how the ticket stands in plain words, the owner's first name, the promise, the
messages exchanged (never internal notes, events or staff-only fields; only this ticket),
and the fix offered, with two buttons while the customer has not answered it. A box takes
more information and a photo. The page speaks ?lang=, else the customer's own language
(`public.language`). What it shows and when the customer may answer are
`correspondence.plain_status`'s rules. A tampered link is a polite 404, an expired one (30 days
after closing) a polite 410.

Both forms post to the page itself. Every POST first counts against the client address's
limit (RATELIMIT_STATUS_PAGE; over it: 429, the page again with what was typed). The CSRF
token is checked by the form itself rather than before the view (the view is exempt from
the global check), so that a stale page answers 400 in the customer's layout and language
and keeps their words; nothing is changed either way. The answer is recorded through the
same step as staff recording it (`record_response`, actor None: the customer), which
resumes the paused resolution clock; the words go through the one rule for the customer's
words (`receive_customer_words`), the photo through the staff upload's byte checks.
"""

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded

from core.clock import utcnow
from core.formatting import site_zone
from core.validation import ValidationFailed
from correspondence import plain_status
from correspondence.conversation import conversation
from correspondence.inbound import add_customer_message, receive_customer_words
from correspondence.links import (
    StatusLinkError,
    StatusLinkProblem,
    make_token,
    open_ticket_link,
)
from extensions import csrf, limiter
from notifications.kinds import CUSTOMER_ACCEPTED, CUSTOMER_ASKED_ELSE
from notifications.services import notify
from public.blueprint import bp
from public.language import chosen_language, use_language
from public.status_forms import ANSWER, INFO, AnswerForm, InfoForm, submitted_part
from tickets import field_rules
from tickets.actions import perform
from tickets.cleaning import FieldErrors
from tickets.errors import ActionRefused, TicketConflict
from tickets.models import Ticket

DEFAULT_LIMIT = "10 per minute"
PROBLEM_STATUS = {StatusLinkProblem.INVALID: 404, StatusLinkProblem.EXPIRED: 410}


# --- language, limits, the problem pages ---------------------------------------------------


def _limit() -> str:
    return current_app.config.get("RATELIMIT_STATUS_PAGE") or DEFAULT_LIMIT


@limiter.limit(_limit)
def _count_this_post() -> None:
    """One POST to a status page from this client address; past the limit Flask-Limiter
    raises RateLimitExceeded (caught by `_over_the_limit`, so the page keeps the text)."""


def _over_the_limit() -> bool:
    try:
        _count_this_post()
    except RateLimitExceeded:
        return True
    return False


def _no_store(response):
    """The page shows a guest's messages: no browser or proxy keeps a copy."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def _problem_page(problem: str, status: int, site_name: str = ""):
    page = render_template("public/status_problem.html", problem=problem, site_name=site_name)
    return _no_store(current_app.make_response((page, status)))


def _link_problem(error: StatusLinkError):
    ticket = error.ticket
    use_language(ticket.customer.locale if ticket is not None else None)
    site_name = ticket.site.name if ticket is not None else ""
    return _problem_page(str(error.problem), PROBLEM_STATUS[error.problem], site_name)


# --- what the page shows -------------------------------------------------------------------


def _page(ticket: Ticket, token: str, now, locale: str, *, answer_form=None, info_form=None,
          notice: str | None = None, status: int = 200):
    """The status page (with the forms as typed when they were refused)."""
    offer = plain_status.offer_shown(ticket)
    zone = site_zone(ticket.site)
    context = {
        "ticket": ticket,
        "site": ticket.site,
        "token": token,
        "headline": plain_status.headline(ticket.status),
        "sentence": plain_status.sentence(plain_status.standing_of(ticket)),
        "promise": plain_status.promise_of(ticket, now, locale),
        "own_words": plain_status.shows_own_words(ticket),
        "messages": [exchange.message for exchange in conversation(ticket)],
        "signed_by": plain_status.signed_by,
        "offer": offer,
        "committed": offer and plain_status.committed_sentence(offer.committed_by, zone, now,
                                                               locale),
        "awaits_answer": plain_status.awaits_answer(ticket),
        "answer_form": answer_form or AnswerForm(prefix=ANSWER, formdata=None),
        "info_form": info_form or InfoForm(prefix=INFO, formdata=None),
        "notice": notice,
    }
    page = render_template("public/status.html", **context)
    return _no_store(current_app.make_response((page, status)))


def _back_to(ticket: Ticket):
    """Post/redirect/get: the page of `ticket` (the language choice kept)."""
    return redirect(url_for("public.status", status_token=make_token(ticket),
                            lang=chosen_language()), 303)


# --- the customer's answer to the fix offered ---------------------------------------------


def _tell_owner_of_answer(ticket: Ticket, response: str, now) -> None:
    if ticket.owner is None:
        return
    told = CUSTOMER_ACCEPTED if response == "accepted" else CUSTOMER_ASKED_ELSE
    notify([ticket.owner], "customer_answered", told(ref=ticket.ref), ticket=ticket, now=now)


def _answer(ticket: Ticket, form: AnswerForm, token: str, now, locale: str):
    if not plain_status.awaits_answer(ticket):
        return _page(ticket, token, now, locale, notice="already_answered", status=409)
    response, comment = form.response(), form.comment.data or ""
    site_name = ticket.site.name
    try:
        perform(ticket, "record_response", None,
                {"customer_response": response, "note": comment}, version=None, now=now)
    except (ActionRefused, TicketConflict, ValidationFailed):
        return _problem_page("already_answered", 409, site_name)
    if comment:
        add_customer_message(ticket, comment, "status_page", now)  # tells the owner
    else:
        _tell_owner_of_answer(ticket, response, now)
    if response == "accepted":
        flash(_("Thank you for accepting our offer."), "success")
    else:
        flash(_("Thank you. We will come back to you with another solution."), "success")
    return _back_to(ticket)


# --- more information from the customer ---------------------------------------------------


def _checked_photo(form: InfoForm, now) -> dict | None:
    """The photo as the staff upload's rule cleans it; FieldErrors when it is refused."""
    upload = form.upload()
    if upload is None:
        return None
    cleaned = field_rules.validate(field_rules.add_attachment, upload, now=now)
    return {"content": cleaned["content"], "file_name": cleaned["file_name"]}


def _thanks(what: str, ticket: Ticket, photo: bool) -> str:
    if what == "opened":
        text = _("Thank you. We have opened a new complaint for you: %(ref)s.", ref=ticket.ref)
    elif what == "reopened":
        text = _("Thank you. We have opened your complaint again and will contact you.")
    else:
        text = _("Thank you. We have added this to your complaint.")
    if photo:
        text += " " + _("Your photo was received too.")
    return text


def _add_information(ticket: Ticket, form: InfoForm, token: str, now, locale: str):
    try:
        photo = _checked_photo(form, now)
    except FieldErrors:
        form.photo.errors = [_("Please send a photo (JPEG, PNG, WebP, HEIC) or a PDF, "
                               "of at most 10 MB.")]
        return _page(ticket, token, now, locale, info_form=form, status=422)
    received = receive_customer_words(ticket, form.body.data, "status_page", now)
    if photo is not None:
        perform(received.ticket, "add_attachment", None,
                {**photo, "note": "Sent by the customer from their status page"},
                version=None, now=now)
    flash(_thanks(received.what, received.ticket, photo is not None), "success")
    return _back_to(received.ticket)


# --- the route -----------------------------------------------------------------------------


def _csrf_refused(form) -> bool:
    token_field = getattr(form, "csrf_token", None)
    return bool(token_field is not None and token_field.errors)


def _take_post(ticket: Ticket, token: str, now, locale: str, limited: bool):
    part = submitted_part(request.form)
    if part is None:
        abort(400)
    form = AnswerForm(prefix=ANSWER) if part == ANSWER else InfoForm(prefix=INFO)
    typed = {"answer_form": form} if part == ANSWER else {"info_form": form}
    if limited:
        return _page(ticket, token, now, locale, notice="too_many", status=429, **typed)
    if not form.validate():
        if _csrf_refused(form):
            return _page(ticket, token, now, locale, notice="stale_form", status=400, **typed)
        return _page(ticket, token, now, locale, status=422, **typed)
    if part == ANSWER:
        return _answer(ticket, form, token, now, locale)
    return _add_information(ticket, form, token, now, locale)


@bp.route("/status/<status_token>", methods=["GET", "POST"])
@csrf.exempt  # the forms check their CSRF token themselves (see the module's docstring)
def status(status_token: str):
    now = utcnow()
    limited = request.method == "POST" and _over_the_limit()
    try:
        ticket = open_ticket_link(status_token, now)
    except StatusLinkError as error:
        return _link_problem(error)
    locale = use_language(ticket.customer.locale)
    if request.method == "POST":
        return _take_post(ticket, status_token, now, locale, limited)
    return _page(ticket, status_token, now, locale)
