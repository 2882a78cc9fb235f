"""Reads a free-text reply as an answer to the open question.

Each question has its own reader: the same words mean different things under
different questions ("no one told me" is "not sure" for receptor status; "I'm 58"
answers the age question only). A reader returns a schema value, or None when it
is not confident; it never guesses. Vocabulary lives in nlp/patterns.yml.
"""
from typing import Callable, Dict, List, Optional, Sequence

from spacy.tokens import Doc

from actions import language, settings

UNSURE = "unsure"
AREA_ORDER = ("brain", "spine", "bone", "lung", "liver", "other")

Reader = Callable[[Doc, Optional[str]], Optional[object]]


# --- shared pieces ---------------------------------------------------------------


def says_unsure(doc: Doc, topic_labels: Sequence[str] = ()) -> bool:
    """An "unsure" phrase that the question's own vocabulary does not claim.

    "Never mentioned" is not sure for most questions, but a plain "no" when the
    question is whether surgery was ever mentioned (SURGERY lists it).
    """
    claimed = language.spans(doc, topic_labels) if topic_labels else []
    return any(
        not any(t.start <= span.start and span.end <= t.end for t in claimed)
        for span in language.spans(doc, ["UNSURE"])
    )


def polar_reading(doc: Doc, yes_labels: Sequence[str] = (), no_labels: Sequence[str] = ()) -> Optional[str]:
    """yes/no from topic words and plain yes/no words.

    A topic word negated in its clause counts as "no" ("no one mentioned surgery").
    A topic-specific "no" phrase outweighs topic "yes" words ("pain, but it does
    not affect my day"); any other disagreement is not confident.
    """
    found = language.spans(doc, [*yes_labels, *no_labels, "YES", "NO"])
    topic_no = any(
        s.label_ in no_labels or (s.label_ in yes_labels and s.id_ == "no") for s in found
    )
    if topic_no:
        return "no"
    votes = set()
    for span in found:
        vote = "no" if span.id_ == "no" else "yes"
        if vote == "yes" and language.is_negated(span):
            vote = "no"
        votes.add(vote)
    return votes.pop() if len(votes) == 1 else None


def intent_reading(intent: Optional[str]) -> Optional[str]:
    return {"affirm": "yes", "deny": "no", "unsure": UNSURE}.get(intent or "")


def single(values: Sequence[str]) -> Optional[str]:
    """One distinct value, or None when the reply names several that disagree."""
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None


def yes_no_reader(yes_labels: Sequence[str], no_labels: Sequence[str] = ()) -> Reader:
    def read(doc: Doc, intent: Optional[str]) -> Optional[str]:
        topic = [*yes_labels, *no_labels]
        if says_unsure(doc, topic) or any(s.id_ == UNSURE for s in language.spans(doc, topic)):
            return UNSURE
        return polar_reading(doc, yes_labels, no_labels) or intent_reading(intent)

    return read


def choice_reader(label: str, negated_means: Optional[Dict[str, str]] = None, polar: Optional[Dict[str, str]] = None) -> Reader:
    """A value named by one label's ids; a negated mention flips through negated_means or is dropped."""

    def read(doc: Doc, intent: Optional[str]) -> Optional[str]:
        values = []
        for span in language.spans(doc, [label]):
            if language.is_doubted(span):
                continue
            value = span.id_
            if language.is_negated(span):
                value = (negated_means or {}).get(value)
            if value:
                values.append(value)
        if values:
            return single(values)
        if says_unsure(doc):
            return UNSURE
        if polar:
            answer = polar_reading(doc) or intent_reading(intent)
            return polar.get(answer, answer if answer == UNSURE else None)
        return intent_reading(intent) if intent == "unsure" else None

    return read


# --- question by question ----------------------------------------------------------


def read_symptom_areas(doc: Doc, intent: Optional[str]) -> Optional[List[str]]:
    if says_unsure(doc) and not language.spans(doc, ["BODY_SITE"]):
        return [UNSURE]
    areas = [s.id_ for s in language.spans(doc, ["BODY_SITE"]) if not language.is_negated(s)]
    if not areas:
        return [UNSURE] if intent == "unsure" else None
    return [area for area in AREA_ORDER if area in areas]


def read_spread_extent(doc: Doc, intent: Optional[str]) -> Optional[str]:
    stated = []
    for span in language.spans(doc, ["SPREAD"]):
        if span.id_ == "area_count":
            count = language.numbers(span.as_doc())
            stated.append("one_area" if count == [1.0] else "several_areas")
        elif span.id_ != "only":
            stated.append(span.id_)
    if stated:
        return single(stated)
    if says_unsure(doc):
        return UNSURE
    sites = {s.id_ for s in language.spans(doc, ["BODY_SITE"]) if not language.is_negated(s)}
    if len(sites) >= 2:
        return "several_areas"
    if sites or any(s.id_ == "only" for s in language.spans(doc, ["SPREAD"])):
        return "one_area"
    return UNSURE if intent == "unsure" else None


def count_category(count: float) -> Optional[str]:
    if count < 1 or count > settings.GROWTH_COUNT_MAX or count != int(count):
        return None
    if count <= 2:
        return {1: "one", 2: "two"}[int(count)]
    return "three_to_five" if count <= 5 else "more_than_five"


def count_by_site(doc: Doc) -> Optional[float]:
    """Counts given place by place add up: "one in my liver and two in my lung" -> 3."""
    sites = language.spans(doc, ["BODY_SITE"])
    counts, after_previous = [], 0
    for site in sites:
        # the number said just before this place, after the previous one: "two in my lung"
        said = language.numbers(doc[max(site.start - 4, after_previous) : site.start].as_doc())
        if len(said) != 1:
            return None
        counts.append(said[0])
        after_previous = site.end
    if len(counts) < 2 or len({s.id_ for s in sites}) != len(sites):
        return None
    return sum(counts)


def read_growth_count(doc: Doc, intent: Optional[str]) -> Optional[str]:
    by_site = count_by_site(doc)
    if by_site is not None and count_category(by_site):
        return count_category(by_site)
    phrases = language.spans(doc, ["COUNT"])
    # A number inside a count phrase is part of it: "five" in "more than five".
    categories = [count_category(n) for n in language.numbers(doc, skip=phrases)]
    categories += [s.id_ for s in phrases if not language.is_doubted(s)]
    categories = [c for c in categories if c]
    if categories:
        return single(categories)
    if says_unsure(doc):
        return UNSURE
    return UNSURE if intent == "unsure" else None


def read_age_65_or_older(doc: Doc, intent: Optional[str]) -> Optional[str]:
    stated_group = single([s.id_ for s in language.spans(doc, ["AGE_GROUP"]) if not language.is_negated(s)])
    if stated_group:
        return stated_group
    low, high = settings.AGE_RANGE
    stated = language.numbers(doc)
    ages = [n for n in stated if low <= n <= high]
    if ages:
        return single(["yes" if age >= 65 else "no" for age in ages])
    if stated:
        return None  # an implausible age ("i'm 150") is not understood, not read as yes/no
    if says_unsure(doc):
        return UNSURE
    return polar_reading(doc) or intent_reading(intent)


def read_main_goal(doc: Doc, intent: Optional[str]) -> Optional[str]:
    goals = set(language.ids(language.spans(doc, ["GOAL"])))
    if {"symptom_relief", "long_term_control"} <= goals:
        return "both"
    if goals:
        return single(list(goals))
    return UNSURE if says_unsure(doc) or intent == "unsure" else None


def read_tumor_grade(doc: Doc, intent: Optional[str]) -> Optional[str]:
    by_number = {1: "low", 2: "intermediate", 3: "high"}
    found = language.spans(doc, ["GRADE"])
    grades = [s.id_ for s in found if not language.is_negated(s) and not language.is_doubted(s)]
    for span in found:
        # "grade 2 or 3", "grade 2-3": the second grade counts too, so the reply is not confident
        if span.end + 1 < len(doc) and doc[span.end].norm_ in {"or", "to", "-", "/"}:
            second = language.numbers(doc[span.end + 1 : span.end + 2].as_doc())
            grades += [by_number[int(n)] for n in second if n in by_number]
    if not found:
        grades = [by_number[int(n)] for n in language.numbers(doc) if n in (1, 2, 3)]
    if grades:
        return single(grades)
    if says_unsure(doc):
        return UNSURE
    return UNSURE if intent == "unsure" else None


def read_hormone_receptor_status(doc: Doc, intent: Optional[str]) -> Optional[str]:
    flip = {"er_positive": "er_negative", "er_negative": "er_positive"}
    for labels in (["RECEPTOR", "OTHER_RECEPTOR"], ["RECEPTOR_WORD", "OTHER_RECEPTOR"]):
        found = [
            s
            for s in language.spans(doc, labels)
            if s.label_ != "OTHER_RECEPTOR" and not language.is_doubted(s)
        ]
        values = [flip[s.id_] if language.is_negated(s) else s.id_ for s in found]
        if values:
            return single(values)
    if says_unsure(doc):
        return UNSURE
    if language.spans(doc, ["OTHER_RECEPTOR"]):
        return None  # HER2 or PR status alone says nothing about the estrogen receptor
    polar = polar_reading(doc) or intent_reading(intent)
    return {"yes": "er_positive", "no": "er_negative"}.get(polar or "", polar if polar == UNSURE else None)


def read_years_to_metastasis(doc: Doc, intent: Optional[str]):
    durations = [language.duration_in_years(s) for s in language.spans(doc, ["DURATION"])]
    durations = [d for d in durations if d is not None]
    if len(durations) == 1:
        return durations[0]
    if durations:
        return None
    if says_unsure(doc):
        return UNSURE
    numbers = language.numbers(doc)
    calendar_years = sorted(n for n in numbers if 1940 <= n <= 2100)
    if len(calendar_years) == 2:
        return calendar_years[1] - calendar_years[0]
    if len(numbers) == 1 and numbers[0] < 100:
        return numbers[0]
    return UNSURE if intent == "unsure" else None


# In the order the questions are asked (domain.yml, forms.candidacy_form.required_slots).
READERS: Dict[str, Reader] = {
    "symptoms_affect_daily_life": yes_no_reader(["SYMPTOM"], ["NO_SYMPTOMS"]),
    "symptom_areas": read_symptom_areas,
    "spread_extent": read_spread_extent,
    "growth_count": read_growth_count,
    "growth_size": choice_reader(
        "SIZE", negated_means={"small": "not_small", "not_small": "small"}, polar={"yes": "small", "no": "not_small"}
    ),
    "treatment_response": choice_reader("RESPONSE"),
    "hormone_receptor_status": read_hormone_receptor_status,
    "tumor_grade": read_tumor_grade,
    "earlier_breast_cancer": yes_no_reader(["EARLIER"]),
    "years_to_metastasis": read_years_to_metastasis,
    "daily_activity": choice_reader("ACTIVITY"),
    "age_65_or_older": read_age_65_or_older,
    "other_health_conditions": yes_no_reader(["CONDITION"]),
    "surgery_considered": yes_no_reader(["SURGERY"]),
    "complete_removal_likely": yes_no_reader(["REMOVAL"]),
    "main_goal": read_main_goal,
}


def interpret(slot: str, text: str, intent: Optional[str] = None):
    """The schema value a free-text reply gives the question `slot`, or None."""
    return READERS[slot](language.parse(text), intent)
