"""Checks of the words the assistant says: reading level, required parts, no verdicts.

Run by `make check-content` (and so by `make test`). Everything read here is the
real content: domain.yml responses, the responses of retrieval intents kept in the
training data (`responses:` in data/**/*.yml) and content/summary.yml.
"""
import datetime
import re
from pathlib import Path

import pytest
import textstat
import yaml

from actions import answers
from actions.summary import A_NUMBER

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
SUMMARY = yaml.safe_load((ROOT / "content" / "summary.yml").read_text())
ALLOWED_TERMS = yaml.safe_load((ROOT / "content" / "readability_allowlist.yml").read_text())
FORM_SLOTS = DOMAIN["forms"]["candidacy_form"]["required_slots"]

MAX_GRADE = 8.0
MAX_SENTENCE_WORDS = 25
BANNED = [
    r"\byou are (not )?a candidate\b",
    r"\byou're (not )?a candidate\b",
    r"\byou should\b",
    r"\bwe recommend\b",
    r"\bi recommend\b",
    r"\bcure[sd]?\b",
    r"\bguarantee",
]
DEPLOYMENT_GENERIC = yaml.safe_load((ROOT / "deployment.yml").read_text())["generic"]
SAMPLE_FILL = {
    "areas": "your spine and your liver",
    "years": "6",
    "answer_line": "You are younger than 65.",
    **DEPLOYMENT_GENERIC,
}


def response_texts():
    for name, variations in DOMAIN["responses"].items():
        for variation in variations:
            yield f"domain.yml responses.{name}", variation["text"]


def training_data_response_texts():
    """Responses kept next to their training data (retrieval intents: glossary, ...)."""
    for path in sorted((ROOT / "data").rglob("*.yml")):
        content = yaml.safe_load(path.read_text()) or {}
        if not isinstance(content, dict):
            continue
        for name, variations in (content.get("responses") or {}).items():
            for variation in variations:
                yield f"{path.relative_to(ROOT).as_posix()} responses.{name}", variation["text"]


def summary_texts():
    for key, text in SUMMARY["text"].items():
        if key not in {"bullet", "list_separator", "list_last_separator"}:
            yield f"content/summary.yml text.{key}", text
    for slot, phrases in SUMMARY["told_me"].items():
        for value, text in phrases.items():
            yield f"content/summary.yml told_me.{slot}.{value}", text
    for section in ("topics", "specialists", "balance"):
        for item in SUMMARY[section]:
            yield f"content/summary.yml {section}.{item['id']}", item["text"]


DATA_RESPONSE_TEXTS = list(training_data_response_texts())
ALL_TEXTS = list(response_texts()) + DATA_RESPONSE_TEXTS + list(summary_texts())


def plain(text: str) -> str:
    """The text as a reader meets it: placeholders filled, allow-listed terms as one short word."""
    text = text.format(**SAMPLE_FILL)
    for term in ALLOWED_TERMS:
        text = re.sub(rf"\b{term}\b", "word", text, flags=re.IGNORECASE)
    return text


@pytest.mark.parametrize("where,text", ALL_TEXTS, ids=[w for w, _ in ALL_TEXTS])
def test_reads_at_grade_8_or_lower(where, text):
    grade = textstat.flesch_kincaid_grade(plain(text))
    assert grade <= MAX_GRADE, f"{where} reads at grade {grade}: use shorter words and sentences"


@pytest.mark.parametrize("where,text", ALL_TEXTS, ids=[w for w, _ in ALL_TEXTS])
def test_sentences_are_short(where, text):
    for sentence in re.split(r"(?<=[.?!])\s+", plain(text)):
        words = len(sentence.split())
        assert words <= MAX_SENTENCE_WORDS, f"{where}: a sentence of {words} words: {sentence!r}"


@pytest.mark.parametrize("where,text", ALL_TEXTS, ids=[w for w, _ in ALL_TEXTS])
def test_no_verdicts_advice_or_promises(where, text):
    for pattern in BANNED:
        assert not re.search(pattern, text, re.IGNORECASE), f"{where} says {pattern!r}"


def test_allow_list_is_short_and_every_term_has_a_reason():
    assert len(ALLOWED_TERMS) <= 12
    for term, reason in ALLOWED_TERMS.items():
        assert isinstance(reason, str) and len(reason.split()) >= 4, term


def test_allow_list_does_not_hide_a_hard_text():
    """The check is real: a hard sentence fails even after the allow-list."""
    hard = "Consideration of multidisciplinary locoregional interventions necessitates comprehensive evaluation."
    assert textstat.flesch_kincaid_grade(plain(hard)) > MAX_GRADE


def test_welcome_says_what_the_assistant_is_and_is_not():
    welcome = DOMAIN["responses"]["utter_welcome"][0]["text"]
    assert "do not give medical advice" in welcome
    assert "Only your team can decide" in welcome


def retrieval_intents_in_training_data():
    """Full names of the retrieval intents (glossary/ned, ...) in data/**/*.yml."""
    names = set()
    for path in sorted((ROOT / "data").rglob("*.yml")):
        content = yaml.safe_load(path.read_text()) or {}
        if isinstance(content, dict):
            for item in content.get("nlu") or []:
                if "/" in str(item.get("intent", "")):
                    names.add(item["intent"])
    return names


def test_every_retrieval_intent_has_its_response_in_the_checked_texts():
    """So the checks above really cover the glossary, about and verdict answers."""
    intents = retrieval_intents_in_training_data()
    checked = {where.split(" responses.", 1)[1] for where, _ in DATA_RESPONSE_TEXTS}
    assert {"glossary/oligometastatic", "about_assistant/my_answers", "ask_verdict/cure"} <= intents
    for intent in intents:
        assert f"utter_{intent}" in checked, f"{intent} has no response utter_{intent} under responses:"


def test_about_the_content_gives_its_review_date():
    reviewed = datetime.date.fromisoformat(SUMMARY["reviewed"])
    texts = {where.split(" responses.", 1)[1]: text for where, text in DATA_RESPONSE_TEXTS}
    answer = " ".join(texts["utter_about_assistant/who_wrote_it"].split())
    assert f"{reviewed.day} {reviewed:%B %Y}" in answer, "update the review date in utter_about_assistant/who_wrote_it"


def test_summary_ends_with_shared_decision():
    assert "decide together" in SUMMARY["text"]["closing"]
    assert any("treat pain" in item["text"] for item in SUMMARY["balance"])


def test_form_questions_match_the_answers_schema_readers():
    assert FORM_SLOTS == list(answers.READERS)


@pytest.mark.parametrize("slot", FORM_SLOTS)
def test_every_question_has_its_explanation_and_a_not_sure_choice(slot):
    responses = DOMAIN["responses"]
    assert f"utter_why_{slot}" in responses, f"add utter_why_{slot} to domain.yml"
    buttons = responses[f"utter_ask_{slot}"][0].get("buttons", [])
    assert '/inform{"answer": "unsure"}' in [b["payload"] for b in buttons], f"utter_ask_{slot} needs a not-sure button"


def schema_values(slot):
    if slot == "symptom_areas":
        return [*answers.AREA_ORDER, answers.UNSURE]
    if slot == "years_to_metastasis":
        return [answers.UNSURE]
    return [str(v) for v in DOMAIN["slots"][slot]["values"]]


@pytest.mark.parametrize("slot", FORM_SLOTS)
def test_answer_buttons_carry_schema_values(slot):
    for button in DOMAIN["responses"][f"utter_ask_{slot}"][0].get("buttons", []):
        value = re.fullmatch(r'/inform\{"answer": "(\w+)"\}', button["payload"]).group(1)
        assert value in schema_values(slot), f"utter_ask_{slot} button {button['title']!r} carries {value!r}"


@pytest.mark.parametrize("slot", FORM_SLOTS)
def test_every_answer_has_a_plain_words_line(slot):
    phrases = SUMMARY["told_me"][slot]
    if slot == "symptom_areas":
        assert {"listed", "unsure"} <= set(phrases)
        assert set(SUMMARY["area_names"]) == set(answers.AREA_ORDER)
    elif slot == "years_to_metastasis":
        assert {A_NUMBER, "unsure"} <= set(phrases)
    else:
        assert set(schema_values(slot)) == set(phrases)


def test_summary_conditions_name_known_slots_and_values():
    for section in ("topics", "specialists"):
        for item in SUMMARY[section]:
            for key in ("when", "when_any"):
                for slot, values in (item.get(key) or {}).items():
                    assert slot in FORM_SLOTS, f"{section}.{item['id']}: unknown slot {slot}"
                    allowed = schema_values(slot) + ([A_NUMBER] if slot == "years_to_metastasis" else [])
                    for value in values:
                        assert value in allowed, f"{section}.{item['id']}: {slot} has no value {value!r}"


def test_summary_items_cite_known_sources():
    for section in ("topics", "specialists", "balance"):
        for item in SUMMARY[section]:
            assert item.get("sources"), f"{section}.{item['id']} has no source"
            for source in item["sources"]:
                assert source in SUMMARY["sources"], f"{section}.{item['id']}: unknown source {source}"
