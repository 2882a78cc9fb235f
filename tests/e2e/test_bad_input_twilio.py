"""Bad input through the Twilio webhook (SMS and WhatsApp), against the real servers and
the fake Twilio API: signed requests with odd bodies and fields, and unsigned junk.

tests/e2e/test_sms_and_whatsapp.py covers empty bodies, emoji and a few odd texts;
these add the rest of the hostile set, long messages, odd form encodings and hypothesis.
A body over the channels' limit (channels/request_checks.py) gets 413, signed or not,
before it is read: Twilio never sends one (SMS 1,600 characters, WhatsApp 4,096).
"""
from urllib.parse import urlencode

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from channels.request_checks import CHANNEL_BODY_LIMIT_BYTES
from bad_input import (
    FEW, HOSTILE_TEXTS, MESSAGE_CHAR_LIMIT, Conversation, assert_servers_alive, response_text,
)
from fake_twilio import TWILIO_AUTH_TOKEN, TWILIO_WEBHOOK_URL
from test_sms_and_whatsapp import WEBHOOK_PATH, Phone, random_number, twilio_signature, user_turns

# A form field cannot carry a lone surrogate (UTF-8 has no encoding for it); bytes that
# are not UTF-8 are the transport's own oddity, tested below.
TEXTABLE = {name: text for name, text in HOSTILE_TEXTS.items() if name != "lone surrogates"}
NOT_SURE = "not sure"


class PhoneConversation(Conversation):
    """A conversation by text message, read under its hashed id (channels/identity.py)."""

    def __init__(self, servers, phone: Phone):
        super().__init__(servers, sender=phone.number, send=phone.text)
        self.phone = phone

    def slots(self) -> dict:
        return self.phone.tracker()["slots"]


def phone_conversation(servers, prefix: str = "") -> PhoneConversation:
    return PhoneConversation(servers, Phone(servers, random_number(prefix))).begin()


def signed_post(servers, body: bytes, fields_as_read: dict, content_type="application/x-www-form-urlencoded"):
    """Posts raw bytes, signed over the fields as the server reads them."""
    signature = twilio_signature(TWILIO_WEBHOOK_URL, fields_as_read, TWILIO_AUTH_TOKEN)
    return requests.post(servers.rasa_url + WEBHOOK_PATH, data=body, timeout=120,
                         headers={"Content-Type": content_type, "X-Twilio-Signature": signature})


@pytest.mark.parametrize("text", TEXTABLE.values(), ids=TEXTABLE.keys())
@pytest.mark.parametrize("prefix", ["", "whatsapp:"], ids=["sms", "whatsapp"])
def test_any_text_gets_a_reply_and_nothing_earlier_is_lost(servers, text, prefix):
    conversation = phone_conversation(servers, prefix)
    fields = conversation.phone.fields(text)
    if len(urlencode(fields).encode()) > CHANNEL_BODY_LIMIT_BYTES:
        turns = user_turns(conversation.phone.tracker())
        response = conversation.phone.post(fields, twilio_signature(TWILIO_WEBHOOK_URL, fields, TWILIO_AUTH_TOKEN))
        assert response.status_code == 413
        assert conversation.phone.new_messages() == [] and user_turns(conversation.phone.tracker()) == turns
    else:
        replies = conversation.phone.post_signed(fields)  # asserts 200 and TwiML
        assert replies and all(replies), "every message gets an answer"
    assert_servers_alive(servers)
    conversation.assert_goes_on(answer=NOT_SURE)


def test_a_long_whatsapp_message_is_cut_to_the_limit_and_the_person_is_told(servers):
    conversation = phone_conversation(servers, "whatsapp:")
    long_text = "I am not sure how many there are. " * 300  # 10,200 characters, within the body limit
    replies = conversation.send(long_text)
    assert response_text("utter_message_cut") in " ".join(" ".join(r.split()) for r in replies)
    assert len(conversation.phone.tracker()["latest_message"]["text"]) <= MESSAGE_CHAR_LIMIT
    conversation.assert_goes_on(answer=NOT_SURE)


def test_bytes_that_are_not_utf8_are_read_as_replacement_characters(servers):
    number = random_number()
    fields = {"From": number, "To": "+15005550006", "Body": "\ufffd hello \ufffd"}
    body = b"From=" + requests.utils.quote(number).encode() + b"&To=%2B15005550006&Body=%FF+hello+%FE"
    response = signed_post(servers, body, fields)
    assert response.status_code == 200, response.text
    assert servers.twilio.to(number), "answered"


def test_a_signed_request_that_is_not_a_form_is_refused_with_400(servers):
    """No fields at all (a JSON body): signed over nothing, it is Twilio's, but has no sender."""
    response = signed_post(servers, b'{"From": "+15551234567", "Body": "hi"}', {}, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("sender", ["", "   ", "+1555\x00123", "+" + "5" * 1000],
                         ids=["empty", "spaces", "NUL", "1,000 digits"])
def test_a_signed_request_with_an_unusable_sender_is_refused_with_400(servers, sender):
    phone = Phone(servers, sender)
    fields = phone.fields("hello")
    response = phone.post(fields, twilio_signature(TWILIO_WEBHOOK_URL, fields, TWILIO_AUTH_TOKEN))
    assert response.status_code == 400
    assert_servers_alive(servers)


UNSIGNED = {
    "empty": b"", "not a form": b"\x00\xff\xfe", "huge": b"Body=" + b"x" * 100_000, "JSON": b'{"a": [[[[]]]]}',
}


@pytest.mark.parametrize("body", UNSIGNED.values(), ids=UNSIGNED.keys())
def test_unsigned_junk_gets_403_or_413_when_over_the_body_limit(servers, body):
    response = requests.post(servers.rasa_url + WEBHOOK_PATH, data=body, timeout=60,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == (413 if len(body) > CHANNEL_BODY_LIMIT_BYTES else 403)


def test_a_signed_request_over_the_body_limit_gets_413_and_nothing_is_sent(servers):
    phone = Phone(servers, "+" + "5" * 100_000)
    fields = phone.fields("hello")
    response = phone.post(fields, twilio_signature(TWILIO_WEBHOOK_URL, fields, TWILIO_AUTH_TOKEN))
    assert response.status_code == 413 and phone.new_messages() == []
    assert_servers_alive(servers)


@pytest.fixture(scope="module")
def fuzzed_phone_conversation(servers):
    return phone_conversation(servers)


@FEW
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=1600))
def test_property_any_sms_gets_a_reply_and_keeps_the_answers(servers, fuzzed_phone_conversation, text):
    replies = fuzzed_phone_conversation.send(text)
    # A STOP keyword is answered once and then silence, as carriers require: start again.
    if fuzzed_phone_conversation.slots().get("text_messages_stopped"):
        fuzzed_phone_conversation.send("START")
    else:
        assert replies and all(replies)
    fuzzed_phone_conversation.assert_intact()


def test_the_fuzzed_phone_conversation_still_goes_on(servers, fuzzed_phone_conversation):
    assert_servers_alive(servers)
    fuzzed_phone_conversation.assert_goes_on(answer=NOT_SURE)
