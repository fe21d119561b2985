"""What the rendering shortcuts must not cost: words, links, excerpts and video embeds."""

from __future__ import annotations

import pytest

from app.text.markdown import find_video_embeds, plain_excerpt, render_markdown

VIDEO = "dQw4w9WgXcQ"


def test_a_text_with_thousands_of_brackets_keeps_all_its_words():
    html = render_markdown("[" * 5_000 + " Hello [Ada](https://example.org) and *you*.")
    assert "Hello [Ada](https://example.org) and <em>you</em>." in html
    assert "[" * 5_000 in html


def test_ordinary_links_still_work():
    html = render_markdown("See [the letter](https://example.org/a) [ref].\n\n[ref]: /b")
    assert '<a href="https://example.org/a" rel="nofollow ugc noopener">the letter</a>' in html
    assert '<a href="/b" rel="nofollow ugc noopener">ref</a>' in html


def test_excerpt_of_a_long_letter_keeps_its_reference_links():
    body = (
        "Dear [Svenja][1], thanks for [the letter](https://example.org/a).\n\n"
        + "More words. " * 1_000
        + "\n\n[1]: https://example.org/svenja\n"
    )
    assert plain_excerpt(body).startswith("Dear Svenja, thanks for the letter. More words.")
    assert len(plain_excerpt(body)) <= 282


@pytest.mark.parametrize(
    "text,provider,video_id",
    [
        (f"https://www.youtube.com/watch?v={VIDEO}", "youtube", VIDEO),
        (f"see https://youtube.com/watch?feature=share&v={VIDEO}&t=42s.", "youtube", VIDEO),
        (f"[Talk](https://m.youtube.com/watch?v={VIDEO})", "youtube", VIDEO),
        (f"https://youtu.be/{VIDEO}, then", "youtube", VIDEO),
        (f"https://www.youtube.com/embed/{VIDEO}", "youtube", VIDEO),
        ("https://vimeo.com/76979871!", "vimeo", "76979871"),
        ("<https://www.vimeo.com/76979871>", "vimeo", "76979871"),
    ],
)
def test_video_links_are_found(text, provider, video_id):
    [video] = find_video_embeds(text)
    assert (video.provider, video.video_id) == (provider, video_id)
    assert video.url in text and not video.url.endswith((".", ",", "!", ")", ">"))


@pytest.mark.parametrize(
    "text",
    [
        f"https://evil.example/www.youtube.com/watch?v={VIDEO}",
        f"https://www.youtube.com.evil.example/watch?v={VIDEO}",
        f"https://youtu.be.evil.example/{VIDEO}",
        "https://www.youtube.com/watch?v=short",
        "https://vimeo.com/channels/staffpicks",
        f"javascript://www.youtube.com/watch?v={VIDEO}",
    ],
)
def test_other_links_are_not_videos(text):
    assert find_video_embeds(text) == []


def test_a_video_link_ends_where_markup_begins():
    [video] = find_video_embeds(f'https://youtu.be/{VIDEO}"><script>alert(1)</script>')
    assert video.url == f"https://youtu.be/{VIDEO}"


def test_videos_come_in_order_and_once_each():
    text = (
        "https://vimeo.com/1 https://youtu.be/" + VIDEO + " https://vimeo.com/1 "
        "https://www.youtube.com/watch?v=" + VIDEO
    )
    assert [video.video_id for video in find_video_embeds(text)] == ["1", VIDEO]


def test_embed_addresses_use_the_privacy_friendly_players():
    youtube, vimeo = find_video_embeds(f"https://youtu.be/{VIDEO} https://vimeo.com/7")
    assert youtube.embed_url == f"https://www.youtube-nocookie.com/embed/{VIDEO}?autoplay=1"
    assert vimeo.embed_url == "https://player.vimeo.com/video/7?autoplay=1&dnt=1"
