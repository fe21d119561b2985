"""Replies as the common mail clients quote them, in German and English, plain and HTML.

Each reply has the same words above the quote; whatever the client puts around them (its
"wrote:" line, Outlook's header block, "Sent from my iPhone", the quoted letter) stays out.
"""

from __future__ import annotations

import pytest

from tests.inbound.replying import reply_message, reply_to_of, send_lmtp
from tests.inbound.test_replying_to_notices import replies_to

GERMAN = (
    "Lieber Sven,\n\ndanke für deinen Brief. Ich sehe das\nganz ähnlich.\n\nViele Grüße\nSvenja\n"
)
ENGLISH = "Dear Sven,\n\nthank you for your letter. I see it\nmuch the same way.\n\nBest\nSvenja\n"
GERMAN_HTML = (
    "<p>Lieber Sven,</p><p>danke für deinen Brief. Ich sehe das<br>ganz ähnlich.</p>"
    "<p>Viele Grüße<br>Svenja</p>"
)
ENGLISH_HTML = (
    "<p>Dear Sven,</p><p>thank you for your letter. I see it<br>much the same way.</p>"
    "<p>Best<br>Svenja</p>"
)
QUOTED = "> Liebe Svenja,\n>\n> wie hältst du es mit dem Zuhören?\n"
QUOTED_HTML = (
    '<blockquote type="cite"><p>Liebe Svenja,</p>'
    "<p>wie hältst du es mit dem Zuhören?</p></blockquote>"
)
OUTLOOK_DE_HEADER = (
    "Von: Sven Albrecht <sven@example.org>\nGesendet: Montag, 3. März 2025 10:00\n"
    "An: Svenja Köhler <svenja@example.org>\nBetreff: Über Zuhören\n\n"
)
OUTLOOK_EN_HEADER = (
    "From: Sven Albrecht <sven@example.org>\nSent: Monday, March 3, 2025 10:00 AM\n"
    "To: Svenja Köhler <svenja@example.org>\nSubject: Über Zuhören\n\n"
)

PLAIN_REPLIES = {
    "Thunderbird, German": GERMAN + "\nAm 03.03.25 um 10:00 schrieb Sven Albrecht:\n" + QUOTED,
    "Thunderbird, English": ENGLISH + "\nOn 3/3/25 10:00, Sven Albrecht wrote:\n" + QUOTED,
    "Apple Mail, German": GERMAN
    + "\nVon meinem iPhone gesendet\n\n> Am 03.03.2025 um 10:00 schrieb Sven Albrecht"
    " <sven@example.org>:\n> \n" + QUOTED,
    "Apple Mail, English": ENGLISH
    + "\nSent from my iPhone\n\n> On 3 Mar 2025, at 10:00, Sven Albrecht"
    " <sven@example.org> wrote:\n> \n" + QUOTED,
    "Outlook, German": GERMAN
    + "\n________________________________\n"
    + OUTLOOK_DE_HEADER
    + "Liebe Svenja,\n\nwie hältst du es mit dem Zuhören?\n",
    "Outlook (older), German": GERMAN
    + "\n-----Ursprüngliche Nachricht-----\n"
    + OUTLOOK_DE_HEADER
    + "Liebe Svenja,\n\nwie hältst du es mit dem Zuhören?\n",
    "Outlook, English": ENGLISH
    + "\n________________________________\n"
    + OUTLOOK_EN_HEADER
    + "Liebe Svenja,\n\nwie hältst du es mit dem Zuhören?\n",
    # Gmail wraps its long "wrote:" line where the address begins.
    "Gmail, German": GERMAN
    + "\nAm Mo., 3. März 2025 um 10:00 Uhr schrieb Sven Albrecht <\nsven@example.org>:\n\n"
    + QUOTED,
    "Gmail, English": ENGLISH
    + "\nOn Mon, Mar 3, 2025 at 10:00 AM Sven Albrecht <sven@example.org>\nwrote:\n\n"
    + QUOTED,
}

HTML_ONLY_REPLIES = {
    "Thunderbird, German": GERMAN_HTML
    + '<div class="moz-cite-prefix">Am 03.03.25 um 10:00 schrieb Sven Albrecht:<br></div>'
    + QUOTED_HTML,
    "Apple Mail, English": ENGLISH_HTML
    + '<div>Sent from my iPhone</div><div><br><blockquote type="cite">On 3 Mar 2025, at'
    " 10:00, Sven Albrecht &lt;sven@example.org&gt; wrote:<br><br></blockquote></div>"
    + QUOTED_HTML,
    "Outlook, German": GERMAN_HTML
    + '<hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg" dir="ltr">'
    "<b>Von:</b> Sven Albrecht &lt;sven@example.org&gt;<br><b>Gesendet:</b> Montag, 3. März"
    " 2025 10:00<br><b>An:</b> Svenja Köhler &lt;svenja@example.org&gt;<br><b>Betreff:</b>"
    " Über Zuhören</div><div><p>Liebe Svenja,</p><p>wie hältst du es mit dem Zuhören?</p></div>",
    "Gmail, English": ENGLISH_HTML
    + '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, Mar 3, 2025 at'
    " 10:00 AM Sven Albrecht &lt;sven@example.org&gt; wrote:<br></div>" + QUOTED_HTML + "</div>",
}


def expected_parts(client: str) -> tuple[str, str, str, str]:
    if "English" in client:
        return (
            "Dear Sven,",
            "thank you for your letter. I see it\nmuch the same way.",
            "Best",
            "Svenja",
        )
    return (
        "Lieber Sven,",
        "danke für deinen Brief. Ich sehe das\nganz ähnlich.",
        "Viele Grüße",
        "Svenja",
    )


def draft_from(listener, notice_to_svenja, body: str, html: str | None = None):
    letter, notice = notice_to_svenja()
    raw = reply_message(notice, body, html=html)
    answer = send_lmtp(listener.port, raw, reply_to_of(notice))
    assert answer.code == 250, answer.text
    [draft] = replies_to(letter)
    return draft


@pytest.mark.parametrize("client", PLAIN_REPLIES)
def test_a_plain_text_reply_keeps_only_what_was_written(listener, notice_to_svenja, client):
    draft = draft_from(listener, notice_to_svenja, PLAIN_REPLIES[client])
    parts = (draft.salutation, draft.body, draft.closing, draft.signature)
    assert parts == expected_parts(client)


@pytest.mark.parametrize("client", HTML_ONLY_REPLIES)
def test_an_html_only_reply_keeps_only_what_was_written(listener, notice_to_svenja, client):
    draft = draft_from(listener, notice_to_svenja, "", html=HTML_ONLY_REPLIES[client])
    parts = (draft.salutation, draft.body, draft.closing, draft.signature)
    assert parts == expected_parts(client)


@pytest.mark.parametrize("closing", ["Thanks", "Cheers"])
def test_a_reply_that_is_only_a_closing_word_keeps_it_as_its_body(
    listener, notice_to_svenja, closing
):
    draft = draft_from(listener, notice_to_svenja, f"{closing}\nSvenja\n\n" + QUOTED)
    assert draft.body == f"{closing}\nSvenja"


def test_quoted_lines_without_a_wrote_line_stay_out(listener, notice_to_svenja):
    text = "Lieber Sven,\n\n> wie hältst du es mit dem Zuhören?\n\nGut, danke.\n\n" + QUOTED
    draft = draft_from(listener, notice_to_svenja, text)
    assert draft.body == "Gut, danke."
