"""What the bad-input tests share: hostile messages, hypothesis strategies, and the checks
that the servers are still up and that a conversation lost nothing.

A conversation for these tests starts with two questions answered, so that "nothing was
lost" has something to lose; the hostile input comes while the third question is open.
"""
import json
import uuid
from pathlib import Path

import requests
import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from nlp.incoming_text import MESSAGE_CHAR_LIMIT  # noqa: F401  (the tests' limit is the code's)

PROJECT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((PROJECT / "domain.yml").read_text())
RESPONSES = DOMAIN["responses"]
INTENTS = [next(iter(i)) if isinstance(i, dict) else i for i in DOMAIN["intents"]]
ENTITIES = [next(iter(e)) if isinstance(e, dict) else e for e in DOMAIN["entities"]]


# The servers are slow (one turn is a round trip through NLU and the action server), so
# each property gets a modest number of examples, and no per-example deadline.
FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
               HealthCheck.function_scoped_fixture], derandomize=False)

# Deep nesting that the JSON parser refuses (the C parser stops at Python's recursion limit),
# within the channels' 64 kB body limit (channels/request_checks.py).
HUGE_NESTING = "[" * 20_000 + "]" * 20_000

HOSTILE_TEXTS = {
    "empty": "",
    "only spaces": "  \n\t  ",
    "NUL": "hello\x00world",
    "control characters": "".join(chr(c) for c in range(32)) + "\x7f\x85\x9b",
    "emoji": "😀👍🏽👩‍👩‍👧 🇺🇦",
    "right to left": "مرحبا، أنا بخير \u202eשלום\u202c",
    "zero width and byte order mark": "\ufeff\u200b\u200d",
    "lone surrogates": "\ud800 hello \udfff",
    # Long, but within the channels' 64 kB body limit; a larger body gets 413.
    "30 kB": "the pain in my back keeps me up " * 960,
    "30 kB without spaces": "x" * 30_000,
    "a payload cut short": '/inform{"answer": ',
    "a payload of an unknown intent": "/no_such_intent",
    "a payload with deep nesting": '/inform{"answer": ' + "[" * 990 + "]" * 990 + "}",
    "a payload with a huge value": '/inform{"answer": "' + "9" * 5000 + '"}',
    "HTML": "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "format placeholders": "{0} {name} %s %(x)s {{slot}}",
}

# Python's json.dumps escapes lone surrogates as \udXXX, which JSON allows.
json_text = st.text(alphabet=st.characters(), max_size=300)
some_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | json_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(json_text, inner, max_size=4),
    max_leaves=12,
)
# Texts a person might send, and texts nobody would: any code point, long runs, mixed scripts.
message_texts = st.one_of(
    st.text(alphabet=st.characters(), max_size=400),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1800, max_size=2600),
    st.sampled_from(list(HOSTILE_TEXTS.values())),
)
# Button-like payloads with entity values of every JSON type, for every intent but those
# whose purpose is to change or remove answers (deleting them takes "/delete_my_answers"
# then "/affirm": the fuzz drew that pair once; tests/test_privacy_stories.yml and
# tests/e2e/test_reliability.py cover it).
ANSWER_CHANGING_INTENTS = ("start_again", "change_answer", "go_back", "delete_my_answers")
payloads = st.builds(
    lambda intent, entities: f"/{intent}{json.dumps(entities)}" if entities else f"/{intent}",
    st.sampled_from([i for i in INTENTS if i not in ANSWER_CHANGING_INTENTS]),
    st.dictionaries(st.sampled_from(ENTITIES), some_json, max_size=3),
)


def new_sender(prefix: str = "bad-input") -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def said(replies) -> str:
    return "\n".join(" ".join(str(r.get("text", "")).split()) for r in replies)


def response_text(name: str) -> str:
    return " ".join(RESPONSES[name][0]["text"].split())


def assert_kind_replies(replies):
    """Something to read, and not the apology for a failure on our side: bad input must not
    make anything fail."""
    assert isinstance(replies, list) and replies, "no reply"
    assert all(isinstance(r, dict) and (r.get("text") or r.get("buttons")) for r in replies), replies
    assert response_text("utter_something_went_wrong") not in said(replies), "handling the message failed"


def process_alive(pid: int) -> bool:
    """Running, and not a zombie (exited but not yet reaped by the test process)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def assert_servers_alive(servers):
    for name, pid in servers.pids.items():
        assert process_alive(pid), f"the {name} server has exited"
    status = requests.get(f"{servers.rasa_url}/status", params={"token": servers.token}, timeout=30)
    assert status.status_code == 200 and status.json().get("model_file")
    assert requests.get(f"{servers.actions_url}/health", timeout=30).json() == {"status": "ok"}


class Conversation:
    """A REST conversation with two answers given and the third question open."""

    FIRST_ANSWERS = {"symptoms_affect_daily_life": "no", "spread_extent": "one_area"}
    OPEN_QUESTION = "growth_count"

    def __init__(self, servers, sender: str = None, send=None, tracker=None):
        """`send(text) -> replies` is how this channel sends a message and `tracker()` how
        its conversation is read (the REST channel's by default)."""
        self.servers = servers
        self.sender = sender or new_sender()
        self.send = send or (lambda text: servers.send(self.sender, text))
        self.tracker = tracker or (lambda: servers.tracker(self.sender))

    def begin(self) -> "Conversation":
        self.send("hello")
        self.send("/start_questions")
        for value in self.FIRST_ANSWERS.values():
            self.send(f'/inform{{"answer": "{value}"}}')
        self.assert_intact()
        return self

    def slots(self) -> dict:
        return self.tracker()["slots"]

    def assert_intact(self):
        """The first answers are kept, exactly as given."""
        slots = self.slots()
        for question, value in self.FIRST_ANSWERS.items():
            assert slots[question] == value, f"the answer to {question} was lost or changed"

    def assert_goes_on(self, answer='/inform{"answer": "unsure"}'):
        """The open question (whichever it is now) can still be answered, and the answer is kept."""
        send = self.send
        self.assert_intact()
        slots = self.slots()
        question = slots["requested_slot"]
        if question is None:  # the questions were paused (a goodbye, a warning sign): go on
            assert send("/start_questions"), "no reply to going on"
            question = self.slots()["requested_slot"]
        assert question is not None, "the questions cannot go on"
        replies = send(answer)
        assert replies, "no reply to a normal answer"
        after = self.slots()
        assert after[question] in ("unsure", ["unsure"]), f"the answer to {question} was not kept"
        self.assert_intact()
