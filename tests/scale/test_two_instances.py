"""Two Rasa instances, A and B, on one PostgreSQL tracker store and one Redis lock store
(deploy/endpoints.scaled.yml) carry one conversation between them, as behind a load
balancer without sticky sessions: nothing is lost and no turn is processed twice.
"""
import importlib.util
import threading
import uuid
from pathlib import Path

import pytest

from channels.identity import REST_PREFIX

PROJECT = Path(__file__).resolve().parents[2]


def rest(sender: str) -> str:
    """The conversation id the REST channel stores a sender's messages under."""
    return REST_PREFIX + sender


def load_conversations():
    """The patients' answers of the end-to-end tests, loaded by path (see conftest.py)."""
    spec = importlib.util.spec_from_file_location("e2e_conversations", PROJECT / "tests/e2e/test_conversations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_conversations = load_conversations()
PATIENT, CONTENT, texts = _conversations.SPINE_PAIN, _conversations.CONTENT, _conversations.texts


def user_texts(events: list) -> list:
    return [event["text"] for event in events if event["event"] == "user"]


def questions_asked(events: list) -> list:
    """The form's questions the assistant said, in order (each turn asks at most one)."""
    said = [event.get("metadata", {}).get("utter_action") for event in events if event["event"] == "bot"]
    return [name[len("utter_ask_"):] for name in said if name and name[len("utter_ask_"):] in PATIENT["replies"]]


def same_tracker_from_both(cluster, sender) -> dict:
    from_a, from_b = cluster.a.tracker(sender), cluster.b.tracker(sender)
    assert from_a["events"] == from_b["events"], "the two instances see different conversations"
    assert from_a["slots"] == from_b["slots"]
    return from_a


def assert_stored_once_in_database(cluster, sender, tracker, sent):
    rows = cluster.postgres.events(rest(sender))
    assert [data for _, data in rows] == tracker["events"], "the database and the tracker API disagree"
    stored = [data["text"] for type_name, data in rows if type_name == "user"]
    assert stored == sent, "a message was lost, stored twice or stored out of order"


def test_turns_alternating_between_two_instances_lose_nothing_and_run_once(cluster):
    sender = f"scale-{uuid.uuid4().hex}"
    instances = [cluster.a, cluster.b]
    sent, asked = [], []

    def send(text):
        """Each message goes to the instance that did not take the previous one."""
        sent.append(text)
        return instances[len(sent) % 2].send(sender, text)

    assert "do not give medical advice" in texts(send("hello"))
    last_replies = send("yes please, let's start")
    for _ in range(40):
        open_question = same_tracker_from_both(cluster, sender)["slots"]["requested_slot"]
        if open_question is None:
            assert "here is what you told me" in texts(last_replies)
            last_replies = send("looks good")  # the read-back, then the summary
            break
        asked.append(open_question)
        last_replies = send(PATIENT["replies"][open_question])
    else:
        pytest.fail("the questions never ended")

    assert asked == list(PATIENT["replies"]), "a question was skipped, repeated or asked out of order"
    tracker = same_tracker_from_both(cluster, sender)
    for slot, expected in PATIENT["stored"].items():
        assert tracker["slots"][slot] == expected, slot
    summary = texts(last_replies)
    assert CONTENT["text"]["intro"] in summary and CONTENT["text"]["closing"] in summary
    assert PATIENT["topics"] <= set(tracker["slots"]["summary_topics"])

    assert user_texts(tracker["events"]) == sent, "a message was lost, processed twice or out of order"
    assert questions_asked(tracker["events"]) == asked, "a question was said twice: a turn ran twice"
    assert_stored_once_in_database(cluster, sender, tracker, sent)
    assert cluster.lock_tickets(rest(sender)) == [], "a lock was left behind in Redis"

    logs = cluster.a.logs() + cluster.postgres.log.read_text()  # A's folder holds every server's log
    for reply in PATIENT["replies"].values():
        if len(reply) >= 12:  # long enough never to turn up by chance
            assert reply not in logs, "patient text in the logs"
    assert cluster.postgres.password not in logs


def test_two_turns_sent_at_once_to_both_instances_run_one_after_the_other(cluster):
    """A's turn is held half-way (inside the lock) while B gets the next message. B must
    wait in the Redis lock until A's turn is stored, then read the answer to its question.
    Without a shared lock B reads the conversation as it was before A's turn and one
    turn's events are lost when both are stored."""
    sender = f"scale-{uuid.uuid4().hex}"
    sent = ["hello", "let's start"]
    cluster.a.send(sender, sent[0])
    cluster.b.send(sender, sent[1])
    assert same_tracker_from_both(cluster, sender)["slots"]["requested_slot"] == "symptoms_affect_daily_life"
    first = PATIENT["replies"]["symptoms_affect_daily_life"]
    second = PATIENT["replies"]["symptom_areas"]  # the question the first answer leads to
    replies = {}

    def send_in_background(name, instance, text):
        thread = threading.Thread(target=lambda: replies.__setitem__(name, instance.send(sender, text)))
        thread.start()
        return thread

    cluster.gate.hold(rest(sender))
    try:
        turn_a = send_in_background("a", cluster.a, first)
        cluster.gate.wait_for(lambda: first in cluster.gate.arrived(rest(sender)), "A's turn to call the action server")
        turn_b = send_in_background("b", cluster.b, second)
        cluster.gate.wait_for(
            lambda: second in cluster.gate.arrived(rest(sender)) or len(cluster.lock_tickets(rest(sender))) == 2,
            "B's turn to wait in the lock or to call the action server",
        )
        assert second not in cluster.gate.arrived(rest(sender)), "B processed its turn while A's was still running"
        assert cluster.lock_tickets(rest(sender)) == [0, 1], "A holds the lock and B waits for it"
    finally:
        cluster.gate.release(rest(sender))
    turn_a.join(timeout=120)
    turn_b.join(timeout=120)
    assert set(replies) == {"a", "b"}, "a turn got no answer"
    sent += [first, second]

    tracker = same_tracker_from_both(cluster, sender)
    assert tracker["slots"]["symptoms_affect_daily_life"] == "yes"
    assert tracker["slots"]["symptom_areas"] == ["spine"]
    assert tracker["slots"]["requested_slot"] == "spread_extent"
    assert user_texts(tracker["events"]) == sent
    assert questions_asked(tracker["events"]) == ["symptoms_affect_daily_life", "symptom_areas", "spread_extent"]
    assert_stored_once_in_database(cluster, sender, tracker, sent)
    assert cluster.lock_tickets(rest(sender)) == []


def test_delete_my_answers_asked_on_one_instance_deletes_the_conversation_from_postgresql(cluster):
    sender = f"forget-{uuid.uuid4().hex}"
    cluster.a.send(sender, "hello")
    cluster.b.send(sender, "/start_questions")
    cluster.a.send(sender, '/inform{"answer": "yes"}')
    assert cluster.postgres.events(rest(sender))
    cluster.b.send(sender, "please delete my answers")
    cluster.a.send(sender, "/affirm")
    assert cluster.postgres.events(rest(sender)) == []
    assert cluster.b.tracker(sender)["slots"]["symptoms_affect_daily_life"] is None
