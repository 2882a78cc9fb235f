"""actions/privacy.py: "delete my answers" says so and asks the tracker store to forget."""
from rasa_sdk.events import SlotSet

from actions.privacy import ActionDeleteAnswers


def test_deleting_says_so_and_asks_the_store_to_forget_the_conversation(make_tracker, run_action, sent, domain):
    tracker = make_tracker(text="yes", intent="affirm", slots={"growth_count": "two"}, requested_slot=None)
    events, dispatcher = run_action(ActionDeleteAnswers(), tracker)
    assert sent.responses(dispatcher) == ["utter_answers_deleted"]
    assert events == [SlotSet("forget_conversation", True)]
    assert "forget_conversation" in domain["slots"] and "utter_answers_deleted" in domain["responses"]
