"""The guided questions: reading each reply in the context of the open question.

validate_candidacy_form decides which questions apply, reads the reply to the
open question (actions/answers.py) and stores it only when it is a valid value of
the answers schema; otherwise it says so kindly and the question stays open.
"""
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions import answers, language, settings

ANSWER_SLOTS = tuple(answers.READERS)

# Follow-up questions and the earlier answer that makes them apply.
FOLLOW_UPS = {
    "symptom_areas": ("symptoms_affect_daily_life", "yes"),
    "years_to_metastasis": ("earlier_breast_cancer", "yes"),
    "complete_removal_likely": ("surgery_considered", "yes"),
}


def questions_that_apply(form_slots: List[Text], slots: Dict[Text, Any]) -> List[Text]:
    """The form's questions, without follow-ups whose earlier answer rules them out."""
    return [
        slot
        for slot in form_slots
        if slot not in FOLLOW_UPS or slots.get(FOLLOW_UPS[slot][0]) == FOLLOW_UPS[slot][1]
    ]


def confident_intent(message: Dict[Text, Any]) -> Optional[Text]:
    intent = message.get("intent") or {}
    if (intent.get("confidence") or 0.0) >= settings.DIGRESSION_MIN_CONFIDENCE:
        return intent.get("name")
    return None


def button_value(slot: Text, message: Dict[Text, Any]) -> Optional[Any]:
    """The value a tapped button carries, shaped for the slot (areas are a list)."""
    chosen = next(
        (e.get("value") for e in message.get("entities") or [] if e.get("entity") == settings.BUTTON_ENTITY),
        None,
    )
    if chosen is None or slot != "symptom_areas":
        return chosen
    return [chosen]


def read_reply(slot: Text, tracker: Tracker) -> Dict[Text, Any]:
    """{slot: value or None} for a reply to the open question; {} for anything else.

    Warning signs and firm digressions (support, a person, changing an answer...)
    always go to the rules. A soft digression does too, unless the reply gives a
    clear answer and does not read as a question: the classifier is often sure of
    "ask_why" for "pretty small from what I understand".
    """
    if tracker.get_slot(REQUESTED_SLOT) != slot:
        return {}
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    intent_name = (message.get("intent") or {}).get("name")
    intent = confident_intent(message)
    if intent_name == settings.URGENT_INTENT or intent in settings.FIRM_DIGRESSION_INTENTS:
        return {}
    if intent == "change_answer" and language.words(text) & settings.CORRECTION_WORDS:
        return {}
    chosen = button_value(slot, message)
    if chosen is not None:
        return {slot: chosen}
    value = answers.interpret(slot, text, intent_name)
    if intent in settings.SOFT_DIGRESSION_INTENTS and (value is None or language.looks_like_question(text)):
        return {}
    return {slot: value}


def is_valid(slot: Text, value: Any, domain: DomainDict) -> bool:
    """True for values of the answers schema only."""
    if value is None:
        return False
    if slot == "symptom_areas":
        return isinstance(value, list) and (
            value == [answers.UNSURE] or (bool(value) and set(value) <= set(answers.AREA_ORDER))
        )
    if slot == "years_to_metastasis":
        low, high = settings.YEARS_TO_METASTASIS_RANGE
        return value == answers.UNSURE or (
            isinstance(value, (int, float)) and not isinstance(value, bool) and low <= value <= high
        )
    return value in domain["slots"][slot]["values"]


def _extractor(slot: Text):
    def extract(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        return read_reply(slot, tracker)

    extract.__name__ = f"extract_{slot}"
    return extract


def _validator(slot: Text):
    def validate(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        if is_valid(slot, value, domain):
            return {slot: value}
        dispatcher.utter_message(response="utter_did_not_understand")
        return {slot: None}

    validate.__name__ = f"validate_{slot}"
    return validate


class ValidateCandidacyForm(FormValidationAction):
    """extract_<slot> and validate_<slot> exist for every question (added below the class)."""

    def name(self) -> Text:
        return f"validate_{settings.FORM_NAME}"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        return questions_that_apply(domain_slots, tracker.slots)


# One reader per question lives in answers.READERS; the form's methods are the same
# two steps for each, so they are generated instead of written out sixteen times.
for _slot in ANSWER_SLOTS:
    setattr(ValidateCandidacyForm, f"extract_{_slot}", _extractor(_slot))
    setattr(ValidateCandidacyForm, f"validate_{_slot}", _validator(_slot))


class ActionResetAnswers(Action):
    """Forgets every answer so the questions can start again."""

    def name(self) -> Text:
        return "action_reset_answers"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        return [SlotSet(slot, None) for slot in (*ANSWER_SLOTS, "summary_topics", REQUESTED_SLOT)]
