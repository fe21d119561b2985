"""When each machine's sender last started a round (for flask doctor and /metrics)

Revision ID: 0010heartbeats
Revises: 0009invitations
Create Date: 2026-12-03 19:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.database


# revision identifiers, used by Alembic.
revision = '0010heartbeats'
down_revision = '0009invitations'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sender_heartbeats',
        sa.Column('host', sa.String(length=255), nullable=False),
        sa.Column('sender_id', sa.String(length=64), nullable=False),
        sa.Column('beat_at', app.database.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('host', name=op.f('pk_sender_heartbeats')),
    )


def downgrade():
    op.drop_table('sender_heartbeats')
