"""Bounces of notices and the addresses they suspended

Revision ID: 0015bounces
Revises: 0014inboundreplies
Create Date: 2026-12-04 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.database import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0015bounces'
down_revision = '0014inboundreplies'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'bounces',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('address', sa.String(length=254), nullable=False),
        sa.Column('notice_id', sa.Integer(), nullable=True),
        sa.Column('hard', sa.Boolean(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('diagnostic', sa.String(length=500), nullable=False),
        sa.Column('message_key', sa.String(length=255), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['notice_id'], ['notifications.id'], name=op.f('fk_bounces_notice_id_notifications'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bounces')),
        sa.UniqueConstraint('message_key', 'address', name='uq_bounces_message_address'),
    )
    op.create_index('ix_bounces_address_created', 'bounces', ['address', 'created_at'])
    op.create_index(op.f('ix_bounces_notice_id'), 'bounces', ['notice_id'])
    op.create_table(
        'address_standings',
        sa.Column('address', sa.String(length=254), nullable=False),
        sa.Column('suspended_at', UTCDateTime(), nullable=True),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('lifted_at', UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('address', name=op.f('pk_address_standings')),
    )
    op.create_index(op.f('ix_address_standings_suspended_at'), 'address_standings', ['suspended_at'])


def downgrade():
    op.drop_index(op.f('ix_address_standings_suspended_at'), table_name='address_standings')
    op.drop_table('address_standings')
    op.drop_index(op.f('ix_bounces_notice_id'), table_name='bounces')
    op.drop_index('ix_bounces_address_created', table_name='bounces')
    op.drop_table('bounces')
