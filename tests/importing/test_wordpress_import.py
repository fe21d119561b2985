"""`flask import wordpress`: a blog's letters come in as letters, with their parts, dates,
addresses, tags and links; nobody is told; importing again changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from app.accounts.models import User
from app.discovery.models import NeighbourRefresh
from app.discovery.suggestions import more_letters
from app.extensions import db
from app.letters.models import Language, Letter, LetterStatus
from app.links.models import Link, LinkKind
from app.links.service import tag_names
from app.notifications.models import LetterEvent
from app.outbox import Notice
from app.subscriptions.models import Target
from app.webmentions.models import ReceivedWebmention, SentWebmention
from tests.importing.support import email_of, letter, report_of
from tests.support import SITE_URL

EXPECTED_REPORT = """\
Imported from Briefe zwischen Kollegen (https://blog.example.org):
  3 letters published
  2 drafts (never public): 1 draft, 1 scheduled
  comments as answers from outside, labelled as comments on the old blog: 1
Skipped:
  1 attachment
  1 nav menu item
  1 page
  1 post by an author without an email address (see --unknown-author)
  1 comment (spam)
Recognised:
  3 letters with a P.S.
  3 letters with a video in the P.S.
Colleagues created without a password (2; invite each with `flask users invite EMAIL`): \
sven@example.org, svenja@example.org
Authors who are colleagues already: 1
Links between posts now between letters: 2
Pictures and embeds of the old blog made links: 2
Shortcodes made links: [embed] ×1, [youtube] ×1
Shortcodes dropped: [gallery] ×1"""


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_german_letter_comes_in_with_its_parts_date_and_tags(make_user, import_export):
    make_user("Priya Natarajan", email="priya@example.org")
    result = import_export("letters_de_en")
    assert result.exit_code == 0, result.output
    listening = letter("ueber-zuhoeren")
    assert listening.status == LetterStatus.PUBLISHED
    assert listening.published_at == datetime(2014, 9, 17, 8, 0, tzinfo=UTC)
    assert listening.title == "Über Zuhören"
    assert listening.language == Language.DE
    assert email_of(listening.author_id) == "sven@example.org"
    assert email_of(listening.addressee_id) == "svenja@example.org"
    assert (listening.salutation, listening.closing, listening.signature) == (
        "Liebe Svenja,", "Gruß", "Sven",
    )  # fmt: skip
    assert listening.body.startswith("gestern im Workshop hast du etwas gesagt")
    assert "Gruß" not in listening.body and "P.S." not in listening.body
    assert listening.postscript == (
        "Das Video, von dem ich sprach: https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    )
    assert tag_names(listening) == ["Briefe", "Führung"]


def test_english_letter_by_a_colleague_matched_by_address(make_user, import_export):
    priya = make_user("Priya Natarajan", email="priya@example.org")
    assert import_export("letters_de_en").exit_code == 0
    english = letter("on-listening")
    assert english.author_id == priya.id  # PRIYA@example.org in the export
    assert english.language == Language.EN
    assert email_of(english.addressee_id) == "sven@example.org"
    assert (english.salutation, english.closing, english.signature) == ("Dear Sven,", "Best",
                                                                         "Priya")  # fmt: skip
    assert english.postscript == "<https://www.youtube.com/watch?v=9bZkp7q19f0>"
    # The caption's picture is a link named by its description; the gallery is gone.
    assert "[An ear](https://blog.example.org/wp-content/uploads/2014/10/ear.png)" in english.body
    assert "gallery" not in english.body
    assert tag_names(english) == ["Letters", "Listening", "Teams & people"]


def test_authors_unknown_to_the_site_become_colleagues_without_a_password(import_export):
    import_export("letters_de_en")
    people = {user.email: user for user in db.session.scalars(select(User))}
    assert set(people) == {"sven@example.org", "svenja@example.org", "priya@example.org"}
    sven = people["sven@example.org"]
    assert (sven.display_name, sven.handle) == ("Sven Albrecht", "sven")
    assert sven.password_hash == "" and sven.confirmed_at is None
    assert sven.locale == "de"  # the blog's language


def test_gutenberg_post_keeps_no_picture_of_the_old_blog_on_its_page(client, import_export):
    import_export("letters_de_en")
    answer = letter("antwort-auf-zuhoeren")
    parts = (answer.salutation, answer.closing, answer.signature)
    assert parts == ("Lieber Sven,", "Viele Grüße", "Svenja")
    assert answer.postscript == "<https://vimeo.com/76979871>"
    page = client.get("/letters/antwort-auf-zuhoeren").get_data(as_text=True)
    assert "<img" not in answer.body_html and 'src="https://blog.example.org' not in page
    assert 'href="https://blog.example.org/wp-content/uploads/2014/09/whiteboard.jpg"' in page
    assert "Das Whiteboard nach dem Workshop" in page
    assert "<!--" not in answer.body


def test_links_between_posts_become_links_between_letters_with_backlinks(client, import_export):
    import_export("letters_de_en")
    first, answer = letter("ueber-zuhoeren"), letter("antwort-auf-zuhoeren")
    # The first links to a post further down the export, the answer back by its ?p= link.
    assert f"({SITE_URL}/letters/antwort-auf-zuhoeren)" in first.body
    assert f"({SITE_URL}/letters/ueber-zuhoeren)" in answer.body
    links = set(db.session.execute(select(Link.letter_id, Link.target_letter_id, Link.kind)))
    assert links == {
        (first.id, answer.id, LinkKind.MENTION),
        (answer.id, first.id, LinkKind.MENTION),
    }
    page = client.get("/letters/ueber-zuhoeren").get_data(as_text=True)
    mentioned_in = page[page.index('class="mentioned-in"') :]
    assert 'href="/letters/antwort-auf-zuhoeren"' in mentioned_in


def test_drafts_and_scheduled_posts_are_never_public(client, import_export):
    import_export("letters_de_en")
    draft, scheduled = letter("noch-nicht-fertig"), letter("was-2030-kommt")
    assert draft.status == scheduled.status == LetterStatus.DRAFT
    assert draft.published_at is None and scheduled.published_at is None
    # Dated by its last change, not by the year -1 an export gives a draft.
    assert draft.created_at == datetime(2014, 11, 2, 10, 0, tzinfo=UTC)
    assert (draft.closing, draft.signature) == ("Gruß", "Sven")  # through broken markup
    assert (scheduled.closing, scheduled.signature) == ("Deine", "Svenja")
    for slug in ("noch-nicht-fertig", "was-2030-kommt"):
        assert client.get(f"/letters/{slug}").status_code == 404
    for path in ("/", "/feed.atom", "/search?q=Entwurf", "/sitemap.xml"):
        text = client.get(path).get_data(as_text=True)
        assert "noch-nicht-fertig" not in text and "was-2030-kommt" not in text


def test_import_sends_no_notice(import_export, subscribe, send_notices):
    subscribe("reader@example.net", Target.SITE)
    import_export("letters_de_en")
    assert count(LetterEvent) == 0 and count(Notice) == 0
    assert count(SentWebmention) == 0  # the pages the old letters link to are not told either
    send_notices()
    assert count(Notice) == 0
    # Readers find the old letters all the same.


def test_imported_letters_are_found_by_search(client, import_export):
    import_export("letters_de_en")
    found = client.get("/search?q=Workshop").get_data(as_text=True)
    assert "/letters/ueber-zuhoeren" in found and "/letters/antwort-auf-zuhoeren" in found


def test_report_says_what_came_in_what_did_not_and_why(make_user, import_export):
    make_user("Priya Natarajan", email="priya@example.org")
    result = import_export("letters_de_en")
    assert report_of(result) == EXPECTED_REPORT


def test_progress_is_shown_as_lines_without_a_terminal(import_export):
    lines = import_export("letters_de_en").output.splitlines()
    assert lines[0] == "Importing 9 items …"
    assert "Importing: 9 of 9 items" in lines


def test_importing_the_same_export_again_changes_nothing(make_user, import_export):
    make_user("Priya Natarajan", email="priya@example.org")
    import_export("letters_de_en")
    tables = (User, Link, Notice, ReceivedWebmention)
    before = {model: count(model) for model in tables}
    letters_before = {(row.slug, row.body, row.status) for row in all_letters()}
    again = import_export("letters_de_en")
    assert again.exit_code == 0
    assert {model: count(model) for model in tables} == before
    assert {(row.slug, row.body, row.status) for row in all_letters()} == letters_before
    assert "  nothing new: 5 posts and 1 comment already there" in report_of(again).splitlines()


def all_letters() -> list[Letter]:
    return list(db.session.scalars(select(Letter)))


def test_a_slug_taken_here_gets_a_free_variant_and_links_follow(make_user, make_letter,
                                                                import_export):  # fmt: skip
    ours = make_letter(make_user("Svenja Köhler"), title="Über Zuhören")
    assert ours.slug == "ueber-zuhoeren"
    result = import_export("letters_de_en")
    assert "Addresses changed (1): ueber-zuhoeren → ueber-zuhoeren-2 (taken)" in result.output
    imported = letter("ueber-zuhoeren-2")
    assert imported.published_at == datetime(2014, 9, 17, 8, 0, tzinfo=UTC)
    assert f"({SITE_URL}/letters/ueber-zuhoeren-2)" in letter("antwort-auf-zuhoeren").body


def test_comments_can_be_left_out(import_export):
    report = report_of(import_export("letters_de_en", "--no-comments"))
    assert "  2 comments (--no-comments)" in report.splitlines()


def test_posts_of_an_author_without_address_go_to_the_colleague_named(make_user, import_export):
    host = make_user("Sven Albrecht", email="sven@example.org")
    result = import_export("letters_de_en", "--unknown-author", "sven@example.org")
    guest = letter("vom-gast")
    assert guest.author_id == host.id
    assert "author without an email address" not in result.output


def test_more_letters_of_imported_letters_come_from_the_sender(import_export, send_notices):
    import_export("letters_de_en")
    first = letter("ueber-zuhoeren")
    assert more_letters(first) == []  # not worked out one by one while importing
    send_notices()  # a round of `flask notify run`
    assert count(NeighbourRefresh) == 0
    assert [suggested.slug for suggested in more_letters(first)][:1] == ["antwort-auf-zuhoeren"]
