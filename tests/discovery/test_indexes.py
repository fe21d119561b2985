"""The indexes of tags (/tags) and of colleagues (/people), and where readers find them."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.letters.models import Language
from app.letters.service import LetterDraft, save_letter, set_hidden, withdraw_letter
from tests.support import server_like_client, sign_in


def tagged(author, tags: list[str], title: str = "A letter", publish: bool = True, to=None):
    draft = LetterDraft(
        title=title, salutation="", body="Text.", closing="Best", signature="Anna",
        postscript="", language=Language.EN, addressee=to,
        addressee_name="" if to else "Readers", tags=tags,
    )  # fmt: skip
    letter = save_letter(author, draft, publish)
    db.session.commit()
    return letter


def entries(html: str, css_class: str) -> list[str]:
    """The items of the index list, in order, each as its HTML."""
    listing = html.split(f'<ul class="{css_class}">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<li>.*?</li>", listing, re.S)


def test_tags_index_lists_public_tags_with_their_published_letters(client, make_user):
    anna = make_user("Anna")
    tagged(anna, ["Remote", "Design"], title="First")
    tagged(anna, ["design"], title="Second")
    tagged(anna, ["Design"], title="Not yet", publish=False)
    withdraw_letter(tagged(anna, ["Withdrawn only", "Design"], title="Withdrawn"))
    set_hidden(tagged(anna, ["Hidden only", "Design"], title="Hidden"), True)
    tagged(anna, ["Secret plans"], title="A draft", publish=False)
    db.session.commit()
    response = client.get("/tags")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    design, remote = entries(html, "tag-index")
    assert '<a href="/tags/design">Design</a>' in design and "2 letters" in design
    assert '<a href="/tags/remote">Remote</a>' in remote and "1 letter" in remote
    for private in ("Secret plans", "Withdrawn only", "Hidden only"):
        assert private not in html


def test_tags_index_without_public_tags_says_so(client, make_user):
    tagged(make_user("Anna"), ["Secret plans"], publish=False)
    response = client.get("/tags")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "No tags yet" in html and "Secret plans" not in html


def test_people_index_lists_colleagues_by_name_with_their_published_letters(
    client, make_user, make_letter
):
    svenja = make_user("Svenja Köhler", handle="svenja", role_line="Head of engineering")
    sven = make_user("Sven Albrecht", handle="sven", role_line="Managing director")
    make_user("Ümit Yilmaz", handle="uemit")
    make_user("Priya Natarajan", handle="priya")
    for title in ("One", "Two"):
        make_letter(sven, svenja, title=title)
    make_letter(sven, svenja, title="Unfinished", publish=False)
    withdraw_letter(make_letter(sven, None, title="Taken back"))
    make_letter(svenja, sven, title="Answer")
    set_hidden(make_letter(svenja, sven, title="Hidden"), True)
    db.session.commit()
    response = client.get("/people")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    priya, sven_entry, svenja_entry, uemit = entries(html, "people-index")
    assert '<a href="/@priya">Priya Natarajan</a>' in priya and "0 letters written" in priya
    assert '<a href="/@sven">Sven Albrecht</a>' in sven_entry
    assert "Managing director" in sven_entry and "2 letters written" in sven_entry
    assert 'src="/@sven/initials.svg"' in sven_entry
    assert "Head of engineering" in svenja_entry and "1 letter written" in svenja_entry
    assert '<a href="/@uemit">Ümit Yilmaz</a>' in uemit


def statements(count_queries, client, path: str) -> int:
    with count_queries() as counter:
        assert client.get(path).status_code == 200
    return counter.count


@pytest.mark.parametrize("who", ["reader", "colleague"])
def test_tags_and_people_indexes_do_not_grow_with_tags_colleagues_or_letters(
    app, count_queries, make_user, make_letter, who
):
    anna = make_user("Anna")
    client = server_like_client(app)
    if who == "colleague":
        sign_in(client, anna)
    tagged(anna, ["Design"])
    few = [statements(count_queries, client, path) for path in ("/tags", "/people")]
    people = [make_user() for _ in range(8)]
    for number, person in enumerate(people):
        tagged(person, [f"Topic {number}", "Design"], title=f"Letter {number}", to=anna)
        make_letter(person, people[number - 1], title=f"Another {number}")
    many = [statements(count_queries, client, path) for path in ("/tags", "/people")]
    assert many == few
    assert max(many) <= 4


def test_header_links_the_indexes_and_the_sitemap_lists_them(client, make_user):
    tagged(make_user("Anna"), ["Design"])
    html = client.get("/").get_data(as_text=True)
    header = html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert 'href="/tags"' in header and 'href="/people"' in header
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    assert "<loc>https://briefe.example.org/tags</loc>" in xml
    assert "<loc>https://briefe.example.org/people</loc>" in xml


def test_names_link_to_colleagues_pages_on_tag_search_and_profile_pages(client, make_user):
    anna = make_user("Anna Arendt", handle="anna")
    bert = make_user("Bert Brecht", handle="bert")
    tagged(anna, ["Design"], title="Designing letters", to=bert)
    tagged(bert, ["Design"], title="Designing answers")
    anna_link, bert_link = '<a href="/@anna">Anna Arendt</a>', '<a href="/@bert">Bert Brecht</a>'
    tag_page = client.get("/tags/design").get_data(as_text=True)
    assert f"{anna_link} → {bert_link}" in tag_page and f"{bert_link} → Readers" in tag_page
    search = client.get("/search?q=designing").get_data(as_text=True)
    assert f"{anna_link} → {bert_link}" in search and f"{bert_link} → Readers" in search
    assert f"→ {bert_link}" in client.get("/@anna").get_data(as_text=True)
    assert f"← {anna_link}" in client.get("/@bert").get_data(as_text=True)
