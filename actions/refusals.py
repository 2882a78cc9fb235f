"""After the assistant says only the team can give a verdict: an answer to the open
question typed before the verdict question is kept ("No, nobody's brought it up, should
I be pushing for it?"). The refusal itself is utter_ask_verdict, picked by the
ResponseSelector (data/nlu/refusals.yml)."""
from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import candidacy_form


class ActionKeepAnswerBeforeVerdictQuestion(Action):
    def name(self) -> Text:
        return "action_keep_answer_before_verdict_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        return candidacy_form.keep_answer_before_a_question(dispatcher, tracker, domain)
