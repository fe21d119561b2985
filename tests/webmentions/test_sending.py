"""Telling the pages a letter links to: queued by the request, sent by the sender."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.database import utc_now
from app.extensions import db
from app.letters.models import Language, Letter
from app.letters.service import LetterDraft, save_letter, set_hidden, withdraw_letter
from app.webmentions.models import SendState, SentWebmention
from tests.support import SITE_URL, deliver_outbox, letter_form, sign_in

TEXT_HTML = {"Content-Type": "text/html"}


def sent_rows() -> list[SentWebmention]:
    return list(db.session.scalars(select(SentWebmention).order_by(SentWebmention.id)))


def page_with_endpoint(elsewhere, path: str, how: str) -> str:
    """A page of the other site naming its endpoint in the Link header, a <link> or an <a>."""
    endpoint = elsewhere.put("/webmention?from=" + how, "Accepted", status=202)
    if how == "header":
        headers = {**TEXT_HTML, "Link": f'<{endpoint}>; rel="webmention"'}
        return elsewhere.put(path, "<p>Hello</p>", headers=headers)
    if how == "link":
        return elsewhere.put(path, '<link rel="webmention" href="/webmention?from=link">')
    return elsewhere.put(path, '<p><a rel="nofollow webmention" href="webmention?from=a">w</a>')


@pytest.fixture
def writer(client, make_user):
    user = make_user("Sven Albrecht")
    sign_in(client, user)
    return user


@pytest.mark.parametrize("how", ["header", "link", "a"])
def test_a_published_letter_tells_the_pages_it_links_to(client, writer, elsewhere, how):
    related = page_with_endpoint(elsewhere, "/related", how)
    in_text = page_with_endpoint(elsewhere, "/in-text", how)
    form = letter_form(body=f"As [they write]({in_text}), and [we]({SITE_URL}/letters/x).")
    form["related"] = f"{related} A related discussion"

    response = client.post("/letters/new", data=form)
    assert response.status_code == 302
    assert [row.state for row in sent_rows()] == [SendState.QUEUED, SendState.QUEUED]
    assert elsewhere.seen == []  # the request itself talked to nobody

    deliver_outbox()

    permalink = f"{SITE_URL}{response.headers['Location']}"
    expected = [{"source": permalink, "target": related}, {"source": permalink, "target": in_text}]
    assert elsewhere.posts_to("/webmention?from=" + how) == expected
    assert [row.state for row in sent_rows()] == [SendState.SENT, SendState.SENT]


def test_the_header_comes_before_the_html_and_the_first_link_counts(client, make_user, make_letter,
                                                                     elsewhere):  # fmt: skip
    links = '<https://x.example/a>; rel="other", </by-header>; rel="webmention"'
    page = elsewhere.put("/page", '<link rel="webmention" href="/by-html">',
                         headers={**TEXT_HTML, "Link": links})  # fmt: skip
    elsewhere.put("/by-header", status=202)
    letter = make_letter(make_user(), body=f"[A page]({page})")
    deliver_outbox()
    assert [form["target"] for form in elsewhere.posts_to("/by-header")] == [page]
    assert elsewhere.posts_to("/by-html") == []
    assert sent_rows()[0].endpoint == elsewhere.url("/by-header")
    assert sent_rows()[0].letter_id == letter.id


def test_a_page_without_an_endpoint_is_left_alone(make_user, make_letter, elsewhere):
    page = elsewhere.put("/plain", "<p>No webmentions here.</p>")
    make_letter(make_user(), body=f"[A page]({page})")
    deliver_outbox()
    assert sent_rows()[0].state == SendState.NO_ENDPOINT
    assert [seen.method for seen in elsewhere.seen] == ["GET"]


def test_an_endpoint_failing_is_tried_again_after_a_while(make_user, make_letter, elsewhere):
    page = page_with_endpoint(elsewhere, "/page", "header")
    elsewhere.put("/webmention?from=header", "Accepted", status=202, statuses=[500])
    make_letter(make_user(), body=f"[A page]({page})")

    deliver_outbox()
    (row,) = sent_rows()
    assert row.state == SendState.QUEUED and row.attempts == 1 and "500" in row.last_error
    assert row.due_at > utc_now()
    deliver_outbox()  # not yet due: not tried again
    assert len(elsewhere.posts_to("/webmention?from=header")) == 1

    row.due_at = utc_now()
    db.session.commit()
    deliver_outbox()

    assert len(elsewhere.posts_to("/webmention?from=header")) == 2
    assert sent_rows()[0].state == SendState.SENT and sent_rows()[0].attempts == 0


def test_an_endpoint_refusing_is_not_asked_again(make_user, make_letter, elsewhere):
    page = page_with_endpoint(elsewhere, "/page", "header")
    elsewhere.put("/webmention?from=header", "No such target", status=400)
    make_letter(make_user(), body=f"[A page]({page})")
    deliver_outbox()
    (row,) = sent_rows()
    assert row.state == SendState.FAILED and row.due_at is None and "400" in row.last_error


def test_drafts_tell_nobody_and_publishing_them_does(client, writer, elsewhere):
    page = page_with_endpoint(elsewhere, "/page", "header")
    form = letter_form(title="Half a thought", body=f"[A page]({page})", publish="")
    client.post("/letters/new", data={**form, "save": "Save draft"})
    deliver_outbox()
    assert sent_rows() == [] and elsewhere.seen == []

    client.post("/letters/half-a-thought/publish")
    deliver_outbox()
    assert len(elsewhere.posts_to("/webmention?from=header")) == 1


def test_an_edit_tells_new_pages_and_those_no_longer_linked(client, writer, elsewhere):
    first = page_with_endpoint(elsewhere, "/first", "header")
    second = page_with_endpoint(elsewhere, "/second", "header")
    client.post("/letters/new", data=letter_form(body=f"[First]({first})"))
    deliver_outbox()

    client.post("/letters/on-listening/edit", data=letter_form(body=f"[Second]({second})"))
    deliver_outbox()

    targets = [form["target"] for form in elsewhere.posts_to("/webmention?from=header")]
    assert sorted(targets) == sorted([first, first, second])


def test_a_letter_taken_back_tells_the_pages_it_told_and_no_others(make_user, make_letter,
                                                                   elsewhere):  # fmt: skip
    told = page_with_endpoint(elsewhere, "/told", "header")
    letter = make_letter(make_user(), body=f"[Told]({told})")
    deliver_outbox()
    assert len(elsewhere.posts_to("/webmention?from=header")) == 1

    withdraw_letter(letter)
    db.session.commit()
    deliver_outbox()
    assert len(elsewhere.posts_to("/webmention?from=header")) == 2


def test_a_hidden_letter_tells_nobody_until_it_is_shown_again(client, writer, elsewhere):
    client.post("/letters/new", data=letter_form())
    letter = db.session.scalars(select(Letter)).one()
    set_hidden(letter, hidden=True)
    db.session.commit()
    page = page_with_endpoint(elsewhere, "/page", "header")
    client.post("/letters/on-listening/edit", data=letter_form(body=f"[A page]({page})"))
    deliver_outbox()
    assert sent_rows() == [] and elsewhere.seen == []

    set_hidden(db.session.get(Letter, letter.id), hidden=False)
    db.session.commit()
    deliver_outbox()
    assert len(elsewhere.posts_to("/webmention?from=header")) == 1


def test_letters_published_as_history_tell_nobody(make_user, elsewhere):
    page = page_with_endpoint(elsewhere, "/page", "header")
    author = make_user()
    draft = LetterDraft("Old", "", f"[x]({page})", "", "", "", Language.EN, None, "Someone")
    save_letter(author, draft, publish=True, published_at=utc_now())
    db.session.commit()
    deliver_outbox()
    assert sent_rows() == [] and elsewhere.seen == []


def test_nothing_is_queued_when_sending_is_off(app, make_user, make_letter, elsewhere):
    app.config["WEBMENTION_SEND"] = False
    page = page_with_endpoint(elsewhere, "/page", "header")
    make_letter(make_user(), body=f"[A page]({page})")
    deliver_outbox()
    assert sent_rows() == [] and elsewhere.seen == []
