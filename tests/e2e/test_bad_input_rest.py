"""Bad input through the REST channel (/webhooks/rest/webhook), against the real servers.

Malformed bodies and wrongly typed fields get 400 with a JSON error; any text, however
odd or long, gets a non-empty list of messages; no answer given earlier is lost, the
conversation goes on, and both servers stay up.
"""
import json
import secrets

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from nlp.incoming_text import prepare
from bad_input import (
    FEW, HOSTILE_TEXTS, HUGE_NESTING, MESSAGE_CHAR_LIMIT, Conversation, assert_kind_replies, assert_servers_alive,
    message_texts,
    new_sender, payloads, response_text, said, some_json,
)

WEBHOOK = "/webhooks/rest/webhook"
JSON = {"Content-Type": "application/json"}


def post(servers, body, params=None, raw=False) -> requests.Response:
    data = body if raw else json.dumps(body)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return requests.post(servers.rasa_url + WEBHOOK, data=data, params=params, headers=JSON, timeout=120)


def assert_refused(response: requests.Response, field: str = None):
    assert response.status_code == 400, response.text[:300]
    error = response.json()["error"]
    assert error and (field is None or field in error), error


MALFORMED_BODIES = {
    "not JSON": "{bad json",
    "empty": "",
    "a list": "[1, 2]",
    "a string": '"hello"',
    "a number": "5",
    "null": "null",
    "huge nesting": HUGE_NESTING,
    "not UTF-8": b"\xff\xfe{\"message\": \"hi\"}",
}


@pytest.mark.parametrize("body", MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
def test_a_malformed_body_gets_400_with_a_json_error(servers, body):
    assert_refused(post(servers, body, raw=True))
    assert_servers_alive(servers)


WRONG_FIELDS = {
    "message is a number": ({"sender": "S", "message": 5}, "message"),
    "message is a list": ({"sender": "S", "message": ["hello"]}, "message"),
    "message is null": ({"sender": "S", "message": None}, "message"),
    "message is an object": ({"sender": "S", "message": {"text": "hello"}}, "message"),
    "message is true": ({"sender": "S", "message": True}, "message"),
    "message is missing": ({"sender": "S"}, "message"),
    "sender is missing": ({"message": "hello"}, "sender"),
    "sender is a number": ({"sender": 5, "message": "hello"}, "sender"),
    "sender is a list": ({"sender": ["S"], "message": "hello"}, "sender"),
    "sender is empty": ({"sender": "", "message": "hello"}, "sender"),
    "sender is 10 kB": ({"sender": "S" * 10_000, "message": "hello"}, "sender"),
    "metadata is a string": ({"sender": "S", "message": "hello", "metadata": "{bad"}, "metadata"),
    "metadata is a list": ({"sender": "S", "message": "hello", "metadata": [1]}, "metadata"),
    "input_channel is a number": ({"sender": "S", "message": "hello", "input_channel": 5}, "input_channel"),
}


@pytest.mark.parametrize("body, field", WRONG_FIELDS.values(), ids=WRONG_FIELDS.keys())
def test_a_missing_or_wrongly_typed_field_gets_400_naming_it(servers, body, field):
    body = {**body, "sender": new_sender()} if body.get("sender") == "S" else body
    assert_refused(post(servers, body), field)


def test_a_refused_message_is_not_stored_and_the_conversation_goes_on(servers):
    conversation = Conversation(servers).begin()
    events_before = len(servers.tracker(conversation.sender)["events"])
    for body in ({"sender": conversation.sender, "message": 5}, {"sender": conversation.sender, "message": None},
                 {"sender": conversation.sender, "message": ["x"], "metadata": "x"}):
        assert_refused(post(servers, body))
    assert len(servers.tracker(conversation.sender)["events"]) == events_before
    conversation.assert_goes_on()


def test_a_message_without_a_sender_joins_no_shared_conversation(servers):
    """Rasa's own channel put every sender-less message into one conversation, "default"."""
    assert_refused(post(servers, {"message": "my secret answer"}), "sender")
    events = servers.tracker("default")["events"]
    assert not [e for e in events if e.get("event") == "user"]


@pytest.mark.parametrize("text", HOSTILE_TEXTS.values(), ids=HOSTILE_TEXTS.keys())
def test_any_text_gets_a_kind_reply_and_nothing_earlier_is_lost(servers, text):
    conversation = Conversation(servers).begin()
    response = post(servers, {"sender": conversation.sender, "message": text})
    assert response.status_code == 200, response.text[:300]
    assert_kind_replies(response.json())
    assert_servers_alive(servers)
    conversation.assert_goes_on()


def test_a_long_message_is_cut_to_the_limit_before_nlu_and_the_person_is_told(servers):
    conversation = Conversation(servers).begin()
    long_text = "I am not sure how many there are. " * 800  # about 27 kB, within the body limit
    replies = servers.send(conversation.sender, long_text)
    assert response_text("utter_message_cut") in said(replies), "the person is told only the start was read"
    assert len(said(replies)) > len(response_text("utter_message_cut")), "and the start gets its own reply"
    tracker = servers.tracker(conversation.sender)
    latest = tracker["latest_message"]
    # cut after the last whole sentence within the limit, as nlp/incoming_text.py does
    assert latest["text"] == prepare(long_text)[0] and latest["text"].endswith("how many there are.")
    stored = [e["text"] for e in tracker["events"] if e.get("event") == "user"][-1]
    assert len(stored) <= MESSAGE_CHAR_LIMIT, "the conversation stores what NLU read"
    assert tracker["slots"]["growth_count"] == "unsure", "the start of the message was read as the answer"
    conversation.assert_goes_on()


def test_a_body_over_the_channel_limit_gets_413_and_stores_nothing(servers):
    conversation = Conversation(servers).begin()
    events_before = len(servers.tracker(conversation.sender)["events"])
    response = post(servers, {"sender": conversation.sender, "message": "x" * 100_000})
    assert response.status_code == 413
    assert len(servers.tracker(conversation.sender)["events"]) == events_before
    assert_servers_alive(servers)
    conversation.assert_goes_on()


def test_a_message_at_the_limit_is_read_whole_without_a_note(servers):
    conversation = Conversation(servers).begin()
    text = ("x" * (MESSAGE_CHAR_LIMIT - len(" not sure"))) + " not sure"
    replies = servers.send(conversation.sender, text)
    assert response_text("utter_message_cut") not in said(replies)
    assert servers.tracker(conversation.sender)["latest_message"]["text"] == text


def test_streamed_replies_refuse_bad_input_and_never_hang(servers):
    """Rasa's own channel waited forever when a streamed message failed."""
    assert_refused(post(servers, {"sender": new_sender(), "message": 5}, params={"stream": "true"}))
    response = post(servers, {"sender": new_sender(), "message": "hello"}, params={"stream": "true"})
    assert response.status_code == 200
    lines = [json.loads(line) for line in response.text.splitlines() if line.strip()]
    assert lines and lines[0]["text"]


def test_text_of_a_refused_message_is_not_logged(servers):
    marker = "quokka-" + secrets.token_hex(4)
    for body in ({"sender": new_sender(), "message": [marker]}, {"sender": new_sender(), "message": {"t": marker}},
                 {"sender": new_sender(), "message": f"\ud800 {marker}"}, {"message": marker}):
        assert post(servers, body).status_code < 500
    assert marker not in servers.logs()


@pytest.fixture(scope="module")
def fuzzed_conversation(servers):
    return Conversation(servers).begin()


@FEW
@given(text=message_texts)
def test_property_any_text_gets_a_non_empty_reply_and_keeps_the_answers(servers, fuzzed_conversation, text):
    response = post(servers, {"sender": fuzzed_conversation.sender, "message": text})
    assert response.status_code == 200, response.text[:300]
    assert_kind_replies(response.json())
    fuzzed_conversation.assert_intact()


@FEW
@given(text=payloads)
def test_property_button_payloads_with_any_entity_values_get_a_reply(servers, fuzzed_conversation, text):
    response = post(servers, {"sender": fuzzed_conversation.sender, "message": text})
    assert response.status_code == 200, response.text[:300]
    assert_kind_replies(response.json())
    fuzzed_conversation.assert_intact()


def test_the_fuzzed_conversation_still_goes_on(servers, fuzzed_conversation):
    assert_servers_alive(servers)
    fuzzed_conversation.assert_goes_on()


@FEW
@given(body=st.one_of(
    some_json,
    st.fixed_dictionaries({}, optional={"sender": some_json, "message": some_json, "metadata": some_json,
                                        "input_channel": some_json}),
))
def test_property_any_json_body_gets_a_reply_or_400_never_5xx(servers, body):
    if isinstance(body, dict) and isinstance(body.get("sender"), str):
        body["sender"] = new_sender() + body["sender"][:50]  # never an existing conversation
    response = post(servers, body)
    assert response.status_code in (200, 400), response.text[:300]
    if response.status_code == 200:
        assert_kind_replies(response.json())
    else:
        assert response.json()["error"]
