"""Email through an SMTP relay: ``smtplib`` + ``EmailMessage``, STARTTLS with a verifying
``ssl.create_default_context()``, a timeout, and one connection per sending thread reused
across a batch. 4xx answers are retried, 5xx answers are permanent.

A plain SMTP relay cannot be asked afterwards whether it took a message, so ``reconcile``
answers UNKNOWN and the worker takes the safe side for an in-doubt email (see worker.py).
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
import threading
import time
from datetime import datetime

from notifications.providers.base import (
    UNKNOWN,
    InDoubtError,
    OutgoingMessage,
    PermanentError,
    Reconciled,
    RetryableError,
    SendResult,
)
from notifications.render import Rendered, build_email

IDLE_SECONDS = 30.0  # reuse a connection for a batch, not forever


class SMTPEmail:
    name = "smtp"
    channel = "email"

    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        username: str = "",
        password: str = "",
        starttls: bool = True,
        timeout: float = 10.0,
    ) -> None:
        self._host = host
        self._port = port
        self._sender = sender
        self._username = username
        self._password = password
        self._starttls = starttls
        self._timeout = timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: list[smtplib.SMTP] = []

    def _connection(self) -> smtplib.SMTP:
        conn: smtplib.SMTP | None = getattr(self._local, "conn", None)
        last = getattr(self._local, "last_used", 0.0)
        if conn is not None and time.monotonic() - last < IDLE_SECONDS:
            return conn
        if conn is not None:
            self._drop(conn)
        try:
            conn = smtplib.SMTP(self._host, self._port, timeout=self._timeout)
            conn.ehlo()
            if self._starttls:
                conn.starttls(context=ssl.create_default_context())
                conn.ehlo()
            if self._username:
                conn.login(self._username, self._password)
        except smtplib.SMTPResponseException as exc:
            raise _classify(exc.smtp_code) from None
        except (OSError, smtplib.SMTPException):
            raise RetryableError("smtp_connect") from None
        self._local.conn = conn
        with self._lock:
            self._open.append(conn)
        return conn

    def _drop(self, conn: smtplib.SMTP) -> None:
        self._local.conn = None
        with self._lock:
            if conn in self._open:
                self._open.remove(conn)
        with contextlib.suppress(OSError):
            conn.close()

    def send(self, message: OutgoingMessage) -> SendResult:
        if not message.message_id:
            raise PermanentError("no_message_id")
        email = build_email(
            Rendered("", 0, message.sms_body, message.subject, message.text, message.html),
            to=message.to,
            sender=self._sender,
            message_id=message.message_id,
            unsubscribe_url=message.unsubscribe_url,
        )
        conn = self._connection()
        try:
            conn.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            code = next(iter(exc.recipients.values()))[0]
            self._reset(conn)
            raise _classify(code) from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            self._reset(conn)
            raise _classify(exc.smtp_code) from None
        except (TimeoutError, smtplib.SMTPServerDisconnected, OSError):
            # The connection broke mid-conversation: the relay may have queued the message.
            self._drop(conn)
            raise InDoubtError("smtp_connection_lost") from None
        self._local.last_used = time.monotonic()
        return SendResult(message.message_id)

    def _reset(self, conn: smtplib.SMTP) -> None:
        try:
            conn.rset()
            self._local.last_used = time.monotonic()
        except (smtplib.SMTPException, OSError):
            self._drop(conn)

    def reconcile(
        self, message: OutgoingMessage, started_at: datetime, known_ids: set[str]
    ) -> Reconciled:
        return Reconciled(UNKNOWN)

    def close(self) -> None:
        with self._lock:
            conns, self._open = self._open, []
        for conn in conns:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                conn.quit()
        self._local = threading.local()


def _classify(code: int) -> Exception:
    if 400 <= code < 500:
        return RetryableError(f"smtp_{code}")
    return PermanentError(f"smtp_{code}")
