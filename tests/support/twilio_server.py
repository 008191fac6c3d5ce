"""A stateful local server speaking Twilio's Messages API (docs/twilio/
messages-openapi.json) on 127.0.0.1, for tests and benchmarks.

Form-encoded create returning Twilio's JSON resource with unique ``SM`` + 32 hex SIDs; the list
endpoint with ``To`` / ``DateSent`` filters and paging fields; fetch; basic auth. Failures are
scripted per destination number (an error code with its HTTP status, for a number of requests
or for ever; or a hang). Status callbacks are POSTed to each message's StatusCallback, signed
with ``RequestValidator(auth_token).compute_signature``. Every body received is recorded so a
fixture can run the denylist over it. TCP_NODELAY is set on accepted sockets.
"""

from __future__ import annotations

import base64
import contextlib
import json
import queue
import secrets
import socket
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from twilio.request_validator import RequestValidator

ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
MESSAGING_SERVICE_SID = "MG" + "0" * 31 + "2"

ERRORS = {
    21610: (400, "Attempt to send to unsubscribed recipient"),
    21211: (400, "Invalid 'To' Phone Number"),
    21614: (400, "'To' number is not a valid mobile number"),
    30003: (400, "Unreachable destination handset"),
    30005: (400, "Unknown destination handset"),
    30006: (400, "Landline or unreachable carrier"),
    30007: (400, "Message filtered"),
    20429: (429, "Too Many Requests"),
    20500: (500, "Internal Server Error"),
}


@dataclass
class Script:
    """What to do for one number: ``code`` (a Twilio error) for the next ``times`` requests
    (None = always), or hang ``hang`` seconds after recording the message."""

    code: int | None = None
    times: int | None = None
    hang: float = 0.0
    record_before_hang: bool = True


@dataclass
class Message:
    sid: str
    to: str
    sender: str
    body: str
    status_callback: str | None
    created: datetime
    status: str = "queued"

    def resource(self) -> dict[str, Any]:
        stamp = format_datetime(self.created)
        return {
            "account_sid": ACCOUNT_SID,
            "api_version": "2010-04-01",
            "body": self.body,
            "date_created": stamp,
            "date_sent": stamp,
            "date_updated": stamp,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": self.sender,
            "messaging_service_sid": MESSAGING_SERVICE_SID,
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": self.sid,
            "status": self.status,
            "subresource_uris": {},
            "to": self.to,
            "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{self.sid}.json",
        }


@dataclass
class TwilioState:
    messages: list[Message] = field(default_factory=list)
    scripts: dict[str, Script] = field(default_factory=dict)
    bodies: list[str] = field(default_factory=list)
    requests: Counter[str] = field(default_factory=Counter)  # create requests per number
    callbacks: bool = False
    callback_status: str = "delivered"
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def get_request(self) -> tuple[socket.socket, Any]:
        conn, addr = super().get_request()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn, addr


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Any

    def log_message(self, *args: Any) -> None:
        return

    @property
    def twilio(self) -> TwilioServer:
        return self.server.twilio

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(data)  # the client may have timed out (a scripted hang)

    def _authorised(self) -> bool:
        expected = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        if self.headers.get("Authorization") != f"Basic {expected}":
            self._json(401, {"code": 20003, "message": "Authenticate", "status": 401})
            return False
        return True

    def _prefix(self) -> str:
        return f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages"

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        if not self._authorised():
            return
        if urlsplit(self.path).path != self._prefix() + ".json":
            self._json(404, {"code": 20404, "message": "Not found", "status": 404})
            return
        form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        self._json(*self.twilio.create(form))

    def do_GET(self) -> None:
        if not self._authorised():
            return
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path == self._prefix() + ".json":
            self._json(200, self.twilio.list(query, parts.path))
            return
        if parts.path.startswith(self._prefix() + "/") and parts.path.endswith(".json"):
            sid = parts.path.rsplit("/", 1)[1].removesuffix(".json")
            found = self.twilio.fetch(sid)
            if found is not None:
                self._json(200, found.resource())
                return
        self._json(404, {"code": 20404, "message": "Not found", "status": 404})


class TwilioServer:
    def __init__(self) -> None:
        self.state = TwilioState()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.twilio = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._callbacks: queue.Queue[tuple[str, dict[str, str]] | None] = queue.Queue()
        self._callback_thread = threading.Thread(target=self._deliver_callbacks, daemon=True)

    def start(self) -> TwilioServer:
        self._thread.start()
        self._callback_thread.start()
        return self

    def stop(self) -> None:
        self._callbacks.put(None)
        self._server.shutdown()
        self._server.server_close()

    # -- scripting and inspection --------------------------------------------------------
    def script(self, number: str, **kwargs: Any) -> None:
        with self.state.lock:
            self.state.scripts[number] = Script(**kwargs)

    def messages_to(self, number: str) -> list[Message]:
        with self.state.lock:
            return [m for m in self.state.messages if m.to == number]

    def count_by_number(self) -> Counter[str]:
        with self.state.lock:
            return Counter(m.to for m in self.state.messages)

    # -- the API -------------------------------------------------------------------------
    def create(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        to = form.get("To", "")
        if not to or not form.get("Body"):
            return 400, {"code": 21602, "message": "Message body is required", "status": 400}
        with self.state.lock:
            self.state.requests[to] += 1
            script = self.state.scripts.get(to)
            if script and script.code is not None and (script.times is None or script.times > 0):
                if script.times is not None:
                    script.times -= 1
                status, text = ERRORS.get(script.code, (400, "Error"))
                return status, {
                    "code": script.code,
                    "message": text,
                    "more_info": f"https://www.twilio.com/docs/errors/{script.code}",
                    "status": status,
                }
            hang = script.hang if script else 0.0
            message = Message(
                sid="SM" + secrets.token_hex(16),
                to=to,
                sender=form.get("From") or form.get("MessagingServiceSid", ""),
                body=form["Body"],
                status_callback=form.get("StatusCallback"),
                created=datetime.now(UTC),
            )
            self.state.bodies.append(message.body)
            if not (hang and not (script and script.record_before_hang)):
                self.state.messages.append(message)
        if hang:
            time.sleep(hang)
        if self.state.callbacks and message.status_callback:
            for status in ("sent", self.state.callback_status):
                self._callbacks.put((message.status_callback, _callback_params(message, status)))
        return 201, message.resource()

    def list(self, query: dict[str, str], path: str) -> dict[str, Any]:
        to = query.get("To")
        after = query.get("DateSent>") or query.get("DateSent>=")
        on = query.get("DateSent")
        page_size = int(query.get("PageSize", 50))
        page = int(query.get("Page", 0))
        with self.state.lock:
            found = [m for m in self.state.messages if to is None or m.to == to]
        if after:
            day = after[:10]
            found = [m for m in found if m.created.strftime("%Y-%m-%d") >= day]
        if on:
            found = [m for m in found if m.created.strftime("%Y-%m-%d") == on[:10]]
        found.sort(key=lambda m: m.created, reverse=True)
        chunk = found[page * page_size : (page + 1) * page_size]
        base = {k: v for k, v in query.items() if k not in ("Page", "PageToken")}

        def uri(p: int) -> str:
            return f"{path}?{urlencode({**base, 'PageSize': page_size, 'Page': p})}"

        more = (page + 1) * page_size < len(found)
        return {
            "messages": [m.resource() for m in chunk],
            "page": page,
            "page_size": page_size,
            "start": page * page_size,
            "end": page * page_size + max(len(chunk) - 1, 0),
            "uri": uri(page),
            "first_page_uri": uri(0),
            "next_page_uri": uri(page + 1) if more else None,
            "previous_page_uri": uri(page - 1) if page else None,
        }

    def fetch(self, sid: str) -> Message | None:
        with self.state.lock:
            return next((m for m in self.state.messages if m.sid == sid), None)

    # -- status callbacks ----------------------------------------------------------------
    def _deliver_callbacks(self) -> None:
        while True:
            item = self._callbacks.get()
            if item is None:
                return
            url, params = item
            post_signed(url, params)


def _callback_params(message: Message, status: str) -> dict[str, str]:
    return {
        "AccountSid": ACCOUNT_SID,
        "MessageSid": message.sid,
        "SmsSid": message.sid,
        "MessageStatus": status,
        "SmsStatus": status,
        "To": message.to,
        "From": message.sender,
        "ApiVersion": "2010-04-01",
    }


def sign(url: str, params: dict[str, str]) -> str:
    return RequestValidator(AUTH_TOKEN).compute_signature(url, params)


def post_signed(url: str, params: dict[str, str], timeout: float = 5.0) -> int:
    data = urlencode(params).encode()
    request = urllib.request.Request(
        url, data=data, headers={"X-Twilio-Signature": sign(url, params)}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except OSError:
        return 0
