"""The action registry: one entry per ticket action, the only place that says what it is.

An entry names who may take the action in which state (`who`), the state each of its
routes leads to (`leads_to`; STAY keeps the state), its field rule, its effect, its web
form, its API verb, its label (timeline, flash) and button, the words of its refusal, and
whether a person taking it answers a customer who wrote (`answers_customer`: the ticket
stops waiting on staff).
The order of `ENTRIES` is the order of the ticket page's next steps: the step that moves
the ticket forward first. Workflow checks, forms, buttons and the API routes all read it.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from core.vocabulary import FINISHED_STATES, OPEN_STATES, WORKING_STATES, Status
from core.words import N_
from tickets import effects, field_rules, forms
from tickets.workflow import Action, Actor, Context, TransitionRefused, Who, check_move

STAY = None
_ALL_STATES = tuple(Status)


def _each(states, who: Who) -> dict[Status, Who]:
    return {state: who for state in states}


@dataclass(frozen=True)
class Entry:
    action: Action
    who: Mapping[Status, Who]
    leads_to: Mapping[str, Status | None]
    rule: field_rules.Rule
    effect: effects.Effect
    form: type[forms.ActionForm]
    api_verb: str
    label: object
    button: object
    refusal_verb: str
    version_optional: bool = False
    inline: bool = False
    api_media: str = "json"
    answers_customer: bool = False

    def destination(self, route: str, current: Status) -> Status:
        """The state the ticket moves to when the effect took `route`."""
        if route not in self.leads_to:
            raise RuntimeError(f"{self.action}: the effect took an unknown route '{route}'")
        target = self.leads_to[route]
        return Status(current) if target is STAY else target

    def may_land_in(self, current: Status) -> set[Status]:
        return {self.destination(route, current) for route in self.leads_to}


def _stays() -> dict:
    return {effects.DONE: STAY}


ENTRIES: tuple[Entry, ...] = (
    Entry(Action.OWN, {Status.NEW: Who.ANYONE}, {effects.DONE: Status.OWNED},
          field_rules.own, effects.own, forms.OwnForm, "own",
          _l("Owned"), _l("Own it"), N_("owned")),
    Entry(Action.ACCEPT_TRANSFER, _each(WORKING_STATES, Who.TRANSFER_TARGET), _stays(),
          field_rules.optional_note, effects.accept_transfer, forms.AcceptTransferForm,
          "accept", _l("Transfer accepted"), _l("Accept transfer"), N_("accepted as a transfer"),
          version_optional=True),
    Entry(Action.APPROVE, {Status.AWAITING_APPROVAL: Who.APPROVER},
          {"fix_approved": Status.FIX_OFFERED, "decline_signed_off": Status.DECLINED},
          field_rules.optional_note, effects.approve, forms.ApproveForm, "approve",
          _l("Approved"), _l("Approve"), N_("approved")),
    Entry(Action.OFFER_FIX, _each((Status.OWNED, Status.FIX_OFFERED), Who.OWNER),
          {"offered": Status.FIX_OFFERED, "needs_approval": Status.AWAITING_APPROVAL},
          field_rules.offer_fix, effects.offer_fix, forms.OfferFixForm, "offer-fix",
          _l("Fix offered"), _l("Offer a fix"), N_("given a fix offer"), answers_customer=True),
    Entry(Action.RECORD_RESPONSE, {Status.FIX_OFFERED: Who.OWNER}, _stays(),
          field_rules.record_response, effects.record_response, forms.ResponseForm,
          "record-response", _l("Customer answered"), _l("Record the customer's answer"),
          N_("given the customer's answer")),
    Entry(Action.RESOLVE, {Status.FIX_OFFERED: Who.OWNER}, {effects.DONE: Status.RESOLVED},
          field_rules.resolve, effects.resolve, forms.ResolveForm, "resolve",
          _l("Resolved"), _l("Resolve"), N_("resolved"), answers_customer=True),
    Entry(Action.FOLLOW_UP, {Status.RESOLVED: Who.ANYONE}, _stays(),
          field_rules.follow_up, effects.follow_up, forms.FollowUpForm, "follow-ups",
          _l("Follow-up recorded"), _l("Record a follow-up"), N_("followed up"),
          version_optional=True),
    Entry(Action.CLOSE, {Status.RESOLVED: Who.LEAD, Status.DECLINED: Who.OWNER_OR_LEAD},
          {effects.DONE: Status.CLOSED},
          field_rules.optional_note, effects.close, forms.CloseForm, "close",
          _l("Closed"), _l("Close"), N_("closed")),
    Entry(Action.REOPEN, _each(FINISHED_STATES, Who.OWNER_OR_LEAD),
          {effects.DONE: Status.OWNED},
          field_rules.reason, effects.reopen, forms.ReopenForm, "reopen",
          _l("Reopened"), _l("Reopen"), N_("reopened")),
    Entry(Action.LOG_CONTACT,
          {Status.NEW: Who.ANYONE, **_each(WORKING_STATES, Who.OWNER_OR_LEAD)}, _stays(),
          field_rules.log_contact, effects.log_contact, forms.ContactForm, "contacts",
          _l("Contact logged"), _l("Log a contact"), N_("given a contact log"),
          answers_customer=True),
    Entry(Action.REPLY, _each((*WORKING_STATES, Status.RESOLVED), Who.OWNER_OR_LEAD), _stays(),
          field_rules.reply, effects.reply, forms.ReplyForm, "reply",
          _l("Reply sent"), _l("Reply to the customer"), N_("given a reply"),
          answers_customer=True),
    Entry(Action.REJECT, {Status.AWAITING_APPROVAL: Who.APPROVER},
          {effects.DONE: Status.OWNED},
          field_rules.reason, effects.reject, forms.RejectForm, "reject",
          _l("Sent back"), _l("Send back"), N_("sent back")),
    Entry(Action.TRANSFER, _each(WORKING_STATES, Who.OWNER), _stays(),
          field_rules.handover, effects.transfer, forms.TransferForm, "transfer",
          _l("Transfer requested"), _l("Transfer"), N_("transferred")),
    Entry(Action.DECLINE, _each((Status.OWNED, Status.FIX_OFFERED), Who.OWNER_OR_LEAD),
          {"declined": Status.DECLINED, "needs_signoff": Status.AWAITING_APPROVAL},
          field_rules.decline, effects.decline, forms.DeclineForm, "decline",
          _l("Declined"), _l("Decline"), N_("declined"), answers_customer=True),
    Entry(Action.REASSIGN, _each(OPEN_STATES, Who.LEAD), _stays(),
          field_rules.reassign, effects.reassign, forms.ReassignForm, "reassign",
          _l("Reassigned"), _l("Reassign"), N_("reassigned")),
    Entry(Action.ESCALATE, _each(OPEN_STATES, Who.LEAD), _stays(),
          field_rules.reason, effects.escalate, forms.EscalateForm, "escalate",
          _l("Escalated"), _l("Escalate"), N_("escalated")),
    Entry(Action.RECLASSIFY,
          {Status.NEW: Who.ANYONE, **_each(WORKING_STATES, Who.OWNER_OR_LEAD)}, _stays(),
          field_rules.reclassify, effects.reclassify, forms.ReclassifyForm, "reclassify",
          _l("Reclassified"), _l("Reclassify"), N_("reclassified")),
    Entry(Action.ADD_NOTE, _each(_ALL_STATES, Who.ANYONE), _stays(),
          field_rules.note, effects.add_note, forms.NoteForm, "notes",
          _l("Internal note"), _l("Add an internal note"), N_("given a note")),
    Entry(Action.COMPLETE_PREVENTION,
          _each([s for s in _ALL_STATES if s is not Status.NEW], Who.OWNER_OR_LEAD), _stays(),
          field_rules.complete_prevention, effects.complete_prevention,
          forms.CompletePreventionForm, "prevention-done", _l("Prevention action done"),
          _l("Mark a prevention action done"), N_("given a completed prevention action"),
          inline=True),
    Entry(Action.ADD_ATTACHMENT, _each(_ALL_STATES, Who.ANYONE), _stays(),
          field_rules.add_attachment, effects.add_attachment, forms.AttachmentForm,
          "attachments", _l("Attachment added"), _l("Attach a photo or receipt"),
          N_("given an attachment"), inline=True, api_media="multipart"),
)
REGISTRY: dict[Action, Entry] = {entry.action: entry for entry in ENTRIES}
BY_API_VERB: dict[str, Entry] = {entry.api_verb: entry for entry in ENTRIES}


def entry_for(action: str) -> Entry | None:
    """The entry of an action name (`offer_fix`), or None when there is no such action."""
    try:
        return REGISTRY[Action(action)]
    except ValueError:
        return None


def check_transition(status: Status, action: Action, actor: Actor, **context) -> Who:
    """Who the registry allows for `action` in `status`, or TransitionRefused with why."""
    entry = REGISTRY[Action(action)]
    return check_move(entry.who, status, entry.action, entry.refusal_verb, actor,
                      Context(**context))


def allowed_actions(status: Status, actor: Actor, **context) -> list[Action]:
    """Every action this actor may take now, in the registry's (the page's) order."""
    allowed = []
    for entry in ENTRIES:
        try:
            check_transition(status, entry.action, actor, **context)
        except TransitionRefused:
            continue
        allowed.append(entry.action)
    return allowed


def validate(action: str, data: dict, *, now, role: str | None = None) -> dict:
    """Clean the fields `action` needs (its entry's rule), or raise FieldErrors."""
    return field_rules.validate(REGISTRY[Action(action)].rule, data, now=now, role=role)

