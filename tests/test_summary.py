"""action_build_summary: the closing summary, driven by content/summary.yml.

The rule tests read the topics and specialists from the YAML, so a new topic is
covered without touching this file; the hand-written cases pin the behaviour
the team agreed on. Expected lines are built here from the YAML wording, not by
calling the module's own matching code.
"""
import itertools
import re

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from rasa_sdk.events import SlotSet

from actions import answers as answers_module
from actions import summary
from actions.candidacy_form import ANSWER_SLOTS
from actions.summary import ActionBuildSummary, compose_summary, reviewed_message, summary_messages

CONTENT = summary.load_content()
TEXT = CONTENT["text"]
REVIEWED = reviewed_message(CONTENT)
U = "unsure"
NUMBER_EXAMPLE = 6.5
BANNED = [r"you are a candidate", r"you are not a candidate", r"you should", r"we recommend", r"\bcur(e|es|ed|ing)\b"]
RULE_KEYS = ("when", "when_any")


# --- the answers schema, as the summary sees it ------------------------------------------


def schema_answers(domain):
    """slot -> every stored value a person can end up with."""
    values = {}
    for slot in ANSWER_SLOTS:
        if slot == "symptom_areas":
            values[slot] = [[area] for area in answers_module.AREA_ORDER] + [[U]]
        elif slot == "years_to_metastasis":
            values[slot] = [0.5, 6.0, NUMBER_EXAMPLE, 12.0, U]
        else:
            values[slot] = list(domain["slots"][slot]["values"])
    return values


def stored(slot, wanted):
    """The stored answer that a rule value names (areas are lists, a_number is a number)."""
    if slot == "symptom_areas":
        return [wanted]
    if slot == "years_to_metastasis" and wanted == summary.A_NUMBER:
        return NUMBER_EXAMPLE
    return wanted


def names_wanted(slot, answer, wanted):
    """Independent reading of one condition: does this stored answer name a wanted value?"""
    if answer is None:
        return False
    if slot == "symptom_areas":
        return any(area in wanted for area in answer)
    if slot == "years_to_metastasis" and answer != U:
        return summary.A_NUMBER in wanted
    return answer in wanted


def format_years(years):
    return f"{years:g}" if isinstance(years, float) else str(years)


def expected_line(template, given_answers):
    areas = [CONTENT["area_names"][a] for a in answers_module.AREA_ORDER if a in (given_answers.get("symptom_areas") or [])]
    joined = areas[0] if len(areas) == 1 else ", ".join(areas[:-1]) + " and " + areas[-1] if areas else ""
    return template.replace("{areas}", joined).replace("{years}", format_years(given_answers.get("years_to_metastasis")))


def rule_items(kind):
    return [item for item in CONTENT[kind] if not item.get("default")]


def section(result, heading_key):
    found = [s for s in result.sections if s.heading == TEXT[heading_key]]
    assert len(found) == 1
    return found[0].lines


def fired(kind, item, given_answers):
    result = compose_summary(given_answers, CONTENT)
    if kind == "topics":
        in_ids = item["id"] in result.topic_ids
        in_text = expected_line(item["text"], given_answers) in section(result, "topics_heading")
        assert in_ids == in_text, f"{item['id']}: topic ids and topic lines disagree"
        return in_ids
    return expected_line(item["text"], given_answers) in section(result, "specialists_heading")


def satisfying_cases(item):
    """Answers that meet the item's conditions: every wanted value of every condition."""
    every = item.get("when") or {}
    any_of = item.get("when_any") or {}
    base = {slot: stored(slot, values[0]) for slot, values in every.items()}
    cases = [{**base, slot: answer} for slot, values in every.items() for answer in wanted_answers(slot, values)]
    cases = cases or [base]
    if any_of:
        cases = [
            {**case, slot: answer}
            for case in cases
            for slot, values in any_of.items()
            for answer in wanted_answers(slot, values)
        ]
    return cases


def wanted_answers(slot, values):
    """Stored answers naming each wanted value; areas also among others ("liver and spine")."""
    found = [stored(slot, value) for value in values]
    if slot == "symptom_areas":
        others = [a for a in answers_module.AREA_ORDER if a not in values]
        found += [[other, value] for value in values if value != U for other in others[:1]]
    return found


def failing_cases(item, schema):
    """Answers that do not meet the conditions: one condition broken (or unanswered) at a time."""
    every = item.get("when") or {}
    any_of = item.get("when_any") or {}
    base = {slot: stored(slot, values[0]) for slot, values in every.items()}
    cases = []
    for slot, values in every.items():
        others = [v for v in schema[slot] if not names_wanted(slot, v, values)]
        cases += [{**base, slot: value} for value in others + [None]]
    if any_of:
        cases.append(dict(base))  # no when_any slot answered
        unmet = {slot: [v for v in schema[slot] if not names_wanted(slot, v, values)] for slot, values in any_of.items()}
        for slot, values in unmet.items():
            cases += [{**base, slot: value} for value in values]
        for combination in itertools.product(*unmet.values()):
            cases.append({**base, **dict(zip(unmet, combination))})
    return cases


RULE_CASES = [
    pytest.param(kind, item, id=f"{kind}:{item['id']}")
    for kind in ("topics", "specialists")
    for item in rule_items(kind)
]


# --- the content file itself ----------------------------------------------------------------


def test_every_rule_names_real_slots_and_values(domain):
    schema = schema_answers(domain)
    for kind in ("topics", "specialists"):
        for item in rule_items(kind):
            assert any(item.get(key) for key in RULE_KEYS), f"{item['id']} has no condition"
            for key in RULE_KEYS:
                for slot, values in (item.get(key) or {}).items():
                    assert slot in ANSWER_SLOTS, f"{item['id']}: unknown slot {slot}"
                    allowed = {v for value in schema[slot] for v in (value if isinstance(value, list) else [value])}
                    if slot == "years_to_metastasis":
                        allowed = {summary.A_NUMBER, U}
                    assert set(values) <= allowed, f"{item['id']}: {set(values) - allowed}"


def test_ids_are_unique_and_there_is_one_default_specialist():
    for kind in ("topics", "specialists", "balance"):
        ids = [item["id"] for item in CONTENT[kind]]
        assert len(ids) == len(set(ids)), kind
    assert [item["id"] for item in CONTENT["specialists"] if item.get("default")] == ["default"]
    assert not any(item.get("default") for item in CONTENT["topics"])


@pytest.mark.parametrize("slot", ANSWER_SLOTS)
def test_told_me_has_a_line_for_every_schema_value(slot, domain):
    phrases = CONTENT["told_me"][slot]
    if slot == "symptom_areas":
        assert set(phrases) == {"listed", U}
    elif slot == "years_to_metastasis":
        assert set(phrases) == {summary.A_NUMBER, U}
    else:
        assert set(phrases) == set(domain["slots"][slot]["values"])
    assert all(isinstance(p, str) and p.strip() for p in phrases.values())


def test_every_area_has_a_name():
    assert set(CONTENT["area_names"]) == set(answers_module.AREA_ORDER)


# --- every rule fires when it should, and only then ------------------------------------------


@pytest.mark.parametrize("kind, item", RULE_CASES)
def test_rule_fires_for_answers_that_satisfy_it(kind, item):
    cases = satisfying_cases(item)
    assert cases
    for given_answers in cases:
        assert fired(kind, item, given_answers), f"{item['id']} did not fire for {given_answers}"


@pytest.mark.parametrize("kind, item", RULE_CASES)
def test_rule_does_not_fire_for_answers_that_do_not_satisfy_it(kind, item, domain):
    cases = failing_cases(item, schema_answers(domain))
    assert cases
    for given_answers in cases:
        assert not fired(kind, item, given_answers), f"{item['id']} fired for {given_answers}"


# --- hand-written cases ------------------------------------------------------------------------


def topics_for(**given):
    return compose_summary(given, CONTENT).topic_ids


def specialist_lines(**given):
    return section(compose_summary(given, CONTENT), "specialists_heading")


def specialist_text(specialist_id):
    return next(item["text"] for item in CONTENT["specialists"] if item["id"] == specialist_id)


def topic_text(topic_id):
    return next(item["text"] for item in CONTENT["topics"] if item["id"] == topic_id)


def test_spine_symptoms():
    given = {"symptoms_affect_daily_life": "yes", "symptom_areas": ["spine"]}
    assert "spine_symptoms" in topics_for(**given)
    assert "brain_symptoms" not in topics_for(**given)
    assert specialist_text("spine_surgeon") in specialist_lines(**given)
    assert specialist_text("palliative_care") in specialist_lines(**given)
    assert "spine_symptoms" not in topics_for(symptoms_affect_daily_life="yes", symptom_areas=["liver"])
    both = {"symptoms_affect_daily_life": "yes", "symptom_areas": ["spine", "liver"]}
    assert {"spine_symptoms", "liver_symptoms"} <= set(topics_for(**both))


@pytest.mark.parametrize("count", ["one", "two"])
def test_one_or_two_growths_in_one_area_is_oligometastatic(count):
    assert "oligometastatic" in topics_for(growth_count=count, spread_extent="one_area")
    assert "oligometastatic" not in topics_for(growth_count=count, spread_extent="several_areas")
    assert "oligometastatic" not in topics_for(growth_count=count, spread_extent=U)
    assert "oligometastatic" not in topics_for(growth_count=count)


def test_three_to_five_growths_is_not_oligometastatic_but_few_growths():
    ids = topics_for(growth_count="three_to_five", spread_extent="one_area")
    assert "oligometastatic" not in ids and "few_growths" in ids


@pytest.mark.parametrize("age, conditions, expected", [
    ("yes", None, True),
    (None, "yes", True),
    ("yes", "yes", True),
    ("yes", "no", True),
    ("no", "yes", True),
    ("no", "no", False),
    (U, "no", False),
    (None, None, False),
])
def test_age_65_or_other_conditions_gives_age_and_health(age, conditions, expected):
    ids = topics_for(age_65_or_older=age, other_health_conditions=conditions)
    assert ("age_and_health" in ids) is expected


def test_unsure_age_or_conditions_becomes_a_question():
    assert "ask_age_and_health" in topics_for(age_65_or_older=U, other_health_conditions="no")
    assert "ask_age_and_health" in topics_for(age_65_or_older="no", other_health_conditions=U)
    assert "ask_age_and_health" not in topics_for(age_65_or_older="no", other_health_conditions="no")


@pytest.mark.parametrize("status, asks", [(U, True), ("er_positive", False), ("er_negative", False), (None, False)])
def test_unsure_receptor_status_asks_about_it(status, asks):
    ids = topics_for(hormone_receptor_status=status)
    assert ("ask_receptor_status" in ids) is asks
    assert ("cancer_type" in ids) is (status in ("er_positive", "er_negative"))


@pytest.mark.parametrize("response, topic", [
    ("growing", "treatment_growing"),
    ("responding", "treatment_working"),
    ("stable", "treatment_working"),
    ("not_started", "treatment_not_started"),
    (U, "ask_treatment_response"),
])
def test_treatment_response_topics(response, topic):
    ids = topics_for(treatment_response=response)
    treatment_topics = {"treatment_growing", "treatment_working", "treatment_not_started", "ask_treatment_response"}
    assert [i for i in ids if i in treatment_topics] == [topic]


@pytest.mark.parametrize("years, shown", [(6.5, "6.5"), (6.0, "6"), (6, "6"), (1.5, "1.5"), (0.5, "0.5"), (12.0, "12")])
def test_years_fill_time_to_spread(years, shown):
    result = compose_summary({"earlier_breast_cancer": "yes", "years_to_metastasis": years}, CONTENT)
    assert "time_to_spread" in result.topic_ids
    topics = section(result, "topics_heading")
    assert f"About {shown} years passed before the cancer spread. Ask how your team weighs this." in topics
    assert f"About {shown} years passed before the cancer spread." in section(result, "told_me_heading")


def test_unsure_years_asks_instead_of_time_to_spread():
    ids = topics_for(earlier_breast_cancer="yes", years_to_metastasis=U)
    assert "ask_years_to_spread" in ids and "time_to_spread" not in ids


@pytest.mark.parametrize("areas, told", [
    (["spine"], "The problems come from your spine."),
    (["spine", "liver"], "The problems come from your spine and your liver."),
    (["brain", "spine", "bone"], "The problems come from your brain, your spine and your bones."),
    (["other"], "The problems come from another part of your body."),
    ([U], "You are not sure where the problems come from."),
])
def test_areas_are_named_in_plain_words(areas, told):
    result = compose_summary({"symptoms_affect_daily_life": "yes", "symptom_areas": areas}, CONTENT)
    assert told in section(result, "told_me_heading")


@pytest.mark.parametrize("given, default_shown", [
    ({}, True),
    ({"growth_count": "more_than_five", "spread_extent": "several_areas"}, True),
    ({"symptoms_affect_daily_life": "no", "surgery_considered": "no"}, True),
    ({"growth_count": "two"}, False),
    ({"spread_extent": "one_area"}, False),
    ({"surgery_considered": "yes"}, False),
    ({"symptoms_affect_daily_life": "yes", "symptom_areas": ["other"]}, False),
])
def test_default_specialist_only_when_no_other_applies(given, default_shown):
    lines = specialist_lines(**given)
    default = specialist_text("default")
    assert (default in lines) is default_shown
    if default_shown:
        assert lines == [default]
    else:
        assert lines and default not in lines


@pytest.mark.parametrize("slot", ANSWER_SLOTS)
def test_every_answer_of_every_slot_has_a_told_me_line(slot, domain):
    for value in schema_answers(domain)[slot]:
        given = {slot: value}
        lines = section(compose_summary(given, CONTENT), "told_me_heading")
        phrases = CONTENT["told_me"][slot]
        if slot == "symptom_areas":
            phrase = phrases[U] if value == [U] else phrases["listed"]
        elif slot == "years_to_metastasis":
            phrase = phrases[U] if value == U else phrases[summary.A_NUMBER]
        else:
            phrase = phrases[value]
        assert lines == [expected_line(phrase, given)], f"{slot}={value!r}"


def test_told_me_lines_follow_the_order_of_the_questions(domain):
    given = {slot: schema_answers(domain)[slot][0] for slot in ANSWER_SLOTS}
    lines = section(compose_summary(given, CONTENT), "told_me_heading")
    assert len(lines) == len(ANSWER_SLOTS)
    for slot, line in zip(ANSWER_SLOTS, lines):
        phrases = CONTENT["told_me"][slot]
        key = {"symptom_areas": "listed", "years_to_metastasis": summary.A_NUMBER}.get(slot, given[slot])
        assert line == expected_line(phrases[key], given)


def test_unanswered_questions_have_no_told_me_line():
    result = compose_summary({"tumor_grade": "high"}, CONTENT)
    assert section(result, "told_me_heading") == ["The cancer is high grade (grade 3)."]


# --- wording over many answer combinations ----------------------------------------------------


def leaks(domain):
    """Schema codes that must never reach a person: values with "_", slot names, rule ids."""
    codes = {v for values in schema_answers(domain).values() for value in values
             for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and "_" in v}
    codes |= set(ANSWER_SLOTS) | {"summary_topics", "requested_slot", summary.A_NUMBER}
    codes |= {item["id"] for kind in ("topics", "specialists", "balance") for item in CONTENT[kind] if "_" in item["id"]}
    return codes


def check_messages(messages, domain_codes):
    for message in messages:
        assert "{" not in message and "}" not in message, message
        lowered = message.lower()
        for code in domain_codes:
            assert code not in lowered, f"{code!r} leaked into: {message}"
        for phrase in BANNED:
            assert not re.search(phrase, lowered), f"banned {phrase!r} in: {message}"


def test_leak_check_would_catch_a_leak(domain):
    with pytest.raises(AssertionError):
        check_messages(["Your growth_count is three_to_five."], leaks(domain))
    with pytest.raises(AssertionError):
        check_messages(["About {years} years."], leaks(domain))
    with pytest.raises(AssertionError):
        check_messages(["Surgery may cure it."], leaks(domain))
    check_messages(["Ask your team about secure, procured care."], leaks(domain))


def answers_strategy(domain):
    schema = schema_answers(domain)
    fields = {}
    for slot in ANSWER_SLOTS:
        if slot == "symptom_areas":
            areas = st.lists(st.sampled_from(answers_module.AREA_ORDER), min_size=1, max_size=6, unique=True)
            fields[slot] = st.one_of(st.none(), st.just([U]), areas)
        elif slot == "years_to_metastasis":
            number = st.floats(min_value=0, max_value=60, allow_nan=False).map(lambda y: round(y, 2))
            fields[slot] = st.one_of(st.none(), st.just(U), number, st.integers(0, 60))
        else:
            fields[slot] = st.one_of(st.none(), st.sampled_from(schema[slot]))
    return st.fixed_dictionaries(fields)


def test_many_answer_combinations_read_well(domain):
    codes = leaks(domain)
    default = specialist_text("default")
    topic_ids = {item["id"] for item in CONTENT["topics"]}

    @hypothesis_settings(max_examples=400, deadline=None, database=None, derandomize=True,
                         suppress_health_check=[HealthCheck.too_slow])
    @given(answers_strategy(domain))
    def check(given_answers):
        result = compose_summary(given_answers, CONTENT)
        messages = summary_messages(result, CONTENT)
        check_messages(messages, codes)
        assert messages[0] == TEXT["intro"] and messages[-2:] == [TEXT["closing"], REVIEWED]
        told = section(result, "told_me_heading")
        assert len(told) == sum(value is not None for value in given_answers.values())
        specialists = section(result, "specialists_heading")
        assert specialists
        assert (default in specialists) == (specialists == [default])
        assert len(result.topic_ids) == len(set(result.topic_ids)) and set(result.topic_ids) <= topic_ids

    check()


def test_every_single_answer_reads_well(domain):
    # Exhaustive over each slot's values, alone and next to one answer of every other slot.
    codes = leaks(domain)
    schema = schema_answers(domain)
    for slot, other in itertools.product(ANSWER_SLOTS, repeat=2):
        for value, other_value in itertools.product(schema[slot], schema[other]):
            given = {slot: value, other: other_value} if slot != other else {slot: value}
            check_messages(summary_messages(compose_summary(given, CONTENT), CONTENT), codes)


def test_the_written_content_has_no_banned_phrase_or_code(domain):
    shown = [TEXT["intro"], TEXT["closing"], *CONTENT["area_names"].values()]
    shown += [phrase for phrases in CONTENT["told_me"].values() for phrase in phrases.values()]
    shown += [item["text"] for kind in ("topics", "specialists", "balance") for item in CONTENT[kind]]
    for text in shown:
        lowered = text.lower()
        assert not any(re.search(phrase, lowered) for phrase in BANNED), text
        assert not any(code in lowered for code in leaks(domain)), text


# --- the action --------------------------------------------------------------------------------


FULL_ANSWERS = {
    "symptoms_affect_daily_life": "yes",
    "symptom_areas": ["spine"],
    "spread_extent": "one_area",
    "growth_count": "one",
    "growth_size": "small",
    "treatment_response": "growing",
    "hormone_receptor_status": U,
    "tumor_grade": "high",
    "earlier_breast_cancer": "yes",
    "years_to_metastasis": 6.5,
    "daily_activity": "fully_active",
    "age_65_or_older": "no",
    "other_health_conditions": "no",
    "surgery_considered": "no",
    "complete_removal_likely": None,
    "main_goal": "symptom_relief",
}


def test_action_sends_intro_first_closing_last_and_returns_the_topics(make_tracker, run_action, sent):
    tracker = make_tracker(text="/start_questions", slots=FULL_ANSWERS, form_active=False)

    events, dispatcher = run_action(ActionBuildSummary(), tracker)

    texts = sent.texts(dispatcher)
    assert len(texts) == len(dispatcher.messages) == 7  # intro, four sections, closing, review date
    assert texts[0] == TEXT["intro"] and texts[-2:] == [TEXT["closing"], REVIEWED]
    assert texts[1].startswith(TEXT["told_me_heading"])
    assert "- The problems come from your spine." in texts[1].splitlines()
    assert texts[2].startswith(TEXT["topics_heading"])
    assert texts[3].startswith(TEXT["specialists_heading"])
    assert texts[4].startswith(TEXT["balance_heading"])
    expected_topics = [
        "spine_symptoms", "symptom_relief", "oligometastatic", "treatment_growing",
        "cancer_type", "time_to_spread", "goal_relief", "ask_receptor_status",
    ]
    assert events == [SlotSet("summary_topics", expected_topics)]
    assert "- " + expected_line(topic_text("time_to_spread"), FULL_ANSWERS) in texts[2].splitlines()
    assert "About 6.5 years passed" in texts[2]


def test_action_with_no_answers_still_frames_the_summary(make_tracker, run_action, sent):
    events, dispatcher = run_action(ActionBuildSummary(), make_tracker(form_active=False))
    texts = sent.texts(dispatcher)
    assert texts[0] == TEXT["intro"] and texts[-2:] == [TEXT["closing"], REVIEWED]
    assert not any(text.startswith(TEXT["told_me_heading"]) for text in texts)
    assert any(specialist_text("default") in text for text in texts)
    assert events == [SlotSet("summary_topics", [])]


def test_the_review_date_is_given_in_words():
    content = {**CONTENT, "reviewed": "2026-03-05"}
    assert reviewed_message(content) == TEXT["reviewed_line"].format(reviewed_on="5 March 2026")
    assert "5 March 2026" in reviewed_message(content)
