"""customer side: public codes, intake, messages, unclassified tickets

Revision ID: f11a_customer_side
Revises: f10b_privacy
Create Date: 2026-12-02 06:13:16.836850

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f11a_customer_side'
down_revision = 'f10b_privacy'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reply_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_templates'))
    )
    with op.batch_alter_table('reply_templates', schema=None) as batch_op:
        batch_op.create_index('ix_reply_templates_locale_title', ['locale', 'title'], unique=False)

    op.create_table('inbound_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=250), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('from_address', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('attachments_skipped', sa.Text(), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_inbound_mail_site_id_sites')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_inbound_mail_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_mail')),
    sa.UniqueConstraint('message_id', name=op.f('uq_inbound_mail_message_id'))
    )
    with op.batch_alter_table('inbound_mail', schema=None) as batch_op:
        batch_op.create_index('ix_inbound_mail_status_received', ['status', 'received_at'], unique=False)
        batch_op.create_index('ix_inbound_mail_ticket', ['ticket_id'], unique=False)

    op.create_table('customer_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('short_text', sa.Text(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('mail_message_id', sa.String(length=250), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_customer_messages_author_id_users')),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], name=op.f('fk_customer_messages_outbox_id_outbox')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_customer_messages_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_messages'))
    )
    with op.batch_alter_table('customer_messages', schema=None) as batch_op:
        batch_op.create_index('ix_customer_messages_created', ['created_at'], unique=False)
        batch_op.create_index('ix_customer_messages_mail_message_id', ['mail_message_id'], unique=False)
        batch_op.create_index('ix_customer_messages_ticket_id', ['ticket_id', 'id'], unique=False)

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ticket_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('channel', sa.String(length=20), server_default='email', nullable=False))
        batch_op.add_column(sa.Column('message_id', sa.String(length=250), nullable=True))
        batch_op.add_column(sa.Column('reply_to', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('in_reply_to', sa.String(length=250), nullable=True))
        batch_op.create_index('ix_outbox_ticket', ['ticket_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_outbox_message_id'), ['message_id'])
        batch_op.create_foreign_key(batch_op.f('fk_outbox_ticket_id_tickets'), 'tickets', ['ticket_id'], ['id'])

    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('intake_address', sa.String(length=254), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_sites_intake_address'), ['intake_address'])
        batch_op.create_unique_constraint(batch_op.f('uq_sites_public_code'), ['public_code'])
    _give_sites_public_codes()

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('customer_replied_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('linked_ticket_id', sa.Integer(), nullable=True))
        batch_op.alter_column('dimension',
               existing_type=sa.VARCHAR(length=20),
               nullable=True)
        batch_op.alter_column('category_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.alter_column('opened_by_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index('ix_tickets_site_customer_replied', ['site_id', 'customer_replied_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_tickets_linked_ticket_id_tickets'), 'tickets', ['linked_ticket_id'], ['id'])



def _give_sites_public_codes():
    """Existing sites get a code: a slug of the name, else (a non-Latin name) site-<id>."""
    connection = op.get_bind()
    sites = sa.table('sites', sa.column('id', sa.Integer), sa.column('name', sa.String),
                     sa.column('public_code', sa.String))
    taken = set()
    for site_id, name in connection.execute(sa.select(sites.c.id, sites.c.name)).all():
        slug = re.sub(r'[^a-z0-9]+', '-', (name or '').lower()).strip('-')[:30] or f'site-{site_id}'
        code = slug if slug not in taken else f'{slug}-{site_id}'
        taken.add(code)
        connection.execute(sites.update().where(sites.c.id == site_id).values(public_code=code))


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tickets_linked_ticket_id_tickets'), type_='foreignkey')
        batch_op.drop_index('ix_tickets_site_customer_replied')
        batch_op.alter_column('opened_by_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.alter_column('category_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.alter_column('dimension',
               existing_type=sa.VARCHAR(length=20),
               nullable=False)
        batch_op.drop_column('linked_ticket_id')
        batch_op.drop_column('customer_replied_at')

    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_sites_public_code'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_sites_intake_address'), type_='unique')
        batch_op.drop_column('intake_address')
        batch_op.drop_column('public_code')

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_ticket_id_tickets'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_outbox_message_id'), type_='unique')
        batch_op.drop_index('ix_outbox_ticket')
        batch_op.drop_column('in_reply_to')
        batch_op.drop_column('reply_to')
        batch_op.drop_column('message_id')
        batch_op.drop_column('channel')
        batch_op.drop_column('ticket_id')

    with op.batch_alter_table('customer_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_messages_ticket_id')
        batch_op.drop_index('ix_customer_messages_mail_message_id')
        batch_op.drop_index('ix_customer_messages_created')

    op.drop_table('customer_messages')
    with op.batch_alter_table('inbound_mail', schema=None) as batch_op:
        batch_op.drop_index('ix_inbound_mail_ticket')
        batch_op.drop_index('ix_inbound_mail_status_received')

    op.drop_table('inbound_mail')
    with op.batch_alter_table('reply_templates', schema=None) as batch_op:
        batch_op.drop_index('ix_reply_templates_locale_title')

    op.drop_table('reply_templates')
