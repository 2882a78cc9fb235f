"""nlp/digressions.py: a request that pauses the questions needs its own words."""
import glob

import pytest
import yaml
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlp import digressions, intent_ranking
from nlp.digressions import RequestNeedsItsWords


def training_examples(intent: str) -> list:
    examples = []
    for path in sorted(glob.glob("data/nlu/*.yml")):
        for item in yaml.safe_load(open(path, encoding="utf-8")).get("nlu") or []:
            if item.get("intent") == intent:
                examples += [line.strip()[2:].strip() for line in item["examples"].splitlines() if line.strip()]
    return examples


def message(nlp, text: str, ranking: list) -> Message:
    msg = Message(data={TEXT: text})
    msg.set(SPACY_DOCS[TEXT], nlp(text.lower()))
    msg.set(INTENT, dict(ranking[0]), add_to_output=True)
    msg.set(INTENT_RANKING_KEY, [dict(r) for r in ranking], add_to_output=True)
    return msg


def ranked(first: str, second: str = "inform") -> list:
    return [{"name": first, "confidence": 0.9}, {"name": second, "confidence": 0.08}, {"name": "deny", "confidence": 0.02}]


@pytest.mark.parametrize("intent", sorted(digressions.CHECKED_INTENTS))
def test_every_training_example_of_a_request_has_its_cue_words(nlp, intent):
    examples = training_examples(intent)
    assert examples, f"no training examples for {intent}"
    missing = [text for text in examples if intent not in digressions.cued_intents(nlp(text.lower()))]
    assert missing == []


@pytest.mark.parametrize(
    "text, classified",
    [
        ("about ten", "feeling_scared"),
        ("i havent thought about it", "feeling_scared"),
        ("EVERYTHING AS NORMAL", "delete_my_answers"),
        ("No previous history.", "go_back"),
        ("the same as ever", "start_again"),
        # "back" in a body word is no request to go back
        ("it's the pain in my back i want eased", "go_back"),
        # Scots "ma back"; "again" after a task in Nigerian English is "any more"
        ("aye, it's ma back, cannae bend", "go_back"),
        ("the pain no dey gree me do my work again", "start_again"),
        ("the pain no let me go shop again", "start_again"),
    ],
)
def test_a_request_without_its_words_gives_way_to_the_next_intent(nlp, text, classified):
    msg = message(nlp, text, ranked(classified))
    RequestNeedsItsWords.process_message(msg)
    assert msg.get(INTENT) == {"name": "inform", "confidence": pytest.approx(0.08 / 0.10)}
    assert msg.get(INTENT_RANKING_KEY)[0]["name"] == classified  # the ranking stays as DIET gave it


@pytest.mark.parametrize(
    "text, classified",
    [
        ("I'm scared of what they'll find", "feeling_scared"),
        ("honestly I can't cope", "feeling_scared"),
        ("please wipe everything I said", "delete_my_answers"),
        ("can we go back one", "go_back"),
        ("let's start from scratch", "start_again"),
    ],
)
def test_a_request_with_its_words_stays(nlp, text, classified):
    msg = message(nlp, text, ranked(classified))
    RequestNeedsItsWords.process_message(msg)
    assert msg.get(INTENT)["name"] == classified


def test_other_intents_and_button_payloads_are_left_alone(nlp):
    msg = message(nlp, "talk to a person", ranked("talk_to_person"))
    RequestNeedsItsWords.process_message(msg)
    assert msg.get(INTENT)["name"] == "talk_to_person"
    payload = message(nlp, "/feeling_scared", ranked("feeling_scared"))
    RequestNeedsItsWords.process_message(payload)
    assert payload.get(INTENT)["name"] == "feeling_scared"


def test_when_no_other_intent_stands_out_it_is_not_understood(nlp):
    others = [{"name": name, "confidence": 0.002} for name in ("inform", "deny", "affirm", "greet", "thank")]
    msg = message(nlp, "about ten", [{"name": "feeling_scared", "confidence": 0.99}, *others])
    RequestNeedsItsWords.process_message(msg)
    assert msg.get(INTENT) == {"name": "nlu_fallback", "confidence": intent_ranking.FALLBACK_THRESHOLD}


def test_it_runs_after_the_classifiers_it_corrects():
    pipeline = [step["name"] for step in yaml.safe_load(open("config.yml", encoding="utf-8"))["pipeline"]]
    here = pipeline.index("nlp.digressions.RequestNeedsItsWords")
    assert pipeline.index("DIETClassifier") < here and pipeline.index("FallbackClassifier") < here


@pytest.mark.parametrize("text, cued", [
    ("the pain in my lower back", set()),
    ("go back to the pain question", {"go_back"}),
    ("go back, my back answer was wrong", {"go_back"}),
    ("can we start again, I can't walk again after this", {"start_again"}),
])
def test_a_cue_inside_a_body_word_does_not_count(nlp, text, cued):
    assert digressions.cued_intents(nlp(text.lower())) == cued
