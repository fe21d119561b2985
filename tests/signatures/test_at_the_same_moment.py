"""Two requests signing with one address at the same moment make one signature, not an error."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, func, select, text

from app.extensions import db
from app.letters.queries import letter_by_slug
from app.signatures.models import Signature
from app.signatures.service import Signer, request_signature
from tests.links.test_tags_at_the_same_moment import wait_until_a_session_waits_for_a_lock


def test_a_signature_made_meanwhile_is_the_same_signature(app, backend, letter):
    if backend == "sqlite":
        pytest.skip("SQLite lets one writer at a time: no two can sign at once")
    engine = create_engine(db.engine.url)
    other_request = engine.connect()
    other_request.execute(
        text(
            "INSERT INTO signatures (letter_id, email, name, affiliation, locale, created_at) "
            "VALUES (:letter, 'ada@example.org', 'Ada', '', 'en', now())"
        ),
        {"letter": letter.id},
    )
    errors: list[BaseException] = []

    def sign() -> None:
        with app.app_context():
            try:
                signer = Signer("Ada Lovelace", "", "ada@example.org", True, False, "en")
                request_signature(letter_by_slug(letter.slug), signer)
                db.session.commit()
            except BaseException as error:  # noqa: BLE001 — the test reports it
                errors.append(error)

    signing = threading.Thread(target=sign)
    signing.start()
    wait_until_a_session_waits_for_a_lock(engine)  # for the other request's uncommitted row
    other_request.commit()
    other_request.close()
    engine.dispose()
    signing.join(30)
    assert errors == []
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Signature)) == 1
