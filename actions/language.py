"""The project's spaCy pipeline as the actions use it: loading and small readers.

Reads only; knows nothing about questions. actions/answers.py decides what the
spans mean for the open question.
"""
import re
from functools import lru_cache
from typing import Iterable, List, Optional

import spacy
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from actions import settings

ANSWER_SPANS_KEY = "answers"

NEGATION_CUES = frozenset({"no", "not", "never", "without", "none", "nothing", "nobody", "neither", "nor"})
QUESTION_OPENERS = frozenset(
    {
        "why", "what", "what's", "whats", "how", "explain", "huh", "pardon", "meaning",
        "should", "can", "could", "will", "would", "am", "is", "are", "do", "does",
    }
)
CLAUSE_BREAKS = frozenset(
    {".", ",", ";", ":", "!", "?", "but", "although", "though", "however", "except", "because", "cos", "coz", "cuz"}
)
# "so" opens a new clause before these: "I haven't got symptoms so it's about control".
SO_OPENS_A_CLAUSE_BEFORE = frozenset({
    "i", "it", "its", "that", "we", "they", "she", "he", "now", "then", "there", "my", "really", "basically", "mainly",
})
# "not" right before one of these adds rather than denies: "not only the bones".
NOT_LIMITING = frozenset({"only", "just", "merely"})
# "no" right before one of these is the answer "no", not a negation of what follows:
# "no they're not small", "no it had already spread", "no its not" (SMS, no apostrophe).
ANSWER_NO_BEFORE = frozenset({"i", "it", "its", "they", "we", "she", "he", "you", "that", "thats", "this", "there", "theres"})
UNSURE_LABEL = "UNSURE"
# "one" after these is a pronoun, not a count: "no one told me", "the other one".
# "the small one near the adrenal": a growth described, not the number 1
NOT_A_COUNT_BEFORE_ONE = frozenset({
    "no", "any", "some", "every", "each", "another", "other", "which", "that", "this",
    "small", "smaller", "big", "bigger", "biggest", "large", "larger", "tiny", "little",
})
AND_A_HALF = (["and", "a", "half"], ["n", "a", "half"], ["&", "a", "half"])

_UNITS = {"year": 1.0, "yr": 1.0, "decade": 10.0, "month": 1 / 12, "mo": 1 / 12, "mth": 1 / 12, "week": 1 / 52}
_SMALL_NUMBERS = {
    "zero": 0, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "couple": 2,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}


@lru_cache(maxsize=1)
def pipeline() -> spacy.language.Language:
    """Loads the saved pipeline once per process (about a second)."""
    if not settings.SPACY_PIPELINE_PATH.exists():
        raise RuntimeError(
            f"spaCy pipeline missing at {settings.SPACY_PIPELINE_PATH}; run `make pipeline`."
        )
    return spacy.load(settings.SPACY_PIPELINE_PATH)


def parse(text: str) -> Doc:
    return pipeline()(text or "")


# A pattern id that marks words which look like the label but are not meant as it
# ("came back" is not the back, "the pain is manageable" is not a goal): being longer,
# the phrase wins over the word inside it, and then it is dropped.
NOT_MEANT = "not_meant"


def spans(doc: Doc, labels: Iterable[str]) -> List[Span]:
    """Spans with these labels, longest first wins where they overlap, in text order."""
    wanted = set(labels)
    found = [span for span in doc.spans[ANSWER_SPANS_KEY] if span.label_ in wanted]
    kept = [span for span in filter_spans(found) if span.id_ != NOT_MEANT]
    return sorted(kept, key=lambda span: span.start)


def word_at(doc: Doc, i: int) -> str:
    """The lower-case norm of the word at i, or "" past the end."""
    return doc[i].norm_.lower() if i < len(doc) else ""


def not_meant(doc: Doc, labels: Iterable[str]) -> List[Span]:
    """The phrases that say these labels' words are not meant ("one by one"): what they hold is no answer."""
    wanted = set(labels)
    return [span for span in doc.spans[ANSWER_SPANS_KEY] if span.label_ in wanted and span.id_ == NOT_MEANT]


def ids(found: Iterable[Span]) -> List[str]:
    """Distinct pattern ids, in order of first mention."""
    seen: List[str] = []
    for span in found:
        if span.id_ not in seen:
            seen.append(span.id_)
    return seen


def _clause_before(span: Span) -> List:
    """The tokens before the span in its clause, nearest first."""
    before = []
    for token in reversed(span.doc[: span.start]):
        if token.norm_.lower() in CLAUSE_BREAKS or _so_opens_a_clause(token):
            break
        before.append(token)
    return before


def _so_opens_a_clause(token) -> bool:
    following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    return token.norm_.lower() == "so" and following is not None and following.norm_.lower() in SO_OPENS_A_CLAUSE_BEFORE


# "no the ...", "no my ...": "no" denies a noun without a determiner ("no pain"), so before
# one it is the answer "no" and a statement follows.
DETERMINERS_AFTER_A_NO = frozenset({"the", "my", "her", "his", "their", "our"})


def is_negated(span: Span) -> bool:
    """True when a negation cue stands earlier in the same clause ("no one mentioned surgery")."""
    inside_a_yes = _inside_topic_yes(span.doc)
    for token in _clause_before(span):
        if token.i in inside_a_yes:
            continue  # "can't sleep for the ache": the "not" belongs to "can't sleep", a yes
        word = token.norm_.lower()
        following = token.doc[token.i + 1].norm_.lower() if token.i + 1 < len(token.doc) else ""
        if word == "no" and (following in ANSWER_NO_BEFORE or following in DETERMINERS_AFTER_A_NO):
            return False  # "no the liver one is 7cm": an answer "no", then what is meant
        if word == "no" and following in NEGATION_CUES:
            continue  # "no not small at all": the "no" agrees with the "not" after it
        if word == "not" and following in NOT_LIMITING:
            continue  # "not only the bones, the liver too" adds, it does not deny
        if word in NEGATION_CUES:
            return True
    return False


# Topic phrases that hold their own negation and mean yes ("can't sleep", "can't work").
YES_MEANING_LABELS = frozenset({"SYMPTOM"})


def _inside_topic_yes(doc) -> set:
    """Tokens of the question's own phrases that mean yes ("can't sleep", "cannot work")."""
    return {
        index
        for found in doc.spans.get(ANSWER_SPANS_KEY, [])
        if found.label_ in YES_MEANING_LABELS and found.id_ == "yes"
        for index in range(found.start, found.end)
    }


def is_doubted(span: Span) -> bool:
    """True when an "unsure" phrase stands earlier in the same clause ("not sure if they're small")."""
    unsure_tokens = {
        index
        for found in span.doc.spans[ANSWER_SPANS_KEY]
        if found.label_ == UNSURE_LABEL
        for index in range(found.start, found.end)
    }
    return any(token.i in unsure_tokens for token in _clause_before(span))


def words(text: str) -> set:
    """The lower-case words of a text, punctuation stripped."""
    return {w.strip(",.!?;:'\"") for w in text.lower().split()}


def looks_like_question(text: str) -> bool:
    """"why do you need that", "what does grade mean?", "huh?"."""
    tokens = text.strip().lower().split()
    return text.strip().endswith("?") or bool(tokens) and tokens[0].strip(",.!") in QUESTION_OPENERS


# Where a reply's stretch may end: after a sentence or a clause, before "but".
STRETCH_BREAK = re.compile(r"(?<=[.!?,;:])\s+|\s+[-\u2013\u2014]+\s+|\s+(?=but\s)", re.IGNORECASE)
LINKING_WORDS = frozenset({"but", "and", "so", "though"})


def answer_before_the_question(text: str) -> str:
    """ "Yes small, but why does size matter?" -> "Yes small,": what comes before the
    first stretch that asks something; "" when the reply opens with its question."""
    kept = []
    for stretch in STRETCH_BREAK.split(text.strip()):
        words = [w.strip(",.!?;:'\"").lower() for w in stretch.split()]
        while words and words[0] in LINKING_WORDS:
            words = words[1:]
        if stretch.rstrip().endswith("?") or (words and words[0] in QUESTION_OPENERS):
            return " ".join(kept)
        kept.append(stretch)
    return " ".join(kept)


def number_value(text: str) -> Optional[float]:
    """A number written in digits or words: "58", "6.5", "sixty"."""
    word = text.lower().strip()
    if re.fullmatch(r"\d+(\.\d+)?", word):
        return float(word)
    if word in _SMALL_NUMBERS:
        return float(_SMALL_NUMBERS[word])
    if word in _TENS:
        return float(_TENS[word])
    return None


def numbers(doc: Doc, skip: Iterable[Span] = ()) -> List[float]:
    """Every number in the text; "sixty-eight" and "sixty eight" count as 68.

    Numbers inside the `skip` spans are left out ("five" in "more than five").
    """
    values: List[float] = []
    skipped = {index for span in skip for index in range(span.start, span.end)}
    tokens = [t for t in doc if t.text != "-" and t.i not in skipped]
    index = 0
    while index < len(tokens):
        word = tokens[index].norm_.lower()
        if word in _TENS and index + 1 < len(tokens):
            unit = _SMALL_NUMBERS.get(tokens[index + 1].norm_.lower())
            if unit is not None and 1 <= unit <= 9:
                values.append(float(_TENS[word] + unit))
                index += 2
                continue
        previous = tokens[index - 1].norm_.lower() if index else ""
        if word == "one" and previous in NOT_A_COUNT_BEFORE_ONE:
            index += 1  # "no one told me", "the other one": not the number 1
            continue
        if tokens[index].like_num or word in _TENS or (word in _SMALL_NUMBERS and word not in {"a", "an", "couple"}):
            value = number_value(word.replace(",", ""))
            if value is not None:
                following = [t.norm_.lower() for t in tokens[index + 1 : index + 4]]
                if following in AND_A_HALF:
                    values.append(value + 0.5)  # "six and a half", "six n a half"
                    index += 4
                    continue
                values.append(value)
        index += 1
    return values


def duration_in_years(span: Span) -> Optional[float]:
    """Reads a DURATION span: "18 months" -> 1.5, "a year and a half" -> 1.5, "5 or 6 years" -> 5.5."""
    words = re.findall(r"\d+(?:\.\d+)?|[a-z]+", span.text.lower())
    unit = next((_UNITS[w.rstrip("s")] for w in words if w.rstrip("s") in _UNITS), None)
    if unit is None:
        return None
    amounts = [number_value(w) for w in words if w not in {"a", "an"}]
    amounts = [a for a in amounts if a is not None]
    if words[0] == "half":
        amounts = [0.5]
    elif not amounts and words[0] in {"a", "an"}:
        amounts = [1.0]
    if "half" in words and words[0] != "half" and amounts:
        amounts = [amounts[0] + 0.5]
    if len(amounts) == 2 and words[0] in _TENS and 0 < amounts[1] < 10:
        amounts = [amounts[0] + amounts[1]]  # "forty two months" is one number, not "forty or two"
    if not amounts:
        return None
    return round(sum(amounts) / len(amounts) * unit, 2)
