"""A conversation is reachable only by the person who started it, tried as an attacker
would against the real servers (docs/security.md lists what each test here shows).

The web chat's sessions are issued and signed by the server and held by one live
connection; the REST channel's ids never reach another channel's conversation; browsers
from other sites, oversized bodies and secrets on command lines are refused.
(SMS and WhatsApp conversations: tests/e2e/test_sms_and_whatsapp.py.)
"""
import queue
import socket
import sqlite3
import stat
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
import socketio

from bad_input import Conversation, new_sender
from conftest import ACTION_SERVER_TOKEN, ALLOWED_ORIGIN, CONVERSATION_SECRET, IDS
from test_bad_input_socketio import WAIT_S, SocketPerson, socket_conversation

FOREIGN_ORIGIN = "http://attacker.example"
TWENTY_MB = 20 * 1024 * 1024
QUIET_S = 5  # how long a connection that must get nothing is watched


class Intruder:
    """A second socket.io connection that names someone else's session."""

    def __init__(self, servers, headers=None):
        self.events: "queue.Queue[tuple]" = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        for event in ("bot_uttered", "bad_request", "session_confirm", "session_in_use"):
            self.client.on(event, lambda data=None, event=event: self.events.put((event, data)))
        self.client.connect(servers.rasa_url, transports=["polling"], headers=headers or {}, wait_timeout=WAIT_S)

    def next_event(self, timeout=WAIT_S):
        return self.events.get(timeout=timeout)

    def got_nothing_for(self, seconds) -> bool:
        try:
            self.events.get(timeout=seconds)
        except queue.Empty:
            return True
        return False

    def close(self):
        self.client.disconnect()


@pytest.fixture
def person(servers):
    person = SocketPerson(servers)
    yield person
    person.close()


# --- the web chat: sessions issued by the server, one live connection each ---------------------

def test_a_second_socket_naming_a_live_session_gets_none_of_it_and_changes_nothing(servers, person):
    conversation = socket_conversation(servers, person)
    events_before = person.turn_events()
    intruder = Intruder(servers)
    try:
        intruder.client.emit("session_request", {"session_id": person.session_id})
        assert intruder.next_event() == ("session_in_use", {})
        intruder.client.emit("user_uttered", {"message": "delete my answers", "session_id": person.session_id})
        event, data = intruder.next_event()
        assert event == "bad_request" and "session" in data["error"]
        assert person.turn_events() == events_before, "the intruder's message reached the conversation"

        replies = person.say("why are you asking?")
        assert replies, "the person still gets replies"
        assert intruder.got_nothing_for(QUIET_S), "the intruder received something"
    finally:
        intruder.close()
    conversation.assert_goes_on()


def test_a_made_up_session_id_opens_a_new_empty_conversation(servers, person):
    socket_conversation(servers, person)
    made_up = person.session_id.split(".")[0] + "." + "0" * 64
    intruder = Intruder(servers)
    try:
        for named in (made_up, person.session_id.split(".")[0], person.conversation_id):
            intruder.client.emit("session_request", {"session_id": named})
            event, token = intruder.next_event()
            assert event == "session_confirm" and token != person.session_id
            assert IDS.web(token) != person.conversation_id
    finally:
        intruder.close()


def test_once_its_connection_has_gone_the_token_resumes_the_conversation(servers):
    first = SocketPerson(servers)
    conversation = socket_conversation(servers, first)
    first.close()
    again = SocketPerson(servers, first.session_id)
    try:
        assert again.session_id == first.session_id
        Conversation(servers, sender=again.session_id, send=again.say, tracker=again.tracker).assert_goes_on()
        assert conversation.slots()["growth_count"] == "unsure"
    finally:
        again.close()


def rows_of(servers, conversation_id) -> int:
    with sqlite3.connect(servers.log_dir / "conversations.db") as connection:
        return connection.execute("SELECT count(*) FROM events WHERE sender_id = ?", (conversation_id,)).fetchone()[0]


def test_clearing_the_conversation_deletes_it_on_the_server_and_starts_a_new_one(servers, person):
    socket_conversation(servers, person)
    old = person.conversation_id
    assert rows_of(servers, old) > 0
    person.client.emit("clear_conversation")
    new_token = person.confirmations.get(timeout=WAIT_S)
    assert new_token != person.session_id and IDS.web(new_token)
    assert rows_of(servers, old) == 0, "the conversation is still stored"
    assert not any(e["event"] == "user" for e in servers.conversation(old)["events"])
    # The connection goes on in its new conversation; the old token opens nothing of the old one.
    person.session_id, person.conversation_id = new_token, IDS.web(new_token)
    assert person.say("hello")


def test_clearing_without_a_session_is_refused(servers):
    intruder = Intruder(servers)
    try:
        intruder.client.emit("clear_conversation")
        event, data = intruder.next_event()
        assert event == "bad_request" and "session" in data["error"]
    finally:
        intruder.close()


# --- the REST channel never reaches another channel's conversation -----------------------------

def first_reply_to(servers, sender, text) -> list:
    return [reply.get("text") for reply in servers.send(sender, text)]


@pytest.mark.parametrize("named", ["token", "conversation id", "session part"])
def test_rest_naming_a_web_conversation_gets_a_brand_new_conversation(servers, person, named):
    conversation = socket_conversation(servers, person)
    before = person.turn_events()
    sender = {"token": person.session_id, "conversation id": person.conversation_id,
              "session part": person.session_id.split(".")[0]}[named]
    text = "I want to change one of my answers"
    assert first_reply_to(servers, sender, text) == first_reply_to(servers, new_sender(), text)
    assert person.turn_events() == before
    conversation.assert_intact()


# --- browsers from other sites -------------------------------------------------------------------

def test_a_rest_post_from_another_site_is_refused_and_not_processed(servers):
    sender = new_sender()
    answer = requests.post(f"{servers.rasa_url}/webhooks/rest/webhook", timeout=30,
                           headers={"Origin": FOREIGN_ORIGIN, "Content-Type": "text/plain"},
                           data='{"sender": "%s", "message": "hello"}' % sender)
    assert answer.status_code == 403
    assert not any(e["event"] == "user" for e in servers.tracker(sender)["events"])


def test_socketio_from_another_site_gets_no_connection(servers):
    polling = requests.get(f"{servers.rasa_url}/socket.io/", params={"EIO": "4", "transport": "polling"},
                           headers={"Origin": FOREIGN_ORIGIN}, timeout=30)
    assert polling.status_code == 403
    with pytest.raises(socketio.exceptions.ConnectionError):
        Intruder(servers, headers={"Origin": FOREIGN_ORIGIN})


def raw_http(url: str, request: bytes) -> bytes:
    """Sends bytes as they are and returns what comes back first."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as connection:
        connection.sendall(request)
        return connection.recv(4096)


def test_a_websocket_upgrade_from_another_site_is_refused(servers):
    host = urlsplit(servers.rasa_url).netloc

    def upgrade(origin):
        return raw_http(servers.rasa_url, (
            f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\n"
            "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").encode())

    assert upgrade(FOREIGN_ORIGIN).startswith(b"HTTP/1.1 403")
    assert upgrade(ALLOWED_ORIGIN).startswith(b"HTTP/1.1 101"), "the allowed site's page is upgraded"


# --- bounded input: a huge body is refused before it is read -----------------------------------

@pytest.mark.parametrize("path", ["/webhooks/rest/webhook", "/webhooks/twilio/webhook",
                                  "/socket.io/?EIO=4&transport=polling", "/model/parse"])
def test_a_20_mb_body_gets_413_before_it_is_sent(servers, path):
    host = urlsplit(servers.rasa_url).netloc
    # Only the headers and 1 kB are sent: the answer must come without the rest.
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {TWENTY_MB}\r\n\r\n").encode()
    assert raw_http(servers.rasa_url, head + b"x" * 1024).startswith(b"HTTP/1.1 413")


def test_a_chunked_body_is_cut_off_at_the_limit(servers):
    def chunks():
        for _ in range(400):  # 400 kB in all, over the 64 kB limit
            yield b"x" * 1024

    answer = requests.post(f"{servers.rasa_url}/webhooks/rest/webhook", data=chunks(),
                           headers={"Content-Type": "application/json"}, timeout=60)
    assert answer.status_code == 413


def test_a_socket_event_over_the_limit_drops_the_connection_and_stores_nothing(servers, person):
    socket_conversation(servers, person)
    events_before = person.turn_events()
    person.client.emit("user_uttered", {"message": "x" * 100_000, "session_id": person.session_id})
    deadline = time.monotonic() + WAIT_S
    while person.client.connected and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not person.client.connected, "the connection stayed up"
    assert person.turn_events() == events_before
    again = SocketPerson(servers, person.session_id)
    try:
        assert again.session_id == person.session_id, "the token resumes the conversation"
        assert again.say("hello")
    finally:
        again.close()


def test_a_message_of_normal_size_still_goes_through_after_huge_ones(servers):
    assert servers.send(new_sender(), "hello")


# --- secrets and storage ----------------------------------------------------------------------

def command_lines() -> list:
    lines = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            lines.append(cmdline.read_bytes().replace(b"\0", b" ").decode("utf-8", "replace"))
        except OSError:
            pass  # the process has gone
    return lines


def test_no_secret_is_on_any_command_line(servers):
    lines = command_lines()
    assert any("rasa_server.py" in line for line in lines), "the Rasa server was not found among the processes"
    for secret in (servers.token, ACTION_SERVER_TOKEN, CONVERSATION_SECRET):
        assert not any(secret in line for line in lines)


def test_no_secret_is_in_the_logs(servers):
    logs = servers.logs()
    for secret in (servers.token, ACTION_SERVER_TOKEN, CONVERSATION_SECRET):
        assert secret not in logs


def test_the_conversation_database_is_readable_by_its_owner_only(servers):
    assert servers.send(new_sender(), "hello")
    mode = stat.S_IMODE((servers.log_dir / "conversations.db").stat().st_mode)
    assert mode == 0o600, oct(mode)
