"""The reader's language: account setting, then a remembered choice, then the browser's."""

from __future__ import annotations

from app.extensions import db
from tests.support import CompiledTemplates, sign_in


def test_reader_picks_a_language_with_a_link_and_it_is_remembered(client, make_user, make_letter):
    letter = make_letter(make_user(), None, title="Hello")
    page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert f'href="/language/de?next=/letters/{letter.slug}' in page
    response = client.get(f"/language/de?next=/letters/{letter.slug}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/letters/{letter.slug}"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=de;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    german = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert '<html lang="de">' in german
    assert "Suchen" in german
    assert client.get("/language/fr").status_code == 404
    assert client.get("/language/de?next=//evil.example").headers["Location"] == "/"


def test_browser_language_is_used_until_the_reader_chooses(client):
    assert '<html lang="de">' in client.get(
        "/", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}
    ).get_data(as_text=True)
    assert '<html lang="en">' in client.get(
        "/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}
    ).get_data(as_text=True)
    client.get("/language/en")
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "de-DE"}).get_data(
        as_text=True
    )


def test_signed_in_colleague_switches_their_account_language(client, make_user):
    user = make_user(locale="en")
    sign_in(client, user)
    response = client.post("/language", data={"lang": "de", "next": "/settings"})
    assert response.headers["Location"] == "/settings"
    db.session.refresh(user)
    assert user.locale == "de"
    client.delete_cookie("lang")
    assert '<html lang="de">' in client.get("/", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )


def test_a_letter_page_sets_no_cookie_for_readers(client, make_user, make_letter):
    letter = make_letter(make_user(), None)
    response = client.get(f"/letters/{letter.slug}")
    assert "Set-Cookie" not in response.headers


def test_sign_in_and_language_links_name_the_page_without_a_stray_question_mark(
    client, make_user, make_letter
):
    letter = make_letter(make_user(), None, title="Hello")
    page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert f'href="/auth/login?next=/letters/{letter.slug}"' in page
    assert f'href="/language/de?next=/letters/{letter.slug}"' in page
    searched = client.get("/search?q=hello").get_data(as_text=True)
    assert 'href="/auth/login?next=/search?q%3Dhello"' in searched


def test_pages_read_one_after_the_other_in_both_languages_keep_each_its_own(
    client, make_user, make_letter
):
    """Templates are compiled once per language: neither language's words leak into the other."""
    letter = make_letter(make_user(), None, title="Hello")
    pages = {}
    for language in ("de", "en", "de", "en"):
        for path in (f"/letters/{letter.slug}", "/", "/nowhere"):
            headers = {"Accept-Language": language}
            pages[language, path] = client.get(path, headers=headers).get_data(as_text=True)
    for path in (f"/letters/{letter.slug}", "/", "/nowhere"):
        assert "Zum Inhalt springen" in pages["de", path] and "Anmelden" in pages["de", path]
        assert "Skip to content" not in pages["de", path]
        assert "Skip to content" in pages["en", path] and "Sign in" in pages["en", path]
        assert "Anmelden" not in pages["en", path]


def test_a_shared_bytecode_cache_gives_each_language_its_own_code(app_factory, make_user):
    """A bytecode cache (as a deployment may set) keys compiled templates by language too."""
    shared = CompiledTemplates()  # one of its own, not the suite's
    german_first, english_after = app_factory(), app_factory()
    for app, language, expected, foreign in (
        (german_first, "de", "Zum Inhalt springen", "Skip to content"),
        (english_after, "en", "Skip to content", "Zum Inhalt springen"),
    ):
        app.jinja_env.bytecode_cache = shared
        page = app.test_client().get("/", headers={"Accept-Language": language})
        assert expected in page.get_data(as_text=True)
        assert foreign not in page.get_data(as_text=True)
    assert len(shared.code) >= 2
