"""Notifications stored as a message's code and parameters; the daily digest

Revision ID: f13b_notification_params
Revises: f13a_locale_categories
Create Date: 2026-12-03 10:30:00

Existing notifications get their params by reading their English text against the
sentences the app wrote until this revision (frozen here: a migration must not follow later
edits of the code). A row none of them fits (a weekly report written in Chinese, a text
from elsewhere) keeps params NULL and is shown as its stored text, as before.

Only columns are added to `users` and `notifications` (no new foreign key on them, and a
server default given as plain text): on SQLite anything more rebuilds the table, which its
enforced foreign keys refuse once other rows point at it. `notifications.digest_id` is
therefore a plain id, like `notification_digests.outbox_id`.
"""
import re

from alembic import op
import sqlalchemy as sa

from core.schema_changes import rebuilding_referenced_tables


# revision identifiers, used by Alembic.
revision = 'f13b_notification_params'
down_revision = 'f13a_locale_categories'
branch_labels = None
depends_on = None

REF = r'(?P<ref>SR-\d+)'
CLOCKS = {
    'first response': 'sla.deadline.first_response',
    'fix offered': 'sla.deadline.fix_offered',
    'resolution': 'sla.deadline.resolution',
    'next contact promised to the customer': 'sla.deadline.next_contact',
}
CLOCK = '(?P<clock>' + '|'.join(re.escape(words) for words in CLOCKS) + ')'
FOLLOW_UPS = {'check-in': 'notify.word.check_in', 'survey': 'notify.word.survey'}
# The weekly report's headline labels, longest first ("Resolved on time" before "Resolved").
REPORT_LABELS = sorted(['New', 'Resolved', 'First response on time', 'Resolved on time',
                        'Recovered', 'CSAT after recovery', 'Reopen rate', 'Compensation'],
                       key=len, reverse=True)

# (pattern, code, how the named groups become parameters)
SENTENCES = [
    (REF + r': a decline waits for your sign-off\.', 'notify.decline_waits', {}),
    (REF + r': a fix of (?P<amount>-?\d+(?:\.\d+)?) (?P<currency>[A-Z]{3}) waits for your '
     r'approval\.', 'notify.fix_waits', {'amount': 'money'}),
    (REF + r': escalated by hand to supervisors \(level (?P<level>\d+)\) by (?P<actor>.+)\.',
     'notify.escalated_to_supervisors', {'level': 'int'}),
    (REF + r': escalated by hand to managers \(level (?P<level>\d+)\) by (?P<actor>.+)\.',
     'notify.escalated_to_managers', {'level': 'int'}),
    (REF + r': (?P<actor>.+) hands this ticket to you; accept it to own it\.',
     'notify.handed_to_you', {}),
    (REF + r': (?P<actor>.+) gave this ticket to you\.', 'notify.given_to_you', {}),
    (REF + r': (?P<actor>.+) approved your request\.', 'notify.request_approved', {}),
    (REF + r': (?P<actor>.+) sent back your request\.', 'notify.request_sent_back', {}),
    (REF + r': reopened by (?P<actor>.+)\.', 'notify.reopened_by', {}),
    (REF + r': a guest complained through the web form\. Own it\.',
     'notify.guest_complained_web', {}),
    (REF + r': a guest complained by e-mail\. Own it\.', 'notify.guest_complained_email', {}),
    (REF + r': a guest complained by \S+\. Own it\.', 'notify.guest_complained', {}),
    (REF + r': safety or health complaint at (?P<site>.+)\. Act now\.',
     'notify.safety_complaint', {}),
    (REF + r': the ' + CLOCK + r' deadline is close\.', 'sla.step.deadline_close',
     {'clock': 'clock'}),
    (REF + r': the ' + CLOCK + r' deadline was missed; escalated to supervisors\.',
     'sla.step.escalated_to_supervisors', {'clock': 'clock'}),
    (REF + r': the ' + CLOCK + r' deadline is still missed; escalated to managers\.',
     'sla.step.escalated_to_managers', {'clock': 'clock'}),
    (REF + r': the customer is not satisfied after the follow-up \((?P<answer>.+)\); the '
     r'ticket is reopened to (?P<owner>.+)\.', 'notify.follow_up_reopened',
     {'answer': 'answer', 'owner': 'owner'}),
    (REF + r': the (?P<what>check-in|survey) with (?P<customer>.+) is due \((?P<due>.+)\)\.',
     'notify.follow_up_due', {'what': 'follow_up'}),
    (REF + r': the customer wrote\. Read it and answer\.', 'notify.customer_wrote', {}),
    (REF + r': the customer accepted the fix offered on their status page\.',
     'notify.customer_accepted', {}),
    (REF + r': the customer asked for something else on their status page\.',
     'notify.customer_asked_else', {}),
    (r'Weekly recovery report (?P<week>\S+) for (?P<where>.+) is ready: (?P<headline>.*)\.',
     'notify.weekly_report', {'where': 'where', 'headline': 'headline'}),
]
COMPILED = [(re.compile(pattern + r'\Z', re.S), code, how) for pattern, code, how in SENTENCES]


class NoFit(ValueError):
    """The text does not read as the sentence it seemed to be."""


def _answer(text):
    parts = []
    for part in text.split(', '):
        csat = re.fullmatch(r'CSAT (\d+)', part)
        if csat:
            parts.append({'code': 'notify.answer.csat', 'params': {'score': int(csat.group(1))}})
        elif part == 'not recovered':
            parts.append({'code': 'notify.answer.not_recovered'})
        elif part == 'dissatisfied':
            parts.append({'code': 'notify.answer.dissatisfied'})
        else:
            raise NoFit(part)
    return {'list': parts}


def _headline(text):
    figures = []
    for part in text.split(', ') if text else []:
        label = next((label for label in REPORT_LABELS if part.startswith(label + ' ')), None)
        if label is None:
            raise NoFit(part)
        figures.append({'code': 'notify.report_figure',
                        'params': {'label': {'word': label}, 'value': part[len(label) + 1:]}})
    return {'list': figures}


def _value(how, name, found):
    text = found[name]
    if how == 'money':
        return {'money': text, 'currency': found['currency']}
    if how == 'int':
        return int(text)
    if how == 'clock':
        return {'code': CLOCKS[text]}
    if how == 'follow_up':
        return {'code': FOLLOW_UPS[text]}
    if how == 'owner':
        return {'code': 'notify.word.its_owner'} if text == 'its owner' else text
    if how == 'where':
        return {'code': 'notify.word.all_sites'} if text == 'all sites' else text
    if how == 'answer':
        return _answer(text)
    if how == 'headline':
        return _headline(text)
    return text


def params_for(message):
    """The params of an old notification's English text; None when no sentence fits."""
    for pattern, code, how in COMPILED:
        match = pattern.match((message or '').strip())
        if match is None:
            continue
        found = {name: value for name, value in match.groupdict().items() if value is not None}
        try:
            params = {name: _value(how.get(name), name, found)
                      for name in found if name != 'currency'}
        except NoFit:
            return None
        return {'code': code, 'params': params} if params else {'code': code}
    return None


def upgrade():
    op.create_table('notification_digests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('notifications', sa.Integer(), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_digests_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_digests'))
    )
    with op.batch_alter_table('notification_digests', schema=None) as batch_op:
        batch_op.create_index('ix_notification_digests_user_day', ['user_id', 'day'], unique=True)

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('digest_pending', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('digest_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_notifications_digest_pending', ['digest_pending', 'deliver_after'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('daily_digest', sa.Boolean(), server_default='0', nullable=False))

    _read_old_notifications()


def _read_old_notifications():
    """Params for every existing notification whose text one of the old sentences fits."""
    connection = op.get_bind()
    notifications = sa.table('notifications', sa.column('id', sa.Integer),
                             sa.column('message', sa.Text), sa.column('params', sa.JSON))
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(notifications.c.id, notifications.c.message)
            .where(notifications.c.id > last_id).order_by(notifications.c.id).limit(500)
        ).all()
        if not rows:
            return
        for row in rows:
            params = params_for(row.message)
            if params is not None:
                connection.execute(notifications.update()
                                   .where(notifications.c.id == row.id).values(params=params))
        last_id = rows[-1].id


def downgrade():
    with rebuilding_referenced_tables():
        with op.batch_alter_table('users', schema=None) as batch_op:
            batch_op.drop_column('daily_digest')

        with op.batch_alter_table('notifications', schema=None) as batch_op:
            batch_op.drop_index('ix_notifications_digest_pending')
            batch_op.drop_column('digest_id')
            batch_op.drop_column('digest_pending')
            batch_op.drop_column('params')

        with op.batch_alter_table('notification_digests', schema=None) as batch_op:
            batch_op.drop_index('ix_notification_digests_user_day')
        op.drop_table('notification_digests')
