"""`make preview` shows exactly the summary the running assistant gives for the same answers.

Each sample answers file in content/samples/ is answered through the REST channel
(choices by their button payloads, areas and years in words) and the assistant's
summary messages are compared with content_tools.preview's, message by message.
"""
import json
import uuid
from pathlib import Path

import pytest
import yaml

from content_tools.preview import summary_for

PROJECT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((PROJECT / "content" / "samples").glob("*.yml"))


def reply_for(slot: str, value) -> str:
    if slot == "symptom_areas":
        return "it comes from my " + " and my ".join(value)
    if slot == "years_to_metastasis" and value != "unsure":
        return f"{value} years"
    return "/inform" + json.dumps({"answer": str(value)})


def assistant_summary(servers, answers: dict) -> list:
    sender = f"preview-{uuid.uuid4().hex}"
    servers.send(sender, "hello")
    bot = servers.send(sender, "/start_questions")
    for _ in range(40):
        open_question = servers.tracker(sender)["slots"]["requested_slot"]
        if open_question is None:
            bot = servers.send(sender, "/affirm")  # the answers read back are right: the summary
            return [r["text"] for r in bot if r.get("text")]
        assert open_question in answers, f"the assistant asked {open_question}, which the sample does not answer"
        bot = servers.send(sender, reply_for(open_question, answers[open_question]))
    pytest.fail("the questions never ended")


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_preview_matches_the_running_assistant(servers, sample):
    previewed, _ = summary_for(sample)
    said = assistant_summary(servers, yaml.safe_load(sample.read_text())["answers"])
    start = said.index(previewed[0])
    assert said[start:start + len(previewed)] == previewed

