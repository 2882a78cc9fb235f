"""channels/message_text.py: numbered choices, replies read back as choices, carrier
keywords, and replies packed into ordered parts within Twilio's limit. The words are
the real content/messaging.yml and the questions the real domain.yml."""
import json
import re

import pytest

from channels import message_text
from channels.message_text import (
    HELP, MAX_MESSAGE_LENGTH, START, STOP, choices_text, chosen_reply, keyword, message_length, message_parts,
    turn_texts,
)

YES_NO_UNSURE = [
    {"title": "Yes", "payload": '/inform{"answer": "yes"}'},
    {"title": "No", "payload": '/inform{"answer": "no"}'},
    {"title": "Not sure", "payload": '/inform{"answer": "unsure"}'},
]
AREAS = [{"title": t, "payload": f'/inform{{"answer": "{v}"}}'} for t, v in
         [("Brain", "brain"), ("Spine", "spine"), ("Other bones", "bone"), ("Lungs", "lung"), ("Liver", "liver")]]


@pytest.fixture(scope="module")
def content():
    return message_text.load_content()


def as_sent(payload: str) -> str:
    return payload.replace("{{", "{").replace("}}", "}")


def text_message_variation(variations):
    """The variation Rasa uses for channel twilio: its own, else the general one."""
    own = [v for v in variations if v.get("channel") == "twilio"]
    return (own or [v for v in variations if not v.get("channel")])[0]


# --- numbered choices ----------------------------------------------------------------------------


def test_short_choices_are_offered_on_one_line(content):
    assert choices_text(YES_NO_UNSURE, content) == "Reply 1 for Yes, 2 for No or 3 for Not sure."


def test_long_choices_or_choices_with_commas_are_offered_one_per_line(content):
    buttons = [{"title": "Yes, small", "payload": "/a"}, {"title": "No, not small", "payload": "/b"}]
    text = choices_text(buttons, content)
    assert text.splitlines() == [content["choices"]["long_intro"], "1. Yes, small", "2. No, not small"]


def test_only_the_latest_question_of_a_turn_gets_numbered_choices(content):
    messages = [
        {"text": "Old question?", "buttons": AREAS},
        {"custom": {"summary_card": {}}},
        {"text": "  New question?  ", "buttons": YES_NO_UNSURE},
        {"text": "", "image": "https://example.org/x.png"},
    ]
    assert turn_texts(messages, content) == [
        "Old question?", "New question?\nReply 1 for Yes, 2 for No or 3 for Not sure.",
    ]


@pytest.mark.parametrize("reply, expected", [
    ("2", '/inform{"answer": "no"}'),
    (" 3. ", '/inform{"answer": "unsure"}'),
    ("not sure", '/inform{"answer": "unsure"}'),
    ("NOT SURE!", '/inform{"answer": "unsure"}'),
    ("No", '/inform{"answer": "no"}'),
    ("4", "4"),
    ("0", "0"),
    ("58", "58"),
    ("no idea really", "no idea really"),
])
def test_a_number_or_the_words_of_a_choice_select_it(reply, expected):
    assert chosen_reply(reply, YES_NO_UNSURE) == expected


@pytest.mark.parametrize("reply", ["2 and 5", "2, 5", "2 5", "2 & 5", "5,2,2"])
def test_several_numbers_become_the_choices_words_for_the_assistant_to_read(reply):
    assert set(re.split(r", | and ", chosen_reply(reply, AREAS))) == {"Spine", "Liver"}


def test_replies_are_unchanged_when_no_question_is_open():
    assert chosen_reply("2", []) == "2"
    assert chosen_reply("2 and 9", AREAS) == "2 and 9"


def test_every_choice_of_every_question_by_text_reads_back_as_its_payload(domain, content):
    checked = 0
    for name, variations in domain["responses"].items():
        variation = text_message_variation(variations)
        buttons = [{**b, "payload": as_sent(b["payload"])} for b in variation.get("buttons") or []]
        if not buttons:
            continue
        offered = choices_text(buttons, content)
        for number, button in enumerate(buttons, start=1):
            assert f"{number} for {button['title']}" in offered or f"{number}. {button['title']}" in offered
            assert chosen_reply(str(number), buttons) == button["payload"], (name, number)
            assert chosen_reply(button["title"].lower(), buttons) == button["payload"], (name, button)
            checked += 1
    assert checked > 40


def test_no_question_by_text_offers_numbers_that_also_read_as_an_answer_in_words(domain, form_questions):
    """A reply "4" to "how many growths?" must not pick the 4th choice ("More than five")."""
    from actions.answers import interpret

    for slot in form_questions:
        variation = text_message_variation(domain["responses"][f"utter_ask_{slot}"])
        for number, button in enumerate(variation.get("buttons") or [], start=1):
            in_words = interpret(slot, str(number))
            chosen = json.loads(as_sent(button["payload"]).split("inform", 1)[1])["answer"]
            assert in_words in (None, chosen, [chosen]), (slot, number, in_words, chosen)


# --- carrier keywords ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["STOP", "stop", " Stop. ", "unsubscribe", "CANCEL", "end", "quit", "stopall"])
def test_stop_words_stop_messages_whatever_the_conversation_is_doing(text):
    assert keyword(text, messages_stopped=False) == STOP
    assert keyword(text, messages_stopped=True) == STOP


@pytest.mark.parametrize("text", ["START", "start", "unstop", "Yes"])
def test_start_words_restart_messages_only_when_they_were_stopped(text):
    assert keyword(text, messages_stopped=True) == START
    assert keyword(text, messages_stopped=False) is None


@pytest.mark.parametrize("text", ["HELP", "help!", "Info"])
def test_help_words_get_the_help_reply(text):
    assert keyword(text, messages_stopped=False) == HELP


@pytest.mark.parametrize("text", ["please stop asking about my age", "help me understand", "", None, "stop it now"])
def test_keywords_count_only_as_the_whole_message(text):
    assert keyword(text, messages_stopped=False) is None


# --- length and order ----------------------------------------------------------------------------


def test_a_short_turn_is_one_message_without_a_label(content):
    assert message_parts(["Thanks.", "Next question?"], content) == ["Thanks.\n\nNext question?"]


def test_a_long_turn_is_split_between_messages_into_labelled_parts_in_order(content):
    texts = [f"Message {n}. " + "Some words here. " * 40 for n in range(8)]
    parts = message_parts([t.strip() for t in texts], content)
    assert len(parts) > 1
    assert all(message_length(p) <= MAX_MESSAGE_LENGTH for p in parts)
    labels = [re.match(r"\((\d+) of (\d+)\) ", p).groups() for p in parts]
    assert labels == [(str(n), str(len(parts))) for n in range(1, len(parts) + 1)]
    body = " ".join(re.sub(r"^\(\d+ of \d+\) ", "", p) for p in parts)
    assert [int(n) for n in re.findall(r"Message (\d+)\.", body)] == list(range(8))


def test_one_text_longer_than_the_limit_is_cut_at_sentence_ends(content):
    sentences = [f"Sentence number {n} is here." for n in range(200)]
    parts = message_parts([" ".join(sentences)], content)
    assert len(parts) >= 4 and all(message_length(p) <= MAX_MESSAGE_LENGTH for p in parts)
    for part in parts:
        assert part.endswith("is here."), part[-40:]
    rejoined = " ".join(re.sub(r"^\(\d+ of \d+\) ", "", p) for p in parts)
    assert rejoined == " ".join(sentences)


def test_text_without_sentence_ends_or_spaces_is_still_cut_within_the_limit(content):
    parts = message_parts(["x" * 5000], content)
    assert all(message_length(p) <= MAX_MESSAGE_LENGTH for p in parts)
    assert "".join(re.sub(r"^\(\d+ of \d+\) ", "", p) for p in parts) == "x" * 5000


def test_emoji_count_twice_as_twilio_counts_them(content):
    assert message_length("😀") == 2
    parts = message_parts(["😀 " * 1000], content)
    assert len(parts) >= 2 and all(message_length(p) <= MAX_MESSAGE_LENGTH for p in parts)


def test_a_smaller_limit_is_respected(content):
    parts = message_parts(["One two three. Four five six. Seven eight nine."], content, limit=40)
    assert all(message_length(p) <= 40 for p in parts) and len(parts) == 3
