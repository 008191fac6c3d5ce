"""Deny by default: every route must declare who may reach it."""

from __future__ import annotations

from portal.access import access_rule

# Endpoints that are not views of ours (Flask's static files).
EXEMPT = {"static"}


def test_every_route_has_an_explicit_access_rule(app):
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in EXEMPT:
            continue
        view = app.view_functions[rule.endpoint]
        if access_rule(view) is None:
            missing.append(f"{rule.rule} ({rule.endpoint})")
    assert not missing, "routes without an access rule: " + ", ".join(missing)


def test_public_routes_are_exactly_the_listed_ones(app):
    public = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in EXEMPT
        and access_rule(app.view_functions[rule.endpoint]) == "public"
    }
    assert public <= PUBLIC_ENDPOINTS, f"unexpected public routes: {public - PUBLIC_ENDPOINTS}"


# Public routes, listed on purpose: adding one means adding it here, in review.
PUBLIC_ENDPOINTS = {
    "public.index",
    "public.exit_page",
    "public.healthz",
    "public.language",
    "public.safety",
    "public.accessibility",
    "auth.sign_in",
    "auth.signed_out",
    # Invitations and the second sign-in step: each checks its own token, code or pending state.
    "auth.invitation",
    "auth.invitation_code",
    "auth.set_passphrase",
    "auth.two_step",
    "auth.recovery_code",
    "auth.two_step_setup",
    "auth.two_step_setup_qr",
    # Asking for a passphrase reset code: the same answer whether or not an account exists.
    "auth.reset_passphrase",
    "auth.reset_passphrase_sent",
    "info.index",
    "info.glossary",
    "info.page",
    # An email's one-click unsubscribe link: the signed token in the address is the authority
    # (GET changes nothing; POST can only turn emails off).
    "unsubscribe.confirm",
    "unsubscribe.stop",
    # The partner API's description (no data, only the API's shape).
    "api.openapi",
}


def test_signed_webhooks_are_exactly_the_listed_ones(app):
    webhooks = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in EXEMPT
        and (access_rule(app.view_functions[rule.endpoint]) or "").startswith("webhook:")
    }
    assert webhooks == WEBHOOK_ENDPOINTS


# Provider callbacks: reachable by anyone, acted on only with a valid provider signature
# (notifications/webhooks.py checks X-Twilio-Signature; tests/notifications/test_webhooks.py).
WEBHOOK_ENDPOINTS = {
    "webhooks.twilio_status",
    "webhooks.twilio_inbound",
}


def test_api_key_routes_are_exactly_the_listed_ones(app):
    api_key = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in EXEMPT
        and (access_rule(app.view_functions[rule.endpoint]) or "").startswith("api-key:")
    }
    assert api_key == API_KEY_ENDPOINTS


# The partner API: reachable by anyone, acted on only with a live partner API key checked inside
# the view (portal/api/views.py; tests/portal/api/test_case_events.py covers every refusal).
API_KEY_ENDPOINTS = {
    "api.case_events",
}
