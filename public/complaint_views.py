"""A site's public complaint form (`/complain/<code>`), no sign-in, channel `web`.

The page speaks the guest's language (?lang=, else the browser's: English or Chinese;
`public.language`) and
that language becomes the customer's. A sent form is answered with a redirect to the thanks
page (POST-redirect-GET), whose address carries the ticket's signed status token, so no one
can walk through other guests' tickets by changing a number.

Abuse: the POST is rate limited per client address (RATELIMIT_COMPLAINT); a refused
submission is shown again with what was typed and why (429, Retry-After). The form checks
its own CSRF token, so a stale page is shown again too (400) rather than an error page; a
filled-in honeypot gets a thank-you page and creates nothing.
"""

import time

from flask import current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter import RequestLimit

from core.clock import utcnow
from core.forms import apply_errors
from core.validation import ValidationFailed
from correspondence.links import StatusLinkError, make_token, open_ticket_link, status_path
from correspondence.wording import contact_promise
from extensions import csrf, limiter
from public.blueprint import bp
from public.complaint_intake import GuestComplaint, submit_complaint
from public.forms import ComplaintForm
from public.language import browser_language, chosen_language, use_language
from sites.models import Site
from sites.services import site_for_code

# The domain's field names → the form's (a photo's error names the attachment rule's field).
FIELD_ALIASES = {"file": "photos"}


def _complaint_limit() -> str:
    return current_app.config["RATELIMIT_COMPLAINT"]


def use_page_language() -> str:
    """The page's language: ?lang= when given, else the browser's best (en or zh_Hans)."""
    return use_language(browser_language())


def _missing_page():
    use_page_language()
    return render_template("public/complain_missing.html"), 404


def _form_page(site: Site, form: ComplaintForm, status: int = 200, notice: str | None = None):
    page = render_template("public/complain.html", site=site, form=form, notice=notice)
    return page, status


def _answers(form: ComplaintForm) -> GuestComplaint:
    return GuestComplaint(
        name=form.name.data or "", phone=form.phone.data or "", email=form.email.data or "",
        kind=form.kind.data or "", description=form.description.data or "",
        desired_outcome=form.desired_outcome.data or "", booking_ref=form.booking_ref.data or "",
        photos=form.photo_data(),
    )


def _too_many(limit: RequestLimit):
    """The limit's answer: the form again, with what was typed and why (429)."""
    site = site_for_code((request.view_args or {}).get("code", ""))
    if site is None:
        return None  # the error page (core.errors)
    use_page_language()
    notice = _("Too many complaints were sent from your connection in a short time, so this "
               "one was not saved. Please wait a few minutes and send it again, or speak to "
               "the front desk.")
    page, _status = _form_page(site, ComplaintForm(), notice=notice)
    response = make_response(page, 429)
    response.headers["Retry-After"] = str(max(1, limit.reset_at - int(time.time())))
    return response


@bp.route("/complain/<code>", methods=["GET", "POST"])
@csrf.exempt  # the form checks its token itself (ComplaintForm.validate)
@limiter.limit(_complaint_limit, methods=["POST"], on_breach=_too_many)
def complain(code: str):
    site = site_for_code(code)
    if site is None:
        if request.method == "GET" and code != code.lower() and site_for_code(code.lower()):
            return redirect(url_for("public.complain", code=code.lower(),
                                    lang=chosen_language()), 301)
        return _missing_page()
    locale = use_page_language()
    form = ComplaintForm()
    if not form.is_submitted():
        return _form_page(site, form)
    if form.is_spam():
        return render_template("public/complain_thanks.html", site=site, ticket=None)
    if not form.validate():
        if "csrf_token" in form.errors:
            notice = _("This page was open too long or came from elsewhere, so it was not "
                       "sent. Please check your answers and send them again.")
            return _form_page(site, form, 400, notice)
        return _form_page(site, form, 422)
    try:
        ticket = submit_complaint(site, _answers(form), locale, utcnow())
    except ValidationFailed as failed:
        apply_errors(form, failed, FIELD_ALIASES)
        return _form_page(site, form, 422)
    return redirect(url_for("public.complaint_thanks", status_token=make_token(ticket),
                            lang=locale), 303)


@bp.route("/complain/thanks/<status_token>")
def complaint_thanks(status_token: str):
    """The reference and when we will be in touch. The address carries the ticket's signed
    status token (a tampered one is unknown: 404), never its number."""
    try:
        ticket = open_ticket_link(status_token, utcnow())
    except StatusLinkError:
        return _missing_page()
    use_page_language()
    return render_template("public/complain_thanks.html", site=ticket.site, ticket=ticket,
                           promise=contact_promise(ticket.first_response_due, ticket.site),
                           status_link=status_path(ticket))
