"""Templates build each address once per request: the remembered one is the right one."""

from __future__ import annotations

from flask import render_template_string


def test_a_page_links_the_same_address_each_time_it_is_asked(app):
    with app.test_request_context("/"):
        page = render_template_string(
            "{{ url_for('discovery.profile', handle='svenja') }} "
            "{{ url_for('discovery.profile', handle='svenja') }} "
            "{{ url_for('discovery.profile', handle='sven') }}"
        )
    assert page.split() == ["/@svenja", "/@svenja", "/@sven"]
