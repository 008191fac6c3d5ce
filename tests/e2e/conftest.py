"""Real-browser harness: the portal served on 127.0.0.1, Debian's Chromium driven by
Playwright (never `playwright install`), axe-core for accessibility at 320 and 1280 px."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from portal.extensions import db

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
WIDTHS = (320, 1280)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

NO_CHROMIUM = (
    "The browser tests need Debian's package chromium (apt-get install chromium); "
    "run the others with -m 'not e2e' (make test BROWSER=no)."
)


class _NeutralHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!DOCTYPE html><html lang='en'><title>Weather</title><h1>Weather</h1></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        return


@dataclass
class LiveServer:
    app: Flask
    url: str
    exit_url: str

    def path(self, path: str) -> str:
        return self.url + path


@pytest.fixture(scope="module")
def neutral_site() -> Iterator[str]:
    """Stands in for the neutral exit site, on loopback (tests never reach the internet)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NeutralHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/weather"
    server.shutdown()


@pytest.fixture(scope="module")
def live_server_overrides() -> dict[str, Any]:
    """Extra settings for a module's live server (a module overrides this fixture)."""
    return {}


@pytest.fixture(scope="module")
def live_server(
    databases,
    tmp_path_factory: pytest.TempPathFactory,
    neutral_site: str,
    live_server_overrides: dict[str, Any],
) -> Iterator[LiveServer]:
    from portal import create_app
    from tests.conftest import make_settings

    url = databases.clone()
    settings = make_settings(
        url, tmp_path_factory.mktemp("live"), EXIT_URL=neutral_site, **live_server_overrides
    )
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}", neutral_site)
    server.shutdown()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    databases.drop(url)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        pytest.fail(NO_CHROMIUM, pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class RequestLog:
    hosts: set[str] = field(default_factory=set)
    console_errors: list[str] = field(default_factory=list)


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., tuple[Page, RequestLog]]]:
    contexts = []

    def make(width: int = 1280, height: int = 900) -> tuple[Page, RequestLog]:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        log = RequestLog()
        page.on("request", lambda request: log.hosts.add(urlsplit(request.url).netloc))
        page.on(
            "console",
            lambda message: (
                log.console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        return page, log

    yield make
    for context in contexts:
        context.close()


_axe = Axe()


def assert_accessible(page: Page) -> None:
    """Zero axe-core violations for WCAG 2.0/2.1/2.2 A and AA."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    violations = results.response["violations"]
    assert not violations, results.generate_report()
