"""Sign-in and sign-out."""

from __future__ import annotations

from flask import Blueprint, render_template

from portal.access import public
from portal.auth.forms import SignInForm

bp = Blueprint("auth", __name__)


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in() -> str:
    form = SignInForm()
    form.validate_on_submit()
    return render_template("auth/sign_in.html", form=form)


@bp.get("/signed-out")
@public
def signed_out() -> str:
    return render_template("auth/signed_out.html")
