"""U+FFFD is a character like any other: only bytes that are not valid text are refused.

The replacement character is what a decoder puts where invalid bytes stood, so the input guard
must tell the two apart from the bytes the client sent, not from the decoded text.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.letters.models import Letter
from tests.support import assert_styled, letter_form, multipart

REPLACEMENT = "\ufffd"
TITLE = f"Broken bytes look like {REPLACEMENT}"


def saved_titles() -> list[str]:
    return list(db.session.scalars(select(Letter.title)))


def multipart_part(name: bytes, value: bytes, headers: bytes = b"") -> bytes:
    return (
        b'--b\r\nContent-Disposition: form-data; name="' + name + b'"\r\n'
        + headers + b"\r\n" + value + b"\r\n"
    )  # fmt: skip


def raw_multipart(fields: dict[bytes, bytes], headers: dict[bytes, bytes] | None = None) -> dict:
    """A multipart body with exactly these bytes in each field."""
    headers = headers or {}
    parts = [multipart_part(name, value, headers.get(name, b"")) for name, value in fields.items()]
    return {
        "data": b"".join(parts) + b"--b--\r\n",
        "content_type": "multipart/form-data; boundary=b",
    }


def encoded_form(title: bytes) -> dict[bytes, bytes]:
    """The write form as bytes, with this title."""
    fields = {name.encode(): value.encode() for name, value in letter_form().items()}
    fields[b"title"] = title
    return fields


def test_replacement_character_in_a_multipart_form_is_saved(client, writer):
    response = client.post("/letters/new", **multipart(letter_form(title=TITLE)))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert saved_titles() == [TITLE]


def test_replacement_character_in_a_urlencoded_form_is_saved(client, writer):
    response = client.post("/letters/new", data=letter_form(title=TITLE))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert saved_titles() == [TITLE]


def test_replacement_character_beside_invalid_bytes_in_multipart_is_400(client, writer):
    title = TITLE.encode() + b" and \xff"
    response = client.post("/letters/new", **raw_multipart(encoded_form(title)))
    assert_styled(response, 400)
    assert saved_titles() == []


def test_invalid_bytes_in_a_multipart_field_name_are_400(client, writer):
    fields = encoded_form(TITLE.encode())
    fields[b"note\xff"] = b"x"
    response = client.post("/letters/new", **raw_multipart(fields))
    assert response.status_code == 400
    assert saved_titles() == []


def test_latin1_part_of_a_multipart_form_is_read_as_latin1(client, writer):
    fields = encoded_form("Grüße".encode("latin-1"))
    headers = {b"title": b"Content-Type: text/plain; charset=iso-8859-1\r\n"}
    response = client.post("/letters/new", **raw_multipart(fields, headers))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert saved_titles() == ["Grüße"]


@pytest.mark.parametrize("query", ["q=%EF%BF%BD", "q=" + REPLACEMENT], ids=["percent", "raw"])
def test_replacement_character_in_the_query_string_is_accepted(client, query):
    response = client.get("/search", query_string=query)
    assert response.status_code == 200
    assert REPLACEMENT in response.get_data(as_text=True)


def test_invalid_bytes_beside_a_replacement_character_in_the_query_string_are_400(client):
    response = client.get("/search?q=%EF%BF%BD%FF")
    assert_styled(response, 400)
