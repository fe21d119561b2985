"""HTML and script in any field are shown as text or stripped, never executed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from app.extensions import db
from app.text.markdown import render_markdown
from tests.support import letter_form, server_like_client, sign_in

TAGS = (
    '<script>alert("x")</script><img src=x onerror=alert(1)>'
    '<a href="javascript:alert(2)">j</a><svg onload=alert(3)><iframe src="https://evil.example">'
)
MARKDOWN = "\n\n".join(
    [
        TAGS,
        "[j](javascript:alert(4)) [J](JaVaScRiPt:alert(5)) [e](&#106;avascript:alert(6))",
        "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==) [v](vbscript:msgbox(8))",
        "<javascript:alert(9)> [r][ref] ![pixel](https://evil.example/pixel.png)",
        '[fine](https://example.org/fine "title") and <https://example.org/auto>',
        "[ref]: javascript:alert(10)",
    ]
)
DANGEROUS_URL = re.compile(r"^(javascript|data|vbscript):", re.IGNORECASE)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcdoc", "xlink:href", "poster"}
EXPECTED_REL = {"nofollow", "ugc", "noopener"}


@dataclass
class PageAudit(HTMLParser):
    """Everything on a page that a browser would run, load from elsewhere, or follow out."""

    problems: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    external_links: list[dict[str, str | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            cleaned = re.sub(r"[\x00-\x20]", "", value or "")
            if name in URL_ATTRIBUTES and DANGEROUS_URL.match(cleaned):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and not self._our_script(attributes):
            self.problems.append(f"<script {attributes}>")
        if tag in ("iframe", "object", "embed", "base", "style", "svg", "math"):
            self.problems.append(f"<{tag}>")
        if tag == "img" and not (attributes.get("src") or "").startswith("/@"):
            self.problems.append(f"<img src={attributes.get('src')!r}> (not our avatar)")
        if tag == "a" and re.match(r"^\s*(https?:)?//", attributes.get("href") or ""):
            self.external_links.append(attributes)

    @staticmethod
    def _our_script(attributes: dict[str, str | None]) -> bool:
        source = attributes.get("src") or ""
        return source.startswith("/static/js/") or attributes.get("type") == "application/json"

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def audit(html: str) -> PageAudit:
    page = PageAudit()
    page.feed(html)
    page.close()
    return page


def assert_inert(html: str, shown: str | None = None) -> PageAudit:
    """Nothing runs, nothing dangerous is linked, and every outbound link is marked as such."""
    page = audit(html)
    assert page.problems == []
    for link in page.external_links:
        assert set((link.get("rel") or "").split()) >= EXPECTED_REL, link
    if shown is not None:
        assert shown in "".join(page.text), "the untrusted text should be shown as text"
    return page


@pytest.fixture
def correspondence(client, make_user):
    """A letter and an answer whose every field, and both writers' profiles, carry HTML."""
    sven = make_user("Sven", handle="sven")
    svenja = make_user("Svenja", handle="svenja")
    for user in (sven, svenja):
        sign_in(client, user)
        response = client.post(
            "/settings",
            data={
                "display_name": user.display_name,
                "role_line": TAGS[:120],
                "bio": MARKDOWN[:2000],
                "salutation_name": "",
                "greeting_de": "Liebe",
                "default_closing": TAGS[:100],
                "locale": "en",
                "timezone": "UTC",
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        client.post("/auth/logout")
    # Names with markup are refused now; ones saved before that must still be shown as text.
    for user in (sven, svenja):
        user.display_name = '<script>alert("n")</script><img src=x onerror=alert(1)>'
        user.salutation_name = TAGS[:100]
    db.session.commit()
    fields = {
        "title": f"Title {TAGS}"[:200],
        "salutation": TAGS[:200],
        "body": MARKDOWN,
        "closing": TAGS[:100],
        "signature": TAGS[:100],
        "postscript": MARKDOWN + "\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "tags": f"{TAGS[:120]}, <b>bold</b>",
        "related": f'https://example.org/r?a="><script>alert(1)</script> {TAGS[:100]}',
    }
    sign_in(client, sven)
    outside = client.post("/letters/new", data=letter_form(addressee_name=TAGS[:100], **fields))
    first = client.post("/letters/new", data=letter_form(addressee="svenja", addressee_name=""))
    client.post("/auth/logout")
    sign_in(client, svenja)
    first_path = first.headers["Location"]
    answer = client.post(
        f"{first_path}/reply", data=letter_form(addressee="sven", addressee_name="", **fields)
    )
    client.post("/auth/logout")
    paths = [outside.headers["Location"], first_path, answer.headers["Location"]]
    assert all(path.startswith("/letters/") for path in paths)
    return paths


def pages(paths: list[str]) -> list[str]:
    outside, first, answer = paths
    return [
        outside,
        first,
        answer,
        first.replace("/letters/", "/threads/"),
        "/",
        "/@sven",
        "/@svenja",
    ]


def test_html_in_every_field_is_inert_for_readers(app, correspondence):
    reader = server_like_client(app)
    for path in pages(correspondence):
        response = reader.get(path)
        assert response.status_code == 200, path
        assert_inert(response.get_data(as_text=True), shown='<script>alert("n")</script>')


def test_html_in_every_field_is_inert_for_signed_in_colleagues(app, make_user, correspondence):
    colleague = server_like_client(app)
    sign_in(colleague, make_user())
    for path in pages(correspondence):
        assert_inert(colleague.get(path).get_data(as_text=True), shown="<script>")


def test_letter_fields_are_shown_as_text(client, correspondence):
    html = client.get(correspondence[0]).get_data(as_text=True)
    text = "".join(audit(html).text)
    assert f"Title {TAGS}"[:200] in text  # the title, salutation … as typed, as text
    assert TAGS[:100] in text  # outside addressee, closing and signature
    assert "&lt;script&gt;" in html


def test_preview_and_history_are_inert(client, make_user, make_letter):
    author = make_user()
    letter = make_letter(author, title="Plain")
    sign_in(client, author)
    preview = client.post("/letters/new", data=letter_form(body=MARKDOWN, preview="Preview"))
    assert preview.status_code == 200
    assert_inert(preview.get_data(as_text=True))
    client.post(f"/letters/{letter.slug}/edit", data=letter_form(title=TAGS[:200], body=MARKDOWN))
    client.post(f"/letters/{letter.slug}/edit", data=letter_form(title="Plain again"))
    history = client.get(f"/letters/{letter.slug}/history")
    assert history.status_code == 200
    assert_inert(history.get_data(as_text=True), shown="<script>")


def test_markdown_links_are_marked_and_dangerous_schemes_dropped():
    html = render_markdown(MARKDOWN)
    page = assert_inert(html)
    hrefs = [link["href"] for link in page.external_links]
    # The iframe's address, shown as text, is linked like any https:// address in a letter.
    assert hrefs == ["https://evil.example", "https://example.org/fine", "https://example.org/auto"]
    assert 'rel="nofollow ugc noopener"' in html
    assert "<img" not in html  # no picture is loaded from another site


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](  javascript:alert(1))",
        "[x](java\tscript:alert(1))",
        "[x](java%0Ascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](&#x6A;avascript:alert(1))",
        "[x](data:text/html,<script>alert(1)</script>)",
        "[x](vbscript:alert(1))",
        "[x](file:///etc/passwd)",
        "<a href='javascript:alert(1)'>x</a>",
    ],
)
def test_no_dangerous_link_survives_rendering(source):
    html = render_markdown(source)
    assert audit(html).problems == []
    for href in re.findall(r'href="([^"]*)"', html):
        # What a browser makes of it: tabs and newlines vanish, then the scheme decides.
        scheme = urlsplit(re.sub(r"[\t\n\r]", "", unescape(href)).strip()).scheme
        assert scheme in ("", "http", "https", "mailto"), href
