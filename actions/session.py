"""The start of a conversation: whatever the first message is, the welcome comes first.

The welcome says what the assistant is and is not, so nobody reaches the questions
without it (people often open with a question, not a greeting).
"""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

WELCOME = "utter_welcome"


def carried_over_slots(tracker: Tracker, domain: DomainDict) -> List[EventType]:
    """The slots Rasa's default session start keeps, when the domain asks to keep them."""
    session_config: Dict[Text, Any] = domain.get("session_config") or {}
    if not session_config.get("carry_over_slots_to_new_session", True):
        return []
    return [
        SlotSet(name, value)
        for name, value in tracker.slots.items()
        if value is not None and name != "session_started_metadata"
    ]


class ActionSessionStart(Action):
    def name(self) -> Text:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response=WELCOME)
        return [SessionStarted(), *carried_over_slots(tracker, domain), ActionExecuted("action_listen")]
