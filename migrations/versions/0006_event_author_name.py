"""The author's name at publishing, on the letter event

Revision ID: 0006eventauthor
Revises: 39655b1f33ac
Create Date: 2026-12-01 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006eventauthor'
down_revision = "39655b1f33ac"
branch_labels = None
depends_on = None


def upgrade():
    # Events recorded before keep NULL: their notices show the author's current name.
    with op.batch_alter_table('letter_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_name', sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table('letter_events', schema=None) as batch_op:
        batch_op.drop_column('author_name')
