"""Personal access tokens for the JSON API

Revision ID: 0018apitokens
Revises: 0017webmentions
Create Date: 2026-12-10 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.database import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0018apitokens'
down_revision = '0017webmentions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'access_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('scope', sa.Enum('read', 'write', name='accessscope', native_enum=False, length=5), nullable=False),
        sa.Column('lookup', sa.String(length=16), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('last_used_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_access_tokens_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_access_tokens')),
        sa.UniqueConstraint('lookup', name=op.f('uq_access_tokens_lookup')),
    )
    op.create_index(op.f('ix_access_tokens_user_id'), 'access_tokens', ['user_id'])


def downgrade():
    op.drop_index(op.f('ix_access_tokens_user_id'), table_name='access_tokens')
    op.drop_table('access_tokens')
