"""The content version of the pages signed-out readers share (the page cache)

Revision ID: 0011pageversions
Revises: 0010heartbeats
Create Date: 2026-12-08 10:00:00.000000

"""
import time

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011pageversions'
down_revision = '0010heartbeats'
branch_labels = None
depends_on = None


def upgrade():
    versions = op.create_table(
        'page_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_page_versions')),
    )
    # One row; its number is a count of seconds, and pages say it as their Last-Modified.
    op.bulk_insert(versions, [{'id': 1, 'version': int(time.time())}])


def downgrade():
    op.drop_table('page_versions')
