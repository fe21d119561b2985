"""The letter as a notice carries it: its text for a mail client, in HTML and plain text.

The source is the letter's sanitised HTML, as its page shows it. For email it is cleaned
again with the same allowlist, its links made absolute and a few inline styles added (mail
clients drop style sheets); images, which the page leaves out, become links to them; the P.S.
video's click-to-load player becomes a plain link. Nothing is loaded when the mail is opened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin

from flask_babel import gettext as _
from markupsafe import Markup

from app.letters.models import Letter
from app.templating import ps_mark
from app.text.html_text import cut_at_paragraph, folded_html, html_to_text
from app.text.markdown import find_video_embeds, render_markdown_images_as_links, sanitized

# Gmail hides what follows the first 102 KB of a message's HTML behind "[Message clipped]".
# The body is cut at the last paragraph that ends within this many bytes of HTML (about
# 3,000 words of prose), the P.S. within the second figure: with the rest of the notice the
# HTML part stays under 40 KB, however long and however marked up the letter is.
BODY_BUDGET = 24_000
POSTSCRIPT_BUDGET = 4_000
# Mail clients ignore <style> and linked style sheets: what needs a style carries it.
CELL_STYLE = "border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: left"
INLINE_STYLES = {
    "blockquote": {"style": "margin: 1em 0; padding: 0 0 0 1em; border-left: 3px solid #ccc"},
    "pre": {"style": "white-space: pre-wrap; font-family: monospace; font-size: 0.9em"},
    "table": {"style": "border-collapse: collapse"},
    "td": {"style": CELL_STYLE},
    "th": {"style": CELL_STYLE},
}


@dataclass(frozen=True)
class MailText:
    """A part of the letter (body or P.S.) as HTML and as plain text, cut alike."""

    html: Markup
    text: str
    cut: bool


@dataclass(frozen=True)
class VideoLink:
    provider: str
    url: str


@dataclass(frozen=True)
class LetterInMail:
    body: MailText
    postscript: MailText | None
    videos: list[VideoLink]

    @property
    def cut(self) -> bool:
        return self.body.cut or (self.postscript is not None and self.postscript.cut)


def letter_in_mail(letter: Letter, permalink: str) -> LetterInMail:
    """The letter's body and P.S. for a notice, in the locale of the caller's context."""
    body = mail_text(letter.body, letter.body_html, permalink, BODY_BUDGET)
    postscript = None
    if letter.postscript.strip():
        text = mail_text(letter.postscript, letter.postscript_html, permalink, POSTSCRIPT_BUDGET)
        postscript = marked(text, ps_mark(letter.language))
    videos = [VideoLink(video.provider_name, video.url) for video in videos_of(letter)]
    return LetterInMail(body, postscript, videos)


def marked(postscript: MailText, mark: str) -> MailText:
    """The P.S. begun with its mark, in the first line as a letter writer puts it."""
    html = str(postscript.html)
    if html.startswith("<p>"):
        html = f"<p><strong>{mark}</strong> {html.removeprefix('<p>')}"
    else:
        html = f"<p><strong>{mark}</strong></p>{html}"
    return MailText(Markup(html), html_to_text(html), postscript.cut)


def videos_of(letter: Letter) -> list:
    """The videos the page offers to play: those linked in the P.S."""
    return find_video_embeds(letter.postscript) if letter.postscript else []


def mail_text(source: str, stored_html: str, permalink: str, budget: int) -> MailText:
    """One part of the letter for email: absolute links, inline styles, cut at a paragraph."""
    html = stored_html
    if "![" in source:  # the stored HTML has lost its images: render them as links
        html = render_markdown_images_as_links(source, _("Image: "))
    html = sanitized(
        html,
        attribute_filter=absolute_links(permalink),
        set_tag_attribute_values=INLINE_STYLES,
    )
    cut = cut_at_paragraph(html, budget)
    return MailText(Markup(folded_html(cut.html)), html_to_text(cut.html), cut.was_cut)


def absolute_links(permalink: str) -> Callable[[str, str, str], str | None]:
    """Links resolved as the letter's page resolves them: a mail has no address of its own."""

    def resolve(tag: str, attribute: str, value: str) -> str | None:
        if attribute != "href":
            return value
        try:
            return urljoin(permalink, value)
        except ValueError:  # not an address a mail client could follow either
            return None

    return resolve
