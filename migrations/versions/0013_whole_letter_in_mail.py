"""Notices carry the whole letter or a short excerpt: the subscriber's or colleague's choice

Revision ID: 0013wholeletter
Revises: 0012scale
Create Date: 2026-12-10 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013wholeletter'
down_revision = '0012scale'
branch_labels = None
depends_on = None

TABLES = ('subscriptions', 'notification_settings', 'notifications')


def upgrade():
    # Everyone has the whole letter until they choose the excerpt.
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column('whole_letter', sa.Boolean(), server_default=sa.true(), nullable=False)
            )


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column('whole_letter')
