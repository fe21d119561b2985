"""Signed-out readers get kept pages, never older than the last write they would see.

Each test reads pages as a signed-out reader (so that they are kept), changes something
through the site as its colleagues do, and reads again: the change shows at once.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from app.accounts.models import GREETINGS, User
from app.config import DEFAULT_TIMEZONE
from app.letters.models import Letter
from tests.support import ServerLikeClient, deliver_outbox, multipart, server_like_client, sign_in


@pytest.fixture
def svenja(make_user) -> User:
    return make_user("Svenja Köhler", handle="svenja", role_line="Head of engineering")


@pytest.fixture
def sven(make_user) -> User:
    return make_user("Sven Albrecht", handle="sven", is_admin=True)


@pytest.fixture
def letter(make_letter, svenja, sven) -> Letter:
    return make_letter(svenja, sven, title="On slow decisions", body="We decide too quickly.")


def reader(app) -> ServerLikeClient:
    """A new signed-out browser."""
    return server_like_client(app)


def colleague(app, user: User) -> ServerLikeClient:
    client = server_like_client(app)
    sign_in(client, user)
    return client


def page(app, path: str, **headers: str) -> str:
    response = reader(app).get(path, headers=headers)
    return f"{response.status_code} {response.get_data(as_text=True)}"


def kept_page(app, count_queries, path: str, **headers: str) -> str:
    """The page, read twice by new readers: the second time it comes from the store."""
    first = page(app, path, **headers)
    with count_queries() as counter:
        assert page(app, path, **headers) == first
    # Only the content version is read, straight through the driver (not counted here).
    assert counter.statements == []
    return first


def form(**fields: str) -> dict[str, str]:
    """The write form as a colleague sends it, publishing."""
    return {
        "addressee": "",
        "addressee_name": "Readers",
        "language": "en",
        "title": "A letter",
        "salutation": "",
        "body": "Text.",
        "closing": "Best",
        "signature": "Me",
        "postscript": "",
        "publish": "Publish",
        **fields,
    }


def profile_form(user: User, **fields: str) -> dict[str, str]:
    return {
        "display_name": user.display_name,
        "role_line": user.role_line or "",
        "bio": user.bio or "",
        "salutation_name": "",
        "greeting_de": GREETINGS["de"][0],
        "default_closing": "",
        "locale": "en",
        "timezone": DEFAULT_TIMEZONE,
        **fields,
    }


def picture() -> FileStorage:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "#7a3e48").save(out, format="PNG")
    out.seek(0)
    return FileStorage(out, filename="me.png", content_type="image/png")


def reply(app, svenja, sven, letter) -> None:
    body = form(
        addressee="svenja", addressee_name="", title="Re: slow decisions", body="I disagree."
    )
    assert colleague(app, sven).post(f"/letters/{letter.slug}/reply", data=body).status_code == 302


def edit(app, svenja, sven, letter) -> None:
    body = form(title=letter.title, body="We decide too slowly, on second thought.")
    assert colleague(app, svenja).post(f"/letters/{letter.slug}/edit", data=body).status_code == 302


def withdraw(app, svenja, sven, letter) -> None:
    assert colleague(app, svenja).post(f"/letters/{letter.slug}/withdraw").status_code == 302


def restore(app, svenja, sven, letter) -> None:
    assert colleague(app, svenja).post(f"/letters/{letter.slug}/restore").status_code == 302


def hide(app, svenja, sven, letter) -> None:
    response = colleague(app, sven).post(
        f"/admin/letters/{letter.slug}/hidden", data={"reason": "Off topic."}
    )
    assert response.status_code == 302


def mention(app, svenja, sven, letter) -> None:
    body = form(title="Mentioning it", body=f"See https://briefe.example.org/letters/{letter.slug}")
    assert colleague(app, sven).post("/letters/new", data=body).status_code == 302


def rename(app, svenja, sven, letter) -> None:
    body = profile_form(svenja, display_name="Svenja Hartmann", bio="Writes *slowly*.")
    assert colleague(app, svenja).post("/settings", data=body).status_code == 302


def new_picture(app, svenja, sven, letter) -> None:
    client = colleague(app, svenja)
    assert client.post("/settings/avatar", **multipart({"avatar": picture()})).status_code == 302


def similar_letter_published(app, svenja, sven, letter) -> None:
    """Another correspondence's letter with the same tag: the sender will suggest it here."""
    tagged = form(title=letter.title, tags="decisions", body="We decide too quickly.")
    assert (
        colleague(app, svenja).post(f"/letters/{letter.slug}/edit", data=tagged).status_code == 302
    )
    body = form(title="Slow decisions, again", tags="decisions", body="We decide too quickly.")
    assert colleague(app, sven).post("/letters/new", data=body).status_code == 302


def sender_runs(app, svenja, sven, letter) -> None:
    deliver_outbox()


def published_letter(app, svenja, sven, letter) -> None:
    body = form(title="A brand new letter", tags="decisions")
    assert colleague(app, sven).post("/letters/new", data=body).status_code == 302


CHANGES: dict[str, tuple[Callable[..., None], str, str]] = {
    # change: (how, the page that shows it, what it shows then, or "!" what it no longer shows)
    "a reply": (reply, "/letters/{slug}", "Re: slow decisions"),
    "a reply, in the correspondence": (reply, "/threads/{slug}", "I disagree."),
    "a reply, in the thread's feed": (reply, "/threads/{slug}/feed.atom", "I disagree."),
    "an edit": (edit, "/letters/{slug}", "on second thought"),
    "an edit, on the front page": (edit, "/", "on second thought"),
    "an edit, in the feed": (edit, "/feed.atom", "on second thought"),
    "withdrawal": (withdraw, "/letters/{slug}", "410 "),
    "withdrawal, on the author's page": (withdraw, "/@svenja", "!On slow decisions"),
    "restoring": (restore, "/", "On slow decisions"),
    "hiding": (hide, "/letters/{slug}", "404 "),
    "a backlink": (mention, "/letters/{slug}", "Mentioned in"),
    "a new name": (rename, "/letters/{slug}", "Svenja Hartmann"),
    "a new name, in a feed": (rename, "/@svenja/feed.atom", "Svenja Hartmann"),
    "a new bio": (rename, "/@svenja", "Writes <em>slowly</em>"),
    "a new picture": (new_picture, "/letters/{slug}", "/@svenja/avatar.png?v="),
    "a new tag": (published_letter, "/tags", "decisions"),
    "more letters, from the sender": (sender_runs, "/letters/{slug}", "More letters"),
}
PREPARED = {"more letters, from the sender": similar_letter_published, "restoring": withdraw}


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_shows_at_once_to_signed_out_readers(app, svenja, sven, letter, change):
    how, path, shown = CHANGES[change]
    if change in PREPARED:
        PREPARED[change](app, svenja, sven, letter)
    path = path.format(slug=letter.slug)
    before = page(app, path)
    assert page(app, path) == before  # kept, and served again
    gone = shown.startswith("!")
    assert (shown[1:] in before) if gone else (shown not in before)
    how(app, svenja, sven, letter)
    after = page(app, path)
    assert (shown[1:] not in after) if gone else (shown in after)


def test_a_kept_page_is_served_without_reading_letters(app, letter, count_queries):
    assert "We decide too quickly." in kept_page(app, count_queries, f"/letters/{letter.slug}")


def test_each_language_gets_its_own_page(app, letter, count_queries):
    path = f"/letters/{letter.slug}"
    english = kept_page(app, count_queries, path, **{"Accept-Language": "en"})
    german = kept_page(app, count_queries, path, **{"Accept-Language": "de-DE,de;q=0.9"})
    assert '<html lang="de">' in german and '<html lang="en">' in english
    assert page(app, path, **{"Accept-Language": "en"}) == english
    assert page(app, path, **{"Accept-Language": "de"}) == german
    chosen = reader(app)
    chosen.set_cookie("lang", "de")
    assert chosen.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True) in german


def test_signed_in_colleagues_never_get_a_kept_page(app, svenja, letter, count_queries):
    path = f"/letters/{letter.slug}"
    assert "Sign out" not in kept_page(app, count_queries, path)
    mine = colleague(app, svenja).get(path).get_data(as_text=True)
    assert f'href="/letters/{letter.slug}/edit"' in mine
    assert "Sign out" in mine


def test_a_waiting_message_is_shown_not_a_kept_page(app, letter, count_queries):
    """A signed-out reader sent to sign in, who goes to the front page instead, is told there."""
    kept_page(app, count_queries, "/")
    client = reader(app)
    assert client.get("/settings").status_code == 302  # "Please sign in to continue."
    html = client.get("/").get_data(as_text=True)
    assert "Please sign in to continue." in html
    assert "Please sign in to continue." not in client.get("/").get_data(as_text=True)
    assert "Please sign in to continue." not in page(app, "/")


def test_other_query_strings_are_served_fresh_not_kept(app, letter, count_queries):
    kept_page(app, count_queries, f"/letters/{letter.slug}")
    path = f"/letters/{letter.slug}?utm_source=elsewhere"
    reader(app).get(path)
    with count_queries() as counter:
        assert reader(app).get(path).status_code == 200
    assert counter.count > 1  # made anew
    assert "utm_source" in page(app, path)  # the sign-in link leads back to it


def test_a_second_page_of_the_front_page_is_kept_apart(
    app, make_letter, svenja, sven, count_queries
):
    for number in range(25):
        make_letter(svenja, sven, title=f"Letter number {number}")
    first = kept_page(app, count_queries, "/")
    second = kept_page(app, count_queries, "/?page=2")
    assert "Letter number 24" in first and "Letter number 24" not in second
    assert "Letter number 0" in second
    assert page(app, "/?page=3").startswith("404")


def test_kept_pages_carry_no_form_token_and_set_no_cookie(app, letter, count_queries):
    for path in ("/", f"/letters/{letter.slug}", f"/threads/{letter.slug}", "/@svenja",
                 "/tags", "/feed.atom", f"/threads/{letter.slug}/feed.atom"):  # fmt: skip
        kept_page(app, count_queries, path)
        response = reader(app).get(path)
        assert "csrf_token" not in response.get_data(as_text=True), path
        assert "Set-Cookie" not in response.headers, path
