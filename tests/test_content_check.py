"""`make check-content`: the shipped content passes, and each kind of mistake in a
deliberately broken copy of it fails with a message naming the file, the line and
how to fix it.
"""
import datetime
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from content_tools.checks import (
    check_banned_phrases, check_button_payloads, check_choice_numbers_by_text, check_content_structure,
    check_duplicate_examples, check_messaging_placeholders, check_placeholders, check_screen_words_by_text, check_questions_complete, check_widget_placeholders, check_rasa_schema, check_reading_level,
    check_required_wording, check_sources_and_review_dates, check_story_references,
    check_sample_answers, check_summary_conditions, check_unused_responses, check_yaml_syntax, run_checks,
)
from content_tools.project import Problem, Project

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("domain.yml", "config.yml", "data", "content", "actions", "nlp", "assistant_server", "channels", "tests")

# A day after every review date in content/: checks of one fault see only that fault.
AFTER_THE_LAST_REVIEW = datetime.date(2026, 12, 6)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """One clean copy of the content per module; each test breaks its own copy of it."""
    target = tmp_path_factory.mktemp("pristine")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "e2e", "*.py[co]"))
        else:
            shutil.copy(source, target / name)
    return target


@pytest.fixture
def copy(pristine, tmp_path) -> Path:
    shutil.copytree(pristine, tmp_path / "project")
    return tmp_path / "project"


def edit(root: Path, relative: str, old: str, new: str) -> int:
    """Replace `old` (which must be there) with `new`; returns the 1-based line it was on."""
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {relative}: the test needs updating"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def errors(problems) -> List[Problem]:
    return [p for p in problems if p.level == "error"]


def only_problem(problems) -> Problem:
    problems = list(problems)
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def test_the_shipped_content_passes_every_check():
    problems = run_checks(Project(ROOT), with_rasa=False)
    assert errors(problems) == [], "\n\n".join(map(str, problems))


def test_a_clean_copy_passes_so_each_failure_below_is_the_edit(copy):
    assert errors(run_checks(Project(copy), with_rasa=False)) == []


def test_broken_yaml_names_the_file_and_line(copy):
    line = edit(copy, "domain.yml", "  utter_why_growth_size:\n", "  utter_why_growth_size\n    : [oops\n")
    problem = only_problem(check_yaml_syntax(Project(copy)))
    assert problem.file == "domain.yml" and abs(problem.line - line) <= 2
    assert "not valid YAML" in problem.what and "indentation" in problem.fix
    assert "not valid YAML" in str(problem) and "How to fix" in str(problem)


def test_run_checks_stops_at_broken_yaml_with_one_clear_message(copy):
    (copy / "content" / "summary.yml").write_text("text:\n  intro: 'unclosed\n", encoding="utf-8")
    problems = run_checks(Project(copy), with_rasa=False)
    assert [p.file for p in problems] == ["content/summary.yml"]


def test_a_response_rasa_cannot_read_names_its_line(copy):
    line = edit(copy, "domain.yml", "  utter_why_growth_size:\n    - text: >-", "  utter_why_growth_size:\n    - txt: >-")
    problems = list(check_rasa_schema(Project(copy)))
    assert problems and all(p.file == "domain.yml" for p in problems)
    assert any(p.line in (line, line + 1) and "Rasa cannot read this part" in p.what and "txt" in p.what for p in problems)


def test_a_summary_item_without_an_id_is_named(copy):
    edit(copy, "content/summary.yml", "  - id: spine_symptoms\n", "  - name: spine_symptoms\n")
    problem = only_problem(check_content_structure(Project(copy)))
    assert problem.file == "content/summary.yml" and "needs an `id:`" in problem.what and problem.line


def test_a_hard_text_fails_the_reading_level(copy):
    line = edit(
        copy, "domain.yml",
        "Small growths are often easier to treat with surgery, radiation or other\n        procedures.",
        "Comprehensive multidisciplinary evaluation necessitates consideration of locoregional\n"
        "        interventional modalities.",
    )
    problem = only_problem(check_reading_level(Project(copy)))
    assert problem.file == "domain.yml" and problem.line == line - 1
    assert problem.where == "responses > utter_why_growth_size > 0 > text"
    assert "reads at grade" in problem.what and "the limit is 8" in problem.what
    assert "shorter words" in problem.fix


def test_a_long_sentence_is_quoted(copy):
    long_sentence = "Size is one of the " + "many " * 30 + "things your team looks at."
    edit(copy, "domain.yml", "Size is one of the things your team looks at.", long_sentence)
    problems = [p for p in check_reading_level(Project(copy)) if "a sentence of" in p.what]
    problem = only_problem(problems)
    assert "utter_why_growth_size" in problem.what and "split it" in problem.fix


def test_the_allow_list_does_not_hide_a_hard_text(copy):
    for term in ("multidisciplinary", "locoregional"):
        (copy / "content" / "readability_allowlist.yml").open("a").write(f"{term}: added to hide a hard word here.\n")
    edit(copy, "domain.yml", "Size is one of the things your team looks at.",
         "Consideration of multidisciplinary locoregional interventions necessitates comprehensive evaluation.")
    assert any("reads at grade" in p.what for p in check_reading_level(Project(copy)))


def test_an_allow_listed_term_needs_a_reason(copy):
    (copy / "content" / "readability_allowlist.yml").open("a").write("stereotactic: yes\n")
    problem = only_problem(check_reading_level(Project(copy)))
    assert "stereotactic" in problem.what and "no reason" in problem.what


def test_a_placeholder_that_names_no_slot(copy):
    edit(copy, "domain.yml", "Size is one of the things your team looks at.", "Call {nurse_phone} to ask.")
    problem = only_problem(check_placeholders(Project(copy)))
    assert "{nurse_phone}" in problem.what and "names no slot" in problem.what


def test_placeholders_the_actions_fill_are_known(copy):
    """{nurse_line} is filled by action_support: allowed there, unknown anywhere else."""
    assert list(check_placeholders(Project(copy))) == []
    edit(copy, "domain.yml", "Size is one of the things your team looks at.", "Call {nurse_line}.")
    problem = only_problem(check_placeholders(Project(copy)))
    assert "utter_why_growth_size" in problem.what


@pytest.mark.parametrize("key,text,allowed", [
    ("intro", "Here is a summary for {areas}.", "no placeholder"),
    ("topics", "Problems from the spine: ask {nurse}", "{areas} or {years}"),
])
def test_a_summary_placeholder_the_summary_cannot_fill(copy, key, text, allowed):
    old = "Here is a summary you can take" if key == "intro" else "Problems from the spine: ask if"
    edit(copy, "content/summary.yml", old, text)
    problem = only_problem(check_placeholders(Project(copy)))
    assert problem.file == "content/summary.yml" and "cannot fill here" in problem.what and allowed in problem.fix


def test_a_button_payload_naming_no_intent(copy):
    line = edit(copy, "domain.yml", """          payload: '/inform{{"answer": "intermediate"}}'""",
                """          payload: '/infrom{{"answer": "intermediate"}}'""")
    problem = only_problem(check_button_payloads(Project(copy)))
    assert problem.line == line and "infrom" in problem.what and "does not list" in problem.what


def test_a_button_payload_with_single_braces(copy):
    """Rasa would try to fill {"answer": ...} as a placeholder and log every slot."""
    line = edit(copy, "domain.yml", """          payload: '/inform{{"answer": "intermediate"}}'""",
                """          payload: '/inform{"answer": "intermediate"}'""")
    problem = only_problem(check_button_payloads(Project(copy)))
    assert problem.line == line and "single braces" in problem.what and "doubled" in problem.what


def test_a_button_value_the_question_cannot_store(copy):
    edit(copy, "domain.yml", """          payload: '/inform{{"answer": "intermediate"}}'""",
         """          payload: '/inform{{"answer": "medium"}}'""")
    problem = only_problem(check_button_payloads(Project(copy)))
    assert '"medium"' in problem.what and "tumor_grade" in problem.what and "intermediate" in problem.what


def test_a_rule_using_a_response_the_domain_lacks(copy):
    line = edit(copy, "data/rules/support.yml", "action_offer_support", "action_offer_suport")
    problems = list(check_story_references(Project(copy)))
    problem = only_problem(problems)
    assert problem.file == "data/rules/support.yml" and problem.line == line
    assert "action_offer_suport" in problem.what and "domain.yml" in problem.fix


def test_a_test_story_using_an_unknown_intent(copy):
    edit(copy, "tests/test_repair_stories.yml", "intent: go_back", "intent: go_bak")
    problems = list(check_story_references(Project(copy)))
    assert problems and all("go_bak" in p.what and p.file == "tests/test_repair_stories.yml" for p in problems)


def test_an_unused_response(copy):
    line = edit(copy, "domain.yml", "  utter_why_growth_size:\n",
                "  utter_never_said:\n    - text: Nobody says this.\n\n  utter_why_growth_size:\n")
    problem = only_problem(check_unused_responses(Project(copy)))
    assert problem.line == line and "utter_never_said is never said" in problem.what


def test_a_question_without_its_explanation(copy):
    edit(copy, "domain.yml", "  utter_why_growth_size:\n", "  utter_why_size_of_growths:\n")
    problem = only_problem(check_questions_complete(Project(copy)))
    assert "growth_size has no explanation" in problem.what and "utter_why_growth_size" in problem.fix


def test_a_question_without_its_not_sure_choice(copy):
    edit(copy, "domain.yml", """          payload: '/inform{{"answer": "high"}}'
        - title: "Not sure"
          payload: '/inform{{"answer": "unsure"}}'""", """          payload: '/inform{{"answer": "high"}}'""")
    problem = only_problem(check_questions_complete(Project(copy)))
    assert "tumor_grade has no not-sure choice" in problem.what and "Not sure" in problem.fix


def test_a_summary_topic_naming_an_unknown_slot(copy):
    line = edit(copy, "content/summary.yml", "    when: {symptom_areas: [spine]}", "    when: {symptom_area: [spine]}")
    problem = only_problem(check_summary_conditions(Project(copy)))
    assert problem.file == "content/summary.yml" and problem.line == line
    assert '"symptom_area" is not a question' in problem.what and "symptom_areas" in problem.fix


def test_a_summary_topic_naming_an_unknown_value(copy):
    edit(copy, "content/summary.yml", "    when: {symptom_areas: [spine]}", "    when: {symptom_areas: [spinal]}")
    problem = only_problem(check_summary_conditions(Project(copy)))
    assert 'no answer "spinal"' in problem.what and "spine" in problem.fix


def test_a_missing_disclaimer(copy):
    edit(copy, "domain.yml", "I do not give medical advice", "I give medical advice")
    problem = only_problem(check_required_wording(Project(copy)))
    assert "utter_welcome must say \"do not give medical advice\"" in problem.what
    assert problem.file == "domain.yml"


def test_a_warning_sign_without_get_help_now(copy):
    edit(copy, "domain.yml", "Call your local emergency number or your\n        care team's urgent line now.",
         "Call your care team's urgent line now.")
    problem = only_problem(check_required_wording(Project(copy)))
    assert 'utter_urgent_seizure must say "emergency number"' in problem.what


def test_the_web_chat_notice_must_keep_its_disclaimer(copy):
    edit(copy, "content/web_widget.yml", "This chat does not give medical advice.", "This chat helps you.")
    problem = only_problem(check_required_wording(Project(copy)))
    assert problem.file == "content/web_widget.yml" and "web chat notice must say" in problem.what


def test_the_web_chat_words_are_held_to_the_reading_level(copy):
    edit(copy, "content/web_widget.yml", 'connecting: "Connecting..."',
         'connecting: "Establishing bidirectional communication infrastructure connectivity..."')
    problem = only_problem(check_reading_level(Project(copy)))
    assert problem.file == "content/web_widget.yml" and problem.where == "status > connecting"


def test_a_web_chat_placeholder_it_does_not_fill(copy):
    edit(copy, "content/web_widget.yml", 'heading: "Your summary"', 'heading: "Your summary, {name}"')
    problem = only_problem(check_widget_placeholders(Project(copy)))
    assert "{name}" in problem.what and "no placeholder" in problem.fix
    assert list(check_widget_placeholders(Project(ROOT))) == []


@pytest.mark.parametrize("phrase,reason", [
    ("You should ask for surgery.", "it is advice"),
    ("You are a candidate for surgery.", "it is a verdict"),
    ("This could cure the cancer.", "promise of a cure"),
])
def test_a_banned_phrase(copy, phrase, reason):
    line = edit(copy, "content/summary.yml", "Problems from the spine: ask if", f"{phrase} Problems from the spine: ask if")
    problem = only_problem(check_banned_phrases(Project(copy)))
    assert problem.file == "content/summary.yml" and problem.line == line - 1
    assert reason in problem.what and "reword it" in problem.fix


def test_a_response_without_a_source(copy):
    edit(copy, "domain.yml", "  utter_why_growth_size:\n",
         "  utter_extra_fact:\n    - text: A new fact.\n\n  utter_why_growth_size:\n")
    problems = list(check_sources_and_review_dates(Project(copy), today=AFTER_THE_LAST_REVIEW))
    problem = only_problem(problems)
    assert "utter_extra_fact has no source" in problem.what and "content/sources.yml" in problem.fix


def test_a_part_citing_an_unknown_source(copy):
    edit(copy, "content/sources.yml", "sources: [nice_mscc, marie_curie_calcium]", "sources: [nice_mscc, nice_2030]")
    problem = only_problem(check_sources_and_review_dates(Project(copy), today=AFTER_THE_LAST_REVIEW))
    assert '"nice_2030" is not in the sources list' in problem.what


def test_a_summary_item_without_a_source(copy):
    edit(copy, "content/summary.yml", "    sources: [seed, nice_mscc]\n  - id: brain_symptoms", "  - id: brain_symptoms")
    problem = only_problem(check_sources_and_review_dates(Project(copy), today=AFTER_THE_LAST_REVIEW))
    assert "spine_symptoms cites no source" in problem.what


def test_a_review_date_over_a_year_old_is_a_warning(copy):
    a_year_on = datetime.date(2027, 11, 29)
    problems = list(check_sources_and_review_dates(Project(copy), today=a_year_on))
    assert problems and all(p.level == "warning" and "more than a year ago" in p.what for p in problems)
    assert {p.file for p in problems} == {"content/sources.yml", "content/summary.yml"}
    assert list(check_sources_and_review_dates(Project(copy), today=datetime.date(2027, 11, 27))) == []


def test_a_review_date_that_is_not_a_date(copy):
    line = edit(copy, "content/summary.yml", 'reviewed: "2026-11-28"', 'reviewed: "28/11/2026"')
    problems = list(check_sources_and_review_dates(Project(copy), today=AFTER_THE_LAST_REVIEW))
    problem = only_problem(problems)
    assert problem.line == line and "not a date" in problem.what and "YYYY-MM-DD" in problem.fix


def test_the_assistant_tells_the_oldest_review_date(copy):
    edit(copy, "content/sources.yml", 'covers: ["utter_urgent_*", utter_if_new_or_worse]\n    sources: [nice_mscc, marie_curie_calcium]\n    reviewed: "2026-11-28"',
         'covers: ["utter_urgent_*", utter_if_new_or_worse]\n    sources: [nice_mscc, marie_curie_calcium]\n    reviewed: "2026-10-02"')
    problem = only_problem(check_sources_and_review_dates(Project(copy), today=AFTER_THE_LAST_REVIEW))
    assert "utter_about_assistant/who_wrote_it must give the oldest review date, 2 October 2026" in problem.what


def test_the_same_example_under_two_intents(copy):
    line = edit(copy, "data/nlu/welcome.yml", "    - bye\n", "    - bye\n    - Thank you!\n")
    problem = only_problem(check_duplicate_examples(Project(copy)))
    assert problem.file == "data/nlu/welcome.yml"
    assert problem.line == line + 1 or f"data/nlu/welcome.yml:{line + 1}" in problem.what
    assert "intent thank" in str(problem) and "intent goodbye" in str(problem)


def test_a_sample_answers_file_with_a_wrong_answer(copy):
    edit(copy, "content/samples/widespread_and_growing.yml", "tumor_grade: high", "tumor_grade: 3")
    problem = only_problem(check_sample_answers(Project(copy)))
    assert problem.file == "content/samples/widespread_and_growing.yml" and "tumor_grade: 3 is not an answer" in problem.what


def test_make_check_content_fails_on_rasa_validate_problems_and_says_which(copy):
    """A story conflict only Rasa's own validator sees: the command exits 1 and relays it."""
    (copy / "data" / "stories" / "thanks.yml").write_text(
        'version: "3.1"\nstories:\n'
        "- story: patient says thanks and hears you are welcome\n  steps:\n"
        "  - intent: thank\n  - action: utter_you_are_welcome\n"
        "- story: patient says thanks and hears goodbye\n  steps:\n"
        "  - intent: thank\n  - action: utter_goodbye\n",
        encoding="utf-8",
    )
    result = subprocess.run([sys.executable, "-m", "content_tools.check", "--root", str(copy)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "ERROR rasa data validate" in result.stdout
    assert "Story structure conflict after intent 'thank'" in result.stdout and "utter_goodbye" in result.stdout
    assert "1 error(s)" in result.stdout


def test_make_check_content_exits_0_with_only_warnings(copy):
    old = '"2026-11-28"'
    for relative in ("content/summary.yml", "content/sources.yml"):
        path = copy / relative
        path.write_text(path.read_text().replace(old, '"2020-01-01"'), encoding="utf-8")
    edit(copy, "data/nlu/about_assistant.yml", "28 November 2026", "1 January 2020")
    result = subprocess.run([sys.executable, "-m", "content_tools.check", "--root", str(copy), "--skip-rasa"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING content/summary.yml" in result.stdout and "more than a year ago" in result.stdout


# --- the text message channel's words and the questions as texts ---------------------------------


def test_a_question_whose_choice_numbers_clash_with_numbers_in_words_is_caught(copy):
    # Without its own wording for text messages, "4" would pick "More than five" but mean four growths.
    edit(copy, "domain.yml", "    # By text, \"4\" must mean four growths, not the fourth choice: no numbered choices.\n"
         "    - channel: twilio\n", "    - channel: web_only\n")
    problem = only_problem(check_choice_numbers_by_text(Project(copy)))
    assert problem.file == "domain.yml" and "utter_ask_growth_count" in problem.what
    assert '"4"' in problem.what and "More than five" in problem.what and "channel: twilio" in problem.fix


def test_a_response_telling_a_texter_to_tap_is_caught(copy):
    line = edit(copy, "domain.yml", "        Sorry, I didn't catch that. You can reply with the number of a choice, say",
                "        Sorry, I didn't catch that. You can tap a choice, say")
    problem = only_problem(check_screen_words_by_text(Project(copy)))
    assert problem.file == "domain.yml" and problem.line == line - 1
    assert "utter_did_not_understand" in problem.what and '"tap"' in problem.what


def test_a_lost_placeholder_in_the_numbered_choices_is_caught(copy):
    line = edit(copy, "content/messaging.yml", 'short_item: "{number} for {title}"', 'short_item: "{number} for {choice}"')
    problems = list(check_messaging_placeholders(Project(copy)))
    assert len(problems) == 2, "\n".join(map(str, problems))
    assert all(p.file == "content/messaging.yml" and p.line == line for p in problems)
    assert {"{choice}" in p.what or "{title}" in p.what for p in problems} == {True}


def test_the_help_reply_must_say_how_to_stop(copy):
    edit(copy, "content/messaging.yml", "    Reply STOP to stop messages.", "    Bye.")
    problem = only_problem(check_required_wording(Project(copy)))
    assert problem.file == "content/messaging.yml" and '"STOP"' in problem.what and "carriers" in problem.what


def test_a_missing_stop_reply_is_caught(copy):
    edit(copy, "content/messaging.yml", "  stopped: >-\n    You will get no more messages from us. Reply START if you want them again.\n", "")
    problems = errors(run_checks(Project(copy), with_rasa=False))
    assert any("replies needs `stopped:`" in p.what for p in problems), "\n".join(map(str, problems))


def test_a_text_message_question_without_choices_must_offer_not_sure(copy):
    edit(copy, "domain.yml", '"18 months". Or say "not sure".', '"18 months".')
    problem = only_problem(check_questions_complete(Project(copy)))
    assert "years_to_metastasis" in problem.what and "not sure" in problem.what


def test_the_text_message_words_are_graded_for_reading_level(copy):
    edit(copy, "content/messaging.yml", "    You will get messages from us again.",
         "    Notwithstanding previous unsubscription instructions, communications recommence immediately.")
    problems = list(check_reading_level(Project(copy)))
    assert any(p.file == "content/messaging.yml" and "replies started" in p.what for p in problems), \
        "\n".join(map(str, problems))
