"""Exhaustive table test of the workflow: every state × action × actor, with and without
a pending handover. The expected table is written out here, independently of TRANSITIONS."""

import itertools

import pytest

from tickets.registry import allowed_actions, check_transition
from tickets.workflow import Action, Actor, Role, Status, TransitionRefused

ACTORS = {
    "desk-owner": Actor(Role.FRONT_DESK, is_owner=True),
    "desk-other": Actor(Role.FRONT_DESK),
    "super-owner": Actor(Role.SUPERVISOR, is_owner=True),
    "super-other": Actor(Role.SUPERVISOR),
    "manager": Actor(Role.MANAGER),
    "receiver": Actor(Role.FRONT_DESK, is_transfer_target=True),
}
ALL = "desk-owner desk-other super-owner super-other manager receiver"
OWNER = "desk-owner super-owner"
OWNER_OR_LEAD = "desk-owner super-owner super-other manager"
LEAD = "super-owner super-other manager"
LEAD_NOT_OWNER = "super-other manager"

# state, action, who may act when no handover is pending, who may act while one is pending
EXPECTED = [
    ("new", "own", ALL, ALL),
    ("new", "log_contact", ALL, ALL),
    ("new", "reassign", LEAD, LEAD),
    ("new", "escalate", LEAD, LEAD),
    ("owned", "log_contact", OWNER_OR_LEAD, OWNER_OR_LEAD),
    ("owned", "offer_fix", OWNER, OWNER),
    ("owned", "decline", OWNER_OR_LEAD, OWNER_OR_LEAD),
    ("owned", "transfer", OWNER, ""),
    ("owned", "accept_transfer", "", "receiver"),
    ("owned", "reassign", LEAD, LEAD),
    ("owned", "escalate", LEAD, LEAD),
    ("fix_offered", "log_contact", OWNER_OR_LEAD, OWNER_OR_LEAD),
    ("fix_offered", "offer_fix", OWNER, OWNER),
    ("fix_offered", "record_response", OWNER, OWNER),
    ("fix_offered", "resolve", OWNER, OWNER),
    ("fix_offered", "decline", OWNER_OR_LEAD, OWNER_OR_LEAD),
    ("fix_offered", "transfer", OWNER, ""),
    ("fix_offered", "accept_transfer", "", "receiver"),
    ("fix_offered", "reassign", LEAD, LEAD),
    ("fix_offered", "escalate", LEAD, LEAD),
    ("awaiting_approval", "log_contact", OWNER_OR_LEAD, OWNER_OR_LEAD),
    ("awaiting_approval", "approve", LEAD_NOT_OWNER, LEAD_NOT_OWNER),
    ("awaiting_approval", "reject", LEAD_NOT_OWNER, LEAD_NOT_OWNER),
    ("awaiting_approval", "transfer", OWNER, ""),
    ("awaiting_approval", "accept_transfer", "", "receiver"),
    ("awaiting_approval", "reassign", LEAD, LEAD),
    ("awaiting_approval", "escalate", LEAD, LEAD),
    ("resolved", "reopen", OWNER_OR_LEAD, OWNER_OR_LEAD),
    ("resolved", "close", LEAD, LEAD),
    ("resolved", "follow_up", ALL, ALL),
    *[(state, "add_attachment", ALL, ALL) for state in (
        "new", "owned", "fix_offered", "awaiting_approval", "resolved", "declined", "closed")],
    *[(state, "complete_prevention", OWNER_OR_LEAD, OWNER_OR_LEAD) for state in (
        "owned", "fix_offered", "awaiting_approval", "resolved", "declined", "closed")],
    ("declined", "reopen", OWNER_OR_LEAD, OWNER_OR_LEAD),
    ("declined", "close", OWNER_OR_LEAD, OWNER_OR_LEAD),
    ("closed", "reopen", OWNER_OR_LEAD, OWNER_OR_LEAD),
    ("new", "reclassify", ALL, ALL),
    ("owned", "reclassify", OWNER_OR_LEAD, OWNER_OR_LEAD),
    ("fix_offered", "reclassify", OWNER_OR_LEAD, OWNER_OR_LEAD),
    ("awaiting_approval", "reclassify", OWNER_OR_LEAD, OWNER_OR_LEAD),
    *[(state, "reply", OWNER_OR_LEAD, OWNER_OR_LEAD) for state in (
        "owned", "fix_offered", "awaiting_approval", "resolved")],
    *[(state, "add_note", ALL, ALL) for state in (
        "new", "owned", "fix_offered", "awaiting_approval", "resolved", "declined", "closed")],
]


def _expected(status: str, action: str, actor: str, pending: bool) -> bool:
    for row_status, row_action, idle, with_pending in EXPECTED:
        if (row_status, row_action) == (status, action):
            return actor in (with_pending if pending else idle).split()
    return False


def _refused_for_who(status: str, action: str, actor: str) -> bool:
    """A refusal is about who asks (403 in the API) when someone may take the step in this
    state, with or without a handover waiting, but not this actor; otherwise it is about
    the state (409)."""
    for row_status, row_action, idle, with_pending in EXPECTED:
        if (row_status, row_action) == (status, action):
            somebody = set(idle.split()) | set(with_pending.split())
            return bool(somebody) and actor not in somebody
    return False


CASES = list(itertools.product(Status, Action, ACTORS, (False, True)))


def test_the_table_covers_every_combination():
    assert len(CASES) == 7 * 20 * 6 * 2
    listed = {(status, action) for status, action, _idle, _pending in EXPECTED}
    assert listed <= {(str(s), str(a)) for s in Status for a in Action}


@pytest.mark.parametrize(
    "status,action,actor,pending",
    CASES,
    ids=[f"{s}-{a}-{who}-{'pending' if p else 'idle'}" for s, a, who, p in CASES],
)
def test_every_state_action_and_actor(status, action, actor, pending):
    context = {"has_pending_transfer": pending}
    allowed = _expected(str(status), str(action), actor, pending)
    if allowed:
        check_transition(status, action, ACTORS[actor], **context)
    else:
        with pytest.raises(TransitionRefused) as refused:
            check_transition(status, action, ACTORS[actor], **context)
        assert refused.value.reason.endswith(".")
        assert refused.value.forbidden is _refused_for_who(str(status), str(action), actor)
    assert (action in allowed_actions(status, ACTORS[actor], **context)) is allowed


def test_the_system_may_do_whatever_the_table_allows_someone_to_do():
    system = Actor(Role.MANAGER, is_system=True)
    check_transition(Status.FIX_OFFERED, Action.RESOLVE, system)
    with pytest.raises(TransitionRefused):
        check_transition(Status.CLOSED, Action.RESOLVE, system)


def test_refusals_say_why():
    with pytest.raises(TransitionRefused, match="closed cannot be resolved"):
        check_transition(Status.CLOSED, Action.RESOLVE, ACTORS["desk-owner"])
    with pytest.raises(TransitionRefused, match="Only the ticket's owner"):
        check_transition(Status.OWNED, Action.OFFER_FIX, ACTORS["desk-other"])
    with pytest.raises(TransitionRefused, match="supervisor or manager other than the owner"):
        check_transition(Status.AWAITING_APPROVAL, Action.APPROVE, ACTORS["super-owner"])
    with pytest.raises(TransitionRefused, match="already waiting"):
        check_transition(
            Status.OWNED, Action.TRANSFER, ACTORS["desk-owner"], has_pending_transfer=True
        )


def test_escalation_stops_at_the_managers():
    lead = ACTORS["super-other"]
    check_transition(Status.OWNED, Action.ESCALATE, lead, escalation_level=1)
    with pytest.raises(TransitionRefused, match="already escalated"):
        check_transition(Status.OWNED, Action.ESCALATE, lead, escalation_level=2)
