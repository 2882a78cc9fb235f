"""Asking before storing a reading that is not sure, and saying back what was stored.

A reply the form could not read with confidence (actions/answers.py Reading.sure is
False) is held in the `answer_to_confirm` slot, and nothing is stored. The open
question is then asked as a check instead: the best reading in words, a button to
say it is right, then the other readings, then the question's other choices.
A free-text answer that was stored is said back in a few words ("Noted: ..."), so a
wrong reading is visible at once; `answer_noted` remembers which question that was,
so "no, three" on the next turn corrects it.

No wording lives here: the phrases are the summary's "What you told me" lines
(content/summary.yml) and the responses utter_confirm_answer, utter_confirm_number
and utter_noted in domain.yml.
"""
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import answers, settings, summary



def pending_for(slot: Text, tracker: Tracker) -> Optional[Dict[Text, Any]]:
    """The reading waiting to be confirmed for this question, if any."""
    pending = tracker.get_slot(settings.CONFIRM_SLOT)
    if isinstance(pending, dict) and pending.get("question") == slot:
        return pending
    return None


def to_confirm(slot: Text, reading: answers.Reading) -> Dict[Text, Any]:
    return {"question": slot, "best": reading.value, "others": list(reading.others)}


def in_words(slot: Text, value: Any) -> Text:
    """The summary's "What you told me" line for one answer."""
    content = summary.load_content()
    line = summary.told_me_line(slot, value, content["told_me"][slot])
    return summary.fill(line, {slot: value}, content)


def lower_first(sentence: Text) -> Text:
    # "Noted: your doctors found...", but "ER" and "I" keep their capitals
    if len(sentence) > 1 and sentence[1].isupper():
        return sentence
    return sentence[:1].lower() + sentence[1:]


def question_variation(slot: Text, domain: DomainDict, channel: Optional[Text]) -> Dict[Text, Any]:
    """The question's response for this channel, else its default."""
    variations = (domain.get("responses") or {}).get(f"utter_ask_{slot}") or [{}]
    for variation in variations:
        if channel and variation.get("channel") == channel:
            return variation
    return next((v for v in variations if not v.get("channel")), variations[0])


def unescaped(payload: Text) -> Text:
    # domain.yml doubles the braces of a payload so response templating leaves them
    return payload.replace("{{", "{").replace("}}", "}")


def button_choice(button: Dict[Text, Any]) -> Text:
    return unescaped(button.get("payload") or "")


def choice_payload(value: Any) -> Text:
    return f'/inform{{"{settings.BUTTON_ENTITY}": "{value}"}}'


def choices_after_best(slot: Text, pending: Dict[Text, Any], question: Dict[Text, Any]) -> List[Dict[Text, Any]]:
    """The question's buttons without the best reading: the other readings first."""
    buttons = [dict(b, payload=button_choice(b)) for b in question.get("buttons") or []]
    best = pending["best"]
    best_payloads = {choice_payload(v) for v in (best if isinstance(best, list) else [best])}
    others = [choice_payload(v) for v in pending.get("others") or [] if not isinstance(v, list)]
    rest = [b for b in buttons if b["payload"] not in best_payloads]
    return sorted(rest, key=lambda b: others.index(b["payload"]) if b["payload"] in others else len(others))


def ask_to_confirm(slot: Text, pending: Dict[Text, Any], dispatcher: CollectingDispatcher, domain: DomainDict, channel: Optional[Text]) -> None:
    question = question_variation(slot, domain, channel)
    reading = in_words(slot, pending["best"])
    if not question.get("buttons"):
        # a question answered with a number by text: numbered choices would make "2" a choice
        dispatcher.utter_message(response="utter_confirm_number", reading=reading)
        return
    dispatcher.utter_message(
        response="utter_confirm_answer", reading=reading, buttons=choices_after_best(slot, pending, question)
    )


def say_noted(slot: Text, value: Any, dispatcher: CollectingDispatcher) -> None:
    dispatcher.utter_message(response="utter_noted", reading=lower_first(in_words(slot, value)))


class AskQuestion(Action):
    """action_ask_<slot>: the question, or the check of a reading waiting to be confirmed."""

    slot: Text = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        pending = pending_for(self.slot, tracker)
        if pending is None:
            dispatcher.utter_message(response=f"utter_ask_{self.slot}")
        else:
            ask_to_confirm(self.slot, pending, dispatcher, domain, tracker.get_latest_input_channel())
        return []


# One ask action per question, generated like the form's validators. Kept in a dict:
# rasa_sdk finds actions through Action.__subclasses__(), which holds them weakly.
ASK_ACTIONS = {slot: type(f"AskQuestion_{slot}", (AskQuestion,), {"slot": slot}) for slot in answers.ANSWER_SLOTS}
