"""Without WEBMENTION_ALLOW_PRIVATE, the sender reads from and posts to public addresses only.

The page server on loopback stands for a machine inside: by address or by a name that
resolves to it, nothing reaches it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.webmentions.fetching import is_public
from app.webmentions.models import ReceivedWebmention, SendState, SentWebmention
from tests.support import deliver_outbox
from tests.webmentions.conftest import SETTINGS
from tests.webmentions.sources import entry_page, letter_address, post_webmention


@pytest.fixture
def app(app_factory: Callable[..., Flask]) -> Flask:
    return app_factory(**{**SETTINGS, "WEBMENTION_ALLOW_PRIVATE": False})


@pytest.mark.parametrize(
    ("address", "public"),
    [("93.184.215.14", True), ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
     ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
     ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False),
     ("224.0.0.1", False), ("240.0.0.1", False), ("255.255.255.255", False), ("::1", False),
     ("fe80::1%eth0", False), ("fd00::1", False), ("ff02::1", False),
     ("::ffff:127.0.0.1", False), ("::ffff:10.0.0.1", False)],
)  # fmt: skip
def test_which_addresses_count_as_public(address, public):
    assert is_public(address) is public


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_source_inside_is_never_read(client, make_user, make_letter, elsewhere, host):
    target = letter_address(make_letter(make_user()).slug)
    elsewhere.put("/answer", entry_page(target))

    assert post_webmention(client, elsewhere.url("/answer", host=host), target).status_code == 202
    deliver_outbox()

    assert elsewhere.seen == []
    assert list(db.session.scalars(select(ReceivedWebmention))) == []


def test_a_page_inside_is_never_told(app, make_user, make_letter, elsewhere):
    elsewhere.put("/page", "<p>A page</p>", headers={"Content-Type": "text/html",
                  "Link": f'<{elsewhere.url("/endpoint")}>; rel="webmention"'})  # fmt: skip
    letter = make_letter(make_user(), body=f"See [this page]({elsewhere.url('/page')}).")

    deliver_outbox()

    assert elsewhere.seen == []
    (sent,) = db.session.scalars(
        select(SentWebmention).where(SentWebmention.letter_id == letter.id)
    )
    assert sent.state == SendState.FAILED and "public internet" in sent.last_error
