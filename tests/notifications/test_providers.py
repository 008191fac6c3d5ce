"""Providers on their own: Twilio's error codes as data, the SDK talking to the local server
(HTTP 429/5xx without a code, timeouts, unknown codes), and SMTP refusing an unverified
STARTTLS certificate."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
import uuid

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from notifications.providers.base import (
    OPTED_OUT,
    PERMANENT,
    RETRY,
    InDoubtError,
    OptedOutError,
    OutgoingMessage,
    PermanentError,
    RetryableError,
)
from notifications.providers.smtp_email import SMTPEmail
from notifications.providers.twilio_codes import classify as classify_twilio
from notifications.providers.twilio_sms import TwilioSMS
from tests.support.smtp_server import _Handler
from tests.support.twilio_server import ACCOUNT_SID, AUTH_TOKEN, MESSAGING_SERVICE_SID


@pytest.mark.parametrize(
    ("code", "status", "action"),
    [
        (21610, 400, OPTED_OUT),
        (21211, 400, PERMANENT),
        (21614, 400, PERMANENT),
        (30005, 400, PERMANENT),
        (30006, 400, PERMANENT),
        (30007, 400, PERMANENT),
        (30003, 400, RETRY),
        (20429, 429, RETRY),
        (None, 429, RETRY),
        (None, 500, RETRY),
        (None, 503, RETRY),
        (99999, 400, PERMANENT),  # unknown: a person is told, nothing retried for ever
        (None, 400, PERMANENT),
    ],
)
def test_twilio_error_table(code, status, action):
    assert classify_twilio(code, status) == action


def _message(to: str) -> OutgoingMessage:
    return OutgoingMessage(
        notification_id=uuid.uuid4(),
        attempt_id=uuid.uuid4(),
        channel="sms",
        to=to,
        sms_body="You have a new update from Waypoint. Sign in to read it: https://w.example",
        subject="You have a new update",
        text="You have a new update.",
        html="<p>You have a new update.</p>",
        status_callback="https://w.example/webhooks/twilio/status?n=1&a=2",
        validity_period=600,
    )


def _twilio(server, timeout=1.0) -> TwilioSMS:
    return TwilioSMS(
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        messaging_service_sid=MESSAGING_SERVICE_SID,
        base_url=server.url,
        timeout=timeout,
    )


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (21610, OptedOutError),
        (21211, PermanentError),
        (30003, RetryableError),
        (20429, RetryableError),
        (20500, RetryableError),
    ],
)
def test_the_sdk_maps_server_errors(twilio_server, code, error):
    twilio_server.script("+447700900001", code=code)
    with pytest.raises(error):
        _twilio(twilio_server).send(_message("+447700900001"))
    assert twilio_server.messages_to("+447700900001") == []


def test_a_timeout_is_in_doubt_and_a_refused_connection_is_retryable(twilio_server):
    twilio_server.script("+447700900002", hang=1.5)
    with pytest.raises(InDoubtError):
        _twilio(twilio_server, timeout=0.5).send(_message("+447700900002"))
    refused = TwilioSMS(
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        from_number="+447700900000",
        base_url="http://127.0.0.1:9",
        timeout=0.5,
    )
    with pytest.raises(RetryableError):
        refused.send(_message("+447700900003"))


def test_a_connection_dropped_after_the_request_left_is_in_doubt():
    """The request reached something that then hung up: Twilio may have taken it, so it is
    reconciled, never resent blindly (and a refused connection, above, is simply retried)."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def read_then_hang_up() -> None:
        conn, _ = listener.accept()
        conn.recv(65536)
        conn.close()

    thread = threading.Thread(target=read_then_hang_up, daemon=True)
    thread.start()
    provider = TwilioSMS(
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        from_number="+447700900000",
        base_url=f"http://127.0.0.1:{port}",
        timeout=2.0,
    )
    with pytest.raises(InDoubtError) as raised:
        provider.send(_message("+447700900006"))
    assert raised.value.code == "connection_lost"
    thread.join(timeout=5)
    listener.close()


def test_the_transport_uses_the_environments_proxy_unless_no_proxy_exempts(
    twilio_server, monkeypatch
):
    """A deployment behind an egress proxy sets HTTP(S)_PROXY: the SDK's requests go through
    it (here a closed port, so the send fails as "never connected"), unless NO_PROXY names the
    host. Read when the client is built."""
    for name in ("http_proxy", "https_proxy", "no_proxy", "NO_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    with pytest.raises(RetryableError):
        _twilio(twilio_server).send(_message("+447700900007"))
    assert twilio_server.messages_to("+447700900007") == []
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    _twilio(twilio_server).send(_message("+447700900007"))
    assert len(twilio_server.messages_to("+447700900007")) == 1


def test_reconcile_finds_a_message_twilio_has_and_ignores_known_ones(twilio_server):
    provider = _twilio(twilio_server)
    started = dt.datetime.now(dt.UTC)
    sent = provider.send(_message("+447700900004"))
    found = provider.reconcile(_message("+447700900004"), started, set())
    assert (found.outcome, found.provider_id) == ("found", sent.provider_id)
    assert provider.reconcile(_message("+447700900004"), started, {sent.provider_id}).outcome == (
        "not_seen"
    )
    assert provider.reconcile(_message("+447700900005"), started, set()).outcome == "not_seen"


def _self_signed(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_starttls_refuses_a_certificate_it_cannot_verify(tmp_path):
    import socket

    cert, key = _self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler = _Handler()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True
    )
    controller.start()
    try:
        provider = SMTPEmail(
            host="127.0.0.1",
            port=port,
            sender="no-reply@w.example",
            starttls=True,
            timeout=5,
        )
        message = _message("ruth@example.org")
        message = OutgoingMessage(**{**message.__dict__, "channel": "email", "message_id": "<a@w>"})
        with pytest.raises(RetryableError):
            provider.send(message)
        assert handler.received == []
    finally:
        controller.stop()
