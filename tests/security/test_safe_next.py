"""`next=` only ever sends the reader to a path of this site."""

from __future__ import annotations

import pytest

from app.web import safe_next_path
from tests.support import PASSWORD

REFUSED = [
    "//evil.example",
    "//evil.example/letters/x",
    "///evil.example",
    "\\\\evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "https://evil.example",
    "http://evil.example/",
    "HTTPS://evil.example",
    "ftp://evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "%2F%2Fevil.example",
    "%2f%2fevil.example",
    "%5C%5Cevil.example",
    "evil.example",
    "letters/relative",
    " //evil.example",
    "\t//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\x00/evil.example",
    "/\x0b/evil.example",
    "/\x7f/evil.example",
    "/\x85/evil.example",
    "/letters/x\r\nSet-Cookie: a=b",
    "",
    None,
]
ACCEPTED = [
    "/",
    "/letters/on-listening",
    "/letters/on-listening?page=2",
    "/search?q=Liebe+Svenja&lang=de",
    "/threads/root#letter-re-root",
    "/@svenja",
    "/letters/gr%C3%BC%C3%9Fe",
    "/letters/grüße",
    "/path/with//double/slash",
    "/%2F%2Fevil.example",  # a path on this site: the browser does not decode %2F here
    "/?next=//evil.example",
]


@pytest.mark.parametrize("target", REFUSED, ids=repr)
def test_targets_off_this_site_are_refused(target):
    assert safe_next_path(target) == "/"
    assert safe_next_path(target, default="/settings") == "/settings"


@pytest.mark.parametrize("target", ACCEPTED, ids=repr)
def test_paths_of_this_site_are_kept(target):
    assert safe_next_path(target) == target


# Login's own next= handling is tested in tests/accounts/test_login.py.


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "/\\evil.example"])
def test_language_switch_redirects_only_within_the_site(client, target):
    response = client.post("/language", data={"lang": "de", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_sign_in_returns_to_the_page_that_asked_for_it(client, make_user):
    user = make_user()
    asked = client.get("/letters/new?to=svenja")
    assert asked.status_code == 302
    login_url = asked.headers["Location"]
    assert login_url.startswith("/auth/login?next=")
    response = client.post(login_url, data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/letters/new?to=svenja"
