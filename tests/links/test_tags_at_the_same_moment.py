"""Two colleagues publishing with the same new tag at the same moment (found under load)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import create_engine, func, select, text

from app.extensions import db
from app.links.models import LetterTag, Tag
from app.links.service import set_tags


def test_a_tag_made_by_another_writer_meanwhile_is_shared_not_an_error(
    app, backend, make_user, make_letter
):
    if backend == "sqlite":
        pytest.skip("SQLite lets one writer at a time: no two can make a tag at once")
    letter = make_letter(make_user("Sven"), None, title="On load")
    engine = create_engine(db.engine.url)
    other_writer = engine.connect()
    other_writer.execute(text("INSERT INTO tags (name, slug) VALUES ('Load', 'load')"))
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
    wait_until_a_session_waits_for_a_lock(engine)  # for the other writer's uncommitted tag
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


def wait_until_a_session_waits_for_a_lock(engine) -> None:
    """The tagging thread has reached its INSERT and waits on the other writer's row."""
    deadline = time.monotonic() + 10
    with engine.connect() as watcher:
        while time.monotonic() < deadline:
            waiting = watcher.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                     "AND datname = current_database()")
            )  # fmt: skip
            if waiting:
                return
            watcher.rollback()
            time.sleep(0.02)
    raise AssertionError("the second writer never waited for the first one's tag")
