"""Real exports vary: WXR 1.0 to 1.2, Gutenberg and shortcodes, odd characters, posts without
title or text, dozens of tags. None of it stops an import; a broken file imports nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.letters.models import Language, Letter, LetterStatus
from app.links.models import Link
from app.links.service import tag_names
from tests.importing.support import EXPORTS, email_of, letter, report_of

ROOT = Path(__file__).resolve().parents[2]

ODD_REPORT = """\
Imported from Seltsame Zeichen (https://zeichen.example.org/blog):
  6 letters published
  2 drafts (never public): 1 password-protected, 1 private
Skipped:
  1 post in the trash
Parts not recognised:
  5 letters without a closing and signature
  5 letters without a salutation (to their readers)
  1 letter without a title (named by their first words)
  1 letter without any text
Recognised:
  3 letters to someone outside (no colleague has the name greeted)
Colleagues created without a password (1; invite each with `flask users invite EMAIL`): \
mia@example.org
Addresses changed (1): über-uns → ueber-uns (plain letters only)
Pictures and embeds of the old blog made links: 1
Shortcodes dropped: [contact-form-7] ×1
1 letter with more categories and tags than a letter has: the first five kept
Characters removed that cannot be stored or would mislead (NUL, control characters, bidi \
controls, zero-width spaces): 16"""


def letter_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Letter))


def test_wxr_1_0_with_authors_known_by_login_only(make_user, import_export):
    sven = make_user("Sven Albrecht", handle="sven")
    make_user("Svenja Köhler", email="svenja@example.org")
    result = import_export("wxr_1_0")
    assert result.exit_code == 0, result.output
    first = letter("vom-anfangen")
    assert first.author_id == sven.id
    assert email_of(first.addressee_id) == "svenja@example.org"
    parts = (first.salutation, first.closing, first.signature)
    assert parts == ("Hallo Svenja!", "Viele Grüße", "Sven")
    assert first.postscript == "<http://www.youtube.com/watch?v=dQw4w9WgXcQ&w=640&h=385>"
    assert "- erstens\n- zweitens" in first.body
    assert tag_names(first) == ["Briefe", "Anfang"]
    assert "1 post by an author without an email address" in result.output


def test_an_author_without_address_comes_in_under_the_colleague_named(make_user, import_export):
    make_user("Sven Albrecht", handle="sven")
    result = import_export("wxr_1_0", "--unknown-author", "Gast@Example.org")
    assert result.exit_code == 0, result.output
    guest_post = letter("vom-aufhoeren")
    assert email_of(guest_post.author_id) == "gast@example.org"
    assert (guest_post.closing, guest_post.signature) == ("Dein", "Gast")
    # It links to the first post by the blog's short link, relative: now to its letter,
    # which shows the backlink; the first post's link to it came in before it existed.
    first = letter("vom-anfangen")
    targets = set(db.session.execute(select(Link.letter_id, Link.target_letter_id)))
    assert targets == {(guest_post.id, first.id), (first.id, guest_post.id)}


def test_odd_characters_are_cleaned_and_reported(backend, import_export):
    result = import_export("odd_unicode")
    assert result.exit_code == 0, result.output
    assert report_of(result) == ODD_REPORT
    odd = letter("ein-titel-mit-tuecken")
    assert odd.title == "Ein Titel mit Tücken"
    for unwanted in ("\x00", "\x0c", "\x1b", "&#0;", "\u202e", "\u2066", "\u200b", "\ufeff"):
        assert unwanted not in odd.body, repr(unwanted)
    # Joined emoji and right-to-left script stay; decomposed letters are composed.
    assert "\U0001f468\u200d\U0001f469\u200d\U0001f467" in odd.body
    assert "\u0645\u0631\u062d\u0628\u0627" in odd.body
    assert "Zerlegt: Grüße sind Grüße." in odd.body
    assert (odd.closing, odd.signature) == ("Gruß", "Mia")
    assert db.session.scalars(select(User.display_name)).all() == ["mia"]


def test_posts_without_title_or_text_and_with_dozens_of_tags(import_export):
    import_export("odd_unicode")
    untitled = letter("post-2")
    assert untitled.title.startswith("Ohne Titel, aber mit Text: ein Gedanke zum Montag.")
    empty = letter("nur-ein-titel")
    assert (empty.title, empty.body) == ("Nur ein Titel", "")
    tags = tag_names(letter("viele-schlagworte"))
    assert tags == ["Ä" * 30, "Schlagwort 1", "Schlagwort 2", "Schlagwort 3", "Schlagwort 4"]


def test_gutenberg_blocks_embeds_and_scripts(client, import_export):
    import_export("odd_unicode")
    blocks = letter("bloecke-einbettungen")
    assert blocks.title == "Blöcke & Einbettungen"
    assert blocks.language == Language.EN
    assert (blocks.salutation, blocks.closing, blocks.signature) == ("Dear Svenja,", "Cheers",
                                                                     "Mia")  # fmt: skip
    assert "https://www.youtube.com/watch?v=9bZkp7q19f0" in blocks.body
    assert "<https://vimeo.com/76979871>" in blocks.body
    for gone in ("wp:", "tracked", "contact-form-7", "<iframe", "player.vimeo.com"):
        assert gone not in blocks.body
    page = client.get("/letters/bloecke-einbettungen").get_data(as_text=True)
    assert "<iframe" not in page and "<script>document" not in page


def test_private_and_password_protected_posts_stay_drafts(client, import_export):
    import_export("odd_unicode")
    for slug in ("privat", "mit-passwort"):
        assert letter(slug).status == LetterStatus.DRAFT
        assert client.get(f"/letters/{slug}").status_code == 404
    assert letter("ueber-uns").status == LetterStatus.PUBLISHED


def test_a_broken_file_imports_nothing_and_names_its_line(make_user, import_export):
    result = import_export("broken")
    assert result.exit_code == 1
    assert "not well-formed XML at line 45" in result.output
    assert "Nothing was imported." in result.output
    assert letter_count() == 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_an_entity_bomb_is_refused_unread(import_export):
    result = import_export("entity_bomb")
    assert result.exit_code == 1
    assert "declares a DTD" in result.output
    assert letter_count() == 0


def test_a_feed_that_is_no_wordpress_export_is_refused(runner, tmp_path):
    atom = tmp_path / "feed.xml"
    atom.write_text('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>')
    result = runner.invoke(args=["import", "wordpress", str(atom)])
    assert result.exit_code == 1
    assert "not a WordPress export (WXR): it starts with <feed>" in result.output


def test_the_command_exits_non_zero_on_a_broken_file_and_zero_on_a_good_one(app):
    db.session.commit()  # SQLite: the test's own transaction would hold the write lock
    env = {**os.environ, "FLASK_APP": "app", "SECRET_KEY": "test-secret-key", "MAIL_SERVER": "",
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "PYTHONPATH": str(ROOT)}  # fmt: skip

    def flask_import(name: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "flask", "import", "wordpress", str(EXPORTS / name)]
        return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                              timeout=120)  # fmt: skip

    broken = flask_import("broken.xml")
    assert broken.returncode == 1
    assert "line 45" in broken.stderr and "Nothing was imported." in broken.stderr
    good = flask_import("letters_de_en.xml")
    assert good.returncode == 0, good.stderr
    assert "Imported from Briefe zwischen Kollegen" in good.stdout
    db.session.expire_all()
    assert letter_count() == 5
