"""actions/answers.py: each question's reader, called directly.

The realistic reply tables live in test_candidacy_form.py (through the whole
validation step); here are the readers' rules: what the intent adds, what is
out of range, what is contradictory, and the small helpers.
"""
import datetime

import pytest

from actions import answers, settings
from actions.answers import interpret

U = "unsure"
YES_NO_QUESTIONS = [
    "symptoms_affect_daily_life",
    "earlier_breast_cancer",
    "other_health_conditions",
    "surgery_considered",
    "complete_removal_likely",
    "age_65_or_older",
]


def test_readers_follow_the_forms_question_order(form_questions):
    assert list(answers.READERS) == form_questions


@pytest.mark.parametrize("intent", [None, "inform", "nlu_fallback", "greet"])
@pytest.mark.parametrize("slot", list(answers.READERS))
def test_nothing_to_read_gives_none(slot, intent):
    for text in ["purple elephant", "", "   ", "hmm"]:
        assert interpret(slot, text, intent) is None, f"{slot}: {text!r}"


# What the intent says when the words themselves say nothing ("mhm").
INTENT_ONLY = {
    # question: (affirm, deny, unsure)
    "symptoms_affect_daily_life": ("yes", "no", U),
    "symptom_areas": (None, None, [U]),
    "spread_extent": (None, None, U),
    "growth_count": (None, None, U),
    "growth_size": ("small", "not_small", U),
    "treatment_response": (None, None, U),
    "hormone_receptor_status": ("er_positive", "er_negative", U),
    "tumor_grade": (None, None, U),
    "earlier_breast_cancer": ("yes", "no", U),
    "years_to_metastasis": (None, None, U),
    "daily_activity": (None, None, U),
    "age_65_or_older": ("yes", "no", U),
    "other_health_conditions": ("yes", "no", U),
    "surgery_considered": ("yes", "no", U),
    "complete_removal_likely": ("yes", "no", U),
    "main_goal": (None, None, U),
}


def test_intent_table_covers_every_question():
    assert set(INTENT_ONLY) == set(answers.READERS)


@pytest.mark.parametrize("slot", list(INTENT_ONLY))
@pytest.mark.parametrize("position, intent", enumerate(["affirm", "deny", "unsure"]))
def test_intent_decides_only_when_the_words_say_nothing(slot, position, intent):
    assert interpret(slot, "mhm", intent) == INTENT_ONLY[slot][position]


@pytest.mark.parametrize("slot, text, intent, expected", [
    # the words win over a misread intent
    ("surgery_considered", "no one mentioned surgery", "affirm", "no"),
    ("symptoms_affect_daily_life", "the pain in my lower back keeps me awake", "deny", "yes"),
    ("other_health_conditions", "i have diabetes", "unsure", "yes"),
    ("tumor_grade", "grade 3", "unsure", "high"),
    ("age_65_or_older", "i'm 58", "affirm", "no"),
    ("growth_size", "they're tiny", "deny", "small"),
    ("hormone_receptor_status", "triple negative", "affirm", "er_negative"),
    # "not sure" in the words wins over a yes/no intent
    ("earlier_breast_cancer", "i can't remember", "affirm", U),
])
def test_words_win_over_the_intent(slot, text, intent, expected):
    assert interpret(slot, text, intent) == expected


@pytest.mark.parametrize("slot", YES_NO_QUESTIONS)
@pytest.mark.parametrize("text, expected", [
    ("yes", "yes"), ("yeah", "yes"), ("yep", "yes"), ("YES", "yes"),
    ("no", "no"), ("nope", "no"), ("nah", "no"),
    ("not sure", U), ("i don't know", U), ("no idea", U), ("idk", U),
])
def test_plain_yes_no_and_unsure(slot, text, expected):
    assert interpret(slot, text, "inform") == expected


@pytest.mark.parametrize("slot, text", [
    ("symptoms_affect_daily_life", "yes and no"),
    ("tumor_grade", "grade 2 or 3"),
    ("tumor_grade", "grade 2-3"),
    ("tumor_grade", "low or high, i forget which"),
    ("growth_count", "one or two"),
    ("growth_count", "2 or 3"),
    ("hormone_receptor_status", "er positive and er negative"),
    ("treatment_response", "some shrank and some grew"),
    ("years_to_metastasis", "2 years, no wait 3 years"),
    ("age_65_or_older", "i'm 58, my husband is 70"),
])
def test_replies_that_contradict_themselves_are_never_stored_without_asking(slot, text):
    reading = answers.read(slot, text, "inform")
    assert reading.value is None or not reading.sure


@pytest.mark.parametrize("slot, text, best, other", [
    ("tumor_grade", "grade 2 or 3", "intermediate", "high"),
    ("growth_count", "2 or 3", "two", "three_to_five"),
    ("hormone_receptor_status", "er positive and er negative", "er_positive", "er_negative"),
])
def test_a_torn_reply_offers_each_reading_in_the_order_it_was_said(slot, text, best, other):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure, reading.others) == (best, False, (other,))


@pytest.mark.parametrize("slot, text, expected", [
    # added up
    ("growth_count", "one in my liver and two in my lung", "three_to_five"),
    # worked out from two calendar years
    ("years_to_metastasis", "first diagnosed in 2015 and it came back in 2021", 6),
    # a flipped word
    ("hormone_receptor_status", "it is not er positive", "er_negative"),
    # hedged
    ("growth_count", "i think there are two", "two"),
    ("tumor_grade", "grade 3 if i remember rightly", "high"),
    # a double negative
    ("symptoms_affect_daily_life", "it's not that it doesn't bother me, it does", "yes"),
    # a long reply the classifier alone calls yes
    ("other_health_conditions", "well there is the usual stuff that comes with getting on a bit", "yes"),
])
def test_a_reading_that_rests_on_arithmetic_a_flip_a_hedge_or_the_classifier_is_checked(slot, text, expected):
    reading = answers.read(slot, text, "affirm")
    assert (reading.value, reading.sure) == (expected, False)


@pytest.mark.parametrize("slot, text, expected", [
    # added after round 12 (our own sentences): nobody said is not a "no"; "he doesn't" is
    ("growth_size", "the doctor never told us", "unsure"),
    ("growth_size", "they did not mention how big", "unsure"),
    ("surgery_considered", "they didn't mention an operation", "no"),
    ("symptoms_affect_daily_life", "she doesn't, she still does all her own cooking", "no"),
    ("growth_count", "two", "two"),
    ("growth_count", "No, just the one", "one"),
    ("symptoms_affect_daily_life", "no, I don't have any pain, nothing at all", "no"),
    ("tumor_grade", "grade 3", "high"),
    ("age_65_or_older", "I'm 58", "no"),
    ("other_health_conditions", "yes", "yes"),
])
def test_a_plain_reply_is_sure(slot, text, expected):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure) == (expected, True)


# Words copied from letters and everyday ways of saying "nobody told me" (our own wording).
@pytest.mark.parametrize("slot, text, expected", [
    ("growth_size", "the biggest is 7cm across", "not_small"),
    ("growth_size", "one of them measures 5.5 cm", "not_small"),
    ("growth_size", "nobody has mentioned how big they are", U),
    ("treatment_response", "SD on the CT in October", "stable"),
    ("treatment_response", "the letter says PD", "growing"),
    ("treatment_response", "still waiting for the results of my scan", U),
    ("complete_removal_likely", "they said it was fifty fifty", U),
    ("complete_removal_likely", "R0 is what they are aiming for", "yes"),
    ("tumor_grade", "grade II", "intermediate"),
    ("earlier_breast_cancer", "it was de novo, stage 4 from the start", "no"),
    ("other_health_conditions", "I have AF", "yes"),
    ("surgery_considered", "only radiation has come up", "no"),
    ("symptom_areas", "L4 only", ["spine"]),
    ("main_goal", "keep it at bay for as long as possible", "long_term_control"),
])
def test_report_words_and_nobody_said_replies_are_read(slot, text, expected):
    assert answers.read(slot, text, "inform").value == expected


# Found by held-out rounds 10 and 14 (our own wording of the same kinds of reply).
@pytest.mark.parametrize("slot, text, expected", [
    ("years_to_metastasis", "four and a half", 4.5),
    ("years_to_metastasis", "about 3 n a half i think", 3.5),
    ("tumor_grade", "no one ever gave me a grade", U),
    ("growth_count", "honestly no one knows yet", U),
    ("growth_count", "no more than one", "one"),
    ("hormone_receptor_status", "no its not hormone driven at all", "er_negative"),
    ("tumor_grade", "gr2 on the biopsy", "intermediate"),
    ("tumor_grade", "Bloom-Richardson score 8", "high"),
    ("earlier_breast_cancer", "no previous history of it", "no"),
    ("surgery_considered", "nobody has raised it with me", "no"),
    ("complete_removal_likely", "unlikely from what the surgeon said", "no"),
    ("daily_activity", "all as normal", "fully_active"),
    ("age_65_or_older", "I'll pass on that", U),
    ("main_goal", "the pain I can live with, I want it kept under control", "long_term_control"),
    ("growth_count", "a solitary spot in segment 4", "one"),
    ("growth_size", "I don't think they mentioned how big", U),
    ("complete_removal_likely", "she didn't give an answer either way", U),
    ("treatment_response", "the spot is more big on the new scan", "growing"),
    ("earlier_breast_cancer", "Yes, triple negative, treated in 2017", "yes"),
    ("daily_activity", "completely dependent on my daughter, I don't get out of bed", "mostly_in_bed"),
    ("main_goal", "keeping it stable, the pain is fine", "long_term_control"),
])
def test_replies_found_by_the_held_out_rounds_are_read(slot, text, expected):
    assert answers.read(slot, text, "inform").value == expected


@pytest.mark.parametrize("slot, text, best", [
    ("growth_count", "one in the liver and another in the lung", "two"),
    # added after round 12 (our own sentences): a count per place, a span said in two parts,
    # places that are all bone but are different places
    ("growth_count", "there is 1 in both adrenals", "two"),
    ("years_to_metastasis", "2 years and 3 months", 2.25),
    ("growth_count", "one in my pelvis and two in my spine", "three_to_five"),
    ("tumor_grade", "Nottingham score 3+3+2 = 8", "high"),
    ("other_health_conditions", "no heart trouble, but I do have diabetes", "yes"),
    ("symptoms_affect_daily_life", "It's not that it doesn't affect me. It does.", "yes"),
])
def test_arithmetic_a_turn_after_but_and_a_denied_frame_are_read_and_checked(slot, text, best):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure) == (best, False)


def test_an_allred_score_followed_by_the_receptor_is_read_and_checked():
    reading = answers.read("hormone_receptor_status", "Allred 0 for oestrogen", "inform")
    assert (reading.value, reading.sure) == ("er_negative", False)


@pytest.fixture
def today_is(monkeypatch):
    """Sets the date the readers take as today (ages and "this year")."""
    def freeze(iso_date: str) -> None:
        class Today(datetime.date):
            @classmethod
            def today(cls):
                return datetime.date.fromisoformat(iso_date)

        monkeypatch.setattr(answers.datetime, "date", Today)

    return freeze


@pytest.mark.parametrize("text, today, best", [
    ("born in 1950", "2026-12-05", "yes"),
    ("born in 1970", "2026-12-05", "no"),
    ("I was born in 1961", "2026-12-05", "yes"),  # 64 or 65: torn, "yes" asked first
    # a full date of birth is exact to the day
    ("born 4 December 1961", "2026-12-05", "yes"),
    ("born on the 6th of December 1961", "2026-12-05", "no"),
    ("dob 06/12/1961", "2026-12-05", "no"),
    ("date of birth 1961-12-05", "2026-12-05", "yes"),
    ("born March 3rd, 1950", "2026-12-05", "yes"),
])
def test_an_age_worked_out_from_a_birth_year_or_a_coming_birthday_is_checked(text, today, best, today_is):
    today_is(today)
    reading = answers.read("age_65_or_older", text)
    assert (reading.value, reading.sure) == (best, False)


@pytest.mark.parametrize("text, expected", [
    ("i'm 18", "no"),
    ("64", "no"),
    ("65", "yes"),
    ("i'm 65", "yes"),
    ("110", "yes"),
    ("i'm 17", None),
    ("111", None),
    ("i'm 150", None),   # not read as "yes" from "i'm"
    ("i'm 5", None),
])
def test_age_outside_the_plausible_range_is_not_understood(text, expected):
    assert settings.AGE_RANGE == (18, 110)
    assert interpret("age_65_or_older", text, "inform") == expected


@pytest.mark.parametrize("text, expected", [
    ("1", "one"),
    ("2", "two"),
    ("3", "three_to_five"),
    ("5", "three_to_five"),
    ("6", "more_than_five"),
    ("1000", "more_than_five"),
    ("2000 spots", None),
    ("1.5", None),
    ("0", None),
])
def test_growth_count_numbers(text, expected):
    assert interpret("growth_count", text, "inform") == expected


@pytest.mark.parametrize("count, category", [
    (1, "one"), (2, "two"), (3, "three_to_five"), (4, "three_to_five"), (5, "three_to_five"),
    (6, "more_than_five"), (settings.GROWTH_COUNT_MAX, "more_than_five"),
    (0, None), (-1, None), (2.5, None), (settings.GROWTH_COUNT_MAX + 1, None),
])
def test_count_category(count, category):
    assert answers.count_category(count) == category


@pytest.mark.parametrize("text, expected", [
    ("one in my liver and one in my lung", "two"),
    ("2 in my liver and 1 in my spine", "three_to_five"),
    ("three in the bones, two in the liver and one in the lung", "more_than_five"),
    ("one spot on my liver", "one"),      # a single place is not a sum
    ("one in my liver, lung", "one"),     # the lung has no count of its own
])
def test_counts_given_place_by_place_add_up(text, expected):
    assert interpret("growth_count", text, "inform") == expected


@pytest.mark.parametrize("text, expected", [
    ("2012", None),               # a year alone is not a span of time
    ("from 2012 to 2020", 8.0),
    ("2015 and then 2021", 6.0),
    ("8", 8.0),
    ("150", None),
    ("75 years", 75.0),           # read; the form's validator refuses it (see test_candidacy_form)
])
def test_years_from_bare_numbers(text, expected):
    assert interpret("years_to_metastasis", text, "inform") == expected


@pytest.mark.parametrize("text, expected", [
    ("her2 positive", None),      # HER2 says nothing about the estrogen receptor
    ("pr positive", None),
    ("her2 negative", None),
    ("positive", "er_positive"),
    ("negative", "er_negative"),
    ("her2 negative but er positive", "er_positive"),
    ("it's not er positive", "er_negative"),
])
def test_receptor_words(text, expected):
    assert interpret("hormone_receptor_status", text, "inform") == expected


@pytest.mark.parametrize("text, expected", [
    ("less pain and to live longer", "both"),
    ("pain relief", "symptom_relief"),
    ("more time", "long_term_control"),
])
def test_two_goals_named_make_both(text, expected):
    assert interpret("main_goal", text, "inform") == expected


@pytest.mark.parametrize("text, expected", [
    # the doubt leads and the place is only "maybe": checked, "not sure" first
    ("not sure, maybe my back", ["unsure"]),
    ("not my liver", None),
    ("my liver, my spine and my brain", ["brain", "spine", "liver"]),  # always in AREA_ORDER
    ("lungs and lungs", ["lung"]),
])
def test_symptom_areas_details(text, expected):
    assert interpret("symptom_areas", text, "inform") == expected


def test_single():
    assert answers.single(["a", "a"]) == "a"
    assert answers.single(["a", "b", "b"]) == answers.Reading("b", sure=False, others=("a",))
    assert answers.single([]) is None


@pytest.mark.parametrize("intent, expected", [("affirm", "yes"), ("deny", "no"), ("unsure", U), ("inform", None), (None, None)])
def test_intent_reading(intent, expected):
    assert answers.intent_reading(intent) == expected


def test_the_form_asks_exactly_the_questions_that_have_readers(form_questions):
    assert form_questions == list(answers.READERS)


@pytest.mark.parametrize("text, years", [
    ("first diagnosed in June 2018 and the spread was found in December 2025", 7.5),
    ("march 2019, then it came back in september 2023", 4.5),
])
def test_years_between_two_months_are_worked_out_and_checked(text, years):
    reading = answers.read("years_to_metastasis", text)
    assert reading.value == pytest.approx(years) and not reading.sure


@pytest.mark.parametrize("slot, text, best", [
    ("earlier_breast_cancer", "it's not that i never had it before, i had a lumpectomy", "yes"),
    ("complete_removal_likely", "it isn't that they can't take it all out, they think they can", "yes"),
    ("other_health_conditions", "it's not like i'm otherwise healthy, i have copd", "yes"),
])
def test_a_reply_framed_as_a_denial_is_turned_round_and_checked(slot, text, best):
    reading = answers.read(slot, text)
    assert (reading.value, reading.sure) == (best, False)


@pytest.mark.parametrize("slot, text, expected", [
    ("hormone_receptor_status", "HR+/HER2-", "er_positive"),
    ("hormone_receptor_status", "her2 3+ is all i remember", U),
    ("symptom_areas", "bones and liver, everywhere except my brain", ["bone", "liver"]),
    ("symptom_areas", "the lining of my stomach", ["other"]),
    ("spread_extent", "not just one area, no", "several_areas"),
    ("complete_removal_likely", "they said it's inoperable", "no"),
    ("surgery_considered", "they've talked about radiotherapy but never surgery", "no"),
    ("treatment_response", "stable disease on the last scan", "stable"),
])
def test_report_words_and_exceptions_are_read(slot, text, expected):
    assert answers.read(slot, text).value == expected


def test_counts_named_in_words_by_someone_unsure_put_not_sure_first():
    reading = answers.read("growth_count", "a few, but they never gave me a number")
    assert (reading.value, reading.sure) == (U, False) and "three_to_five" in reading.others


@pytest.mark.parametrize("text, best", [
    ("nottingham score 8", "high"), ("Nottingham score of 6", "intermediate"), ("nottingham total 4", "low"),
])
def test_a_grade_worked_out_from_a_nottingham_score_is_checked(text, best):
    reading = answers.read("tumor_grade", text)
    assert (reading.value, reading.sure) == (best, False)


def test_resectable_means_it_could_all_be_removed_and_unresectable_that_it_could_not():
    assert answers.read("complete_removal_likely", "they said it's resectable").value == "yes"
    assert answers.read("complete_removal_likely", "they said it's unresectable").value == "no"


# A story of change over time, or a long story, is read and then checked: which part
# answers the question is easy to misread (our own wording).
@pytest.mark.parametrize("slot, text", [
    ("treatment_response", "they shrank at first and then the last scan showed growth"),
    ("symptom_areas", "it used to be in my hip, these days it's the lungs"),
    ("growth_size", "originally they were large, after chemo they are small"),
    ("symptoms_affect_daily_life", "my back has been aching a lot lately and I find it really hard to do the "
                                   "shopping or the housework and my husband has had to take over most of the cooking"),
])
def test_a_change_over_time_or_a_long_story_is_checked(slot, text):
    reading = answers.read(slot, text, "inform")
    assert reading.value is not None and not reading.sure


@pytest.mark.parametrize("text, best", [
    ("it isn't in several places", "one_area"),
    ("it's not in lots of places", "one_area"),
    ("only the bones, in my spine", "one_area"),
    ("just my liver and my lungs", "several_areas"),
])
def test_spread_that_rests_on_a_negation_or_on_what_counts_as_one_area_is_checked(text, best):
    reading = answers.read("spread_extent", text, "inform")
    assert (reading.value, reading.sure) == (best, False)


# What holds now comes last in a story of change: that reading is offered first (our wording).
@pytest.mark.parametrize("slot, text, best", [
    ("treatment_response", "it got smaller at first but the latest scan has it getting bigger", "growing"),
    ("treatment_response", "it kept growing on the first tablets but since the switch it has shrunk", "responding"),
    ("growth_size", "they used to be tiny but they've grown, the biggest is 7 cm now", "not_small"),
    ("daily_activity", "I was stuck in bed after my op but that's over, now I'm back to doing everything", "fully_active"),
    ("symptom_areas", "it used to be the brain, that was treated, now it's just the liver", ["liver"]),
])
def test_a_story_of_change_offers_what_holds_now_first(slot, text, best):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure) == (best, False)


@pytest.mark.parametrize("text, expected", [
    ("the skin where the cancer came back", ["other"]),
    ("swollen glands in my neck", ["other"]),
    ("lymph nodes in her neck and the liver", ["liver", "other"]),
    ("bilateral pulmonary nodules", ["lung"]),
    ("not only the bones, the liver too", ["bone", "liver"]),
    ("my neck, the vertebrae at the top", ["spine"]),
])
def test_places_that_are_not_meant_and_places_in_report_words(text, expected):
    assert interpret("symptom_areas", text, "inform") == expected


@pytest.mark.parametrize("text, expected", [
    ("the pain is under control, it's about keeping it from growing", "long_term_control"),
    ("I'm not in any pain so it's about more time", "long_term_control"),
    ("less pain and more years", "both"),
])
def test_pain_already_managed_is_not_a_goal(text, expected):
    assert interpret("main_goal", text, "inform") == expected


def test_a_symptom_named_without_goal_words_is_read_as_relief_and_checked():
    reading = answers.read("main_goal", "I just want to stop coughing all night", "inform")
    assert (reading.value, reading.sure) == ("symptom_relief", False)


def test_two_ages_give_the_years_between_them_and_are_checked():
    reading = answers.read("years_to_metastasis", "she was 47 when she first had it and 53 when it spread", "inform")
    assert (reading.value, reading.sure) == (6, False)


@pytest.mark.parametrize("slot, text, expected", [
    ("symptoms_affect_daily_life", "n", "no"),
    ("symptoms_affect_daily_life", "y", "yes"),
    ("symptoms_affect_daily_life", "yeah the pain stops me sleeping n i cant work", "yes"),
    ("symptoms_affect_daily_life", "clinic letter says asymptomatic", "no"),
    ("daily_activity", "PS 2 on the letter", "up_and_about"),
    ("daily_activity", "WHO performance status of 1", "light_activity"),
    ("age_65_or_older", "I'd prefer not to answer that", U),
])
def test_sms_letters_report_words_and_declining(slot, text, expected):
    assert interpret(slot, text, "inform") == expected


# Words and readings added after each held-out round, from its misses (our own
# sentences, each checked to fail on the code before the fix). Keyed by round.
WORDS_ADDED_AFTER_ROUND = {
    9: [
        ("tumor_grade", "1/3 on the path report", "low"),
        ("symptom_areas", "glands by my jaw and up in my neck", ["other"]),
        ("symptom_areas", "the lining of his tummy", ["other"]),
        ("symptom_areas", "the bones in my neck", ["spine"]),
        ("treatment_response", "neither bigger nor smaller", "stable"),
        ("treatment_response", "still waiting to start", "not_started"),
        ("hormone_receptor_status", "it is not hormone fed", "er_negative"),
        ("earlier_breast_cancer", "it was metastatic at diagnosis", "no"),
        ("daily_activity", "up n about all day", "up_and_about"),
        ("age_65_or_older", "not telling", U),
        ("complete_removal_likely", "they think they can remove every bit", "yes"),
        ("surgery_considered", "the surgeon said it looks resectable", "yes"),
    ],
    # Words and rules added after held-out round 13 (our own sentences).
    13: [
        ("symptoms_affect_daily_life", "dont no if its the illness or my age", U),
        ("growth_size", "the report calls them subcentimeter", "small"),
        ("growth_size", "we were never told if they were large", U),
        ("growth_size", "a mix of big and small ones", U),
        ("treatment_response", "nothing's started, it is all still being planned", "not_started"),
        ("hormone_receptor_status", "still waiting for the results from the lab", U),
        ("earlier_breast_cancer", "mine was stage 4 right from the start", "no"),
        ("daily_activity", "she can dress and feed herself, that is about it", "up_and_about"),
        ("daily_activity", "desk work is ok for me, just no heavy lifting", "light_activity"),
        ("other_health_conditions", "nothing else is wrong with her", "no"),
        ("surgery_considered", "no one has mentioned it at all", "no"),
        ("complete_removal_likely", "the surgeon said it is too near the nerve", "no"),
        ("main_goal", "keeping it from spreading again for the longest time", "long_term_control"),
        ("years_to_metastasis", "between 4 and 5 years", 4.5),
        ("age_65_or_older", "not over 65 - I turned 59 last month", "no"),
    ],
    # Words and rules added after held-out round 14 (our own sentences).
    14: [
        ("symptoms_affect_daily_life", "yeah it is, cant sleep cos of the ache in my hip", "yes"),
        ("symptom_areas", "the liver, it aches just under my ribs on the right", ["liver"]),
        ("symptom_areas", "some in the stomach lining", ["other"]),
        ("spread_extent", "three spots, all of them in the lung, both in the lung anyway", "one_area"),
        ("treatment_response", "no significant changes since the last one", "stable"),
        ("tumor_grade", "nobody ever mentioned it", U),
        ("earlier_breast_cancer", "the breast one and the bone one were found at the same time", "no"),
        ("daily_activity", "ECOG zero on the letter", "fully_active"),
        ("surgery_considered", "they never said anything about an operation", "no"),
        ("complete_removal_likely", "not impossible, the surgeon thinks she can clear it", "yes"),
        ("main_goal", "I can't decide, we want different things", U),
    ],
    15: [
        ("symptom_areas", "not sure if it's the bones or the lungs", [U]),
        ("earlier_breast_cancer", "no, it was a benign cyst", "no"),
        ("earlier_breast_cancer", "si, in 2010 I had it", "yes"),
        ("daily_activity", "i can do all i did before", "fully_active"),
        ("daily_activity", "KPS 100 on my notes", "fully_active"),
        ("surgery_considered", "radiotherapy yes, surgery no", "no"),
        ("surgery_considered", "not yet, I will ask", "no"),
        ("complete_removal_likely", "they won't know until they operate", U),
        ("treatment_response", "slight increase since the last scan", "growing"),
    ],
    16: [
        ("symptom_areas", "not the liver, his CT of the liver came back clear, it's his hip that hurts", ["bone"]),
        ("symptom_areas", "the bowel, and it gives her belly ache", ["other"]),
        ("growth_size", "the biggest is 72 x 40 mm", "not_small"),
        ("growth_size", "the biggest is 55mm", "not_small"),
        ("growth_size", "nobody has ever told me how big", U),
        ("growth_count", "three of them, an 8mm one and two 12 mm ones", "three_to_five"),
        ("hormone_receptor_status", "HER2 only, there are no hormone receptors", "er_negative"),
        ("daily_activity", "my ECOG score is 1", "light_activity"),
        ("daily_activity", "on light duties at the shop", "light_activity"),
        ("daily_activity", "my daughter helps me with the toilet", "limited_self_care"),
        ("complete_removal_likely", "they said all three can come out", "yes"),
    ],
    17: [
        ("symptom_areas", "only the liver, the lungs were always my worst fear", ["liver"]),
        ("symptom_areas", "glands in her neck and above the collarbone", ["other"]),
        ("symptom_areas", "my spine, and I'm frightened it will spread to my liver", ["spine"]),
        ("spread_extent", "just the lungs, on both sides", "one_area"),
        ("hormone_receptor_status", "the report says negative for oestrogen", "er_negative"),
        ("daily_activity", "KPS 80 on the clinic letter", "light_activity"),
        ("daily_activity", "karnofsky score of 60", "up_and_about"),
        ("surgery_considered", "an operation was talked about for the lump, not for the mets", "no"),
        ("complete_removal_likely", "they can get the lung one out but not the other ones", "no"),
        ("main_goal", "I just want to live long enough to see my grandson grow", "long_term_control"),
    ],
    18: [
        ("symptoms_affect_daily_life", "my wife has the odd twinge but nothing that stops her, she's at her desk every day", "no"),
        ("symptoms_affect_daily_life", "they found it in my bones but I feel absolutely nothing", "no"),
        ("symptoms_affect_daily_life", "a wee bit stiff but naw, it doesnae stop me", "no"),
        ("symptoms_affect_daily_life", "no, my pain is well controlled and I live normally", "no"),
        ("spread_extent", "No, it's not just the one place", "several_areas"),
        ("spread_extent", "there isn't any other place apart from the liver", "one_area"),
        ("treatment_response", "I turned down treatment for now", "not_started"),
        ("hormone_receptor_status", "my cancer doesn't feed on hormones, they said", "er_negative"),
        ("tumor_grade", "the stage was 4 and the grade was 1", "low"),
        ("earlier_breast_cancer", "Not the first time, no. I had it in my right breast in 2012", "yes"),
        ("years_to_metastasis", "SIX YEARS AND A HALF", 6.5),
        ("daily_activity", "everything as before, I ran a 10k in the summer", "fully_active"),
        ("other_health_conditions", "I had asthma as a kid but it cleared up", "no"),
        ("other_health_conditions", "I've got atrial fibrillation", "yes"),
        ("surgery_considered", "I'm seeing the surgeon next month", "yes"),
        ("complete_removal_likely", "the surgeon thinks he can get the lot", "yes"),
        ("growth_size", "the biggest is 3.5 cm", "not_small"),
        ("main_goal", "to stop the cough and to live longer", "both"),
        ("main_goal", "time matters more to me than the pain", "long_term_control"),
        ("main_goal", "long-term control, the pain I can manage", "long_term_control"),
        ("main_goal", "as many years as possible with my family", "long_term_control"),
    ],
    19: [
        # a place said to give no bother is not where the problems come from
        ("symptom_areas", "the bones hurt, there are small spots on the liver too but they don't bother me", ["bone"]),
        ("symptom_areas", "lesions in the iliac crest and the right upper lobe", ["bone", "lung"]),
        ("growth_size", "the liver one is about the size of a golf ball", "not_small"),
        ("complete_removal_likely", "sorry I didn't catch that part at the appointment", "unsure"),
        # Karnofsky 90-100 is fully active, 70-80 light activity (the usual match to ECOG 0 and 1)
        ("daily_activity", "Karnofsky 90 on my last letter", "fully_active"),
        ("daily_activity", "KPS 70", "light_activity"),
        ("treatment_response", "the scans say it isn't getting any bigger", "stable"),
        ("earlier_breast_cancer", "the lump I had at 30 turned out to be a fibroadenoma", "no"),
        ("other_health_conditions", "apart from the cancer I'm healthy as a horse", "no"),
        ("main_goal", "I want to be able to eat again without feeling sick", "symptom_relief"),
    ],
    20: [
        ("symptoms_affect_daily_life", "Absolutely not, I feel completely normal", "no"),
        # turning the head and coughing tell how it hurts, not where
        ("symptom_areas", "my neck bones hurt when I turn my head, and the liver too", ["spine", "liver"]),
        ("symptom_areas", "the rib one, it hurts when I cough", ["bone"]),
        ("spread_extent", "sadly it's not only in one place", "several_areas"),
        ("daily_activity", "she's in bed all day now and can't even feed herself", "mostly_in_bed"),
        ("other_health_conditions", "nobody has said if my heart murmur is a problem", "unsure"),
        ("main_goal", "no pain, so it's about keeping it at bay", "long_term_control"),
        ("growth_size", "tiny things like peas", "small"),
        ("surgery_considered", "nobody has discussed it with us", "no"),
        ("complete_removal_likely", "they said there's too much to remove", "no"),
    ],
    21: [
        # speech-to-text: "live her" for liver
        ("symptom_areas", "the live her and the spine", ["spine", "liver"]),
        ("hormone_receptor_status", "it's the hormone kind I think", "er_positive"),
        ("hormone_receptor_status", "oestrogen receptor 0% on the report", "er_negative"),
        # Patois: "cyaan memba" is can't remember; "tings a shrink" is things are shrinking
        ("hormone_receptor_status", "mi cyaan memba what dem say", "unsure"),
        ("treatment_response", "tings a shrink now, doc happy", "responding"),
        ("surgery_considered", "nobody has ever said the word surgery to me", "no"),
        ("complete_removal_likely", "the surgeon reckons it can all come out", "yes"),
        ("daily_activity", "my energy varies so much I really can't choose", "unsure"),
        ("daily_activity", "I gave up the heavy work but still do office admin", "light_activity"),
        ("daily_activity", "mostly in my recliner and I need help with washing", "limited_self_care"),
        ("main_goal", "whatever keeps me here the longest", "long_term_control"),
        ("main_goal", "to sleep a night without this back pain", "symptom_relief"),
        # "no" agrees with the "not" after it
        ("growth_size", "no, not small at all", "not_small"),
    ],
    22: [
        # Pidgin and Patois: the pain "no dey let" / "nah let" means it does get in the way
        ("symptoms_affect_daily_life", "the pain no dey let me sleep", "yes"),
        ("symptoms_affect_daily_life", "mi knee pain nah let me walk far", "yes"),
        ("symptoms_affect_daily_life", "not at all, I'm grand", "no"),
        # "the bones of the spine" is the spine, not the spine and other bones
        ("symptom_areas", "the bones in her spine, lower down", ["spine"]),
        ("treatment_response", "nothing has grown and nothing has shrunk", "stable"),
        ("hormone_receptor_status", "the letter says it was not reported", "unsure"),
        ("earlier_breast_cancer", "they found the spread before they found the lump", "no"),
        ("earlier_breast_cancer", "a scare years ago but it turned out to be nothing", "no"),
        ("age_65_or_older", "I'm in my mid sixties", "unsure"),
        ("age_65_or_older", "been on the state pension for a good few years", "yes"),
        ("other_health_conditions", "fit as a fiddle, thank God", "no"),
        ("surgery_considered", "it's only been chemo talk so far", "no"),
        ("complete_removal_likely", "it would be mainly to stabilise the spine", "no"),
        ("complete_removal_likely", "they were not clear about that", "unsure"),
        ("complete_removal_likely", "I didn't ask that at the time", "unsure"),
        # a pain said to be no issue is not a goal
        ("main_goal", "more years. Pain is not an issue for me", "long_term_control"),
        ("main_goal", "to see my son's wedding in June", "long_term_control"),
    ],
    23: [
        ("symptoms_affect_daily_life", "it's a right nuisance, I can't get a decent sleep", "yes"),
        ("growth_size", "the doctor said they were smallish", "small"),
        ("treatment_response", "it hasn't got any bigger but it hasn't gone down either", "stable"),
        ("treatment_response", "it has reduced, the scan was good", "responding"),
        ("treatment_response", "I turned down the chemo so nothing so far", "not_started"),
        ("treatment_response", "she only started last week, too soon to tell", "unsure"),
        ("hormone_receptor_status", "they said hormone tablets would not work for me", "er_negative"),
        ("earlier_breast_cancer", "not that I ever heard of", "no"),
        ("earlier_breast_cancer", "adjuvant radiotherapy in 2016", "yes"),
        ("daily_activity", "totally confined to bed now", "mostly_in_bed"),
        ("daily_activity", "up most of the day and I can bathe myself", "up_and_about"),
        ("other_health_conditions", "none I know of, but I hadn't seen a doctor in years", "unsure"),
        ("surgery_considered", "only the breast operation, nothing for the spread", "no"),
        ("complete_removal_likely", "the surgeon thinks the whole thing could come out", "yes"),
    ],
    24: [
        ("symptoms_affect_daily_life", "I can't get up the stairs without a rest", "yes"),
        ("spread_extent", "they're still doing the scans, nobody's said yet", "unsure"),
        ("growth_count", "too many to count, they said", "more_than_five"),
        ("treatment_response", "reduced in size on the last scan", "responding"),
        ("treatment_response", "nothing given so far, still waiting on the radiotherapy", "not_started"),
        ("hormone_receptor_status", "it feeds off hormones, they said", "er_positive"),
        ("earlier_breast_cancer", "I had cancer before but it was the bowel, not the breast", "no"),
        ("daily_activity", "I potter round the house and get myself up and dressed", "up_and_about"),
        ("daily_activity", "it depends on the day really", "unsure"),
        ("age_65_or_older", "drawing my pension for ten years", "yes"),
        ("other_health_conditions", "sarcoidosis for years", "yes"),
        ("surgery_considered", "I asked about it and he changed the subject", "no"),
        ("complete_removal_likely", "the letter says macroscopic clearance not anticipated", "no"),
        ("complete_removal_likely", "hard to know until they open me up", "unsure"),
        ("main_goal", "my children are small, I need years", "long_term_control"),
        ("main_goal", "stop the headaches, that's all", "symptom_relief"),
    ],
    25: [
        ("symptoms_affect_daily_life", "yes it is affecting, I am not able to do my gardening", "yes"),
        ("growth_size", "the scan report calls them micrometastases", "small"),
        ("treatment_response", "she declined the chemo, so nothing yet", "not_started"),
        ("treatment_response", "the doctor say same same, no change", "stable"),
        ("treatment_response", "we're still waiting on the results", "unsure"),
        ("hormone_receptor_status", "not oestrogen, they said it's the HER2 type", "er_negative"),
        # speech-to-text writes "two" as "too" at the end of a grade
        ("tumor_grade", "the nurse told me grade too", "intermediate"),
        ("tumor_grade", "it's in a letter somewhere, I can't find it", "unsure"),
        ("spread_extent", "a solitary lesion in the sternum, nothing else", "one_area"),
        ("earlier_breast_cancer", "it was everywhere when they found it, no earlier treatment", "no"),
        ("daily_activity", "chair bound, I need help to the toilet", "limited_self_care"),
        ("daily_activity", "still teach my classes and walk the dog", "fully_active"),
        ("age_65_or_older", "she's in her sixties somewhere, in my sixties somewhere too", "unsure"),
        ("other_health_conditions", "just the usual aches and pains for my age", "no"),
        ("complete_removal_likely", "only if the chemo shrinks it, they'll decide after", "unsure"),
        ("main_goal", "I want to see my grandson get married", "long_term_control"),
        ("main_goal", "I haven't thought about it yet", "unsure"),
        # "a year and half" without the second "a"
        ("years_to_metastasis", "two years and half", 2.5),
    ],
    26: [
        ("symptoms_affect_daily_life", "everything ok, I get on with things", "no"),
        ("symptoms_affect_daily_life", "I can't bend to tie my laces", "yes"),
        ("spread_extent", "it's in a good few spots now", "several_areas"),
        ("spread_extent", "the two doctors told us different things", "unsure"),
        # speech-to-text writes "two" as "to" before growths
        ("growth_count", "there are to growths in the liver", "two"),
        ("treatment_response", "e don reduce, the doctor is happy", "responding"),
        ("daily_activity", "I walk 3 miles a day still", "fully_active"),
        ("daily_activity", "I still do my part-time job but nothing heavy", "light_activity"),
        ("daily_activity", "I'm up all day but I can't hold down a job", "up_and_about"),
        ("daily_activity", "she's in bed or a chair most of the day", "limited_self_care"),
        ("daily_activity", "some days good some days bad", "unsure"),
        ("age_65_or_older", "I'd rather not share that, sorry", "unsure"),
        ("other_health_conditions", "my heart is not great, I get angina", "yes"),
        ("surgery_considered", "they want to pin it, the bone in her leg", "yes"),
        ("surgery_considered", "only on the breast, not for where it has spread", "no"),
        ("complete_removal_likely", "the surgeon say e go comot everything", "yes"),
        ("complete_removal_likely", "they didn't really say", "unsure"),
        ("main_goal", "to ease my pain so I can sleep", "symptom_relief"),
        ("main_goal", "mair time wi the grandweans", "long_term_control"),
        ("main_goal", "I haven't decided yet", "unsure"),
    ],
    27: [
        # "can't sleep" holds its own "not": the ache after it is not denied
        ("symptoms_affect_daily_life", "she cant sleep for the pain in her back, so yes", "yes"),
        ("symptoms_affect_daily_life", "not now, the radiotherapy sorted it last year", "no"),
        ("symptoms_affect_daily_life", "the pain no dey gree me sleep", "yes"),
        ("symptoms_affect_daily_life", "I'm no too sure, could be my age", "unsure"),
        # "lever" and "spin" are how people type liver and spine
        ("symptom_areas", "the lever and the spin", ["spine", "liver"]),
        ("spread_extent", "it is in sever all places", "several_areas"),
        ("growth_count", "the scan showed for of them", "three_to_five"),
        ("treatment_response", "we have not begun treatment yet", "not_started"),
        ("hormone_receptor_status", "i dont rememba at all", "unsure"),
        ("tumor_grade", "grade free, the highest", "high"),
        ("tumor_grade", "dem say na grade wan", "low"),
        ("daily_activity", "can't work now but I'm up and dressed and make my own meals", "up_and_about"),
        ("other_health_conditions", "eczema when I was little, nothing now", "no"),
        ("other_health_conditions", "no idea, I've never been checked", "unsure"),
        ("surgery_considered", "they might have, I wasn't at that visit", "unsure"),
        ("main_goal", "for it to stop growing", "long_term_control"),
        ("symptoms_affect_daily_life", "the pain is stopping me sleeping", "yes"),
        # "for years" is a long time, not "four", when nothing but a story is around it
        ("years_to_metastasis", "I was fine for years and then it came back", None),
    ],
    28: [
        ("symptoms_affect_daily_life", "aye, she cannae manage the shopping wi her back", "yes"),
        ("spread_extent", "they said it's a single site", "one_area"),
        ("growth_count", "they've now found a fourth", "three_to_five"),
        # "no" before "the" or "my" is the answer, not a denial of what follows
        ("growth_size", "no the biggest is 6cm", "not_small"),
        ("growth_size", "nobody has mentioned the size to us", "unsure"),
        ("treatment_response", "nothing has changed since the last scan", "stable"),
        ("treatment_response", "her markers dropped and there's shrinkage", "responding"),
        ("daily_activity", "hard to pick, every day is different", "unsure"),
        # turning 65, or "I'll be 65", is not 65 yet: no sum needed
        ("age_65_or_older", "I turn 65 next June", "no"),
        ("age_65_or_older", "I'll be 65 in March", "no"),
        ("main_goal", "more years to see my grandkids grow up", "long_term_control"),
        ("main_goal", "I want to talk it over with my husband", "unsure"),
    ],
    29: [
        ("symptoms_affect_daily_life", "no, they found it before I had any symptoms", "no"),
        # nodes "above the collar bone" are not a bone
        ("symptom_areas", "a gland above my collar bone", ["other"]),
        ("spread_extent", "more then one place now", "several_areas"),
        # speech-to-text's "to" and "for" before growths
        ("growth_count", "to of them in the liver", "two"),
        ("growth_count", "the report says for spots", "three_to_five"),
        ("daily_activity", "she's in bed nearly all day now", "mostly_in_bed"),
        ("other_health_conditions", "i might do, still waiting on the results", "unsure"),
        ("complete_removal_likely", "the surgeon doubts they can get it all", "no"),
        ("main_goal", "to keep it from spreading", "long_term_control"),
    ],
    30: [
        ("symptoms_affect_daily_life", "no, pretty normal day to day really", "no"),
        ("symptoms_affect_daily_life", "bit of an ache but it does not stop me doing anything", "no"),
        ("symptom_areas", "just skin nodules, none inside", ["other"]),
        ("spread_extent", "only the bones, they checked everywhere else", "one_area"),
        # "negetive" and "stabel" as typed
        ("hormone_receptor_status", "ER negetive", "er_negative"),
        ("treatment_response", "stabel since the summer", "stable"),
        ("treatment_response", "the spots have diminished a lot", "responding"),
        ("treatment_response", "treatment not start yet, next week", "not_started"),
        ("tumor_grade", "never heard of a grade for it", "unsure"),
        ("earlier_breast_cancer", "it's not my first time, I had it before", "yes"),
        ("earlier_breast_cancer", "my aunt had it, but this was the first time for me", "no"),
        ("daily_activity", "I do everything exactly as before", "fully_active"),
        ("age_65_or_older", "she is my nan and I do not actually know her age", "unsure"),
        ("other_health_conditions", "diabetes runs in the family but I've never had any myself", "no"),
        ("complete_removal_likely", "they think some will remain afterwards", "no"),
        ("complete_removal_likely", "the surgeon said it can be removed entirely", "yes"),
        ("main_goal", "whatever gives me the most time with the grandkids", "long_term_control"),
        ("main_goal", "keep the cancer quiet as long as we can", "long_term_control"),
    ],
    31: [
        ("symptoms_affect_daily_life", "I'm wiped out most afternoons and can't keep up with my grandson", "yes"),
        ("symptoms_affect_daily_life", "I'm still working full time as a teacher", "no"),
        ("symptom_areas", "the big organ under the ribs on the right", ["liver"]),
        ("spread_extent", "not just the one, my lungs as well as the bones", "several_areas"),
        # "smol" as typed
        ("growth_size", "smol, the doctor wasn't worried", "small"),
        ("growth_size", "millimetric according to the report", "small"),
        ("growth_size", "the biggest is four and a half cm", "not_small"),
        ("growth_size", "they have not measured them yet", "unsure"),
        ("hormone_receptor_status", "estrogenio positivo", "er_positive"),
        ("other_health_conditions", "I doubt it but I've not had a check up in ages", "unsure"),
        ("surgery_considered", "no one said anything about surgery to me", "no"),
        ("complete_removal_likely", "the surgeon thinks there is a good chance", "yes"),
        ("complete_removal_likely", "the smaller spots would stay behind", "no"),
            ("main_goal", "to be here for my grandson starting school", "long_term_control"),
        ("main_goal", "long term control really, my symptoms are mild", "long_term_control"),
        ("main_goal", "for the itching to stop and to live as long as possible", "both"),
    ],
    32: [
        ("symptoms_affect_daily_life", "touch wood, nothing holds me back", "no"),
        ("symptoms_affect_daily_life", "the ache no dey allow me sleep well", "yes"),
        ("spread_extent", "bone and lung, so more dan one place", "several_areas"),
        ("growth_count", "honestly I cannae mind how many they found", "unsure"),
        ("growth_size", "the doctor said nuttin big", "small"),
        ("treatment_response", "I not start treatment yet, the scan was last week", "not_started"),
        ("treatment_response", "it lumiit after the chemo", "responding"),
        ("hormone_receptor_status", "the doctor said hormone pills will not help me", "er_negative"),
        ("daily_activity", "I am looking after myself fully but I don't go to work", "up_and_about"),
        ("daily_activity", "my son helps me with bath and dressing", "limited_self_care"),
        ("surgery_considered", "radiotherapy yes, but not operations", "no"),
        ("surgery_considered", "naebody said a word about surgery", "no"),
        ("complete_removal_likely", "the plan is to take the pressure off the nerve", "no"),
        ("main_goal", "I'd like it to stay quiet for as long as it can", "long_term_control"),
        ("main_goal", "comfort matters more than living longer for me", "symptom_relief"),
    ],
    33: [
        ("symptoms_affect_daily_life", "nil symptoms from it, found on a routine scan", "no"),
        ("symptoms_affect_daily_life", "ADLs normal, she does her own shopping", "no"),
        ("symptoms_affect_daily_life", "he's been fine day to day, still golfing", "no"),
        ("symptom_areas", "a deposit at the neck of femur", ["bone"]),
        ("symptom_areas", "my collar bone aches", ["bone"]),
        ("symptom_areas", "lungs and my river they said", ["lung", "liver"]),
        ("spread_extent", "it's turned up in more'n one place", "several_areas"),
        ("growth_count", "2x lesions in the lung", "two"),
        ("growth_count", "3 lesions overall: lung x2 and liver x1", "three_to_five"),
        ("growth_size", "the radiologist called them itty bitty", "small"),
        ("treatment_response", "nothing's changed since the summer scan", "stable"),
        ("treatment_response", "it did grow on the first tablets", "growing"),
        ("hormone_receptor_status", "I no sure, I no catch am when doctor talk", "unsure"),
        ("hormone_receptor_status", "report says ER <1% so negative", "er_negative"),
        ("hormone_receptor_status", "oestrogen less than 1%", "er_negative"),
        ("tumor_grade", "grade unknown as far as I can see on the letter", "unsure"),
        ("earlier_breast_cancer", "this is round two for me", "yes"),
        ("years_to_metastasis", "I could not even guess the years", "unsure"),
        ("daily_activity", "mi still do everyting mi used to do", "fully_active"),
        ("daily_activity", "only easy work round the house these days", "light_activity"),
        ("other_health_conditions", "a dodgy ticker, they keep an eye on it", "yes"),
        ("other_health_conditions", "I've never been in hospital for anything else", "no"),
        ("complete_removal_likely", "the doctor explained they will only reduce it", "no"),
        ("complete_removal_likely", "No... sorry, yes, mixed it up, the op should get all of it", "yes"),
        ("complete_removal_likely", "nobody said it couldn't all come out, in fact they expect clear margins", "yes"),
        ("main_goal", "I WANT IT KEPT DOWN FOR LONGER, I DONT HAVE MUCH PAIN", "long_term_control"),
        ("main_goal", "to be here as lang as possible", "long_term_control"),
    ],
    34: [
        ("symptoms_affect_daily_life", "I ok lah, nothing stop me", "no"),
        ("symptoms_affect_daily_life", "koi problem nahi, all normal at home", "no"),
        ("spread_extent", "not clear on that, sorry", "unsure"),
        ("growth_count", "dinnae ken how many there are", "unsure"),
        ("treatment_response", "I thought it was stable but no, the scan showed growth", "growing"),
        ("treatment_response", "doctor say the medicine no dey work", "growing"),
        ("tumor_grade", "it's the in-between one", "intermediate"),
        ("earlier_breast_cancer", "mi did have it before in di other side", "yes"),
        ("daily_activity", "mi still a do everyting at home and church", "fully_active"),
        ("surgery_considered", "doctor say dem fit cut am comot", "yes"),
        ("complete_removal_likely", "the surgeon can take out everything", "yes"),
        ("complete_removal_likely", "totally clueless about that bit", "unsure"),
        ("main_goal", "mostly comfort, living longer would be a bonus", "symptom_relief"),
        ("main_goal", "control for as long as they can, pain no problem", "long_term_control"),
        ("main_goal", "di two a dem", "both"),
    ],
    35: [
        ("treatment_response", "it don increase since the last scan", "growing"),
        ("growth_size", "no clue, they only said how many, not how big", "unsure"),
        ("treatment_response", "sometimes I think it's working, other days I doubt it", "unsure"),
        ("tumor_grade", "grade 1 I believe, but looking at the letter now it's grade 3", "high"),
        ("growth_count", "twa wee spots on the liver", "two"),
        ("treatment_response", "still waiting for treatment to begin", "not_started"),
        ("treatment_response", "not had a single dose yet", "not_started"),
        ("treatment_response", "it didn't get bigger and it didn't get smaller", "stable"),
        ("hormone_receptor_status", "waiting on the receptor results still", "unsure"),
        ("earlier_breast_cancer", "had a lump out in 2009", "yes"),
        ("daily_activity", "I work from home part-time now", "light_activity"),
        ("daily_activity", "still go work every day", "fully_active"),
        ("daily_activity", "I'm in bed or chair most a di day", "limited_self_care"),
        ("treatment_response", "it spread a bit more on the last scan", "growing"),
    ],
    36: [
        ("symptoms_affect_daily_life", "Is it worth counting if my neck aches when I'm painting? It doesn't actually stop me from doing anything, so I'll say no", "no"),
        ("spread_extent", "I can't for the life of me recall what they told me", "unsure"),
        ("growth_count", "I wish I knew, the reports never say", "unsure"),
        ("growth_count", "four, she pointed them out one by one", "three_to_five"),
        ("treatment_response", "the ting get bigga since last time", "growing"),
        ("treatment_response", "I thought it was shrinking but the consultant says it has grown a bit", "growing"),
        ("treatment_response", "it shrank at first and then it stayed put", "stable"),
        ("tumor_grade", "grade 2 the first time round, but the new biopsy says grade 3", "high"),
        ("daily_activity", "fully active? no... more like I can do my part-time job but nothing heavy", "light_activity"),
        ("daily_activity", "Mum doesn't leave her bed now", "mostly_in_bed"),
        ("daily_activity", "she sit for chair most of day now", "limited_self_care"),
        ("surgery_considered", "not that I recall, but I miss half of what's said, so I'm unsure", "unsure"),
        ("complete_removal_likely", "fingers crossed? nobody's promised anything", "unsure"),
        ("complete_removal_likely", "They didn't say no, and actually said they expect to take the whole thing out", "yes"),
        ("complete_removal_likely", "no, too much of it to remove everything they said", "no"),
        ("main_goal", "all two of them please, make the pain go and a long life", "both"),
        ("other_health_conditions", "nothing, I've never been in hospital in my life", "no"),
        ("age_65_or_older", "I'd not like to share my age on here", "unsure"),
        ("years_to_metastasis", "can't put a number on it honestly", "unsure"),
        ("symptom_areas", "my GP said liver but it turned out to be the lungs, and the liver was fine after all", ["lung"]),
    ],
    37: [
        ("symptoms_affect_daily_life", "I cannae even hang the washing out these days", "yes"),
        ("symptoms_affect_daily_life", "I must rest every afternoon these days", "yes"),
        ("symptoms_affect_daily_life", "no, I've never had a single symptom", "no"),
        ("symptoms_affect_daily_life", "mi nah really know, it come and go", "unsure"),
        ("symptoms_affect_daily_life", "tired all the time but whether thats the cancer or the tablets nobody has said", "unsure"),
        ("symptom_areas", "up under mi ribs, dem seh di liver", ["liver"]),
        ("spread_extent", "I would not like to guess, honestly", "unsure"),
        ("spread_extent", "can't rightly say, they didn't go into it", "unsure"),
        ("growth_count", "first they said one, then the CT found another, so two now", "two"),
        ("growth_size", "they did'nt say how big", "unsure"),
        ("treatment_response", "one went down and one went up, so who knows", "unsure"),
        ("years_to_metastasis", "five years. no, six", 6),
        ("daily_activity", "up and pottering most of the day, but no job any more", "up_and_about"),
        ("daily_activity", "mi need help fi bathe now", "limited_self_care"),
        ("daily_activity", "in bed the whole day, the carers come in to do everything", "mostly_in_bed"),
        ("daily_activity", "I can't do a thing for myself and I don't leave the bed", "mostly_in_bed"),
        ("age_65_or_older", "I don't want to say, if that's ok", "unsure"),
        ("age_65_or_older", "I'd sooner not give my age", "unsure"),
        ("surgery_considered", "dem mention am but me no sure", "unsure"),
        ("complete_removal_likely", "afraid not, bits would be left behind", "no"),
    ],
    38: [
        ("symptoms_affect_daily_life", "sure I feel grand in myself, you'd never know", "no"),
        ("symptoms_affect_daily_life", "not so far thank god, still doing all the household work", "no"),
        ("spread_extent", "just her lung, the PET was clear everywhere else", "one_area"),
        ("spread_extent", "I'd be guessing if I told you", "unsure"),
        ("spread_extent", "it's spread wide, many organs they said", "several_areas"),
        ("spread_extent", "can't answer that one, sorry", "unsure"),
        ("growth_count", "nobody has given us a number yet", "unsure"),
        ("growth_size", "they're wee, the doctor said", "small"),
        ("treatment_response", "same as it was on the last scan", "stable"),
        ("treatment_response", "I doh know, still waiting", "unsure"),
        ("treatment_response", "the chemo hasn't kicked off yet", "not_started"),
        ("treatment_response", "it's gone up a bit since June", "growing"),
        ("hormone_receptor_status", "they said hormone therapy is not for me", "er_negative"),
        ("tumor_grade", "I haven't a scooby", "unsure"),
        ("years_to_metastasis", "4 or 5? let's just say 4", 4),
        ("daily_activity", "I can potter about the house but no more work", "up_and_about"),
        ("daily_activity", "most of the day in her recliner these days", "limited_self_care"),
        ("age_65_or_older", "I'd rather keep it private", "unsure"),
        ("surgery_considered", "they said surgery's not on the table", "no"),
        ("main_goal", "more time please, the pain I can put up with", "long_term_control"),
    ],
    39: [
        ("symptoms_affect_daily_life", "he has no complaints at all, just the worry", "no"),
        ("symptoms_affect_daily_life", "ndio, she cannot go to the market since the pain began", "yes"),
        ("growth_size", "they did not tell us anything about how big", "unsure"),
        ("growth_size", "not the foggiest idea", "unsure"),
        ("treatment_response", "nobody's told us anything yet", "unsure"),
        ("hormone_receptor_status", "Negative, so hormone tablets are not an option for me", "er_negative"),
        ("hormone_receptor_status", "ER nil, PR nil on the path report", "er_negative"),
        ("earlier_breast_cancer", "Nope, first time round, they found everything at once", "no"),
        ("daily_activity", "most of the day in my armchair, my daughter does my bathing", "limited_self_care"),
        ("daily_activity", "my son turns her in the bed every few hours", "mostly_in_bed"),
        ("daily_activity", "Aye, back at my work, no bother", "fully_active"),
        ("surgery_considered", "not as yet, the focus has been on the medicines", "no"),
        ("complete_removal_likely", "it's a maybe, they'll only know once they are in there", "unsure"),
        ("complete_removal_likely", "yes, the doctor says no problem one", "yes"),
        ("main_goal", "stopping it from spreading is what matters", "long_term_control"),
        ("main_goal", "as long as she's not suffering", "symptom_relief"),
        ("main_goal", "more time, the symptoms are not really a problem for me", "long_term_control"),
        ("main_goal", "still weighing it up, no answer yet", "unsure"),
    ],
    40: [
        ("growth_size", "small I reckon? not sure tbh", "unsure"),
        ("spread_extent", "probably one area, I'd have to ask, I'm not certain", "unsure"),
        ("growth_count", "there was one, then a second one showed up on the next scan", "two"),
        ("symptom_areas", "the liver, and the nausea is back", ["liver"]),
        ("daily_activity", "it depends on the week, some weeks I'm flat out", "unsure"),
        ("daily_activity", "looking after myself is fine but even light work wears me out", "up_and_about"),
        ("daily_activity", "na bed I dey all day now", "mostly_in_bed"),
        ("daily_activity", "still at my job but only half day now", "light_activity"),
        ("age_65_or_older", "not comfortable sharing that online", "unsure"),
        ("age_65_or_older", "she's sixty-something, not sure exactly", "unsure"),
        ("complete_removal_likely", "the aim is easing the pressure rather than removing everything", "no"),
        ("complete_removal_likely", "it all depends on what they find in there", "unsure"),
        ("main_goal", "a bit of each please", "both"),
        ("other_health_conditions", "not sure if it counts but I've got mild asthma", "yes"),
    ],
    41: [
        ("symptoms_affect_daily_life", "she can barely manage the stairs these days", "yes"),
        ("symptoms_affect_daily_life", "he's stopped gardening this year", "yes"),
        ("symptoms_affect_daily_life", "hard to know, she keeps things to herself", "unsure"),
        ("growth_size", "maybe small, I'm only guessing, so put not sure", "unsure"),
        ("treatment_response", "thank goodness it's reducing", "responding"),
        ("treatment_response", "dem never start am yet", "not_started"),
        ("daily_activity", "I can only do a little for myself these days", "limited_self_care"),
        ("other_health_conditions", "I haven't seen a GP in years so who can say", "unsure"),
        ("complete_removal_likely", "there's too much of it for surgery to get it all", "no"),
        ("main_goal", "more time please, the symptoms are manageable", "long_term_control"),
    ],
}


@pytest.mark.parametrize("slot, text, expected", [
    pytest.param(*case, id=f"round {round_number}: {case[1]}")
    for round_number, cases in WORDS_ADDED_AFTER_ROUND.items()
    for case in cases
])
def test_words_added_after_a_held_out_round(slot, text, expected):
    assert interpret(slot, text, "inform") == expected


@pytest.mark.parametrize("text, expected", [
    ("ER 7 out of 8", "er_positive"),
    ("oestrogen receptor: 0", "er_negative"),
])
def test_receptor_scores_written_out_are_read_and_checked(text, expected):
    reading = answers.read("hormone_receptor_status", text, "inform")
    assert (reading.value, reading.sure) == (expected, False)


def test_the_best_goal_reading_is_the_same_in_every_process():
    """The reader once took its best reading from a set; each hash seed must agree.
    Seeds 1 and 2 order the set {"both", "symptom_relief"} differently (CPython 3.10)."""
    import os
    import subprocess
    import sys

    script = (
        "from actions import answers;"
        "r = answers.read('main_goal', 'a bit of both, the pain is bad and I want time', 'inform');"
        "print(r.value, r.sure)"
    )
    seen = set()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                             cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))), check=True)
        seen.add(out.stdout.strip().splitlines()[-1])
    assert seen == {"both False"}


@pytest.mark.parametrize("slot, text, others", [
    ("tumor_grade", "grade 1 or 2, I honestly can't remember", ("low", "intermediate")),
    ("hormone_receptor_status", "they said positive and also negative, I really don't know", ("er_positive", "er_negative")),
])
def test_a_reply_torn_between_answers_that_says_it_is_unsure_offers_not_sure_first(slot, text, others):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure, reading.others) == (U, False, others)


@pytest.mark.parametrize("slot, text, best", [
    ("growth_count", "one in the liver and a couple in my ribs", "three_to_five"),
    # the frame denies its own clause only; what follows the comma is read as said
    ("complete_removal_likely", "it isn't that they don't think so, they said they'd take it all", "yes"),
])
def test_a_pair_counts_two_and_a_denied_frame_covers_its_clause_only(slot, text, best):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure) == (best, False)


@pytest.mark.parametrize("slot, text, expected", [
    ("hormone_receptor_status", "ER negative actually", True),
    ("tumor_grade", "actually I'm 64", False),
    ("tumor_grade", "that's wrong", False),
])
def test_only_about_tells_an_answer_to_the_open_question_from_one_about_another(slot, text, expected):
    assert answers.only_about(slot, text) is expected


@pytest.mark.parametrize("slot, text, best", [
    # a plain "yes" leads; "not sure" about something else follows: checked, yes first
    ("earlier_breast_cancer", "Yes, in 2011, but I'm not sure which stage it was", "yes"),
    # "not sure" beside a clear reading: checked
    ("growth_size", "small on the first scan, but I'm not sure what the last one said", "small"),
    # a goal named with the other one denied: checked, the one not denied first
    ("main_goal", "I don't have any pain so it's about keeping it under control for longer", "long_term_control"),
    ("age_65_or_older", "I'm two years short of 65", "no"),
])
def test_readings_found_by_round_14_are_checked(slot, text, best):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure) == (best, False)


@pytest.mark.parametrize("text", ["we didn't know men could get it, he's ER positive", "I kept it to myself, ER positive"])
def test_not_knowing_something_else_is_no_doubt_about_the_answer(text):
    assert answers.read("hormone_receptor_status", text, "inform") == answers.Reading("er_positive")


# A reply that corrects itself, and words added after held-out round 15 (our own sentences).
@pytest.mark.parametrize("slot, text, best", [
    ("tumor_grade", "grade 1, no sorry, grade 3", "high"),
    ("growth_count", "one, no wait, two of them", "two"),
    ("other_health_conditions", "no, wait, I forgot, I have diabetes", "yes"),
    ("earlier_breast_cancer", "No, hang on, yes I did, in 2015, I nearly forgot", "yes"),
    ("years_to_metastasis", "first found 01/06/2015, spread found 01/06/2019", 4.0),
    ("years_to_metastasis", "a year after surgery, which was a year after diagnosis, so two years", 2.0),
])
def test_a_self_correction_two_dates_and_a_sum_after_so_are_read_and_checked(slot, text, best):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure) == (best, False)


@pytest.mark.parametrize("slot, text, best", [
    ("symptoms_affect_daily_life", "no no, it does not bother me at all", "no"),
    ("other_health_conditions", "No no, nothing else wrong with me", "no"),
])
def test_no_no_opening_a_reply_is_emphatic_not_a_correction(slot, text, best):
    assert answers.read(slot, text, "inform") == answers.Reading(best)


def test_no_no_after_an_answer_still_corrects_it():
    reading = answers.read("tumor_grade", "grade 3 no no grade 2", "inform")
    assert (reading.value, reading.sure) == ("intermediate", False)


@pytest.mark.parametrize("slot, text, best, others", [
    # two calendar years beside a rough span of time: the years are exact
    ("years_to_metastasis", "more than ten years, it started in 2009 and came back in 2021", 12, (10,)),
    # a goal named only to deny it is left out
    ("main_goal", "I don't have any pain at all, my aim is controlling the cancer", "long_term_control", ("both",)),
    # a yes beside "no promises": checked, "not sure" first
    ("complete_removal_likely", "the surgeon thinks so, yes, but no promises", U, ("yes",)),
    # a denied frame after a form of address or in the past
    ("symptoms_affect_daily_life", "Sir it is not that it doesn't affect me, it does", "yes", ("no",)),
    ("earlier_breast_cancer", "It wasn't that I never had it before, I had it in 2008", "yes", ("no",)),
])
def test_readings_after_round_16_are_checked(slot, text, best, others):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure, reading.others) == (best, False, others)


def test_a_goal_named_only_to_deny_it_is_not_understood():
    assert interpret("main_goal", "I'm not in any pain", "inform") is None


@pytest.mark.parametrize("slot, text, best", [
    # a growth described as "the small one" is no count of one
    ("growth_count", "three, no wait, four, I forgot the tiny one in the rib", "three_to_five"),
    ("tumor_grade", "grade 1, hmm no, it was grade 2 on the letter", "intermediate"),
    ("main_goal", "less pain I suppose, actually no, more time matters most", "long_term_control"),
])
def test_corrections_after_round_17_are_read_and_checked(slot, text, best):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure) == (best, False)


@pytest.mark.parametrize("slot, text, best", [
    # counted place by place: "the one in", "another ... on", "left and right"
    ("growth_count", "she has the one in her liver and another they are watching in her spine", "two"),
    ("growth_count", "left and right lung plus one in the hip", "three_to_five"),
    # a Nottingham score out of 9 gives the grade
    ("tumor_grade", "a score of 7 out of 9", "intermediate"),
])
def test_readings_after_round_18_are_worked_out_and_checked(slot, text, best):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure) == (best, False)


@pytest.mark.parametrize("slot, text, best", [
    # an age told for an earlier year is worked out to now
    ("age_65_or_older", "I was 62 when I was diagnosed in 2020", "yes"),
    # "- no," corrects what came before it
    ("years_to_metastasis", "Four years - no, five", 5.0),
    ("tumor_grade", "tubules 3, pleomorphism 2, mitoses 1, total 6", "intermediate"),
    ("surgery_considered", "At first nobody mentioned it. Then last month the surgeon talked to us about removing the lung one.", "yes"),
])
def test_readings_after_round_19_are_worked_out_and_checked(slot, text, best):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure) == (best, False)


def test_a_doubt_then_a_story_that_moves_on_to_an_answer_is_checked_not_stored_as_unsure():
    # "nobody said" is a doubt; after "Then" the story gives a yes: checked, "not sure" first
    reading = answers.read(
        "surgery_considered",
        "For months nobody said anything about it. Then last week the surgeon talked about taking the liver one out.",
        "inform",
    )
    assert (reading.value, reading.sure, reading.others) == ("unsure", False, ("yes",))


def test_a_conclusion_that_agrees_with_the_reply_is_stored_and_one_that_differs_is_checked():
    agrees = answers.read("symptoms_affect_daily_life", "I can't lift my grandson any more, so I'd say yes")
    assert (agrees.value, agrees.sure) == ("yes", True)
    differs = answers.read("surgery_considered", "not that I recall, but I miss half of what's said, so I'm unsure")
    assert (differs.value, differs.sure, differs.others) == ("unsure", False, ("no",))


def test_what_was_thought_then_a_place_added_with_too_reads_both_places():
    reading = answers.read("spread_extent", "I thought it was just the liver but then the CT found a spot in the lung too")
    assert reading.value == "several_areas"


def test_meant_to_is_no_correction_but_i_meant_to_say_is():
    words = settings.CORRECTION_WORDS
    assert "meant" not in answers.correction_words_outside_the_answer(
        "surgery_considered", "we're meant to hear at the next clinic, so don't know yet", words
    )
    assert "meant" in answers.correction_words_outside_the_answer("surgery_considered", "I meant to say yes", words)


def test_a_correction_that_adds_a_place_keeps_both_places():
    reading = answers.read("symptom_areas", "the bones. oh wait, the liver as well", "inform")
    assert sorted(reading.value) == ["bone", "liver"]


def test_months_and_years_in_figures_give_the_years_between():
    reading = answers.read("years_to_metastasis", "first dx 05/2012, spread found 05/2020", "inform")
    assert (reading.value, reading.sure) == (8, False)


def test_a_number_said_in_two_words_is_one_number():
    assert answers.read("years_to_metastasis", "about thirty six months", "inform").value == 3


def test_might_have_is_checked_not_stored():
    reading = answers.read("other_health_conditions", "my mum might have sugar, her sugar was high once", "inform")
    assert (reading.value, reading.sure) == ("yes", False)


def test_make_that_takes_back_the_number_before_it():
    reading = answers.read("growth_count", "three, no, they found one more, make that four", "inform")
    assert reading.value == "three_to_five"
    reading = answers.read("growth_count", "I said one earlier, make that two", "inform")
    assert reading.value == "two"


def test_two_ages_said_with_at_give_the_years_between():
    reading = answers.read("years_to_metastasis", "born in 1960, first time at 47, and at 53 it came back in the bones", "inform")
    assert (reading.value, reading.sure) == (6, False)


def test_a_year_said_in_words_counts(today_is):
    today_is("2026-12-07")
    reading = answers.read("years_to_metastasis", "twenty fifteen the first time, and it spread this year", "inform")
    assert (reading.value, reading.sure) == (11, False)
    reading = answers.read("years_to_metastasis", "two thousand and nine, then again in 2016", "inform")
    assert (reading.value, reading.sure) == (7, False)


@pytest.mark.parametrize("slot, text, expected", [
    # the younger of two ages a year apart is today's
    ("age_65_or_older", "I'm 64, turning 65 in the spring", "no"),
    ("age_65_or_older", "I am 66, 67 next month", "yes"),
])
def test_today_s_age_beside_the_next_birthday_is_stored(slot, text, expected):
    assert interpret(slot, text, "inform") == expected


def test_spread_found_this_month_counts_from_today(today_is):
    today_is("2026-12-07")
    reading = answers.read("years_to_metastasis", "first found in 2019 and it spread this month", "inform")
    assert (reading.value, reading.sure) == (7, False)


def test_oh_wait_takes_back_what_came_before():
    reading = answers.read("treatment_response", "it's stable, oh wait, they saw some growth in the liver", "inform")
    assert (reading.value, reading.sure) == ("growing", False)


def test_a_correction_that_adds_is_read_with_what_came_before():
    reading = answers.read("spread_extent", "only the bones. oh wait, a spot on the liver too", "inform")
    assert reading.value == "several_areas"


@pytest.mark.parametrize("slot, text, best", [
    ("growth_count", "one, well actually two", "two"),
    ("tumor_grade", "grade to, I believe", "intermediate"),
    ("surgery_considered", "sort of, they said maybe later if it shrinks", "yes"),
])
def test_readings_after_round_29_are_checked(slot, text, best):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure) == (best, False)


def test_a_denied_correction_word_asks_for_no_correction():
    # "no change" is not "I want to change an answer"
    assert answers.correction_words_outside_the_answer("daily_activity", "I work full time, no change", {"change"}) == set()
    assert answers.correction_words_outside_the_answer("daily_activity", "I want to change my age", {"change"}) == {"change"}


@pytest.mark.parametrize("slot, text, best, others", [
    # a year and "this year": worked out from today's year, checked
    ("years_to_metastasis", "first diagnosed in 2016 and it spread this year", 10.0, ()),
    ("years_to_metastasis", "2015 the first time, then last year it came back", 10.0, ()),
    # "no actually" corrects what came before it
    ("years_to_metastasis", "about 6 years, no actually nearer 7", 7.0, (6.0,)),
])
def test_readings_after_round_28_are_worked_out_and_checked(slot, text, best, others, today_is):
    today_is("2026-12-07")
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure, reading.others) == (best, False, others)


@pytest.mark.parametrize("slot, text, best, others", [
    # a doubt leads and the place is only "could be": checked, "not sure" first, as a list
    ("symptom_areas", "no idea really, could be the liver", ["unsure"], (["liver"],)),
    # "does 2cm count" after "I don't know": checked, "not sure" first
    ("growth_size", "I don't know, does 15mm count as small?", "unsure", ("small",)),
    # the lungs cleared, "now" the liver: what holds now first
    ("symptom_areas", "it was in the lungs but that has cleared, now it's just the liver", ["liver"], (["lung", "liver"],)),
    ("spread_extent", "it was only the spine but now it has spread to the liver too", "several_areas", ()),
    # a Nottingham total after "so"
    ("tumor_grade", "tubules 3, pleomorphism 3, mitoses 2, so 8", "high", ()),
    # speech-to-text's "for years": four, checked
    ("years_to_metastasis", "it came back about for years after", 4.0, ()),
    # "well actually yes": the answer after the correction, checked
    ("symptoms_affect_daily_life", "no... well actually yes, the pain stops me cooking", "yes", ()),
])
def test_readings_after_round_27_are_worked_out_and_checked(slot, text, best, others):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure, reading.others) == (best, False, others)


@pytest.mark.parametrize("slot, text, best", [
    # one more than the count before it: added up, checked
    ("growth_count", "Just the one, then they found one more in the spine", "two"),
    ("growth_count", "two in the liver and another in the bone", "three_to_five"),
    # a two-digit year of birth: the last century
    ("age_65_or_older", "born in '52, work it out", "yes"),
    ("age_65_or_older", "born in '70", "no"),
    # no one of the age range was born in 1905: 2005
    ("age_65_or_older", "born in '05", "no"),
])
def test_readings_after_round_26_are_worked_out_and_checked(slot, text, best):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure) == (best, False)


@pytest.mark.parametrize("slot, text, best", [
    # trailing dots, then "no": the number after it is meant
    ("tumor_grade", "Grade 1... no, 2 on the biopsy", "intermediate"),
    # "I meant" corrects what came before it
    ("symptom_areas", "the liver. Sorry, I meant the lung, not the liver", ["lung"]),
])
def test_corrections_after_round_25_are_read_and_checked(slot, text, best):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure) == (best, False)


@pytest.mark.parametrize("slot, text, best", [
    ("earlier_breast_cancer", "I had a lumpectomy in 1990, would that count?", "yes"),
    ("growth_size", "the biggest is 25mm, not sure if that counts as small", "small"),
    ("spread_extent", "does the node in my neck count? apart from that it's just the one spot in the liver", "one_area"),
    ("other_health_conditions", "asthma, if that counts", "yes"),
])
def test_an_answer_beside_a_doubt_whether_it_counts_is_checked_with_not_sure_next(slot, text, best):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure, reading.others) == (best, False, ("unsure",))


def test_a_doubt_whether_something_counts_that_reads_as_not_sure_is_stored_as_said():
    # "not sure if my thyroid counts" is itself the answer "not sure"
    reading = answers.read("other_health_conditions", "not sure if my thyroid counts", "inform")
    assert (reading.value, reading.sure) == ("unsure", True)


def test_a_number_word_beside_a_doubt_is_checked_with_not_sure_first():
    # "one" may be a pronoun ("a lobular one"), not grade 1
    reading = answers.read("tumor_grade", "it's a ductal one, they never gave a grade", "inform")
    assert (reading.value, reading.sure) == ("unsure", False)


@pytest.mark.parametrize("slot, text, best", [
    # a bound, then a shorter span inside it
    ("years_to_metastasis", "less than a year, about 3 months", 0.25),
    ("years_to_metastasis", "under two years, about 18 months", 1.5),
    # "borderline" is a hedge
    ("other_health_conditions", "borderline high blood pressure, they watch it", "yes"),
])
def test_readings_after_round_22_are_worked_out_and_checked(slot, text, best):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure) == (best, False)


@pytest.mark.parametrize("slot, text, best", [
    # "I said ... before but": the number after it is meant
    ("years_to_metastasis", "I said 6 before but I checked and it was 7", 7.0),
    ("growth_count", "I said three before but it's actually two", "two"),
    # a number taken back at once with "well,"
    ("age_65_or_older", "I'm 70, well, 69 now", "yes"),
    # "No, but my sister ...": the "no" is the patient's
    ("other_health_conditions", "No, but my sister has asthma", "no"),
    ("earlier_breast_cancer", "no, but my aunt had early breast cancer", "no"),
    # what the spread showed, or the latest scan, is what holds now
    ("tumor_grade", "the first one was grade 1 but the biopsy of the spread showed grade 3", "high"),
    ("treatment_response", "it shrank on the first chemo, now the latest scan shows it growing", "growing"),
    # "didn't say they couldn't" is no doubt
    ("complete_removal_likely", "they didn't say they couldn't get it all, they think it can all come out", "yes"),
])
def test_readings_after_round_21_are_worked_out_and_checked(slot, text, best):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure) == (best, False)


@pytest.mark.parametrize("slot, text, best", [
    # an age told some years ago is worked out to now
    ("age_65_or_older", "I stopped working at 61 and that was six years ago", "yes"),
    # "so really" opens a new clause: the denied pain does not deny what follows
    ("main_goal", "I haven't any pain so really it's about keeping it at bay", "long_term_control"),
])
def test_readings_after_round_20_are_worked_out_and_checked(slot, text, best):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure) == (best, False)


@pytest.mark.parametrize("text, expected", [
    ("Three of them: one in the spine, one in the liver, one in a rib", "three_to_five"),
    ("two spots, one in each lung", "two"),
    ("a couple, one in my hip and one in the liver", "two"),
    ("Two, one in brain and one in liver", "two"),
    ("two of them, one on each lung", "two"),
])
def test_a_total_said_first_that_the_places_add_up_to_is_stored_without_a_check(text, expected):
    reading = answers.read("growth_count", text, "inform")
    assert (reading.value, reading.sure) == (expected, True)


def test_a_total_the_places_do_not_add_up_to_is_checked():
    reading = answers.read("growth_count", "three, one in the liver and one in the lung", "inform")
    assert reading.value is not None and not reading.sure


@pytest.mark.parametrize("slot, text, then_said", [
    ("hormone_receptor_status", "Unsure, it was positive the first time but they took another sample", "er_positive"),
    ("growth_size", "I'm not certain, the letter said small I think", "small"),
    ("tumor_grade", "No idea really, grade 2 was mentioned once", "intermediate"),
])
def test_a_reply_that_opens_unsure_offers_not_sure_first(slot, text, then_said):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure, reading.others) == (U, False, (then_said,))


@pytest.mark.parametrize("slot, text, best", [
    # a bare doubt closing the reply concludes it
    ("growth_size", "small I reckon? not sure tbh", U),
    ("tumor_grade", "grade 2, so no idea really", U),
    # a doubt only whether it counts: the answer first
    ("other_health_conditions", "not sure if it counts but I've got mild asthma", "yes"),
    # a second growth found later: added up
    ("growth_count", "there was one, then a second one showed up on the next scan", "two"),
    # a receptor test redone on the spread with no result known
    ("hormone_receptor_status", "positive first time, then they retested the spread and I don't know what it came back as", "er_positive"),
])
def test_readings_after_round_40_are_checked(slot, text, best):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure) == (best, False)


@pytest.mark.parametrize("text, expected", [
    ("mum is in her early sixties", "no"),
    ("in her late sixties", "yes"),
])
def test_early_or_late_sixties_says_which_side_of_65_before_sixties_alone_is_checked(text, expected):
    assert interpret("age_65_or_older", text, "inform") == expected


@pytest.mark.parametrize("slot, text, expected", [
    # "still doing everything" is no effect on daily life, whatever ache comes before it
    ("symptoms_affect_daily_life", "Not really. I get the odd ache but I'm still doing everything", "no"),
    # "nothing except the cancer" names no other condition
    ("other_health_conditions", "nothing except the cancer", "no"),
    # SMS "dnt knw"
    ("tumor_grade", "dnt knw what grade it is", U),
    # nobody having said whether all of it could come out is not knowing ...
    ("complete_removal_likely", "no one has said anything about whether they'd get it all", U),
    # ... but nobody having said anything about surgery is "no"
    ("surgery_considered", "no one has said anything about surgery", "no"),
    # getting on fine is no effect on daily life, beside an ache
    ("symptoms_affect_daily_life", "a bit achy, but I'm getting on fine", "no"),
    # lying down most of the day (ECOG 3)
    ("daily_activity", "he lies down most of the day now", "limited_self_care"),
    # treatment not begun
    ("treatment_response", "nothing has happened yet, we only saw the oncologist on Friday", "not_started"),
    # Pidgin "e don shrink": it has shrunk
    ("treatment_response", "e don shrink well well", "responding"),
    # waiting on the pathology, "difficult to tell"
    ("tumor_grade", "still waiting for the pathology to come back", U),
    ("growth_size", "difficult to tell from the letter", U),
    # round 44: "not knowing", "may have missed it", never heard them mention, "unclear"
    ("hormone_receptor_status", "i am not knowing, my daughter keeps the papers", U),
    ("surgery_considered", "no I don't believe so, though I may have missed it", U),
    ("tumor_grade", "never heard them mention how aggressive", U),
    ("complete_removal_likely", "it's unclear at the moment", U),
    # never out of bed
    ("daily_activity", "he's never out of bed now", "mostly_in_bed"),
])
def test_readings_after_rounds_42_to_44_are_stored(slot, text, expected):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure) == (expected, True)


@pytest.mark.parametrize("slot, text, best", [
    # "no more" after a word is "any more", not the answer "no"
    ("symptoms_affect_daily_life", "yes, I can't lift my grandson no more", "yes"),
    # a doubt that concludes a mixed result
    ("treatment_response", "some shrank, one got bigger, so I can't really say", U),
    # "this June" is this year: worked out, checked
    ("years_to_metastasis", "first cancer 2015, the spread was found this June", 11.0),
    # the plain answer a reply opens with, when what follows disagrees: checked
    ("surgery_considered", "Nope, the team said it had spread too far for an operation", "no"),
    # "I wouldn't say so." opens the reply: checked, beside the ache that follows
    ("symptoms_affect_daily_life", "I wouldn't say so. Bit of an ache sometimes", "no"),
    # "difficult to say" beside another cause of the symptoms: not sure first
    ("symptoms_affect_daily_life", "difficult to say, I've got a bad knee as well", U),
])
def test_readings_after_rounds_42_to_44_are_checked(slot, text, best):
    reading = answers.read(slot, text, "inform")
    assert (reading.value, reading.sure) == (best, False)


def test_an_opening_answer_taken_back_is_not_offered_first():
    reading = answers.read("surgery_considered", "No — actually wait, yes, the surgeon did bring it up", "inform")
    assert reading.value != "no"
