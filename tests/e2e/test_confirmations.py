"""Checking a reading before storing it, and saying back what was stored, against the real servers.

Through /webhooks/rest/webhook with the trained model: the check's words and
buttons as the person gets them, and each way to answer it (yes, a tap, no).
"""
import uuid
from pathlib import Path

import pytest
import yaml

RESPONSES = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text())["responses"]


def texts(replies):
    return "\n".join(r.get("text", "") for r in replies)


def buttons(replies):
    return [(b["title"], b["payload"]) for r in replies for b in r.get("buttons", [])]


def open_question(servers, sender):
    return servers.tracker(sender)["slots"]["requested_slot"]


def at_growth_count(servers):
    """A new conversation with the growth-count question open."""
    sender = f"e2e-{uuid.uuid4().hex}"
    servers.send(sender, "hello")
    servers.send(sender, "/start_questions")
    servers.send(sender, '/inform{"answer": "no"}')
    servers.send(sender, '/inform{"answer": "several_areas"}')
    assert open_question(servers, sender) == "growth_count"
    return sender


@pytest.fixture
def checked(servers):
    """A conversation where a count that had to be added up waits for a check."""
    sender = at_growth_count(servers)
    bot = servers.send(sender, "two in my liver and one in my lung")
    return sender, bot


def test_a_count_that_was_added_up_is_checked_before_it_is_stored(servers, checked):
    sender, bot = checked

    assert "Just to check: Your doctors found three to five growths outside the breast." in texts(bot)
    choices = buttons(bot)
    assert choices[0] == ("Yes, that's right", "/affirm")
    assert ("Three to five", '/inform{"answer": "three_to_five"}') not in choices
    assert ("Two", '/inform{"answer": "two"}') in choices
    slots = servers.tracker(sender)["slots"]
    assert slots["growth_count"] is None
    assert slots["requested_slot"] == "growth_count"
    # the check replaces the question: it is not asked twice
    assert "How many growths" not in texts(bot)


@pytest.mark.parametrize("reply", ["yes", "/affirm", "yes that's right"])
def test_yes_to_the_check_stores_the_reading_and_the_next_question_comes(servers, checked, reply):
    sender, _ = checked
    bot = servers.send(sender, reply)
    slots = servers.tracker(sender)["slots"]
    assert slots["growth_count"] == "three_to_five"
    assert slots["answer_to_confirm"] is None
    assert slots["requested_slot"] == "growth_size"
    assert "Just to check" not in texts(bot)


def test_tapping_another_choice_at_the_check_stores_that_choice(servers, checked):
    sender, _ = checked
    servers.send(sender, '/inform{"answer": "two"}')
    assert servers.tracker(sender)["slots"]["growth_count"] == "two"


def test_no_to_the_check_asks_the_question_again_and_stores_nothing(servers, checked):
    sender, _ = checked
    bot = servers.send(sender, "no")
    slots = servers.tracker(sender)["slots"]
    assert slots["growth_count"] is None
    assert slots["requested_slot"] == "growth_count"
    assert "How many growths" in texts(bot)


def test_typing_the_answer_at_the_check_stores_it_and_says_it_back(servers, checked):
    sender, _ = checked
    bot = servers.send(sender, "there are 4")
    assert servers.tracker(sender)["slots"]["growth_count"] == "three_to_five"
    assert "Noted: your doctors found three to five growths outside the breast." in texts(bot)


def test_a_clear_answer_is_said_back_with_the_next_question_and_no_then_the_answer_fixes_it(servers):
    sender = at_growth_count(servers)

    bot = servers.send(sender, "they found two")
    assert texts(bot).startswith("Noted: your doctors found two growths outside the breast.")
    assert open_question(servers, sender) == "growth_size"

    bot = servers.send(sender, "no, five")
    slots = servers.tracker(sender)["slots"]
    assert slots["growth_count"] == "three_to_five"
    assert slots["growth_size"] is None
    assert slots["requested_slot"] == "growth_size"
    assert "three to five growths" in texts(bot)


def test_a_warning_sign_typed_with_an_answer_gets_the_warning_first_and_the_answer_is_kept(servers):
    sender = at_growth_count(servers)
    bot = servers.send(sender, "two, and since this morning my legs have gone weak and numb")
    slots = servers.tracker(sender)["slots"]
    said = texts(bot)
    assert "urgent line" in said or "emergency number" in said
    warned_at = min(i for i in (said.find("urgent line"), said.find("emergency number")) if i >= 0)
    assert slots["growth_count"] == "two"
    assert slots["answer_to_confirm"] is None
    assert warned_at < said.index("Noted:")


def test_a_warning_sign_typed_with_an_unsure_answer_keeps_nothing_and_the_question_comes_back(servers):
    sender = at_growth_count(servers)
    bot = servers.send(sender, "maybe two? and since this morning my legs have gone weak and numb")
    assert "urgent line" in texts(bot) or "emergency number" in texts(bot)
    assert servers.tracker(sender)["slots"]["growth_count"] is None
    servers.send(sender, "go on")
    assert open_question(servers, sender) == "growth_count"


def test_a_reply_not_understood_that_names_a_body_part_also_gives_the_urgent_line(servers):
    sender = f"e2e-{uuid.uuid4().hex}"
    servers.send(sender, "hello")
    servers.send(sender, "/start_questions")
    servers.send(sender, '/inform{"answer": "no"}')
    servers.send(sender, '/inform{"answer": "several_areas"}')
    servers.send(sender, '/inform{"answer": "two"}')
    servers.send(sender, '/inform{"answer": "small"}')
    servers.send(sender, '/inform{"answer": "stable"}')
    assert open_question(servers, sender) == "hormone_receptor_status"
    bot = servers.send(sender, "my hip is funny")
    assert "didn't catch that" in texts(bot)
    assert "new or getting worse" in texts(bot)


def test_a_fear_typed_with_an_answer_gets_support_first_and_the_answer_is_kept(servers):
    sender = f"e2e-{uuid.uuid4().hex}"
    servers.send(sender, "hello")
    servers.send(sender, "/start_questions")
    assert open_question(servers, sender) == "symptoms_affect_daily_life"
    bot = servers.send(sender, "no pain at all, just scared about the scans")
    said = texts(bot)
    slots = servers.tracker(sender)["slots"]
    assert slots["symptoms_affect_daily_life"] == "no"
    assert said.index("You do not have to go on now") < said.index("Noted:")
    # the questions pause; "go on" brings the next question, not the one answered
    servers.send(sender, "go on")
    assert open_question(servers, sender) == "spread_extent"


def test_an_answer_typed_before_why_gets_the_explanation_and_is_kept(servers):
    sender = at_growth_count(servers)
    bot = servers.send(sender, "two of them. Why do you need to know?")
    said = texts(bot)
    slots = servers.tracker(sender)["slots"]
    assert slots["growth_count"] == "two"
    assert slots["requested_slot"] == "growth_size"
    # the explanation of the question asked about, then the answer said back, then the next question
    why = RESPONSES["utter_why_growth_count"][0]["text"]
    assert said.index(why) < said.index("Noted: your doctors found two growths outside the breast.")
    # "no, ..." straight after corrects the answer that was kept
    servers.send(sender, "no, three")
    assert servers.tracker(sender)["slots"]["growth_count"] == "three_to_five"
