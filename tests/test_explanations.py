"""action_explain_question: "why are you asking?" answered for the open question."""
import pytest
from rasa_sdk.forms import REQUESTED_SLOT

from actions import settings
from actions.candidacy_form import ANSWER_SLOTS
from actions.explanations import GENERAL_EXPLANATION, ActionExplainQuestion


def test_the_questions_are_the_forms_questions(form_questions):
    assert list(ANSWER_SLOTS) == form_questions
    assert len(form_questions) == 16


@pytest.mark.parametrize("slot", ANSWER_SLOTS)
def test_every_question_has_its_own_explanation_in_the_domain(slot, domain):
    response = domain["responses"].get(f"utter_why_{slot}")
    assert response, f"utter_why_{slot} is missing from domain.yml"
    assert all(variant.get("text", "").strip() for variant in response)
    # each explanation is its own, not a copy of the general one or another question's
    general = domain["responses"][GENERAL_EXPLANATION][0]["text"]
    assert response[0]["text"] != general


def test_explanations_are_all_different(domain):
    texts = [domain["responses"][f"utter_why_{slot}"][0]["text"] for slot in ANSWER_SLOTS]
    assert len(set(texts)) == len(texts)


def test_general_explanation_exists(domain):
    assert domain["responses"][GENERAL_EXPLANATION][0]["text"].strip()


@pytest.mark.parametrize("slot", ANSWER_SLOTS)
def test_ask_why_during_the_form_explains_the_open_question(slot, make_tracker, run_action, sent):
    tracker = make_tracker(text="why are you asking?", intent="ask_why", confidence=0.97, requested_slot=slot)
    assert tracker.active_loop_name == settings.FORM_NAME

    events, dispatcher = run_action(ActionExplainQuestion(), tracker)

    assert sent.responses(dispatcher) == [f"utter_why_{slot}"]
    assert events == []


@pytest.mark.parametrize("requested", [None, "tumor_grade"])
def test_ask_why_outside_the_form_gives_the_general_explanation(requested, make_tracker, run_action, sent):
    # A requested_slot left over from a finished form does not count.
    tracker = make_tracker(text="why do you ask?", intent="ask_why", requested_slot=requested, form_active=False)
    assert not tracker.active_loop

    events, dispatcher = run_action(ActionExplainQuestion(), tracker)

    assert sent.responses(dispatcher) == [GENERAL_EXPLANATION]
    assert events == []


def test_another_active_loop_gives_the_general_explanation(make_tracker, run_action, sent):
    tracker = make_tracker(text="why?", intent="ask_why", requested_slot="tumor_grade")
    tracker.active_loop = {"name": "some_other_form"}
    _, dispatcher = run_action(ActionExplainQuestion(), tracker)
    assert sent.responses(dispatcher) == [GENERAL_EXPLANATION]


def test_form_active_without_open_question_gives_the_general_explanation(make_tracker, run_action, sent):
    tracker = make_tracker(text="why?", intent="ask_why", requested_slot=None, form_active=True)
    assert tracker.get_slot(REQUESTED_SLOT) is None
    _, dispatcher = run_action(ActionExplainQuestion(), tracker)
    assert sent.responses(dispatcher) == [GENERAL_EXPLANATION]


def test_missing_explanation_falls_back_to_the_general_one(domain, make_tracker, run_action, sent):
    del domain["responses"]["utter_why_tumor_grade"]
    tracker = make_tracker(text="why?", intent="ask_why", requested_slot="tumor_grade")
    _, dispatcher = run_action(ActionExplainQuestion(), tracker, domain)
    assert sent.responses(dispatcher) == [GENERAL_EXPLANATION]


# An answer typed before a question about it is kept beside the explanation (issue 14:
# "Yes small, but why does size matter?" was not understood, and the question came again).
@pytest.mark.parametrize("slot, text, value", [
    ("growth_size", "Yes small, but why does size matter?", "small"),
    ("earlier_breast_cancer", "Yes she did, why does that matter?", "yes"),
    ("other_health_conditions", "No, never had heart or lung trouble, why?", "no"),
    ("hormone_receptor_status", "ER positive. Why do you need that?", "er_positive"),
])
def test_a_sure_answer_before_the_question_is_kept_and_said_back(slot, text, value, make_tracker, run_action, sent):
    tracker = make_tracker(text=text, intent="ask_why", confidence=0.9, requested_slot=slot)

    events, dispatcher = run_action(ActionExplainQuestion(), tracker)

    assert sent.responses(dispatcher) == [f"utter_why_{slot}", "utter_noted"]
    assert {e["name"]: e["value"] for e in events} == {
        slot: value, settings.CONFIRM_SLOT: None, settings.NOTED_SLOT: slot,
    }


@pytest.mark.parametrize("slot, text", [
    # the answer words are inside the question: nothing was answered
    ("growth_size", "Why does it matter if they're small?"),
    ("earlier_breast_cancer", "why do you ask if I had cancer before?"),
    # a hedged answer is left for the question, asked again
    ("growth_size", "maybe small, I think, but why?"),
    ("tumor_grade", "why are you asking?"),
])
def test_nothing_is_kept_when_no_sure_answer_comes_before_the_question(slot, text, make_tracker, run_action, sent):
    tracker = make_tracker(text=text, intent="ask_why", confidence=0.9, requested_slot=slot)

    events, dispatcher = run_action(ActionExplainQuestion(), tracker)

    assert sent.responses(dispatcher) == [f"utter_why_{slot}"]
    assert events == []


def test_an_answer_is_not_kept_outside_the_questions(make_tracker, run_action, sent):
    tracker = make_tracker(text="Yes small, but why?", intent="ask_why", requested_slot="growth_size", form_active=False)
    events, dispatcher = run_action(ActionExplainQuestion(), tracker)
    assert sent.responses(dispatcher) == [GENERAL_EXPLANATION]
    assert events == []
