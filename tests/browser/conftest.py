"""Starts the real action server, Rasa server and chat page once, and Debian's Chromium
through Playwright, for the browser tests.

Rasa allows only the page's origin (`--cors`), as `make run` does. Every test gets a
fresh browser context whose requests are recorded; none may leave 127.0.0.1.
"""
import importlib.util
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import sync_playwright

PROJECT = Path(__file__).resolve().parents[2]


def load_e2e_helpers():
    """The end-to-end tests' server helpers, loaded by path: a package installed in the
    venv is also called `tests`, so `tests.e2e` cannot be imported by name."""
    spec = importlib.util.spec_from_file_location("e2e_helpers", PROJECT / "tests" / "e2e" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_e2e = load_e2e_helpers()
Servers, free_port, IDS = _e2e.Servers, _e2e.free_port, _e2e.IDS
VENV_BIN = PROJECT / ".venv" / "bin"
AXE_PATH = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = PROJECT / "results" / "screenshots"
# Without the background-networking flags Chromium tries to reach Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
WIDE = {"width": 1280, "height": 900}
# Replies can take a few seconds on a busy machine; waits are generous, never asserted.
WAIT_MS = 60_000


class WebServers(Servers):
    def __init__(self, rasa_url, token, log_dir, page_url):
        super().__init__(rasa_url, token, log_dir)
        self.page_url = page_url


@pytest.fixture(autouse=True)
def no_network():
    """These tests talk to the real servers on 127.0.0.1: lift the unit tests' network guard."""
    yield


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    work = tmp_path_factory.mktemp("web-servers")
    rasa_port, actions_port, web_port = free_port(), free_port(), free_port()
    rasa_url, page_url = f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{web_port}"
    token = "web-tests-" + os.urandom(16).hex()
    commands = {
        **_e2e.assistant_commands(rasa_port, actions_port, rasa_args=("--cors", page_url)),
        "web": [
            str(VENV_BIN / "python"), "-m", "webchat.server", "--host", "127.0.0.1", "--port", str(web_port),
            "--rasa-url", rasa_url, "--origins", page_url,
        ],
    }
    ready_checks = [
        ("page server", lambda: requests.get(page_url, timeout=2).ok),
        *_e2e.assistant_ready_checks(rasa_url, actions_port, token),
    ]
    with _e2e.started(commands, {**_e2e.server_env(work, actions_port, token), "WEB_ORIGINS": page_url}, work,
                      ready_checks):
        yield WebServers(rasa_url, token, work, page_url)


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def host_of(url: str) -> str:
    if url.startswith("blob:"):
        url = url[len("blob:"):]
    return urlsplit(url).hostname


@pytest.fixture
def context(browser):
    """A fresh browser profile (empty sessionStorage) that records every request it makes."""
    context = browser.new_context(viewport=WIDE)
    context.set_default_timeout(WAIT_MS)
    requested = []
    context.on("request", lambda request: requested.append(request.url))
    context.on("page", lambda page: page.on("websocket", lambda ws: requested.append(ws.url)))
    context.requested = requested
    yield context
    context.close()
    # Every test checks that nothing left the machine: page, scripts, socket and downloads.
    outside = [url for url in requested if host_of(url) != "127.0.0.1"]
    assert requested, "the browser made no request at all"
    assert not outside, f"requests left 127.0.0.1: {outside}"


@pytest.fixture(scope="session")
def axe_source():
    return AXE_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
