"""SMS and WhatsApp: signed Twilio webhooks in, a fake Twilio REST API out, with the real
Rasa server and action server in between.

A "phone" posts what Twilio posts (form fields, X-Twilio-Signature computed as Twilio's
docs describe, on the public URL) and reads what the assistant sent through the fake API.
Its conversation is stored under `text:` + a hash of its number (channels/identity.py),
read here through Rasa's HTTP API; no other channel can reach it, a request Twilio sends
twice runs once, and the database holds no phone number.
"""
import base64
import hashlib
import hmac
import json
import queue
import re
import secrets
import sqlite3
import threading
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
import socketio
import yaml

from conftest import IDS
from content_tools.preview import summary_for
from fake_twilio import TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_NUMBER, TWILIO_WEBHOOK_URL

PROJECT = Path(__file__).resolve().parents[2]
WEBHOOK_PATH = "/webhooks/twilio/webhook"
LIMIT = 1600
DOMAIN = yaml.safe_load((PROJECT / "domain.yml").read_text())
INTENTS = [next(iter(i)) if isinstance(i, dict) else i for i in DOMAIN["intents"]]
PART_LABEL = re.compile(r"^\((\d+) of (\d+)\) ")


def twilio_signature(url: str, params: dict, auth_token: str) -> str:
    """Twilio's documented scheme: HMAC-SHA1 over the URL plus each POST field's name and
    value, sorted by name, keyed with the auth token, in base64."""
    data = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def random_number(prefix: str = "") -> str:
    return f"{prefix}+1555{secrets.randbelow(10 ** 7):07d}"


class Phone:
    """One person texting the assistant's number."""

    def __init__(self, servers, number: str):
        self.servers = servers
        self.number = number
        self.conversation_id = IDS.text(number)
        self.seen = 0

    def fields(self, body: str) -> dict:
        sid = "SM" + secrets.token_hex(16)
        our_number = ("whatsapp:" if self.number.startswith("whatsapp:") else "") + TWILIO_NUMBER
        return {
            "MessageSid": sid, "SmsMessageSid": sid, "SmsSid": sid, "AccountSid": TWILIO_ACCOUNT_SID,
            "From": self.number, "To": our_number, "Body": body, "NumMedia": "0", "NumSegments": "1",
            "SmsStatus": "received", "ApiVersion": "2010-04-01",
        }

    def post(self, fields: dict, signature) -> requests.Response:
        headers = {} if signature is None else {"X-Twilio-Signature": signature}
        return requests.post(self.servers.rasa_url + WEBHOOK_PATH, data=fields, headers=headers, timeout=90)

    def text(self, body: str) -> list:
        """Sends a signed message; returns the bodies of the messages sent back for it."""
        return self.post_signed(self.fields(body))

    def post_signed(self, fields: dict) -> list:
        """Posts the fields signed as Twilio signs them; returns the messages sent back."""
        response = self.post(fields, twilio_signature(TWILIO_WEBHOOK_URL, fields, TWILIO_AUTH_TOKEN))
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].startswith("text/xml") and "<Response>" in response.text
        return self.new_messages()

    def new_messages(self) -> list:
        received = self.servers.twilio.to(self.number)
        new, self.seen = received[self.seen:], len(received)
        return [m.body for m in new]

    def tracker(self) -> dict:
        """The stored conversation, read by its full id through Rasa's HTTP API."""
        tracker = self.servers.conversation(self.conversation_id)
        assert tracker["sender_id"] == self.conversation_id, "read under another id"
        return tracker

    def open_question(self):
        return self.tracker()["slots"]["requested_slot"]


def choice_number(body: str, title: str) -> str:
    found = re.search(rf"(\d+)(?: for |\. ){re.escape(title)}(?=,| or |\.|\n|$)", body)
    assert found, f"the choice {title!r} is not numbered in:\n{body}"
    return found.group(1)


def assert_no_payloads(bodies):
    for body in bodies:
        assert '"answer"' not in body and "{" not in body, body
        for intent in INTENTS:
            assert f"/{intent}" not in body, body


def assert_parts_in_order(bodies):
    """Within the limit; when a reply came in parts, labelled 1 of n ... n of n, in order."""
    assert all(len(b.encode("utf-16-le")) // 2 <= LIMIT for b in bodies)
    labels = [PART_LABEL.match(b) for b in bodies]
    if len(bodies) > 1:
        assert [(int(m.group(1)), int(m.group(2))) for m in labels] == [(n, len(bodies)) for n in range(1, len(bodies) + 1)]
    else:
        assert labels == [None]


def joined(bodies) -> str:
    return " ".join(PART_LABEL.sub("", b) for b in bodies)


# slot: (how the person answers, what they send, what the assistant must store)
BY_NUMBER, BY_NUMBERS, IN_WORDS = "number", "numbers", "words"
PLAN = {
    "symptoms_affect_daily_life": (BY_NUMBER, "Yes", "yes"),
    "symptom_areas": (BY_NUMBERS, ["Spine", "Liver"], ["spine", "liver"]),
    "spread_extent": (BY_NUMBER, "Several areas", "several_areas"),
    "growth_count": (IN_WORDS, "3", "three_to_five"),
    "growth_size": (IN_WORDS, "not sure", "unsure"),
    "treatment_response": (IN_WORDS, "the last scan showed it's stable", "stable"),
    "hormone_receptor_status": (IN_WORDS, "it's ER positive", "er_positive"),
    "tumor_grade": (BY_NUMBER, "Middle (grade 2)", "intermediate"),
    "earlier_breast_cancer": (IN_WORDS, "yes, I had a lumpectomy years ago", "yes"),
    "years_to_metastasis": (IN_WORDS, "6", 6.0),
    "daily_activity": (BY_NUMBER, "No hard work, but light work is fine", "light_activity"),
    "age_65_or_older": (IN_WORDS, "I'm 58", "no"),
    "other_health_conditions": (BY_NUMBER, "No", "no"),
    "surgery_considered": (BY_NUMBER, "Yes", "yes"),
    "complete_removal_likely": (IN_WORDS, "Yes", "yes"),
    "main_goal": (BY_NUMBER, "Both", "both"),
}


def reply_to(question_texts: str, slot: str) -> str:
    how, what, _ = PLAN[slot]
    if how == BY_NUMBER:
        return choice_number(question_texts, what)
    if how == BY_NUMBERS:
        return " and ".join(choice_number(question_texts, title) for title in what)
    return what


def test_a_whole_conversation_by_sms_reaches_the_summary_in_ordered_parts(servers, tmp_path):
    phone = Phone(servers, random_number())
    welcome = phone.text("hello")
    assert_no_payloads(welcome)
    assert "do not give medical advice" in joined(welcome)
    replies = phone.text(choice_number(joined(welcome), "Yes, let's start"))
    asked = []
    for _ in range(len(PLAN) + 5):
        slot = phone.open_question()
        if slot is None:
            break
        asked.append(slot)
        assert_no_payloads(replies)
        assert_parts_in_order(replies)
        if slot in ("growth_count", "years_to_metastasis"):
            # By text these take a number in words, so their choices are not numbered.
            assert "Reply with a number, like 2" in joined(replies) or "A rough guess" in joined(replies)
            assert not re.search(r"\b1 for\b|^1\. ", joined(replies), re.MULTILINE)
        replies = phone.text(reply_to(joined(replies), slot))
    else:
        pytest.fail(f"the questions never ended; asked {asked}")

    # The answers are read back first, with numbered choices: the first goes on to the summary.
    assert "here is what you told me" in joined(replies)
    assert_no_payloads(replies)
    replies = phone.text(choice_number(joined(replies), "All right, show my summary"))

    slots = phone.tracker()["slots"]
    assert {slot: slots[slot] for slot in asked} == {slot: PLAN[slot][2] for slot in asked}
    assert "symptom_areas" in asked and "daily_activity" in asked and "main_goal" in asked

    # The summary: every message of it, in order, in parts within Twilio's limit.
    answers = tmp_path / "answers.yml"
    answers.write_text(yaml.safe_dump({"answers": {slot: PLAN[slot][2] for slot in asked}}))
    summary, _ = summary_for(answers)
    assert_no_payloads(replies)
    assert_parts_in_order(replies)
    # Parts break only between messages here, so the summary reads back exactly.
    assert "\n\n".join(summary) in "\n\n".join(PART_LABEL.sub("", b) for b in replies)
    assert len("\n\n".join(summary)) > LIMIT and len(replies) > 1, "the summary should need several parts"
    # The last choices (start again / done) are numbered, never payloads.
    assert re.search(r"\d+(?: for |\. )I'm done", replies[-1])


def test_forged_or_missing_signatures_get_403_and_nothing_is_processed_or_sent(servers):
    phone = Phone(servers, random_number())
    before = len(servers.twilio.all())
    fields = phone.fields("hello")
    good = twilio_signature(TWILIO_WEBHOOK_URL, fields, TWILIO_AUTH_TOKEN)
    forged = {
        "no signature": (fields, None),
        "empty signature": (fields, ""),
        "wrong auth token": (fields, twilio_signature(TWILIO_WEBHOOK_URL, fields, secrets.token_hex(16))),
        "signed for another URL": (fields, twilio_signature("https://evil.example.com" + WEBHOOK_PATH, fields, TWILIO_AUTH_TOKEN)),
        "body changed after signing": ({**fields, "Body": "I am someone else"}, good),
        "sender changed after signing": ({**fields, "From": random_number()}, good),
    }
    for what, (sent, signature) in forged.items():
        response = phone.post(sent, signature)
        assert response.status_code == 403, what
    assert len(servers.twilio.all()) == before
    events = phone.tracker()["events"]
    assert not any(e["event"] == "user" for e in events)


def test_stop_silences_the_number_until_start(servers):
    phone = Phone(servers, random_number())
    phone.text("hi")
    stopped = phone.text("STOP")
    assert len(stopped) == 1 and "START" in stopped[0]
    assert phone.text("hello?") == [] and phone.text("yes I want to go on") == []
    assert phone.text("Stop") == []  # already stopped: no second confirmation
    help_reply = phone.text("HELP")
    assert len(help_reply) == 1 and "STOP" in help_reply[0] and "emergency number" in help_reply[0]
    started = phone.text("start")
    assert len(started) == 1 and "STOP" in started[0]
    assert phone.text("hello again"), "after START the assistant answers again"
    # The stop is kept with the conversation, not in the server's memory.
    assert phone.tracker()["slots"]["text_messages_stopped"] is False


def test_start_and_yes_are_answers_when_messages_were_never_stopped(servers):
    phone = Phone(servers, random_number())
    phone.text("hi")
    replies = phone.text("start")
    assert phone.open_question() == "symptoms_affect_daily_life", replies
    phone.text("yes")
    assert phone.tracker()["slots"]["symptoms_affect_daily_life"] == "yes"


def test_whatsapp_senders_are_answered_on_whatsapp(servers):
    phone = Phone(servers, random_number("whatsapp:"))
    replies = phone.text("hello")
    assert replies
    sent = servers.twilio.to(phone.number)
    assert {m.from_ for m in sent} == {"whatsapp:" + TWILIO_NUMBER}
    phone.text(choice_number(joined(replies), "Yes, let's start"))
    assert phone.open_question() == "symptoms_affect_daily_life"


def test_temporary_twilio_errors_are_retried_and_nothing_is_sent_twice(servers):
    phone = Phone(servers, random_number())
    servers.twilio.fail_next(2, status=503)
    first = phone.text("hello")
    servers.twilio.fail_next(1, status=429)
    second = phone.text("what is this?")
    assert first and second
    bodies = [m.body for m in servers.twilio.to(phone.number)]
    assert bodies == first + second and len(set(bodies)) == len(bodies)


ODD_MESSAGES = {
    "no words (a photo)": "", "only spaces": "   ", "emoji": "😀😀", "right to left": "مرحبا، أنا بخير",
    "control characters": "\u0007\u0000hello\u001b", "2,000 characters": "word " * 400,
}


@pytest.mark.parametrize("body", ODD_MESSAGES.values(), ids=ODD_MESSAGES.keys())
def test_odd_messages_get_a_reply_and_the_conversation_goes_on(servers, body):
    """A photo with no words, emoji, right-to-left text, control characters, a very long text."""
    phone = Phone(servers, random_number())
    phone.text("hello")
    replies = phone.text(body)
    assert replies, "every message gets an answer"
    assert_no_payloads(replies)
    assert phone.text("not sure"), "and the next one too"


def test_a_request_without_a_sender_is_refused_with_400(servers):
    phone = Phone(servers, random_number())
    fields = {k: v for k, v in phone.fields("hello").items() if k != "From"}
    response = phone.post(fields, twilio_signature(TWILIO_WEBHOOK_URL, fields, TWILIO_AUTH_TOKEN))
    assert response.status_code == 400


def test_a_message_twilio_refuses_is_not_retried_and_the_conversation_goes_on(servers):
    phone = Phone(servers, random_number())
    requests_before = servers.twilio.requests
    servers.twilio.fail_next(1, status=400)
    assert phone.text("hello") == []  # the webhook still answers 200 (checked in text())
    assert servers.twilio.requests == requests_before + 1
    assert phone.text("what is this for?"), "the next message is answered"


def test_phone_numbers_and_message_text_stay_out_of_the_logs(servers):
    phone = Phone(servers, random_number())
    marker = "zebra-marmalade-" + secrets.token_hex(4)
    phone.text(f"hello, my name is {marker}")
    phone.text("STOP")
    phone.text("START")
    logs = servers.logs()
    assert phone.number not in logs and phone.number.lstrip("+") not in logs
    assert marker not in logs


# --- no other channel reaches a text conversation -----------------------------------------------

CHANGE_AN_ANSWER = "I want to change one of my answers"
WAIT_S = 60


def user_turns(tracker: dict) -> int:
    return sum(e["event"] == "user" for e in tracker["events"])


def reply_texts(replies: list) -> list:
    return [" ".join(str(r.get("text", "")).split()) for r in replies]


@pytest.fixture
def answering_phone(servers):
    """A person who has answered two questions by SMS, and their stored conversation."""
    phone = Phone(servers, random_number())
    phone.text(choice_number(joined(phone.text("hello")), "Yes, let's start"))
    phone.text("yes")  # symptoms_affect_daily_life
    phone.text("not sure")  # symptom_areas
    tracker = phone.tracker()
    assert tracker["slots"]["symptoms_affect_daily_life"] == "yes" and tracker["slots"]["symptom_areas"]
    return phone, tracker


def assert_unchanged(phone, before: dict):
    after = phone.tracker()
    assert after["slots"] == before["slots"]
    assert len(after["events"]) == len(before["events"])


def ids_naming(phone) -> dict:
    """What someone who knows the number (or its conversation id) might name."""
    return {"number": phone.number, "WhatsApp number": "whatsapp:" + phone.number,
            "conversation id": phone.conversation_id}


def test_no_rest_sender_reaches_a_text_conversation(servers, answering_phone):
    phone, before = answering_phone
    stranger = servers.send(f"new-{secrets.token_hex(8)}", CHANGE_AN_ANSWER)
    for what, sender in ids_naming(phone).items():
        assert reply_texts(servers.send(sender, CHANGE_AN_ANSWER)) == reply_texts(stranger), what
        assert_unchanged(phone, before)
    # "Delete my answers", confirmed, by someone naming the number: the SMS answers stay.
    for sender in (phone.number, phone.conversation_id):
        servers.send(sender, "delete my answers")
        servers.send(sender, "yes")
        assert_unchanged(phone, before)
    assert phone.text("not sure"), "and the person's conversation goes on"
    assert user_turns(phone.tracker()) == user_turns(before) + 1


def test_no_socketio_session_reaches_a_text_conversation(servers, answering_phone):
    phone, before = answering_phone
    for what, named in ids_naming(phone).items():
        confirmed, refused, replies = queue.Queue(), queue.Queue(), queue.Queue()
        client = socketio.Client(reconnection=False)
        client.on("session_confirm", confirmed.put)
        client.on("bad_request", refused.put)
        client.on("bot_uttered", replies.put)
        client.connect(servers.rasa_url, transports=["polling"], wait_timeout=WAIT_S)
        try:
            client.emit("session_request", {"session_id": named})
            token = confirmed.get(timeout=WAIT_S)
            assert named not in token, f"{what}: the server issues its own session, it does not join one named"
            client.emit("user_uttered", {"message": CHANGE_AN_ANSWER, "session_id": named})
            assert "session_id" in refused.get(timeout=WAIT_S)["error"], what
            client.emit("user_uttered", {"message": CHANGE_AN_ANSWER, "session_id": token})
            assert replies.get(timeout=WAIT_S), f"{what}: its own new session is answered"
        finally:
            client.disconnect()
        assert_unchanged(phone, before)


# --- a request Twilio sends twice runs once -----------------------------------------------------


def seen_rows(servers) -> int:
    with sqlite3.connect(servers.log_dir / "conversations.db") as connection:
        return connection.execute("SELECT count(*) FROM seen_channel_messages").fetchone()[0]


def test_a_replayed_twilio_request_runs_no_second_turn_and_sends_nothing(servers):
    phone = Phone(servers, random_number())
    phone.text("hello")
    fields = phone.fields("what is this for?")
    rows = seen_rows(servers)
    first = phone.post_signed(fields)
    assert first
    turns = user_turns(phone.tracker())
    for _ in range(2):
        assert phone.post_signed(fields) == [], "no second text"
    assert user_turns(phone.tracker()) == turns, "no second turn"
    # Remembered in the database, which a restart keeps (tests/test_tracker_store.py reads
    # it back with a second store), and not as Twilio's MessageSid.
    assert seen_rows(servers) == rows + 1
    assert fields["MessageSid"].encode() not in (servers.log_dir / "conversations.db").read_bytes()
    # The same, sent three times at once: one turn.
    fields = phone.fields("not sure")
    signature = twilio_signature(TWILIO_WEBHOOK_URL, fields, TWILIO_AUTH_TOKEN)
    responses = []
    threads = [threading.Thread(target=lambda: responses.append(phone.post(fields, signature))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_code for r in responses] == [200] * 3
    assert user_turns(phone.tracker()) == turns + 1
    replies = phone.new_messages()
    assert replies and len(set(replies)) == len(replies), "one reply, not three"
    # Without a MessageSid (real Twilio always sends one), a request is handled as before.
    no_sid = {k: v for k, v in phone.fields("not sure").items() if "Sid" not in k or k == "AccountSid"}
    assert phone.post_signed(no_sid) and phone.post_signed(no_sid)
    assert user_turns(phone.tracker()) == turns + 3


# --- the database holds no phone number ---------------------------------------------------------


def number_forms(number: str) -> list:
    bare = number.replace("whatsapp:", "")
    digits = bare.lstrip("+")
    return [bare, digits, digits[1:], quote(bare, safe="")]


def test_the_database_holds_no_phone_number(servers):
    phones = [Phone(servers, random_number()), Phone(servers, random_number("whatsapp:"))]
    for phone in phones:
        phone.text(choice_number(joined(phone.text("hello")), "Yes, let's start"))
        phone.text("yes")
        phone.text("HELP")
        phone.text("STOP")
        phone.text("START")
    database = servers.log_dir / "conversations.db"
    with sqlite3.connect(database) as connection:
        stored_ids = {row[0] for row in connection.execute("SELECT DISTINCT sender_id FROM events")}
        events = [row[0] for row in connection.execute("SELECT data FROM events")]
    files = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    for phone in phones:
        assert phone.conversation_id in stored_ids, "the conversation is stored, under its hashed id"
        stored = phone.tracker()
        assert user_turns(stored) == 3 and stored["slots"]["text_messages_stopped"] is False
        everything = [json.dumps(stored)] + events
        for form in number_forms(phone.number):
            assert form.encode() not in files, form
            assert not any(form in text for text in everything), form
            assert not any(form in sender for sender in stored_ids), form
