"""The answers read back before the summary, against the real servers.

Through /webhooks/rest/webhook with the trained model: the list and its buttons, going
on to the summary in one tap or in words, and changing one answer by its button or
in words, after which the answers are read back again.
"""
import uuid
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[2]
CONTENT = yaml.safe_load((PROJECT / "content" / "summary.yml").read_text(encoding="utf-8"))
READ_BACK = "here is what you told me"


def texts(replies):
    return "\n".join(r.get("text", "") for r in replies)


def buttons(replies):
    return [(b["title"], b["payload"]) for r in replies for b in r.get("buttons", [])]


def at_read_back(servers):
    """A new conversation with every question answered "not sure" by button, at the read-back."""
    sender = f"e2e-{uuid.uuid4().hex}"
    servers.send(sender, "hello")
    bot = servers.send(sender, "/start_questions")
    for _ in range(30):
        if READ_BACK in texts(bot):
            return sender, bot
        bot = servers.send(sender, '/inform{"answer": "unsure"}')
    raise AssertionError(f"the answers were never read back: {texts(bot)[-300:]}")


def test_the_answers_are_read_back_with_a_button_for_each_before_any_summary(servers):
    sender, bot = at_read_back(servers)

    said = texts(bot)
    assert CONTENT["text"]["intro"] not in said
    assert CONTENT["told_me"]["growth_count"]["unsure"] in said
    assert CONTENT["told_me"]["age_65_or_older"]["unsure"] in said
    choices = buttons(bot)
    assert choices[0] == ("All right, show my summary", "/affirm")
    assert (CONTENT["question_names"]["age_65_or_older"], '/change_answer{"question": "age_65_or_older"}') in choices
    assert servers.tracker(sender)["slots"]["summary_topics"] is None


def test_one_tap_goes_on_to_the_summary(servers):
    sender, _ = at_read_back(servers)
    bot = servers.send(sender, "/affirm")
    assert CONTENT["text"]["intro"] in texts(bot)
    assert servers.tracker(sender)["slots"]["summary_topics"]


def test_looks_good_typed_goes_on_to_the_summary(servers):
    sender, _ = at_read_back(servers)
    bot = servers.send(sender, "looks good")
    assert CONTENT["text"]["intro"] in texts(bot)


def test_an_answer_changed_by_its_button_is_asked_again_and_the_answers_are_read_back_again(servers):
    sender, _ = at_read_back(servers)

    bot = servers.send(sender, '/change_answer{"question": "age_65_or_older"}')
    slots = servers.tracker(sender)["slots"]
    assert slots["age_65_or_older"] is None and slots["requested_slot"] == "age_65_or_older"

    bot = servers.send(sender, "I'm 58")
    assert servers.tracker(sender)["slots"]["age_65_or_older"] == "no"
    assert READ_BACK in texts(bot)
    assert CONTENT["told_me"]["age_65_or_older"]["no"] in texts(bot)
    assert CONTENT["text"]["intro"] not in texts(bot)


def test_saying_which_answer_is_wrong_in_words_asks_that_question_again(servers):
    sender, _ = at_read_back(servers)
    servers.send(sender, "the age is wrong")
    slots = servers.tracker(sender)["slots"]
    assert slots["age_65_or_older"] is None and slots["requested_slot"] == "age_65_or_older"
