"""Subscribe, confirm, manage and unsubscribe pages."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.accounts.tokens import InvalidToken
from app.deliverability import suspension_of
from app.extensions import csrf, limiter
from app.forms import ConfirmForm
from app.subscriptions import bp, service, suspension
from app.subscriptions.forms import (
    FrequencyForm,
    ReaderSettingsForm,
    RemoveForm,
    SubscribeForm,
    chosen_whole_letter,
    letter_in_mail_choice,
)
from app.subscriptions.models import Frequency, Target
from app.subscriptions.tokens import manage_token, read_manage_token, read_unsubscribe_token
from app.subscriptions.unsubscribing import unsubscribe as unsubscribe_by_link
from app.subscriptions.unsubscribing import what_it_ends
from app.web import safe_next_path


@bp.route("/subscribe", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SUBSCRIBE_LIMIT_PER_IP"], methods=["POST"])
@csrf.exempt
def subscribe():
    """Ask for notices by email; the answer is the same whatever the address.

    The form is on pages that every signed-out reader shares (kept by the page cache and by
    proxies), which can hold no one's form token. None is needed: subscribing uses nothing
    of the sender's session, and a forged request does only what anyone can do from their
    own browser, ask for one confirmation email (at most three a day to an address), which
    subscribes nobody until its link is followed. Browsers say when a form was sent from
    another site; such requests are refused all the same.
    """
    if request.method == "POST" and request.headers.get("Sec-Fetch-Site") == "cross-site":
        abort(403)
    form = SubscribeForm()
    if form.validate_on_submit():
        try:
            info = service.request_subscription(
                form.email.data,
                Target(form.target.data),
                form.target_id.data or 0,
                Frequency(form.frequency.data),
                str(get_locale()),
                str(get_timezone()),
            )
        except service.SubscriptionError:
            abort(404)
        return render_template(
            "subscriptions/check_inbox.html",
            email=form.email.data,
            info=info,
            back=safe_next_path(form.next.data, default=info.url_path),
        )
    if request.method == "GET":
        form.target.data = request.args.get("target", Target.SITE.value)
        form.target_id.data = request.args.get("target_id", 0, type=int)
        ensure_followable(form.target.data, form.target_id.data)
    status = 422 if form.errors else 200
    return render_template("subscriptions/subscribe.html", form=form), status


def ensure_followable(target: str, target_id: int) -> None:
    """404 for a subscribe form about something readers cannot see (or that does not exist)."""
    try:
        if not 0 <= target_id < 2**31:  # ids are 32-bit integers: nothing is out there
            raise service.SubscriptionError("no such id")
        service.describe_target(Target(target), target_id)
    except (ValueError, service.SubscriptionError):
        abort(404)


@bp.route("/subscribe/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """GET shows a button (mail scanners follow links); the POST confirms."""
    try:
        subscription = service.subscription_for_confirmation(token)
        info = service.describe_target(subscription.target, subscription.target_id)
    except (InvalidToken, service.SubscriptionError):
        # What it follows may have gone since (the last letter with a tag withdrawn, say).
        abort(410, description=_("This confirmation link has expired or is no longer valid."))
    form = ConfirmForm()
    already = subscription.is_confirmed
    if already or form.validate_on_submit():
        if not already:
            service.confirm_subscription(token)
        return render_template(
            "subscriptions/confirmed.html",
            info=info,
            already=already,
            manage=url_for_manage(subscription.email),
        )
    return render_template(
        "subscriptions/confirm.html", form=form, info=info, subscription=subscription
    )


def url_for_manage(email: str) -> str:
    return url_for("subscriptions.manage", token=manage_token(email))


@bp.route("/subscriptions/<token>", methods=["GET", "POST"])
def manage(token: str):
    """Every subscription of the address: change how often, remove one, remove all."""
    try:
        email = read_manage_token(token)
    except InvalidToken:
        abort(404)
    if request.method == "POST":
        return change_subscriptions(token, email)
    subscriptions = service.subscriptions_of(email)
    return render_template(
        "subscriptions/manage.html",
        email=email,
        subscriptions=subscriptions,
        settings_form=reader_settings_form(subscriptions),
        frequency_form=FrequencyForm,
        remove_form=RemoveForm(),
        action_form=ConfirmForm(),
        suspension=suspension_of(email),
    )


def reader_settings_form(subscriptions: list) -> ReaderSettingsForm:
    """The language and timezone the address's subscriptions have now."""
    first = subscriptions[0][0] if subscriptions else None
    return ReaderSettingsForm(
        formdata=None,
        locale=first.locale if first else str(get_locale()),
        timezone=first.timezone if first else str(get_timezone()),
        letter=letter_in_mail_choice(first.whole_letter if first else True),
    )


def change_subscriptions(token: str, email: str) -> Response:
    action = request.form.get("action", "")
    try:
        if action == "frequency" and (form := FrequencyForm()).validate_on_submit():
            service.change_frequency(
                email, form.subscription_id.data, Frequency(form.frequency.data)
            )
            flash(_("Saved."), "success")
        elif action == "remove" and (form := RemoveForm()).validate_on_submit():
            service.remove_subscription(email, form.subscription_id.data)
            flash(_("The subscription is removed."), "success")
        elif action == "settings" and (form := ReaderSettingsForm()).validate_on_submit():
            service.change_reader_settings(
                email, form.locale.data, form.timezone.data, chosen_whole_letter(form.letter.data)
            )
            flash(_("Saved."), "success")
        elif action == "remove_all" and ConfirmForm().validate_on_submit():
            service.remove_all_subscriptions(email)
            flash(_("All subscriptions of this address are removed."), "success")
        elif action == "confirm_address" and ConfirmForm().validate_on_submit():
            flash_address_check(email)
        else:
            abort(400)
    except service.SubscriptionError:
        abort(404)
    return redirect(url_for("subscriptions.manage", token=token))


def flash_address_check(email: str) -> None:
    if suspension.request_address_check(email, str(get_locale())):
        flash(_("We have sent a confirmation link to %(email)s.", email=email), "success")
    else:
        flash(_("We have sent this address enough links today: please try tomorrow."), "error")


@bp.route("/subscriptions/confirm-address/<token>", methods=["GET", "POST"])
def confirm_address(token: str):
    """GET shows a button (mail scanners follow links); the POST lifts the suspension."""
    try:
        email = suspension.address_to_confirm(token)
    except InvalidToken:
        abort(410, description=_("This confirmation link has expired or is no longer valid."))
    form = ConfirmForm()
    if form.validate_on_submit():
        suspension.confirm_address(token)
        flash(_("Thank you: notices go to %(email)s again.", email=email), "success")
        return redirect(url_for_manage(email))
    return render_template("subscriptions/confirm_address.html", form=form, email=email)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail client POSTs without cookies; the signed token authorises
def unsubscribe(token: str):
    """GET shows a button and changes nothing; POST unsubscribes at once, answering 200."""
    try:
        payload = read_unsubscribe_token(token)
    except InvalidToken:
        abort(404)
    ended = what_it_ends(payload)
    if request.method == "POST":
        unsubscribe_by_link(payload)
        return render_template(
            "subscriptions/unsubscribed.html",
            ended=ended,
            manage=url_for_manage(str(payload.get("e", ""))),
        )
    return render_template("subscriptions/unsubscribe.html", token=token, ended=ended)
