"""nlp/incoming_text.py: what every message goes through before anything reads it, and the
NLU components that apply it (nlp/incoming_text_nlu.py). The servers are tested with the same
inputs in tests/e2e/test_bad_input_*.py."""
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from nlp.incoming_text import MESSAGE_CHAR_LIMIT, nesting_depth, prepare, readable, unusable_payload
from nlp.incoming_text_nlu import CleanAndCutText, UnusablePayloadFallback

PROJECT_CONFIG = Path(__file__).resolve().parents[1] / "config.yml"


def test_the_limit_is_2000_characters_as_documented():
    assert MESSAGE_CHAR_LIMIT == 2000


@pytest.mark.parametrize("text, expected", [
    ("hello\x00world", "helloworld"),
    ("a\x07b\x1bc\x7fd\x85e", "abcde"),
    ("line one\nline two\tend\r\n", "line one\nline two\tend\r\n"),
    ("\ud800 alone \udfff", "\ufffd alone \ufffd"),
    ("😀👍🏽👩‍👩‍👧", "😀👍🏽👩‍👩‍👧"),
    ("مرحبا \u202eשלום\u202c", "مرحبا \u202eשלום\u202c"),
    ("\ufeff\u200b", "\ufeff\u200b"),
])
def test_readable_drops_control_characters_and_replaces_lone_surrogates_only(text, expected):
    assert readable(text) == expected


def test_a_message_within_the_limit_is_kept_whole():
    text = "x" * MESSAGE_CHAR_LIMIT
    assert prepare(text) == (text, False)


def test_a_longer_message_keeps_its_start_and_says_it_was_cut():
    text = "a" * MESSAGE_CHAR_LIMIT + "b"
    assert prepare(text) == ("a" * MESSAGE_CHAR_LIMIT, True)


def test_surrounding_white_space_does_not_count_against_the_limit():
    text = " " * 5000 + "not sure" + "\n" * 5000
    assert prepare(text) == ("not sure", False)


def test_a_huge_message_is_cut_from_its_start_without_reading_it_all():
    text = "my hip hurts " * 4_000_000  # 52 MB
    prepared, was_cut = prepare(text)
    # no sentence ends in it: the cut falls between words, never inside one
    assert was_cut and text.startswith(prepared) and prepared.endswith(("my", "hip", "hurts"))
    assert MESSAGE_CHAR_LIMIT - len("hurts ") <= len(prepared) <= MESSAGE_CHAR_LIMIT


def test_a_cut_falls_after_the_last_whole_sentence():
    # cut mid-sentence, the fragment "I am" would read as a yes of its own
    prepared, was_cut = prepare("I am not sure. " * 7000)
    assert was_cut and prepared.endswith("I am not sure.") and len(prepared) > MESSAGE_CHAR_LIMIT // 2


def test_a_cut_falls_mid_word_only_when_there_is_no_gap_to_cut_at():
    assert prepare("a" * MESSAGE_CHAR_LIMIT + "b") == ("a" * MESSAGE_CHAR_LIMIT, True)
    # a gap in the first half only would throw most of the message away: cut at the limit
    text = "hello " + "x" * MESSAGE_CHAR_LIMIT
    assert prepare(text) == (text[:MESSAGE_CHAR_LIMIT], True)


def test_a_message_made_mostly_of_control_characters_keeps_what_is_readable():
    text = "\x01" * 10_000 + "not sure"
    assert prepare(text) == ("not sure", False)


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(), max_size=5000))
def test_property_prepared_text_is_encodable_short_and_stable(text):
    prepared, was_cut = prepare(text)
    prepared.encode("utf-8")  # no lone surrogate left
    assert len(prepared) <= MESSAGE_CHAR_LIMIT
    assert was_cut == (len(readable(text).strip()) > MESSAGE_CHAR_LIMIT)
    assert prepare(prepared) == (prepared, False), "preparing twice changes nothing (channel, then NLU)"


def test_the_component_cuts_every_message_and_leaves_other_attributes():
    long_text = "my back hurts " * 1000
    messages = [Message({TEXT: long_text}), Message({TEXT: "a\x00b"}), Message({"intent": "greet"})]
    CleanAndCutText().process(messages)
    assert messages[0].get(TEXT) == prepare(long_text)[0]
    assert long_text.startswith(messages[0].get(TEXT)) and len(messages[0].get(TEXT)) > MESSAGE_CHAR_LIMIT // 2
    assert messages[1].get(TEXT) == "ab"
    assert messages[2].get(TEXT) is None and messages[2].get("intent") == "greet"


def test_the_components_come_first_and_next_to_last_in_the_pipeline():
    with open(PROJECT_CONFIG) as config:
        pipeline = yaml.safe_load(config)["pipeline"]
    assert pipeline[0]["name"] == "nlp.incoming_text_nlu.CleanAndCutText"
    # Just before RedFlagDetector, which stays last (tests/test_safety.py).
    assert pipeline[-2]["name"] == "nlp.incoming_text_nlu.UnusablePayloadFallback"


@pytest.mark.parametrize("text, depth", [("", 0), ('{"a": 1}', 1), ('{"a": [[{}]]}', 4), ('{"a": "[[[\\"[["}', 1),
                                         ("[" * 990 + "]" * 990, 990)])
def test_nesting_is_counted_outside_strings(text, depth):
    assert nesting_depth(text) == depth


@pytest.mark.parametrize("text, unusable", [
    ("/glossary", True), ("  /glossary{\"x\": 1}", True), ("/about_assistant@0.9", True),
    ("/glossary/ablation", False), ('/inform{"answer": "yes"}', False), ("what is a glossary", False),
    ('/inform{"answer": ' + "[" * 21 + "]" * 21 + "}", True), ('/nope{"a": ' + "{" * 30, False),
    ('/nope{"a": ' + "[" * 30 + "]" * 30 + "}", True),
])
def test_payloads_rasa_cannot_use_are_recognised(text, unusable):
    assert unusable_payload(text, ["glossary", "about_assistant", "ask_verdict"]) == unusable


def test_an_unusable_payload_becomes_nlu_fallback_and_loses_its_slash():
    selector = {"all_retrieval_intents": ["glossary"]}
    unusable = Message({TEXT: "/glossary", "intent": {"name": "glossary", "confidence": 0.9},
                        "intent_ranking": [{"name": "glossary", "confidence": 0.9}], "response_selector": selector})
    usable = Message({TEXT: '/inform{"answer": "yes"}', "intent": {"name": "inform", "confidence": 0.9},
                      "response_selector": selector})
    UnusablePayloadFallback().process([unusable, usable])
    assert unusable.get(TEXT) == "glossary"
    assert unusable.get("intent") == {"name": "nlu_fallback", "confidence": 1.0}
    assert [r["name"] for r in unusable.get("intent_ranking")] == ["nlu_fallback", "glossary"]
    assert usable.get(TEXT) == '/inform{"answer": "yes"}' and usable.get("intent")["name"] == "inform"
