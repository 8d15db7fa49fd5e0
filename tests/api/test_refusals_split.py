"""The 403/409 split, for every workflow action of the registry that has an API verb: a
refusal for who the caller is (role, relation to the ticket) is 403 `forbidden`; one for
the ticket's state is 409 `invalid_state`. Both leave the ticket as it was.

The cases are derived from each entry's `who` map, so a new action is covered the day it
is added; an action that anyone may take in a state has no 403 case, and one allowed in
every state no 409 case — both asserted from the map, not skipped silently.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from api.schemas.common import ErrorBody
from core import clock
from core.vocabulary import Status
from extensions import db
from tests.conftest import FIX_FIELDS
from tickets import registry
from tickets.actions import perform, transition_context, workflow_actor
from tickets.models import Ticket, TicketEvent
from tickets.workflow import TransitionRefused, Who

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
API = "/api/v1"
ENTRIES = [entry for entry in registry.ENTRIES if entry.api_verb]
# Actions whose `who` is ANYONE wherever they are allowed: no caller is refused for who
# they are. A new one must be added here knowingly.
ANYONE_ACTIONS = {"own", "follow-ups", "notes", "attachments"}


@pytest.fixture
def people(app, make_user):
    clock.set_now(T0)
    return {
        "owner": make_user("front_desk"),
        "stranger": make_user("front_desk"),
        "lead": make_user("supervisor"),
        "manager": make_user("manager"),
    }


@pytest.fixture
def ticket_in(people, make_ticket, resolve_ticket):
    """A ticket of the site in `status`, owned by front desk (except a new one)."""
    owner, lead = people["owner"], people["lead"]

    def fix(ticket, compensation="0"):
        perform(ticket, "offer_fix", owner, {**FIX_FIELDS, "compensation": compensation,
                                             "committed_by": T0 + timedelta(hours=2)},
                version=None, now=T0)

    def build(status: Status) -> Ticket:
        if status is Status.NEW:
            return make_ticket(owner=None, opener=owner)
        ticket = make_ticket(owner=owner)
        if status is Status.FIX_OFFERED:
            fix(ticket)
        elif status is Status.AWAITING_APPROVAL:
            fix(ticket, str(ticket.site.front_desk_limit + Decimal("100")))
        elif status is Status.DECLINED:
            perform(ticket, "decline", lead, {"reason": "Outside our policy",
                                              "alternative_offered": "A voucher"},
                    version=None, now=T0)
        elif status in (Status.RESOLVED, Status.CLOSED):
            resolve_ticket(ticket)
            if status is Status.CLOSED:
                perform(ticket, "close", lead, {}, version=None, now=T0)
        db.session.commit()
        assert ticket.status == status
        return ticket

    return build


def _refusal(entry, ticket, user) -> TransitionRefused | None:
    """What the workflow says to `user` taking `entry`'s action on `ticket` now."""
    try:
        registry.check_transition(Status(ticket.status), entry.action,
                                  workflow_actor(ticket, user), **transition_context(ticket))
    except TransitionRefused as refused:
        return refused
    return None


def _post(client, bearer, entry, ticket, user):
    path = f"{API}/tickets/{ticket.ref}/{entry.api_verb}"
    if entry.api_media == "json":
        return client.post(path, headers=bearer(user), json={"version": ticket.version})
    return client.post(path, headers=bearer(user), data={"version": str(ticket.version)},
                       content_type="multipart/form-data")


def _events(ticket) -> int:
    return db.session.scalar(select(func.count(TicketEvent.id)).where(
        TicketEvent.ticket_id == ticket.id))


def _refused(response, status: int, code: str, ticket, events: int) -> dict:
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    ErrorBody.model_validate(body)
    assert body["error"]["code"] == code
    db.session.expire_all()
    again = db.session.get(Ticket, ticket.id)
    assert (again.status, _events(again)) == (ticket.status, events), "nothing changed"
    return body["error"]


def _restricted_states(entry) -> list[Status]:
    return [state for state in Status if entry.who.get(state) not in (None, Who.ANYONE)]


def test_the_actions_anyone_may_take_are_known():
    assert {entry.api_verb for entry in ENTRIES if not _restricted_states(entry)} == \
        ANYONE_ACTIONS


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.api_verb)
def test_a_refusal_for_who_you_are_is_403(client, bearer, people, ticket_in, entry):
    restricted = _restricted_states(entry)
    if not restricted:
        # Anyone may: a colleague with no relation to the ticket is not refused for who
        # they are in any state the action is possible in.
        assert set(entry.who.values()) == {Who.ANYONE}
        for state in entry.who:
            ticket = ticket_in(state)
            assert _refusal(entry, ticket, people["stranger"]) is None
            response = _post(client, bearer, entry, ticket, people["stranger"])
            assert response.status_code != 403, (state, response.get_json())
        return
    state = restricted[0]
    ticket = ticket_in(state)
    callers = [user for user in people.values()
               if (refused := _refusal(entry, ticket, user)) is not None and refused.forbidden]
    assert callers, f"{entry.action} in {state}: someone must be refused for who they are"
    events = _events(ticket)
    for user in callers:
        error = _refused(_post(client, bearer, entry, ticket, user), 403, "forbidden",
                         ticket, events)
        assert error["message"] == _refusal(entry, ticket, user).reason


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.api_verb)
def test_a_refusal_for_the_tickets_state_is_409(client, bearer, people, ticket_in, entry):
    impossible = [state for state in Status if state not in entry.who]
    if not impossible:
        assert set(entry.who) == set(Status), f"{entry.action} is possible in every state"
        return
    ticket = ticket_in(impossible[0])
    events = _events(ticket)
    for role in ("manager", "owner"):  # whoever asks: the state decides first
        refused = _refusal(entry, ticket, people[role])
        assert refused is not None and not refused.forbidden
        error = _refused(_post(client, bearer, entry, ticket, people[role]), 409,
                         "invalid_state", ticket, events)
        assert error["message"] == refused.reason


# --- the cases the issue names -------------------------------------------------------------


def test_front_desk_approving_its_own_over_limit_fix_is_403(client, bearer, people,
                                                            ticket_in):
    ticket = ticket_in(Status.AWAITING_APPROVAL)
    events = _events(ticket)
    response = client.post(f"{API}/tickets/{ticket.ref}/approve",
                           headers=bearer(people["owner"]), json={"version": ticket.version})
    error = _refused(response, 403, "forbidden", ticket, events)
    assert "other than the owner" in error["message"]
    approved = client.post(f"{API}/tickets/{ticket.ref}/approve",
                           headers=bearer(people["lead"]), json={"version": ticket.version})
    assert approved.status_code == 200
    assert approved.get_json()["status"] == "fix_offered"


def test_a_supervisor_approving_a_fix_over_its_own_limit_is_403(client, bearer, people,
                                                                ticket_in):
    ticket = ticket_in(Status.OWNED)
    over = ticket.site.supervisor_limit + Decimal("1")
    perform(ticket, "offer_fix", people["owner"], {
        **FIX_FIELDS, "compensation": str(over), "committed_by": T0 + timedelta(hours=2)},
        version=None, now=T0)
    db.session.commit()
    events = _events(ticket)
    response = client.post(f"{API}/tickets/{ticket.ref}/approve",
                           headers=bearer(people["lead"]), json={"version": ticket.version})
    error = _refused(response, 403, "forbidden", ticket, events)
    assert "a manager must approve it" in error["message"]


def test_a_supervisor_declines_a_front_desk_ticket_directly(client, bearer, people,
                                                            ticket_in):
    ticket = ticket_in(Status.OWNED)
    response = client.post(f"{API}/tickets/{ticket.ref}/decline",
                           headers=bearer(people["lead"]), json={
                               "version": ticket.version, "reason": "Outside our policy",
                               "alternative_offered": "A voucher for the spa"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["status"], body["owner"]) == ("declined", people["owner"].username)
    decline = [event for event in body["events"] if event["action"] == "decline"]
    assert len(decline) == 1
    assert decline[0]["actor"] == people["lead"].username
    assert decline[0]["changes"]["signed_off_by"] == [None, people["lead"].username]


def test_a_supervisor_of_another_site_gets_404(client, bearer, make_site, make_user,
                                               ticket_in):
    ticket = ticket_in(Status.OWNED)
    elsewhere = make_user("supervisor", site=make_site(name="Another Hotel"))
    events = _events(ticket)
    response = client.post(f"{API}/tickets/{ticket.ref}/decline", headers=bearer(elsewhere),
                           json={"version": ticket.version, "reason": "Policy",
                                 "alternative_offered": "Voucher"})
    _refused(response, 404, "not_found", ticket, events)


def test_only_the_named_supervisor_or_a_manager_signs_off_a_front_desk_decline(
        client, bearer, people, ticket_in, make_user):
    ticket = ticket_in(Status.OWNED)
    perform(ticket, "decline", people["owner"], {
        "reason": "Outside our policy", "alternative_offered": "A voucher",
        "signed_off_by": people["lead"].username}, version=None, now=T0)
    db.session.commit()
    assert ticket.status == Status.AWAITING_APPROVAL
    events = _events(ticket)
    other = make_user("supervisor")
    for refused in (other, people["owner"]):
        response = client.post(f"{API}/tickets/{ticket.ref}/approve", headers=bearer(refused),
                               json={"version": ticket.version})
        _refused(response, 403, "forbidden", ticket, events)
    response = client.post(f"{API}/tickets/{ticket.ref}/approve",
                           headers=bearer(people["lead"]), json={"version": ticket.version})
    assert response.status_code == 200
    assert response.get_json()["status"] == "declined"


def test_steps_the_tickets_situation_does_not_allow_are_409(client, bearer, people,
                                                            ticket_in):
    """Beyond the state: a handover already waiting, the top of the escalation ladder."""
    owner, lead = people["owner"], people["lead"]
    ticket = ticket_in(Status.OWNED)
    perform(ticket, "transfer", owner, {"to": people["stranger"].username,
                                        "handover_note": "Night shift takes over"},
            version=None, now=T0)
    for _ in range(2):
        perform(ticket, "escalate", lead, {"reason": "VIP guest"}, version=None, now=T0)
    db.session.commit()
    events = _events(ticket)
    again = client.post(f"{API}/tickets/{ticket.ref}/transfer", headers=bearer(owner), json={
        "version": ticket.version, "to": lead.username, "handover_note": "Please"})
    error = _refused(again, 409, "invalid_state", ticket, events)
    assert "already waiting" in error["message"]
    top = client.post(f"{API}/tickets/{ticket.ref}/escalate", headers=bearer(lead),
                      json={"version": ticket.version, "reason": "Still angry"})
    error = _refused(top, 409, "invalid_state", ticket, events)
    assert "already escalated" in error["message"]
    accepted = client.post(f"{API}/tickets/{ticket.ref}/accept",
                           headers=bearer(people["stranger"]), json={})
    assert accepted.status_code == 200
    assert accepted.get_json()["owner"] == people["stranger"].username
