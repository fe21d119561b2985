"""The write page without JavaScript: nothing typed is lost when the server sends the form back."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from app.extensions import db
from app.letters.models import Letter
from tests.support import letter_form, sign_in

TYPED = {
    "addressee": "svenja",
    "addressee_name": "",
    "language": "de",
    "title": "Über langsame Entscheidungen & schnelle",
    "salutation": "Liebe Svenja,",
    "body": 'Erster Absatz mit **Nachdruck**.\n\nZweiter Absatz <mit> "Zeichen".',
    "closing": "Herzliche Grüße",
    "signature": "Sven",
    "postscript": "Die Notizen liegen im Wiki: https://wiki.example.org/notizen",
    "tags": "Führung, Transformation",
    # The second line is neither a letter here nor a web address: the form is refused.
    "related": "https://example.org/panel Panel auf der re:publica\nirgendwo im Intranet",
}


class FormValues(HTMLParser):
    """The value of every field of the write form, as the browser would show it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self.in_form = False
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form" and "write-form" in attributes.get("class", ""):
            self.in_form = True
        if not self.in_form:
            return
        name = attributes.get("name", "")
        if tag == "input" and attributes.get("type") not in ("hidden", "submit"):
            self.values[name] = attributes.get("value", "")
        elif tag == "textarea":
            self.textarea, self.values[name] = name, ""
        elif tag == "select":
            self.select, self.values[name] = name, ""
        elif tag == "option" and self.select and "selected" in attributes:
            self.values[self.select] = attributes.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False
        elif tag == "textarea":
            # Browsers drop the one line break that may follow <textarea>.
            name, self.textarea = self.textarea or "", None
            text = self.values[name]
            self.values[name] = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
        elif tag == "select":
            self.select = None

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.values[self.textarea] += data


def form_values(html: str) -> dict[str, str]:
    parser = FormValues()
    parser.feed(html)
    return parser.values


@pytest.mark.parametrize("page", ["new", "reply", "draft", "published"])
def test_a_refused_form_gives_back_everything_typed(client, make_user, make_letter, page):
    sven = make_user("Sven Albrecht", handle="sven")
    svenja = make_user("Svenja Köhler", handle="svenja", greeting_de="Liebe")
    path = {
        "new": lambda: "/letters/new",
        "reply": lambda: f"/letters/{make_letter(svenja, sven, title='Opening').slug}/reply",
        "draft": lambda: f"/letters/{make_letter(sven, svenja, publish=False).slug}/edit",
        "published": lambda: f"/letters/{make_letter(sven, svenja).slug}/edit",
    }[page]()
    letters_before = db.session.scalars(db.select(Letter.id)).all()
    sign_in(client, sven)
    for button in ("publish", "save", "preview"):
        form = letter_form(**TYPED)
        del form["publish"]
        response = client.post(path, data={**form, button: button.title()})
        html = response.get_data(as_text=True)
        assert response.status_code == 422, html[:2000]
        assert "Line 2: use a letter’s address here or an http(s):// link." in html
        expected = dict(TYPED)
        if page == "published":  # its addressee is fixed, shown as text and not sent
            del expected["addressee"], expected["addressee_name"]
        assert form_values(html) == expected, button
    assert db.session.scalars(db.select(Letter.id)).all() == letters_before


def letter_markup(html: str) -> str:
    """The letter as readers see it (its <article>), with whitespace made even."""
    match = re.search(r'<article class="letter h-entry">.*?</article>', html, re.S)
    assert match, "no letter in the page"
    return " ".join(match.group(0).split()).replace("> <", "><")


def as_readers_see_it(markup: str) -> str:
    """What may differ: the date of publication, the heading level and the letter's address."""
    markup = markup.replace("<h3 ", "<h1 ").replace("</h3>", "</h1>")
    markup = markup.replace("not yet published", "DATE")
    markup = re.sub(r'<time class="dt-published"[^>]*>[^<]*</time>', "DATE", markup)
    return re.sub(r'<a class="u-url"[^>]*>[^<]*</a>', "", markup)


@pytest.mark.parametrize("page", ["new", "reply", "published"])
def test_the_preview_is_the_letter_as_it_will_be_published(client, make_user, make_letter, page):
    sven = make_user("Sven Albrecht", handle="sven", role_line="Managing director")
    sven.bio_html = "<p>Writes about <em>decisions</em>.</p>"
    svenja = make_user("Svenja Köhler", handle="svenja", greeting_de="Liebe")
    earlier = make_letter(svenja, sven, title="Opening")
    sign_in(client, svenja)
    client.post(f"/letters/{earlier.slug}/edit", data=letter_form(tags="Leadership"))
    client.post("/auth/logout")
    sign_in(client, sven)
    path = {
        "new": lambda: "/letters/new",
        "reply": lambda: f"/letters/{earlier.slug}/reply",
        "published": lambda: f"/letters/{make_letter(sven, svenja).slug}/edit",
    }[page]()
    form = letter_form(
        addressee="svenja",
        addressee_name="",
        title="On slow decisions",
        body="We decide *too quickly*.\n\nLet us write it down.",
        closing="Best wishes",
        postscript="A talk about it: https://www.youtube.com/watch?v=Qs7Gr5J2d1M",
        tags="leadership, Transformation",  # the first tag exists, spelt as its creator did
    )
    del form["publish"]
    preview = client.post(path, data={**form, "preview": "Preview"})
    assert preview.status_code == 200
    shown = letter_markup(preview.get_data(as_text=True))
    for part in ('class="category"', "Dear Svenja,", "author-box", "Managing director",
                 "video-embed", 'class="tag-list"', "<em>too quickly</em>"):  # fmt: skip
        assert part in shown, part
    assert ("In reply to" in shown) is (page == "reply")
    assert ("Updated on" in shown) is (page == "published")
    response = client.post(path, data={**form, "publish": "Publish"})
    assert response.status_code == 302
    published = letter_markup(client.get(response.headers["Location"]).get_data(as_text=True))
    assert as_readers_see_it(shown) == as_readers_see_it(published)


def saved_copies(page: str) -> list[str]:
    """The ids of the copies a write page tells its script to forget: the server has them."""
    match = re.search(r'<script type="application/json" id="saved-typing">(.*?)</script>', page)
    assert match, "no list of saved copies"
    return json.loads(match.group(1))


def test_only_a_saved_form_lets_the_browser_forget_its_copy(client, make_user):
    sign_in(client, make_user())
    assert (
        client.post("/letters/new", data=letter_form(typing_id="copy-one", body="")).status_code
        == 422
    )
    preview = letter_form(typing_id="copy-two", preview="Preview")
    del preview["publish"]
    assert client.post("/letters/new", data=preview).status_code == 200
    assert saved_copies(client.get("/letters/new").get_data(as_text=True)) == []
    assert client.post("/letters/new", data=letter_form(typing_id="copy-two")).status_code == 302
    odd = letter_form(title="Another", typing_id="<b>not an id</b>")
    assert client.post("/letters/new", data=odd).status_code == 302
    assert saved_copies(client.get("/letters/new").get_data(as_text=True)) == ["copy-two"]
