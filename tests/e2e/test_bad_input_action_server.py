"""Bad input to the action server (POST /webhook), who may call it, and where it listens,
against the real server started as `make run` starts it (scripts/action_server.py).

Only Rasa should ever call it, but anything that reaches it can try. A call without Rasa's
token (X-Action-Token) gets 401 and runs nothing; a body over the limit, raw or once
inflated, 413; a malformed call 400, an unknown action 404, and no error response ever
carries the conversation back: rasa-sdk's own 500 handler answered with the whole request
body, the person's answers included.
"""
import asyncio
import contextlib
import json
import secrets
import socket
import subprocess
import zlib
from pathlib import Path

import pytest
import requests
import yaml
from hypothesis import given
from hypothesis import strategies as st

from actions.webhook_checks import BODY_LIMIT_BYTES, TOKEN_HEADER, TOKEN_VARIABLE
from bad_input import (
    FEW, HOSTILE_TEXTS, HUGE_NESTING, Conversation, assert_kind_replies, assert_servers_alive, new_sender, said,
    some_json,
)
from conftest import ACTION_SERVER_TOKEN, PROJECT, VENV_BIN, free_port, server_env, wait_until
from nlp.incoming_text import MESSAGE_CHAR_LIMIT, prepare

SECRET = "wombat-" + secrets.token_hex(6)  # stands for the person's words and answers
JSON = {"Content-Type": "application/json"}
WITH_TOKEN = {TOKEN_HEADER: ACTION_SERVER_TOKEN}
DEFLATED = {"Content-Encoding": "deflate"}
MB = 1024 * 1024


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


def call(servers, body, raw=False, headers=None, token=ACTION_SERVER_TOKEN) -> requests.Response:
    """POST /webhook as Rasa makes it: with the token, unless token is None."""
    data = body if raw else json.dumps(body)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    sent = {**JSON, **({TOKEN_HEADER: token} if token is not None else {}), **(headers or {})}
    return requests.post(f"{servers.actions_url}/webhook", data=data, headers=sent, timeout=120)


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
    response = call(servers, b"not deflate" + SECRET.encode(), raw=True, headers=DEFLATED)
    assert response.status_code == 400
    assert_no_echo(response)
    compressed = zlib.compress(json.dumps(real_call).encode())
    good = call(servers, compressed, raw=True, headers=DEFLATED)
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


@contextlib.contextmanager
def own_action_server(tmp_path, env: dict, *args: str):
    """An action server of its own, started as `make run` starts it; yields its port and log."""
    port = free_port()
    log = tmp_path / "own-actions.log"
    process = subprocess.Popen(
        [str(VENV_BIN / "python"), "scripts/action_server.py", "--actions", "actions", "--port", str(port), *args],
        cwd=PROJECT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: requests.get(f"http://127.0.0.1:{port}/health", timeout=2).ok, "action server",
                   [process], [log])
        yield port, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_action_server_listens_only_on_127_0_0_1_when_no_host_is_set(servers, tmp_path):
    env = {k: v for k, v in server_env(tmp_path, 0, "unused").items() if k not in ("SANIC_HOST", "ACTIONS_HOST")}
    with own_action_server(tmp_path, env) as (port, _):
        assert listening_addresses(port) == {"0100007F"}, "listening beyond 127.0.0.1"


# --- the token ---------------------------------------------------------------------------------

WRONG_TOKENS = {
    "no token": None,
    "empty": "",
    "wrong": secrets.token_urlsafe(32),
    "cut short": ACTION_SERVER_TOKEN[:-1],
    "one more character": ACTION_SERVER_TOKEN + "x",
}


@pytest.mark.parametrize("token", WRONG_TOKENS.values(), ids=WRONG_TOKENS.keys())
def test_a_call_without_the_right_token_gets_401(servers, real_call, token):
    for body in (real_call, [SECRET]):  # a call that would run, and one that would get 400
        response = call(servers, body, token=token)
        assert response.status_code == 401, response.text[:300]
        assert response.json()["error"]
        assert_no_echo(response)
    headers = {TOKEN_HEADER: token} if token is not None else {}
    assert requests.get(f"{servers.actions_url}/actions", headers=headers, timeout=30).status_code == 401


def test_with_the_right_token_the_action_server_answers(servers):
    actions = requests.get(f"{servers.actions_url}/actions", headers=WITH_TOKEN, timeout=30)
    assert actions.status_code == 200
    assert {"name": "validate_candidacy_form"} in actions.json()


def test_the_health_check_needs_no_token(servers):
    response = requests.get(f"{servers.actions_url}/health", timeout=30)
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_a_call_without_the_token_runs_no_action(real_call, tmp_path):
    """rasa-sdk logs each action it runs at debug level: a refused call leaves no trace there."""
    env = server_env(tmp_path, 0, "unused")
    with own_action_server(tmp_path, env, "--debug") as (port, log):
        url = f"http://127.0.0.1:{port}/webhook"
        refused = requests.post(url, json=real_call, timeout=60)
        assert refused.status_code == 401
        assert "Received request to run" not in log.read_text(), "a call without the token ran an action"
        answered = requests.post(url, json=real_call, headers=WITH_TOKEN, timeout=60)
        assert answered.status_code == 200, answered.text[:300]
        assert "Received request to run 'validate_candidacy_form'" in log.read_text()
    assert ACTION_SERVER_TOKEN not in log.read_text(), "the token was logged, at debug level"


@pytest.mark.parametrize("value", [None, "", "  ", f" {ACTION_SERVER_TOKEN} "], ids=["unset", "empty", "spaces",
                                                                                       "spaces around"])
def test_the_action_server_refuses_to_start_without_a_token(tmp_path, value):
    port = free_port()
    env = {k: v for k, v in server_env(tmp_path, port, "unused").items() if k != TOKEN_VARIABLE}
    if value is not None:
        env[TOKEN_VARIABLE] = value
    started = subprocess.run(
        [str(VENV_BIN / "python"), "scripts/action_server.py", "--actions", "actions", "--port", str(port)],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert started.returncode != 0
    assert TOKEN_VARIABLE in started.stderr
    assert not listening_addresses(port)


# --- how much is read --------------------------------------------------------------------------

def vm_kb(pid: int, field: str) -> int:
    """VmRSS (memory now) or VmHWM (the most since the last reset) of a process, in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise KeyError(field)


def deflate_bomb(megabytes: int) -> bytes:
    """That many megabytes of zeros, deflated (200 MB: about 200 KB), a megabyte at a time."""
    deflater = zlib.compressobj(9)
    return b"".join(deflater.compress(bytes(1_000_000)) for _ in range(megabytes)) + deflater.flush()


def test_a_deflate_bomb_gets_413_and_takes_no_memory(servers):
    """rasa-sdk inflated any deflate body whole: 200 KB became 200 MB."""
    pid = servers.pids["actions"]
    bomb = deflate_bomb(200)
    assert len(bomb) < BODY_LIMIT_BYTES, "the bomb itself is within the raw limit"
    assert call(servers, bomb, raw=True, headers=DEFLATED, token=None).status_code == 401
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM starts again from VmRSS now
    before = vm_kb(pid, "VmRSS")
    response = call(servers, bomb, raw=True, headers=DEFLATED)
    assert response.status_code == 413, response.text[:300]
    assert response.json()["error"]
    grew_mb = (vm_kb(pid, "VmHWM") - before) / 1024
    assert grew_mb < 50, f"the action server's memory grew by {grew_mb:.0f} MB at its peak"
    assert_servers_alive(servers)


def raw_exchange(port: int, head: str) -> bytes:
    """Sends only a request's head, and reads the answer until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head.encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def test_a_body_over_the_limit_gets_413_before_it_is_sent(servers):
    port = int(servers.actions_url.rsplit(":", 1)[1])
    answer = raw_exchange(port, (
        f"POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"{TOKEN_HEADER}: {ACTION_SERVER_TOKEN}\r\nContent-Length: {BODY_LIMIT_BYTES + 1}\r\n\r\n"
    ))
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert b'"error"' in answer
    assert_servers_alive(servers)


def test_a_chunked_body_over_the_limit_gets_413(servers):
    """Rasa's compressed calls come chunked, without a length to refuse up front."""
    def chunks():
        for _ in range(BODY_LIMIT_BYTES // MB + 1):
            yield b" " * MB

    try:
        response = requests.post(f"{servers.actions_url}/webhook", data=chunks(), headers={**JSON, **WITH_TOKEN},
                                 timeout=120)
        assert response.status_code == 413, response.text[:300]
    except requests.ConnectionError:
        pass  # the server answered 413 and closed while the rest was still being sent
    assert_servers_alive(servers)


def test_rasa_s_own_client_reaches_the_action_server_compressed_or_not(servers, real_call, tmp_path, monkeypatch):
    """Through endpoints.yml and Rasa's EndpointConfig, as RemoteAction calls it: deflated
    and chunked when COMPRESS_ACTION_SERVER_REQUEST is true (Rasa's default is false)."""
    from rasa.utils.endpoints import read_endpoint_config

    for name, value in server_env(tmp_path, int(servers.actions_url.rsplit(":", 1)[1]), "unused").items():
        monkeypatch.setenv(name, value)
    endpoint = read_endpoint_config(str(PROJECT / "endpoints.yml"), "action_endpoint")
    for compress in (False, True):
        answer = asyncio.run(endpoint.request(json=real_call, method="post", compress=compress))
        assert set(answer) == {"events", "responses"}, compress


SUMMARY_INTRO = " ".join(yaml.safe_load((PROJECT / "content" / "summary.yml").read_text())["text"]["intro"].split())


def test_a_whole_conversation_through_rest_works_and_the_token_is_never_logged(servers):
    """Rasa sends the token on every call (endpoints.yml): the questions, then the summary."""
    sender = new_sender("token")
    for message in ("hello", "/start_questions"):
        assert_kind_replies(servers.send(sender, message))
    replies = []
    for _ in range(30):
        # the answers are read back before the summary: accept them
        reply = "/affirm" if "here is what you told me" in said(replies) else '/inform{"answer": "unsure"}'
        replies = servers.send(sender, reply)
        assert_kind_replies(replies)
        if SUMMARY_INTRO in said(replies):
            break
    else:
        pytest.fail("the summary never came")
    assert ACTION_SERVER_TOKEN not in servers.logs()
