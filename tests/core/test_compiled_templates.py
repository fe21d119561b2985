"""Templates compiled once per language and imported without Jinja's per-render checks read
exactly as Jinja's own would."""

from __future__ import annotations

from flask_babel import force_locale
from jinja2 import DictLoader

TEMPLATES = {
    "macros.html": "{% macro who() %}{{ extra }}{% endmacro %}",
    "page.html": '{% from "macros.html" import who %}[{{ who() }}]',
    "words.html": '{{ _("Sign in") }}|{{ _("100%% sure") }}|'
    '{{ _("Letters by %(name)s", name="<b>") }}',
}


def test_an_imported_macro_sees_the_globals_its_importer_was_given(app):
    environment = app.jinja_env.overlay(loader=DictLoader(TEMPLATES))
    with app.test_request_context():
        page = environment.get_template("page.html", globals={"extra": "given"})
        assert page.render() == "[given]"
        assert environment.get_template("page.html").render() == "[given]"


def test_fixed_strings_are_translated_and_the_rest_still_escaped(app):
    environment = app.jinja_env.overlay(loader=DictLoader(TEMPLATES))
    for language, expected in (
        ("de", "Anmelden|100% sure|Briefe von &lt;b&gt;"),
        ("en", "Sign in|100% sure|Letters by &lt;b&gt;"),
    ):
        with app.test_request_context(), force_locale(language):
            assert environment.get_template("words.html").render() == expected


def test_a_fixed_string_is_translated_once_when_compiled_not_at_each_render(app):
    environment = app.jinja_env.overlay(loader=DictLoader(TEMPLATES))
    calls = []

    def counted_gettext(text, **values):
        calls.append(text)
        return text % values

    with app.test_request_context(), force_locale("de"):
        page = environment.get_template("words.html").render(_=counted_gettext)
    assert page.startswith("Anmelden|100% sure|")
    assert calls == ["Letters by %(name)s"]  # only the call with a value is left to the render


def test_every_template_stays_compiled_in_every_language(app):
    templates = app.jinja_env.list_templates()
    languages = len(app.config["LANGUAGES"]) + 1  # and once without a language
    assert len(templates) * languages <= app.jinja_env.cache.capacity
