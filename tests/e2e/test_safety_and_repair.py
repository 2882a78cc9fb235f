"""Warning signs, questions along the way, changing answers and honest refusals,
through the real servers (REST channel and tracker API)."""
import uuid
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((PROJECT / "domain.yml").read_text())["responses"]


def data_responses(name):
    return yaml.safe_load((PROJECT / "data" / "nlu" / name).read_text())["responses"]


def response_text(responses, name):
    return " ".join(responses[name][0]["text"].split())


def said(replies) -> str:
    return "\n".join(" ".join(r.get("text", "").split()) for r in replies)


def new_sender():
    return f"e2e-{uuid.uuid4().hex}"


def open_question(servers, sender):
    return servers.tracker(sender)["slots"]["requested_slot"]


def begin(servers, sender, *answers):
    servers.send(sender, "hello")
    servers.send(sender, "let's start")
    for answer in answers:
        servers.send(sender, answer)


def test_warning_sign_at_the_start_gets_an_urgent_answer(servers):
    sender = new_sender()
    replies = servers.send(sender, "my legs have gone weak and I can't walk properly")
    assert response_text(DOMAIN, "utter_urgent_spinal_cord") in said(replies)


def test_warning_sign_mid_questions_pauses_them_and_nothing_is_lost(servers):
    sender = new_sender()
    begin(servers, sender, "no, I feel fine", "just one area")
    assert open_question(servers, sender) == "growth_count"

    replies = servers.send(sender, "I just had a fit")
    assert response_text(DOMAIN, "utter_urgent_seizure") in said(replies)
    slots = servers.tracker(sender)["slots"]
    assert slots["growth_count"] is None
    assert slots["symptoms_affect_daily_life"] == "no" and slots["spread_extent"] == "one_area"

    servers.send(sender, "go on")
    assert open_question(servers, sender) == "growth_count"


def test_calm_mention_is_read_as_an_answer_not_a_warning(servers):
    sender = new_sender()
    begin(servers, sender)
    replies = servers.send(sender, "no, my back feels the same as last month")
    assert "urgent line" not in said(replies)
    assert servers.tracker(sender)["slots"]["symptoms_affect_daily_life"] == "no"


def test_glossary_question_mid_questions_is_answered_and_the_question_stays_open(servers):
    sender = new_sender()
    begin(servers, sender, "no", "one area")
    replies = servers.send(sender, "what does oligometastatic mean?")
    assert response_text(data_responses("glossary.yml"), "utter_glossary/oligometastatic") in said(replies)
    assert open_question(servers, sender) == "growth_count"


def test_verdict_question_gets_an_honest_answer(servers):
    sender = new_sender()
    begin(servers, sender)
    replies = servers.send(sender, "so should I have surgery or not?")
    assert response_text(data_responses("refusals.yml"), "utter_ask_verdict/should_i") in said(replies)
    assert open_question(servers, sender) == "symptoms_affect_daily_life"


def test_an_answer_typed_before_a_verdict_question_is_kept_after_the_honest_answer(servers):
    sender = new_sender()
    begin(servers, sender)
    replies = servers.send(sender, "Yes, a lot. Am I a candidate for surgery?")
    verdicts = [response_text(data_responses("refusals.yml"), name)
                for name in data_responses("refusals.yml") if name.startswith("utter_ask_verdict/")]
    assert any(verdict in said(replies) for verdict in verdicts)
    slots = servers.tracker(sender)["slots"]
    assert slots["symptoms_affect_daily_life"] == "yes"
    assert slots["requested_slot"] == "symptom_areas"


def test_skip_records_not_sure_and_moves_on(servers):
    sender = new_sender()
    begin(servers, sender, "skip this one")
    slots = servers.tracker(sender)["slots"]
    assert slots["symptoms_affect_daily_life"] == "unsure"
    assert slots["requested_slot"] == "spread_extent"


def test_changed_answer_after_the_summary_changes_the_summary(servers):
    sender = new_sender()
    begin(servers, sender)
    for _ in range(20):
        if open_question(servers, sender) is None:
            break
        servers.send(sender, '/inform{"answer": "unsure"}')
    servers.send(sender, "/affirm")  # the answers read back are right: the summary
    assert "ask_age_and_health" in servers.tracker(sender)["slots"]["summary_topics"]

    replies = servers.send(sender, "actually I'm 72")
    slots = servers.tracker(sender)["slots"]
    assert slots["age_65_or_older"] == "yes"
    assert "age_and_health" in slots["summary_topics"]
    assert "You are 65 or older." in said(replies)


def test_start_over_asks_first_and_keeps_answers_on_no(servers):
    sender = new_sender()
    begin(servers, sender, "no", "one area")
    replies = servers.send(sender, "I want to start over")
    assert response_text(DOMAIN, "utter_confirm_start_over") in said(replies)
    servers.send(sender, "no")
    assert servers.tracker(sender)["slots"]["spread_extent"] == "one_area"
    servers.send(sender, "start over")
    servers.send(sender, "yes")
    slots = servers.tracker(sender)["slots"]
    assert slots["spread_extent"] is None and slots["requested_slot"] == "symptoms_affect_daily_life"


def test_feeling_scared_gets_support_and_the_questions_wait(servers):
    sender = new_sender()
    begin(servers, sender, "no")
    replies = servers.send(sender, "I'm so scared, this is too much")
    assert "makes sense to feel this way" in said(replies)
    assert open_question(servers, sender) is None
    servers.send(sender, "ok, let's carry on")
    assert open_question(servers, sender) == "spread_extent"
