"""Signatures under open letters, and letters whose author closed signing

Revision ID: 0016signatures
Revises: 0015bounces
Create Date: 2026-12-10 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.database import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0016signatures'
down_revision = '0015bounces'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'signatures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('letter_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('affiliation', sa.String(length=100), nullable=False),
        sa.Column('named', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column('told_of_answers', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('locale', sa.String(length=5), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('confirmed_at', UTCDateTime(), nullable=True),
        sa.Column('removed_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_signatures_letter_id_letters'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_signatures_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_signatures')),
        sa.UniqueConstraint('letter_id', 'email', name='uq_signatures_letter_email'),
    )
    op.create_index('ix_signatures_letter_confirmed', 'signatures', ['letter_id', 'confirmed_at', 'id'])
    op.create_index('ix_signatures_email', 'signatures', ['email'])
    op.create_index(op.f('ix_signatures_user_id'), 'signatures', ['user_id'])
    op.create_table(
        'closed_signings',
        sa.Column('letter_id', sa.Integer(), nullable=False),
        sa.Column('closed_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_closed_signings_letter_id_letters'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('letter_id', name=op.f('pk_closed_signings')),
    )


def downgrade():
    op.drop_table('closed_signings')
    op.drop_index(op.f('ix_signatures_user_id'), table_name='signatures')
    op.drop_index('ix_signatures_email', table_name='signatures')
    op.drop_index('ix_signatures_letter_confirmed', table_name='signatures')
    op.drop_table('signatures')
