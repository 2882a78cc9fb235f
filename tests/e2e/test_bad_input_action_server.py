"""Bad input to the action server (POST /webhook), and where it listens, against the real
server started as `make run` starts it (scripts/action_server.py).

Only Rasa should ever call it, but anything on the machine can. A malformed call gets 400,
an unknown action 404, and no error response ever carries the conversation back: rasa-sdk's
own 500 handler answered with the whole request body, the person's answers included.
"""
import json
import secrets
import subprocess
import zlib
from pathlib import Path

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from bad_input import FEW, HOSTILE_TEXTS, HUGE_NESTING, Conversation, assert_servers_alive, some_json
from conftest import PROJECT, VENV_BIN, free_port, server_env, wait_until
from nlp.incoming_text import MESSAGE_CHAR_LIMIT, prepare

SECRET = "wombat-" + secrets.token_hex(6)  # stands for the person's words and answers
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def real_call(servers):
    """An action call as Rasa makes it: a real tracker mid-questions and the real domain,
    with the secret in the latest message."""
    conversation = Conversation(servers).begin()
    tracker = servers.tracker(conversation.sender)
    tracker["latest_message"]["text"] = f"I think {SECRET}"
    domain = requests.get(f"{servers.rasa_url}/domain", params={"token": servers.token},
                          headers={"Accept": "application/json"}, timeout=30).json()
    return {"next_action": "validate_candidacy_form", "sender_id": conversation.sender, "tracker": tracker,
            "domain": domain, "version": "3.6.21"}


def call(servers, body, raw=False, headers=None) -> requests.Response:
    data = body if raw else json.dumps(body)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return requests.post(f"{servers.actions_url}/webhook", data=data, headers={**JSON, **(headers or {})}, timeout=120)


def assert_no_echo(response):
    assert SECRET not in response.text, "the error response carries the conversation back"
    assert "request_body" not in response.text


MALFORMED = {
    "not JSON": "{bad",
    "empty": "",
    "a list": "[1]",
    "a string": '"x"',
    "null": "null",
    "huge nesting": HUGE_NESTING,
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_body_gets_400(servers, body):
    response = call(servers, body, raw=True)
    assert response.status_code == 400, response.text[:300]
    assert response.json()["error"]
    assert_servers_alive(servers)


def test_a_compressed_body_that_is_not_deflate_gets_400(servers, real_call):
    response = call(servers, b"not deflate" + SECRET.encode(), raw=True, headers={"Content-Encoding": "deflate"})
    assert response.status_code == 400
    assert_no_echo(response)
    compressed = zlib.compress(json.dumps(real_call).encode())
    good = call(servers, compressed, raw=True, headers={"Content-Encoding": "deflate"})
    assert good.status_code == 200, "a real compressed call still works"


def without(call_body, *path):
    body = json.loads(json.dumps(call_body))
    target = body
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return body


def replaced(call_body, value, *path):
    body = json.loads(json.dumps(call_body))
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return body


WRONG_FIELDS = {
    "next_action is missing": lambda c: without(c, "next_action"),
    "next_action is a number": lambda c: replaced(c, 5, "next_action"),
    "next_action is a list": lambda c: replaced(c, ["validate_candidacy_form"], "next_action"),
    "tracker is missing": lambda c: without(c, "tracker"),
    "tracker is a string": lambda c: replaced(c, SECRET, "tracker"),
    "tracker is a list": lambda c: replaced(c, [SECRET], "tracker"),
    "slots is a list": lambda c: replaced(c, [SECRET], "tracker", "slots"),
    "events is an object": lambda c: replaced(c, {"x": SECRET}, "tracker", "events"),
    "an event is a string": lambda c: replaced(c, [SECRET], "tracker", "events"),
    "latest_message is a string": lambda c: replaced(c, SECRET, "tracker", "latest_message"),
    "latest message text is a number": lambda c: replaced(c, 5, "tracker", "latest_message", "text"),
    "sender_id is a list": lambda c: replaced(c, [SECRET], "tracker", "sender_id"),
    "domain is a string": lambda c: replaced(c, SECRET, "domain"),
}


@pytest.mark.parametrize("change", WRONG_FIELDS.values(), ids=WRONG_FIELDS.keys())
def test_a_missing_or_wrongly_typed_field_gets_400_without_echo(servers, real_call, change):
    response = call(servers, change(real_call))
    assert response.status_code == 400, response.text[:300]
    assert response.json()["error"]
    assert_no_echo(response)


def test_an_unknown_action_gets_404_without_echo(servers, real_call):
    response = call(servers, {**real_call, "next_action": "no_such_action"})
    assert response.status_code == 404
    assert_no_echo(response)


def test_other_methods_and_addresses_get_4xx_not_500(servers):
    assert requests.get(f"{servers.actions_url}/webhook", timeout=30).status_code == 405
    assert requests.get(f"{servers.actions_url}/no-such-page", timeout=30).status_code == 404


def test_a_real_call_still_works(servers, real_call):
    response = call(servers, real_call)
    assert response.status_code == 200, response.text[:300]
    assert set(response.json()) == {"events", "responses"}


@pytest.mark.parametrize("text", HOSTILE_TEXTS.values(), ids=HOSTILE_TEXTS.keys())
@pytest.mark.parametrize("action", ["validate_candidacy_form", "action_change_answer", "action_explain_question"])
def test_any_latest_message_text_as_rasa_sends_it_gets_an_answer(servers, real_call, action, text):
    """Rasa sends the text NLU read: cleaned and cut (nlp/incoming_text.py)."""
    body = replaced(real_call, prepare(text)[0], "tracker", "latest_message", "text")
    response = call(servers, {**body, "next_action": action})
    assert response.status_code == 200, response.text[:300]


@pytest.mark.parametrize("text", ["x" * (MESSAGE_CHAR_LIMIT + 1), "a lone \ud800 surrogate"],
                         ids=["too long", "surrogate"])
def test_a_latest_message_text_rasa_would_not_send_gets_400(servers, real_call, text):
    response = call(servers, replaced(real_call, text, "tracker", "latest_message", "text"))
    assert response.status_code == 400 and "latest_message.text" in response.json()["error"]


@FEW
@given(text=st.text(alphabet=st.characters(), max_size=300),
       entities=st.lists(st.fixed_dictionaries({"entity": st.sampled_from(["answer", "AGE", "DURATION", "BODY_SITE",
                                                                            "RECEPTOR", "GRADE", "red_flag"]),
                                                "value": some_json}), max_size=3),
       action=st.sampled_from(["validate_candidacy_form", "action_change_answer", "action_urgent_warning",
                               "action_explain_question", "action_go_back", "action_build_summary"]))
def test_property_any_words_and_entity_values_get_an_answer_without_echo(servers, real_call, text, entities, action):
    body = replaced(real_call, prepare(text)[0], "tracker", "latest_message", "text")
    body["tracker"]["latest_message"]["entities"] = entities
    response = call(servers, {**body, "next_action": action})
    assert response.status_code == 200, response.text[:300]


ANSWER_ACTIONS = ["validate_candidacy_form", "action_build_summary", "action_change_answer", "action_go_back",
                  "action_reset_answers", "action_explain_question"]


@FEW
@given(values=st.dictionaries(st.sampled_from(["growth_size", "spread_extent", "symptom_areas", "years_to_metastasis",
                                               "summary_topics", "text_messages_stopped", "requested_slot"]),
                              some_json, min_size=1, max_size=3),
       action=st.sampled_from(ANSWER_ACTIONS))
def test_property_any_slot_values_get_an_answer_or_400_never_5xx(servers, real_call, values, action):
    """rasa-sdk ran the summary on answers outside the schema and failed with 500."""
    body = json.loads(json.dumps(real_call))
    body["tracker"]["slots"].update(values)
    response = call(servers, {**body, "next_action": action})
    assert response.status_code in (200, 400), response.text[:300]


@FEW
@given(body=st.one_of(some_json, st.fixed_dictionaries({}, optional={
    "next_action": st.sampled_from(["validate_candidacy_form", "action_session_start"]) | some_json,
    "tracker": some_json, "domain": some_json, "version": some_json})))
def test_property_any_json_body_gets_no_5xx_and_no_echo(servers, body):
    response = call(servers, body)
    assert response.status_code < 500, response.text[:300]
    assert "request_body" not in response.text


def listening_addresses(port: int):
    """The local addresses of sockets listening on this TCP port, from /proc/net/tcp and tcp6."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, local_port = local.split(":")
            if state == "0A" and int(local_port, 16) == port:
                found.add(address)
    return found


def test_the_action_server_listens_only_on_127_0_0_1_when_no_host_is_set(servers, tmp_path):
    port = free_port()
    env = {k: v for k, v in server_env(tmp_path, port).items() if k not in ("SANIC_HOST", "ACTIONS_HOST")}
    log = tmp_path / "actions.log"
    process = subprocess.Popen(
        [str(VENV_BIN / "python"), "scripts/action_server.py", "--actions", "actions", "--port", str(port)],
        cwd=PROJECT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: requests.get(f"http://127.0.0.1:{port}/health", timeout=2).ok, "action server",
                   [process], [log])
        assert listening_addresses(port) == {"0100007F"}, "listening beyond 127.0.0.1"
    finally:
        process.terminate()
        process.wait(timeout=30)
