"""Changing an answer and going back: actions/repair.py, called directly."""
import pytest
from rasa_sdk.events import SlotSet

from actions.repair import ASK_QUESTIONS, ASK_WHICH, GIVE_SUMMARY, NEXT_STEP, ActionChangeAnswer, ActionGoBack, read_change

ALL_ANSWERED = {
    "symptoms_affect_daily_life": "yes",
    "symptom_areas": ["spine"],
    "spread_extent": "one_area",
    "growth_count": "two",
    "growth_size": "small",
    "treatment_response": "stable",
    "hormone_receptor_status": "er_positive",
    "tumor_grade": "intermediate",
    "earlier_breast_cancer": "yes",
    "years_to_metastasis": 6.0,
    "daily_activity": "light_activity",
    "age_65_or_older": "yes",
    "other_health_conditions": "no",
    "surgery_considered": "yes",
    "complete_removal_likely": "yes",
    "main_goal": "both",
}


def slot_events(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.mark.parametrize("text, question, value", [
    ("actually I'm 64", "age_65_or_older", "no"),
    ("sorry, I'm actually 70", "age_65_or_older", "yes"),
    ("I got that wrong, it's ER negative", "hormone_receptor_status", "er_negative"),
    ("I made a mistake, it's triple negative", "hormone_receptor_status", "er_negative"),
    ("sorry, the grade is 3", "tumor_grade", "high"),
    ("actually they did talk about surgery", "surgery_considered", "yes"),
    ("actually it's been 8 years", "years_to_metastasis", 8.0),
    ("my age is actually 58", "age_65_or_older", "no"),
    ("change my answer about surgery", "surgery_considered", None),
    ("I want to change my age", "age_65_or_older", None),
    ("change the grade", "tumor_grade", None),
])
def test_reads_which_answer_to_change_and_the_new_value(text, question, value, domain):
    assert read_change(text, domain) == (question, value)


@pytest.mark.parametrize("text", ["can I change an answer", "I answered something wrong", "that was wrong"])
def test_no_question_named_means_ask_which(text, domain):
    assert read_change(text, domain) == (None, None)


def test_changed_answer_after_the_summary_gives_the_summary_again(make_tracker, run_action, sent):
    tracker = make_tracker(text="actually I'm 64", intent="change_answer", slots=ALL_ANSWERED)
    events, dispatcher = run_action(ActionChangeAnswer(), tracker)
    changed = slot_events(events)
    assert changed["age_65_or_older"] == "no"
    assert changed[NEXT_STEP] == GIVE_SUMMARY
    assert sent.responses(dispatcher) == ["utter_answer_changed"]
    assert dispatcher.messages[0]["answer_line"] == "You are younger than 65."


def test_a_follow_up_that_no_longer_applies_is_cleared(make_tracker, run_action):
    tracker = make_tracker(text="actually no one talked about surgery", intent="change_answer", slots=ALL_ANSWERED)
    events, _ = run_action(ActionChangeAnswer(), tracker)
    changed = slot_events(events)
    assert changed["surgery_considered"] == "no"
    assert changed["complete_removal_likely"] is None
    assert changed[NEXT_STEP] == GIVE_SUMMARY


def test_a_follow_up_that_now_applies_is_asked(make_tracker, run_action):
    answers = {**ALL_ANSWERED, "surgery_considered": "no", "complete_removal_likely": None}
    tracker = make_tracker(text="actually they did talk about surgery", intent="change_answer", slots=answers)
    events, _ = run_action(ActionChangeAnswer(), tracker)
    changed = slot_events(events)
    assert changed["surgery_considered"] == "yes"
    assert changed[NEXT_STEP] == ASK_QUESTIONS


def test_naming_a_question_without_a_new_value_clears_it_so_it_is_asked_again(make_tracker, run_action, sent):
    tracker = make_tracker(text="change my answer about surgery", intent="change_answer", slots=ALL_ANSWERED)
    events, dispatcher = run_action(ActionChangeAnswer(), tracker)
    changed = slot_events(events)
    assert changed["surgery_considered"] is None
    assert changed[NEXT_STEP] == ASK_QUESTIONS
    assert sent.responses(dispatcher) == []


def test_a_change_mid_questions_keeps_the_open_question_open(make_tracker, run_action):
    answered = {k: v for k, v in ALL_ANSWERED.items() if k in ("symptoms_affect_daily_life", "symptom_areas", "spread_extent")}
    tracker = make_tracker(
        text="sorry, it's in several areas", intent="change_answer", slots=answered, requested_slot="growth_count"
    )
    events, _ = run_action(ActionChangeAnswer(), tracker)
    changed = slot_events(events)
    assert changed["spread_extent"] == "several_areas"
    assert changed[NEXT_STEP] == ASK_QUESTIONS
    assert "growth_count" not in changed


def test_unclear_change_asks_which_answer_and_changes_nothing(make_tracker, run_action, sent):
    tracker = make_tracker(text="can I change an answer", intent="change_answer", slots=ALL_ANSWERED)
    events, dispatcher = run_action(ActionChangeAnswer(), tracker)
    assert events == [SlotSet(NEXT_STEP, ASK_WHICH)]
    assert sent.responses(dispatcher) == ["utter_ask_which_answer"]


def test_go_back_clears_the_question_before_the_open_one(make_tracker, run_action):
    answered = {"symptoms_affect_daily_life": "no", "spread_extent": "one_area"}
    tracker = make_tracker(text="go back", intent="go_back", slots=answered, requested_slot="growth_count")
    events, _ = run_action(ActionGoBack(), tracker)
    changed = slot_events(events)
    assert changed["spread_extent"] is None
    assert changed[NEXT_STEP] == ASK_QUESTIONS
    assert "symptoms_affect_daily_life" not in changed


def test_go_back_skips_questions_that_did_not_apply(make_tracker, run_action):
    answered = {"symptoms_affect_daily_life": "no"}
    tracker = make_tracker(text="go back", intent="go_back", slots=answered, requested_slot="spread_extent")
    events, _ = run_action(ActionGoBack(), tracker)
    assert slot_events(events)["symptoms_affect_daily_life"] is None


def test_go_back_after_the_summary_reopens_the_last_question(make_tracker, run_action):
    tracker = make_tracker(text="go back", intent="go_back", slots=ALL_ANSWERED, form_active=False)
    events, _ = run_action(ActionGoBack(), tracker)
    assert slot_events(events)["main_goal"] is None


def test_go_back_at_the_first_question_says_so(make_tracker, run_action, sent):
    tracker = make_tracker(text="go back", intent="go_back", requested_slot="symptoms_affect_daily_life")
    events, dispatcher = run_action(ActionGoBack(), tracker)
    assert sent.responses(dispatcher) == ["utter_nothing_to_go_back_to"]
    assert slot_events(events) == {NEXT_STEP: ASK_QUESTIONS}
