"""actions/confirmations.py with the form: checking a reading that is not sure, and saying back.

Each test runs the real validation step or ask action on a fresh tracker from the
factory, with the real domain. The paths: a reading held for a check; yes, a tap,
the answer typed again, no, and an unreadable reply to the check; "Noted: ..." after
a free-text answer and "no, three" correcting it; the question asked by text.
"""
import pytest

from actions import confirmations, settings
from actions.candidacy_form import ValidateCandidacyForm

GROWTHS = "growth_count"


def held(slot, best, others=()):
    return {settings.CONFIRM_SLOT: {"question": slot, "best": best, "others": list(others)}}


def slot_sets(events):
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


def ask_action(slot):
    return confirmations.ASK_ACTIONS[slot]()


def tap(value):
    return dict(
        text=f'/inform{{"answer": "{value}"}}',
        entities=[{"entity": settings.BUTTON_ENTITY, "value": value, "start": 7, "end": 7 + len(value)}],
    )


# --- a reading that is not sure is checked -------------------------------------------


def test_an_added_up_count_is_held_and_the_question_becomes_a_check(make_tracker, run_action, sent):
    tracker = make_tracker(text="two in the liver and one in the lung", requested_slot=GROWTHS)

    events, dispatcher = run_action(ValidateCandidacyForm(), tracker)

    assert slot_sets(events).get(GROWTHS) is None
    assert slot_sets(events)[settings.CONFIRM_SLOT]["best"] == "three_to_five"
    assert sent.responses(dispatcher) == []


def test_the_check_says_the_best_reading_in_words_with_yes_first_then_the_other_readings(
    make_tracker, run_action, sent, domain
):
    tracker = make_tracker(requested_slot="tumor_grade", slots=held("tumor_grade", "intermediate", ["high"]))

    _, dispatcher = run_action(ask_action("tumor_grade"), tracker)

    [message] = dispatcher.messages
    assert message["response"] == "utter_confirm_answer"
    assert message["reading"] == "The cancer is middle grade (grade 2)."
    titles = [button["title"] for button in message["buttons"]]
    # the response's own "Yes, that's right" comes first; then the other reading, then the rest
    assert titles == ["High (grade 3)", "Low (grade 1)", "Not sure"]
    payloads = [button["payload"] for button in message["buttons"]]
    assert payloads[0] == '/inform{"answer": "high"}'
    assert '/inform{"answer": "intermediate"}' not in payloads
    assert all("{{" not in payload for payload in payloads)


def test_without_a_check_the_ask_action_asks_the_question(make_tracker, run_action, sent):
    tracker = make_tracker(requested_slot="tumor_grade")
    _, dispatcher = run_action(ask_action("tumor_grade"), tracker)
    assert sent.responses(dispatcher) == ["utter_ask_tumor_grade"]


def test_a_check_held_for_another_question_is_not_shown(make_tracker, run_action, sent):
    tracker = make_tracker(requested_slot="tumor_grade", slots=held(GROWTHS, "two"))
    _, dispatcher = run_action(ask_action("tumor_grade"), tracker)
    assert sent.responses(dispatcher) == ["utter_ask_tumor_grade"]


def test_by_text_a_number_question_is_checked_without_numbered_choices(make_tracker, run_action):
    text = "2010 to 2016"
    events = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "input_channel": "twilio", "parse_data": {"text": text}},
    ]
    tracker = make_tracker(
        text=text, requested_slot="years_to_metastasis", events=events,
        slots={"earlier_breast_cancer": "yes", **held("years_to_metastasis", 6.0)},
    )

    _, dispatcher = run_action(ask_action("years_to_metastasis"), tracker)

    [message] = dispatcher.messages
    assert message["response"] == "utter_confirm_number"
    assert message["reading"] == "About 6 years passed before the cancer spread."
    assert not message.get("buttons")


# --- the reply to a check ---------------------------------------------------------------


@pytest.mark.parametrize("reply", [
    dict(text="yes", intent="affirm"),
    dict(text="/affirm", intent="affirm"),  # the "Yes, that's right" button
    dict(text="yes that's it", intent="affirm"),
])
def test_yes_stores_the_best_reading_and_ends_the_check(reply, make_tracker, run_action, sent):
    tracker = make_tracker(requested_slot=GROWTHS, slots=held(GROWTHS, "three_to_five", ["two"]), **reply)

    events, dispatcher = run_action(ValidateCandidacyForm(), tracker)

    sets = slot_sets(events)
    assert sets[GROWTHS] == "three_to_five"
    assert sets[settings.CONFIRM_SLOT] is None
    assert sent.responses(dispatcher) == []  # a confirmed answer is not said back again


def test_tapping_another_reading_stores_that_one(make_tracker, run_action):
    tracker = make_tracker(requested_slot=GROWTHS, slots=held(GROWTHS, "three_to_five", ["two"]), **tap("two"))
    events, _ = run_action(ValidateCandidacyForm(), tracker)
    assert slot_sets(events)[GROWTHS] == "two"
    assert slot_sets(events)[settings.CONFIRM_SLOT] is None


def test_typing_the_answer_again_is_read_as_the_answer(make_tracker, run_action, sent):
    tracker = make_tracker(
        text="four", intent="inform", requested_slot=GROWTHS, slots=held(GROWTHS, "two", ["three_to_five"])
    )
    events, dispatcher = run_action(ValidateCandidacyForm(), tracker)
    assert slot_sets(events)[GROWTHS] == "three_to_five"
    assert sent.responses(dispatcher) == ["utter_noted"]


@pytest.mark.parametrize("reply", [dict(text="no", intent="deny"), dict(text="nope, wrong", intent="deny")])
def test_no_stores_nothing_and_asks_the_question_again(reply, make_tracker, run_action, sent):
    tracker = make_tracker(requested_slot=GROWTHS, slots=held(GROWTHS, "two"), **reply)

    events, dispatcher = run_action(ValidateCandidacyForm(), tracker)

    sets = slot_sets(events)
    assert sets.get(GROWTHS) is None
    assert sets[settings.CONFIRM_SLOT] is None  # so the ask action asks the question, not the check
    assert sent.responses(dispatcher) == []


def test_no_to_a_yes_no_reading_with_the_other_answer_stores_the_other_answer(make_tracker, run_action):
    slot = "other_health_conditions"
    tracker = make_tracker(text="no", intent="deny", requested_slot=slot, slots=held(slot, "yes"))
    events, _ = run_action(ValidateCandidacyForm(), tracker)
    assert slot_sets(events)[slot] == "no"


def test_a_reply_to_the_check_that_is_not_understood_keeps_the_check(make_tracker, run_action, sent):
    tracker = make_tracker(text="purple elephant", intent="inform", requested_slot=GROWTHS, slots=held(GROWTHS, "two"))

    events, dispatcher = run_action(ValidateCandidacyForm(), tracker)

    assert slot_sets(events).get(GROWTHS) is None
    assert settings.CONFIRM_SLOT not in slot_sets(events) or slot_sets(events)[settings.CONFIRM_SLOT] is not None
    assert sent.responses(dispatcher) == ["utter_did_not_understand"]


# --- said back, and corrected ---------------------------------------------------------------


def test_a_free_text_answer_is_said_back_in_the_summarys_words(make_tracker, run_action):
    tracker = make_tracker(text="just the two of them", requested_slot=GROWTHS)

    events, dispatcher = run_action(ValidateCandidacyForm(), tracker)

    assert slot_sets(events)[GROWTHS] == "two"
    [message] = dispatcher.messages
    assert message["response"] == "utter_noted"
    assert message["reading"] == "your doctors found two growths outside the breast."


def test_a_tapped_answer_is_not_said_back(make_tracker, run_action):
    tracker = make_tracker(requested_slot=GROWTHS, **tap("two"))
    events, dispatcher = run_action(ValidateCandidacyForm(), tracker)
    assert dispatcher.messages == []
    assert slot_sets(events)[settings.NOTED_SLOT] is None


def test_no_and_the_right_answer_just_after_noted_corrects_that_answer(make_tracker, run_action, sent):
    tracker = make_tracker(
        text="no, three", requested_slot="growth_size",
        slots={GROWTHS: "two", settings.NOTED_SLOT: GROWTHS, "symptoms_affect_daily_life": "no", "spread_extent": "one_area"},
    )

    events, dispatcher = run_action(ValidateCandidacyForm(), tracker)

    sets = slot_sets(events)
    assert sets[GROWTHS] == "three_to_five"
    assert sets.get("growth_size") is None  # the open question stays open
    assert sent.responses(dispatcher) == ["utter_noted"]


def test_no_that_also_answers_the_open_question_is_an_answer_not_a_correction(make_tracker, run_action):
    tracker = make_tracker(
        text="no, not really", requested_slot="surgery_considered",
        slots={"other_health_conditions": "yes", settings.NOTED_SLOT: "other_health_conditions"},
    )
    events, _ = run_action(ValidateCandidacyForm(), tracker)
    sets = slot_sets(events)
    assert sets["surgery_considered"] == "no"
    assert "other_health_conditions" not in sets


# --- not understood, with a symptom named ------------------------------------------------


def test_a_reply_not_understood_that_names_a_symptom_also_gives_the_urgent_line(make_tracker, run_action, sent):
    tracker = make_tracker(text="my back", intent="inform", requested_slot="tumor_grade")
    _, dispatcher = run_action(ValidateCandidacyForm(), tracker)
    assert sent.responses(dispatcher) == ["utter_did_not_understand", "utter_if_new_or_worse"]


def test_a_reply_not_understood_without_a_symptom_gets_only_the_kind_reply(make_tracker, run_action, sent):
    tracker = make_tracker(text="purple elephant", intent="inform", requested_slot="tumor_grade")
    _, dispatcher = run_action(ValidateCandidacyForm(), tracker)
    assert sent.responses(dispatcher) == ["utter_did_not_understand"]


def test_the_same_answer_typed_again_at_the_check_settles_it(make_tracker, run_action):
    tracker = make_tracker(
        text="two in my liver and one in my lung", requested_slot=GROWTHS, slots=held(GROWTHS, "three_to_five")
    )
    events, _ = run_action(ValidateCandidacyForm(), tracker)
    assert slot_sets(events)[GROWTHS] == "three_to_five"
    assert slot_sets(events)[settings.CONFIRM_SLOT] is None
