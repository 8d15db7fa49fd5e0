"""Migration f13c: the notes the system wrote before (SLA steps and recomputations, erasures,
the follow-up loop closing or reopening a ticket) get their message's code and parameters, so
old entries are read in the reader's language too; what people wrote is left alone."""


import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from flask_babel import force_locale
from sqlalchemy import select

from core.messages import KINDS
from extensions import db
from tests.support.migrations import load_migration
from tickets.audit import event_note, restored_message
from tickets.models import TicketEvent

OLD_CLOCK_WORDS = {"first response": "first response", "fix offered": "fix offer",
                   "resolution": "resolution",
                   "next contact promised to the customer":
                       "next contact promised to the customer"}
OLD_STEPS = {
    "sla_at_risk": "SR-000124: the {} deadline is close.",
    "sla_level_1": "SR-000124: the {} deadline was missed; escalated to supervisors.",
    "sla_level_2": "SR-000124: the {} deadline is still missed; escalated to managers.",
}
OLD_FIXED = [
    ("sla_recomputed", "Due times recomputed by the SLA sweep"),
    ("sla_recomputed", "SLA policy applied to open tickets"),
    ("sla_recomputed", "Due times computed for the first time"),
    ("sla_recomputed", "Site hours, holidays or time zone changed"),
    ("sla_recomputed", "Customer tier is now vip"),
    ("customer_erased", "The customer's personal data was erased on request."),
    ("customer_erased", "The customer's personal data was erased by the retention rule."),
]
OLD_LOOP = [
    ("close", "Survey answered: the follow-up loop is complete."),
    ("close", "Closed after three attempts that could not reach the customer."),
    ("reopen", "The customer is not satisfied after the follow-up (CSAT 2): reopened."),
    ("reopen", "The customer is not satisfied after the follow-up (CSAT 1, not recovered): "
               "reopened."),
    ("reopen", "The customer is not satisfied after the follow-up (not recovered): reopened."),
    ("reopen", "The customer is not satisfied after the follow-up (dissatisfied): reopened."),
]


@pytest.fixture(scope="module")
def migration():
    return load_migration("f13c_event_params")


def _old_notes():
    for action, shape in OLD_STEPS.items():
        for old, new in OLD_CLOCK_WORDS.items():
            yield action, shape.format(old), shape.format(new)
    for action, note in OLD_FIXED:
        yield action, note, note.replace("vip", "VIP")
    for action, note in OLD_LOOP:
        yield action, note, note


def test_every_old_system_note_becomes_a_declared_message_with_the_same_words(
        app, migration):
    for action, note, english in _old_notes():
        code, params = migration._declared(action, note)
        assert code in KINDS, code
        message = restored_message(code, params)
        assert message is not None and str(message) == english, (note, code, params)


def test_what_people_wrote_is_not_taken_for_a_system_note(app, migration):
    for action, note in [("sla_recomputed", "Customer tier is now whatever I say"),
                         ("sla_at_risk", "SR-1: the lunch deadline is close."),
                         ("add_note", "Due times recomputed by the SLA sweep"),
                         ("customer_erased", "[erased]")]:
        assert migration._declared(action, note) is None, (action, note)
    assert migration._declared("sla_recomputed", "Customer tier is now gold") == (
        "sla.recomputed.tier_changed", {"tier": "gold"})
    for action, note in OLD_LOOP:  # the same words typed by a person are theirs
        assert migration._declared(action, note, actor_id=7) is None, note
    assert migration._declared(
        "reopen", "The customer is not satisfied after the follow-up (angry): reopened.") is None


def test_the_upgrade_declares_the_stored_rows_and_they_read_in_chinese(
        app, make_ticket, migration):
    ticket = make_ticket()
    table = TicketEvent.__table__
    rows = [
        {"ticket_id": ticket.id, "action": "sla_level_1", "changes": {},
         "note": f"{ticket.ref}: the resolution deadline was missed; escalated to supervisors."},
        {"ticket_id": ticket.id, "action": "customer_erased", "changes": {},
         "note": "The customer's personal data was erased on request."},
        {"ticket_id": ticket.id, "action": "add_note", "changes": {},
         "note": "Due times recomputed by the SLA sweep"},
        {"ticket_id": ticket.id, "action": "close", "changes": {},
         "note": "Survey answered: the follow-up loop is complete."},
    ]
    db.session.execute(table.insert(), rows)  # as stored before: no code, no parameters
    connection = db.session.connection()
    with Operations.context(MigrationContext.configure(connection)):
        migration._declare_system_notes()
    db.session.expire_all()
    stored = db.session.scalars(select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.action != "opened",
        TicketEvent.action != "own").order_by(TicketEvent.id)).all()
    assert [(e.action, e.note_code) for e in stored] == [
        ("sla_level_1", "sla.step.escalated_to_supervisors"),
        ("customer_erased", "privacy.erased_on_request"),
        ("add_note", None),
        ("close", "follow_up.closed_answered"),
    ]
    with app.test_request_context(), force_locale("zh_Hans"):
        assert [event_note(e) for e in stored] == [
            f"{ticket.ref}：解决时限已过，已升级给主管。",
            "已应客户要求清除其个人信息。",
            "Due times recomputed by the SLA sweep",
            "客人已回答满意度调查：回访流程完成。",
        ]
