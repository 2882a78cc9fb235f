"""validate_candidacy_form: reading replies to the open question, and which question comes next.

The free-text tables are written the way people type in a chat: lowercase,
casual, with "not sure" forms. Each reply goes through the whole step the
action server runs (ValidateCandidacyForm().run: extraction, then validation).
"""
import asyncio
import json
import re

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT

from actions import answers, candidacy_form, settings
from actions.candidacy_form import ANSWER_SLOTS, FOLLOW_UPS, ActionResetAnswers, ValidateCandidacyForm
from content_tools.checks import payload_as_sent

DID_NOT_UNDERSTAND = "utter_did_not_understand"
U = "unsure"

# question -> [(what the person typed, the schema value it must be stored as)]
FREE_TEXT_ANSWERS = {
    "symptoms_affect_daily_life": [
        ("i had to give up swimming because of my shoulder", "yes"),
        ("just the odd twinge, nothing stopping me", "no"),
        ("yes, the pain in my lower back keeps me awake", "yes"),
        ("the pain in my lower back keeps me awake", "yes"),
        ("yeah my hip hurts all the time", "yes"),
        ("i get really out of breath walking up the stairs", "yes"),
        ("i'm exhausted most days and can't work anymore", "yes"),
        ("i need painkillers just to get through the day", "yes"),
        ("i can't sleep because of the pain", "yes"),
        ("my back is killing me", "yes"),
        ("i can't walk far because of my hip", "yes"),
        ("no, i feel fine", "no"),
        ("not really, i'm getting on with my life", "no"),
        ("no pain at all", "no"),
        ("nope, it doesn't affect my day", "no"),
        ("i have some aches but it doesn't stop me doing anything", "no"),
        ("no it doesn't hurt", "no"),
        ("not at the moment", "no"),
        ("not sure", U),
        ("i don't know if it's the cancer or just getting older", U),
        ("hard to say, some days are better than others", U),
    ],
    "symptom_areas": [
        ("my lower back", ["spine"]),
        ("the pain in my lower back keeps me awake", ["spine"]),
        ("my hip and ribs", ["bone"]),
        ("headaches and my eyesight is blurry", ["brain"]),
        ("my lungs, i get short of breath", ["lung"]),
        ("my spine and my liver", ["spine", "liver"]),
        ("back and hips", ["spine", "bone"]),
        ("a lump in my armpit", ["other"]),
        ("the brain mets cause seizures", ["brain"]),
        ("my chest, i'm coughing a lot", ["lung"]),
        ("it's my back, not my liver", ["spine"]),
        ("brain and spine", ["brain", "spine"]),
        ("not sure where it comes from", [U]),
        ("no idea", [U]),
    ],
    "spread_extent": [
        ("just one area", "one_area"),
        ("only in my bones", "one_area"),
        ("it's only in my liver", "one_area"),
        ("just the spine", "one_area"),
        ("one area, my spine", "one_area"),
        ("just one spot in my spine", "one_area"),
        ("several areas", "several_areas"),
        ("it's in my bones and my liver", "several_areas"),
        ("lungs, liver and bones", "several_areas"),
        ("all over unfortunately", "several_areas"),
        ("in a few different places", "several_areas"),
        ("the scans showed it's everywhere", "several_areas"),
        ("3 areas", "several_areas"),
        ("not sure", U),
        ("my doctor never told me", U),
        ("they didn't say", U),
    ],
    "growth_count": [
        ("just one", "one"),
        ("one spot on my liver", "one"),
        ("2", "two"),
        ("a couple", "two"),
        ("three", "three_to_five"),
        ("4 tumours", "three_to_five"),
        ("a few", "three_to_five"),
        ("dozens of spots on the bone scan", "more_than_five"),
        ("too many to count", "more_than_five"),
        ("around 10", "more_than_five"),
        ("more than five", "more_than_five"),
        ("i'm not sure", U),
        ("no idea how many", U),
        ("they didn't tell me", U),
    ],
    "growth_size": [
        ("small", "small"),
        ("they're tiny, a few millimetres", "small"),
        ("the doctor said they're quite small", "small"),
        ("about the size of a pea", "small"),
        ("yes", "small"),
        ("no they're not small", "not_small"),
        ("one of them is pretty big", "not_small"),
        ("the size of a golf ball", "not_small"),
        ("no they're quite large", "not_small"),
        ("no", "not_small"),
        ("not sure", U),
        ("they didn't say", U),
        ("no idea how big they are", U),
        ("i don't know if they're small", U),
    ],
    "treatment_response": [
        ("the spots in my liver have halved", "responding"),
        ("same size as the last scan", "stable"),
        ("it's shrinking", "responding"),
        ("the tumours have shrunk a lot", "responding"),
        ("the meds are working", "responding"),
        ("my last scan was stable", "stable"),
        ("no change on the last scan", "stable"),
        ("it's not growing", "stable"),
        ("it's been growing despite the chemo", "growing"),
        ("new spots on the last scan", "growing"),
        ("the chemo didn't work", "growing"),
        ("i haven't started treatment yet", "not_started"),
        ("not yet, i start next week", "not_started"),
        ("not sure", U),
        ("they haven't told me the results yet", U),
        ("i'm not sure if it's working", U),
    ],
    "hormone_receptor_status": [
        ("ER-/PR-/HER2+", "er_negative"),
        ("er+ pr- her2-", "er_positive"),
        ("er positive", "er_positive"),
        ("it's ER+ and HER2 negative", "er_positive"),
        ("hormone positive", "er_positive"),
        ("i'm on tamoxifen", "er_positive"),
        ("it's hr+ her2-", "er_positive"),
        ("yes", "er_positive"),
        ("triple negative", "er_negative"),
        ("er negative", "er_negative"),
        ("no, it's not hormone sensitive", "er_negative"),
        ("no", "er_negative"),
        ("my doctor never told me", U),
        ("no one told me", U),
        ("her2 positive, not sure about the rest", U),
        ("not sure if it's er positive", U),
        ("they didn't tell me", U),
    ],
    "tumor_grade": [
        ("grade 2", "intermediate"),
        ("moderately differentiated", "intermediate"),
        ("grade 3", "high"),
        ("3", "high"),
        ("i don't know the grade but they said it's aggressive", "high"),
        ("it's grade one", "low"),
        ("they said it was low grade", "low"),
        ("slow growing", "low"),
        ("not sure", U),
        ("my doctor never told me", U),
        ("no idea what grade it is", U),
        ("not sure if it's grade 2", U),
    ],
    "earlier_breast_cancer": [
        ("this is my first and only diagnosis", "no"),
        ("yes, i had a lumpectomy in 2015", "yes"),
        ("it came back after 8 years", "yes"),
        ("i was treated for stage 2 years ago", "yes"),
        ("had a mastectomy and chemo back in 2012", "yes"),
        ("i was in remission for years", "yes"),
        ("no, it was stage 4 from the start", "no"),
        ("no it had already spread when they found it", "no"),
        ("this is the first time", "no"),
        ("de novo", "no"),
        ("not sure", U),
        ("i can't remember", U),
    ],
    "years_to_metastasis": [
        ("18 months", 1.5),
        ("about 6 years", 6.0),
        ("6 and a half years", 6.5),
        ("a year and a half", 1.5),
        ("5 or 6 years", 5.5),
        ("around ten years", 10.0),
        ("a decade", 10.0),
        ("8", 8.0),
        ("half a year", 0.5),
        ("it came back after 3 years", 3.0),
        ("a couple of years", 2.0),
        ("7 yrs", 7.0),
        ("not sure", U),
        ("i can't remember exactly", U),
    ],
    "daily_activity": [
        ("my daughter helps me wash and dress", "limited_self_care"),
        ("i do my own cooking but had to stop working", "up_and_about"),
        ("i can do everything i did before", "fully_active"),
        ("i still work full time", "fully_active"),
        ("i go to the gym 3 times a week", "fully_active"),
        ("light housework only, nothing heavy", "light_activity"),
        ("i get tired easily but i still do my desk job", "light_activity"),
        ("i can look after myself but i can't work", "up_and_about"),
        ("i'm up and about most of the day but can't work", "up_and_about"),
        ("i need help getting dressed and i'm in bed most of the day", "limited_self_care"),
        ("mostly in a chair", "limited_self_care"),
        ("i'm in bed all day and need help with everything", "mostly_in_bed"),
        ("bedbound", "mostly_in_bed"),
        ("not sure", U),
        ("hard to say, it changes every day", U),
    ],
    "age_65_or_older": [
        ("i'm 58", "no"),
        ("i'm 72", "yes"),
        ("68 years old", "yes"),
        ("sixty-eight", "yes"),
        ("i'm in my fifties", "no"),
        ("just turned 65", "yes"),
        ("no, i'm 47", "no"),
        ("forty five", "no"),
        ("i'm 64", "no"),
        ("late sixties", "yes"),
        ("not yet", "no"),
        ("i'd rather not say", U),
        ("prefer not to say", U),
    ],
    "other_health_conditions": [
        ("i have diabetes", "yes"),
        ("high blood pressure and asthma", "yes"),
        ("yes, heart problems", "yes"),
        ("i had a stroke a few years ago", "yes"),
        ("my kidneys aren't great", "yes"),
        ("no, just the cancer", "no"),
        ("nothing else", "no"),
        ("i'm otherwise healthy", "no"),
        ("not that i know of", "no"),
        ("no heart problems or anything", "no"),
        ("no i don't have diabetes or anything", "no"),
        ("not sure", U),
        ("i'm not sure if my blood pressure counts", U),
    ],
    "surgery_considered": [
        ("yes they mentioned surgery", "yes"),
        ("the surgeon talked about operating on my liver", "yes"),
        ("my oncologist brought up an operation", "yes"),
        ("we talked about it briefly", "yes"),
        ("no one mentioned surgery", "no"),
        ("they said surgery is not an option", "no"),
        ("it's never come up", "no"),
        ("only chemo so far", "no"),
        ("nobody has talked about surgery with me", "no"),
        ("no they haven't mentioned surgery", "no"),
        ("not that i remember", "no"),
        ("not sure", U),
        ("they said maybe, not sure", U),
    ],
    "complete_removal_likely": [
        ("yes they think they can get it all", "yes"),
        ("the surgeon said he could remove all of it", "yes"),
        ("they think they can take everything out", "yes"),
        ("hopefully, they said clear margins are possible", "yes"),
        ("no, only part of it", "no"),
        ("they can't get it all", "no"),
        ("not all of it", "no"),
        ("they want to debulk it", "no"),
        ("they said it's too risky to take it all", "no"),
        ("not sure", U),
        ("they didn't say", U),
    ],
    "main_goal": [
        ("less pain", "symptom_relief"),
        ("getting rid of the pain", "symptom_relief"),
        ("i just want to be comfortable", "symptom_relief"),
        ("quality of life matters most", "symptom_relief"),
        ("live longer", "long_term_control"),
        ("more time with my family", "long_term_control"),
        ("keep it under control for as long as possible", "long_term_control"),
        ("i want to see my kids grow up", "long_term_control"),
        ("to live as long as possible", "long_term_control"),
        ("both", "both"),
        ("both really, less pain and more time", "both"),
        ("a bit of both", "both"),
        ("not sure yet", U),
        ("i don't know, i need to think about it", U),
    ],
}

# Readings that rest on a hedge, a sum or a worked-out number: checked before storing.
# question -> [(what the person typed, the best reading offered first)]
CHECKED_ANSWERS = {
    "symptom_areas": [("liver i think", ["liver"]), ("it's the liver i think, my tummy is swollen", ["liver"])],
    "growth_count": [
        ("one in my liver and one in my lung", "two"),
        ("maybe 5", "three_to_five"),
        ("two in the liver and one in the lung", "three_to_five"),
        ("over 5 i think", "more_than_five"),
    ],
    "growth_size": [("i think they're small but i'm not sure", "small")],
    "tumor_grade": [("i think it was grade ii", "intermediate"), ("grade 2 if i remember rightly", "intermediate")],
    # a doubt only whether it counts, then the condition after "but": the condition first
    "other_health_conditions": [("not sure if it counts, but i do have high blood pressure", "yes")],
    "years_to_metastasis": [("from 2012 to 2020", 8.0)],
    # report notation read as a score: checked
    "hormone_receptor_status": [("er 90%", "er_positive"), ("oestrogen allred score 2", "er_negative")],
    "age_65_or_older": [("i was 62 when i was diagnosed in 2020", "yes")],
}
# "multiple" with no number: "not sure" offered first, the counts as the other choices.
CHECKED_ANSWERS["growth_count"].append(("the scan report just says multiple", U))
CHECKED_CASES = [
    pytest.param(slot, text, expected, id=f"{slot}: {text}")
    for slot, cases in CHECKED_ANSWERS.items()
    for text, expected in cases
]

FREE_TEXT_CASES = [
    pytest.param(slot, text, expected, id=f"{slot}: {text}")
    for slot, cases in FREE_TEXT_ANSWERS.items()
    for text, expected in cases
]

GIBBERISH = ["purple elephant", "banana", "qwerty asdf"]


# --- helpers ------------------------------------------------------------------------


def gates_open_for(slot):
    """The earlier answer that makes a follow-up question apply ({} for the others)."""
    return {FOLLOW_UPS[slot][0]: FOLLOW_UPS[slot][1]} if slot in FOLLOW_UPS else {}


def slot_sets(events):
    """{slot: value} of the SlotSet events (the later one wins, as in Rasa)."""
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


def answer_events(events):
    """SlotSet events for answers only (not requested_slot)."""
    return {name: value for name, value in slot_sets(events).items() if name in ANSWER_SLOTS}


def button_entities(value):
    return [{"entity": settings.BUTTON_ENTITY, "value": value, "start": 7, "end": 7 + len(str(value))}]


def button_payload_values(domain, slot):
    """The answer values the buttons of utter_ask_<slot> carry, read from their payloads
    (written with doubled braces, which Rasa sends as single ones)."""
    values = []
    for response in domain["responses"][f"utter_ask_{slot}"]:
        for button in response.get("buttons", []):
            match = re.fullmatch(r"/inform(\{.*\})", payload_as_sent(button["payload"]))
            assert match, f"unexpected payload {button['payload']!r} for {slot}"
            values.append(json.loads(match.group(1))[settings.BUTTON_ENTITY])
    return values


def schema_values(domain, slot):
    """The valid stored values of a question (what a button or a reading may give)."""
    if slot == "symptom_areas":
        return [[area] for area in answers.AREA_ORDER] + [[U]]
    if slot == "years_to_metastasis":
        return [0.5, 6.5, 12.0, U]
    return list(domain["slots"][slot]["values"])


def first_valid_answer(domain, slot):
    return schema_values(domain, slot)[0]


def answered_before(slot, domain, gates):
    """Every question before `slot` answered (gate answers as given, else the first valid value).

    With no gates given every gate is "yes", so a follow-up question applies.
    """
    order = list(ANSWER_SLOTS)
    filled = {}
    for question in order[: order.index(slot)]:
        filled[question] = gates.get(question, first_valid_answer(domain, question))
    applies = {q for q, (gate, yes) in FOLLOW_UPS.items() if filled.get(gate) == yes}
    return {q: v for q, v in filled.items() if q not in FOLLOW_UPS or q in applies}


def next_question(events, tracker, domain, form_questions):
    """The question the form asks next after these events.

    rasa_sdk sets requested_slot itself only when required_slots differs from the
    domain's list; otherwise Rasa's form asks the first empty slot in domain order.
    """
    explicit = [e["value"] for e in events if e.get("event") == "slot" and e["name"] == REQUESTED_SLOT]
    if explicit:
        return explicit[-1]
    slots = {**tracker.slots, **slot_sets(events)}
    return next((q for q in form_questions if slots.get(q) is None), None)


def required(tracker, domain):
    form = ValidateCandidacyForm()
    return asyncio.run(
        form.required_slots(form.domain_slots(domain), CollectingDispatcher(), tracker, domain)
    )


# --- the fixtures give what the action server receives ---------------------------------


def test_domain_is_the_real_one_with_its_slot_values(domain, form_questions):
    assert domain["slots"]["growth_count"]["values"] == ["one", "two", "three_to_five", "more_than_five", "unsure"]
    assert domain["slots"]["symptoms_affect_daily_life"]["values"] == ["yes", "no", "unsure"]  # not booleans
    assert domain["slots"]["symptom_areas"]["type"] == "list"
    assert set(form_questions) <= set(domain["slots"])
    assert "validate_candidacy_form" in domain["actions"]
    assert all(f"utter_ask_{q}" in domain["responses"] for q in form_questions)


def test_tracker_factory_builds_a_fresh_tracker(make_tracker, domain):
    first = make_tracker(text="grade 2", requested_slot="tumor_grade", slots={"growth_count": "two"})
    second = make_tracker()
    assert set(first.slots) == set(domain["slots"]) | {REQUESTED_SLOT}
    assert first.get_slot("growth_count") == "two" and second.get_slot("growth_count") is None
    assert first.active_loop == {"name": settings.FORM_NAME} and second.active_loop == {}
    assert first.latest_message["intent"] == {"name": "inform", "confidence": 0.95}
    assert first.latest_message["text"] == "grade 2" and first.events[-1]["event"] == "user"
    first.slots["tumor_grade"] = "high"
    assert make_tracker().get_slot("tumor_grade") is None
    with pytest.raises(AssertionError, match="unknown slots"):
        make_tracker(slots={"grwoth_count": "two"})


# --- the tables themselves ----------------------------------------------------------


def test_every_question_has_a_table_of_at_least_ten_replies(form_questions):
    assert list(FREE_TEXT_ANSWERS) == list(ANSWER_SLOTS) == form_questions
    short = {slot: len(cases) for slot, cases in FREE_TEXT_ANSWERS.items() if len(cases) < 10}
    assert not short


@pytest.mark.parametrize("slot", ANSWER_SLOTS)
def test_tables_cover_every_value_of_the_schema(slot, domain):
    expected = [value for _, value in FREE_TEXT_ANSWERS[slot]]
    if slot == "symptom_areas":
        named = {area for value in expected for area in value}
        assert named == set(answers.AREA_ORDER) | {U}
    elif slot == "years_to_metastasis":
        assert U in expected and any(isinstance(v, float) for v in expected)
    else:
        assert set(expected) == set(domain["slots"][slot]["values"])


# --- free text, through the whole validation step -----------------------------------


@pytest.mark.parametrize("slot, text, expected", FREE_TEXT_CASES)
def test_free_text_reply_is_stored_as_schema_value(slot, text, expected, make_tracker, run_action, sent):
    tracker = make_tracker(text=text, intent="inform", requested_slot=slot, slots=gates_open_for(slot))

    events, dispatcher = run_action(ValidateCandidacyForm(), tracker)

    stored = answer_events(events)
    assert list(stored) == [slot], f"only the open question may be set, got {stored}"
    if isinstance(expected, float):
        assert isinstance(stored[slot], float) and stored[slot] == pytest.approx(expected)
    else:
        assert stored[slot] == expected
    assert DID_NOT_UNDERSTAND not in sent.responses(dispatcher)
    # said back, so a wrong reading shows at once
    assert sent.responses(dispatcher) == ["utter_noted"]
    assert slot_sets(events)[settings.NOTED_SLOT] == slot


@pytest.mark.parametrize("slot, text, best", CHECKED_CASES)
def test_a_reading_that_is_not_sure_is_held_for_a_check_and_nothing_is_stored(
    slot, text, best, make_tracker, run_action, sent, domain
):
    tracker = make_tracker(text=text, intent="inform", requested_slot=slot, slots=answered_before(slot, domain, {}))

    events, dispatcher = run_action(ValidateCandidacyForm(), tracker)

    assert answer_events(events) == {}
    held = slot_sets(events)[settings.CONFIRM_SLOT]
    assert held["question"] == slot and held["best"] == best
    assert sent.responses(dispatcher) == []
    assert next_question(events, tracker, domain, list(ANSWER_SLOTS)) == slot


# --- the reply to a check ("Just to check: three to five growths. Is that right?") -------

CHECK_PENDING = {"question": "growth_count", "best": "three_to_five", "others": ["two"]}

# (what the person typed, intent, the value stored or None, said back, check still open)
REPLIES_TO_A_CHECK = [
    ("yes", "affirm", "three_to_five", False, False),
    ("/affirm", "affirm", "three_to_five", False, False),
    ("there are 4", "inform", "three_to_five", True, False),
    ("no, just two", "deny", "two", True, False),
    ("actually two", "inform", "two", True, False),
    ("no", "deny", None, False, False),
    ("hmm", "inform", None, False, True),
]


@pytest.mark.parametrize("text, intent, value, said_back, still_open", REPLIES_TO_A_CHECK)
def test_each_reply_to_a_check_settles_it_or_keeps_it(
    text, intent, value, said_back, still_open, make_tracker, run_action, sent, domain
):
    slots = {**answered_before("growth_count", domain, {}), settings.CONFIRM_SLOT: CHECK_PENDING}
    tracker = make_tracker(text=text, intent=intent, requested_slot="growth_count", slots=slots)

    events, dispatcher = run_action(ValidateCandidacyForm(), tracker)

    assert answer_events(events).get("growth_count") == value
    set_now = slot_sets(events)
    assert (set_now.get(settings.NOTED_SLOT) == "growth_count") == said_back
    assert ("utter_noted" in sent.responses(dispatcher)) == said_back
    assert (set_now.get(settings.CONFIRM_SLOT, CHECK_PENDING) == CHECK_PENDING) == still_open


# --- buttons --------------------------------------------------------------------------


@pytest.mark.parametrize("slot", ANSWER_SLOTS)
def test_every_button_of_the_question_is_stored(slot, domain, make_tracker, run_action, sent):
    values = button_payload_values(domain, slot)
    assert values, f"utter_ask_{slot} has no buttons"
    for value in values:
        tracker = make_tracker(
            text=f'/inform{{"answer": "{value}"}}',
            intent="inform",
            entities=button_entities(value),
            requested_slot=slot,
            slots=gates_open_for(slot),
        )
        events, dispatcher = run_action(ValidateCandidacyForm(), tracker)
        expected = [value] if slot == "symptom_areas" else value
        assert answer_events(events) == {slot: expected}
        assert sent.responses(dispatcher) == []


def stale_value(domain, slot):
    """A button value of another question that is not valid for this one."""
    valid = {json.dumps(v) for v in schema_values(domain, slot)}
    for other in ANSWER_SLOTS:
        for value in button_payload_values(domain, other):
            shaped = [value] if slot == "symptom_areas" else value
            if json.dumps(shaped) not in valid:
                return value
    raise AssertionError(f"no stale value found for {slot}")


@pytest.mark.parametrize("slot", ANSWER_SLOTS)
def test_stale_button_value_is_not_stored(slot, domain, make_tracker, run_action, sent):
    value = stale_value(domain, slot)
    tracker = make_tracker(
        text=f'/inform{{"answer": "{value}"}}',
        entities=button_entities(value),
        requested_slot=slot,
        slots=answered_before(slot, domain, {}),
    )

    events, dispatcher = run_action(ValidateCandidacyForm(), tracker)

    assert answer_events(events) == {slot: None}
    assert SlotSet(slot, None) in events
    assert sent.responses(dispatcher) == [DID_NOT_UNDERSTAND]
    assert next_question(events, tracker, domain, list(ANSWER_SLOTS)) == slot


@pytest.mark.parametrize("slot, value", [
    ("growth_count", "yes"),            # tapped under the question before
    ("tumor_grade", "er_positive"),
    ("symptom_areas", "yes"),
    ("years_to_metastasis", "yes"),
    ("main_goal", "no"),
    ("age_65_or_older", "more_than_five"),
])
def test_hand_picked_stale_buttons_are_refused(slot, value, make_tracker, run_action, sent):
    tracker = make_tracker(entities=button_entities(value), requested_slot=slot, slots=gates_open_for(slot))
    events, dispatcher = run_action(ValidateCandidacyForm(), tracker)
    assert answer_events(events) == {slot: None}
    assert sent.responses(dispatcher) == [DID_NOT_UNDERSTAND]


# --- replies that are not an answer --------------------------------------------------


@pytest.mark.parametrize("text", GIBBERISH)
@pytest.mark.parametrize("slot", ANSWER_SLOTS)
def test_gibberish_is_not_understood(slot, text, domain, make_tracker, run_action, sent):
    tracker = make_tracker(text=text, intent="inform", confidence=0.3, requested_slot=slot, slots=answered_before(slot, domain, {}))

    events, dispatcher = run_action(ValidateCandidacyForm(), tracker)

    assert SlotSet(slot, None) in events
    assert answer_events(events) == {slot: None}
    assert sent.responses(dispatcher) == [DID_NOT_UNDERSTAND]
    assert next_question(events, tracker, domain, list(ANSWER_SLOTS)) == slot


@pytest.mark.parametrize("slot", ANSWER_SLOTS)
def test_reply_to_another_question_extracts_nothing_for_this_one(slot, domain, make_tracker):
    text, _ = FREE_TEXT_ANSWERS[slot][0]
    form = ValidateCandidacyForm()
    extract = getattr(form, f"extract_{slot}")
    for other in ANSWER_SLOTS:
        if other == slot:
            continue
        tracker = make_tracker(text=text, requested_slot=other, slots=gates_open_for(slot))
        assert extract(CollectingDispatcher(), tracker, domain) == {}, f"read while {other} was open"
    # and the same reply is read when this question is the open one
    tracker = make_tracker(text=text, requested_slot=slot, slots=gates_open_for(slot))
    assert slot in extract(CollectingDispatcher(), tracker, domain)


def test_reply_to_another_question_sets_only_the_open_question(make_tracker, run_action, domain):
    # An answer that reads well for several questions is stored only for the open one.
    tracker = make_tracker(
        text="not sure",
        requested_slot="tumor_grade",
        slots={"symptoms_affect_daily_life": "yes", "earlier_breast_cancer": "yes", "surgery_considered": "yes"},
    )
    events, _ = run_action(ValidateCandidacyForm(), tracker)
    assert answer_events(events) == {"tumor_grade": U}


def test_no_question_open_extracts_nothing(make_tracker, run_action):
    tracker = make_tracker(text="grade 2", requested_slot=None, form_active=True)
    events, dispatcher = run_action(ValidateCandidacyForm(), tracker)
    assert answer_events(events) == {}
    assert dispatcher.messages == []


@pytest.mark.parametrize("slot", ANSWER_SLOTS)
@pytest.mark.parametrize("confidence", [0.6, 0.93])
def test_ask_why_keeps_the_question_open(slot, confidence, domain, make_tracker, run_action):
    text, _ = FREE_TEXT_ANSWERS[slot][0]  # even a reply that would read as an answer
    tracker = make_tracker(
        text=f"why do you ask? {text}", intent="ask_why", confidence=confidence,
        requested_slot=slot, slots=answered_before(slot, domain, {}),
    )
    assert getattr(ValidateCandidacyForm(), f"extract_{slot}")(CollectingDispatcher(), tracker, domain) == {}

    events, dispatcher = run_action(ValidateCandidacyForm(), tracker)

    assert answer_events(events) == {}
    assert dispatcher.messages == []
    assert next_question(events, tracker, domain, list(ANSWER_SLOTS)) == slot


def test_unconfident_ask_why_is_read_as_an_answer(make_tracker, run_action):
    tracker = make_tracker(text="grade 2", intent="ask_why", confidence=0.59, requested_slot="tumor_grade")
    events, _ = run_action(ValidateCandidacyForm(), tracker)
    assert answer_events(events) == {"tumor_grade": "intermediate"}


@pytest.mark.parametrize("intent", sorted(settings.DIGRESSION_INTENTS))
@pytest.mark.parametrize("text", ["what does grade 2 mean?", "why do you need my grade", "ok bye for now"])
def test_every_digression_intent_keeps_the_question_open(intent, text, domain, make_tracker, run_action):
    """A question, or a reply that answers nothing, goes to the rules; nothing is stored or refused."""
    assert "ask_why" in settings.DIGRESSION_INTENTS
    tracker = make_tracker(
        text=text, intent=intent, confidence=settings.DIGRESSION_MIN_CONFIDENCE,
        requested_slot="tumor_grade", slots=answered_before("tumor_grade", domain, {}),
    )
    events, dispatcher = run_action(ValidateCandidacyForm(), tracker)
    assert answer_events(events) == {}
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    "intent",
    sorted(settings.FIRM_DIGRESSION_INTENTS - settings.REQUESTS_AN_ANSWER_OUTWEIGHS | {settings.URGENT_INTENT}),
)
def test_firm_digressions_and_warning_signs_never_become_answers(intent, domain, make_tracker, run_action):
    tracker = make_tracker(
        text="grade 2", intent=intent, confidence=0.99,
        requested_slot="tumor_grade", slots=answered_before("tumor_grade", domain, {}),
    )
    events, dispatcher = run_action(ValidateCandidacyForm(), tracker)
    assert answer_events(events) == {}
    assert dispatcher.messages == []


@pytest.mark.parametrize("intent", sorted(settings.REQUESTS_AN_ANSWER_OUTWEIGHS))
@pytest.mark.parametrize("slot, text, stored", [
    # a sure answer that is no question: the classifier's guess gives way
    ("age_65_or_older", "she is ninety-one, still sharp as a tack", {"age_65_or_older": "yes"}),
    ("tumor_grade", "grade 2", {"tumor_grade": "intermediate"}),
    # a question, a hedged answer, "not sure", or no answer: the request stands
    ("tumor_grade", "grade 2, are you a robot?", {}),
    ("tumor_grade", "grade 2 I think", {}),
    ("tumor_grade", "no idea", {}),
    ("tumor_grade", "who made you", {}),
])
def test_a_sure_answer_outweighs_a_request_that_has_no_cue_words(intent, slot, text, stored, domain, make_tracker, run_action):
    assert intent in settings.FIRM_DIGRESSION_INTENTS
    tracker = make_tracker(
        text=text, intent=intent, confidence=0.99,
        requested_slot=slot, slots=answered_before(slot, domain, {}),
    )
    events, _ = run_action(ValidateCandidacyForm(), tracker)
    assert answer_events(events) == stored


@pytest.mark.parametrize("slot, text, stored", [
    ("tumor_grade", "sorry, I got that wrong about surgery", {}),
    ("tumor_grade", "actually I'm 64", {}),
    ("tumor_grade", "it's grade 3", {"tumor_grade": "high"}),
    # a correction word, but the words answer the open question and no other one
    ("tumor_grade", "actually it's grade 3", {"tumor_grade": "high"}),
    # "change" inside the answer to the open question corrects nothing
    ("treatment_response", "no change at all on my last three scans", {"treatment_response": "stable"}),
    ("treatment_response", "actually I want to change my age answer", {}),
])
def test_change_answer_is_a_digression_only_when_it_sounds_like_a_correction_of_another_answer(slot, text, stored, domain, make_tracker, run_action):
    tracker = make_tracker(
        text=text, intent="change_answer", confidence=0.97,
        requested_slot=slot, slots=answered_before(slot, domain, {}),
    )
    events, _ = run_action(ValidateCandidacyForm(), tracker)
    assert answer_events(events) == stored


def test_a_reply_that_corrects_itself_at_once_is_an_answer_to_the_open_question(domain, make_tracker, run_action):
    # "actually" is a correction word, but what it corrects is in the same message: checked
    tracker = make_tracker(
        text="No... well actually yes, my hip stops me gardening", intent="change_answer", confidence=0.97,
        requested_slot="symptoms_affect_daily_life", slots=answered_before("symptoms_affect_daily_life", domain, {}),
    )
    events, _ = run_action(ValidateCandidacyForm(), tracker)
    assert slot_sets(events)[settings.CONFIRM_SLOT]["best"] == "yes"


@pytest.mark.parametrize("text", ["should I have surgery or not", "am I a candidate for this", "is grade 3 bad?"])
def test_verdict_seeking_questions_are_never_stored_as_answers(text, domain, make_tracker, run_action):
    tracker = make_tracker(
        text=text, intent="ask_verdict", confidence=0.9,
        requested_slot="tumor_grade", slots=answered_before("tumor_grade", domain, {}),
    )
    events, _ = run_action(ValidateCandidacyForm(), tracker)
    assert answer_events(events) == {}


@pytest.mark.parametrize("intent", sorted(settings.SOFT_DIGRESSION_INTENTS))
def test_a_clear_answer_is_stored_even_when_the_classifier_calls_it_a_digression(
    intent, domain, make_tracker, run_action
):
    tracker = make_tracker(
        text="grade 2 from what I understand", intent=intent, confidence=0.99,
        requested_slot="tumor_grade", slots=answered_before("tumor_grade", domain, {}),
    )
    events, _ = run_action(ValidateCandidacyForm(), tracker)
    assert answer_events(events) == {"tumor_grade": "intermediate"}


# --- validators called directly --------------------------------------------------------


@pytest.mark.parametrize("slot", ANSWER_SLOTS)
def test_validator_keeps_every_schema_value(slot, domain, make_tracker, sent):
    validate = getattr(ValidateCandidacyForm(), f"validate_{slot}")
    for value in schema_values(domain, slot):
        dispatcher = CollectingDispatcher()
        assert validate(value, dispatcher, make_tracker(requested_slot=slot), domain) == {slot: value}
        assert dispatcher.messages == []


@pytest.mark.parametrize("slot, value", [
    ("symptoms_affect_daily_life", "maybe"),
    ("symptoms_affect_daily_life", True),
    ("symptom_areas", "spine"),             # not a list
    ("symptom_areas", []),
    ("symptom_areas", ["spine", "unsure"]),  # unsure only on its own
    ("symptom_areas", ["knee"]),
    ("spread_extent", "one"),
    ("growth_count", "3"),
    ("growth_count", 3),
    ("growth_size", "medium"),
    ("treatment_response", "shrinking"),
    ("hormone_receptor_status", "positive"),
    ("tumor_grade", "2"),
    ("earlier_breast_cancer", "yes please"),
    ("years_to_metastasis", -1.0),
    ("years_to_metastasis", 61.0),
    ("years_to_metastasis", True),
    ("years_to_metastasis", "6 years"),
    ("daily_activity", "active"),
    ("age_65_or_older", 70),
    ("other_health_conditions", "diabetes"),
    ("surgery_considered", "maybe"),
    ("complete_removal_likely", "partly"),
    ("main_goal", "symptom relief"),
])
def test_validator_refuses_values_outside_the_schema(slot, value, domain, make_tracker, sent):
    dispatcher = CollectingDispatcher()
    validate = getattr(ValidateCandidacyForm(), f"validate_{slot}")
    assert validate(value, dispatcher, make_tracker(requested_slot=slot), domain) == {slot: None}
    assert sent.responses(dispatcher) == [DID_NOT_UNDERSTAND]


@pytest.mark.parametrize("value", [0.0, 0.5, 60.0, 6])
def test_years_to_metastasis_range_edges_are_kept(value, domain, make_tracker):
    validate = ValidateCandidacyForm().validate_years_to_metastasis
    assert validate(value, CollectingDispatcher(), make_tracker(), domain) == {"years_to_metastasis": value}


def test_years_outside_the_plausible_range_is_not_stored(make_tracker, run_action, sent):
    tracker = make_tracker(text="75 years", requested_slot="years_to_metastasis", slots={"earlier_breast_cancer": "yes"})
    events, dispatcher = run_action(ValidateCandidacyForm(), tracker)
    assert answer_events(events) == {"years_to_metastasis": None}
    assert sent.responses(dispatcher) == [DID_NOT_UNDERSTAND]


# --- which questions apply -------------------------------------------------------------


@pytest.mark.parametrize("follow_up, gate", [(f, g) for f, (g, _) in FOLLOW_UPS.items()])
@pytest.mark.parametrize("gate_answer, asked", [("yes", True), ("no", False), (U, False), (None, False)])
def test_follow_up_is_asked_only_after_yes(follow_up, gate, gate_answer, asked, domain, make_tracker, form_questions):
    slots = required(make_tracker(slots={gate: gate_answer}), domain)
    assert (follow_up in slots) is asked
    # the other questions are never dropped, and the order is the form's order
    others = [q for q in form_questions if q not in FOLLOW_UPS]
    assert [q for q in slots if q not in FOLLOW_UPS] == others
    assert slots == [q for q in form_questions if q in slots]


def test_the_three_skips_are_the_ones_the_brief_names():
    assert FOLLOW_UPS == {
        "symptom_areas": ("symptoms_affect_daily_life", "yes"),
        "years_to_metastasis": ("earlier_breast_cancer", "yes"),
        "complete_removal_likely": ("surgery_considered", "yes"),
    }


def test_all_follow_ups_apply_when_all_gates_are_yes(domain, make_tracker, form_questions):
    tracker = make_tracker(slots={"symptoms_affect_daily_life": "yes", "earlier_breast_cancer": "yes", "surgery_considered": "yes"})
    assert required(tracker, domain) == form_questions


def test_follow_up_answer_is_not_stored_when_it_does_not_apply(make_tracker, run_action):
    # symptom_areas is open (stale), but the person said their symptoms do not affect them
    tracker = make_tracker(text="my lower back", requested_slot="symptom_areas", slots={"symptoms_affect_daily_life": "no"})
    events, _ = run_action(ValidateCandidacyForm(), tracker)
    assert "symptom_areas" not in answer_events(events)


# --- the next question ------------------------------------------------------------------

NEXT_QUESTION_CASES = [
    # (open question, reply, gate answers given earlier, expected next question)
    ("symptoms_affect_daily_life", "yes, the pain in my lower back keeps me awake", {}, "symptom_areas"),
    ("symptoms_affect_daily_life", "no, i feel fine", {}, "spread_extent"),
    ("symptoms_affect_daily_life", "not sure", {}, "spread_extent"),
    ("symptom_areas", "my lower back", {"symptoms_affect_daily_life": "yes"}, "spread_extent"),
    ("spread_extent", "just one area", {"symptoms_affect_daily_life": "no"}, "growth_count"),
    ("tumor_grade", "grade 2", {"symptoms_affect_daily_life": "no"}, "earlier_breast_cancer"),
    ("earlier_breast_cancer", "yes, i had a lumpectomy in 2015", {"symptoms_affect_daily_life": "no"}, "years_to_metastasis"),
    ("earlier_breast_cancer", "no, it was stage 4 from the start", {"symptoms_affect_daily_life": "no"}, "daily_activity"),
    ("earlier_breast_cancer", "i can't remember", {"symptoms_affect_daily_life": "yes"}, "daily_activity"),
    ("years_to_metastasis", "18 months", {"symptoms_affect_daily_life": "yes", "earlier_breast_cancer": "yes"}, "daily_activity"),
    ("surgery_considered", "yes they mentioned surgery", {"symptoms_affect_daily_life": "no", "earlier_breast_cancer": "no"}, "complete_removal_likely"),
    ("surgery_considered", "yes they mentioned surgery", {"symptoms_affect_daily_life": "yes", "earlier_breast_cancer": "yes"}, "complete_removal_likely"),
    ("surgery_considered", "no one mentioned surgery", {"symptoms_affect_daily_life": "yes", "earlier_breast_cancer": "yes"}, "main_goal"),
    ("surgery_considered", "not sure", {"symptoms_affect_daily_life": "no", "earlier_breast_cancer": "no"}, "main_goal"),
    ("complete_removal_likely", "not all of it", {"symptoms_affect_daily_life": "no", "earlier_breast_cancer": "no", "surgery_considered": "yes"}, "main_goal"),
    ("main_goal", "a bit of both", {"symptoms_affect_daily_life": "no"}, None),
]


@pytest.mark.parametrize("slot, text, gates, expected_next", NEXT_QUESTION_CASES)
def test_next_question_after_a_valid_answer(slot, text, gates, expected_next, domain, make_tracker, run_action, form_questions):
    tracker = make_tracker(text=text, requested_slot=slot, slots=answered_before(slot, domain, gates))

    events, dispatcher = run_action(ValidateCandidacyForm(), tracker)

    assert answer_events(events).get(slot) is not None
    assert next_question(events, tracker, domain, form_questions) == expected_next


def test_requested_slot_event_names_the_next_question_when_a_follow_up_is_skipped(make_tracker, run_action, domain):
    tracker = make_tracker(text="no, i feel fine", requested_slot="symptoms_affect_daily_life")
    events, _ = run_action(ValidateCandidacyForm(), tracker)
    assert events[-1] == SlotSet(REQUESTED_SLOT, "spread_extent")


def walk_through(replies, make_tracker, run_action, domain, form_questions):
    """Answers the form reply by reply as Rasa would; returns the questions asked, in order."""
    slots, asked = {}, []
    question = form_questions[0]
    while question is not None:
        asked.append(question)
        assert question in replies, f"the form asked {question}, which this path does not expect"
        tracker = make_tracker(text=replies[question], requested_slot=question, slots=slots)
        events, dispatcher = run_action(ValidateCandidacyForm(), tracker)
        assert answer_events(events).get(question) is not None, f"{question}: {replies[question]!r} not stored"
        slots.update(answer_events(events))
        question = next_question(events, make_tracker(slots=slots), domain, form_questions)
        assert len(asked) <= len(form_questions)
    return asked, slots


WHOLE_PATH = {
    "symptoms_affect_daily_life": "yes, my back is killing me",
    "symptom_areas": "my lower back and my hips",
    "spread_extent": "only in my bones",
    "growth_count": "a couple",
    "growth_size": "they're tiny",
    "treatment_response": "it's stable",
    "hormone_receptor_status": "er positive",
    "tumor_grade": "grade 2",
    "earlier_breast_cancer": "yes, it came back",
    "years_to_metastasis": "6 and a half years",
    "daily_activity": "i still work full time",
    "age_65_or_older": "i'm 58",
    "other_health_conditions": "nothing else",
    "surgery_considered": "yes they mentioned surgery",
    "complete_removal_likely": "they think they can get it all",
    "main_goal": "both",
}


def test_walk_through_with_every_follow_up(make_tracker, run_action, domain, form_questions):
    asked, slots = walk_through(WHOLE_PATH, make_tracker, run_action, domain, form_questions)
    assert asked == form_questions
    assert slots["symptom_areas"] == ["spine", "bone"]
    assert slots["years_to_metastasis"] == pytest.approx(6.5)


def test_walk_through_without_follow_ups(make_tracker, run_action, domain, form_questions):
    replies = {
        **WHOLE_PATH,
        "symptoms_affect_daily_life": "no, i feel fine",
        "earlier_breast_cancer": "no, it was stage 4 from the start",
        "surgery_considered": "no one mentioned surgery",
    }
    asked, slots = walk_through(replies, make_tracker, run_action, domain, form_questions)
    assert asked == [q for q in form_questions if q not in FOLLOW_UPS]
    assert all(slots.get(q) is None for q in FOLLOW_UPS)


# --- starting again ---------------------------------------------------------------------


def test_reset_clears_every_answer_topics_and_requested_slot(domain, make_tracker, run_action, form_questions):
    filled = {slot: first_valid_answer(domain, slot) for slot in form_questions}
    filled["summary_topics"] = ["spine_symptoms", "oligometastatic"]
    tracker = make_tracker(slots=filled, requested_slot="main_goal", form_active=False)

    events, dispatcher = run_action(ActionResetAnswers(), tracker)

    expected = {*form_questions, "summary_topics", settings.CONFIRM_SLOT, settings.NOTED_SLOT, REQUESTED_SLOT}
    assert all(event.get("event") == "slot" and event["value"] is None for event in events)
    assert {event["name"] for event in events} == expected
    assert len(events) == len(expected)
    after = {**tracker.slots, **slot_sets(events)}
    assert all(after[name] is None for name in expected)
    assert dispatcher.messages == []


@pytest.mark.parametrize("text, slot, stored", [
    ("my partner says no, nothing bothers her", "symptoms_affect_daily_life", {"symptoms_affect_daily_life": "no"}),
    ("I'm typing for my mum, she's 71", "age_65_or_older", {"age_65_or_older": "yes"}),
    ("I'm her husband", "age_65_or_older", {}),
])
def test_a_carer_typing_an_answer_is_read_as_one(text, slot, stored, domain, make_tracker, run_action):
    tracker = make_tracker(
        text=text, intent="typing_for_someone", confidence=0.9,
        requested_slot=slot, slots=answered_before(slot, domain, {}),
    )
    events, _ = run_action(ValidateCandidacyForm(), tracker)
    assert answer_events(events) == stored


@pytest.mark.parametrize("intent, confidence, keeps", [
    ("urgent_symptom", 0.3, True),  # a warning sign at any confidence
    ("feeling_scared", 0.9, True),
    ("feeling_scared", 0.4, False),  # not sure of the fear: the form reads the reply as usual
    ("talk_to_person", 0.9, False),
    ("inform", 0.99, False),
])
def test_which_pauses_keep_a_clear_answer_typed_with_them(intent, confidence, keeps):
    message = {"text": "no", "intent": {"name": intent, "confidence": confidence}}
    assert candidacy_form.pauses_and_keeps_the_answer(message) is keeps
