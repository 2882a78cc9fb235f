"""Whole conversations in free text through /webhooks/rest/webhook, against the real servers.

Each step reads the open question (requested_slot) from the tracker API and sends
the patient's own words for it, so the order of questions and the conditional
skips are checked too.
"""
import uuid
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[2]

CONTENT = yaml.safe_load((PROJECT / "content" / "summary.yml").read_text())
TOPIC_TEXT = {t["id"]: t["text"] for t in CONTENT["topics"]}

SPINE_PAIN = {
    "replies": {
        "symptoms_affect_daily_life": "the pain in my lower back makes the shopping hard",
        "symptom_areas": "it's coming from my spine",
        "spread_extent": "just the one area, my spine",
        "growth_count": "they found two spots",
        "growth_size": "the doctor said they're small",
        "treatment_response": "the last scan showed it's stable",
        "hormone_receptor_status": "it's ER positive",
        "tumor_grade": "grade 2",
        "earlier_breast_cancer": "yes, I had a lumpectomy years ago",
        "years_to_metastasis": "about 6 and a half years",
        "daily_activity": "I can only do light work now",
        "age_65_or_older": "I'm 58",
        "other_health_conditions": "no, otherwise healthy",
        "surgery_considered": "the surgeon mentioned an operation on my spine",
        "complete_removal_likely": "they think they can get it all",
        "main_goal": "both really",
    },
    "stored": {
        "symptoms_affect_daily_life": "yes",
        "symptom_areas": ["spine"],
        "spread_extent": "one_area",
        "growth_count": "two",
        "growth_size": "small",
        "treatment_response": "stable",
        "hormone_receptor_status": "er_positive",
        "tumor_grade": "intermediate",
        "earlier_breast_cancer": "yes",
        "years_to_metastasis": 6.5,
        "daily_activity": "light_activity",
        "age_65_or_older": "no",
        "other_health_conditions": "no",
        "surgery_considered": "yes",
        "complete_removal_likely": "yes",
        "main_goal": "both",
    },
    "topics": {"spine_symptoms", "oligometastatic", "time_to_spread", "surgery_removal", "goal_control"},
    "not_topics": {"age_and_health", "widespread", "ask_receptor_status"},
}

UNSURE_AND_OLDER = {
    "replies": {
        "symptoms_affect_daily_life": "not really, I feel fine most days",
        "spread_extent": "no idea",
        "growth_count": "my doctor never told me",
        "growth_size": "I'm not sure",
        "treatment_response": "I haven't started treatment yet",
        "hormone_receptor_status": "nobody told me that",
        "tumor_grade": "I can't remember",
        "earlier_breast_cancer": "no, it was stage 4 from the start",
        "daily_activity": "I need help getting dressed and I'm in bed most of the day",
        "age_65_or_older": "I'm 71",
        "other_health_conditions": "diabetes and heart failure",
        "surgery_considered": "no one has mentioned surgery",
        "main_goal": "I'm not sure yet",
    },
    "stored": {
        "symptoms_affect_daily_life": "no",
        "symptom_areas": None,
        "spread_extent": "unsure",
        "growth_count": "unsure",
        "growth_size": "unsure",
        "treatment_response": "not_started",
        "hormone_receptor_status": "unsure",
        "tumor_grade": "unsure",
        "earlier_breast_cancer": "no",
        "years_to_metastasis": None,
        "daily_activity": "limited_self_care",
        "age_65_or_older": "yes",
        "other_health_conditions": "yes",
        "surgery_considered": "no",
        "complete_removal_likely": None,
        "main_goal": "unsure",
    },
    "topics": {
        "ask_spread_extent", "ask_growth_count", "ask_receptor_status", "ask_tumor_grade",
        "spread_at_diagnosis", "daily_activity", "age_and_health", "ask_main_goal",
    },
    "not_topics": {"oligometastatic", "surgery_removal", "time_to_spread", "spine_symptoms"},
}

WIDESPREAD = {
    "replies": {
        "symptoms_affect_daily_life": "yes, this cough wears me out",
        "symptom_areas": "my lungs and my liver",
        "spread_extent": "it's all over the place",
        "growth_count": "dozens of spots on the scans",
        "growth_size": "some of them are quite big",
        "treatment_response": "it keeps growing even on chemo",
        "hormone_receptor_status": "triple negative",
        "tumor_grade": "high grade",
        "earlier_breast_cancer": "yes, I was treated in 2015",
        "years_to_metastasis": "it was 2015 and it came back in 2019",
        "daily_activity": "I look after myself but I can't work any more",
        "age_65_or_older": "seventy two",
        "other_health_conditions": "just the cancer",
        "surgery_considered": "not sure",
        "main_goal": "mainly to breathe easier",
    },
    "stored": {
        "symptoms_affect_daily_life": "yes",
        "symptom_areas": ["lung", "liver"],
        "spread_extent": "several_areas",
        "growth_count": "more_than_five",
        "growth_size": "not_small",
        "treatment_response": "growing",
        "hormone_receptor_status": "er_negative",
        "tumor_grade": "high",
        "earlier_breast_cancer": "yes",
        "years_to_metastasis": 4.0,
        "daily_activity": "up_and_about",
        "age_65_or_older": "yes",
        "other_health_conditions": "no",
        "surgery_considered": "unsure",
        "complete_removal_likely": None,
        "main_goal": "symptom_relief",
    },
    "topics": {"lung_symptoms", "liver_symptoms", "widespread", "treatment_growing", "ask_surgery", "goal_relief"},
    "not_topics": {"oligometastatic", "goal_control", "surgery_removal"},
}


def texts(replies: list) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def slots(servers, sender):
    return servers.tracker(sender)["slots"]


READ_BACK = "here is what you told me"


def answer_every_question(servers, sender, replies, checks=None):
    """Answers whatever question is open until the summary; returns the questions asked and the last replies.

    The read-back before the summary is accepted with "looks good".

    A reading the assistant asks to check is confirmed with "yes" (recorded in `checks`).
    """
    asked = []
    bot = servers.send(sender, "hello")
    assert "do not give medical advice" in texts(bot)
    bot = servers.send(sender, "yes please, let's start")
    for _ in range(40):
        current = slots(servers, sender)
        open_question = current["requested_slot"]
        if open_question is None:
            # the answers are read back first; "looks good" (typed, through the NLU) gives the summary
            assert READ_BACK in texts(bot), texts(bot)[-300:]
            return asked, servers.send(sender, "looks good")
        if (current.get("answer_to_confirm") or {}).get("question") == open_question:
            assert "Just to check" in texts(bot)
            if checks is not None:
                checks.append(open_question)
            bot = servers.send(sender, "yes")
            continue
        assert open_question in replies, f"asked {open_question}, which should have been skipped"
        asked.append(open_question)
        bot = servers.send(sender, replies[open_question])
    pytest.fail(f"the questions never ended: {asked[-6:]} {texts(bot)[-300:]}")


@pytest.mark.parametrize("patient", [SPINE_PAIN, UNSURE_AND_OLDER, WIDESPREAD], ids=["spine_pain", "unsure_and_older", "widespread"])
def test_free_text_conversation_reaches_summary_with_right_topics(servers, patient):
    sender = f"e2e-{uuid.uuid4().hex}"
    asked, last_replies = answer_every_question(servers, sender, patient["replies"])

    assert asked == list(patient["replies"]), "questions asked out of order or one was skipped"
    stored = slots(servers, sender)
    for slot, expected in patient["stored"].items():
        assert stored[slot] == pytest.approx(expected) if isinstance(expected, float) else stored[slot] == expected, slot

    summary = texts(last_replies)
    assert CONTENT["text"]["intro"] in summary
    assert CONTENT["text"]["closing"] in summary
    topics = set(stored["summary_topics"])
    assert patient["topics"] <= topics
    assert not (patient["not_topics"] & topics)
    for topic in patient["topics"] - {"time_to_spread"}:
        assert TOPIC_TEXT[topic] in summary
    assert "Start again" in [b["title"] for r in last_replies for b in r.get("buttons", [])]


def test_welcome_comes_first_even_when_the_first_message_is_not_a_greeting(servers):
    sender = f"e2e-{uuid.uuid4().hex}"
    bot = servers.send(sender, "let's start")
    assert "do not give medical advice" in bot[0]["text"]
    current = slots(servers, sender)
    assert current["requested_slot"] == "symptoms_affect_daily_life"
    assert current["summary_topics"] is None, "no summary may be built before the questions end"


def test_why_asking_keeps_the_question_open(servers):
    sender = f"e2e-{uuid.uuid4().hex}"
    servers.send(sender, "hi")
    servers.send(sender, "let's start")
    servers.send(sender, "yes, the pain is bad")
    assert slots(servers, sender)["requested_slot"] == "symptom_areas"

    bot = servers.send(sender, "why are you asking?")
    why = yaml.safe_load((PROJECT / "domain.yml").read_text())["responses"]["utter_why_symptom_areas"][0]["text"]
    assert why in texts(bot)
    assert slots(servers, sender)["requested_slot"] == "symptom_areas"
    assert slots(servers, sender)["symptom_areas"] is None

    bot = servers.send(sender, "my hips and ribs")
    assert slots(servers, sender)["symptom_areas"] == ["bone"]


def test_reply_not_understood_is_not_stored_and_choices_come_again(servers):
    sender = f"e2e-{uuid.uuid4().hex}"
    servers.send(sender, "hello")
    servers.send(sender, "start")
    bot = servers.send(sender, "purple elephant banana")
    assert "didn't catch that" in texts(bot)
    assert [b["title"] for r in bot for b in r.get("buttons", [])] == ["Yes", "No", "Not sure"]
    current = slots(servers, sender)
    assert current["requested_slot"] == "symptoms_affect_daily_life"
    assert current["symptoms_affect_daily_life"] is None


def test_tapped_button_is_stored(servers):
    sender = f"e2e-{uuid.uuid4().hex}"
    servers.send(sender, "hello")
    servers.send(sender, "/start_questions")
    servers.send(sender, '/inform{"answer": "no"}')
    servers.send(sender, '/inform{"answer": "several_areas"}')
    current = slots(servers, sender)
    assert current["symptoms_affect_daily_life"] == "no"
    assert current["spread_extent"] == "several_areas"
    assert current["requested_slot"] == "growth_count"


def test_patient_text_is_not_logged_at_default_level(servers):
    sender = f"e2e-{uuid.uuid4().hex}"
    marker = "zebra-marker-4417 lives in my lower back"
    servers.send(sender, "hello")
    servers.send(sender, "start")
    servers.send(sender, marker)
    assert "zebra-marker-4417" not in servers.logs()


def test_answers_are_not_logged_and_choices_arrive_with_single_braces(servers):
    """Rasa fills placeholders in button payloads too; one it cannot fill makes it log every
    slot, the person's answers, at ERROR level. Payloads are written so that none fails."""
    sender = f"e2e-{uuid.uuid4().hex}"
    servers.send(sender, "hello")
    asked = servers.send(sender, "/start_questions")
    payloads = [b["payload"] for reply in asked for b in reply.get("buttons", [])]
    assert '/inform{"answer": "unsure"}' in payloads
    servers.send(sender, '/inform{"answer": "yes"}')
    servers.send(sender, '/inform{"answer": "spine"}')
    logs = servers.logs()
    assert "interpolator" not in logs
    # the action names action_ask_<question> are listed at start-up; no slot name appears otherwise
    logged = "\n".join(line for line in logs.splitlines() if "Registered function for 'action_ask_" not in line)
    assert "symptoms_affect_daily_life" not in logged


def test_the_action_server_runs_without_tensorflow(servers):
    """scripts/action_server.py keeps TensorFlow out (spaCy would load it for nothing)."""
    servers.send(f"e2e-{uuid.uuid4().hex}", "hello")  # the actions have run at least once
    mapped = Path(f"/proc/{servers.pids['actions']}/maps").read_text()
    assert "spacy" in mapped and "libtensorflow" not in mapped


def test_stopping_partway_keeps_answers_and_start_goes_on_from_there(servers):
    sender = f"e2e-{uuid.uuid4().hex}"
    servers.send(sender, "hello")
    servers.send(sender, "let's start")
    servers.send(sender, "no, I feel fine")
    servers.send(sender, "just one area")
    bot = servers.send(sender, "I have to go now, bye")
    assert "kept your answers" in texts(bot)
    assert slots(servers, sender)["requested_slot"] is None

    servers.send(sender, "hello")
    servers.send(sender, "start")
    current = slots(servers, sender)
    assert current["symptoms_affect_daily_life"] == "no"
    assert current["spread_extent"] == "one_area"
    assert current["requested_slot"] == "growth_count"
