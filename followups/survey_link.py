"""Signed, expiring, single-use links that let the customer answer the survey themselves.

The token carries the follow-up's id and an expiry (the survey's due time plus
SURVEY_LINK_VALID_DAYS), signed with the app's secret, so the same link can be shown,
printed or mailed any number of times. It is single-use because answering ends the
follow-up: a used, cancelled or expired link opens a polite page and changes nothing.
"""

from datetime import UTC, datetime, timedelta
from enum import StrEnum

from itsdangerous import BadSignature, URLSafeSerializer

from extensions import db
from followups.models import FollowUp
from followups.rules import SURVEY_LINK_VALID_DAYS

SALT = "recovery-desk.survey-link"


class LinkProblem(StrEnum):
    INVALID = "invalid"
    EXPIRED = "expired"
    USED = "used"
    CLOSED = "closed"


class SurveyLinkError(Exception):
    def __init__(self, problem: LinkProblem, follow_up: FollowUp | None = None) -> None:
        super().__init__(str(problem))
        self.problem = problem
        self.follow_up = follow_up


def expires_at(follow_up: FollowUp) -> datetime:
    return follow_up.due_at + timedelta(days=SURVEY_LINK_VALID_DAYS)


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT)


def make_token(follow_up: FollowUp, secret: str) -> str:
    if follow_up.kind != "survey" or follow_up.id is None:
        raise ValueError("only a stored survey follow-up has a customer link")
    expiry = int(expires_at(follow_up).timestamp())
    return _serializer(secret).dumps({"f": follow_up.id, "e": expiry})


def _payload(token: str, secret: str) -> tuple[int, datetime]:
    try:
        payload = _serializer(secret).loads(token)
        follow_up_id, expiry = int(payload["f"]), int(payload["e"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise SurveyLinkError(LinkProblem.INVALID) from None
    return follow_up_id, datetime.fromtimestamp(expiry, UTC)


def open_survey(token: str, secret: str, now: datetime) -> FollowUp:
    """The survey behind `token` if it can still be answered, else SurveyLinkError."""
    follow_up_id, expiry = _payload(token, secret)
    follow_up = db.session.get(FollowUp, follow_up_id)
    if follow_up is None or follow_up.kind != "survey":
        raise SurveyLinkError(LinkProblem.INVALID)
    if follow_up.outcome == "completed":
        raise SurveyLinkError(LinkProblem.USED, follow_up)
    if follow_up.done_at is not None:
        raise SurveyLinkError(LinkProblem.CLOSED, follow_up)
    if now >= expiry:
        raise SurveyLinkError(LinkProblem.EXPIRED, follow_up)
    return follow_up


def survey_path(follow_up: FollowUp, secret: str) -> str:
    return f"/survey/{make_token(follow_up, secret)}"


def survey_url(follow_up: FollowUp, config) -> str:
    """The absolute link for the customer, on the public address in SITE_URL."""
    return config["SITE_URL"].rstrip("/") + survey_path(follow_up, config["SECRET_KEY"])
