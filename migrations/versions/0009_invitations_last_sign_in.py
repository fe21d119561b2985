"""Stored invitations, and when each colleague last signed in

Revision ID: 0009invitations
Revises: 0008searchstems
Create Date: 2026-12-08 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.database


# revision identifiers, used by Alembic.
revision = '0009invitations'
down_revision = '0008searchstems'
branch_labels = None
depends_on = None

PENDING = 'accepted_at IS NULL AND revoked_at IS NULL'


def upgrade():
    op.create_table(
        'invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('inviter_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.String(length=1000), nullable=False),
        sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_sent_at', app.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('accepted_at', app.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', app.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['inviter_id'], ['users.id'],
            name=op.f('fk_invitations_inviter_id_users'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    )
    op.create_index(
        'uq_invitations_pending_email', 'invitations', ['email'], unique=True,
        sqlite_where=sa.text(PENDING), postgresql_where=sa.text(PENDING),
    )
    # Colleagues from before have never signed in as far as anyone can tell: NULL.
    op.add_column(
        'users',
        sa.Column('last_signed_in_at', app.database.UTCDateTime(timezone=True), nullable=True),
    )


def downgrade():
    op.drop_index('uq_invitations_pending_email', table_name='invitations')
    op.drop_table('invitations')
    # Not in a batch: copying the users table would break the letters' references to it.
    # SQLite drops a column in place since 3.35.
    op.drop_column('users', 'last_signed_in_at')
