"""The admin page (invitations and hidden letters) is there for admins only."""

from __future__ import annotations

from tests.support import sign_in


def test_admin_page_is_404_for_anonymous_and_non_admins(client, make_user):
    assert client.get("/admin").status_code == 404
    assert client.post("/admin", data={"email": "x@example.org"}).status_code == 404
    sign_in(client, make_user())
    assert client.get("/admin").status_code == 404
    assert client.post("/admin", data={"email": "x@example.org"}).status_code == 404
