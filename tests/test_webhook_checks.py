"""Who may call the action server and how much of a call it reads (actions/webhook_checks.py),
without a server. tests/e2e/test_bad_input_action_server.py sends the same to the real one."""
import asyncio
import json
import re
import tracemalloc
import uuid
import zlib
from pathlib import Path

import pytest
from rasa.utils.endpoints import read_endpoint_config
from sanic import Sanic
from sanic.compat import Header
from sanic.exceptions import InvalidUsage, PayloadTooLarge, Unauthorized

from actions import webhook_checks
from actions.webhook_checks import BODY_LIMIT_BYTES, TOKEN_HEADER, TOKEN_VARIABLE

PROJECT = Path(__file__).resolve().parents[1]
TOKEN = "s3cret-token-for-the-tests"
CALL = {
    "next_action": "action_explain_question", "sender_id": "s", "version": "3.6.21",
    "tracker": {"sender_id": "s", "slots": {}, "events": [], "latest_message": {"text": "why?"}},
}


class FakeRequest:
    """What the gate reads of a Sanic request; receive_body counts how often the body was read."""

    def __init__(self, body: bytes = b"", headers=None, method="POST", path="/webhook"):
        self._unread = body
        self.body = b""
        self.headers = Header(headers or {})
        self.method, self.path = method, path
        self.parsed_json = None
        self.reads = 0

    async def receive_body(self):
        self.reads += 1
        self.body, self._unread = self._unread, b""


def through_gate(request, token=TOKEN):
    asyncio.run(webhook_checks.gate(token)(request, route=None, kwargs={}, handler=None))


# --- the token ---------------------------------------------------------------------------------

def test_only_the_very_token_matches():
    assert webhook_checks.token_matches(TOKEN, TOKEN)
    for given in [None, "", TOKEN[:-1], TOKEN + "x", TOKEN.upper(), " " + TOKEN, "\udcff" + TOKEN[1:]]:
        assert not webhook_checks.token_matches(given, TOKEN), given


def test_nothing_matches_an_empty_token():
    assert not webhook_checks.token_matches("", "")
    assert not webhook_checks.token_matches(None, "")


@pytest.mark.parametrize("headers", [{}, {TOKEN_HEADER: "wrong"}, {TOKEN_HEADER: ""}, {"Authorization": TOKEN}],
                         ids=["none", "wrong", "empty", "elsewhere"])
@pytest.mark.parametrize("method, path", [("POST", "/webhook"), ("GET", "/actions")])
def test_a_call_without_the_token_gets_401_before_its_body_is_read(headers, method, path):
    request = FakeRequest(json.dumps(CALL).encode(), headers, method, path)
    with pytest.raises(Unauthorized) as refused:
        through_gate(request)
    assert refused.value.status_code == 401
    assert request.reads == 0 and request.parsed_json is None


def test_the_health_check_needs_no_token():
    through_gate(FakeRequest(method="GET", path="/health"))


def test_a_call_with_the_token_is_read_checked_and_kept_parsed():
    request = FakeRequest(json.dumps(CALL).encode(), {TOKEN_HEADER: TOKEN})
    through_gate(request)
    assert request.reads == 1 and request.parsed_json == CALL
    with pytest.raises(InvalidUsage, match="next_action"):
        through_gate(FakeRequest(json.dumps({**CALL, "next_action": 5}).encode(), {TOKEN_HEADER: TOKEN}))


def test_every_call_is_refused_when_the_server_has_no_token():
    with pytest.raises(Unauthorized):
        through_gate(FakeRequest(json.dumps(CALL).encode(), {TOKEN_HEADER: ""}), token="")


# --- bounded inflating -------------------------------------------------------------------------

def test_a_deflated_call_is_inflated_and_then_looks_uncompressed():
    """rasa-sdk's webhook inflates again, without bound, whenever Content-Encoding says deflate."""
    plain = json.dumps(CALL).encode()
    request = FakeRequest(zlib.compress(plain), {TOKEN_HEADER: TOKEN, "Content-Encoding": "deflate"})
    through_gate(request)
    assert request.parsed_json == CALL and request.body == plain
    assert "Content-Encoding" not in request.headers


def test_inflating_stops_at_the_limit():
    assert webhook_checks.inflate(zlib.compress(b"x" * 1000), limit=1000) == b"x" * 1000
    with pytest.raises(webhook_checks.BodyTooLarge):
        webhook_checks.inflate(zlib.compress(b"x" * 1001), limit=1000)


def deflate_bomb(megabytes: int) -> bytes:
    """That many megabytes of zeros, deflated (200 MB: about 200 KB), a megabyte at a time."""
    deflater = zlib.compressobj(9)
    return b"".join(deflater.compress(bytes(1_000_000)) for _ in range(megabytes)) + deflater.flush()


def test_a_deflate_bomb_is_refused_without_inflating_it():
    bomb = deflate_bomb(200)
    tracemalloc.start()
    try:
        with pytest.raises(webhook_checks.BodyTooLarge):
            webhook_checks.inflate(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # zlib's output blocks, then the bytes made of them: twice the limit, not 200 MB.
    assert peak < 3 * BODY_LIMIT_BYTES, f"{peak:,} bytes taken to refuse it"


def test_a_deflate_bomb_gets_413_at_the_gate():
    request = FakeRequest(zlib.compress(b"0" * (BODY_LIMIT_BYTES + 1)),
                          {TOKEN_HEADER: TOKEN, "Content-Encoding": "deflate"})
    with pytest.raises(PayloadTooLarge) as refused:
        through_gate(request)
    assert refused.value.status_code == 413 and request.parsed_json is None


@pytest.mark.parametrize("body", [b"not deflate", zlib.compress(json.dumps(CALL).encode())[:-8]],
                         ids=["not deflate", "cut short"])
def test_a_body_that_does_not_inflate_is_refused(body):
    with pytest.raises(webhook_checks.BadActionCall, match="deflate"):
        webhook_checks.inflate(body)


def test_install_bounds_the_raw_body():
    app = Sanic(f"test_{uuid.uuid4().hex}")
    webhook_checks.install(app, TOKEN)
    assert app.config.REQUEST_MAX_SIZE == BODY_LIMIT_BYTES


# --- Rasa sends the token ----------------------------------------------------------------------

@pytest.mark.parametrize("endpoints", ["endpoints.yml", "deploy/endpoints.scaled.yml"])
def test_rasa_sends_the_token_from_the_environment(endpoints, monkeypatch):
    for name in re.findall(r"\$\{([A-Z_]+)\}", (PROJECT / endpoints).read_text()):
        monkeypatch.setenv(name, "1")
    monkeypatch.setenv(TOKEN_VARIABLE, TOKEN)
    action_endpoint = read_endpoint_config(str(PROJECT / endpoints), "action_endpoint")
    assert action_endpoint.headers == {TOKEN_HEADER: TOKEN}
