"""Replying to a notice: the Reply-To address, and what a colleague's reply becomes."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.letters.models import Letter, LetterStatus
from app.notifications.reply_address import read_reply_token
from tests.inbound.replying import REPLY_DOMAIN, reply_message, reply_to_of, send_lmtp
from tests.support import all_notices, sign_in

SVENJAS_REPLY = """Lieber Sven,

danke für deinen Brief. Ich sehe das
ganz ähnlich wie du.

Ein zweiter Absatz.

Viele Grüße
Svenja

-- \nSvenja Köhler
Head of Engineering, Telefon 0123 456789

Am 03.03.25 um 10:00 schrieb Sven Albrecht:
> Liebe Svenja,
>
> wie hältst du es mit dem Zuhören?
"""


def replies_to(letter: Letter) -> list[Letter]:
    query = select(Letter).where(Letter.in_reply_to_id == letter.id).order_by(Letter.id)
    return list(db.session.scalars(query))


def test_notice_carries_a_short_signed_reply_address_and_says_so(notice_to_svenja):
    letter, notice = notice_to_svenja()
    reply_to = reply_to_of(notice)
    local, _, domain = reply_to.partition("@")
    assert domain == REPLY_DOMAIN and local.startswith("reply+")
    assert len(local) <= 64  # RFC 5321's limit for a local part
    assert "Antworte auf diese E-Mail, um auf den Brief zu antworten." in notice.text
    assert "Antworte auf diese E-Mail, um auf den Brief zu antworten." in notice.html


def test_each_recipient_gets_an_address_of_their_own(
    make_user, make_letter, mail_server, sven_and_svenja
):
    sven, svenja = sven_and_svenja
    priya = make_user("Priya Natarajan", email="priya@example.org", locale="en")
    first = make_letter(sven, svenja, title="First")
    make_letter(priya, sven, parent=first, title="Re: First")
    mails = mail_server.inbox.wait_for(3)
    addresses = {mail.recipients[0]: reply_to_of(mail) for mail in mails}
    assert len(set(addresses.values())) == len(addresses) >= 2


def test_english_notice_says_replying_answers_the_letter(make_user, make_letter, mail_server):
    ada = make_user("Ada", email="ada@example.org", locale="en")
    bob = make_user("Bob", email="bob@example.org", locale="en")
    make_letter(ada, bob)
    notice = mail_server.inbox.wait_for(1)[0]
    assert "Reply to this email to answer the letter." in notice.text
    assert reply_to_of(notice).startswith("reply+")


def test_without_reply_domain_no_reply_address_and_no_word_of_replying(
    app_factory, mail_server, make_user, make_letter
):
    reply_app_off = app_factory(**mail_server.settings)
    with reply_app_off.app_context():
        ada = make_user("Ada", email="ada@example.org", locale="en")
        bob = make_user("Bob", email="bob@example.org", locale="en")
        make_letter(ada, bob)
        notice = mail_server.inbox.wait_for(1)[0]
    assert notice.message["Reply-To"] is None
    assert "reply" not in notice.text.lower()
    assert "reply" not in notice.html.lower()


def test_colleague_reply_becomes_a_private_draft_answering_the_letter(
    listener, notice_to_svenja, client, make_user, sven_and_svenja
):
    letter, notice = notice_to_svenja()
    raw = reply_message(notice, SVENJAS_REPLY)
    answer = send_lmtp(listener.port, raw, reply_to_of(notice))
    assert (answer.code, answer.text) == (250, "2.0.0 Reply taken")
    [draft] = replies_to(letter)
    assert draft.status == LetterStatus.DRAFT
    assert draft.title == "Re: Über Zuhören"
    assert draft.salutation == "Lieber Sven,"
    assert (
        draft.body
        == "danke für deinen Brief. Ich sehe das\nganz ähnlich wie du.\n\nEin zweiter Absatz."
    )
    assert (draft.closing, draft.signature) == ("Viele Grüße", "Svenja")
    assert draft.addressee_id == letter.author_id and draft.thread_root_id == letter.id
    assert "Telefon" not in draft.body and "Zuhören?" not in draft.body
    # Nobody else sees it: not a reader, not another colleague.
    assert client.get(f"/letters/{draft.slug}").status_code == 404
    sign_in(client, make_user("Priya"))
    assert client.get(f"/letters/{draft.slug}").status_code == 404


def test_colleague_gets_the_review_link_in_their_language_and_publishes_in_one_click(
    app, listener, notice_to_svenja, mail_server, sven_and_svenja
):
    letter, notice = notice_to_svenja()
    send_lmtp(listener.port, reply_message(notice, SVENJAS_REPLY), reply_to_of(notice))
    [draft] = replies_to(letter)
    review = mail_server.inbox.wait_for(2)[-1]
    assert review.recipients == ["svenja@example.org"]
    assert (
        str(review.message["Subject"]) == "Deine Antwort per E-Mail ist ein Entwurf: Über Zuhören"
    )
    assert str(review.message["Auto-Submitted"]) == "auto-generated"
    link = f"https://briefe.example.org/letters/{draft.slug}"
    assert link in review.text and "mit einem Klick" in review.text
    client = app.test_client()
    sign_in(client, sven_and_svenja[1])
    page = client.get(f"/letters/{draft.slug}").get_data(as_text=True)
    assert "Dieser Entwurf entstand aus deiner Antwort per E-Mail" in page
    assert "Anhang" not in page  # the reply had none
    published = client.post(f"/letters/{draft.slug}/publish")
    assert published.status_code == 302
    db.session.expire_all()
    assert db.session.get(Letter, draft.id).status == LetterStatus.PUBLISHED


def test_attachments_are_not_imported_and_the_draft_page_says_so(
    app, listener, notice_to_svenja, sven_and_svenja
):
    from email import message_from_bytes, policy

    letter, notice = notice_to_svenja()
    message = message_from_bytes(reply_message(notice, SVENJAS_REPLY), policy=policy.default)
    message.add_attachment(b"%PDF-1.4 not really", maintype="application", subtype="pdf",
                           filename="plan.pdf")  # fmt: skip
    message.add_attachment(b"\x89PNG...", maintype="image", subtype="png", filename="a.png")
    assert send_lmtp(listener.port, message.as_bytes(), reply_to_of(notice)).code == 250
    [draft] = replies_to(letter)
    assert "PDF" not in draft.body and "plan.pdf" not in draft.body
    client = app.test_client()
    sign_in(client, sven_and_svenja[1])
    page = client.get(f"/letters/{draft.slug}").get_data(as_text=True)
    assert "Die 2 Anhänge der E-Mail wurden nicht übernommen." in page


def test_reply_by_email_publish_publishes_at_once_and_tells_as_usual(
    app, listener, notice_to_svenja, mail_server
):
    app.config["REPLY_BY_EMAIL"] = "publish"
    letter, notice = notice_to_svenja()
    assert (
        send_lmtp(listener.port, reply_message(notice, SVENJAS_REPLY), reply_to_of(notice)).code
        == 250
    )
    [reply] = replies_to(letter)
    assert reply.status == LetterStatus.PUBLISHED
    mails = mail_server.inbox.wait_for(3)
    to_sven = [mail for mail in mails if mail.recipients == ["sven@example.org"]]
    assert len(to_sven) == 1 and "Svenja" in str(to_sven[0].message["Subject"])
    to_svenja = [mail for mail in mails if mail.recipients == ["svenja@example.org"]]
    assert str(to_svenja[-1].message["Subject"]).startswith(
        "Deine Antwort per E-Mail ist veröffentlicht"
    )


def test_html_only_reply_is_turned_into_text(listener, notice_to_svenja):
    letter, notice = notice_to_svenja()
    html = (
        "<html><body><p>Lieber Sven,</p><p>das ist <b>wichtig</b> &amp; gut.</p>"
        "<p>Zweiter Absatz.</p><p>Viele Grüße<br>Svenja</p>"
        '<div class="gmail_quote">Am Mo., 3. März 2025 um 10:00 Uhr schrieb Sven Albrecht &lt;'
        "sven@example.org&gt;:<br><blockquote>Liebe Svenja, alt</blockquote></div></body></html>"
    )
    raw = reply_message(notice, "", html=html)
    assert send_lmtp(listener.port, raw, reply_to_of(notice)).code == 250
    [draft] = replies_to(letter)
    assert draft.salutation == "Lieber Sven,"
    assert draft.body == "das ist wichtig & gut.\n\nZweiter Absatz."
    assert (draft.closing, draft.signature) == ("Viele Grüße", "Svenja")
    assert "<" not in draft.body and "alt" not in draft.body


def test_notices_keep_their_reply_address_when_rendered_once_for_many(
    make_user, make_letter, subscribe, mail_server
):
    from app.subscriptions.models import Target

    ada = make_user("Ada", email="ada@example.org", locale="en")
    for number in range(3):
        subscribe(f"reader{number}@example.org", Target.AUTHOR, ada.id)
    make_letter(ada)
    mails = mail_server.inbox.wait_for(3)
    addresses = [reply_to_of(mail) for mail in mails]
    assert len(set(addresses)) == 3 and all("PERSONAL" not in a for a in addresses)
    notice_ids = {n.recipient: n.id for n in all_notices()}
    for mail in mails:  # each address names that reader's own notice
        token = reply_to_of(mail).partition("@")[0].removeprefix("reply+")
        assert read_reply_token(token).notice_id == notice_ids[mail.recipients[0]]
