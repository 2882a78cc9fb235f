"""action_read_back: the answers as a short list before the summary, each one changeable.

The list is the summary's "What you told me" lines; each answer gets a button named by
its question (content/summary.yml `question_names`) whose payload names the question
for action_change_answer. By SMS the channel numbers the buttons. "All right" (a tap or
typed "yes", "looks good") goes on to the summary (data/rules/read_back.yml).
"""
from typing import Any, Dict, List, Mapping, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import settings
from actions.summary import fill, load_content, told_me_line

QUESTION_ENTITY = "question"


def answered_questions(answers: Mapping[Text, Any], form_slots: List[Text]) -> List[Text]:
    return [slot for slot in form_slots if answers.get(slot) is not None]


def answer_lines(answers: Mapping[Text, Any], questions: List[Text], content: Mapping[Text, Any]) -> Text:
    return "\n".join(fill(told_me_line(q, answers[q], content["told_me"][q]), answers, content) for q in questions)


def change_payload(question: Text) -> Text:
    return f'/change_answer{{"{QUESTION_ENTITY}": "{question}"}}'


def change_buttons(questions: List[Text], content: Mapping[Text, Any]) -> List[Dict[Text, Text]]:
    return [{"title": content["question_names"][q], "payload": change_payload(q)} for q in questions]


class ActionReadBack(Action):
    def name(self) -> Text:
        return "action_read_back"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        content = load_content()
        form_slots = list(domain["forms"][settings.FORM_NAME]["required_slots"])
        questions = answered_questions(tracker.slots, form_slots)
        dispatcher.utter_message(
            response="utter_read_back",
            answer_lines=answer_lines(tracker.slots, questions, content),
            buttons=change_buttons(questions, content),
        )
        return []
