"""The public survey page: the customer answers through their signed link, no sign-in."""

from flask import Blueprint, current_app, g, render_template, request
from flask_babel import refresh
from flask_wtf.csrf import CSRFError

from core.clock import utcnow
from core.validation import ValidationFailed
from followups.forms import SurveyForm
from followups.rules import Verdict
from followups.services import record_follow_up
from followups.survey_link import LinkProblem, SurveyLinkError, open_survey
from tickets.errors import ActionRefused, TicketConflict

bp = Blueprint("survey", __name__, url_prefix="/survey")
LANGUAGES = ("en", "zh_Hans")
PROBLEM_STATUS = {
    LinkProblem.INVALID: 404,
    LinkProblem.EXPIRED: 410,
    LinkProblem.USED: 410,
    LinkProblem.CLOSED: 410,
}


def _use_language(customer_locale: str | None) -> str:
    """The page's language: ?lang= when given, else the customer's own."""
    chosen = request.args.get("lang")
    locale = chosen if chosen in LANGUAGES else (customer_locale or "en")
    g.page_locale = locale
    refresh()
    return locale


def _problem_page(error: SurveyLinkError):
    customer = error.follow_up.ticket.customer if error.follow_up else None
    _use_language(customer.locale if customer else None)
    page = render_template("survey/problem.html", problem=str(error.problem))
    return page, PROBLEM_STATUS[error.problem]


@bp.errorhandler(CSRFError)
def _expired_form(_error):
    """The page sat open too long (or cookies are off): show the questions again."""
    token = (request.view_args or {}).get("token", "")
    try:
        follow_up = open_survey(token, current_app.config["SECRET_KEY"], utcnow())
    except SurveyLinkError as error:
        return _problem_page(error)
    locale = _use_language(follow_up.ticket.customer.locale)
    page = render_template("survey/form.html", form=SurveyForm(formdata=None),
                           ticket=follow_up.ticket, locale=locale, token=token, expired=True)
    return page, 400


@bp.route("/<token>", methods=["GET", "POST"])
def answer(token: str):
    now = utcnow()
    try:
        follow_up = open_survey(token, current_app.config["SECRET_KEY"], now)
    except SurveyLinkError as error:
        return _problem_page(error)
    ticket = follow_up.ticket
    locale = _use_language(ticket.customer.locale)
    form = SurveyForm()
    if form.validate_on_submit():
        try:
            outcome = record_follow_up(ticket, None, form.answers(), version=None, now=now)
        except (TicketConflict, ActionRefused, ValidationFailed):
            return _problem_page(SurveyLinkError(LinkProblem.USED))
        follow_up.survey_token_used_at = now
        return render_template(
            "survey/thanks.html", ticket=ticket, reopened=outcome is Verdict.REOPEN
        )
    status = 422 if form.errors else 200
    page = render_template("survey/form.html", form=form, ticket=ticket, locale=locale,
                           token=token)
    return page, status
