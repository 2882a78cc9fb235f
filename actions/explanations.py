"""Answers "why are you asking?" / "what does that mean?" for the open question."""
from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions import candidacy_form, settings

GENERAL_EXPLANATION = "utter_why_general"


def explanation_for(tracker: Tracker, domain: DomainDict) -> Text:
    """utter_why_<open question>, or the general explanation outside the questions."""
    if tracker.active_loop_name != settings.FORM_NAME:
        return GENERAL_EXPLANATION
    response = f"utter_why_{tracker.get_slot(REQUESTED_SLOT)}"
    return response if response in domain.get("responses", {}) else GENERAL_EXPLANATION


class ActionExplainQuestion(Action):
    def name(self) -> Text:
        return "action_explain_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response=explanation_for(tracker, domain))
        # "Yes small, but why does size matter?": the answer before the question is kept
        return candidacy_form.keep_answer_before_a_question(dispatcher, tracker, domain)
