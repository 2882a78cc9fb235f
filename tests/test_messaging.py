"""channels/messaging.py, the pieces that need no server: settings, numbers, conversation
ids, the open question's choices and the STOP state read from a Rasa tracker, and a turn
run with stand-ins for Rasa's agent and for Twilio (what is stored under which id, what
a request seen before does). The webhook itself (signatures, sending, STOP/START) is
tested against the real servers in tests/e2e/test_sms_and_whatsapp.py."""
import asyncio
import logging

import pytest
from multidict import MultiDict
from rasa.core.tracker_store import AwaitableTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant_server.reliability import LoudTrackerStore
from assistant_server.tracker_store import ForgettingSQLTrackerStore
from channels.identity import SECRET_VARIABLE, TEXT_PREFIX, ConversationIds, MissingSecret
from channels.messaging import (
    CHANNEL_NAME, MESSAGES_STOPPED_SLOT, NoReplayCheck, Texter, TwilioMessagingInput, TwilioMessagingOutput,
    TwilioTurnCollector, first_sight, messages_stopped, open_choices, seen_message_key, sender_number,
    store_offering,
)

BUTTONS = [{"title": "Yes", "payload": '/inform{"answer": "yes"}'}, {"title": "No", "payload": '/inform{"answer": "no"}'}]
TWILIO_ENV = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER", "TWILIO_WEBHOOK_URL", "TWILIO_API_BASE_URL")
SECRET = "s" * 32
NUMBER = "+15550000001"


@pytest.fixture
def make_rasa_tracker(rasa_domain):
    def make(*events):
        return DialogueStateTracker.from_events("+15550000001", list(events), slots=rasa_domain.slots)
    return make


@pytest.fixture
def no_twilio_env(monkeypatch):
    for name in (*TWILIO_ENV, SECRET_VARIABLE):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def secret(no_twilio_env, monkeypatch):
    monkeypatch.setenv(SECRET_VARIABLE, SECRET)


def test_the_channel_is_off_without_the_three_settings(no_twilio_env, monkeypatch):
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC123")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "secret")
    channel = TwilioMessagingInput.from_credentials(None)
    assert not channel.enabled and channel.sender is None


def test_settings_come_from_the_environment_when_credentials_yml_has_none(secret, monkeypatch):
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC123")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "secret")
    monkeypatch.setenv("TWILIO_NUMBER", "+15005550006")
    monkeypatch.setenv("TWILIO_WEBHOOK_URL", "https://chat.example.org/webhooks/twilio/webhook")
    monkeypatch.setenv("TWILIO_API_BASE_URL", "http://127.0.0.1:9/")
    channel = TwilioMessagingInput.from_credentials(None)
    assert channel.enabled and channel.name() == "twilio" and channel.url_prefix() == "twilio"
    assert channel.webhook_url == "https://chat.example.org/webhooks/twilio/webhook"
    assert channel.sender.api.url == "http://127.0.0.1:9/2010-04-01/Accounts/AC123/Messages.json"
    assert isinstance(channel.get_output_channel(), TwilioMessagingOutput)


def test_the_default_api_is_twilios_own(secret):
    channel = TwilioMessagingInput.from_credentials({"account_sid": "AC1", "auth_token": "t", "twilio_number": "+1"})
    assert channel.sender.api.url.startswith("https://api.twilio.com/2010-04-01/Accounts/AC1/")


def test_response_variations_for_twilio_apply_to_the_collected_turn():
    assert TwilioTurnCollector.name() == "twilio"


@pytest.mark.parametrize("our, recipient, expected", [
    ("+15005550006", "+447700900123", "+15005550006"),
    ("+15005550006", "whatsapp:+447700900123", "whatsapp:+15005550006"),
    ("whatsapp:+15005550006", "whatsapp:+447700900123", "whatsapp:+15005550006"),
    ("whatsapp:+15005550006", "+447700900123", "+15005550006"),
])
def test_replies_come_from_our_number_on_the_persons_network(our, recipient, expected):
    assert sender_number(our, recipient) == expected


def test_the_open_choices_are_the_latest_questions_until_the_person_replies(make_rasa_tracker):
    asked = make_rasa_tracker(
        ActionExecuted("action_listen"), UserUttered("hi"),
        BotUttered("Welcome."), BotUttered("Ready?", data={"buttons": BUTTONS}), BotUttered("Take your time."),
    )
    assert open_choices(asked) == BUTTONS
    answered = make_rasa_tracker(BotUttered("Ready?", data={"buttons": BUTTONS}), UserUttered("yes"), BotUttered("Thanks."))
    assert open_choices(answered) == []
    assert open_choices(None) == []


def test_stop_is_read_from_the_tracker(make_rasa_tracker):
    assert messages_stopped(None) is False
    assert messages_stopped(make_rasa_tracker()) is False
    assert messages_stopped(make_rasa_tracker(SlotSet(MESSAGES_STOPPED_SLOT, True))) is True
    assert messages_stopped(make_rasa_tracker(SlotSet(MESSAGES_STOPPED_SLOT, True), SlotSet(MESSAGES_STOPPED_SLOT, False))) is False


# --- conversation ids -------------------------------------------------------------------------


def test_the_channel_does_not_start_without_the_conversation_secret(no_twilio_env):
    with pytest.raises(MissingSecret):
        TwilioMessagingInput.from_credentials({"account_sid": "AC1", "auth_token": "t", "twilio_number": "+1"})
    assert TwilioMessagingInput.from_credentials(None).ids is None  # off: no secret needed


@pytest.mark.parametrize("number", [NUMBER, "whatsapp:" + NUMBER])
def test_a_conversation_is_named_by_a_hash_of_the_number_that_holds_no_digits_of_it(secret, number):
    channel = TwilioMessagingInput.from_credentials({"account_sid": "AC1", "auth_token": "t", "twilio_number": "+1"})
    texter = channel.texter(number)
    assert texter == Texter(ConversationIds(SECRET).text(number), number)
    assert texter.conversation_id.startswith(TEXT_PREFIX)
    assert NUMBER.lstrip("+") not in texter.conversation_id and "0000001" not in texter.conversation_id
    assert texter.conversation_id != ConversationIds("t" * 32).text(number), "another secret, another id"


def test_sms_and_whatsapp_from_one_number_are_two_conversations(secret):
    channel = TwilioMessagingInput.from_credentials({"account_sid": "AC1", "auth_token": "t", "twilio_number": "+1"})
    assert channel.texter(NUMBER).conversation_id != channel.texter("whatsapp:" + NUMBER).conversation_id


def test_rasas_http_api_cannot_have_texts_sent(secret, caplog):
    channel = TwilioMessagingInput.from_credentials({"account_sid": "AC1", "auth_token": "t", "twilio_number": "+1"})
    output = channel.get_output_channel()
    conversation = channel.texter(NUMBER).conversation_id
    with caplog.at_level(logging.WARNING):
        asyncio.run(output.send_response(conversation, {"text": "hello there"}))
        asyncio.run(output.send_text_message(conversation, "hello there"))
    refusals = [r for r in caplog.records if "not sent" in r.getMessage()]
    assert [r.levelname for r in refusals] == ["WARNING", "WARNING"]
    assert conversation not in caplog.text and "hello there" not in caplog.text
    assert not hasattr(output, "sender"), "it has no way to send"


# --- requests seen before ----------------------------------------------------------------------


def test_a_message_sid_is_remembered_as_a_hash():
    key = seen_message_key(MultiDict({"MessageSid": "SM" + "a" * 32}))
    assert key.startswith("twilio:") and "a" * 32 not in key and len(key) <= 128
    assert key == seen_message_key(MultiDict({"MessageSid": "SM" + "a" * 32, "Body": "other"}))
    assert key != seen_message_key(MultiDict({"MessageSid": "SM" + "b" * 32}))
    assert seen_message_key(MultiDict({"Body": "hi"})) is None
    assert seen_message_key(MultiDict({"MessageSid": ""})) is None


class Seen:
    def __init__(self):
        self.keys = set()

    def first_sight(self, key):
        if key in self.keys:
            return False
        self.keys.add(key)
        return True


class Wrapper:
    def __init__(self, inner, attribute="wrapped"):
        setattr(self, attribute, inner)


def test_the_store_that_remembers_is_found_inside_any_wrappers():
    seen = Seen()
    assert store_offering(seen, "first_sight") is seen
    assert store_offering(Wrapper(Wrapper(seen, "_tracker_store")), "first_sight") is seen
    assert store_offering(Wrapper(object()), "first_sight") is None
    looped = Wrapper(None)
    looped.wrapped = looped
    assert store_offering(looped, "first_sight") is None


def test_the_projects_store_is_found_inside_rasas_wrappers(rasa_domain, tmp_path):
    store = ForgettingSQLTrackerStore(domain=rasa_domain, dialect="sqlite", db=str(tmp_path / "c.db"))
    for wrapped in (LoudTrackerStore(store), AwaitableTrackerStore(LoudTrackerStore(store)),
                    LoudTrackerStore(AwaitableTrackerStore(store))):
        assert store_offering(wrapped, "first_sight") is store


class FakeAgent:
    def __init__(self, store):
        self.tracker_store = store


def test_without_a_store_that_remembers_no_message_is_handled():
    with pytest.raises(NoReplayCheck, match="ForgettingSQLTrackerStore"):
        first_sight(FakeAgent(Wrapper(object())), "twilio:x")
    assert first_sight(FakeAgent(Wrapper(Seen())), "twilio:x") is True


# --- a turn, with stand-ins for Rasa and Twilio ------------------------------------------------


class Store(Seen):
    async def retrieve(self, conversation_id):
        return None


class Nlg:
    async def generate(self, name, tracker, channel):
        return {"text": f"<{name}>"}


class Agent:
    def __init__(self):
        self.tracker_store = LoudTrackerStore.__new__(LoudTrackerStore)  # a wrapper, as Rasa has
        self.tracker_store._store = Store()
        self.processor = type("Processor", (), {"nlg": Nlg()})()


class Deliveries:
    def __init__(self):
        self.sent = []

    async def deliver(self, recipient, texts):
        self.sent.append((recipient, texts))


@pytest.fixture
def channel(secret):
    channel = TwilioMessagingInput.from_credentials({"account_sid": "AC1", "auth_token": "t", "twilio_number": "+1"})
    channel.sender = Deliveries()
    return channel


def run_turn(channel, agent, on_new_message, key="twilio:1", text="hello"):
    asyncio.run(channel.handle(agent, on_new_message, channel.texter(NUMBER), text, key))


def test_a_turn_runs_under_the_hashed_id_and_only_the_reply_goes_to_the_number(channel):
    agent, received = Agent(), []

    async def on_new_message(message):
        received.append(message)
        await message.output_channel.send_text_message(message.sender_id, "Welcome.")

    run_turn(channel, agent, on_new_message)
    [message] = received
    conversation = ConversationIds(SECRET).text(NUMBER)
    assert message.sender_id == conversation and message.input_channel == CHANNEL_NAME
    assert not message.metadata and isinstance(message.output_channel, TwilioTurnCollector)
    assert channel.sender.sent == [(NUMBER, ["Welcome."])]


def test_a_request_seen_before_runs_no_turn_and_sends_nothing(channel):
    agent, received = Agent(), []

    async def on_new_message(message):
        received.append(message)
        await message.output_channel.send_text_message(message.sender_id, "Welcome.")

    run_turn(channel, agent, on_new_message, key="twilio:1")
    run_turn(channel, agent, on_new_message, key="twilio:1")
    assert len(received) == 1 and len(channel.sender.sent) == 1
    run_turn(channel, agent, on_new_message, key="twilio:2")
    run_turn(channel, agent, on_new_message, key=None)  # no MessageSid: handled as before
    run_turn(channel, agent, on_new_message, key=None)
    assert len(received) == 4 and len(channel.sender.sent) == 4


def test_a_failed_turn_is_answered_once_and_its_repeat_is_ignored(channel):
    agent, calls = Agent(), []

    async def failing(message):
        calls.append(message)
        raise RuntimeError("the action server is down")

    run_turn(channel, agent, failing)
    assert channel.sender.sent == [(NUMBER, ["<utter_something_went_wrong>"])]
    run_turn(channel, agent, failing)
    assert len(calls) == 1 and len(channel.sender.sent) == 1


def test_without_a_store_that_remembers_the_person_is_told_something_went_wrong(channel, caplog):
    agent, received = Agent(), []
    agent.tracker_store._store = object()

    async def on_new_message(message):
        received.append(message)

    with caplog.at_level(logging.ERROR):
        run_turn(channel, agent, on_new_message)
    assert received == [] and channel.sender.sent == [(NUMBER, ["<utter_something_went_wrong>"])]
    assert "first_sight" in caplog.text and NUMBER not in caplog.text
