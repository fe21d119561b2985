"""A post's approved comments come in as answers from outside, labelled as comments on the
old blog; the others stay out, and none comes twice."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from app.extensions import db
from app.webmentions.models import MentionKind, MentionStatus, ReceivedWebmention
from tests.importing.support import letter, report_of


def answers() -> list[ReceivedWebmention]:
    return list(db.session.scalars(select(ReceivedWebmention).order_by(ReceivedWebmention.id)))


def test_an_approved_comment_is_an_answer_labelled_as_from_the_old_blog(client, import_export):
    import_export("letters_de_en")
    (answer,) = answers()  # the spam comment stays out
    assert answer.letter_id == letter("ueber-zuhoeren").id
    assert (answer.kind, answer.status) == (MentionKind.REPLY, MentionStatus.SHOWN)
    assert answer.source == "https://blog.example.org/2014/09/17/ueber-zuhoeren/#comment-3"
    assert answer.domain == "blog.example.org"
    assert (answer.author_name, answer.author_url) == ("Petra Leserin",
                                                       "https://petra.example.net/")  # fmt: skip
    assert answer.published_at == datetime(2014, 9, 18, 10, 0, tzinfo=UTC)
    assert answer.content_html.strip() == "<p>Schöner Brief!</p>"
    page = client.get("/letters/ueber-zuhoeren").get_data(as_text=True)
    shown = page[page.index('class="outside-answer"') :]
    assert "Answer from blog.example.org" in shown
    assert "Kommentar auf Briefe zwischen Kollegen" in shown
    assert 'href="https://petra.example.net/" rel="nofollow ugc noopener">Petra Leserin' in shown
    assert "Schöner Brief!" in shown and "alert(1)" not in page
    assert "Buy now" not in page


def test_comments_left_out_come_in_when_imported_again_with_them(import_export):
    first = import_export("letters_de_en", "--no-comments")
    assert "  2 comments (--no-comments)" in report_of(first).splitlines()
    assert answers() == []
    again = report_of(import_export("letters_de_en"))
    assert "  comments as answers from outside, labelled as comments on the old blog: 1" in again
    assert len(answers()) == 1
    third = report_of(import_export("letters_de_en"))
    assert "  nothing new: 5 posts and 1 comment already there" in third.splitlines()
    assert len(answers()) == 1


def test_a_comment_of_wxr_1_0_without_a_type_is_a_comment(make_user, import_export):
    make_user("Sven Albrecht", handle="sven")
    import_export("wxr_1_0")
    (answer,) = answers()
    assert answer.author_name == "Mr WordPress"
    assert answer.source == "http://www.altes-blog.example/2009/10/vom-anfangen/#comment-1"
    assert answer.title == "Comment on Altes Blog"  # the blog's language is English
