"""Before publishing, the writer sees who will be told."""

from __future__ import annotations

from app.extensions import db
from app.links.service import set_tags
from app.subscriptions.models import Frequency, Target
from tests.support import letter_form, sign_in


def audience_of(html: str) -> str:
    start = html.index('id="audience-heading"')
    return html[start : html.index("</section>", start)]


def test_the_write_page_says_who_will_be_told_on_publishing(
    client, make_user, make_letter, subscribe
):
    sven = make_user("Sven Albrecht", handle="sven")
    svenja = make_user("Svenja Köhler", handle="svenja")
    priya = make_user("Priya")
    opening = make_letter(svenja, sven, title="Opening")
    make_letter(priya, svenja, title="Joining in", parent=opening)
    set_tags(opening, ["Design"])
    db.session.commit()
    subscribe("t1@example.org", Target.THREAD, opening.id)
    subscribe("a1@example.org", Target.AUTHOR, sven.id)
    subscribe("a2@example.org", Target.AUTHOR, sven.id, frequency=Frequency.WEEKLY)
    subscribe("unconfirmed@example.org", Target.AUTHOR, sven.id, confirmed_at=None)
    subscribe("site@example.org", Target.SITE)
    sign_in(client, sven)
    reply_page = client.get(f"/letters/{opening.slug}/reply").get_data(as_text=True)
    told = audience_of(reply_page)
    assert "Svenja Köhler, to whom it is written" in told
    # Svenja (the addressee) and Priya wrote in it, and one reader follows it
    assert "3 people who follow this correspondence" in told
    assert "2 people who follow Sven Albrecht" in told
    assert "1 person who follows every new letter" in told
    preview = client.post(
        "/letters/new",
        data=letter_form(addressee="", tags="Design", preview="Preview", publish=""),
    ).get_data(as_text=True)
    assert "correspondence" not in audience_of(preview)
    assert "person who follows its tags" not in audience_of(preview)  # nobody follows the tag
    subscribe("tag@example.org", Target.TAG, db.session.scalar(db.text("select id from tags")))
    preview = client.post(
        "/letters/new",
        data=letter_form(addressee="", tags="design", preview="Preview", publish=""),
    ).get_data(as_text=True)
    assert "1 person who follows its tags" in audience_of(preview)


def test_a_letter_nobody_follows_says_so(client, make_user):
    sign_in(client, make_user("Lonely"))
    page = client.get("/letters/new").get_data(as_text=True)
    assert "Nobody is told by email" in audience_of(page)
