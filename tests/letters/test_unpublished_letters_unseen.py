"""Nothing of a letter that is not published shows anywhere: not its title, tags or text.

A withdrawn or hidden first letter leaves its correspondence readable while answers to it
are published, with a placeholder where it stood; without answers, the thread is gone.
"""

from __future__ import annotations

import pytest

from app.extensions import db
from app.letters.models import Letter
from app.letters.service import set_hidden, withdraw_letter
from tests.support import sign_in, write_letter

SECRET = "Zebracrossing"


def make_unpublished(letter: Letter, status: str) -> None:
    if status == "withdrawn":
        withdraw_letter(letter)
        db.session.commit()
    else:
        set_hidden(letter, True)
    db.session.commit()


@pytest.fixture
def people(make_user):
    return make_user("Anna", handle="anna"), make_user("Bert", handle="bert")


@pytest.mark.parametrize("status", ["withdrawn", "hidden"])
def test_a_thread_whose_first_letter_is_gone_is_readable_without_its_title(client, people, status):
    anna, bert = people
    root = write_letter(anna, bert, f"{SECRET} plans", body=f"{SECRET} body.")
    write_letter(bert, anna, "An answer", parent=root, body="The answer's text.")
    make_unpublished(root, status)
    page = client.get(f"/threads/{root.slug}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert SECRET not in html
    assert "<h1>A correspondence</h1>" in html
    assert "The answer&#39;s text." in html or "The answer's text." in html
    assert 'class="placeholder"' in html
    assert f'id="letter-{root.slug}"' not in html  # the slug carries the title's words


@pytest.mark.parametrize("status", ["withdrawn", "hidden"])
def test_the_feed_of_such_a_thread_has_only_the_answers(client, people, status):
    anna, bert = people
    root = write_letter(anna, bert, f"{SECRET} plans")
    write_letter(bert, anna, "An answer", parent=root)
    make_unpublished(root, status)
    feed = client.get(f"/threads/{root.slug}/feed.atom")
    assert feed.status_code == 200
    text = feed.get_data(as_text=True)
    assert SECRET not in text
    assert "<title>A correspondence</title>" in text
    assert text.count("<entry>") == 1


@pytest.mark.parametrize("status,code", [("withdrawn", 410), ("hidden", 404)])
def test_a_thread_of_a_lone_letter_that_is_gone_is_gone_with_its_feed(client, people, status, code):
    anna, bert = people
    root = write_letter(anna, bert, f"{SECRET} plans")
    make_unpublished(root, status)
    for path in (f"/threads/{root.slug}", f"/threads/{root.slug}/feed.atom"):
        response = client.get(path)
        assert response.status_code == code, path
        assert SECRET not in response.get_data(as_text=True)


@pytest.mark.parametrize("status", ["withdrawn", "hidden"])
def test_an_answer_to_a_letter_that_is_gone_does_not_name_it(client, people, status):
    anna, bert = people
    root = write_letter(anna, bert, "The opening letter")
    middle = write_letter(bert, anna, f"{SECRET} reply", parent=root)
    last = write_letter(anna, bert, "The last word", parent=middle)
    make_unpublished(middle, status)
    for path in (f"/letters/{last.slug}", f"/threads/{root.slug}"):
        html = client.get(path).get_data(as_text=True)
        assert SECRET not in html, path
        assert "no longer available" in html, path


def pages_naming_the_secret(client, paths: list[str]) -> list[str]:
    """The pages that show the secret letter's title, text or tag."""
    naming = []
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        text = response.get_data(as_text=True)
        if any(part in text for part in (f"{SECRET} plans", f"{SECRET} body", f"{SECRET} tag")):
            naming.append(path)
    return naming


@pytest.mark.parametrize("status", ["published", "draft", "withdrawn", "hidden"])
def test_a_letter_that_is_not_published_shows_nowhere(client, people, status):
    anna, bert = people
    shared = write_letter(anna, bert, "Shared things", tags=["Shared"])
    secret = write_letter(
        anna,
        bert,
        f"{SECRET} plans",
        body=f"{SECRET} body, about [shared things](/letters/{shared.slug}).",
        tags=[f"{SECRET} tag", "Shared"],
        related=[shared.slug],
        publish=status != "draft",
    )
    # Letters that point at it, share its tag and its people: each a place it could show up.
    other = write_letter(
        bert,
        anna,
        "Another letter on shared things",
        body=f"See https://briefe.example.org/letters/{secret.slug} for it.",
        tags=["Shared"],
        related=[secret.slug],
    )
    if status in ("withdrawn", "hidden"):
        make_unpublished(secret, status)
    paths = [
        "/", "/feed.atom", "/sitemap.xml", "/@anna", "/@anna/feed.atom", "/@bert",
        "/tags/shared", "/tags/shared/feed.atom", f"/letters/{shared.slug}",
        f"/letters/{other.slug}", f"/threads/{other.slug}", f"/threads/{shared.slug}",
        f"/letters/suggest?q={SECRET}", f"/search?q={SECRET}", "/tags", "/people",
    ]  # fmt: skip
    naming = pages_naming_the_secret(client, paths)
    tag_page = client.get(f"/tags/{SECRET.lower()}-tag")
    if status == "published":  # the control: these are the places it shows while public
        assert set(naming) >= {
            "/", "/feed.atom", "/@anna", "/tags/shared", f"/letters/{shared.slug}",
            f"/letters/{other.slug}", f"/letters/suggest?q={SECRET}", f"/search?q={SECRET}",
            "/tags",
        }  # fmt: skip
        assert tag_page.status_code == 200
    else:
        assert naming == []
        assert tag_page.status_code == 404


def test_the_author_still_sees_a_hidden_first_letter_in_its_thread(client, people):
    anna, bert = people
    root = write_letter(anna, bert, f"{SECRET} plans")
    write_letter(bert, anna, "An answer", parent=root)
    set_hidden(root, True)
    db.session.commit()
    sign_in(client, anna)
    html = client.get(f"/threads/{root.slug}").get_data(as_text=True)
    assert f"{SECRET} plans</a>" in html  # in its place in the thread, for its author
    assert "<h1>A correspondence</h1>" in html


def test_a_withdrawn_letter_links_to_its_thread_only_while_it_is_readable(client, people):
    anna, bert = people
    lone = write_letter(anna, bert, "Alone")
    root = write_letter(anna, bert, "Answered")
    write_letter(bert, anna, "An answer", parent=root)
    withdraw_letter(lone)
    db.session.commit()
    withdraw_letter(root)
    db.session.commit()
    assert "Read the rest" not in client.get(f"/letters/{lone.slug}").get_data(as_text=True)
    assert "Read the rest" in client.get(f"/letters/{root.slug}").get_data(as_text=True)
