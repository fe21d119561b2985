"""A subscriber's data from the manage link: see it, download it as JSON, delete it all."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.accounts.tokens import InvalidToken
from app.forms import ConfirmForm
from app.portability import bp
from app.portability.address_data import forget_address, kept_about
from app.portability.archive import as_json
from app.subscriptions.tokens import read_manage_token


def address_or_404(token: str) -> str:
    """The address a manage link stands for, or a 404 page."""
    try:
        return read_manage_token(token)
    except InvalidToken:
        abort(404)


@bp.route("/subscriptions/<token>/data")
def address_data(token: str) -> str:
    """Everything kept about the address, with the download and the delete button."""
    email = address_or_404(token)
    return render_template("portability/address_data.html", token=token, kept=kept_about(email))


@bp.route("/subscriptions/<token>/data.json")
def address_data_json(token: str) -> Response:
    """The same as a JSON file to keep."""
    email = address_or_404(token)
    response = Response(as_json(kept_about(email)), mimetype="application/json")
    response.headers["Content-Disposition"] = "attachment; filename=briefwechsel-address.json"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/subscriptions/<token>/forget", methods=["GET", "POST"])
def forget(token: str) -> Response | str:
    """GET asks once more; the POST deletes everything kept about the address."""
    email = address_or_404(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        forget_address(email)
        flash(_("Everything kept about %(email)s is deleted.", email=email), "success")
        return redirect(url_for("portability.address_data", token=token))
    return render_template("portability/forget_address.html", form=form, email=email)
