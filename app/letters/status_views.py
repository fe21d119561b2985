"""A letter's status changed by its author: publish a draft, withdraw a letter, delete a draft."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.forms import ConfirmForm
from app.letters import bp
from app.letters.models import LetterStatus
from app.letters.service import (
    LetterError,
    delete_draft,
    publish_draft,
    restore_withdrawn,
    withdraw_letter,
)
from app.letters.views import own_letter_or_404


@bp.route("/letters/<slug>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(slug: str):
    """The author withdraws a published letter, after saying so; answers stay readable."""
    letter = own_letter_or_404(slug)
    if request.method == "GET":
        if letter.status != LetterStatus.PUBLISHED:
            abort(409, description=_("Only a published letter can be withdrawn."))
        return render_template("letters/confirm_withdraw.html", letter=letter, form=ConfirmForm())
    if not ConfirmForm().validate_on_submit():
        abort(400)
    thread_slug = letter.thread_root.slug  # read before the commit expires the letter
    try:
        withdraw_letter(letter)
    except LetterError as error:
        abort(409, description=str(error))
    flash(_("The letter was withdrawn."), "success")
    return redirect(url_for("letters.thread", slug=thread_slug))


@bp.post("/letters/<slug>/publish")
@login_required
def publish(slug: str) -> Response:
    """The author publishes a draft from its own page, as it was saved."""
    letter = own_letter_or_404(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not current_user.confirmed_at:
        flash(_("Please confirm your email address before you publish."), "error")
        return redirect(url_for("letters.show", slug=slug))
    try:
        publish_draft(letter)
    except LetterError as error:
        abort(409, description=str(error))
    flash(_("Published."), "success")
    return redirect(url_for("letters.show", slug=slug))


@bp.post("/letters/<slug>/delete")
@login_required
def delete(slug: str):
    """The author throws away a draft."""
    letter = own_letter_or_404(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        delete_draft(letter)
    except LetterError as error:
        abort(409, description=str(error))
    flash(_("The draft was deleted."), "success")
    return redirect(url_for("discovery.profile", handle=current_user.handle))


@bp.post("/letters/<slug>/restore")
@login_required
def restore(slug: str) -> Response:
    """The author takes a withdrawal back."""
    letter = own_letter_or_404(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        restore_withdrawn(letter)
    except LetterError as error:
        abort(409, description=str(error))
    flash(_("The letter is published again."), "success")
    return redirect(url_for("letters.show", slug=slug))
