"""Timeline: a system note is stored as its message's code and parameters

Revision ID: f13c_event_params
Revises: f13b_notification_params
Create Date: 2026-12-03 10:30:00

"""
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f13c_event_params'
down_revision = 'f13b_notification_params'
branch_labels = None
depends_on = None

BATCH = 1000

# The notes the system wrote before this revision, frozen here as they were (a migration
# must not follow later edits of the code): the same English text → its code.
FIXED_NOTES = {
    ('sla_recomputed', 'Due times recomputed by the SLA sweep'): 'sla.recomputed.by_sweep',
    ('sla_recomputed', 'SLA policy applied to open tickets'): 'sla.recomputed.policy_applied',
    ('sla_recomputed', 'Due times computed for the first time'): 'sla.recomputed.first_time',
    ('sla_recomputed', 'Site hours, holidays or time zone changed'):
        'sla.recomputed.calendar_changed',
    ('customer_erased', "The customer's personal data was erased on request."):
        'privacy.erased_on_request',
    ('customer_erased', "The customer's personal data was erased by the retention rule."):
        'privacy.erased_by_retention',
}
STEP_NOTES = {
    'sla_at_risk': (re.compile(r'^(?P<ref>\S+): the (?P<clock>.+) deadline is close\.$'),
                    'sla.step.deadline_close'),
    'sla_level_1': (re.compile(r'^(?P<ref>\S+): the (?P<clock>.+) deadline was missed; '
                               r'escalated to supervisors\.$'),
                    'sla.step.escalated_to_supervisors'),
    'sla_level_2': (re.compile(r'^(?P<ref>\S+): the (?P<clock>.+) deadline is still missed; '
                               r'escalated to managers\.$'),
                    'sla.step.escalated_to_managers'),
}
CLOCK_WORDS = {
    'first response': 'first_response',
    'fix offered': 'fix_offered',
    'resolution': 'resolution',
    'next contact promised to the customer': 'next_contact',
}
# The follow-up loop's own notes when it closed or reopened a ticket (written with no actor:
# a person who typed the same words keeps them as written).
LOOP_NOTES = {
    ('close', 'Survey answered: the follow-up loop is complete.'): 'follow_up.closed_answered',
    ('close', 'Closed after three attempts that could not reach the customer.'):
        'follow_up.closed_unreachable',
}
LOOP_REOPEN = re.compile(
    r'^The customer is not satisfied after the follow-up \((?P<answer>.+)\): reopened\.$')
LOOP_ANSWERS = (
    (re.compile(r'^CSAT (?P<score>\d+)$'), 'follow_up.reopened_csat'),
    (re.compile(r'^CSAT (?P<score>\d+), not recovered$'),
     'follow_up.reopened_csat_not_recovered'),
    (re.compile(r'^not recovered$'), 'follow_up.reopened_not_recovered'),
    (re.compile(r'^dissatisfied$'), 'follow_up.reopened_dissatisfied'),
)
TIER_NOTE = re.compile(r'^Customer tier is now (?P<tier>\w+)$')
TIERS = ('standard', 'key', 'vip')

events = sa.table(
    'ticket_events',
    sa.column('id', sa.Integer),
    sa.column('action', sa.String),
    sa.column('note', sa.Text),
    sa.column('note_code', sa.String),
    sa.column('note_params', sa.JSON),
    sa.column('actor_id', sa.Integer),
)


def upgrade():
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note_code', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('note_params', sa.JSON(), nullable=True))
    _declare_system_notes()


def _word(code):
    return {'code': code, 'params': {}}


def _declared(action, note, actor_id=None):
    """(code, params) of a note the system wrote, or None (a person's words, or a note
    redacted since)."""
    code = FIXED_NOTES.get((action, note))
    if code is not None:
        return code, {}
    if actor_id is None and action in ('close', 'reopen'):
        return _loop_note(action, note)
    if action in STEP_NOTES:
        pattern, code = STEP_NOTES[action]
        found = pattern.match(note)
        if found is not None and found['clock'] in CLOCK_WORDS:
            clock = _word(f"sla.deadline.{CLOCK_WORDS[found['clock']]}")
            return code, {'ref': found['ref'], 'clock': clock}
    if action == 'sla_recomputed':
        found = TIER_NOTE.match(note)
        if found is not None:
            tier = found['tier']
            return 'sla.recomputed.tier_changed', {
                'tier': _word(f'customer.tier.{tier}') if tier in TIERS else tier}
    return None


def _loop_note(action, note):
    code = LOOP_NOTES.get((action, note))
    if code is not None:
        return code, {}
    found = LOOP_REOPEN.match(note) if action == 'reopen' else None
    for pattern, code in LOOP_ANSWERS if found is not None else ():
        answer = pattern.match(found['answer'])
        if answer is not None:
            return code, ({'score': int(answer['score'])} if 'score' in pattern.groupindex
                          else {})
    return None


def _declare_system_notes():
    """The events written by the system (the SLA sweep and recomputations, erasures, the
    follow-up loop) get their note's code and parameters, in batches by id. Plain SQL: the
    ORM refuses to change an audit event, and nothing else of the event changes here."""
    connection = op.get_bind()
    actions = sorted({action for action, _note in FIXED_NOTES} | set(STEP_NOTES)
                     | {'close', 'reopen'})
    change = (events.update().where(events.c.id == sa.bindparam('event_id'))
              .values(note_code=sa.bindparam('code'), note_params=sa.bindparam('params')))
    last = 0
    while True:
        rows = connection.execute(
            sa.select(events.c.id, events.c.action, events.c.note, events.c.actor_id)
            .where(events.c.id > last, events.c.action.in_(actions),
                   events.c.note_code.is_(None))
            .order_by(events.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1].id
        found = [(row.id, _declared(row.action, row.note or '', row.actor_id))
                 for row in rows]
        updates = [{'event_id': event_id, 'code': declared[0], 'params': declared[1]}
                   for event_id, declared in found if declared is not None]
        if updates:
            connection.execute(change, updates)


def downgrade():
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_column('note_params')
        batch_op.drop_column('note_code')
