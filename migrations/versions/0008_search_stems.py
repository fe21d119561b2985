"""The SQLite search index holds stems and people's names

Revision ID: 0008searchstems
Revises: 0007neighbours
Create Date: 2026-12-05 10:00:00.000000

"""
from alembic import op

from app.discovery.search_index import rebuild_search_index


# revision identifiers, used by Alembic.
revision = '0008searchstems'
down_revision = '0007neighbours'
branch_labels = None
depends_on = None


def upgrade():
    # SQLite: the index is derived from the letters and the users, so it is built anew in
    # the form the code reads. PostgreSQL's index is unchanged (names are joined at search).
    rebuild_search_index(op.get_bind())


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE IF EXISTS letter_search")
    op.execute(
        "CREATE VIRTUAL TABLE letter_search USING fts5("
        "title, body, postscript, tokenize = 'unicode61 remove_diacritics 2')"
    )
    op.execute(
        "INSERT INTO letter_search (rowid, title, body, postscript) "
        "SELECT id, title, body, postscript FROM letters WHERE status = 'published'"
    )
