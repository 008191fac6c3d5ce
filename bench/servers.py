"""The local Twilio and SMTP servers, each in its own process (so the client under test never
shares a GIL with the server), driven through a pipe."""

from __future__ import annotations

import multiprocessing as mp
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
    while True:
        command = conn.recv()
        if command == "count":
            with twilio.state.lock:
                conn.send(len(twilio.state.messages))
        elif command == "dump":
            with twilio.state.lock:
                conn.send(
                    [
                        (m.to, m.status_callback, m.created.timestamp(), m.body)
                        for m in twilio.state.messages
                    ]
                )
        elif command == "reset":
            with twilio.state.lock:
                twilio.state.messages.clear()
                twilio.state.bodies.clear()
            conn.send("ok")
        else:
            twilio.stop()
            conn.send("stopped")
            return


def _serve_smtp(conn: Connection) -> None:
    from tests.support.smtp_server import SMTPServer

    smtp = SMTPServer().start()
    conn.send(smtp.port)
    while True:
        command = conn.recv()
        if command == "count":
            with smtp.handler.lock:
                conn.send(len(smtp.handler.received))
        elif command == "dump":
            out = []
            for received in smtp.received:
                out.append(
                    (
                        received.recipients[0],
                        received.message_id,
                        received.at,
                        "\n".join(received.bodies()),
                    )
                )
            conn.send(out)
        elif command == "reset":
            with smtp.handler.lock:
                smtp.handler.received.clear()
            conn.send("ok")
        else:
            smtp.stop()
            conn.send("stopped")
            return


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
