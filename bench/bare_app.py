"""The floor the benchmark compares against: Flask and Jinja, no database, no extensions.

Three pages shaped like Briefwechsel's (a letter; a correspondence of N letters; a list of
20 letters, like the front page), padded to exactly the byte sizes given in
BARE_LETTER_BYTES, BARE_THREAD_BYTES and BARE_FRONT_BYTES, so that both servers send the
same amount of HTML. Serve with
`gunicorn -w 2 "bare_app:create_bare_app()"` from this folder.
"""

from __future__ import annotations

import os

from flask import Flask, render_template
from jinja2 import DictLoader

LAYOUT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% endblock %} – Briefwechsel</title>
<link rel="stylesheet" href="/static/css/site.css"></head>
<body><header class="site-header"><a class="site-name" href="/">Briefwechsel</a>
<nav><ul><li><a href="/auth/login">Sign in</a></li></ul></nav></header>
<main id="main">{% block content %}{% endblock %}</main>
<footer class="site-footer"><p>Briefwechsel — open letters between colleagues</p></footer>
</body></html>
"""
LETTER_MACRO = """{% macro letter_text(letter) %}
<article class="letter" lang="en" id="letter-{{ letter.slug }}">
  <h2><a href="/letters/{{ letter.slug }}">{{ letter.title }}</a></h2>
  <p class="byline">by <a href="/@{{ letter.author }}">{{ letter.author }}</a>
    to <a href="/@{{ letter.addressee }}">{{ letter.addressee }}</a>, {{ letter.date }}</p>
  <p class="salutation">{{ letter.salutation }}</p>
  <div class="letter-body">{{ letter.body_html|safe }}</div>
  <p class="closing">{{ letter.closing }}</p>
  <p class="signature">{{ letter.signature }}</p>
</article>
{% endmacro %}"""
LETTER_PAGE = """{% extends "layout.html" %}{% from "macros.html" import letter_text %}
{% block title %}{{ letters[0].title }}{% endblock %}
{% block content %}{% for letter in letters %}{{ letter_text(letter) }}{% endfor %}
<!--{{ pad }}-->{% endblock %}"""
TEMPLATES = {"layout.html": LAYOUT, "macros.html": LETTER_MACRO, "page.html": LETTER_PAGE}
PARAGRAPH = (
    "<p>We decide too quickly in meetings, and then we forget what we decided. "
    "A letter makes me finish a thought before I send it.</p>\n"
)


def sample_letters(count: int, body_bytes: int) -> list[dict[str, str]]:
    """Letters with bodies of about body_bytes each."""
    paragraphs = max(1, body_bytes // len(PARAGRAPH))
    return [
        {
            "slug": f"on-slow-decisions-{number}",
            "title": f"On slow decisions ({number})",
            "author": "sven",
            "addressee": "svenja",
            "date": "17 September 2014",
            "salutation": "Dear Svenja,",
            "body_html": PARAGRAPH * paragraphs,
            "closing": "Best",
            "signature": "Sven",
        }
        for number in range(1, count + 1)
    ]


def page_of_size(app: Flask, count: int, target: int) -> dict[str, object]:
    """Template context whose rendering is exactly `target` bytes of UTF-8."""
    with app.app_context():
        empty = len(render_template("page.html", letters=sample_letters(count, 0), pad="").encode())
        letters = sample_letters(count, max(0, (target - empty) // count))
        size = len(render_template("page.html", letters=letters, pad="").encode())
    if size > target:
        raise ValueError(f"cannot make a page of {target} bytes from {count} letters")
    return {"letters": letters, "pad": "." * (target - size)}


def create_bare_app() -> Flask:
    app = Flask(__name__)
    app.jinja_env.loader = DictLoader(TEMPLATES)
    thread_letters = int(os.environ.get("BARE_THREAD_LETTERS", "50"))
    letter_page = page_of_size(app, 1, int(os.environ.get("BARE_LETTER_BYTES", "8000")))
    thread_page = page_of_size(
        app, thread_letters, int(os.environ.get("BARE_THREAD_BYTES", "120000"))
    )
    front_page = page_of_size(app, 20, int(os.environ.get("BARE_FRONT_BYTES", "20000")))

    @app.route("/letter")
    def letter() -> str:
        return render_template("page.html", **letter_page)

    @app.route("/thread")
    def thread() -> str:
        return render_template("page.html", **thread_page)

    @app.route("/front")
    def front() -> str:
        return render_template("page.html", **front_page)

    @app.route("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
