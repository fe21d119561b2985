"""Signing pages: the reader's form, the colleague's button, confirming, withdrawing, the list.

The letter page for signed-out readers is kept by the page cache and by proxies, so it holds
no form: it links to /letters/<slug>/sign, a page of its own with a CSRF token, which no
cache keeps. Colleagues see the one-click button on their own page, which is never kept.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.accounts.access import admin_required
from app.accounts.tokens import InvalidToken
from app.extensions import limiter
from app.forms import ConfirmForm
from app.letters.models import Letter, LetterStatus
from app.letters.views import readable_letter_or_404, viewer
from app.page_cache import shared_page
from app.signatures import bp, service
from app.signatures.forms import OneClickSignForm, SignForm, SigningSwitchForm
from app.signatures.listing import page_of_names, signature_count
from app.signatures.service import Signer, SigningError
from app.web import safe_next_path


def refuse_unless_signable(letter: Letter, as_colleague: bool = False) -> None:
    """A 4xx with the reason when the letter cannot be signed now (by this colleague)."""
    try:
        if as_colleague:
            service.ensure_colleague_may_sign(letter, viewer())
        else:
            service.ensure_signable(letter)
    except SigningError as error:
        abort(error.status, description=str(error))


@bp.route("/letters/<slug>/sign", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["SIGN_LIMIT_PER_IP"],
    methods=["POST"],
    # A colleague's click sends no mail; an office behind one address signs many letters.
    exempt_when=lambda: current_user.is_authenticated,
)
def sign(slug: str):
    """A reader signs with name, affiliation and an address to confirm; a colleague in one click."""
    letter = readable_letter_or_404(slug)
    refuse_unless_signable(letter, as_colleague=current_user.is_authenticated)
    if current_user.is_authenticated:
        return sign_as_colleague(letter)
    form = SignForm()
    if form.validate_on_submit():
        signer = Signer(
            name=form.name.data,
            affiliation=form.affiliation.data or "",
            email=form.email.data,
            named=not form.hide_name.data,
            told_of_answers=form.told_of_answers.data,
            locale=str(get_locale()),
        )
        service.request_signature(letter, signer)
        return render_template("signatures/check_inbox.html", letter=letter, email=signer.email)
    status = 422 if form.errors else 200
    return render_template("signatures/sign.html", letter=letter, form=form), status


def sign_as_colleague(letter: Letter) -> Response | str:
    form = OneClickSignForm()
    if request.method == "GET":
        return render_template("signatures/sign.html", letter=letter, form=form, one_click=True)
    if not form.validate_on_submit():
        abort(400)
    try:
        signed = service.sign_as_colleague(
            letter, viewer(), not form.hide_name.data, form.told_of_answers.data
        )
    except SigningError as error:
        abort(error.status, description=str(error))
    if signed:
        flash(_("Thank you: you signed this letter."), "success")
    else:
        flash(_("You have signed this letter already."), "success")
    return back_to(letter)


def back_to(letter: Letter) -> Response:
    return redirect(url_for("letters.show", slug=letter.slug, _anchor="signatures"))


@bp.route("/signatures/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """GET shows a button (mail scanners follow links); the POST confirms the signature."""
    try:
        signature = service.signature_to_confirm(token)
    except InvalidToken:
        abort(410, description=_("This confirmation link has expired or is no longer valid."))
    letter = service.letter_of(signature)
    already = signature.confirmed_at is not None
    form = ConfirmForm()
    if not already and form.validate_on_submit():
        try:
            service.confirm_signature(signature, letter)
        except SigningError as error:
            abort(error.status, description=str(error))
    elif not already:
        refuse_unless_signable(letter)
        return render_template(
            "signatures/confirm.html", form=form, letter=letter, signature=signature
        )
    withdraw_token = service.withdraw_token(signature)
    return render_template(
        "signatures/confirmed.html", letter=letter, already=already, withdraw_token=withdraw_token
    )


@bp.route("/signatures/withdraw/<token>", methods=["GET", "POST"])
def withdraw(token: str):
    """GET shows a button and changes nothing; the POST withdraws the signature for good."""
    try:
        signature = service.signature_to_withdraw(token)
    except InvalidToken:
        abort(404)
    if signature is None:
        if request.method == "POST":  # pressed twice: done already
            return render_template("signatures/withdrawn.html")
        abort(410, description=_("This signature was withdrawn already."))
    letter = service.letter_of(signature)
    form = ConfirmForm()
    if form.validate_on_submit():
        service.withdraw_signature(signature)
        return render_template("signatures/withdrawn.html", letter=letter)
    return render_template("signatures/withdraw.html", form=form, letter=letter)


@bp.post("/letters/<slug>/signature/withdraw")
@login_required
def withdraw_own(slug: str) -> Response:
    """A colleague takes back the signature they gave on the letter page."""
    letter = readable_letter_or_404(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if service.withdraw_colleagues_signature(letter, viewer()):
        flash(_("Your signature is withdrawn."), "success")
    return back_to(letter)


@bp.post("/letters/<slug>/signing")
@login_required
def switch_signing(slug: str) -> Response:
    """The author closes signing of their letter, or opens it again."""
    letter = readable_letter_or_404(slug)
    if letter.author_id != current_user.id:
        abort(403)
    form = SigningSwitchForm()
    if not form.validate_on_submit():
        abort(400)
    closing = form.action.data == "close"
    service.set_signing_closed(letter, closed=closing)
    flash(_("Signing is closed.") if closing else _("Signing is open again."), "success")
    return back_to(letter)


@bp.post("/letters/<slug>/signatures/<int:signature_id>/remove")
@admin_required
def remove(slug: str, signature_id: int) -> Response:
    """An admin removes a signature (moderation): it is neither shown nor counted."""
    letter = readable_letter_or_404(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        service.remove_signature(letter, signature_id)
    except SigningError as error:
        abort(error.status, description=str(error))
    flash(_("The signature is removed."), "success")
    listing_path = url_for("signatures.listing", slug=slug)
    return redirect(safe_next_path(request.form.get("next"), default=listing_path))


@bp.route("/letters/<slug>/signatures")
@shared_page
def listing(slug: str):
    """Every named signer of a letter, NAMES_PER_PAGE a page, in order of signing."""
    letter = readable_letter_or_404(slug)
    if letter.status != LetterStatus.PUBLISHED:
        abort(410 if letter.status == LetterStatus.WITHDRAWN else 404)
    count = signature_count(letter.id)
    page = request.args.get("page", 1, type=int)
    if not 1 <= page <= count.pages:
        abort(404)
    return render_template(
        "signatures/list.html",
        letter=letter,
        count=count,
        page=page,
        names=page_of_names(letter.id, page),
        remove_form=ConfirmForm() if getattr(viewer(), "is_admin", False) else None,
    )
