"""Reading through the API: what the site's pages show, no more (drafts and hidden letters only
to their author), page by page, with ETags."""

from __future__ import annotations

from app.database import utc_now
from app.extensions import db
from app.letters.service import set_hidden, withdraw_letter
from app.webmentions.models import MentionKind, MentionStatus, ReceivedWebmention, url_key
from tests.api.conftest import bearer, json_of, tagged_letter
from tests.support import SITE_URL


def test_the_letters_list_shows_published_letters_in_full(api, site, make_letter):
    mention = make_letter(
        site.svenja,
        site.sven,
        title="Mentioning",
        body=f"See [this]({SITE_URL}/letters/{site.first.slug}).",
    )
    listed = json_of(api.get("/api/letters"))
    assert [item["slug"] for item in listed["items"]] == [
        mention.slug, site.answer.slug, site.first.slug,
    ]  # fmt: skip
    first = listed["items"][2]
    assert first["title"] == "On slow decisions" and first["status"] == "published"
    assert first["body"] == "Why *wait*?" and first["body_html"] == "<p>Why <em>wait</em>?</p>\n"
    assert first["author"] == {
        "handle": "sven",
        "display_name": "Sven Albrecht",
        "url": f"{SITE_URL}/api/colleagues/sven",
        "permalink": f"{SITE_URL}/@sven",
    }
    assert first["addressee"]["handle"] == "svenja"
    assert [tag["name"] for tag in first["tags"]] == ["Craft", "Decisions"]
    assert [found["slug"] for found in first["links"]["mentioned_in"]] == [mention.slug]
    assert first["permalink"] == f"{SITE_URL}/letters/on-slow-decisions"
    assert first["thread"] == {
        "slug": site.first.slug,
        "size": 2,
        "url": f"{SITE_URL}/api/correspondences/{site.first.slug}",
        "permalink": f"{SITE_URL}/threads/{site.first.slug}",
    }
    answer = listed["items"][1]
    assert answer["in_reply_to"]["slug"] == site.first.slug and answer["in_reply_to"]["available"]
    assert site.draft.slug not in str(listed)


def test_letters_by_author_addressee_and_tag(api, site):
    def slugs(query: str) -> list[str]:
        return [item["slug"] for item in json_of(api.get(f"/api/letters?{query}"))["items"]]

    assert slugs("author=svenja") == [site.answer.slug]
    assert slugs("addressee=svenja") == [site.first.slug]
    assert slugs("tag=craft&author=sven") == [site.first.slug]
    assert slugs("tag=craft&author=svenja") == []
    assert api.get("/api/letters?author=nobody").status_code == 404
    assert api.get("/api/letters?tag=nothing").status_code == 404


def test_one_letter_with_its_answers(api, site):
    letter = json_of(api.get(f"/api/letters/{site.first.slug}"))
    assert letter["replies"][0]["slug"] == site.answer.slug
    assert letter["in_reply_to"] is None
    assert letter["salutation"] == "Dear Svenja," and letter["signature"] == "Sven"


def test_drafts_are_only_for_their_author(api, site, token_of):
    path = f"/api/letters/{site.draft.slug}"
    assert api.get(path).status_code == 404
    assert api.get(path, headers=bearer(token_of(site.svenja, "read"))).status_code == 404
    seen = json_of(api.get(path, headers=bearer(token_of(site.sven, "read"))))
    assert seen["status"] == "draft" and seen["published_at"] is None


def test_hidden_letters_are_for_their_author_and_admins(api, site, token_of, make_user):
    set_hidden(site.first, hidden=True)
    db.session.commit()
    path = f"/api/letters/{site.first.slug}"
    assert api.get(path).status_code == 404
    assert api.get(path, headers=bearer(token_of(site.svenja))).status_code == 404
    admin = make_user(is_admin=True)
    assert json_of(api.get(path, headers=bearer(token_of(admin))))["status"] == "hidden"
    assert json_of(api.get(path, headers=bearer(token_of(site.sven))))["status"] == "hidden"
    answer = json_of(api.get(f"/api/letters/{site.answer.slug}"))
    assert answer["in_reply_to"] == {
        "available": False, "slug": None, "title": None, "author": None, "url": None,
        "permalink": None,
    }  # fmt: skip
    assert site.first.slug not in [
        item["slug"] for item in json_of(api.get("/api/letters"))["items"]
    ]


def test_a_withdrawn_letter_is_gone(api, site):
    withdraw_letter(site.answer)
    db.session.commit()
    response = api.get(f"/api/letters/{site.answer.slug}")
    assert response.status_code == 410
    assert json_of(response) == {
        "error": "gone",
        "message": "This letter was withdrawn by its author.",
        "fields": {},
    }


def test_a_correspondence_is_its_tree_in_reading_order(api, site, make_letter):
    second = make_letter(site.sven, site.svenja, parent=site.answer, title="Re: Re: slow")
    aside = make_letter(site.sven, site.svenja, parent=site.first, title="An aside")
    withdraw_letter(second)
    db.session.commit()
    thread = json_of(api.get(f"/api/correspondences/{site.first.slug}"))
    assert thread["title"] == "On slow decisions" and thread["size"] == 3
    shown = [
        (entry["depth"], entry["parent"], (entry["letter"] or {}).get("slug"), entry["placeholder"])
        for entry in thread["letters"]
    ]
    assert shown == [
        (0, None, site.first.slug, None),
        (1, 0, site.answer.slug, None),
        (2, 1, None, "withdrawn"),
        (1, 0, aside.slug, None),
    ]
    assert thread["letters"][2]["withdrawn_by"] == "Sven Albrecht"
    assert api.get(f"/api/correspondences/{site.answer.slug}").status_code == 404
    assert api.get(f"/api/correspondences/{site.draft.slug}").status_code == 404


def test_correspondences_each_under_their_latest_letter(api, site, make_letter):
    other = make_letter(site.svenja, site.sven, title="Another matter")
    listed = json_of(api.get("/api/correspondences"))["items"]
    assert [(item["slug"], item["latest"]["slug"], item["size"]) for item in listed] == [
        (other.slug, other.slug, 1),
        (site.first.slug, site.answer.slug, 2),
    ]
    assert listed[1]["people"] == ["Sven Albrecht", "Svenja Köhler"]


def test_colleagues_without_their_addresses(api, site):
    listed = json_of(api.get("/api/colleagues"))
    assert [(item["handle"], item["letters_written"]) for item in listed["items"]] == [
        ("sven", 1), ("svenja", 1),
    ]  # fmt: skip
    assert "@example.org" not in str(listed)
    one = json_of(api.get("/api/colleagues/sven"))
    assert one["display_name"] == "Sven Albrecht" and one["avatar"].endswith("/@sven/initials.svg")
    assert [letter["slug"] for letter in one["letters"]] == [site.first.slug]
    assert "@example.org" not in str(one)
    assert api.get("/api/colleagues/nobody").status_code == 404


def test_tags_and_their_letters(api, site):
    tagged_letter(site.svenja, site.sven, "Craft again", ["craft"])
    listed = json_of(api.get("/api/tags"))["items"]
    assert [(tag["name"], tag["letters_count"]) for tag in listed] == [
        ("Craft", 2),
        ("Decisions", 1),
    ]
    craft = json_of(api.get("/api/tags/craft?per_page=1"))
    assert craft["letters_count"] == 2 and [item["slug"] for item in craft["letters"]] == [
        "craft-again"
    ]
    assert craft["pagination"]["next_page"] == 2
    assert api.get("/api/tags/nothing").status_code == 404


def test_search_finds_published_letters_with_snippets(api, site):
    found = json_of(api.get("/api/search?q=wait"))
    assert found["total"] == 1 and not found["more"]
    (hit,) = found["items"]
    assert hit["letter"]["slug"] == site.first.slug and "<mark>wait</mark>" in hit["snippet"]
    assert json_of(api.get("/api/search?q=thought"))["items"] == []  # the draft's title
    refused = api.get("/api/search?q=")
    assert refused.status_code == 422 and "q" in json_of(refused)["fields"]


def test_pages_link_their_neighbours(api, site, make_letter):
    for number in range(3):
        make_letter(site.sven, site.svenja, title=f"Letter {number}")
    first = api.get("/api/letters?per_page=2")
    assert json_of(first)["pagination"] == {
        "page": 1, "per_page": 2, "previous_page": None, "next_page": 2,
    }  # fmt: skip
    assert first.headers["Link"] == f'<{SITE_URL}/api/letters?per_page=2&page=2>; rel="next"'
    last = api.get("/api/letters?per_page=2&page=3")
    assert json_of(last)["pagination"]["next_page"] is None
    assert len(json_of(last)["items"]) == 1
    assert last.headers["Link"] == f'<{SITE_URL}/api/letters?per_page=2&page=2>; rel="prev"'
    assert json_of(api.get("/api/letters?page=9"))["items"] == []
    for query in ("per_page=101", "per_page=0", "page=0", "page=10001", "page=x"):
        refused = api.get(f"/api/letters?{query}")
        assert refused.status_code == 422, query
        assert set(json_of(refused)["fields"]) == {query.split("=")[0]}


def test_an_unchanged_answer_is_not_sent_again(api, site, make_letter):
    path = f"/api/letters/{site.first.slug}"
    first = api.get(path)
    tag = first.headers["ETag"]
    again = api.get(path, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == tag
    make_letter(site.svenja, site.sven, parent=site.first, title="A second answer")
    changed = api.get(path, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert (
        "Authorization" in changed.headers["Vary"]
        and "no-cache" in changed.headers["Cache-Control"]
    )
    listed = api.get("/api/letters")
    assert (
        api.get("/api/letters", headers={"If-None-Match": listed.headers["ETag"]}).status_code
        == 304
    )


def test_answers_for_a_token_are_private(api, site, token_of):
    response = api.get("/api/letters", headers=bearer(token_of(site.sven, "read")))
    assert "private" in response.headers["Cache-Control"]
    assert "X-Page-Cache" not in response.headers


def test_a_letter_shows_what_other_sites_said_of_it(api, site):
    target = f"{SITE_URL}/letters/{site.first.slug}"
    for number, (kind, status) in enumerate([
        (MentionKind.REPLY, MentionStatus.SHOWN), (MentionKind.LIKE, MentionStatus.SHOWN),
        (MentionKind.MENTION, MentionStatus.SHOWN), (MentionKind.REPLY, MentionStatus.WAITING),
    ]):  # fmt: skip
        source = f"https://blog.example.net/{number}"
        db.session.add(ReceivedWebmention(
            pair_key=url_key(source, target), source=source, target=target,
            letter_id=site.first.id, domain="blog.example.net", status=status, kind=kind,
            author_name="Ada", title=f"Page {number}", content_html="<p>Agreed.</p>",
            verified_at=utc_now(),
        ))  # fmt: skip
    db.session.commit()
    outside = json_of(api.get(f"/api/letters/{site.first.slug}"))["outside"]
    assert [answer["source"] for answer in outside["replies"]] == ["https://blog.example.net/0"]
    assert outside["replies"][0]["content_html"] == "<p>Agreed.</p>"
    assert outside["replies"][0]["author_name"] == "Ada" and outside["replies"][0]["published_at"]
    assert [answer["title"] for answer in outside["mentions"]] == ["Page 2"]
    assert (outside["likes"], outside["reposts"]) == (1, 0)
