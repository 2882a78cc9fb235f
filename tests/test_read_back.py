"""action_read_back: the answers as a short list before the summary, each with a button to change it."""
import pytest

from actions import answers
from actions.read_back import ActionReadBack, change_payload
from actions.repair import ASK_QUESTIONS, NEXT_STEP, ActionChangeAnswer
from actions.summary import load_content

from test_repair import ALL_ANSWERED, slot_events

SOME_ANSWERED = {"symptoms_affect_daily_life": "no", "spread_extent": "one_area", "growth_count": "two"}


def test_every_question_has_a_name_for_its_button():
    assert set(load_content()["question_names"]) == set(answers.ANSWER_SLOTS)


def test_the_answers_are_listed_in_the_order_asked_with_a_button_for_each(make_tracker, run_action, sent):
    tracker = make_tracker(text="both", slots=SOME_ANSWERED)

    events, dispatcher = run_action(ActionReadBack(), tracker)

    assert events == []
    assert sent.responses(dispatcher) == ["utter_read_back"]
    message = dispatcher.messages[0]
    content = load_content()
    lines = message["answer_lines"].split("\n")
    assert lines == [
        content["told_me"]["symptoms_affect_daily_life"]["no"],
        content["told_me"]["spread_extent"]["one_area"],
        content["told_me"]["growth_count"]["two"],
    ]
    assert [b["title"] for b in message["buttons"]] == [
        content["question_names"][q] for q in ("symptoms_affect_daily_life", "spread_extent", "growth_count")
    ]
    assert message["buttons"][2]["payload"] == '/change_answer{"question": "growth_count"}'


def test_a_list_answer_and_a_number_of_years_are_said_in_words(make_tracker, run_action):
    tracker = make_tracker(slots=ALL_ANSWERED)
    _, dispatcher = run_action(ActionReadBack(), tracker)
    lines = dispatcher.messages[0]["answer_lines"]
    assert "your spine" in lines and "6 years" in lines and "{" not in lines
    assert len(lines.split("\n")) == len(ALL_ANSWERED)


def test_a_read_back_button_clears_that_answer_and_the_question_is_asked_again(make_tracker, run_action, sent):
    tracker = make_tracker(
        text=change_payload("growth_count"), intent="change_answer", slots=ALL_ANSWERED,
        entities=[{"entity": "question", "value": "growth_count"}],
    )

    events, dispatcher = run_action(ActionChangeAnswer(), tracker)

    changed = slot_events(events)
    assert changed["growth_count"] is None
    assert changed[NEXT_STEP] == ASK_QUESTIONS
    assert sent.responses(dispatcher) == []


@pytest.mark.parametrize("value", ["summary_topics", "requested_slot", "not_a_question"])
def test_a_button_naming_something_that_is_not_a_question_is_not_obeyed(value, make_tracker, run_action):
    tracker = make_tracker(
        text=f'/change_answer{{"question": "{value}"}}', intent="change_answer", slots=ALL_ANSWERED,
        entities=[{"entity": "question", "value": value}],
    )
    events, dispatcher = run_action(ActionChangeAnswer(), tracker)
    assert value not in slot_events(events)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_ask_which_answer"]
