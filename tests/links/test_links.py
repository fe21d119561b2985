"""Related discussions, "mentioned in" backlinks, tags and "more letters"."""

from __future__ import annotations

from app.extensions import db
from app.links.models import Link
from tests.support import deliver_outbox, sign_in


def letter_form(**fields: str) -> dict[str, str]:
    return {
        "addressee": "",
        "addressee_name": "Readers",
        "language": "en",
        "title": "A letter",
        "body": "Text.",
        "signature": "Me",
        "publish": "1",
        **fields,
    }


def test_related_discussions_internal_by_permalink_and_outside_with_label(
    client, make_user, make_letter
):
    author, other = make_user("Anna"), make_user("Bert")
    earlier = make_letter(other, author, title="The panel, revisited")
    sign_in(client, author)
    related = (
        f"https://briefe.example.org/letters/{earlier.slug}\n"
        "https://example.com/panel Panel at the conference\n"
        "http://example.net/plain"
    )
    response = client.post("/letters/new", data=letter_form(title="Answer", related=related))
    assert response.status_code == 302
    page = client.get("/letters/answer").get_data(as_text=True)
    section = page[page.index("Related discussions") :]
    assert f'href="/letters/{earlier.slug}">The panel, revisited</a> — Bert → Anna' in section
    assert (
        '<a href="https://example.com/panel" rel="nofollow ugc noopener">'
        "Panel at the conference</a>" in section
    )
    assert (
        '<a href="http://example.net/plain" rel="nofollow ugc noopener">example.net</a>' in section
    )


def test_related_accepts_only_letters_here_and_http_links(client, make_user):
    sign_in(client, make_user())
    for bad in [
        "javascript:alert(1)",
        "ftp://example.org/file",
        "data:text/html,hi",
        "not a link",
        "//example.org/x",
    ]:
        response = client.post("/letters/new", data=letter_form(related=bad))
        assert response.status_code == 422, bad
        assert "Line 1: use a letter" in response.get_data(as_text=True)
    assert db.session.scalars(db.select(Link)).first() is None


def test_edit_form_shows_saved_related_discussions_and_tags(client, make_user):
    sign_in(client, make_user())
    client.post(
        "/letters/new",
        data=letter_form(
            title="Tagged", tags="Leadership, Change", related="https://example.com/a Article"
        ),
    )
    page = client.get("/letters/tagged/edit").get_data(as_text=True)
    assert 'value="Leadership, Change"' in page
    assert "https://example.com/a Article</textarea>" in page


def test_mention_in_body_gives_the_target_a_backlink(client, make_user, make_letter):
    anna, bert = make_user("Anna"), make_user("Bert")
    target = make_letter(anna, bert, title="Original thought")
    source = make_letter(
        bert,
        anna,
        title="Building on it",
        body=f"As [Anna wrote](https://briefe.example.org/letters/{target.slug}), …",
    )
    page = client.get(f"/letters/{target.slug}").get_data(as_text=True)
    assert "Mentioned in" in page
    assert f'href="/letters/{source.slug}">Building on it</a>' in page


def test_backlink_follows_edits_withdrawal_and_hiding(client, make_user, make_letter):
    anna, admin = make_user("Anna"), make_user("Admin", is_admin=True)
    target = make_letter(anna, admin, title="Target")
    source = make_letter(anna, admin, title="Source", body=f"See [this](/letters/{target.slug}).")
    draft = make_letter(
        anna, admin, title="Draft", publish=False, body=f"See [this](/letters/{target.slug})."
    )
    assert draft.title not in backlinks(client, target)
    assert "Source" in backlinks(client, target)
    sign_in(client, anna)
    client.post(f"/letters/{source.slug}/edit", data=letter_form(title="Source", body="No link."))
    assert "Source" not in backlinks(client, target)
    client.post(
        f"/letters/{source.slug}/edit",
        data=letter_form(title="Source", body=f"Again [it](/letters/{target.slug})."),
    )
    assert "Source" in backlinks(client, target)
    client.post("/auth/logout")
    sign_in(client, admin)
    client.post(f"/admin/letters/{source.slug}/hidden", data={"reason": "Off topic"})
    assert "Source" not in backlinks(client, target)
    client.post(f"/admin/letters/{source.slug}/hidden")
    assert "Source" in backlinks(client, target)
    client.post("/auth/logout")
    sign_in(client, anna)
    client.post(f"/letters/{source.slug}/withdraw")
    assert "Source" not in backlinks(client, target)


def backlinks(client, letter) -> str:
    page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    return page[page.index("Mentioned in") :] if "Mentioned in" in page else ""


def test_first_tag_is_the_category_and_tag_page_lists_letters(client, make_user):
    sign_in(client, make_user("Anna"))
    client.post("/letters/new", data=letter_form(title="First", tags="Führung, Wandel"))
    client.post("/letters/new", data=letter_form(title="Second", tags="wandel"))
    page = client.get("/letters/first").get_data(as_text=True)
    assert '<p class="category"><a class="p-category" href="/tags/fuehrung">Führung</a></p>' in page
    tag_page = client.get("/tags/wandel").get_data(as_text=True)
    assert "First" in tag_page and "Second" in tag_page
    assert 'href="/tags/wandel/feed.atom"' in tag_page
    assert 'name="target" value="tag"' in tag_page
    assert client.get("/tags/unknown").status_code == 404


def test_more_letters_prefers_shared_tags_people_and_words(client, make_user, make_letter):
    anna, bert, cleo = make_user("Anna"), make_user("Bert"), make_user("Cleo")
    sign_in(client, anna)
    client.post(
        "/letters/new",
        data=letter_form(
            title="Remote work and trust",
            tags="Remote",
            addressee=bert.handle,
            addressee_name="",
            body="Remote teams need written decisions and trust.",
        ),
    )
    client.post("/auth/logout")
    sign_in(client, cleo)
    client.post("/letters/new", data=letter_form(title="Lunch menu", body="Soup on Friday."))
    client.post(
        "/letters/new",
        data=letter_form(
            title="Trust in distributed teams", body="Written decisions build trust remotely."
        ),
    )
    client.post(
        "/letters/new", data=letter_form(title="Office hours", tags="Remote", body="Hours.")
    )
    for number in range(5):  # newer letters that have nothing in common
        client.post(
            "/letters/new", data=letter_form(title=f"Unrelated {number}", body="Parking spaces.")
        )
    deliver_outbox()  # the sender works out "more letters" again for the letters resembled
    page = client.get("/letters/remote-work-and-trust").get_data(as_text=True)
    more = page[page.index("More letters") :]
    assert "Office hours" in more  # shared tag
    assert "Trust in distributed teams" in more  # similar words
    assert "Unrelated" not in more and "Lunch menu" not in more


def test_an_edited_letter_gets_more_letters_for_its_new_words(client, make_user, make_letter):
    anna = make_user("Anna")
    make_letter(anna, None, title="Trust in distributed teams", body="Written decisions.")
    mine = make_letter(anna, None, title="Lunch menu", body="Soup on Friday.")
    deliver_outbox()
    assert "Trust in distributed teams" not in client.get(f"/letters/{mine.slug}").text
    sign_in(client, anna)
    edited = letter_form(title="Lunch menu", body="Distributed teams eat together: trust.")
    assert client.post(f"/letters/{mine.slug}/edit", data=edited).status_code == 302
    deliver_outbox()  # the sender ranks the edited letter's words
    page = client.get(f"/letters/{mine.slug}").text
    assert "Trust in distributed teams" in page[page.index("More letters") :]


def test_letters_are_found_by_part_of_their_title(client, make_user, make_letter):
    author = make_user("Anna")
    make_letter(author, None, title="The 100% remote_team question")
    make_letter(author, None, title="Lunch", publish=True)
    make_letter(author, None, title="Remote draft", publish=False)
    found = client.get("/letters/suggest?q=REMOTE").get_json()
    assert [item["title"] for item in found] == ["The 100% remote_team question"]
    assert found[0]["url"].startswith("https://briefe.example.org/letters/")
    assert client.get("/letters/suggest?q=100%25").get_json()[0]["author"] == "Anna"
    assert client.get("/letters/suggest?q=_").get_json()[0]["title"].startswith("The 100%")
    assert client.get("/letters/suggest?q=%25%25%25x").get_json() == []
    assert client.get("/letters/suggest").get_json() == []


def test_more_letters_come_from_other_correspondences_even_in_long_ones(
    client, make_user, make_letter, send_notices
):
    anna = make_user("Anna")
    sign_in(client, anna)
    client.post("/letters/new", data=letter_form(title="Elsewhere on design", tags="Design"))
    root = None
    for number in range(14):
        form = letter_form(title=f"Design thread {number}", tags="Design")
        path = f"/letters/{root}/reply" if root else "/letters/new"
        response = client.post(path, data=form)
        root = root or response.headers["Location"].rsplit("/", 1)[1]
    send_notices()
    page = client.get(f"/letters/{root}").get_data(as_text=True)
    more = page[page.index("More letters") :]
    assert "Elsewhere on design" in more
    assert "Design thread" not in more  # the thread page lists those already


def test_a_pasted_permalink_is_a_link_and_a_mention(client, make_user, make_letter):
    anna = make_user("Anna")
    target = make_letter(anna, None, title="Pasted target")
    source = make_letter(
        anna,
        None,
        title="Pasting",
        body=f"I mean https://briefe.example.org/letters/{target.slug} here.",
    )
    page = client.get(f"/letters/{source.slug}").get_data(as_text=True)
    assert f'<a href="https://briefe.example.org/letters/{target.slug}"' in page
    assert "Pasting" in backlinks(client, target)


def test_a_permalink_from_the_address_bar_is_a_letter_here_whatever_the_port(
    client, make_user, make_letter
):
    author, other = make_user("Anna"), make_user("Bert")
    earlier = make_letter(other, author, title="Served elsewhere")
    served = "http://127.0.0.1:5077"  # `make run PORT=5077`, SITE_URL set to something else
    sign_in(client, author, base_url=served)
    related = f"{served}/letters/{earlier.slug}"
    response = client.post(
        "/letters/new", data=letter_form(title="Answer", related=related), base_url=served
    )
    assert response.status_code == 302
    (link,) = db.session.scalars(db.select(Link)).all()
    assert link.target_letter_id == earlier.id and link.url == ""
