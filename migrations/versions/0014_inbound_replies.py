"""Replies to notices that came in by email (one row per message taken)

Revision ID: 0014inboundreplies
Revises: 0013wholeletter
Create Date: 2026-12-10 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.database import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0014inboundreplies'
down_revision = '0013wholeletter'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'inbound_replies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_key', sa.String(length=255), nullable=False),
        sa.Column('sender', sa.String(length=254), nullable=False),
        sa.Column('letter_id', sa.Integer(), nullable=False),
        sa.Column(
            'outcome',
            sa.Enum('draft', 'published', 'forwarded', name='replyoutcome', native_enum=False,
                    length=10),
            nullable=False,
        ),
        sa.Column('draft_id', sa.Integer(), nullable=True),
        sa.Column('attachments', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_inbound_replies_letter_id_letters'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['draft_id'], ['letters.id'], name=op.f('fk_inbound_replies_draft_id_letters'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_replies')),
        sa.UniqueConstraint('message_key', 'letter_id', name='uq_inbound_replies_message_letter'),
    )
    op.create_index('ix_inbound_replies_sender_outcome', 'inbound_replies', ['sender', 'outcome', 'created_at'])
    op.create_index(op.f('ix_inbound_replies_draft_id'), 'inbound_replies', ['draft_id'])


def downgrade():
    op.drop_index(op.f('ix_inbound_replies_draft_id'), table_name='inbound_replies')
    op.drop_index('ix_inbound_replies_sender_outcome', table_name='inbound_replies')
    op.drop_table('inbound_replies')
