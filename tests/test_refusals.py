"""action_keep_answer_before_verdict_question: after "only your team can say", an answer
typed before the verdict question is kept (issue 14: "No, nobody's brought it up, should
I be pushing for it?" was not understood, and the question came again)."""
import pytest
import yaml

from actions import settings
from actions.refusals import ActionKeepAnswerBeforeVerdictQuestion

RULES = yaml.safe_load((settings.PROJECT_ROOT / "data" / "rules" / "refusals.yml").read_text(encoding="utf-8"))["rules"]


@pytest.mark.parametrize("slot, text, value", [
    ("surgery_considered", "No, nobody's brought it up, should I be pushing for it?", "no"),
    ("other_health_conditions", "Yes, heart failure. Will that stop them operating?", "yes"),
    ("tumor_grade", "grade 3, is that bad?", "high"),
])
def test_a_sure_answer_before_a_verdict_question_is_kept_and_said_back(slot, text, value, make_tracker, run_action, sent):
    tracker = make_tracker(text=text, intent="ask_verdict", confidence=0.9, requested_slot=slot)

    events, dispatcher = run_action(ActionKeepAnswerBeforeVerdictQuestion(), tracker)

    assert sent.responses(dispatcher) == ["utter_noted"]
    assert {e["name"]: e["value"] for e in events} == {
        slot: value, settings.CONFIRM_SLOT: None, settings.NOTED_SLOT: slot,
    }


@pytest.mark.parametrize("slot, text", [
    # the answer words are inside the verdict question: nothing was answered
    ("tumor_grade", "is grade 3 bad?"),
    ("surgery_considered", "should I have surgery or not"),
    # a hedged answer is left for the question, asked again
    ("surgery_considered", "maybe, I think, but should I push for it?"),
])
def test_nothing_is_kept_when_no_sure_answer_comes_before_the_verdict_question(slot, text, make_tracker, run_action, sent):
    tracker = make_tracker(text=text, intent="ask_verdict", confidence=0.9, requested_slot=slot)

    events, dispatcher = run_action(ActionKeepAnswerBeforeVerdictQuestion(), tracker)

    assert sent.responses(dispatcher) == []
    assert events == []


def test_an_answer_is_not_kept_outside_the_questions(make_tracker, run_action, sent):
    tracker = make_tracker(
        text="No, should I push for surgery?", intent="ask_verdict", requested_slot="surgery_considered", form_active=False
    )
    events, dispatcher = run_action(ActionKeepAnswerBeforeVerdictQuestion(), tracker)
    assert sent.responses(dispatcher) == []
    assert events == []


def test_the_refusal_comes_first_and_the_answer_is_kept_only_during_the_questions():
    steps_by_loop = {
        rule["condition"][0]["active_loop"]: [s.get("action") for s in rule["steps"] if "action" in s]
        for rule in RULES
    }
    assert steps_by_loop[settings.FORM_NAME][:2] == ["utter_ask_verdict", "action_keep_answer_before_verdict_question"]
    assert "action_keep_answer_before_verdict_question" not in steps_by_loop[None]


def test_the_action_is_declared_in_the_domain(domain):
    assert "action_keep_answer_before_verdict_question" in domain["actions"]
