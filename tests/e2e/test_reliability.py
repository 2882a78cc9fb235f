"""Nothing lost when things fail: restarts, a dead or hung action server, a broken tracker
store; "delete my answers" and `make purge` checked in the database; only models this
project trained are loaded.

These tests start, kill and restart their own servers (not the shared `servers`), each
with its own SQLite file.
"""
import contextlib
import http.server
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import threading
import uuid
from pathlib import Path

import pytest
import requests
import yaml

from conftest import (
    PROJECT, REST_PREFIX, VENV_BIN, Servers, assistant_commands, free_port, server_env, started, wait_until,
)

DOMAIN = yaml.safe_load((PROJECT / "domain.yml").read_text())
SOMETHING_WENT_WRONG = " ".join(DOMAIN["responses"]["utter_something_went_wrong"][0]["text"].split())
ANSWERS_DELETED = " ".join(DOMAIN["responses"]["utter_answers_deleted"][0]["text"].split())
WELCOME = " ".join(DOMAIN["responses"]["utter_welcome"][0]["text"].split())
ACTION_TIMEOUT_S = "3"


class Assistant:
    """An action server and a Rasa server that can each be killed and started again,
    keeping the same ports and the same SQLite file."""

    def __init__(self, work: Path):
        self.work = work
        self.rasa_port, self.actions_port = free_port(), free_port()
        self.token = secrets.token_urlsafe(24)
        self.env = {**server_env(work, self.actions_port, self.token), "ACTION_TIMEOUT_S": ACTION_TIMEOUT_S}
        self.commands = assistant_commands(self.rasa_port, self.actions_port)
        self.servers = Servers(f"http://127.0.0.1:{self.rasa_port}", self.token, work)
        self.stack = contextlib.ExitStack()
        self.pids = {}
        self.starts = 0

    @property
    def database(self) -> Path:
        return Path(self.env["TRACKER_DB"])

    def start(self, name: str) -> None:
        self.starts += 1
        check = {
            "actions": ("action server", lambda: requests.get(f"http://127.0.0.1:{self.actions_port}/health", timeout=2).ok),
            "rasa": ("Rasa server", lambda: requests.get(f"{self.servers.rasa_url}/status", params={"token": self.token},
                                                         timeout=2).json().get("model_file")),
        }[name]
        log_dir = self.work / f"start-{self.starts}"
        log_dir.mkdir()
        pids = self.stack.enter_context(started({name: self.commands[name]}, self.env, log_dir, [check]))
        self.pids.update(pids)

    def kill(self, name: str) -> None:
        """SIGKILL: no chance to save or clean up, as in a crash or a lost machine."""
        pid = self.pids.pop(name)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)  # gone, and its port free, before the test goes on

    def ensure_running(self) -> None:
        for name in ("actions", "rasa"):
            if not self.alive(name):
                self.start(name)

    def alive(self, name: str) -> bool:
        if name not in self.pids:
            return False
        try:
            exited, _ = os.waitpid(self.pids[name], os.WNOHANG)  # reaps it if it has died
        except ChildProcessError:
            return False
        return exited == 0

    def health(self) -> requests.Response:
        return requests.get(f"{self.servers.rasa_url}/webhooks/health/", timeout=30)

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.work.rglob("*.log")))

    def rows(self, sender: str) -> int:
        """Stored events of the REST channel's conversation with this sender."""
        with sqlite3.connect(self.database) as connection:
            return connection.execute("SELECT count(*) FROM events WHERE sender_id = ?",
                                      (REST_PREFIX + sender,)).fetchone()[0]


@pytest.fixture(scope="module")
def running_assistant(tmp_path_factory):
    assistant = Assistant(tmp_path_factory.mktemp("reliability"))
    with assistant.stack:
        assistant.start("actions")
        assistant.start("rasa")
        yield assistant


@pytest.fixture
def assistant(running_assistant):
    """The module's servers, both running at the start of each test (a test that kills
    one starts it again; after a failure, this does)."""
    running_assistant.ensure_running()
    return running_assistant


def texts(replies) -> list:
    return [" ".join(r["text"].split()) for r in replies if r.get("text")]


def begin(servers: Servers, sender: str) -> None:
    """Welcome, start, and answer the first question (symptoms_affect_daily_life)."""
    servers.send(sender, "hello")
    servers.send(sender, "/start_questions")
    servers.send(sender, '/inform{"answer": "yes"}')
    assert servers.tracker(sender)["slots"]["requested_slot"] == "symptom_areas"


def test_a_conversation_survives_killing_both_servers_mid_conversation(assistant):
    sender = f"restart-{uuid.uuid4().hex}"
    servers = assistant.servers
    begin(servers, sender)
    servers.send(sender, "my spine")
    assert servers.tracker(sender)["slots"]["requested_slot"] == "spread_extent"

    assistant.kill("rasa")
    assistant.kill("actions")
    assistant.start("actions")
    assistant.start("rasa")

    slots = servers.tracker(sender)["slots"]
    assert slots["requested_slot"] == "spread_extent"
    assert slots["symptoms_affect_daily_life"] == "yes" and slots["symptom_areas"] == ["spine"]
    replies = texts(servers.send(sender, "just the one area"))
    assert servers.tracker(sender)["slots"]["spread_extent"] == "one_area"
    assert WELCOME not in replies, "the conversation went on; it did not start again"


def test_a_dead_action_server_gets_a_kind_reply_and_the_conversation_goes_on_after(assistant):
    sender = f"no-actions-{uuid.uuid4().hex}"
    servers = assistant.servers
    begin(servers, sender)

    assistant.kill("actions")
    assert texts(servers.send(sender, "my spine")) == [SOMETHING_WENT_WRONG]
    assert assistant.alive("rasa")
    health = assistant.health()
    assert health.status_code == 503 and health.json()["checks"]["action_server"].startswith("unreachable")
    # A new person's first message needs the action server too (the welcome).
    assert texts(servers.send(f"newcomer-{uuid.uuid4().hex}", "hello")) == [SOMETHING_WENT_WRONG]

    assistant.start("actions")
    assert assistant.health().status_code == 200
    slots = servers.tracker(sender)["slots"]
    assert slots["requested_slot"] == "symptom_areas" and slots["symptom_areas"] is None
    servers.send(sender, "my spine")
    slots = servers.tracker(sender)["slots"]
    assert slots["symptom_areas"] == ["spine"] and slots["requested_slot"] == "spread_extent"
    assert slots["symptoms_affect_daily_life"] == "yes"


@contextlib.contextmanager
def hung_server(port: int):
    """Accepts connections on the port and never answers, like a stuck action server."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(16)
    accepted, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except socket.timeout:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        listener.close()


def test_a_hung_action_server_times_out_in_seconds_with_a_kind_reply(assistant):
    sender = f"hung-{uuid.uuid4().hex}"
    servers = assistant.servers
    begin(servers, sender)
    assistant.kill("actions")
    with hung_server(assistant.actions_port):
        # Rasa's own default would keep the person waiting 5 minutes; requests gives up at 60 s.
        assert texts(servers.send(sender, "my spine")) == [SOMETHING_WENT_WRONG]
    assistant.start("actions")
    servers.send(sender, "my spine")
    assert servers.tracker(sender)["slots"]["symptom_areas"] == ["spine"]


@contextlib.contextmanager
def action_server_answering(port: int, body: bytes):
    """An action server that answers every call with this body (HTTP 200, JSON)."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    http.server.ThreadingHTTPServer.allow_reuse_address = True
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_an_action_server_reply_that_breaks_rasas_schema_gets_a_kind_reply_and_stores_nothing(assistant):
    # The Rasa server checks each reply against its schema with a validator built once
    # (assistant_server/action_results.py): a malformed one must still be refused.
    sender = f"malformed-{uuid.uuid4().hex}"
    servers = assistant.servers
    begin(servers, sender)
    assistant.kill("actions")
    malformed = json.dumps({"events": [{"event": "slot", "value": ["spine"]}], "responses": []}).encode()
    with action_server_answering(assistant.actions_port, malformed):
        assert texts(servers.send(sender, "my spine")) == [SOMETHING_WENT_WRONG]
    slots = servers.tracker(sender)["slots"]
    assert slots["symptom_areas"] is None and slots["requested_slot"] == "symptom_areas"
    assistant.start("actions")
    servers.send(sender, "my spine")
    assert servers.tracker(sender)["slots"]["symptom_areas"] == ["spine"]


def test_a_broken_tracker_store_fails_loudly_and_nothing_is_lost_once_it_is_back(assistant):
    sender = f"store-{uuid.uuid4().hex}"
    servers = assistant.servers
    begin(servers, sender)
    good = assistant.database.read_bytes()
    assistant.database.write_bytes(b"this is not a database" * 4096)
    try:
        assert texts(servers.send(sender, "my spine")) == [SOMETHING_WENT_WRONG]
        health = assistant.health()
        assert health.status_code == 503 and health.json()["checks"]["tracker_store"].startswith("unreachable")
        assert assistant.alive("rasa")
    finally:
        assistant.database.write_bytes(good)
    assert assistant.health().status_code == 200
    slots = servers.tracker(sender)["slots"]
    assert slots["symptoms_affect_daily_life"] == "yes" and slots["requested_slot"] == "symptom_areas"
    servers.send(sender, "my spine")
    assert servers.tracker(sender)["slots"]["symptom_areas"] == ["spine"]
    assert "this is not a database" not in assistant.logs()


def test_delete_my_answers_removes_the_conversation_from_the_database(assistant):
    sender, other = f"forget-{uuid.uuid4().hex}", f"keep-{uuid.uuid4().hex}"
    servers = assistant.servers
    begin(servers, sender)
    begin(servers, other)
    assert assistant.rows(sender) > 0
    assert "This cannot be undone." in " ".join(texts(servers.send(sender, "please delete my answers")))
    assert texts(servers.send(sender, "/affirm")) == [ANSWERS_DELETED]
    assert assistant.rows(sender) == 0
    assert assistant.rows(other) > 0 and servers.tracker(other)["slots"]["symptoms_affect_daily_life"] == "yes"
    # Writing again starts from the beginning, with nothing of before.
    assert WELCOME in texts(servers.send(sender, "hello"))
    assert servers.tracker(sender)["slots"]["symptoms_affect_daily_life"] is None


def test_keeping_the_answers_after_asking_to_delete_them_keeps_everything(assistant):
    sender = f"keep-{uuid.uuid4().hex}"
    servers = assistant.servers
    begin(servers, sender)
    servers.send(sender, "delete my data")
    servers.send(sender, "/deny")
    assert servers.tracker(sender)["slots"]["symptoms_affect_daily_life"] == "yes"
    servers.send(sender, "/start_questions")
    assert servers.tracker(sender)["slots"]["requested_slot"] == "symptom_areas"


def purge(assistant, days: str) -> str:
    result = subprocess.run(
        ["make", "--no-print-directory", "purge", f"DAYS={days}", f"TRACKER_DB={assistant.database}"],
        cwd=PROJECT, env={**os.environ, "ACTION_ENDPOINT_URL": assistant.env["ACTION_ENDPOINT_URL"]},
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_make_purge_deletes_only_conversations_idle_for_longer_than_the_setting(assistant):
    sender = f"purge-{uuid.uuid4().hex}"
    begin(assistant.servers, sender)
    assert "Deleted 0 conversation(s)" in purge(assistant, "1")
    assert assistant.rows(sender) > 0
    with sqlite3.connect(assistant.database) as connection:
        conversations = connection.execute("SELECT count(DISTINCT sender_id) FROM events").fetchone()[0]
    assert f"Deleted {conversations} conversation(s)" in purge(assistant, "0")
    assert assistant.rows(sender) == 0
    with sqlite3.connect(assistant.database) as connection:
        assert connection.execute("SELECT count(*) FROM events").fetchone()[0] == 0


def test_only_models_trained_here_are_loaded(tmp_path, assistant):
    untrusted = tmp_path / "untrusted"
    untrusted.mkdir()
    shutil.copy(PROJECT / "models" / "candidacy.tar.gz", untrusted / "candidacy.tar.gz")
    (untrusted / "candidacy.tar.gz.sha256").write_text("0" * 64 + "\n")

    # Through the HTTP API: refused, and the running model stays.
    before = requests.get(f"{assistant.servers.rasa_url}/status", params={"token": assistant.token}, timeout=10).json()
    answer = requests.put(f"{assistant.servers.rasa_url}/model", params={"token": assistant.token},
                          json={"model_file": str(untrusted / "candidacy.tar.gz")}, timeout=120)
    assert answer.status_code >= 400
    after = requests.get(f"{assistant.servers.rasa_url}/status", params={"token": assistant.token}, timeout=10).json()
    assert after["model_file"] == before["model_file"]
    assert texts(assistant.servers.send(f"after-put-{uuid.uuid4().hex}", "hello"))

    # At start: the server comes up without a model and says why.
    port, token = free_port(), secrets.token_urlsafe(24)
    command = [str(VENV_BIN / "python"), "scripts/rasa_server.py", "run", "--model", str(untrusted / "candidacy.tar.gz"),
               "--endpoints", "endpoints.yml", "--interface", "127.0.0.1", "--port", str(port),
               "--enable-api"]
    log = tmp_path / "untrusted.log"
    process = subprocess.Popen(command, cwd=PROJECT, env={**assistant.env, "RASA_API_TOKEN": token},
                               stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: "Rasa server is up and running" in log.read_text(), "Rasa server without a model",
                   [process], [log])
        # Rasa answers 409 "no agent loaded" while it has no model.
        assert requests.get(f"http://127.0.0.1:{port}/status", params={"token": token}, timeout=10).status_code == 409
        assert "Refused to load" in log.read_text()
    finally:
        process.terminate()
        process.wait(timeout=30)
