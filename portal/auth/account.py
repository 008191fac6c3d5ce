"""The signed-in person's own account: change passphrase (ends every other session), the
optional two-step verification for victims, and the first-time "using this service safely"
page victims see before their home page (TRAUMA_INFORMED.md rule 4)."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from notifications import contacts
from portal.access import role_required
from portal.auth import bp, loader
from portal.auth.forms import (
    ChangePassphraseForm,
    ConfirmPassphraseForm,
    ContinueForm,
    FirstSignInForm,
    LanguageForm,
    TotpCodeForm,
)
from portal.auth.two_step import qr_response
from portal.auth.views import EVERYONE
from portal.extensions import db, limiter
from portal.models import Role, SessionEndReason, User
from portal.passwords import verify_password
from portal.services.accounts import credentials as accounts
from portal.services.accounts import sessions, totp
from portal.throttle import TOTP_PER_ACCOUNT, failed, mark_failed


def _me() -> User:
    user: User = current_user._get_current_object()
    return user


def _user_key() -> str:
    return "user:" + str(current_user.get_id())


@bp.get("/account")
@role_required(*EVERYONE)
def account() -> str:
    return _render_account(_language_form(_me()))


def _render_account(language_form: LanguageForm | None) -> str:
    user = _me()
    here = loader.current().record
    others = [
        s
        for s in sessions.live_sessions(db.session(), user.id, loader.limits())
        if here is None or s.id != here.id
    ]
    return render_template(
        "auth/account.html",
        user=user,
        codes_left=totp.recovery_codes_left(db.session(), user) if user.has_totp else 0,
        other_sessions=len(others),
        form=ContinueForm(),
        language_form=language_form,
        work_emails=contacts.staff_emails_on(db.session(), user) if user.is_staff else None,
    )


def _language_form(user: User) -> LanguageForm | None:
    if user.is_staff:
        return None  # staff pages are in English; the footer switch still works for them
    form = LanguageForm()
    if not form.is_submitted():
        form.language.data = user.language or str(get_locale() or "en")
    return form


@bp.post("/account/language")
@role_required(Role.VICTIM)
def account_language() -> BaseResponse | str:
    """The victim changes the language of their pages, texts and emails (on every device)."""
    form = LanguageForm()
    if form.validate_on_submit() and accounts.set_language(_me(), form.language.data):
        flash(_("Your language has been saved."), "success")
        return redirect(url_for("auth.account"))
    return _render_account(form)


@bp.post("/account/work-emails/<any(on, off):state>")
@role_required(Role.ISVA, Role.SUPERVISOR, Role.ADMIN)
def work_emails(state: str) -> BaseResponse:
    """Staff turn emails about new work on or off (also how they undo an email's unsubscribe
    link)."""
    form = ContinueForm()
    if form.validate_on_submit():
        contacts.set_staff_emails(db.session(), _me(), state == "on")
        flash(
            _("Emails about new work are on.")
            if state == "on"
            else _("Emails about new work are off."),
            "success",
        )
    return redirect(url_for("auth.account"))


@bp.post("/account/sign-out-other-devices")
@role_required(*EVERYONE)
def sign_out_elsewhere() -> BaseResponse:
    """End every other session, e.g. on a phone someone else now has."""
    ContinueForm()
    here = loader.current().record
    if here is not None:
        sessions.revoke_others(
            db.session(), here.user_id, here, SessionEndReason.ENDED_FROM_ANOTHER_DEVICE
        )
    flash(_("You have been signed out everywhere else."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/change-passphrase", methods=["GET", "POST"])
@limiter.limit(TOTP_PER_ACCOUNT, key_func=_user_key, methods=["POST"], deduct_when=failed)
@role_required(*EVERYONE)
def change_passphrase() -> BaseResponse | str:
    user = _me()
    form = ChangePassphraseForm()
    if form.validate_on_submit():
        try:
            accounts.change_passphrase(
                db.session(), user, form.current_password.data, form.password.data
            )
        except accounts.AccountError as error:
            db.session.rollback()
            if error.field == "current_password":
                mark_failed()
                form.current_password.errors = [_("Your current passphrase is not right")]
            else:
                form.password.errors = [error.message]
        else:
            loader.begin(user)  # every session ended, this browser gets a new one
            flash(
                _(
                    "Your passphrase has been changed. Anywhere else you were signed in, you are "
                    "now signed out."
                ),
                "success",
            )
            return redirect(url_for("auth.account"))
    return render_template("auth/change_passphrase.html", form=form)


@bp.route("/account/two-step", methods=["GET", "POST"])
@limiter.limit(TOTP_PER_ACCOUNT, key_func=_user_key, methods=["POST"], deduct_when=failed)
@role_required(Role.VICTIM)
def account_two_step() -> BaseResponse | str:
    """Victims may turn on a second step; it is offered, never forced."""
    user = _me()
    if user.has_totp:
        return redirect(url_for("auth.account"))
    secret = totp.begin_enrolment(user)
    form = TotpCodeForm()
    if form.validate_on_submit():
        codes = totp.confirm_enrolment(db.session(), user, form.code.data)
        if codes is not None:
            return render_template(
                "auth/recovery_codes.html", codes=codes, continue_url=url_for("auth.account")
            )
        mark_failed()
        form.code.errors = [_("That code did not work. Enter the newest code the app shows.")]
    return render_template(
        "auth/totp_setup.html",
        form=form,
        secret=totp.format_secret(secret),
        qr_url=url_for("auth.account_two_step_qr"),
        required=False,
    )


@bp.get("/account/two-step/qr.svg")
@role_required(Role.VICTIM)
def account_two_step_qr() -> Response:
    user = _me()
    if user.totp_secret is None or user.has_totp:
        abort(404)
    return qr_response(user)


@bp.route("/account/two-step/turn-off", methods=["GET", "POST"])
@limiter.limit(TOTP_PER_ACCOUNT, key_func=_user_key, methods=["POST"], deduct_when=failed)
@role_required(Role.VICTIM)
def account_two_step_off() -> BaseResponse | str:
    user = _me()
    if not user.has_totp:
        return redirect(url_for("auth.account"))
    form = ConfirmPassphraseForm()
    if form.validate_on_submit():
        if verify_password(user.password_hash, form.password.data):
            totp.turn_off(db.session(), user)
            flash(_("Two-step verification is off."), "success")
            return redirect(url_for("auth.account"))
        mark_failed()
        form.password.errors = [_("Your passphrase is not right")]
    return render_template("auth/two_step_off.html", form=form)


@bp.route("/welcome/using-this-service-safely", methods=["GET", "POST"])
@role_required(Role.VICTIM)
def safety_first() -> BaseResponse | str:
    """Shown once, before the victim's home page, on their first sign-in; it also asks which
    language they want (kept on their account, so every device and every text uses it)."""
    form = FirstSignInForm()
    current = str(get_locale() or "en")
    if not form.is_submitted():
        form.language.data = current
    if form.validate_on_submit():
        me = _me()
        accounts.set_language(me, form.language.data or current)
        accounts.mark_safety_info_seen(me)
        return redirect(url_for("victim.home"))
    settings = current_app.config["WAYPOINT_SETTINGS"]
    return render_template(
        "auth/safety_first.html", form=form, idle_minutes=settings.VICTIM_IDLE_MINUTES
    )
