"""Bad input through the socket.io channel the web chat uses, against the real servers.

A person here is a python-socketio client speaking to Rasa as the widget does
(session_request, then user_uttered with the session token the server issued). An event Rasa cannot use gets a
`bad_request` event back, naming what is wrong, on that connection only; any text gets
bot_uttered replies; the connection stays up and nothing earlier is lost.
"""
import json
import queue
import threading
import time

import pytest
import socketio
from hypothesis import given
from hypothesis import strategies as st

from nlp.incoming_text import prepare
from bad_input import (
    FEW, HOSTILE_TEXTS, MESSAGE_CHAR_LIMIT, Conversation, assert_kind_replies, assert_servers_alive,
    message_texts, response_text, said, some_json,
)
from conftest import IDS
from nlp.incoming_text import prepare

WAIT_S = 90
IN_USE_RETRY_S = 1


class SocketPerson:
    """One browser tab: a socket.io connection that joined one conversation."""

    def __init__(self, servers, session_id: str = None):
        """`session_id`: a token to resume; without one the server issues a new one."""
        self.servers = servers
        self.replies: "queue.Queue[dict]" = queue.Queue()
        self.refusals: "queue.Queue[dict]" = queue.Queue()
        self.confirmations: "queue.Queue" = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        self.client.on("bot_uttered", self.replies.put)
        self.client.on("bad_request", self.refusals.put)
        self.client.on("session_confirm", self.confirmations.put)
        self.client.connect(servers.rasa_url, transports=["polling"], wait_timeout=WAIT_S)
        request = {"session_id": session_id} if session_id else {}
        # As the widget does: while another connection still holds the session (one that
        # dropped is noticed within about 20 s), ask again.
        self.client.on("session_in_use", lambda _=None: threading.Timer(
            IN_USE_RETRY_S, lambda: self.client.emit("session_request", request)).start())
        self.client.emit("session_request", request)
        self.session_id = self.confirmations.get(timeout=WAIT_S)
        self.conversation_id = IDS.web(self.session_id)
        assert self.conversation_id, "the server confirmed a token it did not sign"

    def close(self):
        self.client.disconnect()

    def tracker(self) -> dict:
        return self.servers.conversation(self.conversation_id)

    def turn_events(self):
        return self.tracker()["events"]

    def say(self, text) -> list:
        """Sends a message; returns the replies once the turn is over: the tracker has the new
        user message and listens again, and every message of the turn arrived (its bot
        events, the welcome included, plus the note that a long message was cut, which the
        channel sends outside the turn)."""
        events_before = len(self.turn_events())
        self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            new = self.turn_events()[events_before:]
            if any(e["event"] == "user" for e in new) and new[-1].get("name") == "action_listen":
                expected = sum(e["event"] == "bot" for e in new) + (1 if prepare(text)[1] else 0)
                return [self.replies.get(timeout=WAIT_S) for _ in range(expected)]
            time.sleep(0.3)
        raise AssertionError("the turn did not finish")

    def refused(self, event: str, data) -> dict:
        """Sends a raw event that should be refused; returns the bad_request it got."""
        self.client.emit(event, data)
        return self.refusals.get(timeout=WAIT_S)


@pytest.fixture
def person(servers):
    person = SocketPerson(servers)
    yield person
    person.close()


def socket_conversation(servers, person) -> Conversation:
    return Conversation(servers, sender=person.session_id, send=person.say, tracker=person.tracker).begin()


WRONG_MESSAGES = {
    "data is a string": ("hello", "data"),
    "data is a list": (["hello"], "data"),
    "data is a number": (5, "data"),
    "data is null": (None, "data"),
    "message is a number": ({"message": 5}, "message"),
    "message is a list": ({"message": ["hello"]}, "message"),
    "message is null": ({"message": None}, "message"),
    "message is missing": ({}, "message"),
    "session_id is missing": ({"message": "hello", "session_id": None}, "session_id"),
    "session_id is another session's": ({"message": "hello", "session_id": IDS.new_web_session()}, "session_id"),
    "session_id is a number": ({"message": "hello", "session_id": 5}, "session_id"),
    "session_id is a list": ({"message": "hello", "session_id": ["x"]}, "session_id"),
    "session_id is empty": ({"message": "hello", "session_id": ""}, "session_id"),
    "metadata is not JSON": ({"message": "hello", "metadata": "{bad"}, "metadata"),
    "metadata is a list": ({"message": "hello", "metadata": [1]}, "metadata"),
}


@pytest.mark.parametrize("data, field", WRONG_MESSAGES.values(), ids=WRONG_MESSAGES.keys())
def test_a_malformed_message_gets_bad_request_and_the_connection_goes_on(servers, person, data, field):
    conversation = socket_conversation(servers, person)
    events_before = len(person.turn_events())
    if isinstance(data, dict) and "session_id" not in data:
        data = {**data, "session_id": person.session_id}
    refusal = person.refused("user_uttered", data)
    assert field in refusal["error"]
    assert person.client.connected
    assert len(person.turn_events()) == events_before, "a refused message is not stored"
    assert_servers_alive(servers)
    conversation.assert_goes_on()


WRONG_SESSION_REQUESTS = {
    "data is a string": ("abc", "data"),
    "data is a list": ([1], "data"),
    "session_id is a number": ({"session_id": 5}, "session_id"),
    "session_id is a list": ({"session_id": ["x"]}, "session_id"),
    "session_id is an object": ({"session_id": {"a": 1}}, "session_id"),
    "session_id has control characters": ({"session_id": "abc\x00def"}, "session_id"),
    # Over the channel's 64 kB body limit, the connection is dropped instead
    # (tests/e2e/test_conversation_ownership.py).
    "session_id is 10 kB": ({"session_id": "s" * 10_000}, "session_id"),
}


@pytest.mark.parametrize("data, field", WRONG_SESSION_REQUESTS.values(), ids=WRONG_SESSION_REQUESTS.keys())
def test_a_malformed_session_request_gets_bad_request(servers, person, data, field):
    refusal = person.refused("session_request", data)
    assert field in refusal["error"]
    assert person.client.connected
    assert person.confirmations.empty(), "nothing was confirmed"


def test_a_session_request_without_an_id_gets_a_new_signed_one(servers, person):
    person.client.emit("session_request", {})
    first = person.confirmations.get(timeout=WAIT_S)
    person.client.emit("session_request", None)
    second = person.confirmations.get(timeout=WAIT_S)
    assert IDS.web(first) and IDS.web(second) and first != second


@pytest.mark.parametrize("text", HOSTILE_TEXTS.values(), ids=HOSTILE_TEXTS.keys())
def test_any_text_gets_a_kind_reply_and_nothing_earlier_is_lost(servers, person, text):
    conversation = socket_conversation(servers, person)
    assert_kind_replies(person.say(text))
    assert person.client.connected
    assert_servers_alive(servers)
    conversation.assert_goes_on()


def test_a_long_message_is_cut_to_the_limit_and_the_person_is_told(servers, person):
    conversation = socket_conversation(servers, person)
    long_text = "I am not sure how many there are. " * 800  # about 27 kB, within the body limit
    replies = person.say(long_text)
    assert response_text("utter_message_cut") in said(replies)
    latest = person.tracker()["latest_message"]
    # cut after the last whole sentence within the limit, as nlp/incoming_text.py does
    assert latest["text"] == prepare(long_text)[0] and latest["text"].endswith("how many there are.")
    conversation.assert_goes_on()


@pytest.fixture(scope="module")
def fuzz_person(servers):
    person = SocketPerson(servers)
    conversation = socket_conversation(servers, person)
    yield person, conversation
    person.close()


@FEW
@given(text=message_texts)
def test_property_any_text_gets_replies_and_keeps_the_answers(servers, fuzz_person, text):
    person, conversation = fuzz_person
    assert_kind_replies(person.say(text))
    conversation.assert_intact()


def well_formed(data) -> bool:
    """What the channel accepts: an object with a text message, a session id, and metadata
    that is absent, an object, or JSON text of an object."""
    if not isinstance(data, dict) or not isinstance(data.get("message"), str):
        return False
    metadata = data.get("metadata")
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError:
            return False
    return isinstance(data.get("session_id"), str) and (metadata is None or isinstance(metadata, dict))


def user_messages(person) -> int:
    return sum(e["event"] == "user" for e in person.turn_events())


def wait_for_a_new_user_message(person, before: int) -> bool:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        events = person.turn_events()
        if sum(e["event"] == "user" for e in events) > before and events[-1].get("name") == "action_listen":
            return True
        time.sleep(0.3)
    return False


@FEW
@given(data=st.one_of(some_json, st.fixed_dictionaries({}, optional={"message": some_json, "metadata": some_json,
                                                                      "session_id": some_json})))
def test_property_any_event_data_is_answered_or_refused_and_the_connection_stays(servers, fuzz_person, data):
    person, conversation = fuzz_person
    if isinstance(data, dict) and isinstance(data.get("session_id"), str):
        data["session_id"] = person.session_id  # any other session is refused (tested above)
    before = user_messages(person)
    person.client.emit("user_uttered", data)
    if well_formed(data):
        assert wait_for_a_new_user_message(person, before), "a well-formed message was not handled"
        assert person.refusals.empty()
    else:
        assert person.refusals.get(timeout=WAIT_S)["error"]
    assert person.client.connected
    conversation.assert_intact()


def test_the_fuzzed_socket_conversation_still_goes_on(servers, fuzz_person):
    person, conversation = fuzz_person
    assert person.client.connected
    assert_servers_alive(servers)
    conversation.assert_goes_on()
