"""Category names per language; a user's language may be "browser default" (NULL)

Revision ID: f13a_locale_categories
Revises: f12b_api_idempotency
Create Date: 2026-12-03 08:45:00

"""
from alembic import op
import sqlalchemy as sa

from core.schema_changes import rebuilding_referenced_tables


# revision identifiers, used by Alembic.
revision = 'f13a_locale_categories'
down_revision = 'f12b_api_idempotency'
branch_labels = None
depends_on = None

# The shipped default categories' Chinese names, frozen here as they were at this revision
# (a migration must not follow later edits of tickets/categories.py).
DEFAULT_CHINESE_NAMES = {
    'Booking error': '预订出错',
    'Billing error': '账单出错',
    'Service not delivered as promised': '服务未按承诺兑现',
    'Long wait': '等候太久',
    'No call back': '未按约回电',
    'Slow to fix': '处理太慢',
    'Staff knowledge': '员工业务不熟',
    'Safety concern': '安全隐患',
    'Trust and privacy': '信任与隐私',
    'Staff attitude': '服务态度',
    'Special needs ignored': '特殊需求被忽视',
    'Not listened to': '意见没人理会',
    'Room or facility condition': '客房或设施状况',
    'Cleanliness': '清洁卫生',
    'Equipment broken': '设备损坏',
    'Noise': '噪音',
}


def upgrade():
    with rebuilding_referenced_tables():
        with op.batch_alter_table('categories', schema=None) as batch_op:
            batch_op.add_column(sa.Column('name_zh', sa.String(length=80), nullable=True))
            batch_op.create_unique_constraint(batch_op.f('uq_categories_name_zh'), ['name_zh'])
        _name_default_categories_in_chinese()

        with op.batch_alter_table('users', schema=None) as batch_op:
            batch_op.alter_column('locale',
                   existing_type=sa.VARCHAR(length=10),
                   nullable=True)


def _name_default_categories_in_chinese():
    """The defaults (matched by their English name) get their Chinese name; a category a
    manager added keeps none until a manager gives it one (it shows in English meanwhile)."""
    connection = op.get_bind()
    categories = sa.table('categories', sa.column('name', sa.String),
                          sa.column('name_zh', sa.String))
    for english, chinese in DEFAULT_CHINESE_NAMES.items():
        connection.execute(categories.update()
                           .where(categories.c.name == english)
                           .values(name_zh=chinese))


def downgrade():
    users = sa.table('users', sa.column('locale', sa.String))
    op.get_bind().execute(users.update().where(users.c.locale.is_(None)).values(locale='en'))
    with rebuilding_referenced_tables():
        with op.batch_alter_table('users', schema=None) as batch_op:
            batch_op.alter_column('locale',
                   existing_type=sa.VARCHAR(length=10),
                   nullable=False)

        with op.batch_alter_table('categories', schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f('uq_categories_name_zh'), type_='unique')
            batch_op.drop_column('name_zh')
