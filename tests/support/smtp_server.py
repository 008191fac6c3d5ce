"""An aiosmtpd SMTP server on 127.0.0.1 that records every message and answers scripted
4xx / 5xx replies per recipient, for tests and benchmarks."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from email.policy import default
from functools import cached_property
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Received:
    recipients: list[str]
    raw: bytes
    at: float = field(default_factory=time.time)  # when the message was accepted

    @cached_property
    def message(self) -> Message:
        """Parsed when first asked, not while the server is answering: a benchmark's server
        shares the machine's cores with the workers it measures."""
        return message_from_bytes(self.raw, policy=default)

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    def bodies(self) -> list[str]:
        parts = [self.message["Subject"] or ""]
        for part in self.message.walk():
            if part.get_content_maintype() == "text":
                parts.append(part.get_content())
        return parts


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    scripts: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        with self.lock:
            script = self.scripts.get(address.lower())
            if script is not None:
                reply, times = script
                if times is None or times > 0:
                    if times is not None:
                        self.scripts[address.lower()] = (reply, times - 1)
                    return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self) -> None:
        self.handler = _Handler()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> SMTPServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def script(self, address: str, reply: str, times: int | None = None) -> None:
        """e.g. script(addr, "451 4.3.0 Try again later", times=2) or "550 5.1.1 No such user"."""
        with self.handler.lock:
            self.handler.scripts[address.lower()] = (reply, times)

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address.lower() in [a.lower() for a in r.recipients]]

    def has_message_id(self, message_id: str) -> bool:
        return any(r.message_id == message_id for r in self.received)
