"""The development provider: nothing leaves the machine. Each "sent" message is appended to
``instance/dev-outbox.jsonl`` so the development-only page /dev/outbox can show it (the worker
and the web app are different processes). Refused in production by the settings check."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from notifications.providers.base import (
    FOUND,
    NOT_SEEN,
    OutgoingMessage,
    Reconciled,
    SendResult,
)
from portal.clock import utcnow

_lock = threading.Lock()


class ConsoleProvider:
    name = "console"

    def __init__(self, channel: str, path: Path) -> None:
        self.channel = channel
        self.path = path

    def send(self, message: OutgoingMessage) -> SendResult:
        provider_id = f"console-{uuid.uuid4().hex}"
        record = {
            "provider_id": provider_id,
            "attempt_id": str(message.attempt_id),
            "notification_id": str(message.notification_id),
            "channel": self.channel,
            "to": message.to,
            "subject": message.subject if self.channel == "email" else None,
            "body": message.sms_body if self.channel == "sms" else message.text,
            "unsubscribe_url": message.unsubscribe_url if self.channel == "email" else None,
            "at": utcnow().isoformat(),
        }
        with _lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(record) + "\n")
        return SendResult(provider_id)

    def reconcile(
        self, message: OutgoingMessage, started_at: datetime, known_ids: set[str]
    ) -> Reconciled:
        for record in read_outbox(self.path):
            if record.get("attempt_id") == str(message.attempt_id):
                return Reconciled(FOUND, record["provider_id"])
        return Reconciled(NOT_SEEN)

    def close(self) -> None:
        return


def read_outbox(path: Path, limit: int = 200) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()[-limit:]
    return [json.loads(line) for line in reversed(lines) if line.strip()]
