"""Posts imported from a WordPress blog, so that importing again leaves them be

Revision ID: 0019wordpressimport
Revises: 0018apitokens
Create Date: 2026-12-10 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.database import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0019wordpressimport'
down_revision = '0018apitokens'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'imported_posts',
        sa.Column('source', sa.String(length=200), nullable=False),
        sa.Column('post_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('letter_id', sa.Integer(), nullable=False),
        sa.Column('imported_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_imported_posts_letter_id_letters'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('source', 'post_id', name=op.f('pk_imported_posts')),
    )
    op.create_index(op.f('ix_imported_posts_letter_id'), 'imported_posts', ['letter_id'])


def downgrade():
    op.drop_index(op.f('ix_imported_posts_letter_id'), table_name='imported_posts')
    op.drop_table('imported_posts')
