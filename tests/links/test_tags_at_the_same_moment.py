"""Two colleagues publishing with the same new tag at the same moment (found under load)."""

from __future__ import annotations

import threading

from sqlalchemy import create_engine, func, select, text

from app.extensions import db
from app.links.models import LetterTag, Tag
from app.links.service import set_tags


def test_a_tag_made_by_another_writer_meanwhile_is_shared_not_an_error(app, make_user, make_letter):
    letter = make_letter(make_user("Sven"), None, title="On load")
    engine = create_engine(db.engine.url)
    other_writer = engine.connect()
    other_writer.execute(text("INSERT INTO tags (name, slug) VALUES ('Load', 'load')"))
    if db.engine.dialect.name == "sqlite":
        other_writer.commit()  # SQLite lets one writer at a time: the other has finished
    errors: list[BaseException] = []

    def tag_the_letter() -> None:
        with app.app_context():
            try:
                set_tags(db.session.merge(letter), ["Load", "Engineering"])
                db.session.commit()
            except BaseException as error:  # noqa: BLE001 — the test reports it
                errors.append(error)

    tagging = threading.Thread(target=tag_the_letter)
    tagging.start()
    tagging.join(0.5)  # on PostgreSQL it waits for the other writer's uncommitted tag
    other_writer.commit()
    other_writer.close()
    engine.dispose()
    tagging.join(30)
    assert errors == []
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Tag).where(Tag.slug == "load")) == 1
    names = db.session.scalars(
        select(Tag.name)
        .join(LetterTag)
        .where(LetterTag.letter_id == letter.id)
        .order_by(LetterTag.position)
    ).all()
    assert names == ["Load", "Engineering"]
