"""action_session_start: the welcome comes first, whatever the first message is."""
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet

from actions.session import ActionSessionStart


def test_new_conversation_starts_with_the_welcome(make_tracker, run_action, sent):
    events, dispatcher = run_action(ActionSessionStart(), make_tracker(text="", intent=None, events=[]))
    assert sent.responses(dispatcher) == ["utter_welcome"]
    assert events[0] == SessionStarted()
    assert events[-1] == ActionExecuted("action_listen")


def test_answers_given_so_far_are_carried_into_a_new_session(make_tracker, run_action):
    tracker = make_tracker(slots={"growth_count": "two", "symptom_areas": ["spine"]}, events=[])
    events, _ = run_action(ActionSessionStart(), tracker)
    assert SlotSet("growth_count", "two") in events
    assert SlotSet("symptom_areas", ["spine"]) in events
    assert not [e for e in events if e.get("event") == "slot" and e.get("value") is None]


def test_nothing_is_carried_over_when_the_domain_says_not_to(make_tracker, run_action, domain):
    domain["session_config"]["carry_over_slots_to_new_session"] = False
    events, _ = run_action(ActionSessionStart(), make_tracker(slots={"growth_count": "two"}, events=[]), domain)
    assert [e for e in events if e.get("event") == "slot"] == []
