"""channels/messaging.py, the pieces that need no server: settings, numbers, the open
question's choices and the STOP state read from a Rasa tracker. The webhook itself
(signatures, sending, STOP/START) is tested against the real servers in
tests/e2e/test_sms_and_whatsapp.py."""
import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels.messaging import (
    MESSAGES_STOPPED_SLOT, TwilioMessagingInput, TwilioMessagingOutput, TwilioTurnCollector, messages_stopped,
    open_choices, sender_number,
)

BUTTONS = [{"title": "Yes", "payload": '/inform{"answer": "yes"}'}, {"title": "No", "payload": '/inform{"answer": "no"}'}]
TWILIO_ENV = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER", "TWILIO_WEBHOOK_URL", "TWILIO_API_BASE_URL")


@pytest.fixture
def make_rasa_tracker(rasa_domain):
    def make(*events):
        return DialogueStateTracker.from_events("+15550000001", list(events), slots=rasa_domain.slots)
    return make


@pytest.fixture
def no_twilio_env(monkeypatch):
    for name in TWILIO_ENV:
        monkeypatch.delenv(name, raising=False)


def test_the_channel_is_off_without_the_three_settings(no_twilio_env, monkeypatch):
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC123")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "secret")
    channel = TwilioMessagingInput.from_credentials(None)
    assert not channel.enabled and channel.sender is None


def test_settings_come_from_the_environment_when_credentials_yml_has_none(no_twilio_env, monkeypatch):
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


def test_the_default_api_is_twilios_own(no_twilio_env):
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
