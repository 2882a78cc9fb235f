"""The checks on what the servers are sent, without a server: channels/incoming.py,
channels/rest.py, channels/socketio.py and channels/request_checks.py on the Rasa side,
actions/webhook_checks.py on the action server's. The servers themselves are tested with
the same inputs in tests/e2e/test_bad_input_*.py."""
import asyncio
import json
import zlib
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.server import ErrorResponse
from sanic.compat import Header
from sanic.exceptions import InvalidUsage, NotFound

from actions import webhook_checks
from channels import incoming, request_checks
from channels.rest import NotAllowed, as_named_by_caller, check_access, read_turn
from channels.socketio import Sessions, read_message, requested_token
from nlp.incoming_text import MESSAGE_CHAR_LIMIT

some_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=10,
)


class FakeRequest:
    """What the checks read of a Sanic request."""

    def __init__(self, body=None, raw=None, handler=None, conversation=None, headers=None, method="POST",
                 path="/webhook"):
        self._body = body
        self.body = raw if raw is not None else json.dumps(body).encode()
        self.route = SimpleNamespace(name=f"rasa_server.{handler}") if handler else None
        self.match_info = {"conversation_id": conversation} if conversation is not None else {}
        self.headers = Header(headers or {})
        self.method = method
        self.path = path
        self.app = SimpleNamespace(ctx=SimpleNamespace(agent=FAKE_AGENT))

    @property
    def json(self):
        if self._body is None and self.body:
            raise InvalidUsage("Failed when parsing body as json")
        return self._body


FAKE_AGENT = SimpleNamespace(domain=SimpleNamespace(intents=["greet", "inform"],
                                                    action_names_or_texts=["action_listen", "utter_default"]))


# --- channels/incoming.py ---------------------------------------------------------------------

@pytest.mark.parametrize("value", [None, 5, ["a"], "", "   ", "a\x00b", "\ud800", "s" * 129])
def test_an_unusable_conversation_id_is_refused(value):
    with pytest.raises(incoming.BadInput, match="sender"):
        incoming.conversation_id(value, "sender")


@pytest.mark.parametrize("value", ["e2e-abc", "whatsapp:+15551234567", "a" * 128, "Zoë 😀"])
def test_a_usable_conversation_id_is_kept(value):
    assert incoming.conversation_id(value, "sender") == value


def nested(depth):
    value = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


@pytest.mark.parametrize("value", ["{bad", "[1]", [1], 5, nested(21), json.dumps(nested(21)), {"a": "x" * 10_001},
                                   "[" * 100_000 + "]" * 100_000])
def test_unusable_metadata_is_refused(value):
    with pytest.raises(incoming.BadInput, match="metadata"):
        incoming.metadata(value)


@pytest.mark.parametrize("value, expected", [(None, None), ({"a": 1}, {"a": 1}), ('{"a": 1}', {"a": 1}),
                                             (nested(20), nested(20))])
def test_usable_metadata_is_kept(value, expected):
    assert incoming.metadata(value) == expected


# --- the REST channel --------------------------------------------------------------------------

@pytest.mark.parametrize("body, raw, field", [
    (None, b"{bad", "JSON"), (None, b"", "body"), ([1], None, "body"), ({"message": "hi"}, None, "sender"),
    ({"sender": "s", "message": 5}, None, "message"), ({"sender": "s"}, None, "message"),
    ({"sender": "s", "message": "hi", "metadata": "x"}, None, "metadata"),
    ({"sender": "s", "message": "hi", "input_channel": 5}, None, "input_channel"),
])
def test_the_rest_channel_refuses_what_it_cannot_use(body, raw, field):
    with pytest.raises(incoming.BadInput, match=field):
        read_turn(FakeRequest(body, raw=raw), "rest")


def test_the_rest_channel_cuts_the_text_and_says_so():
    turn = read_turn(FakeRequest({"sender": "s", "message": " x" * 5000}), "rest")
    assert len(turn.text) == MESSAGE_CHAR_LIMIT - 1 and turn.was_cut  # the cut ends on a space, dropped
    assert (turn.sender, turn.input_channel, turn.metadata) == ("s", "rest", None)


@settings(max_examples=200)
@given(body=some_json)
def test_property_the_rest_channel_reads_a_turn_or_refuses_any_json(body):
    try:
        turn = read_turn(FakeRequest(body), "rest")
    except incoming.BadInput as error:
        assert str(error)
    else:
        assert isinstance(turn.text, str) and isinstance(turn.sender, str)


# --- the socket.io channel ---------------------------------------------------------------------

@pytest.mark.parametrize("data", [None, {}, {"session_id": None}])
def test_a_session_request_without_an_id_offers_no_token(data):
    assert requested_token(data) is None


@pytest.mark.parametrize("data, field", [("abc", "data"), ([1], "data"), ({"session_id": 5}, "session_id"),
                                         ({"session_id": ""}, "session_id")])
def test_an_unusable_session_request_is_refused(data, field):
    with pytest.raises(incoming.BadInput, match=field):
        requested_token(data)


OWN_TOKEN = "a" * 32 + "." + "b" * 64


@pytest.mark.parametrize("data, field", [
    ("hi", "data"), (None, "data"), ({"message": 5, "session_id": OWN_TOKEN}, "message"),
    ({"message": "hi"}, "session_id"), ({"message": "hi", "session_id": OWN_TOKEN, "metadata": "{bad"}, "metadata"),
    ({"message": "hi", "session_id": "c" * 32 + "." + "b" * 64}, "session_id"),
])
def test_an_unusable_socket_message_is_refused(data, field):
    with pytest.raises(incoming.BadInput, match=field):
        read_message(data, "metadata", "web:" + "a" * 32, OWN_TOKEN)


def test_a_socket_message_goes_to_its_connections_own_conversation():
    turn = read_message({"message": "hi", "session_id": OWN_TOKEN}, "metadata", "web:" + "a" * 32, OWN_TOKEN)
    assert (turn.sender, turn.text) == ("web:" + "a" * 32, "hi")


def test_one_conversation_is_held_by_one_live_connection_at_a_time():
    sessions = Sessions()
    sessions.bind("sid-1", "web:a", "token-a")
    assert sessions.held_elsewhere("web:a", "sid-2") and not sessions.held_elsewhere("web:a", "sid-1")
    assert sessions.of("sid-2") is None
    sessions.release("sid-1")
    assert not sessions.held_elsewhere("web:a", "sid-2")
    sessions.bind("sid-2", "web:a", "token-a")
    assert sessions.of("sid-2") == ("web:a", "token-a") and sessions.of("sid-1") is None


def test_a_connection_that_moves_to_another_conversation_lets_go_of_the_first():
    sessions = Sessions()
    sessions.bind("sid-1", "web:a", "token-a")
    sessions.bind("sid-1", "web:b", "token-b")
    assert not sessions.held_elsewhere("web:a", "sid-2")
    assert sessions.held_elsewhere("web:b", "sid-2")


# --- who may use the REST channel, and from which sites ------------------------------------------

def rest_request(ip="127.0.0.1", headers=None):
    return SimpleNamespace(ip=ip, headers=Header(headers or {}))


@pytest.mark.parametrize("ip", ["127.0.0.1", "127.0.0.2", "::1"])
def test_without_a_token_the_rest_channel_answers_this_machine(ip):
    check_access(rest_request(ip), token=None)


@pytest.mark.parametrize("ip, headers", [
    ("10.0.0.5", {}), ("192.168.1.2", {}), ("8.8.8.8", {}), ("", {}), ("not an address", {}),
    ("127.0.0.1", {"X-Forwarded-For": "203.0.113.9"}), ("127.0.0.1", {"Forwarded": "for=203.0.113.9"}),
    ("127.0.0.1", {"X-Real-IP": "203.0.113.9"}),
])
def test_without_a_token_the_rest_channel_refuses_others_and_proxied_requests(ip, headers):
    with pytest.raises(NotAllowed) as refusal:
        check_access(rest_request(ip, headers), token=None)
    assert refusal.value.status == 403


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "the-token"},
                                     {"Authorization": "Bearer the-token "}, {"Authorization": "Basic the-token"},
                                     {"Authorization": "Bearer \udcff"}])  # a byte that is not UTF-8
def test_with_a_token_the_rest_channel_needs_it_even_from_this_machine(headers):
    with pytest.raises(NotAllowed) as refusal:
        check_access(rest_request("127.0.0.1", headers), token="the-token")
    assert refusal.value.status == 401


def test_with_a_token_the_rest_channel_answers_anyone_who_shows_it():
    check_access(rest_request("203.0.113.9", {"Authorization": "Bearer the-token"}), token="the-token")


def test_rest_replies_name_the_sender_as_the_caller_gave_it():
    assert as_named_by_caller([{"recipient_id": "rest:me", "text": "hi"}], "me") == [
        {"recipient_id": "me", "text": "hi"}]


def origin_request(origin=None):
    return SimpleNamespace(headers=Header({"Origin": origin} if origin else {}))


@pytest.mark.parametrize("origin", ["http://127.0.0.1:8000", "http://127.0.0.1:8000/", "HTTP://127.0.0.1:8000", None])
def test_requests_from_allowed_sites_or_no_browser_go_on(monkeypatch, origin):
    monkeypatch.setenv("WEB_ORIGINS", "http://127.0.0.1:8000 https://charity.example")
    check = request_checks.refuse_foreign_origin(request_checks.allowed_origins())
    assert asyncio.run(check(origin_request(origin))) is None


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1:8001", "https://127.0.0.1:8000"])
def test_requests_from_other_sites_get_403(monkeypatch, origin):
    monkeypatch.setenv("WEB_ORIGINS", "http://127.0.0.1:8000")
    check = request_checks.refuse_foreign_origin(request_checks.allowed_origins())
    assert asyncio.run(check(origin_request(origin))).status == 403


def test_no_allowed_sites_means_no_browser_gets_in(monkeypatch):
    monkeypatch.delenv("WEB_ORIGINS", raising=False)
    check = request_checks.refuse_foreign_origin(request_checks.allowed_origins())
    assert asyncio.run(check(origin_request("http://127.0.0.1:8000"))).status == 403


# --- checks on Rasa's HTTP API -----------------------------------------------------------------

def check(request):
    asyncio.run(request_checks.check_request(request))


@pytest.mark.parametrize("handler, body, raw", [
    ("parse", None, b"{bad"), ("parse", [1], None), ("parse", {"text": 5}, None), ("parse", {}, None),
    ("add_message", {"text": None, "sender": "user"}, None),
    ("add_message", {"text": "hi", "sender": "user", "parse_data": {"entities": []}}, None),
    ("add_message", {"text": "hi", "sender": "user", "parse_data": {"intent": {"name": "greet"}, "entities": [1]}},
     None),
    ("trigger_intent", {"name": 5}, None), ("trigger_intent", {"name": "greet", "entities": 5}, None),
    ("execute_action", {"name": ["x"]}, None), ("execute_action", {"name": "utter_default", "confidence": "x"}, None),
    ("load_model", [1], None), ("load_model", {"model_server": "x"}, None),
])
def test_a_malformed_api_request_gets_400(handler, body, raw):
    with pytest.raises(ErrorResponse) as refused:
        check(FakeRequest(body, raw=raw, handler=handler, conversation="c1"))
    assert refused.value.status == 400


@pytest.mark.parametrize("handler, body", [("trigger_intent", {"name": "no_such_intent"}),
                                           ("execute_action", {"name": "no_such_action"})])
def test_an_unknown_intent_or_action_gets_404(handler, body):
    with pytest.raises(ErrorResponse) as refused:
        check(FakeRequest(body, handler=handler, conversation="c1"))
    assert refused.value.status == 404


def test_an_unusable_conversation_id_gets_400_on_any_conversation_route():
    with pytest.raises(ErrorResponse) as refused:
        check(FakeRequest(None, raw=b"", handler="retrieve_tracker", conversation="a\x00b"))
    assert refused.value.status == 400


def test_text_for_nlu_is_cut_in_the_request():
    request = FakeRequest({"text": "\ud800" + "y" * 5000}, handler="parse")
    check(request)
    assert request.json["text"] == "\ufffd" + "y" * (MESSAGE_CHAR_LIMIT - 1)


def test_well_formed_api_requests_pass():
    for handler, body in [("parse", {"text": "hello"}), ("trigger_intent", {"name": "greet", "entities": {"a": 1}}),
                          ("add_message", {"text": "hi", "sender": "user"}),
                          ("execute_action", {"name": "utter_default", "confidence": 0.5}),
                          ("load_model", {"model_file": "models/x.tar.gz"}), ("retrieve_tracker", None)]:
        check(FakeRequest(body, raw=b"" if body is None else None, handler=handler, conversation="c1"))


# --- the action server -------------------------------------------------------------------------

REAL_CALL = {
    "next_action": "validate_candidacy_form", "sender_id": "s", "version": "3.6.21",
    "tracker": {"sender_id": "s", "slots": {"age_65_or_older": None}, "paused": False, "followup_action": None,
                "latest_message": {"text": "I'm 58", "intent": {"name": "inform"}, "entities": []},
                "events": [{"event": "action", "name": "action_listen"}], "active_loop": {"name": "candidacy_form"},
                "latest_action_name": "action_listen", "latest_action": {"action_name": "action_listen"}},
    "domain": {"slots": {"age_65_or_older": {"type": "categorical", "values": ["yes", "no", "unsure"]},
                         "symptom_areas": {"type": "list"}, "years_to_metastasis": {"type": "any"},
                         "text_messages_stopped": {"type": "bool"}},
               "forms": {"candidacy_form": {"required_slots": []}}, "responses": {}},
}


def test_a_call_shaped_as_rasa_sends_it_passes():
    webhook_checks.check_action_call(REAL_CALL)
    answered = json.loads(json.dumps(REAL_CALL))
    answered["tracker"]["slots"].update({"age_65_or_older": "no", "symptom_areas": ["spine", "bone"],
                                         "years_to_metastasis": "unsure", "text_messages_stopped": True,
                                         "slot_not_in_domain": [{"x": 1}]})
    webhook_checks.check_action_call(answered)


@pytest.mark.parametrize("path, value, part", [
    (("next_action",), 5, "next_action"), (("tracker",), "x", "tracker"), (("tracker", "slots"), [1], "slots"),
    (("tracker", "events"), ["x"], "events"), (("tracker", "latest_message", "text"), 5, "text"),
    (("tracker", "latest_message", "text"), "x" * (MESSAGE_CHAR_LIMIT + 1), "text"),
    (("tracker", "latest_message", "text"), "\ud800", "text"),
    (("tracker", "latest_message", "entities"), [{"value": 1}], "entities"), (("tracker", "paused"), "no", "paused"),
    (("tracker", "sender_id"), None, "sender_id"), (("domain",), "x", "domain"),
    (("domain", "forms"), {"candidacy_form": "x"}, "forms"), (("version",), 3.6, "version"),
    (("tracker", "slots", "age_65_or_older"), "maybe", "age_65_or_older"),
    (("tracker", "slots", "age_65_or_older"), 5, "age_65_or_older"),
    (("tracker", "slots", "symptom_areas"), "spine", "symptom_areas"),
    (("tracker", "slots", "symptom_areas"), [["spine"]], "symptom_areas"),
    (("tracker", "slots", "text_messages_stopped"), "yes", "text_messages_stopped"),
    (("tracker", "slots", "years_to_metastasis"), float("inf"), "years_to_metastasis"),
    (("tracker", "slots", "years_to_metastasis"), float("nan"), "years_to_metastasis"),
])
def test_a_wrongly_shaped_call_is_refused_naming_the_part(path, value, part):
    call = json.loads(json.dumps(REAL_CALL))
    target = call
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(webhook_checks.BadActionCall, match=part):
        webhook_checks.check_action_call(call)


@pytest.mark.parametrize("raw, headers", [(b"{bad", {}), (b"[" * 100_000, {}),
                                          (b"xx", {"Content-Encoding": "deflate"})])
def test_a_body_that_cannot_be_read_is_refused(raw, headers):
    with pytest.raises(webhook_checks.BadActionCall):
        webhook_checks.parse_call(webhook_checks.plain_body(FakeRequest(raw=raw, headers=headers)))


def test_a_deflated_body_is_read():
    request = FakeRequest(raw=zlib.compress(json.dumps(REAL_CALL).encode()), headers={"Content-Encoding": "deflate"})
    assert webhook_checks.parse_call(webhook_checks.plain_body(request)) == REAL_CALL


def test_a_bad_call_is_refused_with_400_and_a_good_one_is_kept_parsed():
    with pytest.raises(InvalidUsage, match="JSON object") as refused:
        webhook_checks.accept_call(FakeRequest(raw=b"[1]"))
    assert refused.value.status_code == 400
    good = FakeRequest(REAL_CALL)
    webhook_checks.accept_call(good)
    assert good.parsed_json == REAL_CALL


def test_a_failing_action_gets_a_fixed_500_that_carries_nothing_back():
    request = FakeRequest({**REAL_CALL, "tracker": {**REAL_CALL["tracker"], "latest_message": {"text": "SECRET"}}})
    request.parsed_json = request.json
    answer = asyncio.run(webhook_checks.answer_error(request, KeyError("SECRET")))
    assert answer.status == 500
    assert json.loads(answer.body) == {"error": webhook_checks.ACTION_FAILED}


def test_an_error_of_the_request_keeps_its_4xx():
    answer = asyncio.run(webhook_checks.answer_error(FakeRequest(raw=b""), NotFound("Requested URL /x not found")))
    assert answer.status == 404
