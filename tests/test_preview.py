"""content_tools.preview: the summary for an answers file, without servers.

That it matches the running assistant is tested in tests/e2e/test_preview.py.
"""
import subprocess
import sys
from pathlib import Path

import pytest

from actions.summary import load_content, reviewed_message
from content_tools.preview import MESSAGE_SEPARATOR, AnswersError, summary_for

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "content" / "samples").glob("*.yml"))
CONTENT = load_content()


def answers_file(tmp_path, body: str) -> Path:
    path = tmp_path / "answers.yml"
    path.write_text(body, encoding="utf-8")
    return path


def test_there_are_samples_for_the_main_kinds_of_patient():
    assert len(SAMPLES) >= 5


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_every_sample_previews_a_whole_summary(sample):
    messages, notes = summary_for(sample)
    assert messages[0] == CONTENT["text"]["intro"]
    assert messages[-2:] == [CONTENT["text"]["closing"], reviewed_message(CONTENT)]
    assert messages[1].startswith(CONTENT["text"]["told_me_heading"])
    assert notes == []


def test_the_samples_between_them_reach_many_topics():
    shown = "\n".join(m for sample in SAMPLES for m in summary_for(sample)[0])
    reached = [t["id"] for t in CONTENT["topics"] if t["text"].split("{")[0].strip()[:40] in shown]
    assert len(reached) >= 15, reached


def test_an_unknown_question_is_named(tmp_path):
    with pytest.raises(AnswersError, match="tumour_grade: no such question"):
        summary_for(answers_file(tmp_path, "answers:\n  tumour_grade: low\n"))


def test_an_unknown_answer_lists_the_right_ones(tmp_path):
    body = (ROOT / "content/samples/one_painful_spine_growth.yml").read_text().replace("tumor_grade: intermediate", "tumor_grade: medium")
    with pytest.raises(AnswersError, match="tumor_grade: 'medium' is not an answer.*low, intermediate, high, unsure"):
        summary_for(answers_file(tmp_path, body))


def test_a_question_the_assistant_would_ask_must_be_answered(tmp_path):
    body = (ROOT / "content/samples/one_painful_spine_growth.yml").read_text().replace("  main_goal: both\n", "")
    with pytest.raises(AnswersError, match="no answer for main_goal"):
        summary_for(answers_file(tmp_path, body))


def test_an_answer_to_a_question_that_would_be_skipped_is_left_out_with_a_note(tmp_path):
    body = (ROOT / "content/samples/one_painful_spine_growth.yml").read_text() + "  complete_removal_likely: \"yes\"\n"
    messages, notes = summary_for(answers_file(tmp_path, body))
    assert notes == ["complete_removal_likely is left out: the assistant does not ask it after the earlier answers"]
    assert messages == summary_for(ROOT / "content/samples/one_painful_spine_growth.yml")[0]


def test_the_command_prints_the_messages_and_fails_kindly(tmp_path):
    sample = SAMPLES[0]
    ok = subprocess.run([sys.executable, "-m", "content_tools.preview", str(sample)],
                        capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0 and ok.stdout == MESSAGE_SEPARATOR.join(summary_for(sample)[0]) + "\n"
    bad = subprocess.run([sys.executable, "-m", "content_tools.preview", str(answers_file(tmp_path, "- a list\n"))],
                         capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "needs an `answers:` list" in bad.stderr and "Traceback" not in bad.stderr


def test_a_glossary_entry_shows_its_questions_and_answer():
    from content_tools.preview import glossary_entry

    examples, said = glossary_entry("ablation")
    assert "what is ablation" in examples and len(examples) >= 10
    assert said and said[0].startswith("Ablation")


def test_an_unknown_glossary_term_lists_the_real_ones():
    from content_tools.preview import glossary_entry

    with pytest.raises(AnswersError, match="no glossary term 'ablate'.*ablation, clinical_trial"):
        glossary_entry("ablate")
