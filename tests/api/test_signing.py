"""Signatures through the API: every letter says who stands behind it, and a colleague signs
(or withdraws) with a write token, under the rules of the letter page."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.letters.service import withdraw_letter
from app.signatures.models import Signature
from app.signatures.service import set_signing_closed
from tests.api.conftest import bearer, json_of
from tests.signatures.conftest import seed_signatures
from tests.support import SITE_URL


def test_a_colleague_signs_in_one_click_and_the_letter_says_so(api, site, token_of, make_user):
    ute = make_user("Ute Bauer", handle="ute", role_line="Engineer")
    path = f"/api/letters/{site.first.slug}/signatures"
    before = json_of(api.get(f"/api/letters/{site.first.slug}"))["signatures"]
    assert before == {"count": 0, "open": True, "names": [], "url": f"{SITE_URL}{path}"}

    signed = api.post(path, headers=bearer(token_of(ute)))
    assert signed.status_code == 201, signed.get_data(as_text=True)
    (name,) = json_of(signed)["names"]
    assert json_of(signed)["count"] == 1
    assert name["name"] == "Ute Bauer" and name["affiliation"] == "Engineer"
    assert name["handle"] == "ute" and name["url"] == f"{SITE_URL}/api/colleagues/ute"
    again = api.post(path, json={"named": False}, headers=bearer(token_of(ute)))
    assert again.status_code == 200 and json_of(again)["count"] == 1

    listed = json_of(api.get("/api/letters?author=sven"))["items"][0]["signatures"]
    assert listed["count"] == 1 and [found["handle"] for found in listed["names"]] == ["ute"]


def test_a_colleague_may_sign_without_being_named(api, site, token_of, make_user):
    path = f"/api/letters/{site.first.slug}/signatures"
    quiet = make_user("Quiet Colleague", handle="quiet")
    body = {"named": False, "told_of_answers": True}
    assert api.post(path, json=body, headers=bearer(token_of(quiet))).status_code == 201
    shown = json_of(api.get(path))
    assert (shown["count"], shown["named"], shown["items"]) == (1, 0, [])
    signature = db.session.scalars(select(Signature)).one()
    assert signature.told_of_answers and not signature.named


def test_signing_follows_the_letter_pages_rules(api, site, token_of):
    own = bearer(token_of(site.sven))
    mine = api.post(f"/api/letters/{site.first.slug}/signatures", headers=own)
    assert mine.status_code == 409
    assert json_of(mine)["message"] == "You wrote this letter: your signature is under it already."
    other = bearer(token_of(site.svenja))
    assert api.post(f"/api/letters/{site.draft.slug}/signatures", headers=other).status_code == 404
    set_signing_closed(site.first, closed=True)
    db.session.commit()
    closed = api.post(f"/api/letters/{site.first.slug}/signatures", headers=other)
    assert (
        closed.status_code == 409
        and json_of(closed)["message"] == "Signing of this letter is closed."
    )
    assert json_of(api.get(f"/api/letters/{site.first.slug}"))["signatures"]["open"] is False
    withdraw_letter(site.answer)
    db.session.commit()
    gone = api.post(
        f"/api/letters/{site.answer.slug}/signatures", headers=bearer(token_of(site.sven))
    )
    assert gone.status_code == 410
    reader = bearer(token_of(site.svenja, "read"))
    assert api.post(f"/api/letters/{site.first.slug}/signatures", headers=reader).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Signature)) == 0


def test_a_colleague_withdraws_their_signature(api, site, token_of):
    token = bearer(token_of(site.svenja))
    path = f"/api/letters/{site.first.slug}/signatures"
    assert api.post(path, headers=token).status_code == 201
    withdrawn = api.delete(path, headers=token)
    assert withdrawn.status_code == 204 and withdrawn.get_data() == b""
    assert json_of(api.get(path))["count"] == 0
    again = api.delete(path, headers=token)
    assert (
        again.status_code == 404 and json_of(again)["message"] == "You have not signed this letter."
    )


def test_signers_page_by_page_in_order_of_signing(api, site):
    seed_signatures(site.first, 130)
    first = api.get(f"/api/letters/{site.first.slug}/signatures?per_page=100")
    page = json_of(first)
    assert page["count"] == 130 and len(page["items"]) == 100
    assert page["items"][0]["name"] == "Signer 0000" and page["items"][0]["handle"] is None
    assert 'rel="next"' in first.headers["Link"]
    rest = json_of(api.get(f"/api/letters/{site.first.slug}/signatures?per_page=100&page=2"))
    assert [item["name"] for item in rest["items"]][-1] == "Signer 0129"
    letter = json_of(api.get(f"/api/letters/{site.first.slug}"))["signatures"]
    assert letter["count"] == 130 and len(letter["names"]) == 100
    assert api.get(f"/api/letters/{site.draft.slug}/signatures").status_code == 404
