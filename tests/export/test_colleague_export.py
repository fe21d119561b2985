"""A colleague's zip from the settings page: letters, revisions, settings and threads read back."""

from __future__ import annotations

import email
import io
import json
import mailbox
import zipfile
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import yaml

from tests.support import sign_in


def downloaded_zip(client, user) -> zipfile.ZipFile:
    sign_in(client, user)
    with client.get("/settings/export.zip") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/zip"
        assert "attachment" in response.headers["Content-Disposition"]
        assert "no-store" in response.headers["Cache-Control"]
        return zipfile.ZipFile(io.BytesIO(response.data))


def read_mbox(path: Path) -> list[EmailMessage]:
    """The messages of an mbox file, headers decoded as a mail program shows them."""
    box = mailbox.mbox(
        path, factory=lambda file: email.message_from_binary_file(file, policy=default)
    )
    try:
        return list(box)
    finally:
        box.close()


def front_matter_and_body(text: str) -> tuple[dict, str]:
    _, header, body = text.split("---\n", 2)
    return yaml.safe_load(header), body.strip()


def test_export_needs_sign_in(client):
    response = client.get("/settings/export.zip")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_settings_page_links_the_export(client, correspondence):
    sign_in(client, correspondence.svenja)
    assert 'href="/settings/export.zip"' in client.get("/settings").get_data(as_text=True)


def test_letters_with_every_field_and_drafts(client, correspondence):
    archive = downloaded_zip(client, correspondence.svenja)
    names = set(archive.namelist())
    opening = correspondence.opening
    assert f"svenja/letters/{opening.slug}.md" in names
    assert f"svenja/letters/{correspondence.draft.slug}.md" in names
    assert f"svenja/letters/{correspondence.answer.slug}.md" not in names  # Sven's letter
    header, body = front_matter_and_body(archive.read(f"svenja/letters/{opening.slug}.md").decode())
    assert body == "Second text."
    assert header["title"] == "On listening"
    assert header["slug"] == opening.slug
    assert header["status"] == "published"
    assert header["addressee"] == "Sven Ebert"
    assert header["addressee_handle"] == "sven"
    assert header["salutation"] == "Lieber Sven,"
    assert header["closing"] == "Best"
    assert header["postscript"] == "See the panel."
    assert header["language"] == "en"
    assert header["published_at"] and header["edited_at"]
    assert header["tags"] == ["Design", "Leadership"]
    assert {"kind": "related", "url": "https://example.com/panel", "label": "Panel",
            "target_letter_id": None} in header["links"]  # fmt: skip
    assert header["thread"] == opening.slug and header["in_reply_to"] is None
    second, _ = front_matter_and_body(
        archive.read(f"svenja/letters/{correspondence.second.slug}.md").decode()
    )
    assert second["in_reply_to"] == correspondence.answer.slug
    assert second["thread"] == opening.slug
    draft, _ = front_matter_and_body(
        archive.read(f"svenja/letters/{correspondence.draft.slug}.md").decode()
    )
    assert draft["status"] == "draft" and draft["published_at"] is None


def test_revisions_as_files_of_their_own(client, correspondence):
    archive = downloaded_zip(client, correspondence.svenja)
    slug = correspondence.opening.slug
    header, body = front_matter_and_body(
        archive.read(f"svenja/letters/revisions/{slug}/1.md").decode()
    )
    assert body == "First text."
    assert header["title"] == "On listening" and header["replaced_at"]


def test_profile_subscriptions_signatures_and_tokens_as_json(client, correspondence):
    archive = downloaded_zip(client, correspondence.svenja)
    profile = json.loads(archive.read("svenja/profile.json"))
    assert profile["display_name"] == "Svenja Köhler"
    assert profile["email"] == "svenja@example.org"
    assert profile["notice_settings"]["letters_to_me"] is True
    assert "password_hash" not in profile and "session_nonce" not in profile
    subscriptions = json.loads(archive.read("svenja/subscriptions.json"))
    assert [(s["target"], s["target_id"]) for s in subscriptions] == [
        ("author", correspondence.sven.id)
    ]
    signatures = json.loads(archive.read("svenja/signatures.json"))
    assert [s["letter"] for s in signatures] == [correspondence.answer.slug]
    tokens = json.loads(archive.read("svenja/access_tokens.json"))
    assert [(t["name"], t["scope"]) for t in tokens] == [("My script", "read")]
    assert set(tokens[0]) == {"name", "scope", "created_at", "last_used_at"}
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert correspondence.token_secret.encode() not in everything
    assert correspondence.svenja.password_hash.encode() not in everything


def test_correspondence_as_a_threaded_mbox(client, correspondence, tmp_path: Path):
    archive = downloaded_zip(client, correspondence.svenja)
    opening = correspondence.opening
    mbox_name = f"svenja/correspondences/{opening.slug}.mbox"
    assert sorted(n for n in archive.namelist() if n.endswith(".mbox")) == sorted(
        [mbox_name, f"svenja/correspondences/{correspondence.draft.slug}.mbox"]
    )
    path = tmp_path / "thread.mbox"
    path.write_bytes(archive.read(mbox_name))
    messages = read_mbox(path)
    assert [m["Subject"] for m in messages] == [
        "On listening", "Re: On listening", "Listening, again"
    ]  # fmt: skip
    assert messages[0]["From"] == "Svenja Köhler <svenja@colleagues.invalid>"
    assert "sven@example.org" not in path.read_text()
    by_id = {m["Message-ID"]: m for m in messages}
    assert len(by_id) == 3 and messages[0]["In-Reply-To"] is None
    for child, parent in ((messages[1], messages[0]), (messages[2], messages[1])):
        assert child["In-Reply-To"] == parent["Message-ID"]
        assert child["References"].split()[-1] == parent["Message-ID"]
    assert messages[2]["References"].split() == [
        messages[0]["Message-ID"],
        messages[1]["Message-ID"],
    ]
    assert "Second text." in messages[0].get_content()
    assert messages[0]["Date"]


def test_others_drafts_stay_out_of_the_mbox(client, correspondence, make_letter, tmp_path: Path):
    make_letter(correspondence.sven, correspondence.svenja, title="Sven's secret draft",
                parent=correspondence.second, publish=False)  # fmt: skip
    archive = downloaded_zip(client, correspondence.svenja)
    path = tmp_path / "thread.mbox"
    path.write_bytes(archive.read(f"svenja/correspondences/{correspondence.opening.slug}.mbox"))
    assert "Sven's secret draft" not in [m["Subject"] for m in read_mbox(path)]
