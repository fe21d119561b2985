"""Webmentions other sites send: the endpoint answers at once, the sender verifies later."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.letters.service import set_hidden
from app.webmentions.models import MentionKind, MentionStatus, ReceivedWebmention
from app.webmentions.moderation import approve_site_of
from tests.support import SITE_URL, deliver_outbox
from tests.webmentions.sources import entry_page, letter_address, post_webmention


def mentions() -> list[ReceivedWebmention]:
    return list(db.session.scalars(select(ReceivedWebmention).order_by(ReceivedWebmention.id)))


@pytest.fixture
def letter(make_user, make_letter):
    return make_letter(make_user("Svenja Köhler"), title="On listening")


def test_letter_pages_name_their_webmention_endpoint(client, letter):
    response = client.get(f"/letters/{letter.slug}")
    endpoint = f"{SITE_URL}/webmention"
    assert response.headers["Link"] == f'<{endpoint}>; rel="webmention"'
    assert f'<link rel="webmention" href="{endpoint}">' in response.get_data(as_text=True)
    kept = client.get(f"/letters/{letter.slug}")  # from the page cache: still named
    assert kept.headers["X-Page-Cache"] == "hit"
    assert kept.headers["Link"] == f'<{endpoint}>; rel="webmention"'
    assert "Link" not in client.get("/").headers


def test_a_webmention_is_accepted_at_once_and_checked_later(client, letter, elsewhere):
    source = elsewhere.put("/answer", entry_page(letter_address(letter.slug)))

    response = post_webmention(client, source, letter_address(letter.slug))

    assert response.status_code == 202
    assert response.mimetype == "text/plain"
    assert elsewhere.gets_of("/answer") == 0  # nothing fetched while the sender waited
    (mention,) = mentions()
    assert (mention.status, mention.letter_id, mention.domain) == (
        MentionStatus.CHECKING, letter.id, "127.0.0.1")  # fmt: skip


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("", "{letter}", "source must be an http(s) address"),
        ("javascript:alert(1)", "{letter}", "source must be an http(s) address"),
        ("http://[zz/x", "{letter}", "source must be an http(s) address"),
        ("http://example.net:port/x", "{letter}", "source must be an http(s) address"),
        ("https://elsewhere.example/" + "a" * 2000, "{letter}", "source must be"),
        ("https://elsewhere.example/a", "", "target must be an http(s) address"),
        ("https://elsewhere.example/a", "/letters/{slug}", "target must be an http(s) address"),
        ("https://elsewhere.example/a", "https://other.example/letters/{slug}", "not a published"),
        ("https://elsewhere.example/a", f"{SITE_URL}/letters/no-such-letter", "not a published"),
        ("https://elsewhere.example/a", f"{SITE_URL}/threads/{{slug}}", "not a published"),
        ("{letter}", "{letter}", "must be different pages"),
        ("{letter}#comments", "{letter}", "must be different pages"),
    ],
)
def test_a_webmention_that_cannot_be_taken_gets_400_and_why(client, letter, source, target,
                                                             message):  # fmt: skip
    def filled(value: str) -> str:
        return value.format(letter=letter_address(letter.slug), slug=letter.slug)

    response = post_webmention(client, filled(source), filled(target))

    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert message in response.get_data(as_text=True)
    assert mentions() == []


def test_drafts_and_hidden_letters_take_no_webmentions(client, make_user, make_letter):
    author = make_user()
    draft = make_letter(author, title="Not yet", publish=False)
    hidden = make_letter(author, title="Taken down")
    set_hidden(hidden, hidden=True)
    db.session.commit()
    for slug in (draft.slug, hidden.slug):
        response = post_webmention(client, "https://elsewhere.example/a", letter_address(slug))
        assert response.status_code == 400
    assert mentions() == []


def test_undecodable_input_is_refused_with_400(client, letter):
    body = b"source=https%3A%2F%2Fa.example%2F%FF&target=" + letter_address(letter.slug).encode()
    response = client.post(
        "/webmention", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400


def test_the_same_pair_posted_again_is_checked_again_not_twice(client, letter, elsewhere):
    source = elsewhere.put("/answer", entry_page(letter_address(letter.slug)))
    post_webmention(client, source, letter_address(letter.slug))
    deliver_outbox()
    post_webmention(client, source, letter_address(letter.slug))

    (mention,) = mentions()
    assert mention.due_at is not None and mention.status == MentionStatus.WAITING


def test_a_verified_answer_keeps_what_its_microformats_say(client, letter, elsewhere):
    content = '<p>I agree <a href="/more">(more)</a>.</p><script>alert(1)</script>'
    page = entry_page(letter_address(letter.slug), title="Listening, again", content=content)
    source = elsewhere.put("/answer", page)
    post_webmention(client, source, letter_address(letter.slug))

    deliver_outbox()

    (mention,) = mentions()
    assert mention.status == MentionStatus.WAITING  # a site nobody approved yet
    assert (mention.kind, mention.author_name, mention.author_url, mention.title) == (
        MentionKind.REPLY, "Ada Lovelace", "https://ada.example/", "Listening, again")  # fmt: skip
    assert mention.published_at.isoformat() == "2024-05-01T10:00:00+00:00"
    assert "<script" not in mention.content_html and "alert" not in mention.content_html
    assert f'href="{elsewhere.url("/more")}"' in mention.content_html
    assert 'rel="nofollow ugc noopener"' in mention.content_html
    assert mention.due_at is None and mention.claim is None


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("in-reply-to", MentionKind.REPLY), ("like-of", MentionKind.LIKE),
     ("repost-of", MentionKind.REPOST), ("mention", MentionKind.MENTION)],
)  # fmt: skip
def test_what_kind_of_mention_a_source_is(client, letter, elsewhere, kind, expected):
    source = elsewhere.put("/page", entry_page(letter_address(letter.slug), kind))
    post_webmention(client, source, letter_address(letter.slug))
    deliver_outbox()
    assert mentions()[0].kind == expected


def test_a_page_without_microformats_is_a_plain_mention(client, letter, elsewhere):
    page = f'<title>Notes</title><p>See <a href="{letter_address(letter.slug)}">this</a>.</p>'
    source = elsewhere.put("/notes", page)
    post_webmention(client, source, letter_address(letter.slug))
    deliver_outbox()
    (mention,) = mentions()
    assert (mention.kind, mention.title, mention.author_name) == (MentionKind.MENTION, "Notes", "")


def test_an_approved_site_shows_at_once_and_updates_replace(client, letter, elsewhere):
    target = letter_address(letter.slug)
    source = elsewhere.put("/answer", entry_page(target, content="<p>Yes.</p>"))
    post_webmention(client, source, letter_address(letter.slug))
    deliver_outbox()
    approve_site_of(mentions()[0].id)
    db.session.commit()
    assert "Yes." in client.get(f"/letters/{letter.slug}").get_data(as_text=True)

    elsewhere.put("/answer", entry_page(target, content="<p>No, after all.</p>"))
    post_webmention(client, source, letter_address(letter.slug))
    deliver_outbox()

    page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert "No, after all." in page and "Yes." not in page
    other = elsewhere.put("/second", entry_page(letter_address(letter.slug), title="Second one"))
    post_webmention(client, other, letter_address(letter.slug))
    deliver_outbox()
    assert "Second one" in client.get(f"/letters/{letter.slug}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("what", "options"),
    [("gone", {"status": 410}), ("not found", {"status": 404}),
     ("no longer links", {}), ("no longer HTML", {"headers": {"Content-Type": "text/plain"}})],
)  # fmt: skip
def test_a_source_that_is_gone_takes_its_answer_away(client, letter, elsewhere, what, options):
    source = elsewhere.put("/answer", entry_page(letter_address(letter.slug)))
    post_webmention(client, source, letter_address(letter.slug))
    deliver_outbox()
    approve_site_of(mentions()[0].id)
    db.session.commit()
    assert "On your letter" in client.get(f"/letters/{letter.slug}").get_data(as_text=True)

    body = entry_page("https://elsewhere.example/another") if what == "no longer links" else ""
    elsewhere.put("/answer", body or entry_page(letter_address(letter.slug)), **options)
    post_webmention(client, source, letter_address(letter.slug))
    deliver_outbox()

    assert mentions() == []
    assert "On your letter" not in client.get(f"/letters/{letter.slug}").get_data(as_text=True)


def test_the_letter_page_counts_mentions_and_likes_apart(client, letter, elsewhere):
    target = letter_address(letter.slug)
    for number, kind in enumerate(["like-of", "like-of", "mention", "in-reply-to"]):
        source = elsewhere.put(f"/{number}", entry_page(target, kind, title=f"Page {number}"))
        post_webmention(client, source, target)
    deliver_outbox()
    approve_site_of(mentions()[0].id)
    db.session.commit()

    page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)

    assert "1 mention, 2 likes" in page
    assert "Answer from 127.0.0.1" in page and "Page 3" in page
    assert f'<a href="{elsewhere.url("/2")}" rel="nofollow ugc noopener">Page 2</a>' in page
    german = client.get(f"/letters/{letter.slug}", headers={"Accept-Language": "de"})
    assert "1 Erwähnung, 2 Likes" in german.get_data(as_text=True)
    assert "Antwort von 127.0.0.1" in german.get_data(as_text=True)


def test_the_correspondence_reads_answers_in_one_query_however_many(
    client, make_user, make_letter, elsewhere, count_queries
):
    root = make_letter(make_user(), title="First")
    replies = [make_letter(make_user(), parent=root, title=f"Reply {n}") for n in range(3)]

    def statements() -> int:
        with count_queries() as counter:
            page = client.get(f"/threads/{root.slug}").get_data(as_text=True)
        return counter.count, page.count('class="outside-answer"')

    def answer(letter, path: str) -> None:
        target = letter_address(letter.slug)
        post_webmention(client, elsewhere.put(path, entry_page(target)), target)
        deliver_outbox()

    answer(root, "/root")
    approve_site_of(mentions()[0].id)
    db.session.commit()
    with_one, shown = statements()
    assert shown == 1
    for number, reply in enumerate(replies):
        answer(reply, f"/reply-{number}")
    assert statements() == (with_one, 4)


def test_the_letter_page_reads_answers_in_one_query_however_many(
    client, letter, elsewhere, count_queries
):
    target = letter_address(letter.slug)

    def statements() -> int:
        with count_queries() as counter:
            client.get(f"/letters/{letter.slug}")
        return counter.count

    source = elsewhere.put("/0", entry_page(target))
    post_webmention(client, source, target)
    deliver_outbox()
    approve_site_of(mentions()[0].id)
    db.session.commit()
    with_one = statements()
    for number in range(1, 6):
        post_webmention(client, elsewhere.put(f"/{number}", entry_page(target)), target)
    deliver_outbox()
    assert len([m for m in mentions() if m.status == MentionStatus.SHOWN]) == 6
    assert statements() == with_one
