"""Pages of other sites as IndieWeb sites write them: an h-entry that answers, likes or mentions."""

from __future__ import annotations

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support import SITE_URL

PUBLISHED = "2024-05-01T10:00:00+00:00"


def letter_address(slug: str) -> str:
    return f"{SITE_URL}/letters/{slug}"


def entry_page(
    target: str,
    kind: str = "in-reply-to",
    *,
    title: str = "On your letter",
    content: str = "<p>I agree, and here is why.</p>",
    author: str = '<a class="p-author h-card" href="https://ada.example/">Ada Lovelace</a>',
    published: str = PUBLISHED,
) -> str:
    """An h-entry whose `kind` property links to the target ("mention": a link in its text)."""
    if kind == "mention":
        link = f'<p>As <a href="{target}">this letter</a> says.</p>'
    else:
        link = f'<a class="u-{kind}" href="{target}">the letter</a>'
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Page title</title></head>
<body><article class="h-entry">
<h1 class="p-name">{title}</h1>
<p>{author}, <time class="dt-published" datetime="{published}">1 May</time></p>
<div class="e-content">{content}</div>
{link}
</article></body></html>"""


def post_webmention(client: FlaskClient, source: str, target: str) -> TestResponse:
    return client.post("/webmention", data={"source": source, "target": target})
