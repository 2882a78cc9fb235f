"""content_tools.conversation_map: every question, choice, condition and topic is on the map."""
from pathlib import Path

import pytest

from actions.candidacy_form import FOLLOW_UPS
from content_tools.conversation_map import conversation_map, main
from content_tools.project import Project

ROOT = Path(__file__).resolve().parent.parent
PROJECT = Project(ROOT)
MAP = conversation_map(PROJECT)


@pytest.mark.parametrize("slot", PROJECT.form_slots)
def test_every_question_is_on_the_map_with_its_choices_and_why(slot):
    section = MAP.split(f"`{slot}`\n", 1)[1].split("\n### ", 1)[0]
    ask = PROJECT.domain["responses"][f"utter_ask_{slot}"][0]
    assert " ".join(ask["text"].split()) in section
    assert " ".join(PROJECT.domain["responses"][f"utter_why_{slot}"][0]["text"].split()) in section
    for button in ask.get("buttons", []):
        assert f"| {button['title']} |" in section
    if slot in FOLLOW_UPS:
        assert f"Asked only when `{FOLLOW_UPS[slot][0]}` is `{FOLLOW_UPS[slot][1]}`" in section


def test_questions_appear_in_the_order_they_are_asked():
    positions = [MAP.index(f"`{slot}`\n") for slot in PROJECT.form_slots]
    assert positions == sorted(positions)


@pytest.mark.parametrize("section", ["topics", "specialists", "balance"])
def test_every_summary_item_is_on_the_map_with_its_condition(section):
    for item in PROJECT.summary[section]:
        assert f"**`{item['id']}`**" in MAP
        assert " ".join(item["text"].split()) in MAP


def test_an_answer_row_names_the_topics_it_leads_to():
    row = next(line for line in MAP.splitlines() if line.startswith("| Spine | `spine` |"))
    assert "topic `spine_symptoms`" in row and "specialist `spine_surgeon`" in row


def test_every_rule_is_listed():
    for relative in PROJECT.data_files():
        for rule in (PROJECT.load(relative) or {}).get("rules") or []:
            assert f"- {rule['rule']} ({relative})" in MAP


def test_the_command_writes_the_file(tmp_path):
    output = tmp_path / "map.md"
    assert main(["--output", str(output)]) == 0
    assert output.read_text(encoding="utf-8") == MAP
