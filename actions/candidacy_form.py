"""The guided questions: reading each reply in the context of the open question.

validate_candidacy_form decides which questions apply, reads the reply to the
open question (actions/answers.py) and stores it only when it is a valid value of
the answers schema and the reading is sure; otherwise it says so kindly, or asks
the person to confirm (actions/confirmations.py), and the question stays open.
"""
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions import answers, confirmations, language, settings

ANSWER_SLOTS = answers.ANSWER_SLOTS

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


def stored(slot: Text, reading: answers.Reading, noted: bool = True) -> Dict[Text, Any]:
    """The slot events for a reading: stored when sure, held for a check when not."""
    if reading.value is None:
        return {slot: None, settings.CONFIRM_SLOT: None, settings.NOTED_SLOT: None}
    if not reading.sure:
        return {settings.CONFIRM_SLOT: confirmations.to_confirm(slot, reading), settings.NOTED_SLOT: None}
    return {slot: reading.value, settings.CONFIRM_SLOT: None, settings.NOTED_SLOT: slot if noted else None}


def settle(slot: Text, pending: Dict[Text, Any], intent: Optional[Text], reading: answers.Reading) -> Dict[Text, Any]:
    """The reply to "did I get this right?": yes stores it, no asks again, an answer is read."""
    if intent == "affirm":
        return stored(slot, answers.Reading(pending["best"]), noted=False)
    if intent == "deny" and reading.value in (None, pending["best"]):
        return {settings.CONFIRM_SLOT: None, settings.NOTED_SLOT: None}
    if reading.value is None:
        # not understood: keep the check open and show it again
        return {slot: None}
    if reading.value == pending["best"]:
        # the same answer typed again settles it; saying it back shows what was kept
        return stored(slot, answers.Reading(reading.value))
    return stored(slot, reading)


def correction_of_noted(slot: Text, tracker: Tracker, text: Text) -> Dict[Text, Any]:
    """ "no, three" just after "Noted: two growths" corrects that answer, not the open question."""
    noted = tracker.get_slot(settings.NOTED_SLOT)
    first, _, rest = text.strip().partition(" ")
    if not noted or noted == slot or first.strip(",.!").lower() not in settings.CORRECTION_OPENERS or not rest:
        return {}
    reading = answers.read(noted, rest)
    if reading.value is None or answers.is_unsure(reading.value) or reading.value == tracker.get_slot(noted):
        return {}
    if answers.interpret(slot, rest) is not None:
        return {}  # "no, not really" also answers the open question: it is an answer
    return stored(noted, reading)


def read_reply(slot: Text, tracker: Tracker) -> Dict[Text, Any]:
    """The slot events for a reply to the open question; {} for anything else.

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
    if intent_name == settings.URGENT_INTENT:
        return {}
    if intent in settings.FIRM_DIGRESSION_INTENTS and not sure_answer_instead(slot, text, intent):
        return {}
    if (
        intent == "change_answer"
        and language.words(text) & settings.CORRECTION_WORDS  # cheap: most replies have none
        and answers.correction_words_outside_the_answer(slot, text, settings.CORRECTION_WORDS)
        and not answers.only_about(slot, text)
        # "No... well actually yes, it stops me": the reply corrects itself, not an earlier answer
        and answers.reading_after_self_correction(slot, text) is None
    ):
        # a correction of another answer; "ER negative, triple negative actually" answers this one
        return {}
    chosen = button_value(slot, message)
    if chosen is not None:
        return {slot: chosen, settings.CONFIRM_SLOT: None, settings.NOTED_SLOT: None}
    reading = answers.read(slot, text, intent_name)
    pending = confirmations.pending_for(slot, tracker)
    if pending:
        return settle(slot, pending, intent, reading)
    correction = correction_of_noted(slot, tracker, text)
    if correction:
        return correction
    if intent in settings.SOFT_DIGRESSION_INTENTS and (reading.value is None or language.looks_like_question(text)):
        return {}
    return stored(slot, reading)


def sure_answer_instead(slot: Text, text: Text, intent: Optional[Text]) -> bool:
    """ "Ma is ninety-one, still sharp as a tack" taken for about_assistant: a request with
    no cue words of its own gives way to a sure answer that is not a question."""
    if intent not in settings.REQUESTS_AN_ANSWER_OUTWEIGHS or language.looks_like_question(text):
        return False
    reading = answers.read(slot, text, intent)
    return reading.sure and reading.value is not None and not answers.is_unsure(reading.value)


def _sure_answer(slot: Text, text: Text, tracker: Tracker, domain: DomainDict) -> Optional[answers.Reading]:
    """A sure, valid reading of text for the open question with no check pending; else None."""
    if not text or tracker.get_slot(REQUESTED_SLOT) != slot or confirmations.pending_for(slot, tracker):
        return None
    reading = answers.read(slot, text)
    if not reading.sure or answers.is_unsure(reading.value) or not is_valid(slot, reading.value, domain):
        return None
    return reading


def answer_beside_pause(slot: Text, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
    """A message that pauses the questions and also answers the open one clearly: a warning
    sign ("yes, and since this morning my legs are numb") or a fear ("no pain at all, just
    worried about the scans"). The warning or the support comes first (the rules send it),
    and a sure reading is kept as well, so the person need not type it again. Anything
    less than sure is left for when the questions go on."""
    reading = _sure_answer(slot, (tracker.latest_message or {}).get("text") or "", tracker, domain)
    if reading is None:
        return {}
    # not remembered as "noted": the pause stops the questions, and "go on" would say it again
    return {slot: reading.value, settings.CONFIRM_SLOT: None, settings.NOTED_SLOT: None}


def answer_before_a_question(slot: Text, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
    """ "Yes small, but why does size matter?": the question goes to the explanation, and a
    sure answer typed before it is stored too (said back, and correctable with "no, ...").
    Only what comes before the question is read: "why does it matter if they're small?"
    holds no answer. Anything less than sure is left for the question, asked again."""
    before = language.answer_before_the_question((tracker.latest_message or {}).get("text") or "")
    reading = _sure_answer(slot, before, tracker, domain)
    return stored(slot, reading) if reading is not None else {}


def _keep_and_say_back(answer_for, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
    """The open question's answer found by answer_for (slot, tracker, domain), when the
    questions are on: said back, and returned as slot events."""
    question = tracker.get_slot(REQUESTED_SLOT)
    if tracker.active_loop_name != settings.FORM_NAME or question not in ANSWER_SLOTS:
        return []
    kept = answer_for(question, tracker, domain)
    if question in kept:
        confirmations.say_noted(question, kept[question], dispatcher)
    return [SlotSet(slot, value) for slot, value in kept.items()]


def keep_answer_before_a_question(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
    """Stores the open question's sure answer typed before a question about it, and says it back."""
    return _keep_and_say_back(answer_before_a_question, dispatcher, tracker, domain)


def keep_answer_beside_pause(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
    """Stores the open question's sure answer typed with a warning or a fear, and says it back."""
    return _keep_and_say_back(answer_beside_pause, dispatcher, tracker, domain)


def pauses_and_keeps_the_answer(message: Dict[Text, Any]) -> bool:
    """A warning sign, or a fear the classifier is sure of: the rules pause the questions,
    and the action that answers it keeps a clear answer typed in the same message."""
    intent = (message.get("intent") or {}).get("name")
    return intent == settings.URGENT_INTENT or confident_intent(message) in settings.PAUSES_THAT_KEEP_AN_ANSWER


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


def names_a_symptom(tracker: Tracker) -> bool:
    """A reply not understood that names a symptom or a body part gets the urgent line too."""
    message = tracker.latest_message or {}
    if any(e.get("entity") == settings.BUTTON_ENTITY for e in message.get("entities") or []):
        return False  # a tapped button, not typed words
    spans = language.spans(language.parse(message.get("text") or ""), settings.SYMPTOM_LABELS)
    return any(s.label_ != "RED_FLAG_PART" or s.id_ not in settings.QUALIFIER_PART_IDS for s in spans)


def _extractor(slot: Text):
    def extract(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        return read_reply(slot, tracker)

    extract.__name__ = f"extract_{slot}"
    return extract


def _validator(slot: Text):
    def validate(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        if is_valid(slot, value, domain):
            if tracker.get_slot(settings.NOTED_SLOT) == slot:
                confirmations.say_noted(slot, value, dispatcher)
            return {slot: value}
        dispatcher.utter_message(response="utter_did_not_understand")
        if names_a_symptom(tracker):
            dispatcher.utter_message(response="utter_if_new_or_worse")
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

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        # rasa_sdk keeps only the form's questions; the check and the said-back
        # question are set by the extraction too and must reach the tracker.
        events = await super().get_validation_events(dispatcher, tracker, domain)
        extracted = tracker.slots_to_validate()
        kept = (settings.CONFIRM_SLOT, settings.NOTED_SLOT)
        return events + [SlotSet(slot, extracted[slot]) for slot in kept if slot in extracted]


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
        cleared = (*ANSWER_SLOTS, "summary_topics", settings.CONFIRM_SLOT, settings.NOTED_SLOT, REQUESTED_SLOT)
        return [SlotSet(slot, None) for slot in cleared]
