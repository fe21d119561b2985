"""Webmentions received from other sites, the sites' standing, and those we send

Revision ID: 0017webmentions
Revises: 0016signatures
Create Date: 2026-12-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.database import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0017webmentions'
down_revision = '0016signatures'
branch_labels = None
depends_on = None


def queued_work_columns():
    return [
        sa.Column('due_at', UTCDateTime(), nullable=True),
        sa.Column('queued_at', UTCDateTime(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('claim', sa.String(length=32), nullable=True),
        sa.Column('claimed_until', UTCDateTime(), nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=False),
    ]


def upgrade():
    op.create_table(
        'received_webmentions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pair_key', sa.String(length=64), nullable=False),
        sa.Column('source', sa.String(length=2000), nullable=False),
        sa.Column('target', sa.String(length=2000), nullable=False),
        sa.Column('letter_id', sa.Integer(), nullable=False),
        sa.Column('domain', sa.String(length=255), nullable=False),
        sa.Column('status', sa.Enum('checking', 'waiting', 'shown', 'rejected', name='mentionstatus', native_enum=False, length=10), nullable=False),
        sa.Column('kind', sa.Enum('reply', 'like', 'repost', 'mention', name='mentionkind', native_enum=False, length=10), nullable=False),
        sa.Column('author_name', sa.String(length=200), nullable=False),
        sa.Column('author_url', sa.String(length=2000), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('content_html', sa.Text(), nullable=False),
        sa.Column('published_at', UTCDateTime(), nullable=True),
        sa.Column('verified_at', UTCDateTime(), nullable=True),
        *queued_work_columns(),
        sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_received_webmentions_letter_id_letters'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_received_webmentions')),
        sa.UniqueConstraint('pair_key', name=op.f('uq_received_webmentions_pair_key')),
    )
    op.create_index(op.f('ix_received_webmentions_due_at'), 'received_webmentions', ['due_at'])
    op.create_index('ix_received_webmentions_letter_id_status', 'received_webmentions', ['letter_id', 'status'])
    op.create_index('ix_received_webmentions_status_domain', 'received_webmentions', ['status', 'domain'])
    op.create_table(
        'webmention_sites',
        sa.Column('domain', sa.String(length=255), nullable=False),
        sa.Column('standing', sa.Enum('approved', 'blocked', name='sitestanding', native_enum=False, length=10), nullable=False),
        sa.Column('decided_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('domain', name=op.f('pk_webmention_sites')),
    )
    op.create_table(
        'sent_webmentions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('letter_id', sa.Integer(), nullable=False),
        sa.Column('target', sa.String(length=2000), nullable=False),
        sa.Column('target_key', sa.String(length=64), nullable=False),
        sa.Column('state', sa.Enum('queued', 'sent', 'no-endpoint', 'failed', 'skipped', name='sendstate', native_enum=False, length=12), nullable=False),
        sa.Column('endpoint', sa.String(length=2000), nullable=False),
        sa.Column('sent_at', UTCDateTime(), nullable=True),
        *queued_work_columns(),
        sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_sent_webmentions_letter_id_letters'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_webmentions')),
        sa.UniqueConstraint('letter_id', 'target_key', name='uq_sent_webmentions_letter_target'),
    )
    op.create_index(op.f('ix_sent_webmentions_due_at'), 'sent_webmentions', ['due_at'])


def downgrade():
    op.drop_index(op.f('ix_sent_webmentions_due_at'), table_name='sent_webmentions')
    op.drop_table('sent_webmentions')
    op.drop_table('webmention_sites')
    op.drop_index('ix_received_webmentions_status_domain', table_name='received_webmentions')
    op.drop_index('ix_received_webmentions_letter_id_status', table_name='received_webmentions')
    op.drop_index(op.f('ix_received_webmentions_due_at'), table_name='received_webmentions')
    op.drop_table('received_webmentions')
