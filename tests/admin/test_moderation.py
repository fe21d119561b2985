"""Admins hide a letter from readers; its author and admins still see it."""

from __future__ import annotations

from tests.support import sign_in


def test_admin_hides_letter_from_readers(client, make_user, make_letter):
    admin, author = make_user(is_admin=True), make_user()
    letter = make_letter(author, admin)
    sign_in(client, admin)
    client.post(f"/admin/letters/{letter.slug}/hidden", data={"reason": "Off topic"})
    assert client.get(f"/letters/{letter.slug}").status_code == 200  # admins still see it
    client.post("/auth/logout")
    assert client.get(f"/letters/{letter.slug}").status_code == 404
    sign_in(client, author)
    assert client.get(f"/letters/{letter.slug}").status_code == 200
