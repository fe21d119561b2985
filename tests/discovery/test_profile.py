"""The profile page /@handle: who a colleague is and the letters they wrote and received."""

from __future__ import annotations

import re

from app.extensions import db
from app.letters.service import set_hidden
from tests.support import sign_in


def test_profile_shows_name_role_bio_and_avatar(client, make_user):
    make_user(
        "Svenja Köhler",
        handle="svenja",
        role_line="Managing director",
        bio_html="<p>Writes about <em>listening</em>.</p>",
    )
    response = client.get("/@svenja")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Svenja Köhler</h1>" in page
    assert '<p class="role-line">Managing director</p>' in page
    assert "<p>Writes about <em>listening</em>.</p>" in page
    assert 'src="/@svenja/initials.svg"' in page


def test_profile_lists_published_letters_written_and_received(client, make_user, make_letter):
    svenja = make_user("Svenja Köhler", handle="svenja")
    sven = make_user("Sven Albrecht", handle="sven")
    make_letter(svenja, sven, title="Svenja writes to Sven")
    make_letter(sven, svenja, title="Sven writes to Svenja")
    make_letter(svenja, sven, publish=False, title="Svenja draft")
    make_letter(sven, svenja, publish=False, title="Sven draft to Svenja")
    page = client.get("/@svenja").get_data(as_text=True)
    written = page.split('id="written-heading"')[1].split("</section>")[0]
    received = page.split('id="received-heading"')[1].split("</section>")[0]
    assert "Svenja writes to Sven" in written and "Sven writes to Svenja" not in written
    assert "Sven writes to Svenja" in received and "Svenja writes to Sven" not in received
    assert "Svenja draft" not in page and "Sven draft to Svenja" not in page
    assert "Your drafts" not in page


def test_drafts_are_listed_only_for_the_owner(client, make_user, make_letter):
    svenja = make_user("Svenja Köhler", handle="svenja")
    sven = make_user("Sven Albrecht", handle="sven")
    make_letter(svenja, sven, publish=False, title="Half-written thought")
    assert "Half-written thought" not in client.get("/@svenja").get_data(as_text=True)
    sign_in(client, sven)
    assert "Half-written thought" not in client.get("/@svenja").get_data(as_text=True)
    client.post("/auth/logout")
    sign_in(client, svenja)
    page = client.get("/@svenja").get_data(as_text=True)
    assert "Your drafts" in page and "Half-written thought" in page


def test_hidden_letters_are_not_listed(client, make_user, make_letter):
    svenja, sven = make_user(handle="svenja"), make_user()
    letter = make_letter(svenja, sven, title="Taken down")
    set_hidden(letter, hidden=True)
    db.session.commit()
    assert "Taken down" not in client.get("/@svenja").get_data(as_text=True)


def test_profile_handle_is_case_insensitive(client, make_user):
    make_user("Svenja Köhler", handle="svenja")
    assert client.get("/@Svenja").status_code == 200


def test_unknown_handle_gets_a_styled_404(client):
    response = client.get("/@nobody")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "<h1>Not found</h1>" in page and '<main id="main">' in page
    assert client.get("/@nobody/initials.svg").status_code == 404
    assert client.get("/@nobody/avatar.png").status_code == 404


def test_profile_text_is_escaped(client, make_user):
    # such a name is refused now; one saved before that still must not become markup
    make_user(
        "Evil", handle="evil", display_name='<script>alert("x")</script>', role_line="<b>boss</b>"
    )
    page = client.get("/@evil").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;boss&lt;/b&gt;" in page


def test_profile_offers_writing_a_letter_to_other_colleagues_only(client, make_user):
    svenja = make_user("Svenja Köhler", handle="svenja")
    sven = make_user("Sven Albrecht", handle="sven")
    sign_in(client, sven)
    assert "/letters/new?to=svenja" in client.get("/@svenja").get_data(as_text=True)
    client.post("/auth/logout")
    sign_in(client, svenja)
    assert "/letters/new?to=svenja" not in client.get("/@svenja").get_data(as_text=True)


def test_profile_page_makes_no_third_party_requests(client, make_user, make_letter):
    svenja = make_user("Svenja Köhler", handle="svenja", role_line="Director")
    make_letter(svenja, None, title="Outward")
    page = client.get("/@svenja").get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources
    own_site = ("/", "#", "https://briefe.example.org/")  # the canonical link is absolute
    assert all(source.startswith(own_site) for source in sources), sources
    assert "gravatar" not in page.lower()


def test_profile_page_query_count_does_not_grow_with_letters(
    client, make_user, make_letter, count_queries
):
    svenja = make_user("Svenja Köhler", handle="svenja")
    others = [make_user() for _ in range(3)]
    sign_in(client, svenja)

    def queries() -> int:
        with count_queries() as counter:
            assert client.get("/@svenja").status_code == 200
        return counter.count

    make_letter(svenja, others[0], title="One")
    few = queries()
    for number in range(12):
        make_letter(svenja, others[number % 3], title=f"Out {number}")
        make_letter(others[number % 3], svenja, title=f"In {number}")
        make_letter(svenja, others[number % 3], publish=False, title=f"Draft {number}")
    many = queries()
    assert many == few <= 5


def test_the_name_shows_once_and_nobody_is_offered_to_follow_themselves(client, make_user):
    svenja = make_user("Svenja Köhler", handle="svenja", role_line="Head of engineering")
    page = client.get("/@svenja").get_data(as_text=True)
    main = page[page.index('<main id="main">') : page.index("</main>")]
    assert main.count("Svenja Köhler") == 3  # the heading, the feed link, the follow form
    assert re.search(r"<h1>Svenja Köhler</h1>", main)
    assert 'class="author-name"' not in main
    assert 'name="target" value="author"' in main
    sign_in(client, svenja)
    own = client.get("/@svenja").get_data(as_text=True)
    own_main = own[own.index('<main id="main">') : own.index("</main>")]
    assert 'name="target" value="author"' not in own_main
    assert "Follow Svenja Köhler by email" not in own_main
