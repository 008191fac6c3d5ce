"""Redirect targets we are willing to follow."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str) -> str:
    """Allow only a path on this portal (no scheme, no host, no '//' or backslash tricks)."""
    if not target:
        return default
    if any(ch in target for ch in ("\\", "\r", "\n", "\t")) or not target.startswith("/"):
        return default
    if target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
