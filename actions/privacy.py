"""Deleting a person's conversation when they ask ("delete my answers").

The action only asks: it sets forget_conversation, and the tracker store
(assistant_server/tracker_store.py) deletes every stored event of the conversation
when Rasa saves it at the end of this turn. The action server has no database access.
"""
from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

FORGET_SLOT = "forget_conversation"
DELETED = "utter_answers_deleted"


class ActionDeleteAnswers(Action):
    def name(self) -> Text:
        return "action_delete_answers"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response=DELETED)
        return [SlotSet(FORGET_SLOT, True)]
