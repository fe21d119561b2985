"""Signatures under open letters: who signed, and a colleague signing with a write token.

A colleague signs as on the letter page, in one click: their address is known, so nothing
is mailed to confirm it. Readers without an account sign on the site, through the
confirmation mail.
"""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import gettext as _
from marshmallow import Schema
from marshmallow.fields import Boolean, Integer, Nested

from app.api import bp
from app.api.access import also_answers, read_page, writing
from app.api.inputs import PageArgs
from app.api.letter_schemas import PaginationSchema, SignaturesSchema, SignerSchema, many
from app.api.letter_views import readable_letter_or_404
from app.api.paging import Paged, page_links
from app.api.represent import signatures_of_letters, signer
from app.api.writing_views import writer
from app.letters.models import Letter, LetterStatus
from app.signatures.listing import shown_signatures, signature_count
from app.signatures.service import (
    SigningError,
    sign_as_colleague,
    withdraw_colleagues_signature,
)

TAGS = ["Signatures"]


class SigningSchema(Schema):
    named = Boolean(load_default=True, metadata={"description": "False: counted, but not named."})
    told_of_answers = Boolean(
        load_default=False,
        metadata={"description": "Be told by email when the letter is answered."},
    )


class SignaturePageSchema(Schema):
    count = Integer(required=True, metadata={"description": "Confirmed signatures."})
    named = Integer(required=True, metadata={"description": "Of those, the named ones."})
    open = Boolean(required=True, metadata={"description": "The letter can be signed now."})
    items = many(SignerSchema, "Named signers, in order of signing.")
    pagination = Nested(PaginationSchema, required=True)


def signable_letter_or_404(slug: str) -> Letter:
    """A published letter (a withdrawn one is gone: 410; others are not there: 404)."""
    letter = readable_letter_or_404(slug)
    if letter.status == LetterStatus.WITHDRAWN:
        abort(410, description=_("This letter was withdrawn by its author."))
    if letter.status != LetterStatus.PUBLISHED:
        abort(404, description=_("There is no letter here, or none you may see."))
    return letter


@bp.route("/letters/<slug:slug>/signatures", endpoint="signatures", tags=TAGS)
@also_answers(410)
@read_page(PageArgs, SignaturePageSchema)
def signatures(args: dict[str, Any], slug: str) -> Any:
    """Who signed a letter: the count, and the named signers page by page."""
    letter = signable_letter_or_404(slug)
    count = signature_count(letter.id)
    page, per_page = args["page"], args["per_page"]
    found = shown_signatures(letter.id, (page - 1) * per_page, per_page + 1)
    paged = Paged(
        [signer(shown) for shown in found[:per_page]], page, per_page, len(found) > per_page
    )
    body = {"count": count.total, "named": count.named, "open": not count.closed}
    return body | {"items": paged.items, "pagination": paged.pagination}, page_links(paged)


@bp.route("/letters/<slug:slug>/signatures", methods=["POST"], tags=TAGS)
@writing
@also_answers(409, 410)
@bp.arguments(SigningSchema, required=False)
@bp.response(201, SignaturesSchema, description="Signed.")
@bp.alt_response(200, schema=SignaturesSchema, description="Signed already.", success=True)
def sign(data: dict[str, Any], slug: str) -> Any:
    """Sign a published letter as the token's colleague (not one's own letter)."""
    letter = signable_letter_or_404(slug)
    try:
        signed = sign_as_colleague(letter, writer(), data["named"], data["told_of_answers"])
    except SigningError as error:
        abort(error.status, description=str(error))
    return signatures_of_letters([letter])[letter.id], 201 if signed else 200


@bp.route("/letters/<slug:slug>/signatures", methods=["DELETE"], tags=TAGS)
@writing
@bp.response(204, description="The signature is withdrawn.")
def withdraw_signature(slug: str) -> Any:
    """Withdraw the token's colleague's signature from a letter."""
    letter = readable_letter_or_404(slug)
    if not withdraw_colleagues_signature(letter, writer()):
        abort(404, description=_("You have not signed this letter."))
    return None, 204
