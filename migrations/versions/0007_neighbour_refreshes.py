"""Letters waiting for the sender to work out their neighbours' "more letters"

Revision ID: 0007neighbours
Revises: 0006eventauthor
Create Date: 2026-12-03 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.database


# revision identifiers, used by Alembic.
revision = '0007neighbours'
down_revision = '0006eventauthor'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'neighbour_refreshes',
        sa.Column('letter_id', sa.Integer(), nullable=False),
        sa.Column('queued_at', app.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['letter_id'], ['letters.id'],
            name=op.f('fk_neighbour_refreshes_letter_id_letters'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('letter_id', name=op.f('pk_neighbour_refreshes')),
    )


def downgrade():
    op.drop_table('neighbour_refreshes')
