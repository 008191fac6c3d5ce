"""The auth blueprint: signing in and out, invitations, two-step verification and the signed-in
person's own account pages.

Views live in modules of this package, one area each (views: sign-in, sign-out, session;
invitation_views; two_step; account), imported at the bottom so their routes register.
"""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from portal.auth import account, invitation_views, two_step, views  # noqa: E402,F401
