"""Deleted accounts: the row stays as "a former colleague" for the letters kept under it

Revision ID: 0021accountdeletion
Revises: 0020scaleindexes
Create Date: 2026-12-11 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.database import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0021accountdeletion'
down_revision = '0020scaleindexes'
branch_labels = None
depends_on = None


def upgrade():
    # Not in a batch: copying the users table would break the letters' references to it.
    op.add_column('users', sa.Column('deleted_at', UTCDateTime(), nullable=True))


def downgrade():
    # SQLite drops a column in place since 3.35.
    op.drop_column('users', 'deleted_at')
