"""Changing an earlier answer at any time, and going back one question.

Both decide what comes next through the `repair_next_step` slot, which the rules
branch on: ask the questions that are still open, give the summary again, or ask
which answer to change.
"""
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions import answers, language, settings
from actions.candidacy_form import FOLLOW_UPS, is_valid, questions_that_apply
from actions.read_back import QUESTION_ENTITY
from actions.summary import fill, load_content, told_me_line

NEXT_STEP = "repair_next_step"
ASK_QUESTIONS, GIVE_SUMMARY, ASK_WHICH = "ask_questions", "give_summary", "ask_which"



def form_questions(domain: DomainDict) -> List[Text]:
    return list(domain["forms"][settings.FORM_NAME]["required_slots"])


def without_topic_words(doc) -> Text:
    """The text with the words that only name a question removed ("my age", "the surgery one")."""
    named = {i for s in language.spans(doc, [answers.TOPIC_LABEL]) for i in range(s.start, s.end)}
    return " ".join(t.text for t in doc if t.i not in named)


def read_change(text: Text, domain: DomainDict) -> Tuple[Optional[Text], Any]:
    """(question, new value) from "actually I'm 64"; (question, None) from "change my surgery answer"."""
    doc = language.parse(text)
    candidates = answers.questions_named(doc) or answers.questions_mentioned(doc)
    value_doc = language.parse(without_topic_words(doc))
    readings = {}
    for question in candidates:
        reading = answers.as_reading(answers.READERS[question](value_doc, None))
        # a reading that is not sure is asked again rather than changed silently
        if reading.sure and is_valid(question, reading.value, domain):
            readings[question] = reading.value
    if len(readings) == 1:
        return next(iter(readings.items()))
    if len(candidates) == 1:
        return candidates[0], None
    return None, None


def follow_ups_to_clear(slots: Dict[Text, Any]) -> List[EventType]:
    """Follow-up answers whose earlier answer no longer makes them apply."""
    return [
        SlotSet(follow_up, None)
        for follow_up, (gate, needed) in FOLLOW_UPS.items()
        if slots.get(follow_up) is not None and slots.get(gate) != needed
    ]


def next_step(slots: Dict[Text, Any], domain: DomainDict) -> Text:
    applicable = questions_that_apply(form_questions(domain), slots)
    return ASK_QUESTIONS if any(slots.get(q) is None for q in applicable) else GIVE_SUMMARY


def named_by_button(message: Dict[Text, Any], domain: DomainDict) -> Optional[Text]:
    """The question a read-back button names (/change_answer{"question": "growth_count"}), if it is one."""
    for entity in message.get("entities") or []:
        if entity.get("entity") == QUESTION_ENTITY and entity.get("value") in form_questions(domain):
            return entity["value"]
    return None


class ActionChangeAnswer(Action):
    def name(self) -> Text:
        return "action_change_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        named = named_by_button(tracker.latest_message or {}, domain)
        question, value = (named, None) if named else read_change(tracker.latest_message.get("text") or "", domain)
        if question is None:
            dispatcher.utter_message(response="utter_ask_which_answer")
            return [SlotSet(NEXT_STEP, ASK_WHICH)]
        slots = {**tracker.slots, question: value}
        cleared = follow_ups_to_clear(slots)
        slots.update({event["name"]: None for event in cleared})
        events: List[EventType] = [SlotSet(question, value), *cleared]
        if value is not None:
            content = load_content()
            line = fill(told_me_line(question, value, content["told_me"][question]), slots, content)
            dispatcher.utter_message(response="utter_answer_changed", answer_line=line)
        return [*events, SlotSet(REQUESTED_SLOT, None), SlotSet(NEXT_STEP, next_step(slots, domain))]


class ActionGoBack(Action):
    def name(self) -> Text:
        return "action_go_back"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        applicable = questions_that_apply(form_questions(domain), tracker.slots)
        open_question = tracker.get_slot(REQUESTED_SLOT) if tracker.active_loop_name == settings.FORM_NAME else None
        before = applicable[: applicable.index(open_question)] if open_question in applicable else applicable
        answered = [q for q in before if tracker.get_slot(q) is not None]
        if not answered:
            dispatcher.utter_message(response="utter_nothing_to_go_back_to")
            return [SlotSet(NEXT_STEP, ASK_QUESTIONS)]
        return [SlotSet(answered[-1], None), SlotSet(REQUESTED_SLOT, None), SlotSet(NEXT_STEP, ASK_QUESTIONS)]
