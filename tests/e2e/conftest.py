"""Starts the real action server and Rasa server once for the end-to-end tests."""
import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

# fake_twilio.py sits beside this file; the browser tests load this file by path.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from fake_twilio import (  # noqa: E402
    TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_NUMBER, TWILIO_WEBHOOK_URL, FakeTwilio,
)

PROJECT = Path(__file__).resolve().parents[2]
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))
from channels.identity import REST_PREFIX, ConversationIds  # noqa: E402
VENV_BIN = PROJECT / ".venv" / "bin"
START_TIMEOUT_S = 180


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, what: str, processes, logs):
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        for process, log in zip(processes, logs):
            if process.poll() is not None:
                raise RuntimeError(f"{what}: a server exited early:\n{Path(log).read_text()[-4000:]}")
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"{what} not ready after {START_TIMEOUT_S} s")


class Servers:
    def __init__(self, rasa_url: str, token: str, log_dir: Path, pids: dict = None, twilio: FakeTwilio = None,
                 actions_url: str = None):
        self.rasa_url = rasa_url
        self.token = token
        self.log_dir = log_dir
        self.pids = pids or {}
        self.twilio = twilio
        self.actions_url = actions_url

    def send(self, sender: str, message: str) -> list:
        response = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> dict:
        """The REST channel's conversation with this sender (channels/identity.py)."""
        return self.conversation(REST_PREFIX + sender)

    def conversation(self, conversation_id: str) -> dict:
        """The tracker stored under this full conversation id, through the HTTP API."""
        response = requests.get(
            f"{self.rasa_url}/conversations/{quote(conversation_id, safe=':+')}/tracker",
            params={"token": self.token},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.log_dir.glob("*.log")))


@pytest.fixture(autouse=True)
def no_network():
    """These tests talk to the real servers on 127.0.0.1: lift the unit tests' network guard."""
    yield


# The deployment secrets the servers read from the environment (never from argv), one set
# per test session, as `make run` makes them (scripts/run.sh).
CONVERSATION_SECRET = secrets.token_urlsafe(32)
ACTION_SERVER_TOKEN = secrets.token_urlsafe(32)
# The one site whose pages may talk to these servers (WEB_ORIGINS).
ALLOWED_ORIGIN = "http://127.0.0.1:8000"
# The servers' conversation ids, as the channels compose them.
IDS = ConversationIds(CONVERSATION_SECRET)


def server_env(work: Path, actions_port: int, token: str) -> dict:
    return {
        **os.environ,
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
        "SANIC_HOST": "127.0.0.1",
        "TRACKER_DB": str(work / "conversations.db"),
        "RASA_TELEMETRY_ENABLED": "false",
        "RASA_API_TOKEN": token,
        "CONVERSATION_SECRET": CONVERSATION_SECRET,
        "ACTION_SERVER_TOKEN": ACTION_SERVER_TOKEN,
        "WEB_ORIGINS": ALLOWED_ORIGIN,
    }


def twilio_env(fake: FakeTwilio) -> dict:
    return {
        "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
        "TWILIO_NUMBER": TWILIO_NUMBER,
        "TWILIO_WEBHOOK_URL": TWILIO_WEBHOOK_URL,
        "TWILIO_API_BASE_URL": fake.base_url,
    }


def assistant_commands(rasa_port: int, actions_port: int, rasa_args=(), endpoints="endpoints.yml") -> dict:
    """The action server and the Rasa server, as `make run` starts them, on these ports.
    The API token comes from RASA_API_TOKEN in the environment (server_env), not argv."""
    return {
        "actions": [
            str(VENV_BIN / "python"), "scripts/action_server.py", "--actions", "actions", "--port", str(actions_port),
        ],
        "rasa": [
            str(VENV_BIN / "python"), "scripts/rasa_server.py", "run", "--model", "models/candidacy.tar.gz",
            "--endpoints", endpoints,
            "--credentials", "credentials.yml", "--interface", "127.0.0.1", "--port", str(rasa_port),
            "--enable-api", *rasa_args,
        ],
    }


def assistant_ready_checks(rasa_url: str, actions_port: int, token: str) -> list:
    return [
        ("action server", lambda: requests.get(f"http://127.0.0.1:{actions_port}/health", timeout=2).ok),
        ("Rasa server", lambda: requests.get(f"{rasa_url}/status", params={"token": token}, timeout=2)
         .json().get("model_file")),
    ]


@contextlib.contextmanager
def started(commands: dict, env: dict, work: Path, ready_checks: list):
    """Starts each command (its output in work/<name>.log), waits until every check passes,
    and stops them all afterwards."""
    logs = [work / f"{name}.log" for name in commands]
    processes = [
        subprocess.Popen(command, cwd=PROJECT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        for command, log in zip(commands.values(), logs)
    ]
    try:
        for what, check in ready_checks:
            wait_until(check, what, processes, logs)
        yield {name: process.pid for name, process in zip(commands, processes)}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="session")
def fake_twilio():
    fake = FakeTwilio(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def servers(tmp_path_factory, fake_twilio):
    work = tmp_path_factory.mktemp("servers")
    rasa_port, actions_port = free_port(), free_port()
    token = secrets.token_urlsafe(24)
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    env = {**server_env(work, actions_port, token), **twilio_env(fake_twilio)}
    with started(assistant_commands(rasa_port, actions_port), env, work,
                 assistant_ready_checks(rasa_url, actions_port, token)) as pids:
        yield Servers(rasa_url, token, work, pids, fake_twilio, actions_url=f"http://127.0.0.1:{actions_port}")
