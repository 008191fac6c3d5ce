"""The local Twilio and SMTP servers, each in its own process (so the client under test never
shares a GIL with the server), driven through a pipe."""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any


def _serve(kind: str, conn: Connection) -> None:
    if kind == "twilio":
        _serve_twilio(conn)
    else:
        _serve_smtp(conn)


def _serve_twilio(conn: Connection) -> None:
    from tests.support.twilio_server import TwilioServer

    twilio = TwilioServer().start()
    conn.send(twilio.url)
    state = twilio.state

    def count() -> int:
        with state.lock:
            return len(state.messages)

    def dump() -> list[tuple[str, str | None, float, str]]:
        with state.lock:
            return [
                (m.to, m.status_callback, m.created.timestamp(), m.body) for m in state.messages
            ]

    def reset() -> str:
        with state.lock:
            state.messages.clear()
            state.bodies.clear()
        return "ok"

    _answer(conn, {"count": count, "dump": dump, "reset": reset}, twilio.stop)


def _serve_smtp(conn: Connection) -> None:
    from tests.support.smtp_server import SMTPServer

    smtp = SMTPServer().start()
    conn.send(smtp.port)

    def count() -> int:
        with smtp.handler.lock:
            return len(smtp.handler.received)

    def dump() -> list[tuple[str, str | None, float, str]]:
        return [(r.recipients[0], r.message_id, r.at, "\n".join(r.bodies())) for r in smtp.received]

    def reset() -> str:
        with smtp.handler.lock:
            smtp.handler.received.clear()
        return "ok"

    _answer(conn, {"count": count, "dump": dump, "reset": reset}, smtp.stop)


def _answer(
    conn: Connection, commands: dict[str, Callable[[], Any]], stop: Callable[[], Any]
) -> None:
    """Answer each command from the pipe until one that is not a command: then stop."""
    while True:
        command = commands.get(conn.recv())
        if command is None:
            stop()
            conn.send("stopped")
            return
        conn.send(command())


class ServerProcess:
    def __init__(self, kind: str) -> None:
        ctx = mp.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=_serve, args=(kind, child), daemon=True)
        self._process.start()
        self.address: Any = self._conn.recv()

    def dump(self) -> list[tuple[str, str | None, float, str]]:
        self._conn.send("dump")
        return self._conn.recv()

    def count(self) -> int:
        """How many messages arrived: cheap, for polling while the clock runs (a dump parses
        every message, which would load the server the run is measuring)."""
        self._conn.send("count")
        return self._conn.recv()

    def reset(self) -> None:
        self._conn.send("reset")
        self._conn.recv()

    def stop(self) -> None:
        self._conn.send("stop")
        self._conn.recv()
        self._process.join(timeout=5)
