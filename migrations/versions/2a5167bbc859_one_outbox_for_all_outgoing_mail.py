"""one outbox for all outgoing mail

Creates `outbox`, moves the mail of the old per-feature columns into it, then drops those
columns (`notifications.email_status`, `email_attempts`, `next_email_at`, `body_html`;
`follow_ups.survey_mail_status`, `survey_mail_attempts`).

- A pending notification mail becomes a pending outbox row (same due time and attempt
  count), composed from the notification as `notifications.services.compose` does.
- A survey mail that was sent, logged or given up becomes an outbox row with that status,
  so the ticket page still says what became of it; one given up gets `survey_mailed_at`
  (now "queued at") so the sweep does not queue it again.
- A survey mail still being retried keeps `survey_mailed_at` empty: the next sweep queues
  it with its full text and signed link (which need the app's secret, not available here).

On SQLite the columns are dropped with a plain ALTER TABLE ... DROP COLUMN (SQLite 3.35 or
later), never by rebuilding the table: a rebuild drops `follow_ups` and `notifications`,
which other rows reference, and that fails with foreign keys on.

Revision ID: 2a5167bbc859
Revises: cc764e55aaec
Create Date: 2026-12-02 01:17:27.798748

"""
import textwrap

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2a5167bbc859'
down_revision = 'cc764e55aaec'
branch_labels = None
depends_on = None

PREFIX = "[Recovery Desk] "
HISTORY_BODY = "(Survey link mail from before the outbox; its text was not kept.)"
HISTORY_ERROR = "gave up before the outbox existed"
TZ = sa.DateTime(timezone=True)

notifications = sa.table(
    'notifications', sa.column('id', sa.Integer), sa.column('recipient_id', sa.Integer),
    sa.column('ticket_id', sa.Integer), sa.column('kind', sa.String),
    sa.column('message', sa.Text), sa.column('body_html', sa.Text),
    sa.column('link', sa.String), sa.column('created_at', TZ),
    sa.column('deliver_after', TZ), sa.column('email_status', sa.String),
    sa.column('email_attempts', sa.Integer), sa.column('next_email_at', TZ),
)
users = sa.table('users', sa.column('id', sa.Integer), sa.column('email', sa.String))
follow_ups = sa.table(
    'follow_ups', sa.column('id', sa.Integer), sa.column('ticket_id', sa.Integer),
    sa.column('due_at', TZ), sa.column('survey_mail_status', sa.String),
    sa.column('survey_mail_attempts', sa.Integer), sa.column('survey_mailed_at', TZ),
)
tickets = sa.table('tickets', sa.column('id', sa.Integer), sa.column('customer_id', sa.Integer))
customers = sa.table('customers', sa.column('id', sa.Integer), sa.column('email', sa.String))


def _outbox_table():
    return op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('to_address', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('notification_id', sa.Integer(), nullable=True),
    sa.Column('follow_up_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['follow_up_id'], ['follow_ups.id'], name=op.f('fk_outbox_follow_up_id_follow_ups')),
    sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'], name=op.f('fk_outbox_notification_id_notifications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )


def _site_url() -> str:
    try:
        from flask import current_app

        return current_app.config.get("SITE_URL", "").rstrip("/")
    except RuntimeError:
        return ""


def _ref(ticket_id) -> str:
    return f"SR-{ticket_id:06d}"


def _notification_mail(row, site_url: str) -> dict:
    """An outbox row for one pending notification mail (as `compose` wrote it)."""
    text = (row.message or "").strip()
    first_line = text.splitlines()[0] if text else row.kind
    body = row.message or ""
    if row.ticket_id:
        body += f"\n\n{site_url}/tickets/{_ref(row.ticket_id)}"
    elif row.link:
        body += f"\n\n{site_url}{row.link}"
    due = row.next_email_at or row.deliver_after
    return {
        'kind': 'staff_notification', 'to_address': row.email,
        'subject': PREFIX + textwrap.shorten(first_line, width=70, placeholder="…"),
        'body_text': body, 'body_html': row.body_html, 'created_at': row.created_at,
        'due_at': due, 'status': 'pending', 'attempts': row.email_attempts or 0,
        'next_attempt_at': due, 'notification_id': row.id,
    }


def _pending_notification_mail(bind) -> list[dict]:
    stmt = (
        sa.select(notifications, users.c.email)
        .join(users, users.c.id == notifications.c.recipient_id)
        .where(notifications.c.email_status == 'pending', users.c.email.is_not(None),
               users.c.email != '')
    )
    site_url = _site_url()
    return [_notification_mail(row, site_url) for row in bind.execute(stmt)]


def _survey_mail(row) -> dict:
    """An outbox row recording a survey mail that was sent, logged or given up."""
    queued = row.survey_mailed_at or row.due_at
    return {
        'kind': 'survey_link', 'to_address': row.email or '',
        'subject': f"{PREFIX}How did we do? ({_ref(row.ticket_id)})",
        'body_text': HISTORY_BODY, 'body_html': None, 'created_at': queued,
        'due_at': row.due_at, 'status': row.survey_mail_status,
        'attempts': row.survey_mail_attempts or 0, 'next_attempt_at': None,
        'sent_at': row.survey_mailed_at if row.survey_mail_status == 'sent' else None,
        'last_error': HISTORY_ERROR if row.survey_mail_status == 'failed' else None,
        'follow_up_id': row.id,
    }


def _finished_survey_mail(bind) -> list[dict]:
    stmt = (
        sa.select(follow_ups, customers.c.email)
        .join(tickets, tickets.c.id == follow_ups.c.ticket_id)
        .join(customers, customers.c.id == tickets.c.customer_id)
        .where(follow_ups.c.survey_mail_status.in_(('sent', 'logged', 'failed')))
    )
    return [_survey_mail(row) for row in bind.execute(stmt)]


def _drop_old_columns():
    with op.batch_alter_table('follow_ups', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('survey_mail_status')
        batch_op.drop_column('survey_mail_attempts')

    with op.batch_alter_table('notifications', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_email_due'))
        batch_op.drop_column('next_email_at')
        batch_op.drop_column('email_attempts')
        batch_op.drop_column('body_html')
        batch_op.drop_column('email_status')


def upgrade():
    bind = op.get_bind()
    moved = _pending_notification_mail(bind) + _finished_survey_mail(bind)
    given_up = [row['follow_up_id'] for row in moved if row['kind'] == 'survey_link'
                and row['status'] == 'failed']
    _drop_old_columns()
    outbox = _outbox_table()
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_follow_up', ['follow_up_id'], unique=False)
        batch_op.create_index('ix_outbox_notification', ['notification_id'], unique=False)
        batch_op.create_index('ix_outbox_status_claimed_until', ['status', 'claimed_until'], unique=False)
        batch_op.create_index('ix_outbox_status_next_attempt', ['status', 'next_attempt_at'], unique=False)

    columns = ('sent_at', 'last_error', 'notification_id', 'follow_up_id')
    if moved:
        op.bulk_insert(outbox, [{**dict.fromkeys(columns), **row} for row in moved])
    if given_up:
        bind.execute(
            follow_ups.update()
            .where(follow_ups.c.id.in_(given_up), follow_ups.c.survey_mailed_at.is_(None))
            .values(survey_mailed_at=follow_ups.c.due_at)
        )


outbox_rows = sa.table(
    'outbox', sa.column('id', sa.Integer), sa.column('kind', sa.String), sa.column('status', sa.String),
    sa.column('attempts', sa.Integer), sa.column('next_attempt_at', TZ),
    sa.column('claimed_until', TZ), sa.column('body_html', sa.Text),
    sa.column('notification_id', sa.Integer), sa.column('follow_up_id', sa.Integer),
)
OLD_STATUS = {'pending': 'pending', 'sending': 'pending', 'sent': 'sent', 'logged': 'logged',
              'failed': 'failed'}


def _restore_notification_mail(bind, row):
    status = OLD_STATUS[row.status]
    bind.execute(
        notifications.update().where(notifications.c.id == row.notification_id).values(
            email_status=status, email_attempts=row.attempts, body_html=row.body_html,
            next_email_at=(row.next_attempt_at or row.claimed_until) if status == 'pending'
            else None)
    )


def _restore_survey_mail(bind, row):
    status = OLD_STATUS[row.status]
    values = {'survey_mail_status': None if status == 'pending' else status,
              'survey_mail_attempts': row.attempts}
    if status == 'pending':
        values['survey_mailed_at'] = None
    bind.execute(follow_ups.update().where(follow_ups.c.id == row.follow_up_id).values(**values))


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_status', sa.String(length=12), server_default='none', nullable=False))
        batch_op.add_column(sa.Column('body_html', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('email_attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('next_email_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_notifications_email_due', ['email_status', 'next_email_at'], unique=False)

    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('survey_mail_attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('survey_mail_status', sa.String(length=12), nullable=True))

    bind = op.get_bind()
    for row in bind.execute(sa.select(outbox_rows).order_by(outbox_rows.c.id)).all():
        if row.notification_id is not None:
            _restore_notification_mail(bind, row)
        elif row.follow_up_id is not None and row.kind == 'survey_link':
            _restore_survey_mail(bind, row)

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_status_next_attempt')
        batch_op.drop_index('ix_outbox_status_claimed_until')
        batch_op.drop_index('ix_outbox_notification')
        batch_op.drop_index('ix_outbox_follow_up')

    op.drop_table('outbox')
