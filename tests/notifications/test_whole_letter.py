"""A notice carries the whole letter, laid out as a letter, in HTML and in plain text."""

from __future__ import annotations

import re

import pytest

from app.subscriptions.models import Target
from tests.notifications.letter_samples import IMAGE, PARTS, VIDEO, full_letter, long_body
from tests.support import SITE_URL

LIMIT = 100 * 1024  # Gmail clips an HTML part past 102 KB


def publish_to_svenja(language, make_user, make_letter, send_notices, **fields):
    """Sven's letter with every part (or these) to Svenja, who reads in `language`; sent."""
    sven = make_user("Sven Albrecht")
    svenja = make_user("Svenja Köhler", email="svenja@example.org", locale=language)
    letter = make_letter(sven, svenja, **{**full_letter(language), **fields})
    send_notices()
    return letter


def notice_to(mail_server, address):
    (mail,) = mail_server.inbox.to(address)
    return mail


def assert_in_order(pieces: list[str], text: str) -> None:
    positions = [text.find(piece) for piece in pieces]
    assert -1 not in positions, [p for p, at in zip(pieces, positions, strict=True) if at < 0]
    assert positions == sorted(positions)


def text_of(mail) -> str:
    """The plain text part with the line ends a mail client shows."""
    return mail.text.replace("\r\n", "\n")


@pytest.mark.parametrize("language", ["en", "de"])
def test_notice_carries_the_whole_letter_in_html(
    language, make_user, make_letter, send_notices, mail_server
):
    letter = publish_to_svenja(language, make_user, make_letter, send_notices)
    html = notice_to(mail_server, "svenja@example.org").html
    parts = PARTS[language]
    permalink = f"{SITE_URL}/letters/{letter.slug}"
    in_order = [
        f"<p>{parts['salutation']}</p>",
        parts["opening"],
        f'<a href="{SITE_URL}/letters/an-earlier-letter"',  # relative links made absolute
        '<a href="https://example.org/team"',
        "<li>first point</li>",
        "<blockquote",
        f'<a href="{IMAGE}" rel="nofollow ugc noopener">',  # the image as a link
        "The last paragraph of the body.",
        f"{parts['closing']}<br>{parts['signature']}",
        f"<p><strong>{parts['mark']}</strong> The talk I mentioned:",
        f'<a href="{VIDEO}" style="color: #7a2e3b">{parts["watch"]}</a>',
        f'<a href="{permalink}">',
    ]
    assert_in_order(in_order, html)
    assert parts["read_on"] not in html  # nothing was cut


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_html_part_loads_nothing_and_runs_nothing(
    language, make_user, make_letter, send_notices, mail_server
):
    publish_to_svenja(language, make_user, make_letter, send_notices)
    html = notice_to(mail_server, "svenja@example.org").html
    for forbidden in ("<img", "<script", "<form", "<input", "<iframe", "<style", "<link",
                      'href="javascript', "data-embed-src", "hidden", "class="):  # fmt: skip
        assert forbidden not in html, forbidden
    # Written as text, markup stays text the reader sees.
    assert "&lt;script&gt;alert" in html
    # Every address in it is absolute: a mail has no address to resolve others against.
    for address in re.findall(r'href="([^"]*)"', html):
        assert address.startswith(("https://", "http://", "mailto:")), address


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_plain_text_part_reads_as_a_letter(
    language, make_user, make_letter, send_notices, mail_server
):
    letter = publish_to_svenja(language, make_user, make_letter, send_notices)
    text = text_of(notice_to(mail_server, "svenja@example.org"))
    parts = PARTS[language]
    image = "Bild" if language == "de" else "Image"
    # Lines as a letter has them (the words of a paragraph may wrap anywhere).
    lines = [
        f"{parts['salutation']}\n\n{parts['opening']}\n\n",
        "\n\n- first point\n- second point\n\n> A quoted line from your letter.\n\n",
        "\n\nThe last paragraph of the body.\n\n",
        f"\n\n{parts['closing']}\n{parts['signature']}\n\n{parts['mark']} The talk I mentioned:",
        f"\n\n{parts['watch']}: {VIDEO}\n\n",
    ]
    assert_in_order(lines, text)
    words = [
        f"our earlier letter <{SITE_URL}/letters/an-earlier-letter>",
        "team page <https://example.org/team>, which says more",
        f"{image}: the whiteboard after the workshop <{IMAGE}>",
        f"{SITE_URL}/letters/{letter.slug}",
    ]
    assert_in_order(words, " ".join(text.split()))
    assert not re.search(r"</?(p|a|li|ul|em|strong|blockquote|br)\b", text)
    body = text[text.index(parts["salutation"]) : text.index(parts["closing"])]
    assert all(len(line) <= 72 or " " not in line for line in body.splitlines())


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_5000_word_letter_is_cut_at_a_paragraph_with_read_on(
    language, make_user, make_letter, send_notices, mail_server
):
    body, paragraphs = long_body(language)
    letter = publish_to_svenja(language, make_user, make_letter, send_notices, body=body)
    mail = notice_to(mail_server, "svenja@example.org")
    html_part = mail.message.get_body(preferencelist=("html",))
    assert len(html_part.get_content().encode()) < LIMIT
    assert len(html_part.as_bytes()) < LIMIT  # as sent, transfer encoding and all
    html, text = mail.html, text_of(mail)
    parts = PARTS[language]
    permalink = f"{SITE_URL}/letters/{letter.slug}"
    assert f'<a href="{permalink}" style="color: #7a2e3b">{parts["read_on"]}</a>' in html
    assert f"{parts['read_on']}: {permalink}" in text
    # Cut between two paragraphs: the last one shown is whole, the next one is not there.
    shown = [n for n, paragraph in enumerate(paragraphs) if f"Paragraph {n + 1}:" in text]
    assert shown == list(range(len(shown))) and 10 < len(shown) < len(paragraphs)
    last = re.sub(r"\*\*|\[|\]\([^)]*\)", "", paragraphs[shown[-1]])
    words = re.sub(r" <https://example.org/notes/\d+>", "", " ".join(text.split()))
    assert " ".join(last.split()) + " " + parts["closing"] not in words
    assert " ".join(last.split()) in words
    # The letter still ends as a letter.
    assert html.index(parts["read_on"]) < html.index(f"{parts['closing']}<br>")
    assert f"<strong>{parts['mark']}</strong>" in html and parts["watch"] in html


def test_a_line_too_long_for_smtp_does_not_stop_the_notice(
    make_user, make_letter, send_notices, mail_server
):
    """Folding keeps prose lines short; an unbreakable line makes the part quoted-printable."""
    address = "https://example.org/" + "a" * 1500
    code = "    " + "x = 1; " * 200
    body = f"Ein Absatz mit Umlauten: {'Größe ' * 400}\n\n{address}\n\n{code}\n\nDas Ende."
    publish_to_svenja("de", make_user, make_letter, send_notices, body=body)
    mail = notice_to(mail_server, "svenja@example.org")
    assert max(len(line) for line in mail.raw.splitlines()) <= 998
    assert address in mail.html and address in mail.text
    assert "x = 1; " * 200 in mail.text and "Das Ende." in mail.text


def test_one_rendering_serves_every_reader_told_alike(
    app, make_user, make_letter, subscribe, mail_server
):
    """The whole letter, umlauts and long paragraphs included, is still rendered once per
    language and choice, and each copy made from it: fan-out stays fast."""
    from app.notifications.compose import LetterCache, letter_notice_bytes
    from app.notifications.sender import fan_out_pending_events
    from tests.support import all_notices

    sven = make_user("Sven Albrecht")
    for number in range(3):
        subscribe(f"leser{number}@example.org", Target.SITE, locale="de")
        subscribe(f"reader{number}@example.org", Target.SITE, whole_letter=False)
    body, _ = long_body("de", words=800)
    make_letter(sven, None, **{**full_letter("de"), "body": body})
    fan_out_pending_events()
    cache = LetterCache()
    notices = all_notices()
    cache.load({notices[0].letter_id})
    for notice in notices:
        letter_notice_bytes(notice, cache)
    assert len(cache.skeletons) == 2 and None not in cache.skeletons.values()


def test_a_letter_cannot_make_a_link_to_the_readers_own_tokens(
    make_user, make_letter, send_notices, mail_server
):
    """Each copy of a notice gets the reader's tokens by replacing stand-ins in one rendering:
    a writer who types a stand-in into a link must not get each reader's token there."""
    guesses = [
        "PERSONAL-MANAGE",
        "PERSONAL-UNSUBSCRIBE",
        "recipient@personal.invalid",
        "personalhash0000",
    ]  # the stand-ins as they once were, readable in the source
    link = "https://elsewhere.example/?" + "&".join(f"t{n}={g}" for n, g in enumerate(guesses))
    publish_to_svenja("en", make_user, make_letter, send_notices,
                      body=f"Please [look here]({link}).")  # fmt: skip
    mail = notice_to(mail_server, "svenja@example.org")
    assert f'href="{link.replace("&", "&amp;")}"' in mail.html
    assert link in text_of(mail).replace("\n", "")
