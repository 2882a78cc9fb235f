"""Reads a free-text reply as an answer to the open question.

Each question has its own reader: the same words mean different things under
different questions ("no one told me" is "not sure" for receptor status; "I'm 58"
answers the age question only). A reader returns a schema value, or None when it
is not confident; it never guesses. Vocabulary lives in nlp/patterns.yml.

A reader may also return a Reading that is not sure: the reply was torn between
values, or the value rests on arithmetic or on flipping a negated word. The form
then asks the person to confirm before storing anything (actions/confirmations.py).
"""
import datetime
import re
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from actions import language, settings

UNSURE = "unsure"
AREA_ORDER = ("brain", "spine", "bone", "lung", "liver", "other")

Reader = Callable[[Doc, Optional[str]], Optional[object]]

# A yes or no that only the classifier gave, for a reply longer than this, is checked.
LONGEST_PLAIN_REPLY = 6
# Words in a reply beyond which a reading is checked before it is stored.
LONGEST_STORY_READ_AT_ONCE = 25
# "y" or "n" with at most a full stop after it.
LONGEST_ONE_LETTER_ANSWER = 2


@dataclass(frozen=True)
class Reading:
    """What a reply says for the open question, and whether to store it straight away.

    value None: not understood. sure False: ask first, `value` being the best
    reading and `others` the other values the reply could mean, best first.
    """

    value: Any = None
    sure: bool = True
    others: Tuple[Any, ...] = ()


def doubtful(value: Any, *others: Any) -> Reading:
    return Reading(value, sure=False, others=tuple(o for o in others if o != value))


def as_reading(result: Any) -> Reading:
    return result if isinstance(result, Reading) else Reading(result)


def is_unsure(value: Any) -> bool:
    return value == UNSURE or value == [UNSURE]


# --- shared pieces ---------------------------------------------------------------


def says_unsure(doc: Doc, topic_labels: Sequence[str] = ()) -> bool:
    """An "unsure" phrase that the question's own vocabulary does not claim.

    "Never mentioned" is not sure for most questions, but a plain "no" when the
    question is whether surgery was ever mentioned (SURGERY lists it).
    """
    return bool(unclaimed_unsure_phrases(doc, topic_labels))


def unclaimed_unsure_phrases(doc: Doc, labels: Sequence[str] = ()) -> List:
    """The "unsure" phrases not inside a phrase of these labels."""
    claimed = language.spans(doc, labels) if labels else []
    return [
        span for span in language.spans(doc, ["UNSURE"])
        if not any(t.start <= span.start and span.end <= t.end for t in claimed)
    ]


def polar_reading(doc: Doc, yes_labels: Sequence[str] = (), no_labels: Sequence[str] = ()) -> Any:
    """yes/no from topic words and plain yes/no words.

    A topic word negated in its clause counts as "no" ("no one mentioned surgery").
    A topic-specific "no" phrase outweighs topic "yes" words ("pain, but it does
    not affect my day"); any other disagreement is not confident.
    """
    # The question's own words first; a plain yes/no word counts where it does not overlap
    # them ("doesn't affect" is the topic's "no", not the "it doesn't" inside it).
    topic = language.spans(doc, [*yes_labels, *no_labels])
    plain = [s for s in language.spans(doc, ["YES", "NO"]) if not _overlaps_any(s, topic)]
    found = sorted([*topic, *plain], key=lambda span: span.start)
    # "y" and "n" are answers only on their own: in a sentence, "n" is SMS for "and"
    found = [s for s in found if len(s.text) > 1 or len(doc) <= LONGEST_ONE_LETTER_ANSWER]
    found = [s for s in found if not _pronoun_yes_leading_on(s)]
    # "negative" in "triple negative" or "HER2 negative" is a report word, not the answer "no"
    report_words = language.spans(doc, REPORT_LABELS)
    found = [s for s in found if s.label_ not in ("YES", "NO") or not _inside_any(s, report_words)]
    topic_no = any(
        s.label_ in no_labels or (s.label_ in yes_labels and s.id_ == "no") for s in found
    )
    if topic_no:
        return "no"
    votes = {_vote(span) for span in found}
    if len(votes) == 1:
        return votes.pop()
    # "No heart problems, but I do have diabetes": what follows the last "but" is what is
    # meant, most of the time; checked, since "I have diabetes but it's no problem" is not.
    turn = max((t.i for t in doc if t.norm_.lower() in TURNING_WORDS), default=None)
    after = {_vote(span) for span in found if turn is not None and span.start > turn}
    if len(after) == 1:
        best = after.pop()
        return doubtful(best, *(votes - {best}))
    # "Nope, they said it's too spread out for surgery": the plain answer it opens with; checked
    # Not when the person then corrects it ("No — actually wait, yes, ...").
    leading = opening_yes_or_no(doc)
    if leading and not SELF_CORRECTION.search(doc.text.lower()) and not language.words(doc.text) & OPENING_CORRECTED:
        return doubtful(leading, *(votes - {leading}))
    return None


REPORT_LABELS = ("RECEPTOR", "OTHER_RECEPTOR")
# Words that take back an opening "no" or "yes": "No — actually wait, yes, ..."
OPENING_CORRECTED = settings.CORRECTION_WORDS | {"wait", "sorry"}
TURNING_WORDS = frozenset({"but", "however"})


def _vote(span) -> str:
    if span.id_ == "no" or language.is_negated(span):
        return "no"
    return "yes"


def _overlaps_any(span, others) -> bool:
    return any(o.start < span.end and span.start < o.end for o in others)


def _inside_any(span, others) -> bool:
    return any(o.start <= span.start and span.end <= o.end and len(o) > len(span) for o in others)


BEING = frozenset({"am", "is", "are", "was", "be", "'m", "'s"})
YES_NO_WORDS = frozenset({"yes", "yeah", "yep", "no", "nope", "not", "sure", "definitely", "indeed", "right", "correct"})


def _pronoun_yes_leading_on(span) -> bool:
    """ "I am" answers "are you 65 or older?"; in "I'm her husband" it says nothing."""
    if span.label_ != "YES" or span[0].norm_.lower() not in language.ANSWER_NO_BEFORE or span.end >= len(span.doc):
        return False
    if span[-1].norm_.lower() not in BEING:
        return False  # "they did talk about surgery" stresses a yes
    following = span.doc[span.end]
    return not (following.is_punct or following.norm_.lower() in language.CLAUSE_BREAKS | YES_NO_WORDS)


def intent_reading(intent: Optional[str]) -> Optional[str]:
    return {"affirm": "yes", "deny": "no", "unsure": UNSURE}.get(intent or "")


def single(values: Sequence[str]) -> Any:
    """One distinct value; a doubtful Reading, most named first, when several disagree."""
    distinct = sorted(dict.fromkeys(values), key=lambda value: -list(values).count(value))
    if len(distinct) <= 1:
        return distinct[0] if distinct else None
    return doubtful(*distinct)


def classifier_only(value: Optional[str], doc: Doc) -> Any:
    """A yes/no read from the classifier alone: sure for a short reply, checked for a long one."""
    if value is None or value == UNSURE or len(doc) <= LONGEST_PLAIN_REPLY:
        return value
    return doubtful(value)


def yes_no_reader(yes_labels: Sequence[str], no_labels: Sequence[str] = ()) -> Reader:
    def read(doc: Doc, intent: Optional[str]) -> Optional[str]:
        topic = [*yes_labels, *no_labels]
        if says_unsure(doc, topic) or any(s.id_ == UNSURE for s in language.spans(doc, topic)):
            # "Yes, she had an op ... she's not sure what stage": the plain answer leads; checked
            leading = opening_yes_or_no(doc)
            if leading:
                return doubtful(leading, UNSURE)
            # "they think so, yeah, but no promises": a yes beside the doubt; checked, "not sure" first
            if says_yes_beside_doubt(doc, topic):
                return doubtful(UNSURE, "yes")
            # "For the first year nobody said a word about it. Then the surgeon came in...":
            # an answer told in a later sentence than the doubt; checked, "not sure" first
            later = told_after_the_doubt(doc, topic)
            return doubtful(UNSURE, *later) if later else UNSURE
        return polar_reading(doc, yes_labels, no_labels) or classifier_only(intent_reading(intent), doc)

    return read


def doubt_phrases(doc: Doc, topic_labels: Sequence[str]) -> List[Span]:
    """ "not sure", and the topic's own doubts ("nobody said")."""
    return [*language.spans(doc, ["UNSURE"]), *[s for s in language.spans(doc, topic_labels) if s.id_ == UNSURE]]


SENTENCE_ENDS = frozenset({".", "!", "?"})
# Words that move a story on in time: what follows is the newer news.
STORY_TURNS = frozenset({"then", "now", "later", "recently", "eventually", "finally", "since"})


def told_after_the_doubt(doc: Doc, topic_labels: Sequence[str]) -> List[str]:
    """The yes/no answers of the topic told in a sentence after the last doubt."""
    doubts = doubt_phrases(doc, topic_labels)
    if not doubts:
        return []
    last_doubt = max(s.end for s in doubts)
    ends = [t.i for t in doc[last_doubt:] if t.text in SENTENCE_ENDS]
    if not ends:
        return []
    turn = next((t.i for t in doc[ends[0]:] if t.norm_.lower() in STORY_TURNS), None)
    if turn is None:
        return []
    answers = [
        s.id_ for s in language.spans(doc, topic_labels)
        if s.start > turn and s.id_ in ("yes", "no") and not language.is_negated(s) and not language.is_doubted(s)
    ]
    return list(dict.fromkeys(answers))


def says_yes_beside_doubt(doc: Doc, topic_labels: Sequence[str]) -> bool:
    """A plain yes, not negated and not inside an "unsure" phrase, beside one."""
    doubts = doubt_phrases(doc, topic_labels)
    # "I'm" in "I'm not sure" is no yes
    noes = language.spans(doc, ["NO"])
    return any(
        s.id_ == "yes" and len(s.text) > 1 and not language.is_negated(s) and not _pronoun_yes_leading_on(s)
        and not _overlaps_any(s, [*doubts, *noes])
        for s in language.spans(doc, ["YES"])
    )


def opening_yes_or_no(doc: Doc) -> Optional[str]:
    """ "Yes, ..." or "No, ...": the plain answer a reply opens with, if any."""
    first = [s for s in language.spans(doc, ["YES", "NO"]) if s.start == 0]
    if not first or len(doc) <= first[0].end or doc[first[0].end].norm_ not in {",", ".", "-", "!", ";"}:
        return None
    return _vote(first[0])


def choice_reader(label: str, negated_means: Optional[Dict[str, str]] = None, polar: Optional[Dict[str, str]] = None) -> Reader:
    """A value named by one label's ids; a negated mention flips through negated_means or is dropped."""

    def read(doc: Doc, intent: Optional[str]) -> Optional[str]:
        values, flipped = [], False
        for span in language.spans(doc, [label]):
            if language.is_doubted(span):
                continue
            value = span.id_
            if language.is_negated(span):
                value = (negated_means or {}).get(value)
                flipped = flipped or bool(value)
            if value:
                values.append(value)
        if values:
            reading = as_reading(single(values))
            # "they're not small" flips a word: check that the flip is what was meant
            return doubtful(reading.value, *reading.others) if flipped else reading
        if says_unsure(doc):
            return UNSURE
        if polar:
            answer = as_reading(polar_reading(doc))
            if answer.value is None:
                answer = as_reading(classifier_only(intent_reading(intent), doc))
            value = polar.get(answer.value, answer.value if answer.value == UNSURE else None)
            return Reading(value, answer.sure, tuple(polar[o] for o in answer.others if o in polar))
        return intent_reading(intent) if intent == "unsure" else None

    return read


# --- question by question ----------------------------------------------------------


def _excepted(span) -> bool:
    """ "everywhere except the brain": a place named after "except" or "apart from" is left out."""
    before = [t.norm_.lower() for t in span.doc[max(0, span.start - 3): span.start]]
    return "except" in before or ("apart" in before and "from" in before)


NODE_WORDS = frozenset({"lymph", "nodes", "node", "glands", "gland"})
NODE_PLACES = frozenset({"neck", "collarbone", "collar bone", "collarbones", "armpit", "breastbone"})
CLEAR_WORDS = frozenset({"clear", "clean", "normal", "fear", "worry", "dread"})
SAID_OF_A_SCAN = frozenset({"was", "is", "were", "are", "'s", "came", "come", "back", "looked", "looks", "all"})
# "tummy pain" is the liver only when nothing else in the belly is named ("the ovaries ... tummy pain")
VAGUE_BELLY_WORDS = frozenset({"tummy", "belly", "abdomen"})


def _said_clear(span) -> bool:
    """ "the MRI of her head was clear": the place is named to rule it out."""
    after = []
    for token in span.doc[span.end : span.end + 6]:
        if token.is_punct or token.norm_.lower() in language.CLAUSE_BREAKS:
            break
        after.append(token.norm_.lower())
    return bool(set(after) & CLEAR_WORDS) and after[0] in SAID_OF_A_SCAN


# "there are tiny ones in the lungs too but they don't give me any bother": a place without symptoms
NO_BOTHER = re.compile(
    r"\b(?:(?:do|does|did)(?:n'?t| not)|never) (?:give|cause|bother) (?:me|her|him)\b(?: (?:any )?(?:bother|trouble|problems?|symptoms?))?"
    r"|\bno (?:bother|trouble|symptoms?) (?:from|with) (?:them|it|those)\b",
    re.IGNORECASE,
)


def _without_bother(sites: List[Span]) -> List[Span]:
    """The places left when the one named last before "they don't give me any bother" (in
    its sentence) is dropped; all of them when that would leave none."""
    if not sites:
        return sites
    doc = sites[0].doc
    quiet = set()
    for match in NO_BOTHER.finditer(doc.text):
        before = [s for s in sites if s.end_char <= match.start() and not re.search(r"[.!?]", doc.text[s.end_char : match.start()])]
        if before:
            quiet.add(max(before, key=lambda s: s.end_char).start)
    kept = [s for s in sites if s.start not in quiet]
    return kept or sites


FEAR_WORDS = frozenset({"scared", "afraid", "worried", "worry", "fear", "terrified", "frightened", "dread"})
SPREADING_WORDS = frozenset({"go", "goes", "going", "gonna", "spread", "spreads", "spreading", "reach", "move"})


def _feared(span) -> bool:
    """ "I'm scared it's gonna go to my brain next": a place feared, not a place it is."""
    before = []
    for token in reversed(span.doc[max(0, span.start - 10) : span.start]):
        if token.norm_.lower() in {".", ";", "but", "!"}:
            break
        before.append(token.norm_.lower())
    return bool(set(before) & FEAR_WORDS) and bool(set(before) & SPREADING_WORDS)


def read_symptom_areas(doc: Doc, intent: Optional[str]) -> Optional[List[str]]:
    named = language.spans(doc, ["BODY_SITE"])
    if says_unsure(doc) and all(language.is_doubted(s) for s in named):
        # "not sure if it's the liver or the lungs"
        return [UNSURE]
    sites = filter_spans(named)
    if any(s.id_ == "other" and set(s.text.lower().split()) & NODE_WORDS for s in sites):
        # "the lymph nodes under my arm and up in my neck", "just above the collarbone":
        # where the nodes are, not the spine or a bone
        sites = [s for s in sites if s.text.lower() not in NODE_PLACES]
    sites = [s for s in sites if not language.is_negated(s) and not _excepted(s) and not _said_clear(s) and not _feared(s)]
    sites = _without_bother(sites)
    if any(s.id_ == "other" for s in sites):
        sites = [s for s in sites if s.text.lower() not in VAGUE_BELLY_WORDS]
    areas = [s.id_ for s in sites]
    if not areas:
        return [UNSURE] if intent == "unsure" else None
    areas = [area for area in AREA_ORDER if area in areas]
    doubts = unclaimed_unsure_phrases(doc)
    if doubts and hedged(doc) and min(d.start for d in doubts) < min(s.start for s in sites):
        # "I really don't know, could be the bones, could be something else": the doubt leads
        return doubtful([UNSURE], areas)
    return areas


SPREAD_FLIPPED = {"one_area": "several_areas", "several_areas": "one_area"}


def read_spread_extent(doc: Doc, intent: Optional[str]) -> Any:
    stated, flipped = [], False
    for span in language.spans(doc, ["SPREAD"]):
        if span.id_ == "area_count":
            count = language.numbers(span.as_doc())
            value = "one_area" if count == [1.0] else "several_areas"
        elif span.id_ != "only":
            value = span.id_
        else:
            continue
        if language.is_negated(span) and value in SPREAD_FLIPPED:
            value, flipped = SPREAD_FLIPPED[value], True  # "it's not in more than one place"
        stated.append(value)
    if stated:
        reading = as_reading(single(stated))
        return doubtful(reading.value, *reading.others) if flipped else reading
    if says_unsure(doc):
        return UNSURE
    sites = {s.id_ for s in language.spans(doc, ["BODY_SITE"]) if not language.is_negated(s)}
    said_only = any(s.id_ == "only" for s in language.spans(doc, ["SPREAD"]))
    if sites >= {"spine", "bone"}:
        # "the bones in my spine": the spine is bone; whether that is one area or several is checked
        sites.discard("spine")
        if len(sites) == 1:
            return doubtful("one_area", "several_areas")
    if len(sites) >= 2:
        # "just the lymph nodes near my collarbone": "just" says one, the places say several
        return doubtful("several_areas", "one_area") if said_only else "several_areas"
    if sites or said_only:
        return "one_area"
    return UNSURE if intent == "unsure" else None


def count_category(count: float) -> Optional[str]:
    if count < 1 or count > settings.GROWTH_COUNT_MAX or count != int(count):
        return None
    if count <= 2:
        return {1: "one", 2: "two"}[int(count)]
    return "three_to_five" if count <= 5 else "more_than_five"


ONE_MORE = frozenset({"another", "second"})
A_PAIR = frozenset({"couple", "pair"})
NUMBER_NAMES_A_PLACE = frozenset({"segment", "seg", "level", "stage", "grade", "rib", "vertebra"})
SIZE_UNITS = frozenset({"mm", "cm", "millimetres", "millimeters", "centimetres", "centimeters", "cms"})
MEASURE = re.compile(r"^\d+(?:[.,]\d+)?(?:mm|cm)$", re.IGNORECASE)


def sizes(doc: Doc) -> List[Span]:
    """ "a 9mm one and a 14 mm one": numbers that measure a growth (and the "one" they
    describe), not count them."""
    found = []
    for token in doc:
        if MEASURE.match(token.text):
            end = token.i + 1
        elif token.like_num and token.i + 1 < len(doc) and doc[token.i + 1].norm_.lower() in SIZE_UNITS:
            end = token.i + 2
        else:
            continue
        if end < len(doc) and doc[end].norm_.lower() in {"one", "ones"}:
            end += 1
        found.append(doc[token.i : end])
    return found


def count_by_site(doc: Doc, start: int = 0) -> Optional[float]:
    """Counts given place by place add up: "one in my liver and two in my lung" -> 3.

    `start` leaves out what comes before it (a total said first).
    """
    sites = [s for s in language.spans(doc, ["BODY_SITE"]) if s.start >= start]
    counts, after_previous = [], start
    for site in sites:
        # the number said just before this place, after the previous one: "two in my lung"
        window = doc[max(site.start - 4, after_previous) : site.start]
        said = language.numbers(window.as_doc())
        since_previous = [t.norm_.lower() for t in doc[after_previous : site.start]]
        if not said and counts and set(since_previous) & ONE_MORE:
            said = [1.0]  # "one in the lung and another (they're watching) on the hip"
        if not said and _the_one_in(window):
            said = [1.0]  # "the one in his lung"
        if not said and (any(t.norm_.lower() in A_PAIR for t in window) or _both_sides(window)):
            said = [2.0]  # "a couple in the bones", "left and right adrenal"
        if len(said) != 1:
            return None
        counts.append(said[0])
        after_previous = site.end
    # The same place named twice is one place told about twice; "spine" and "hip" are both
    # bone but two places.
    if len(counts) < 2 or len({s.text.lower() for s in sites}) != len(sites):
        return None
    return sum(counts)


def total_said_first(doc: Doc) -> Optional[Tuple[float, int]]:
    """The count said before any place is named, and where it ends: "Two. One in the brain ..." -> (2, 1)."""
    places = language.spans(doc, ["BODY_SITE"])
    before_places = places[0].start if places else len(doc)
    for token in doc[:before_places]:
        if token.norm_.lower() in A_PAIR:
            return 2.0, token.i + 1
        others = [part for part in (doc[: token.i], doc[token.i + 1 :]) if len(part)]
        said = language.numbers(doc, skip=others)
        if said:
            return said[0], token.i + 1
    return None


def total_agrees_with_places(doc: Doc) -> Optional[str]:
    """A total said first that the places then add up to needs no check: no arithmetic rests
    on the reading ("Two lesions, one on the hip and one on a rib"; "a pair, one on each lung")."""
    said_first = total_said_first(doc)
    if said_first is None:
        return None
    total, after = said_first
    if total == 2 and one_in_each_place(doc):
        return "two"
    return count_category(total) if count_by_site(doc, start=after) == total else None


def _the_one_in(window) -> bool:
    words = [t.norm_.lower() for t in window]
    return any(words[i:i + 3] in (["the", "one", "in"], ["the", "one", "on"], ["that", "one", "in"]) for i in range(len(words)))


def _both_sides(window) -> bool:
    words = [t.norm_.lower() for t in window]
    return "left" in words and "right" in words


def _one_described(span) -> bool:
    """ "the small one near the adrenal": "one" stands for a growth, it is no count."""
    return span.text.lower() == "one" and span.start > 0 and (
        span.doc[span.start - 1].norm_.lower() in language.NOT_A_COUNT_BEFORE_ONE
    )


PER_PLACE = frozenset({"each", "both", "either"})


def one_in_each_place(doc: Doc) -> bool:
    """ "one in each lung", "1 on both hips": a count per place, not a count of one."""
    words = [t.norm_.lower() for t in doc]
    return any(
        words[i] in {"one", "1"} and words[i + 1] in {"in", "on"} and words[i + 2] in PER_PLACE
        for i in range(len(words) - 2)
    )


# "It was one, then they found another one in my rib" (or "a second one"): one more than the count before it.
ONE_MORE_FOUND = re.compile(
    r"\b(?:one|1) more\b|\banother one\b|\banother (?:in|on|at)\b|\ba second (?:one|in|on|near)\b", re.IGNORECASE
)


def one_more_than_before(doc: Doc) -> Optional[float]:
    found = ONE_MORE_FOUND.search(doc.text)
    if not found:
        return None
    said_before = [t for t in doc if t.idx < found.start()]
    before = language.numbers(doc[: len(said_before)].as_doc())
    return before[0] + 1 if len(before) == 1 else None


def read_growth_count(doc: Doc, intent: Optional[str]) -> Any:
    agreed = total_agrees_with_places(doc)
    if agreed:
        return agreed
    one_more = one_more_than_before(doc)
    if one_more is not None and count_category(one_more):
        return doubtful(count_category(one_more))  # added up: check the sum
    if one_in_each_place(doc):
        # two for a pair (lungs, hips), more for ribs or vertebrae: check, two first
        return doubtful("two", "three_to_five")
    by_site = count_by_site(doc)
    if by_site is not None and count_category(by_site):
        return doubtful(count_category(by_site))  # added up: check the sum
    # The longest phrase wins: "one" inside "not only one" is not a count of one.
    measured = sizes(doc)
    phrases = [
        p for p in filter_spans(language.spans(doc, ["COUNT"]))
        if not _overlaps_any(p, measured) and not _one_described(p)
    ]
    # A number inside a count phrase is part of it: "five" in "more than five"; a number
    # that names a place is no count: "segment 7 of the liver", "stage 4".
    labels = [doc[t.i + 1 : t.i + 2] for t in doc[:-1] if t.norm_.lower() in NUMBER_NAMES_A_PLACE]
    pronouns = language.not_meant(doc, ["COUNT"])  # "one by one", "the other one"
    categories = [count_category(n) for n in language.numbers(doc, skip=[*phrases, *labels, *measured, *pronouns])]
    categories += [s.id_ for s in phrases if not language.is_doubted(s)]
    categories = [c for c in categories if c]
    named = [c for c in categories if c != VAGUE_COUNT]
    if named and says_unsure(doc) and not language.numbers(doc, skip=phrases):
        # "several, the doctor didn't give a number", "two or three, I can't remember which"
        return doubtful(UNSURE, *dict.fromkeys(named))
    if named:
        return single(named)
    if categories:
        # "the report says multiple": more than one, but how many is not known
        return doubtful(UNSURE, "two", "three_to_five", "more_than_five")
    if says_unsure(doc):
        return UNSURE
    return UNSURE if intent == "unsure" else None


VAGUE_COUNT = "vague"


# Each month's spellings, the full name last.
MONTH_NAMES = (
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
    ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december"),
)
MONTHS = {name: number for number, names in enumerate(MONTH_NAMES, start=1) for name in names}
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_YEAR = r"(19\d\d|20\d\d)"
DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+" + _MONTH + r",?\s+" + _YEAR + r"\b")
MONTH_DAY_YEAR = re.compile(r"\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+" + _YEAR + r"\b")
NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-]" + _YEAR + r"\b")
ISO_DATE = re.compile(r"\b" + _YEAR + r"-(\d{1,2})-(\d{1,2})\b")
MONTH_YEAR = re.compile(r"\b" + _MONTH + r",?\s+" + _YEAR + r"\b")


def birth_dates(text: str) -> List[datetime.date]:
    """Full dates of birth in a reply; "05/06/1961" gives both readings when day and month could swap."""
    found: List[Tuple[int, int, int]] = []
    lowered = text.lower()
    found += [(int(y), MONTHS[m], int(d)) for d, m, y in DAY_MONTH_YEAR.findall(lowered)]
    found += [(int(y), MONTHS[m], int(d)) for m, d, y in MONTH_DAY_YEAR.findall(lowered)]
    found += [(int(y), int(m), int(d)) for y, m, d in ISO_DATE.findall(lowered)]
    for first, second, year in NUMERIC_DATE.findall(lowered):
        found += [(int(year), int(second), int(first)), (int(year), int(first), int(second))]
    dates = []
    for year, month, day in found:
        try:
            dates.append(datetime.date(year, month, day))
        except ValueError:
            continue  # "31/12" read month-first is no date
    return list(dict.fromkeys(dates))


def two_dates(text: str) -> Optional[Tuple[datetime.date, datetime.date]]:
    """Two different full dates in a reply. Two numeric dates are read the same way round
    (day first, as most of our readers write; month first when day first is no date)."""
    numeric = NUMERIC_DATE.findall(text.lower())
    if len(numeric) == 2:
        for day_first in (True, False):
            try:
                dates = [
                    datetime.date(int(y), int(b), int(a)) if day_first else datetime.date(int(y), int(a), int(b))
                    for a, b, y in numeric
                ]
            except ValueError:
                continue
            return (dates[0], dates[1]) if dates[0] != dates[1] else None
        return None
    dates = birth_dates(text)
    return (dates[0], dates[1]) if len(dates) == 2 else None


def age_on(born: datetime.date, today: datetime.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


# "dx 03/2016, mets 03/2023": a month and a year in figures, as letters write them
NUMERIC_MONTH_YEAR = re.compile(r"\b(0?[1-9]|1[0-2])[/.-]" + _YEAR + r"\b")


def years_between_months(text: str) -> Optional[float]:
    """ "March 2019 ... September 2023" -> 4.5 (to the nearest half year)."""
    pairs = [(int(y), MONTHS[m]) for m, y in MONTH_YEAR.findall(text.lower())]
    if not pairs:
        pairs = [(int(y), int(m)) for m, y in NUMERIC_MONTH_YEAR.findall(text)]
    if len(pairs) != 2:
        return None
    (y1, m1), (y2, m2) = sorted(pairs)
    return round(((y2 - y1) + (m2 - m1) / 12) * 2) / 2



def age_from_birth_year(year: float, today: datetime.date) -> Any:
    """65 or older from a year of birth: arithmetic, so always checked; torn on the year one turns 65."""
    oldest, youngest = today.year - year, today.year - year - 1
    answers = ["yes" if age >= 65 else "no" for age in (oldest, youngest)]
    return doubtful(*answers)


def says_age_to_come(doc: Doc) -> bool:
    """"I'll be 65 in March", "turning 65", "65 in 3 weeks": the number is next birthday's age."""
    return bool(language.words(doc.text) & AGE_TO_COME_WORDS) or bool(AGE_IN_A_WHILE.search(doc.text.lower()))


AGE_TO_COME_WORDS = frozenset({"turning", "be", "next", "soon"})
AGE_IN_A_WHILE = re.compile(r"\bin (?:a |an |\d+ |a few |few |two |three |six )?(?:days?|weeks?|months?)\b(?! ago)")


# "3 years off 65", "a year short of 65", "two years to go till 65": younger than 65.
SHORT_OF_65 = re.compile(
    r"\b(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple of)\s+(?:years?|yrs?|months?)\s+"
    r"(?:off|short of|away from|before|to go (?:to|till|until|before)|until|till)\s+(?:65|sixty[- ]?five)\b"
)


# "I was 60 when they first diagnosed me in 2019", "in 2019 I was 60"
WAS_AGE = r"\b(?:i|she|he|mum|mom|dad) was (\d{2})\b"
PAST_YEAR = r"\b(19\d\d|20\d\d)\b"
AGE_THEN_YEAR = re.compile(WAS_AGE + r"[^.?!]*?" + PAST_YEAR, re.IGNORECASE)
YEAR_THEN_AGE = re.compile(PAST_YEAR + r"[^.?!]*?" + WAS_AGE, re.IGNORECASE)


# "I retired at 60 and that was eight years ago"
AT_AGE_YEARS_AGO = re.compile(r"\b(?:at|aged) (\d{2})\b[^.?!]*?\b(\w+) (?:years?|yrs) ago\b", re.IGNORECASE)


def age_told_for_a_past_year(text: str, today: datetime.date) -> Optional[int]:
    """The age now, at least, from an age told for an earlier year or some years ago."""
    for pattern, age_group, year_group in ((AGE_THEN_YEAR, 1, 2), (YEAR_THEN_AGE, 2, 1)):
        found = pattern.search(text)
        if found and int(found.group(year_group)) < today.year:
            return int(found.group(age_group)) + today.year - int(found.group(year_group)) - 1
    found = AT_AGE_YEARS_AGO.search(text)
    years_ago = language.number_value(found.group(2).lower()) if found else None
    if years_ago:
        return int(found.group(1)) + int(years_ago)
    return None


SHORT_BIRTH_YEAR = re.compile(r"\bborn (?:in )?[\u2018\u2019'](\d\d)\b", re.IGNORECASE)


SIXTY_SOMETHING = re.compile(r"\b(?:sixty|60)\s*-?\s*(?:something|odd|ish)\b|\b(?:sixties|60'?s)\b", re.IGNORECASE)


def read_age_65_or_older(doc: Doc, intent: Optional[str]) -> Any:
    groups = language.spans(doc, ["AGE_GROUP"])
    stated_group = single([s.id_ for s in groups if not language.is_negated(s)])
    if stated_group:
        return stated_group
    low, high = settings.AGE_RANGE
    # "not over 65, just turned 60": the 65 of a denied group is not an age
    stated = language.numbers(doc, skip=[s for s in groups if language.is_negated(s)])
    today = datetime.date.today()
    born = [d for d in birth_dates(doc.text) if low <= age_on(d, today) <= high]
    if born:
        # worked out from a date of birth: checked, but exact to the day
        return doubtful(*dict.fromkeys("yes" if age_on(d, today) >= 65 else "no" for d in born))
    birth_years = [n for n in stated if today.year - high <= n <= today.year - low]
    short_year = SHORT_BIRTH_YEAR.search(doc.text)
    if short_year and not birth_years:
        # "born in '49": the century that gives a possible age
        birth_years = [
            year for year in (1900 + int(short_year.group(1)), 2000 + int(short_year.group(1)))
            if low <= today.year - year <= high
        ]
    if len(birth_years) == 1:
        return age_from_birth_year(birth_years[0], today)
    if SHORT_OF_65.search(doc.text.lower()):
        return doubtful("no")  # "3 years off 65": worked out, checked
    then = age_told_for_a_past_year(doc.text, today)
    if then is not None:
        # "I was 60 when they diagnosed me in 2019": worked out, checked (a year either way at 64-65)
        return doubtful(*dict.fromkeys("yes" if age >= 65 else "no" for age in (then, then + 1)))
    if SIXTY_SOMETHING.search(doc.text):
        # "sixty something", "in her sixties": either side of 65, so not sure ("early"/"late sixties"
        # are AGE_GROUP phrases, read above)
        return UNSURE
    ages = [n for n in stated if low <= n <= high]
    if len(set(ages)) == 2 and max(ages) - min(ages) == 1 and says_age_to_come(doc):
        # "I am 65, turning 66 in January": the younger age is today's
        return "yes" if min(ages) >= 65 else "no"
    if ages and says_age_to_come(doc):
        return doubtful(*["yes" if age - 1 >= 65 else "no" for age in ages])
    if ages:
        return single(["yes" if age >= 65 else "no" for age in ages])
    if stated:
        return None  # an implausible age ("i'm 150") is not understood, not read as yes/no
    if says_unsure(doc):
        return UNSURE
    return polar_reading(doc) or classifier_only(intent_reading(intent), doc)


def read_main_goal(doc: Doc, intent: Optional[str]) -> Optional[str]:
    # in order of mention: the best reading of "a bit of both, the pain is bad" must not
    # depend on how Python orders a set from one process to the next
    found = language.spans(doc, ["GOAL"])
    goals = language.ids(found)
    if {"symptom_relief", "long_term_control"} <= set(goals):
        # "I haven't got symptoms so it's about control": the goal not denied; checked
        plain = language.ids([s for s in found if not language.is_negated(s)])
        if len(plain) == 1 and plain[0] in ("symptom_relief", "long_term_control"):
            return doubtful(plain[0], "both")
        return "both"
    plain = language.ids([s for s in found if not language.is_negated(s)])
    if goals and plain != goals:
        # "I don't have pain, ...": what is left after the denied goal; checked
        return doubtful(*dict.fromkeys(plain)) if plain else None
    if goals:
        return single(goals)
    if says_unsure(doc) or intent == "unsure":
        return UNSURE
    # read with GOAL so that "the pain is under control" (not meant as a goal) hides its "pain"
    symptoms = [s for s in language.spans(doc, ["GOAL", "SYMPTOM"]) if s.label_ == "SYMPTOM"]
    if any(not language.is_negated(s) for s in symptoms):
        # "I want to stop being so breathless": a symptom named as what matters; checked
        return doubtful("symptom_relief", "both")
    return None


# A Nottingham (Elston-Ellis) score, 3-9, gives the grade: 3-5 grade 1, 6-7 grade 2, 8-9 grade 3.
# "Nottingham score 3+3+3 = 9": the total is the number after "=".
NOTTINGHAM_SCORE = re.compile(
    r"\bnottingham\s+(?:score|total)\s*(?:of|is|was|:|=)?\s*(?:[1-3]\s*\+\s*[1-3]\s*\+\s*[1-3]\s*=\s*)?([3-9])\b(?!\s*\+)"
)


# "score of 5 out of 9 on the Nottingham system": the score as a fraction of its top, 9;
# "pleomorphism 2, tubules 2, mitoses 1, total 5" (or "so 5"): the total of the three parts.
SCORE_OUT_OF_NINE = re.compile(
    r"\b(?:score|total)\s*(?:of|is|was|:|=)?\s*([3-9])\s*(?:/|out of)\s*9\b"
    r"|\b(?:tubules|mitoses|pleomorphism)\b.*?(?:\btotal|\bso|\bmakes|\bequals|=)\s*(?:of|is|was|:|=)?\s*([3-9])\b(?!\s*(?:/|out of))"
)


def grade_from_nottingham_score(text: str) -> Optional[str]:
    found = NOTTINGHAM_SCORE.search(text.lower())
    if not found:
        return None
    return grade_from_score(int(found.group(1)))


def grade_from_score(score: int) -> str:
    return "low" if score <= 5 else "intermediate" if score <= 7 else "high"


# "2/3", "grade 2 out of 3": the grade as a fraction of the three grades.
GRADE_OUT_OF_THREE = re.compile(r"\b([1-3])\s*(?:/|out of|of)\s*3\b")


def read_tumor_grade(doc: Doc, intent: Optional[str]) -> Optional[str]:
    scored = grade_from_nottingham_score(doc.text)
    if scored:
        return doubtful(scored)  # worked out from a score: checked
    by_number = {1: "low", 2: "intermediate", 3: "high"}
    out_of_three = {by_number[int(m)] for m in GRADE_OUT_OF_THREE.findall(doc.text.lower())}
    if len(out_of_three) == 1:
        return out_of_three.pop()
    found = language.spans(doc, ["GRADE"])
    grades = [s.id_ for s in found if not language.is_negated(s) and not language.is_doubted(s)]
    for span in found:
        # "grade 2 or 3", "grade 2-3": the second grade counts too, so the reply is not confident
        if span.end + 1 < len(doc) and doc[span.end].norm_ in {"or", "to", "-", "/"}:
            second = language.numbers(doc[span.end + 1 : span.end + 2].as_doc())
            grades += [by_number[int(n)] for n in second if n in by_number]
    out_of_nine = SCORE_OUT_OF_NINE.search(doc.text.lower())
    if not found and out_of_nine:
        return doubtful(grade_from_score(int(out_of_nine.group(1) or out_of_nine.group(2))))  # worked out: checked
    if not found:
        grades = [by_number[int(n)] for n in language.numbers(doc) if n in (1, 2, 3)]
        if grades and says_unsure(doc) and not any(t.text.isdigit() for t in doc):
            # "a lobular one, the grade isn't given": a number word beside a doubt may not be a grade
            return doubtful(UNSURE, *dict.fromkeys(grades))
    if grades:
        return single(grades)
    if says_unsure(doc):
        return UNSURE
    return UNSURE if intent == "unsure" else None


# Report notation for the estrogen receptor. A percentage of stained cells: 1% or more is
# positive (ASCO/CAP 2020; 1-10% is "ER-low positive"). An Allred score (0-8): 3 or more
# is positive. Reading a score is an interpretation, so it is checked before storing.
ER_SIGN = re.compile(r"\b(?:er|hr|oestrogen|estrogen)\s*([+-])(?![\w+-])")
ER_PERCENT = re.compile(r"\b(?:er|oestrogen|estrogen)\b[^%\d<]{0,12}?(<|less than\s*)?(\d{1,3})\s*%")
ER_ALLRED = re.compile(
    r"\b(?:er|oestrogen|estrogen|allred)\b[^\d]{0,20}?\b([0-8])\s*(?:(?:/|out of)\s*8\b|(?=\s*$)|(?=\s*[,.;])|(?=\s+for\s+(?:er|oestrogen|estrogen)\b))"
)
# "oestrogen receptor: 0", "ER score 0": none of the cells stain.
ER_ZERO = re.compile(r"\b(?:er|oestrogen|estrogen)(?:\s+receptors?)?(?:\s+(?:score|status))?\s*[:=]?\s*0\b(?!\s*(?:/|out of|%))")
ER_POSITIVE_FROM_PERCENT = 1
ER_POSITIVE_FROM_ALLRED = 3


def receptor_from_notation(text: str) -> Any:
    """ "ER+/PR+/HER2-", "ER 0%", "ER 8/8", "ER Allred score 0": the estrogen receptor as written in a report."""
    lowered = text.lower()
    sign = ER_SIGN.search(lowered)
    if sign:
        return "er_positive" if sign.group(1) == "+" else "er_negative"
    percent = ER_PERCENT.search(lowered)
    if percent:
        value = int(percent.group(2))
        if percent.group(1) and value > ER_POSITIVE_FROM_PERCENT:
            return None  # "ER <10%" may be either side of 1%
        below = bool(percent.group(1)) or value < ER_POSITIVE_FROM_PERCENT
        return doubtful("er_negative" if below else "er_positive")
    if ER_ZERO.search(lowered):
        return doubtful("er_negative")
    allred = ER_ALLRED.search(lowered)
    if allred and ("allred" in lowered or "/" in allred.group(0) or "out of" in allred.group(0)):
        return doubtful("er_positive" if int(allred.group(1)) >= ER_POSITIVE_FROM_ALLRED else "er_negative")
    return None


def _belongs_to(span, others) -> bool:
    """ "HER2 3+": a sign or "positive" just after HER2 or PR is theirs, not the estrogen receptor's."""
    return any(0 <= span.start - other.end <= 1 for other in others)


def read_hormone_receptor_status(doc: Doc, intent: Optional[str]) -> Optional[str]:
    # Report notation names the estrogen receptor itself: it goes before the words
    # ("+" alone, in "HER2+", would otherwise read as ER positive).
    notation = receptor_from_notation(doc.text)
    if notation is not None:
        return notation
    flip = {"er_positive": "er_negative", "er_negative": "er_positive"}
    for labels in (["RECEPTOR", "OTHER_RECEPTOR"], ["RECEPTOR_WORD", "OTHER_RECEPTOR"]):
        her2 = [s for s in language.spans(doc, labels) if s.label_ == "OTHER_RECEPTOR"]
        found = [
            s
            for s in language.spans(doc, labels)
            if s.label_ != "OTHER_RECEPTOR" and not language.is_doubted(s) and not _belongs_to(s, her2)
        ]
        values = [flip[s.id_] if language.is_negated(s) else s.id_ for s in found]
        if values:
            reading = as_reading(single(values))
            if any(language.is_negated(s) for s in found):
                return doubtful(reading.value, *reading.others)
            return reading
    if says_unsure(doc):
        return UNSURE
    if language.spans(doc, ["OTHER_RECEPTOR"]):
        return None  # HER2 or PR status alone says nothing about the estrogen receptor
    polar = as_reading(polar_reading(doc) or classifier_only(intent_reading(intent), doc))
    value = {"yes": "er_positive", "no": "er_negative"}.get(polar.value or "", polar.value if polar.value == UNSURE else None)
    return Reading(value, polar.sure)


# Ages at which a first breast cancer is plausibly diagnosed, to tell two ages from other numbers.
AGE_WHEN_DIAGNOSED = (18, 100)


def years_and_months(doc: Doc, timed: Sequence[Tuple[Span, float]]) -> Optional[float]:
    """ "8 years 6 months", "3 years and 4 months": one span of time said in two parts."""
    if len(timed) != 2:
        return None
    (first, years), (second, months) = timed
    between = {t.norm_.lower() for t in doc[first.end : second.start]}
    if years >= 1 and years == int(years) and months < 1 and between <= {"and", ","}:
        return round(years + months, 2)
    return None


# "it came back this year", "found last year": a calendar year said in words, years back from today
YEARS_BACK = {"this year": 0, "last year": 1, "this month": 0, "this week": 0} | {
    # "spread found this March": a month of this year
    f"this {month}": 0 for month in (*(names[-1] for names in MONTH_NAMES), "spring", "summer", "autumn")
}


# "twenty eleven", "two thousand and nine": a year said as it is spoken
SPOKEN_YEAR = re.compile(
    r"\b(?:twenty (ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
    r"|twenty twenty(?:[- ](one|two|three|four|five|six))?"
    r"|two thousand (?:and )?(one|two|three|four|five|six|seven|eight|nine))\b",
    re.IGNORECASE,
)


def spoken_years(text: str) -> List[int]:
    found = []
    for match in SPOKEN_YEAR.finditer(text):
        teens, twenties, noughties = match.groups()
        ending = teens or twenties or noughties
        century = 2020 if match.group(0).lower().startswith("twenty twenty") else 2000
        found.append(century + (int(language.number_value(ending)) if ending else 0))
    return found


def years_between_calendar_years(doc: Doc) -> Optional[float]:
    """ "diagnosed in 2014, spread found in 2022" -> 8; "2009 the first time, back this year" -> 17."""
    calendar_years = [n for n in language.numbers(doc) if 1940 <= n <= 2100] + spoken_years(doc.text)
    said = [back for phrase, back in YEARS_BACK.items() if phrase in doc.text.lower()]
    if len(calendar_years) == 1 and len(said) == 1:
        calendar_years.append(datetime.date.today().year - said[0])
    calendar_years.sort()
    return calendar_years[1] - calendar_years[0] if len(calendar_years) == 2 else None


UPPER_BOUNDS = ("less than", "under", "within", "not even", "not quite")


def within_a_bound(timed, doc: Doc) -> Optional[float]:
    """ "less than a year, about nine months": a bound, then a shorter span inside it."""
    if len(timed) != 2:
        return None
    (bound, longest), (_, shorter) = timed
    said_before = doc[max(0, bound.start - 2): bound.end].text.lower()
    return shorter if shorter < longest and any(word in said_before for word in UPPER_BOUNDS) else None


AT_AN_AGE = re.compile(r"\b(?:at|aged|at age|at the age of)\s+(\d{2})\b(?!\s*(?:%|mm|cm|years?|yrs|months?))", re.IGNORECASE)


# "it was for years later": "four" as speech-to-text writes it, where "for years" cannot mean "a long time"
FOR_AS_FOUR = re.compile(r"\b(?:was|about|around|roughly|nearly|almost|maybe)\s+for\s+years\b", re.IGNORECASE)


def read_years_to_metastasis(doc: Doc, intent: Optional[str]):
    # each span of time read once, with its length in years
    timed = [(s, years) for s in language.spans(doc, ["DURATION"]) if (years := language.duration_in_years(s)) is not None]
    in_two_parts = years_and_months(doc, timed)
    if in_two_parts is not None:
        return doubtful(in_two_parts)  # added up: check it
    durations = [years for _, years in timed]
    from_calendar = years_between_calendar_years(doc)
    if len(durations) == 1 and from_calendar is not None and from_calendar != durations[0]:
        # "over twenty years, first cancer in 2004 and mets found 2025": the years are exact; checked
        return doubtful(from_calendar, durations[0])
    if len(durations) == 1:
        return durations[0]
    if durations:
        narrowed = within_a_bound(timed, doc)
        if narrowed is not None:
            # "less than a year, maybe 6 months": the second span narrows the first; checked
            return doubtful(narrowed, *[d for d in durations if d != narrowed])
        if any(t.norm_.lower() in CONCLUSION_MARKERS for t in doc[: timed[-1][0].start]):
            # "six months after chemo, which was six months after diagnosis, so about a year"
            return doubtful(durations[-1], *durations[:-1])
        return doubtful(*durations)
    if FOR_AS_FOUR.search(doc.text):
        return doubtful(4.0)  # "it was about for years": speech-to-text's "four"; checked
    if says_unsure(doc):
        return UNSURE
    dates = two_dates(doc.text)
    if dates:
        # "diagnosed 15/03/2012, mets confirmed 15/03/2018": worked out to the half year; checked
        return doubtful(round(abs((dates[1] - dates[0]).days) / 365.25 * 2) / 2)
    from_months = years_between_months(doc.text)
    if from_months is not None and from_months > 0:
        return doubtful(from_months)  # worked out: check it
    if from_calendar is not None:
        return doubtful(from_calendar)  # worked out: check it
    numbers = language.numbers(doc)
    # Two ages, in order: "she was 52 when she first had it and 61 when it came back", or the
    # two said with "at" beside other numbers ("born in 1962, first cancer at 50, mets at 58")
    said_at = [int(age) for age in AT_AN_AGE.findall(doc.text)]
    ages = said_at if len(said_at) == 2 else numbers if language.words(doc.text) & {"when", "at", "aged", "age"} else []
    if len(ages) == 2 and ages[1] > ages[0] and all(AGE_WHEN_DIAGNOSED[0] <= n <= AGE_WHEN_DIAGNOSED[1] for n in ages):
        return doubtful(ages[1] - ages[0])  # worked out; checked
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


ANSWER_SLOTS = tuple(READERS)


# Vocabulary labels (nlp/patterns.yml) and the question each one belongs to.
LABEL_QUESTIONS = {
    "SYMPTOM": "symptoms_affect_daily_life",
    "NO_SYMPTOMS": "symptoms_affect_daily_life",
    "BODY_SITE": "symptom_areas",
    "SPREAD": "spread_extent",
    "COUNT": "growth_count",
    "SIZE": "growth_size",
    "RESPONSE": "treatment_response",
    "RECEPTOR": "hormone_receptor_status",
    "GRADE": "tumor_grade",
    "EARLIER": "earlier_breast_cancer",
    "DURATION": "years_to_metastasis",
    "ACTIVITY": "daily_activity",
    "AGE": "age_65_or_older",
    "AGE_GROUP": "age_65_or_older",
    "CONDITION": "other_health_conditions",
    "SURGERY": "surgery_considered",
    "REMOVAL": "complete_removal_likely",
    "GOAL": "main_goal",
}
# Words that only name a question: "my age", "the surgery one".
TOPIC_LABEL = "QUESTION_TOPIC"


def questions_named(doc: Doc) -> List[str]:
    """Questions the message names by their topic words ("my age", "the surgery one")."""
    return list(dict.fromkeys(s.id_ for s in language.spans(doc, [TOPIC_LABEL])))


def questions_mentioned(doc: Doc) -> List[str]:
    """Questions whose answer words the message holds ("I'm 64", "ER negative")."""
    return list(dict.fromkeys(LABEL_QUESTIONS[s.label_] for s in language.spans(doc, LABEL_QUESTIONS)))


def only_about(slot: str, text: str) -> bool:
    """The message names or answers the question `slot` and no other one."""
    doc = language.parse(text)
    return (questions_named(doc) or questions_mentioned(doc)) == [slot]


SAYING_WORDS = frozenset({"say", "put", "write", "type", "click", "press", "tap", "answer", "choose", "pick"})


def correction_words_outside_the_answer(slot: str, text: str, correction_words: frozenset) -> set:
    """Correction words that are not part of an answer to `slot`: "no change at all on
    the last two scans" answers how treatment is going, it changes no answer."""
    doc = language.parse(text)
    labels = [label for label, question in LABEL_QUESTIONS.items() if question == slot]
    inside = {t.i for span in language.spans(doc, labels) for t in span}
    # "no change", "nothing wrong": a correction word denied asks for no correction
    denied = {t.i for t in doc if t.i > 0 and doc[t.i - 1].norm_.lower() in language.NEGATION_CUES}
    # "we're meant to find out": "meant to" is "supposed to"; "I meant to say" still corrects
    supposed = {
        t.i for t in doc
        if t.norm_.lower() == "meant"
        and language.word_at(doc, t.i + 1) == "to"
        and language.word_at(doc, t.i + 2) not in SAYING_WORDS
    }
    return {t.norm_.lower() for t in doc if t.i not in inside | denied | supposed} & correction_words


def hedged(doc: Doc) -> bool:
    """"I think", "probably", "if I remember right": the person is not quite sure."""
    return bool(language.spans(doc, ["HEDGE"]))


# Words of a plain "I am not sure" (not "we didn't know men got this", "kept it to myself").
SAYS_NOT_SURE = frozenset({"sure", "unsure", "clue", "idea", "remember", "hard", "certain"})


def plain_doubts(doc: Doc) -> List[Span]:
    """The phrases that say plainly "I am not sure" about the answer (not a phrase an answer's words hold)."""
    # a doubt said on its own to open the reply is plain whatever its words ("Don't know, they said ...")
    return [
        span for span in unclaimed_unsure_phrases(doc, list(LABEL_QUESTIONS))
        if {t.norm_.lower() for t in span} & SAYS_NOT_SURE or _opens_on_its_own(span)
    ]


def unsure_beside(doc: Doc) -> bool:
    """ "one report says small ..., I'm not sure what they'd say now": a clear reading with
    "not sure" about it elsewhere in the reply."""
    return bool(plain_doubts(doc))


def opens_unsure(doc: Doc) -> bool:
    """The reply opens by saying it is not sure ("I'm unsure, ...", "Honestly not sure whether ...").
    Nearly every blind reply that opens this way means "not sure", whatever it goes on to say."""
    return any(span.start <= OPENING_WORDS for span in plain_doubts(doc))


# "I'm honestly not sure": the doubt starts within the reply's first three words.
OPENING_WORDS = 3


def _opens_on_its_own(span: Span) -> bool:
    return span.start == 0 and span.end < len(span.doc) and span.doc[span.end].is_punct


def tells_a_change(doc: Doc) -> bool:
    """ "It used to be my back, now it's the liver": which part answers is easy to misread."""
    return bool(language.spans(doc, ["CHANGE"]))


# Words after which a story of change says what holds now, strongest first: "...so now
# it's the liver", "...but the latest scan shows it growing".
NOW_MARKERS = frozenset({"now", "currently", "nowadays", "today", "latest"})
CONCLUSION_MARKERS = frozenset({"so"})
TURN_MARKERS = frozenset({"but", "however", "then", "although", "though"})


def reading_after_change(slot: str, doc: Doc) -> Optional[Reading]:
    """The reading of the words after the last marker of "now" (else of a turn) that
    gives a definite answer, or None."""
    for markers in (NOW_MARKERS, CONCLUSION_MARKERS, TURN_MARKERS):
        for token in reversed([t for t in doc if t.norm_.lower() in markers]):
            later = as_reading(READERS[slot](language.parse(doc[token.i + 1:].text), None))
            if later.value is not None and not is_unsure(later.value):
                return later
    return None


# "no wait", "sorry, no", "hang on", "I mean": the person corrects what they just typed.
SELF_CORRECTION = re.compile(
    r"\b(?:no,?\s+wait|wait,?\s+no|oh,?\s+wait|no,?\s+sorry|sorry,?\s+no|no,?\s+hang on|hang on|no\s+no|"
    r"scratch that|i mean|i meant|i mixed (?:it|them) up|i misread|wait,?\s+actually|well,?\s+actually|no\W+wait|"
    r"i (?:almost |nearly )?forgot|actually,?\s+(?=(?:no|yes)\b)|no,?\s+actually|hmm+,?\s+no|"
    # "No... sorry, yes, the surgeon said ...", "they didn't say it wouldn't be - in fact they said ..."
    r"sorry,?\s+(?=yes\b)|in fact|actually\s+said|(?:says|said)\s+actually|but no(?=,)|but looking at the letter(?: now)?|"
    # "I put one before but the MRI found another, so make that two"
    r"make (?:that|it)(?=\s+(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|a|an|yes|no)\b)|"
    # "I said 5 before but I checked and it was actually 4"
    r"i\s+said\s+[^.,;]{1,25}?\s+before,?\s+but(?:\s+i\s+checked(?:\s+and)?)?|"
    # "I thought it was shrinking but the doctor says it's grown": what was learnt instead
    r"i\s+thought\s+it\s+was\s+[^.,;]{1,30}?,?\s+but)\b"
    # "I'm 65, well, 64 and eleven months": a number taken back at once
    r"|(?<=\d),\s*well\b"
    # "Five years - no, six": a dash, then "no"
    r"|[-\u2013\u2014]\s*no\b"
    # "Grade 2... no, 3": trailing dots, then "no"; "four years. no, three": a new sentence "no,"
    r"|(?:\.{2,}|\u2026)\s*no\b|\.\s+no(?=,)"
    # "fully active? no... more like I can do my office job": what it is more like
    r"|\bno\W+more\s+like\b",
    re.IGNORECASE,
)


ADDS_TO_WHAT_CAME_BEFORE = re.compile(r"\b(?:too|also|as well|aswell)\b", re.IGNORECASE)
EMPHATIC_OPENING = re.compile(r"\W*no\W+no\b", re.IGNORECASE)


# "It doesn't actually stop me, so I'll say no", "..., so I'm unsure", "..., so who knows",
# "5 or 6? let's just say 5": the answer the reply concludes with, after the reasons for it.
CONCLUSION = re.compile(
    r"\blet'?s\s+(?:just\s+)?say\b"
    r"|\bso,?\s+(?:(?:i(?:'ll|\s+will|'d|\s+would)\s+)?(?:say|go\s+with|put)\b"
    r"|(?=(?:(?:i'm|i\s+am|im)\s+(?:unsure|not\s+sure)|who\s+knows)\W*$))"
    # a bare doubt closing the reply: "i think small? not sure tbh", "..., I'm not certain"
    r"|[,?.;!]\s*(?=(?:so\s+)?(?:(?:i'?m|i\s+am)\s+)?(?:not\s+(?:sure|certain)|unsure|no\s+idea)"
    r"(?:\s+(?:tbh|really|honestly|to\s+be\s+honest))?\W*$)",
    re.IGNORECASE,
)


def reading_of_conclusion(slot: str, text: str) -> Optional[Reading]:
    """The reading of what follows the reply's last "so I'll say" (or a closing "so I'm
    unsure"), or None when there is none or it reads nothing."""
    conclusions = list(CONCLUSION.finditer(text))
    if not conclusions:
        return None
    later = as_reading(READERS[slot](language.parse(text[conclusions[-1].end():]), None))
    return later if later.value is not None else None


def reading_after_self_correction(slot: str, text: str) -> Optional[Reading]:
    """The reading of what follows the last self-correction, when it gives a definite answer."""
    # "no no, it doesn't bother me" opening a reply is emphatic: there is nothing before it to correct
    markers = [m for m in SELF_CORRECTION.finditer(text) if not EMPHATIC_OPENING.match(text, 0, m.end())]
    ends = [m.start() for m in markers[1:]] + [len(text)]
    for marker, end in reversed(list(zip(markers, ends))):
        # up to the next correction: "yes I did ..., I almost forgot"
        later = as_reading(READERS[slot](language.parse(text[marker.end():end].lstrip(" ,.;:!-")), None))
        if later.value is not None and not is_unsure(later.value):
            adds = ADDS_TO_WHAT_CAME_BEFORE.search(text[marker.end():end])
            if adds and (later.value == _reading_before(slot, text, marker) or isinstance(later.value, list)):
                # "One, the liver. Oh wait, the lung too": each part reads "one area", together
                # they are two; "liver mostly. no wait, the ribs as well": both places. Read the whole reply
                return None
            return later
    return None


def _reading_before(slot: str, text: str, marker: re.Match) -> Any:
    before = as_reading(READERS[slot](language.parse(text[:marker.start()]), None)).value
    if before is None:
        # "I thought it was only the brain but ...": the marker holds what it corrects
        return as_reading(READERS[slot](language.parse(marker.group(0)), None)).value
    return before


def long_reply(doc: Doc) -> bool:
    """A long story with the answer somewhere in it: read, then checked."""
    return sum(1 for token in doc if token.is_alpha) > LONGEST_STORY_READ_AT_ONCE


def double_negative(doc: Doc) -> bool:
    """Two negations in one clause, besides a leading "no": "it's not that it doesn't bother me"."""
    cues_in_clause = 0
    for token in doc:
        word = token.norm_.lower()
        if word in language.CLAUSE_BREAKS:
            cues_in_clause = 0
        elif word in language.NEGATION_CUES and not (token.i == 0 and word == "no"):
            cues_in_clause += 1
            if cues_in_clause >= 2:
                return True
    return False


# "It's not that ...", "I wouldn't say ...", "I don't think they can't ...": what follows is denied, so a yes/no read from
# it is the other way round (and rests on a negation: checked).
DENIED_FRAME = re.compile(
    r"^\W*(?:(?:well|madam|sir|doctor|honestly|look|ok|okay),?\s*)?(?:it'?s|it is|its|it isn'?t|it was)\s+not\s+(?:that|like)\b"
    r"|^\W*(?:it isn'?t|it is not|it wasn'?t|it was not)\s+(?:that|like)\b"
    r"|^\W*i\s+(?:would\s*n'?o?t|wouldn'?t|wouldnt|would not)\s+say\b"
    # "I don't think they can't": the thought denied is itself a "no"
    r"|^\W*i\s+(?:don'?t|dont|do not)\s+think\b(?=\s+\w+\s+(?:can'?t|cannot|can not|won'?t|wouldn'?t|couldn'?t|didn'?t|don'?t|haven'?t)\b)",
    re.IGNORECASE,
)
FRAMED_QUESTIONS = frozenset({
    "symptoms_affect_daily_life", "earlier_breast_cancer", "other_health_conditions",
    "surgery_considered", "complete_removal_likely",
})
FLIPPED = {"yes": "no", "no": "yes"}
# "No, but my husband has diabetes": the "no" is the patient's; what follows is someone else's.
NO_BUT_SOMEONE_ELSE = re.compile(
    r"^\W*no\b[\s,.;!-]*but\s+(?:my|our)\s+(?:husband|wife|partner|mother|mum|mom|mam|mammy|father|dad|"
    r"sister|sisters|brother|brothers|son|daughter|aunt|auntie|uncle|nan|gran|granny|grandma|grandmother|"
    r"grandfather|friend|cousin|niece|nephew|family|neighbour|neighbor)\b",
    re.IGNORECASE,
)
# The frame denies its own clause only: "it's not that they don't think so, they said ...".
FRAME_ENDS = re.compile(r"[,;.]|\bbut\b", re.IGNORECASE)


# "I had DCIS removed, does that count?", "not sure if my thyroid counts": the person
# gives an answer and doubts whether it is one.
COUNTS_DOUBT = re.compile(
    r"\b(?:does|do|would|will|did)\s+(?:that|this|it|they|those|these|(?:the|my|her|his)\s+[\w\s-]{1,30}?|\d[\d.,]*\s*\w{0,3})\s+count\b"
    r"|\b(?:if|whether)\s+[\w\s'-]{1,40}?\s+counts?\b",
    re.IGNORECASE,
)


BREAK_BETWEEN = re.compile(r"[,.;:?!]")


def doubts_it_counts(doc: Doc, reading: Reading) -> Optional[Reading]:
    """A definite answer given beside a doubt about whether it counts, held for the
    person to confirm, with "not sure" as the other choice."""
    # "not sure if my thyroid counts" already reads as "not sure": stored as said
    question = COUNTS_DOUBT.search(doc.text) if reading.value is not None and not is_unsure(reading.value) else None
    if question is None:
        return None
    # "I really don't know, does 2cm count as small?": a doubt of its own, said first, leads
    # ("25mm, not sure if that counts" doubts only whether it counts)
    doubt_first = any(
        span.end_char < question.start() and BREAK_BETWEEN.search(doc.text[span.end_char: question.start()])
        for span in unclaimed_unsure_phrases(doc)
    )
    return doubtful(UNSURE, reading.value) if doubt_first else doubtful(reading.value, UNSURE)


# "Not sure if it counts but I have mild asthma": the doubt is only whether it counts
NOT_SURE_IF_IT_COUNTS = re.compile(
    r"\b(?:not\s+sure|unsure|don'?t\s+know)\s+(?:if|whether)\b([^.?!]{0,40}?)\bcounts?\b", re.IGNORECASE
)


ANSWER_AFTER_BUT = re.compile(r"\s*,?\s*but\b", re.IGNORECASE)


def answer_beside_a_doubt_whether_it_counts(slot: str, text: str, reading: Reading) -> Optional[Reading]:
    """A reply read as "not sure" only because it doubts whether its answer counts, then gives
    the answer after "but": the answer first, checked ("Not sure if it counts but I have mild asthma")."""
    found = NOT_SURE_IF_IT_COUNTS.search(text) if is_unsure(reading.value) else None
    # only an answer given after it with "but": "not sure if my thyroid counts" and "borderline
    # diabetic, not sure if that counts" mean "not sure" (blind rounds 2-30)
    if found is None or not ANSWER_AFTER_BUT.match(text, found.end()):
        return None
    again = as_reading(READERS[slot](language.parse(text[found.end():]), None))
    if again.value is None or is_unsure(again.value):
        return None
    return doubtful(again.value, UNSURE)


def unsure_shaped_like(value: Any) -> Any:
    """ "not sure" in the shape of the question's answers: a list question keeps its shape."""
    return [UNSURE] if isinstance(value, list) else UNSURE


def torn(reading: Reading) -> bool:
    """Not sure between two or more real answers (not between an answer and "not sure")."""
    return not reading.sure and any(not is_unsure(other) for other in reading.others)


def read(slot: str, text: str, intent: Optional[str] = None) -> Reading:
    """How a free-text reply answers the question `slot`, and how sure that reading is."""
    doc = language.parse(text)
    reading = as_reading(READERS[slot](doc, intent))
    frame = DENIED_FRAME.search(text) if slot in FRAMED_QUESTIONS else None
    if frame:
        # "It's not that I'd never had it before": read what the frame denies, then turn it round
        denied = FRAME_ENDS.split(text[frame.end():], maxsplit=1)[0]
        inner = as_reading(READERS[slot](language.parse(denied), None))
        if inner.value in FLIPPED:
            return doubtful(FLIPPED[inner.value], inner.value)
    if slot in FRAMED_QUESTIONS and reading.value == "yes" and NO_BUT_SOMEONE_ELSE.search(text):
        return doubtful("no", "yes")
    concluded = reading_of_conclusion(slot, text)
    if concluded is not None:
        if reading.value not in (None, concluded.value):
            # "not that I remember, but I miss a lot ..., so I'm unsure": the conclusion first; checked
            return doubtful(concluded.value, reading.value)
        reading = concluded
    corrected = reading_after_self_correction(slot, text)
    if corrected is not None:
        # "Grade 3, no sorry, grade 2": what follows the last correction is meant; checked
        earlier = [reading.value] if reading.value not in (None, corrected.value) else []
        return doubtful(corrected.value, *earlier, *corrected.others)
    change = tells_a_change(doc)
    if change:
        # "it shrank at first but now it's growing": what holds now comes last; checked
        later = reading_after_change(slot, doc)
        if later is not None and later.value is not None:
            earlier = [reading.value] if reading.value not in (None, later.value) else []
            return doubtful(later.value, *earlier)
    counts = doubts_it_counts(doc, reading) or answer_beside_a_doubt_whether_it_counts(slot, text, reading)
    if counts is not None:
        return counts
    if torn(reading) and says_unsure(doc):
        # "was it 2 or 3? can't remember": torn between answers, and says so; "not sure" first
        return doubtful(unsure_shaped_like(reading.value), *[v for v in (reading.value, *reading.others) if not is_unsure(v)])
    if reading.value is None or is_unsure(reading.value) or not reading.sure:
        return reading
    if opens_unsure(doc):
        # "I'm unsure, one doctor said small and another said moderate": the doubt comes first
        return doubtful(unsure_shaped_like(reading.value), reading.value)
    if hedged(doc) or unsure_beside(doc) or double_negative(doc) or change or long_reply(doc):
        return doubtful(reading.value, UNSURE)
    return reading


def interpret(slot: str, text: str, intent: Optional[str] = None):
    """The schema value a free-text reply gives the question `slot` (the best reading), or None."""
    return read(slot, text, intent).value
