"""action_urgent_warning: the warning for an urgent sign, whatever else is going on.

nlp.red_flags.RedFlagDetector marks the message as urgent_symptom and puts the kind of
sign in a `red_flag` entity. This action says utter_urgent_<kind> (utter_urgent_general
when the kind is missing or has no response in the domain), then utter_urgent_resume.
Every answer given so far is kept, and the rules pause the questions
(data/rules/safety.yml). When the message also answers the open question clearly, that
answer is kept too and said back after the warning (candidacy_form.answer_beside_pause).
No wording lives here; it is all in domain.yml.
"""
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import candidacy_form

RED_FLAG_ENTITY = "red_flag"
WARNING_PREFIX = "utter_urgent_"
GENERAL_WARNING = "utter_urgent_general"
RESUME = "utter_urgent_resume"


def red_flag_kind(message: Dict[Text, Any]) -> Optional[Text]:
    """The kind the detector found in this message, or None."""
    for entity in message.get("entities") or []:
        if entity.get("entity") == RED_FLAG_ENTITY and entity.get("value"):
            return str(entity["value"])
    return None


def warning_for(kind: Optional[Text], domain: DomainDict) -> Text:
    """utter_urgent_<kind> when the domain has it (and it is a warning), else the general one."""
    responses = domain.get("responses") or {}
    if kind and kind != "resume":
        name = f"{WARNING_PREFIX}{kind}"
        if name in responses:
            return name
    return GENERAL_WARNING


class ActionUrgentWarning(Action):
    def name(self) -> Text:
        return "action_urgent_warning"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        kind = red_flag_kind(tracker.latest_message or {})
        dispatcher.utter_message(response=warning_for(kind, domain))
        events = candidacy_form.keep_answer_beside_pause(dispatcher, tracker, domain)
        dispatcher.utter_message(response=RESUME)
        return events
