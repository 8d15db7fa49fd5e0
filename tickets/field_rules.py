"""What each ticket action requires of its input: one small rule per action. Pure.

A rule takes a `Cleaner` and checks the fields its action needs; the registry names the
rule of each action, and `validate` runs it.
"""

from collections.abc import Callable
from datetime import datetime

from core.messages import define
from core.vocabulary import (
    Channel,
    CustomerResponse,
    Dimension,
    Fault,
    FollowUpKind,
    RemedyType,
    Role,
    RootCause,
    Severity,
    values,
)
from core.words import N_
from tickets import files
from tickets.cleaning import Cleaner, FieldErrors

Rule = Callable[[Cleaner], None]
CHOOSE_A_CATEGORY = define("ticket.choose_category", N_("Choose a category."))
ANSWERS_WITHOUT_REACH = define("follow_up.answers_without_reach", N_(
    "Leave the answers empty when the customer was not reached."))
PREVENTION_OWNER = define("ticket.prevention_owner_required",
                          N_("Say who will make this change."))
PREVENTION_DUE = define("ticket.prevention_due_required", N_("Say by when."))
CHOOSE_SIGNER = define("ticket.choose_signer",
                       N_("Choose the supervisor who signs off this decline."))
CHOOSE_RECEIVER = define("ticket.choose_receiver", N_("Choose who takes the ticket over."))
SCORE_REQUIRED = define("follow_up.score_required",
                        N_("Give the customer's score from 1 to 5."))
RECOVERED_REQUIRED = define("follow_up.recovered_required",
                            N_("Say whether the customer feels it was put right."))
CHOOSE_PREVENTION = define("ticket.choose_prevention",
                           N_("Choose the prevention action that is done."))
FILE_REQUIRED = define("attachment.file_required", N_("Choose a photo or a PDF to attach."))
FILE_KIND = define("attachment.file_kind",
                   N_("Attach a photo (JPEG, PNG, WebP, HEIC) or a PDF."))
FILE_TOO_LARGE = define("attachment.file_too_large", N_("Attach at most %(size)s."))
USERNAME = 40  # users.username
PERSON_NAME = 120  # prevention_actions.owner_name
MESSAGE_TEXT = 5000  # a reply to the customer, an internal note


def own(c: Cleaner) -> None:
    """Owning: what was said and the promise; the class of an unclassified ticket (optional
    here, required by the effect when the ticket has none); whether the written
    acknowledgement is mailed (default yes)."""
    c.text("acknowledgement")
    c.moment("next_contact_by")
    c.choice("dimension", values(Dimension), required=False)
    if c.raw("category_id") in (None, ""):
        c.cleaned["category_id"] = None
    else:
        c.record_id("category_id", CHOOSE_A_CATEGORY())
    c.flag("send_acknowledgement")
    if c.cleaned.get("send_acknowledgement") is None and "send_acknowledgement" not in c.errors:
        c.cleaned["send_acknowledgement"] = True


def log_contact(c: Cleaner) -> None:
    c.text("note")
    c.choice("channel", values(Channel))
    c.moment("next_contact_by", required=False)


def reply(c: Cleaner) -> None:
    """A written reply to the customer; a new promise is optional."""
    c.text("body", max_length=MESSAGE_TEXT)
    c.moment("next_contact_by", required=False)


def note(c: Cleaner) -> None:
    """An internal note: for colleagues only, never shown or sent to the customer."""
    c.text("body", max_length=MESSAGE_TEXT)


def offer_fix(c: Cleaner) -> None:
    c.text("action", concrete=True)
    c.choice("remedy_type", values(RemedyType))
    c.amount("compensation")
    c.moment("committed_by")


def record_response(c: Cleaner) -> None:
    c.choice("customer_response", values(CustomerResponse))
    c.text("note", required=False)


def optional_note(c: Cleaner) -> None:
    c.text("note", required=False)


def reason(c: Cleaner) -> None:
    c.text("reason")


def resolve(c: Cleaner) -> None:
    c.text("outcome", concrete=True)
    c.choice("customer_response", values(CustomerResponse))
    c.choice("root_cause", values(RootCause))
    c.text("root_cause_note")
    c.choice("fault", values(Fault), required=False)
    if c.cleaned.get("fault") is None and "fault" not in c.errors:
        c.cleaned["fault"] = Fault.UNKNOWN.value  # for learning; not knowing is an answer
    c.text("prevention_action", required=False)
    c.text("prevention_owner", required=False, max_length=PERSON_NAME)
    c.day("prevention_due")
    c.text("beyond_expectation", required=False)
    if c.cleaned.get("prevention_action"):
        if not c.cleaned.get("prevention_owner"):
            c.errors.setdefault("prevention_owner", PREVENTION_OWNER())
        if not c.cleaned.get("prevention_due") and "prevention_due" not in c.errors:
            c.errors["prevention_due"] = PREVENTION_DUE()


def decline(c: Cleaner) -> None:
    """Front desk names the supervisor who signs the decline off; leads sign it themselves."""
    needs_signer = c.role == Role.FRONT_DESK
    c.text("reason")
    c.text("alternative_offered", concrete=True)
    c.text("signed_off_by", required=needs_signer, max_length=USERNAME)
    if "signed_off_by" in c.errors and needs_signer:
        c.errors["signed_off_by"] = CHOOSE_SIGNER()


def handover(c: Cleaner) -> None:
    c.text("to", max_length=USERNAME)
    c.text("handover_note")
    if "to" in c.errors:
        c.errors["to"] = CHOOSE_RECEIVER()


def reassign(c: Cleaner) -> None:
    c.text("to", max_length=USERNAME)
    c.text("reason")
    if "to" in c.errors:
        c.errors["to"] = CHOOSE_RECEIVER()


def reclassify(c: Cleaner) -> None:
    c.choice("dimension", values(Dimension))
    c.choice("severity", values(Severity))
    c.text("reason")
    c.record_id("category_id", CHOOSE_A_CATEGORY())


def follow_up(c: Cleaner) -> None:
    """A follow-up attempt; a survey that reached the customer needs CSAT and "recovered"."""
    c.choice("kind", values(FollowUpKind))
    c.flag("reached", required=True)
    c.score("csat", 1, 5)
    c.flag("recovered")
    c.flag("would_recommend")
    c.text("comment", required=False)
    answers = ("csat", "recovered", "would_recommend")
    if c.cleaned.get("reached") is False:
        for name in answers:
            if c.cleaned.get(name) is not None:
                c.errors[name] = ANSWERS_WITHOUT_REACH()
    elif c.cleaned.get("reached") and c.cleaned.get("kind") == FollowUpKind.SURVEY:
        if "csat" not in c.errors and c.cleaned.get("csat") is None:
            c.errors["csat"] = SCORE_REQUIRED()
        if "recovered" not in c.errors and c.cleaned.get("recovered") is None:
            c.errors["recovered"] = RECOVERED_REQUIRED()


def complete_prevention(c: Cleaner) -> None:
    c.record_id("prevention_id", CHOOSE_PREVENTION())
    c.text("note", required=False)


def add_attachment(c: Cleaner) -> None:
    """A photo or PDF: its bytes decide its type; empty and oversized files are refused."""
    content = c.raw("content")
    if not isinstance(content, bytes) or not content:
        c.errors["file"] = FILE_REQUIRED()
        return
    kind = files.detect_kind(content[:16])
    if kind is None:
        c.errors["file"] = FILE_KIND()
    elif len(content) > files.MAX_BYTES:
        c.errors["file"] = FILE_TOO_LARGE(size=files.size_text(files.MAX_BYTES))
    else:
        c.cleaned.update(content=content, content_type=kind,
                         file_name=files.clean_name(c.raw("file_name") or ""))
    c.text("note", required=False)


def validate(rule: Rule, data: dict, *, now: datetime, role: str | None = None) -> dict:
    """Run `rule` over `data`: the cleaned values, or FieldErrors naming each bad field."""
    cleaner = Cleaner(data, now, role)
    rule(cleaner)
    if cleaner.errors:
        raise FieldErrors(cleaner.errors)
    return cleaner.cleaned
