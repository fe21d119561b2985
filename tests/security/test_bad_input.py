"""Bad input (invalid UTF-8, NUL, huge values, unknown addresses) gets a clear 4xx, never a 500.

The test app propagates exceptions, so a 500 fails these tests with its traceback.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.letters.models import Letter
from tests.support import assert_styled, letter_form, multipart, sign_in

LONG = "x" * 100_001
LETTER_TEXT_FIELDS = ("title", "salutation", "body", "closing", "signature", "postscript")
FORM_FIELDS = ("addressee", "addressee_name", "language", *LETTER_TEXT_FIELDS, "tags", "related")


def letter_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Letter))


def field_message(html: str, field: str) -> str:
    """The message shown at a form field, or "" when there is none."""
    _, found, rest = html.partition(f'id="{field}-error">')
    return rest.split("</p>", 1)[0] if found else ""


def urlencoded(body: bytes) -> dict[str, object]:
    return {"data": body, "content_type": "application/x-www-form-urlencoded"}


@pytest.mark.parametrize(
    "query", [b"q=%ff", b"q=\xff\xfe", b"%c3=x", b"q=%c3%28", b"q=%ed%a0%80"], ids=repr
)
def test_invalid_utf8_in_query_string_is_400(client, query):
    # WSGI passes the query string as latin-1, byte for byte, as a server would.
    response = client.get("/", environ_overrides={"QUERY_STRING": query.decode("latin-1")})
    assert_styled(response, 400)


@pytest.mark.parametrize(
    "body",
    [
        b"title=%ff&body=text&signature=S&addressee_name=Ada&language=en&publish=1",
        b"title=\xff\xfe&body=text&signature=S&addressee_name=Ada&language=en&publish=1",
        b"title=Fine&body=%c3%28&signature=S&addressee_name=Ada&language=en&publish=1",
    ],
    ids=["percent-encoded", "raw-bytes", "truncated-sequence"],
)
def test_invalid_utf8_in_letter_form_is_400_and_saves_nothing(client, writer, body):
    html = assert_styled(client.post("/letters/new", **urlencoded(body)), 400)
    assert "not valid UTF-8" in html
    assert letter_count() == 0


@pytest.mark.parametrize("body", [b"email=%ff%40example.org&password=x", b"email=\xff&password=x"])
def test_invalid_utf8_in_login_form_is_400(client, body):
    assert_styled(client.post("/auth/login", **urlencoded(body)), 400)


@pytest.mark.parametrize("field", FORM_FIELDS)
def test_nul_in_any_letter_field_is_400_and_saves_nothing(client, writer, field):
    response = client.post("/letters/new", data=letter_form(**{field: "Ada\x00Lovelace"}))
    assert "control character" in assert_styled(response, 400)
    assert letter_count() == 0


def test_nul_in_a_field_name_is_400(client, writer):
    data = {**letter_form(), "extra\x00field": "x"}
    assert_styled(client.post("/letters/new", data=data), 400)


def test_nul_in_multipart_form_is_400(client, writer):
    response = client.post("/letters/new", **multipart(letter_form(body="before\x00after")))
    assert_styled(response, 400)
    assert letter_count() == 0


def test_invalid_utf8_in_multipart_form_is_400(client, writer):
    body = (
        b'--b\r\nContent-Disposition: form-data; name="title"\r\n\r\n\xff\xfe\r\n'
        b'--b\r\nContent-Disposition: form-data; name="body"\r\n\r\ntext\r\n--b--\r\n'
    )
    response = client.post(
        "/letters/new", data=body, content_type="multipart/form-data; boundary=b"
    )
    assert_styled(response, 400)
    assert letter_count() == 0


@pytest.mark.parametrize(
    "path",
    [
        "/auth/login",
        "/auth/reset",
        "/settings",
        "/letters/new",
        "/letters/{slug}/edit",
        "/letters/{slug}/reply",
        "/language",
    ],
)
def test_nul_in_any_form_is_400(client, make_user, make_letter, path):
    user = make_user()
    letter = make_letter(user, title="Saved letter")
    sign_in(client, user)
    data = {"email": "a\x00@example.org", "display_name": "A\x00B", **letter_form(title="T\x00")}
    assert_styled(client.post(path.format(slug=letter.slug), data=data), 400)
    assert db.session.get(Letter, letter.id).title == "Saved letter"


@pytest.mark.parametrize(
    "path",
    ["/letters/a%00b", "/letters/a%00b/history", "/threads/a%00b", "/@a%00b", "/@a%00b/avatar.png"],
)
def test_nul_in_the_address_is_a_4xx(client, path):
    """PostgreSQL refuses NUL even in a WHERE clause; the guard must stop it first."""
    response = client.get(path)
    assert 400 <= response.status_code < 500
    assert_styled(response, response.status_code)


def test_nul_in_query_string_is_400(client):
    assert_styled(client.get("/?page=1%00"), 400)


@pytest.mark.parametrize("field", FORM_FIELDS)
def test_100k_characters_in_any_letter_field_get_a_field_message(client, writer, field):
    response = client.post("/letters/new", data=letter_form(**{field: LONG}))
    message = field_message(assert_styled(response, 422), field)
    assert "longer than" in message or "valid choice" in message, f"{field}: {message!r}"
    assert letter_count() == 0


@pytest.mark.parametrize("field,limit", [("title", 200), ("body", 100_000)])
def test_field_limits_are_exact(client, writer, field, limit):
    over = client.post("/letters/new", data=letter_form(**{field: "ä" * (limit + 1)}))
    message = field_message(assert_styled(over, 422), field)
    assert f"longer than {limit} characters" in message
    assert client.post("/letters/new", data=letter_form(**{field: "ä" * limit})).status_code == 302


def test_body_at_the_limit_is_saved_exactly(client, writer):
    line = "Grüße, ☃ and 😀 — “quoted” <b>text</b> & more.\n\n"
    body = (line * (100_000 // len(line) + 1))[:100_000]
    title = "Ü" * 200
    response = client.post("/letters/new", data=letter_form(title=title, body=body))
    assert response.status_code == 302
    letter = db.session.scalars(select(Letter)).one()
    assert len(letter.body) == 100_000 and letter.body == body
    assert letter.title == title
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "😀 — “quoted” &lt;b&gt;text&lt;/b&gt; &amp; more." in page.get_data(as_text=True)


def test_too_long_edit_keeps_the_saved_letter(client, make_user, make_letter):
    author = make_user()
    letter = make_letter(author, title="Saved", body="The saved text.")
    sign_in(client, author)
    response = client.post(f"/letters/{letter.slug}/edit", data=letter_form(body=LONG))
    html = assert_styled(response, 422)
    assert LONG in html  # the writer's text comes back in the form, not lost
    db.session.expire_all()
    saved = db.session.get(Letter, letter.id)
    assert saved.body == "The saved text." and saved.edited_at is None


def test_100k_characters_in_login_form_get_a_field_message(client, make_user):
    make_user(email="sven@example.org")
    response = client.post("/auth/login", data={"email": LONG, "password": LONG})
    html = assert_styled(response, response.status_code)
    assert 400 <= response.status_code < 500
    assert "longer than 254" in field_message(html, "email")


def test_body_over_max_content_length_is_a_styled_413(app, client, writer):
    size = app.config["MAX_CONTENT_LENGTH"] + 1
    response = client.post("/letters/new", data=letter_form(body="x" * size))
    assert_styled(response, 413)
    assert letter_count() == 0


def test_multipart_over_max_content_length_is_a_styled_413(app, client, writer):
    size = app.config["MAX_CONTENT_LENGTH"] + 1
    response = client.post("/letters/new", **multipart(letter_form(body="x" * size)))
    assert_styled(response, 413)


@pytest.mark.parametrize(
    "path",
    [
        "/letters/no-such-letter",
        "/letters/no-such-letter/history",
        "/threads/no-such-thread",
        "/@nobody",
        "/@nobody/avatar.png",
        "/@nobody/initials.svg",
        "/no/such/page",
        "/static/no-such-file.css",
        "/?page=1000",
    ],
)
def test_unknown_addresses_are_a_styled_404(client, path):
    html = assert_styled(client.get(path), 404)
    assert "There is no letter or page at this address" in html


def test_unknown_letter_to_edit_or_answer_is_a_styled_404(client, writer):
    assert_styled(client.get("/letters/no-such-letter/edit"), 404)
    assert_styled(client.get("/letters/no-such-letter/reply"), 404)
    assert_styled(client.post("/letters/no-such-letter/reply", data=letter_form()), 404)


@pytest.mark.parametrize(
    "method,path",
    [
        ("put", "/letters/new"),
        ("delete", "/letters/{slug}"),
        ("post", "/letters/{slug}"),
        ("get", "/letters/{slug}/publish"),  # GET .../withdraw asks first since issue 10.17
        ("get", "/auth/logout"),
        ("post", "/threads/{slug}"),
        ("patch", "/"),
    ],
)
def test_wrong_method_is_a_styled_405(client, make_user, make_letter, method, path):
    letter = make_letter(make_user())
    response = getattr(client, method)(path.format(slug=letter.slug))
    assert_styled(response, 405)
    assert "Allow" in response.headers


@pytest.mark.parametrize("page", ["99999999999999999999999", "9223372036854775808", "-5", "x"])
def test_absurd_page_numbers_are_not_a_500(client, make_user, make_letter, page):
    make_letter(make_user())
    response = client.get(f"/?page={page}")
    assert response.status_code in (200, 400, 404)
    assert_styled(response, response.status_code)
