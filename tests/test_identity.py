"""channels/identity.py: each channel's conversation ids, and what no caller can forge."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from channels.identity import (
    REST_PREFIX, TEXT_PREFIX, WEB_PREFIX, ConversationIds, MissingSecret,
)

SECRET = "a-test-secret-of-enough-length"


@pytest.fixture
def ids():
    return ConversationIds(SECRET)


@pytest.mark.parametrize("secret", ["", "short"])
def test_no_ids_without_a_real_secret(secret):
    with pytest.raises(MissingSecret, match="CONVERSATION_SECRET"):
        ConversationIds(secret)


def test_the_secret_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("CONVERSATION_SECRET", SECRET)
    assert ConversationIds.from_environment().text("+15550001111") == ConversationIds(SECRET).text("+15550001111")
    monkeypatch.delenv("CONVERSATION_SECRET")
    with pytest.raises(MissingSecret):
        ConversationIds.from_environment()


def test_a_phone_numbers_conversation_holds_no_digits_of_it_and_depends_on_the_secret(ids):
    number = "+15550001111"
    conversation = ids.text(number)
    assert conversation.startswith(TEXT_PREFIX) and "5550001111" not in conversation
    assert conversation == ids.text(number), "the same number always reaches the same conversation"
    assert conversation != ids.text("whatsapp:" + number)
    assert conversation != ConversationIds(SECRET + "x").text(number)


def test_a_web_token_opens_its_own_conversation_only(ids):
    token = ids.new_web_session()
    conversation = ids.web(token)
    assert conversation.startswith(WEB_PREFIX) and conversation == WEB_PREFIX + token.split(".")[0]
    assert ids.web(ids.new_web_session()) != conversation


@pytest.mark.parametrize("forge", [
    lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"),  # signature changed
    lambda t: ("0" if t[0] != "0" else "1") + t[1:],  # session changed
    lambda t: t.split(".")[0],  # no signature
    lambda t: t + "0",
    lambda t: None,
    lambda t: 5,
])
def test_a_token_the_server_did_not_sign_opens_nothing(ids, forge):
    assert ids.web(forge(ids.new_web_session())) is None


def test_a_token_signed_under_another_secret_opens_nothing(ids):
    assert ids.web(ConversationIds(SECRET + "x").new_web_session()) is None


@given(sender=st.text(min_size=1, max_size=200))
def test_property_no_rest_sender_makes_another_channels_id(sender):
    conversation = ConversationIds(SECRET).rest(sender)
    assert conversation.startswith(REST_PREFIX)
    assert not conversation.startswith((WEB_PREFIX, TEXT_PREFIX))


@given(token=st.text(max_size=120))
def test_property_no_made_up_token_opens_a_conversation(token):
    assert ConversationIds(SECRET).web(token) is None
