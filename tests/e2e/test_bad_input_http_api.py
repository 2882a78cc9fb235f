"""Bad input to Rasa's HTTP API (behind the token), against the real servers.

Rasa 3.6 answers many malformed requests to its API with 500; here every one gets a 4xx
with a JSON error, any text is parsed (cut to the limit first), and a conversation the
API touches loses nothing.
"""
import json
from urllib.parse import quote

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from conftest import REST_PREFIX
from bad_input import (
    FEW, HOSTILE_TEXTS, HUGE_NESTING, MESSAGE_CHAR_LIMIT, Conversation, assert_servers_alive, message_texts,
    new_sender, some_json,
)

JSON = {"Content-Type": "application/json"}


def api(servers, method, path, body=None, raw=False, token=True) -> requests.Response:
    data = None
    if body is not None:
        data = body if raw else json.dumps(body)
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogatepass")
    params = {"token": servers.token} if token else None
    return requests.request(method, servers.rasa_url + path, data=data, params=params, headers=JSON, timeout=120)


def conversation_path(sender, rest):
    return f"/conversations/{quote(sender, safe=':+')}/{rest}"  # Sanic does not decode %3A or %2B


# (method, path template, body): {c} is a fresh conversation id.
MALFORMED = {
    "messages: not JSON": ("POST", "messages", "{bad"),
    "messages: a list": ("POST", "messages", "[1]"),
    "messages: huge nesting": ("POST", "messages", HUGE_NESTING),
    "messages: text is a number": ("POST", "messages", {"text": 5, "sender": "user"}),
    "messages: text is null": ("POST", "messages", {"text": None, "sender": "user"}),
    "messages: text is a list": ("POST", "messages", {"text": ["a"], "sender": "user"}),
    "messages: text is missing": ("POST", "messages", {"sender": "user"}),
    "messages: parse_data is a string": ("POST", "messages", {"text": "hi", "sender": "user", "parse_data": "x"}),
    "messages: parse_data has no intent": ("POST", "messages",
                                           {"text": "hi", "sender": "user", "parse_data": {"entities": []}}),
    "messages: sender is not user": ("POST", "messages", {"text": "hi", "sender": "bot"}),
    "parse: not JSON": ("POST", "/model/parse", "{bad"),
    "parse: empty": ("POST", "/model/parse", ""),
    "parse: a list": ("POST", "/model/parse", "[1]"),
    "parse: text is a number": ("POST", "/model/parse", {"text": 5}),
    "parse: text is null": ("POST", "/model/parse", {"text": None}),
    "parse: text is missing": ("POST", "/model/parse", {}),
    "trigger_intent: empty": ("POST", "trigger_intent", ""),
    "trigger_intent: a list": ("POST", "trigger_intent", "[1]"),
    "trigger_intent: name is a number": ("POST", "trigger_intent", {"name": 5}),
    "trigger_intent: unknown intent": ("POST", "trigger_intent", {"name": "no_such_intent"}),
    "trigger_intent: entities is a number": ("POST", "trigger_intent", {"name": "greet", "entities": 5}),
    "execute: empty": ("POST", "execute", ""),
    "execute: a list": ("POST", "execute", "[1]"),
    "execute: name is a number": ("POST", "execute", {"name": 5}),
    "execute: unknown action": ("POST", "execute", {"name": "no_such_action"}),
    "events: not JSON": ("POST", "tracker/events", "{bad"),
    "events: unknown event": ("POST", "tracker/events", {"event": "no_such_event"}),
    "events: an empty list": ("POST", "tracker/events", []),
    "events: a list without an event name": ("POST", "tracker/events", [{"text": "hi"}]),
    "events: replaced with junk": ("PUT", "tracker/events", [1, "x"]),
    "model: a list": ("PUT", "/model", "[1]"),
    "model: not JSON": ("PUT", "/model", "{bad"),
    "model predict: junk": ("POST", "/model/predict", {"x": 1}),
    "model test intents: junk": ("POST", "/model/test/intents", "junk"),
}


@pytest.mark.parametrize("method, path, body", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_request_gets_a_4xx_with_a_json_error(servers, method, path, body):
    if not path.startswith("/"):
        path = conversation_path(new_sender(), path)
    response = api(servers, method, path, body, raw=isinstance(body, str))
    assert 400 <= response.status_code < 500, response.text[:300]
    assert response.json()
    assert_servers_alive(servers)


def test_without_the_token_the_api_answers_401(servers):
    response = api(servers, "POST", "/model/parse", {"text": "hello"}, token=False)
    assert response.status_code == 401


@pytest.mark.parametrize("text", HOSTILE_TEXTS.values(), ids=HOSTILE_TEXTS.keys())
def test_any_text_is_parsed_and_cut_to_the_limit(servers, text):
    response = api(servers, "POST", "/model/parse", {"text": text})
    assert response.status_code == 200, response.text[:300]
    parsed = response.json()
    assert parsed["intent"]["name"]
    assert len(parsed["text"]) <= MESSAGE_CHAR_LIMIT


@pytest.mark.parametrize("text", HOSTILE_TEXTS.values(), ids=HOSTILE_TEXTS.keys())
def test_any_text_added_to_a_conversation_is_kept_cut_and_loses_nothing(servers, text):
    conversation = Conversation(servers).begin()
    path = conversation_path(REST_PREFIX + conversation.sender, "messages")
    response = api(servers, "POST", path, {"text": text, "sender": "user"})
    assert response.status_code == 200, response.text[:300]
    assert len(response.json()["latest_message"]["text"] or "") <= MESSAGE_CHAR_LIMIT
    conversation.assert_goes_on()


def test_an_existing_conversation_survives_malformed_api_calls(servers):
    conversation = Conversation(servers).begin()
    for method, path, body in MALFORMED.values():
        if path.startswith("/") or method == "PUT":
            continue  # not about a conversation, or replaces it (the operator's right)
        response = api(servers, method, conversation_path(REST_PREFIX + conversation.sender, path), body, raw=isinstance(body, str))
        assert 400 <= response.status_code < 500
    conversation.assert_goes_on()


@FEW
@given(text=message_texts)
def test_property_any_text_parses(servers, text):
    response = api(servers, "POST", "/model/parse", {"text": text})
    assert response.status_code == 200, response.text[:300]
    assert len(response.json()["text"]) <= MESSAGE_CHAR_LIMIT


ENDPOINTS = [("POST", "messages"), ("POST", "/model/parse"), ("POST", "trigger_intent"), ("POST", "execute"),
             ("POST", "tracker/events"), ("POST", "/model/predict"), ("POST", "predict")]


@FEW
@given(endpoint=st.sampled_from(ENDPOINTS), body=st.one_of(
    some_json,
    st.fixed_dictionaries({}, optional={"text": some_json, "sender": some_json, "parse_data": some_json,
                                        "name": some_json, "entities": some_json, "event": some_json}),
))
def test_property_any_json_body_to_any_endpoint_gets_no_5xx(servers, endpoint, body):
    method, path = endpoint
    if not path.startswith("/"):
        path = conversation_path(new_sender(), path)
    response = api(servers, method, path, body)
    assert response.status_code < 500, response.text[:300]


@FEW
@given(sender=st.text(alphabet=st.characters(), min_size=1, max_size=200))
def test_property_any_conversation_id_gets_no_5xx(servers, sender):
    path = "/conversations/" + quote(sender.encode("utf-8", "surrogatepass"), safe="") + "/tracker"
    response = api(servers, "GET", path)
    assert response.status_code < 500, response.text[:300]
