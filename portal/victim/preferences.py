"""The victim's notification preferences (/my-case/preferences): contact points with a safety
confirmation and a code, one-tap on/off, a choice per category, and quiet hours. Every change
goes through notifications.contacts, which appends to the consent log; each view commits once.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from notifications import contacts, on_behalf, policy
from notifications.models import Channel, ConsentSource, ContactPoint
from portal.access import role_required
from portal.consent_words import describe
from portal.extensions import db
from portal.models import Role
from portal.services import audit
from portal.victim import bp
from portal.victim.preference_forms import (
    QuietHoursForm,
    SwitchForm,
    VerifyForm,
    add_contact_form,
    choices_form,
)


def _channel(channel: str) -> str:
    if channel not in Channel.ALL:
        abort(404)
    return channel


def _masked(point: ContactPoint) -> str:
    if point.channel == Channel.SMS:
        return _("Mobile number ending %(digits)s", digits=point.address[-3:])
    name, _at, domain = point.address.partition("@")
    return f"{name[:1]}…@{domain}"


@bp.get("/preferences")
@role_required(Role.VICTIM)
def preferences() -> str:
    session = db.session()
    points = {c: contacts.contact_point(session, current_user.id, c) for c in Channel.ALL}
    pref = policy.preferences(session, current_user.id)
    start, end = policy.quiet_window(pref)
    # Changes an ISVA made for them, with the reason: nothing changes behind their back.
    staff_changes = on_behalf.changes_on_behalf(session, current_user.id, limit=5)
    staff = audit.users_by_id(session, {c.actor_id for c in staff_changes if c.actor_id})
    return render_template(
        "victim/preferences/index.html",
        staff_changes=staff_changes,
        staff_names={i: audit.first_name(u) for i, u in staff.items()},
        describe=describe,
        points=points,
        masked={c: _masked(p) for c, p in points.items() if p is not None},
        switch_form=SwitchForm(),
        quiet=(f"{start // 60:02d}:{start % 60:02d}", f"{end // 60:02d}:{end % 60:02d}"),
    )


@bp.route("/preferences/<channel>/add", methods=["GET", "POST"])
@role_required(Role.VICTIM)
def add_contact(channel: str) -> str | Response:
    channel = _channel(channel)
    form = add_contact_form(channel)
    if form.validate_on_submit():
        session = db.session()
        point = contacts.set_address(
            session,
            current_user,
            channel,
            form.address.data,
            safe_confirmed=True,
            source=ConsentSource.PORTAL,
            actor=current_user,
        )
        contacts.send_code(session, current_user, point)
        return redirect(url_for("victim.verify_contact", channel=channel))
    return render_template("victim/preferences/add.html", form=form, channel=channel)


@bp.route("/preferences/<channel>/confirm", methods=["GET", "POST"])
@role_required(Role.VICTIM)
def verify_contact(channel: str) -> str | Response:
    channel = _channel(channel)
    session = db.session()
    point = contacts.contact_point(session, current_user.id, channel)
    if point is None or point.verified_at is not None:
        return redirect(url_for("victim.preferences"))
    form = VerifyForm()
    if form.validate_on_submit():
        try:
            contacts.verify_code(session, current_user, point, form.code.data)
        except contacts.VerificationError as exc:
            # Not a Refusal: the attempt it counted is kept (committed with this page).
            messages = {
                "wrong": _("The code is not right. Check it and try again"),
                "expired": _("The code has expired. Ask for a new one"),
                "too_many": _("Too many tries. Ask for a new code"),
            }
            form.code.errors = [messages.get(str(exc), messages["wrong"])]
        else:
            flash(_("You will now get notifications here."), "success")
            return redirect(url_for("victim.preferences"))
    return render_template(
        "victim/preferences/verify.html",
        form=form,
        channel=channel,
        masked=_masked(point),
        resend_form=SwitchForm(),
    )


@bp.post("/preferences/<channel>/resend")
@role_required(Role.VICTIM)
def resend_code(channel: str) -> Response:
    channel = _channel(channel)
    form = SwitchForm()
    session = db.session()
    point = contacts.contact_point(session, current_user.id, channel)
    if form.validate_on_submit() and point is not None and point.verified_at is None:
        contacts.send_code(session, current_user, point)
        flash(_("We sent you a new code."), "success")
    return redirect(url_for("victim.verify_contact", channel=channel))


@bp.post("/preferences/<channel>/<any(on, off):state>")
@role_required(Role.VICTIM)
def switch_contact(channel: str, state: str) -> Response:
    """One tap: turn a channel off (an opt-out that applies before the next send) or on."""
    channel = _channel(channel)
    form = SwitchForm()
    session = db.session()
    point = contacts.contact_point(session, current_user.id, channel)
    if form.validate_on_submit() and point is not None and point.verified_at is not None:
        contacts.set_enabled(
            session, point, state == "on", source=ConsentSource.PORTAL, actor_id=current_user.id
        )
        flash(
            _("Notifications are on.") if state == "on" else _("Notifications are off."),
            "success",
        )
    return redirect(url_for("victim.preferences"))


@bp.route("/preferences/what-we-tell-you", methods=["GET", "POST"])
@role_required(Role.VICTIM)
def notification_choices() -> str | Response:
    session = db.session()
    pref = policy.preferences(session, current_user.id)
    current = dict(pref.choices or {}) if pref else {}
    form = choices_form(current)
    if form.validate_on_submit():
        chosen = {key: form[f"category_{key}"].data for key in policy.PREFERENCE_CATEGORIES}
        contacts.set_choices(
            session, current_user.id, chosen, source=ConsentSource.PORTAL, actor_id=current_user.id
        )
        flash(_("Your choices are saved."), "success")
        return redirect(url_for("victim.preferences"))
    fields = [form[f"category_{key}"] for key in policy.PREFERENCE_CATEGORIES]
    return render_template("victim/preferences/choices.html", form=form, fields=fields)


@bp.route("/preferences/quiet-hours", methods=["GET", "POST"])
@role_required(Role.VICTIM)
def quiet_hours() -> str | Response:
    session = db.session()
    start, end = policy.quiet_window(policy.preferences(session, current_user.id))
    form = QuietHoursForm(data={"start": str(start), "end": str(end)})
    if form.validate_on_submit():
        contacts.set_quiet_hours(
            session,
            current_user.id,
            int(form.start.data),
            int(form.end.data),
            source=ConsentSource.PORTAL,
            actor_id=current_user.id,
        )
        flash(_("Your quiet hours are saved."), "success")
        return redirect(url_for("victim.preferences"))
    return render_template("victim/preferences/quiet_hours.html", form=form)
