"""action_build_summary in the web chat: the same text messages as on every channel,
plus, first, one custom message with the same summary as sections for the widget's card.

Expected sections are read back from the text messages, not from the module's helpers.
"""
import pytest

from actions import summary
from actions.summary import ActionBuildSummary, reviewed_message

CONTENT = summary.load_content()
TEXT = CONTENT["text"]
BULLET = TEXT["bullet"]

ANSWERS = {
    "symptoms_affect_daily_life": "yes",
    "symptom_areas": ["spine"],
    "spread_extent": "one_area",
    "growth_count": "two",
    "treatment_response": "stable",
    "age_65_or_older": "no",
    "main_goal": "both",
}


def tracker_from(make_tracker, channel):
    user_event = {"event": "user", "text": "/inform", "parse_data": {}, "input_channel": channel}
    return make_tracker(
        slots=ANSWERS, form_active=False, events=[{"event": "action", "name": "action_listen"}, user_event]
    )


def sections_in(texts):
    """heading + bullet lines of each section message (between the intro and the closing words)."""
    sections = []
    for text in texts[1:-2]:
        heading, *bullets = text.splitlines()
        assert all(line.startswith(BULLET) for line in bullets)
        sections.append({"heading": heading, "lines": [line[len(BULLET):] for line in bullets]})
    return sections


def test_web_chat_gets_the_summary_as_sections_first_then_the_same_texts(make_tracker, run_action, sent):
    _, on_rest = run_action(ActionBuildSummary(), tracker_from(make_tracker, "rest"))
    events, on_web = run_action(ActionBuildSummary(), tracker_from(make_tracker, "socketio"))

    first, *rest = on_web.messages
    card = first["custom"]["data"]["summary"]
    texts = sent.texts(on_web)
    assert texts == sent.texts(on_rest), "the text messages must not depend on the channel"
    assert len(rest) == len(texts)
    assert card["messages"] == texts
    assert card["intro"] == texts[0] == TEXT["intro"]
    assert card["closing"] == texts[-2] == TEXT["closing"]
    assert card["reviewed"] == texts[-1] == reviewed_message(CONTENT)
    assert card["sections"] == sections_in(texts)
    assert [s["heading"] for s in card["sections"]][:2] == [TEXT["told_me_heading"], TEXT["topics_heading"]]
    assert events[-1]["name"] == "summary_topics" and events[-1]["value"]


@pytest.mark.parametrize("channel", ["rest", None, "cmdline"])
def test_other_channels_get_only_the_text_messages(make_tracker, run_action, channel):
    _, dispatcher = run_action(ActionBuildSummary(), tracker_from(make_tracker, channel))
    assert not any(message.get("custom") for message in dispatcher.messages)
    assert all(message.get("text") for message in dispatcher.messages)


def test_card_skips_empty_sections_like_the_text_does(make_tracker, run_action, sent):
    tracker = make_tracker(
        form_active=False,
        events=[{"event": "user", "text": "/start_questions", "parse_data": {}, "input_channel": "socketio"}],
    )
    _, dispatcher = run_action(ActionBuildSummary(), tracker)
    card = dispatcher.messages[0]["custom"]["data"]["summary"]
    assert TEXT["told_me_heading"] not in [s["heading"] for s in card["sections"]]
    assert card["sections"] == sections_in(sent.texts(dispatcher))
