"""Costs that do not grow with the site: indexes for tag pages, cascades and search

Revision ID: 0012scale
Revises: 0011pageversions
Create Date: 2026-12-09 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
import app.database

from app.discovery.search_index import PG_VECTOR_COLUMN, PG_VECTOR_INDEX


# revision identifiers, used by Alembic.
revision = '0012scale'
down_revision = '0011pageversions'
branch_labels = None
depends_on = None


def upgrade():
    # Tag pages read a tag's newest letters from one index: the letter's date is kept here too.
    op.add_column('letter_tags', sa.Column(
        'published_at', app.database.UTCDateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE letter_tags SET published_at = "
        "(SELECT letters.published_at FROM letters WHERE letters.id = letter_tags.letter_id)"
    )
    op.drop_index('ix_letter_tags_tag_id', table_name='letter_tags')
    op.create_index('ix_letter_tags_tag_id_published_at', 'letter_tags',
                    ['tag_id', 'published_at', 'letter_id'], unique=False)
    op.drop_index('ix_letters_thread_root_id', table_name='letters')
    op.create_index('ix_letters_thread_root_id_status_published_at', 'letters',
                    ['thread_root_id', 'status', 'published_at'], unique=False)
    # Deleting a letter or a subscription cascades into these; without an index, a scan.
    op.create_index(op.f('ix_notifications_letter_id'), 'notifications', ['letter_id'])
    op.create_index(op.f('ix_notifications_subscription_id'), 'notifications',
                    ['subscription_id'])
    op.create_index(op.f('ix_letter_events_letter_id'), 'letter_events', ['letter_id'])
    if op.get_bind().dialect.name == 'postgresql':
        # A stored tsvector (filled for every letter as the column is added) replaces the
        # expression index, so that ranking no longer stems each candidate letter anew.
        op.execute("DROP INDEX IF EXISTS ix_letters_fulltext")
        op.execute(PG_VECTOR_COLUMN)
        op.execute(PG_VECTOR_INDEX)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_letters_search_vector")
        op.execute("ALTER TABLE letters DROP COLUMN IF EXISTS search_vector")
        op.execute(
            "CREATE INDEX IF NOT EXISTS ix_letters_fulltext ON letters USING gin (to_tsvector("
            "(CASE language WHEN 'de' THEN 'german'::regconfig ELSE 'english'::regconfig END), "
            "(coalesce(title, '') || ' ' || coalesce(body, '') || ' ' || "
            "coalesce(postscript, ''))))"
        )
    op.drop_index(op.f('ix_letter_events_letter_id'), table_name='letter_events')
    op.drop_index(op.f('ix_notifications_subscription_id'), table_name='notifications')
    op.drop_index(op.f('ix_notifications_letter_id'), table_name='notifications')
    op.drop_index('ix_letters_thread_root_id_status_published_at', table_name='letters')
    op.create_index('ix_letters_thread_root_id', 'letters', ['thread_root_id'], unique=False)
    op.drop_index('ix_letter_tags_tag_id_published_at', table_name='letter_tags')
    op.create_index('ix_letter_tags_tag_id', 'letter_tags', ['tag_id'], unique=False)
    with op.batch_alter_table('letter_tags') as batch_op:
        batch_op.drop_column('published_at')
