"""Prepared reads (app/database.py): the driver's rows, converted as SQLAlchemy converts them.

The most read pages run their fixed statements on the driver's cursor. Each must give what
Connection.execute gives, value for value and type for type, fail with SQLAlchemy's errors,
and let a lost PostgreSQL connection go as SQLAlchemy would.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum
from typing import Any

import pytest
from sqlalchemy import event, insert, text
from sqlalchemy.exc import DBAPIError, OperationalError

from app.database import utc_now
from app.discovery.suggestions import store_suggestions
from app.extensions import db
from app.letters.models import Letter
from app.letters.related import parse_related
from app.letters.service import withdraw_letter
from app.letters.shown import SHOWN_LETTER
from app.reads import PREPARED, read_rows
from app.signatures.models import ClosedSigning, Signature
from app.webmentions.models import MentionKind, MentionStatus, ReceivedWebmention
from tests.support import write_letter


def publish(author, addressee, parent: Letter | None, title: str, related: str = "") -> Letter:
    return write_letter(author, addressee, title, parent=parent, body=f"On {title}.",
                        tags=["Letters", "Meetings"], related=parse_related(related),
                        addressee_name="Ada Lovelace")  # fmt: skip


@pytest.fixture
def page(app, make_user) -> dict[str, Any]:
    """A letter with everything the prepared statements read: answers (one withdrawn), tags,
    related letters and links, a backlink, signatures (signing closed on the answer), an
    answer from another site, more letters; returns the values their parameters take."""
    sven, svenja = make_user("Sven Albrecht"), make_user("Svenja Köhler")
    earlier = publish(svenja, sven, None, "An earlier letter")
    root = publish(sven, svenja, None, "On slow decisions",
                   f"/letters/{earlier.slug}\nhttps://example.org/a Elsewhere")  # fmt: skip
    answer = publish(svenja, sven, root, "Re: On slow decisions")
    withdraw_letter(publish(sven, None, root, "Second thoughts"))
    publish(svenja, None, None, "Mentioning it", f"/letters/{root.slug}")
    now = utc_now()
    db.session.execute(insert(Signature), [
        {"letter_id": root.id, "email": f"signer{number}@example.org", "name": f"Signer {number}",
         "affiliation": "", "locale": "en", "named": number != 1, "told_of_answers": False,
         "created_at": now, "confirmed_at": now - timedelta(minutes=number)}
        for number in range(3)
    ])  # fmt: skip
    db.session.add(ReceivedWebmention(
        pair_key="pair", source="https://elsewhere.example/answer", target=f"/letters/{root.slug}",
        letter_id=answer.id, domain="elsewhere.example", status=MentionStatus.SHOWN,
        kind=MentionKind.REPLY, author_name="Grace", title="An answer from elsewhere",
        content_html="<p>Agreed.</p>", published_at=now, verified_at=now,
    ))  # fmt: skip
    db.session.add(ClosedSigning(letter_id=answer.id))
    store_suggestions(root, [earlier.id, answer.id])
    db.session.commit()
    return {"slug": root.slug, "letter_id": root.id, "root_id": root.id, "offset": 0,
            "user_id": sven.id, "email": "signer0@example.org", "answer_id": answer.id}  # fmt: skip


def parameters_of(statement: Any, values: dict[str, Any]) -> list[dict[str, Any]]:
    """The page's values for the parameters the statement asks for: a letter's are asked
    for the first letter and for its answer (which has the answer from another site)."""
    wanted = {bind.key for bind in statement.compile().binds.values() if bind.required}
    params = {name: values[name] for name in wanted}
    if "letter_id" not in wanted:
        return [params]
    return [{**params, "letter_id": values[letter]} for letter in ("letter_id", "answer_id")]


def as_sqlalchemy_reads(statement: Any, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in db.session.connection().execute(statement, params)]


def types_of(rows: list[tuple[Any, ...]]) -> list[list[type]]:
    return [[type(value) for value in row] for row in rows]


def test_every_prepared_statement_reads_what_sqlalchemy_reads(app, page, backend):
    assert len(PREPARED) >= 12, "the letter and correspondence pages' statements are prepared"
    seen: list[Any] = []
    for read in PREPARED.values():
        rows_read = 0
        for params in parameters_of(read.statement, page):
            expected = as_sqlalchemy_reads(read.statement, params)
            rows = read.run(db.session.connection(), params)
            assert rows == expected, read.statement
            assert types_of(rows) == types_of(expected), read.statement
            seen.extend(value for row in rows for value in row)
            rows_read += len(rows)
        assert rows_read, f"no rows to compare for {read.statement}"
    # What needs converting on one database or the other came through: aware moments, enums
    # and truth values (SQLite keeps the first as text, the last as numbers).
    assert any(isinstance(value, datetime) and value.utcoffset() == timedelta(0) for value in seen)
    assert any(isinstance(value, Enum) for value in seen)
    assert any(value is True for value in seen) and any(value is False for value in seen)


def test_a_prepared_read_fails_with_the_error_sqlalchemy_raises(app, page, backend):
    unusable = {"slug": object()}  # no driver can send it
    with pytest.raises(DBAPIError) as through_sqlalchemy:
        as_sqlalchemy_reads(SHOWN_LETTER, unusable)
    db.session.rollback()
    with pytest.raises(DBAPIError) as prepared:
        PREPARED[id(SHOWN_LETTER)].run(db.session.connection(), unusable)
    assert type(prepared.value) is type(through_sqlalchemy.value)
    assert type(prepared.value.orig) is type(through_sqlalchemy.value.orig)
    db.session.rollback()
    assert read_rows(SHOWN_LETTER, {"slug": page["slug"]})[0][0] == page["letter_id"]


def test_a_lost_connection_is_let_go_and_the_next_read_works(app, page, backend):
    if backend == "sqlite":
        pytest.skip("a SQLite file has no connection to lose")
    pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
    with db.engine.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    with pytest.raises(OperationalError) as lost:
        read_rows(SHOWN_LETTER, {"slug": page["slug"]})
    assert lost.value.connection_invalidated
    db.session.rollback()
    assert db.session.execute(text("SELECT pg_backend_pid()")).scalar() != pid
    assert read_rows(SHOWN_LETTER, {"slug": page["slug"]})[0][0] == page["letter_id"]


def test_a_listener_sees_the_prepared_statements_and_the_page_is_the_same(app, page, client):
    app.config["PAGE_CACHE"] = False  # both pages made anew
    unobserved = client.get(f"/letters/{page['slug']}")
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        observed = client.get(f"/letters/{page['slug']}")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert observed.status_code == unobserved.status_code == 200
    assert observed.data == unobserved.data
    shown_letter_sql = str(SHOWN_LETTER.compile(dialect=db.engine.dialect))
    assert shown_letter_sql in seen
