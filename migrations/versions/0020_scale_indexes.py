"""Costs that do not grow, continued: a colleague's letters newest first, letters to people
outside, and colleagues' names for search on PostgreSQL

Revision ID: 0020scaleindexes
Revises: 0019wordpressimport
Create Date: 2026-12-11 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.discovery.search_index import PG_NAME_INDEXES


# revision identifiers, used by Alembic.
revision = '0020scaleindexes'
down_revision = '0019wordpressimport'
branch_labels = None
depends_on = None

OUTSIDE = sa.text("addressee_name <> ''")


def upgrade():
    # A colleague's page and a search by their name read their newest letters in order.
    op.drop_index('ix_letters_author_id', table_name='letters')
    op.drop_index('ix_letters_addressee_id', table_name='letters')
    op.create_index('ix_letters_author_id_status_published_at', 'letters',
                    ['author_id', 'status', 'published_at', 'id'])
    op.create_index('ix_letters_addressee_id_status_published_at', 'letters',
                    ['addressee_id', 'status', 'published_at', 'id'])
    op.create_index('ix_letters_outside_addressee', 'letters', ['id'],
                    postgresql_where=OUTSIDE, sqlite_where=OUTSIDE)
    if op.get_bind().dialect.name == 'postgresql':
        for statement in PG_NAME_INDEXES:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_users_name_german")
        op.execute("DROP INDEX IF EXISTS ix_users_name_english")
    op.drop_index('ix_letters_outside_addressee', table_name='letters')
    op.drop_index('ix_letters_addressee_id_status_published_at', table_name='letters')
    op.drop_index('ix_letters_author_id_status_published_at', table_name='letters')
    op.create_index('ix_letters_addressee_id', 'letters', ['addressee_id'])
    op.create_index('ix_letters_author_id', 'letters', ['author_id'])
