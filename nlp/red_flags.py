"""Urgent warning signs: which kind of emergency a message describes, if any.

Two parts:

- `detect(doc)` (and `assess(doc)`, which also says why): a pure function over a doc
  of the project's spaCy pipeline. It reads the spans that nlp/patterns.yml puts in
  doc.spans["answers"] (labels RED_FLAG, RED_FLAG_PART, CALM, NOW, NOT_A_SIGN) and
  applies a few context rules:
    * a RED_FLAG span is a warning sign on its own ("I wet myself", "I had a fit");
    * RED_FLAG_PART spans make one together, in the same stretch of a sentence
      (COMBINATIONS: "legs" + "gone numb", "back" + "pain" + "keeps me awake");
    * a sign is dropped when it is negated in its clause ("I haven't had any
      seizures"), when a CALM phrase says it went away, is the same as before, was
      long ago or is only a worry about the future ("I had a headache last week but
      it went away", "my back is the same as last month"), unless a NOW phrase says it
      is new or back ("... but now my legs are numb"), when it sits inside a
      NOT_A_SIGN phrase ("chest wall", "confused about"), and when the sentence is a
      general question about the sign with no person in it ("what is a seizure?").
  When in doubt it warns: only these explicit contexts silence a sign.

- `RedFlagDetector`: a Rasa 3.6 NLU graph component, last in config.yml. For every
  message (button payloads "/..." excepted) it sets the intent to urgent_symptom and
  adds a `red_flag` entity with the kind when `detect` fires, or when DIET gives
  urgent_symptom at least `diet_threshold` (kind "general") and the message has no
  calm context and names a symptom of the warning-sign vocabulary. When DIET's top
  intent is urgent_symptom but neither holds, the next intent takes its place: the
  decision is this component's alone. Nothing else in the message is changed.

No user-facing text lives here; the warnings are utter_urgent_<kind> in domain.yml.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Sequence, Text, Tuple, Type

from spacy.tokens import Doc, Span

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlp.digressions import requests_without_their_words
from nlp.intent_ranking import replace_intent

logger = logging.getLogger(__name__)

SPANS_KEY = "answers"
URGENT_INTENT = "urgent_symptom"
ENTITY_NAME = "red_flag"
EXTRACTOR_NAME = "RedFlagDetector"

# Labels in nlp/patterns.yml.
SIGN = "RED_FLAG"
PART = "RED_FLAG_PART"
CALM = "CALM"
NOW = "NOW"
NOT_A_SIGN = "NOT_A_SIGN"
OTHER_PERSON = "OTHER_PERSON"  # ids: "other" (a friend, a pet...), "not_me" ("I'm the one with cancer")
UNSURE = "UNSURE"  # "not sure if ..." is doubt, not negation

# The kinds of warning (utter_urgent_<kind> in domain.yml), most specific first: when a
# message describes two, the first in this order is the one the person hears about.
KINDS: Tuple[str, ...] = (
    "spinal_cord", "seizure", "swelling_breathless", "breathing", "headache", "back_pain",
    "broken_bone", "bleeding", "blood_clot", "fever", "high_calcium", "jaundice", "general",
)
GENERAL = "general"

# Parts that make a sign together. Each entry: (kind, scope, parts); every element of
# `parts` is a set of part ids, and each set needs one span in the same scope.
# scope "segment": the same stretch of a sentence (up to "but", ";", "." ...), where "but it"
# or a next sentence opening with "it" goes on about the same thing (qualifiers only);
# scope "clause": the same clause (commas and "and" also end it);
# scope "sentence": the whole sentence.
_Parts = Tuple[FrozenSet[str], ...]


def _need(*alternatives: str) -> FrozenSet[str]:
    return frozenset(alternatives)


# Parts that say when, not what ("after chemo"): they never hide a calm phrase made of the same words.
WHEN_PARTS = frozenset({"on_chemo"})
_BACK_CUES = _need("severe", "worse", "night", "strain", "unrelieved", "onset")
_HEAD_CUES = _need(
    "severe", "onset", "worse", "night", "vomit", "confusion", "vision", "speech", "drowsy", "stiff_neck", "unrelieved"
)
_CALCIUM_COMPANIONS = _need("severe", "days", "vomit", "thirst", "confusion", "drowsy", "intense")

COMBINATIONS: Tuple[Tuple[str, str, _Parts], ...] = (
    # New weakness or numbness of the limbs, bladder or bowel control, a band of pain.
    ("spinal_cord", "segment", (_need("limb"), _need("nerve"))),
    ("spinal_cord", "segment", (_need("continence"), _need("control"))),
    ("spinal_cord", "segment", (_need("pain", "severe"), _need("radiating"))),
    ("spinal_cord", "clause", (_need("walk"), _need("difficulty"))),
    # Back or neck pain that is severe, worse, stops sleep, worse on coughing/straining.
    ("back_pain", "segment", (_need("back"), _need("pain", "severe"), _BACK_CUES)),
    # Pain or tenderness in the middle or upper back (NICE: contact the team within 24 hours).
    ("back_pain", "segment", (_need("upper_back"), _need("pain", "severe", "tender"))),
    # A spot on the spine tender to touch (NICE: localised spinal tenderness).
    ("back_pain", "segment", (_need("back"), _need("tender"))),
    # A back that gets worse and painkillers do not touch, even when "pain" is not said.
    ("back_pain", "segment", (_need("back"), _need("worse"), _need("unrelieved"))),
    # A back that newly stops sleep, even when "pain" is not said ("can't sleep because of his back, it's new").
    ("back_pain", "segment", (_need("back"), _need("night"), _need("onset", "worse"))),
    # A back that keeps getting worse and hurts on straining or shoots along the spine.
    ("back_pain", "segment", (_need("back"), _need("worse"), _need("strain", "radiating"))),
    # Seizure described in other words: shaking with jerking or not answering.
    ("seizure", "segment", (_need("shaking"), _need("seizure_sign"))),
    # A face or limb twitching while speech goes ("face wis twitchin an I couldnae speak").
    ("seizure", "segment", (_need("shaking"), _need("speech"))),
    # Breathlessness that is severe, new, worse or at rest; chest pain or tightness.
    ("breathing", "segment", (_need("breath"), _need("severe", "worse", "onset", "at_rest"))),
    ("breathing", "clause", (_need("chest"), _need("pain", "tightness"))),
    # A headache that is sudden, severe, or comes with vomiting, confusion, sight or speech changes.
    ("headache", "segment", (_need("head_pain"), _HEAD_CUES)),
    # Sight, speech or a sudden start anywhere in the sentence ("just a migraine but ..., I can't see properly").
    ("headache", "sentence", (_need("head_pain"), _need("vision", "speech", "onset"))),
    # Shivering with heat or cold.
    ("fever", "segment", (_need("shaking"), _need("cold"))),
    # Feeling unwell during chemotherapy may be an infection even without a thermometer.
    ("fever", "segment", (_need("unwell"), _need("on_chemo"))),
    # Confusion, drowsiness, great thirst, vomiting, constipation with another sign.
    ("high_calcium", "segment", (_need("confusion"),)),
    ("high_calcium", "segment", (_need("drowsy"),)),
    ("high_calcium", "segment", (_need("vomit"),)),
    ("high_calcium", "clause", (_need("thirst"), _need("intense", "severe"))),
    ("high_calcium", "segment", (_need("constipation"), _CALCIUM_COMPANIONS)),
    # Yellow skin or eyes.
    ("jaundice", "segment", (_need("yellow"), _need("skin"))),
    # Swelling of the face, neck or arm with breathlessness (a blocked vein in the chest).
    ("swelling_breathless", "sentence", (_need("swollen"), _need("upper_body"), _need("breath"))),
    # A bone that breaks or gives way: with little force it may be weakened by cancer.
    ("broken_bone", "segment", (_need("bone_part"), _need("break"))),
    # Bleeding that is heavy or will not stop.
    ("bleeding", "segment", (_need("bleed"), _need("severe", "intense", "unrelieved"))),
    # Blood in the toilet or the bowels, or blood brought up: said in one clause.
    ("bleeding", "clause", (_need("bleed"), _need("continence"))),
    ("bleeding", "clause", (_need("vomit"), _need("bleed"))),
    # A swollen, painful or hot calf or arm (a clot).
    ("blood_clot", "segment", (_need("swollen"), _need("calf"), _need("hot_red"))),
    ("blood_clot", "segment", (_need("swollen"), _need("calf"), _need("one_side"))),
    ("blood_clot", "segment", (_need("calf_strict"), _need("hot_red"))),
    ("blood_clot", "segment", (_need("calf_strict"), _need("swollen"), _need("pain"))),
    # One leg or arm bigger than the other and painful: swelling described by comparison.
    ("blood_clot", "segment", (_need("calf"), _need("one_side"), _need("hot_red", "pain"))),
    # A swollen leg and breathlessness in one sentence: a clot that may have reached the lungs.
    ("blood_clot", "sentence", (_need("swollen"), _need("calf"), _need("breath"))),
    # Anything else urgent: severe pain anywhere; diarrhoea that is heavy or will not stop.
    ("general", "clause", (_need("pain"), _need("severe"))),
    ("general", "segment", (_need("diarrhoea"), _need("severe", "intense", "unrelieved"))),
)

# When may DIET's score alone make a message urgent? Only when the message names a
# symptom of the warning-sign vocabulary: DIET (small data, sharp softmax) is as sure of
# urgent_symptom for "high", "my hair is falling out" or "the pain is in my pelvis" as
# for real warning signs. SYMPTOM_PARTS, rare in everyday answers, are enough on their
# own; COMMON_PARTS, the words of everyday answers to the questions ("pain", "my spine",
# "my legs", "breathless", "toilet"), only together with a QUALIFIER_PARTS word
# ("really", "new", "at night", "worse", "for days").
SYMPTOM_PARTS = frozenset({
    "vomit", "confusion", "drowsy", "vision", "speech", "stiff_neck", "constipation",
    "shaking", "seizure_sign",
})
COMMON_PARTS = frozenset({
    "limb", "nerve", "continence", "control", "walk", "back", "pain", "head_pain", "head",
    "breath", "chest", "tightness", "swollen", "bleed", "yellow", "thirst",
})
QUALIFIER_PARTS = frozenset({
    "severe", "worse", "onset", "night", "strain", "unrelieved", "intense", "days", "at_rest",
})

# CALM ids that apply only to some kinds: chemo neuropathy explains numb hands and feet;
# pain that is bad "most days" is worth raising with the team, not an emergency (but
# back pain, headache and chest pain that are bad are warnings however long they last).
CALM_ONLY_FOR = {"neuropathy": frozenset({"spinal_cord"}), "chronic": frozenset({"general"})}
# A calm phrase in a later clause still refers back to the sign when it is a time in
# the past ("I had a fit, years ago"), when the clause opens with it ("..., nothing
# since") or with one of these words ("... but it went away").
PRESENT_TENSE = frozenset({"is", "are", "am", "'s", "'re", "'m", "says", "feels", "keeps", "looks", "running"})
PAST_TENSE = frozenset({"had", "was", "were", "did", "finished"})
REFERRING_PRONOUNS = frozenset({"it", "that", "this", "they", "which", "those", "these"})
REPORTING_VERBS = frozenset({"said", "says", "told", "reckons", "reckoned", "thinks", "thought"})
REFERRING_OPENERS = frozenset({"it", "that", "this", "they", "which", "those", "these", "nothing", "none", "all"})

NEGATION_CUES = frozenset({"no", "not", "never", "without", "none", "nothing", "nobody", "neither", "nor"})
# "no" right before these is an answer, not a negation of what follows ("no, it's worse").
ANSWER_NO_BEFORE = frozenset({"i", "it", "they", "we", "she", "he", "you", "that", "this", "there"})
# "never felt so weak", "never had pain like this": emphasis, not negation.
NEVER_EMPHASIS = frozenset({"so", "this", "such", "like", "as"})
NEGATION_WINDOW = 6

SENTENCE_BREAKS = frozenset({".", "!", "?", "\n", "\n\n"})
# "it ..." goes on about the sign before; so does a fragment that opens with how it is
# ("Back pain. Right in the middle. Worse each day").
GOES_ON_ABOUT_IT = frozenset({"it", "its", "worse", "worst", "right", "lower", "getting", "much"})
SEGMENT_BREAKS = frozenset({";", "but", "although", "though", "however", "except", "whereas", "yet"})
CLAUSE_BREAKS = SEGMENT_BREAKS | frozenset({",", ":", "and", "because", "-", "--", "("})
# "however much I drink" is one thought, not a contrast.
DEGREE_AFTER_HOWEVER = frozenset({"much", "many", "hard", "long", "often", "little"})

QUESTION_OPENERS = frozenset({
    "what", "what's", "whats", "wat", "wot", "how", "why", "is", "are", "does", "do", "can", "could",
    "should", "will", "would", "which", "when",
})
CONDITIONAL_OPENERS = frozenset({"if", "suppose", "supposing"})
# "is it normal that my ...": whether a sign someone has is to be expected
ASKED_IF_NORMAL = frozenset({"normal", "usual", "expected"})
# "if I'm honest, ...": an "if" that sets no condition.
NOT_A_CONDITION = frozenset({"honest"})
# Words that put a person in a sentence: a question that has one describes someone
# ("is it normal that my legs are numb?"); one without is about the sign in general.
PERSON_WORDS = frozenset({
    "i", "me", "my", "myself", "mine", "am", "she", "her", "herself", "he", "him", "his",
    "himself", "we", "us", "our", "mum", "mom", "mother", "dad", "father", "husband",
    "wife", "partner", "son", "daughter", "sister", "brother", "friend", "gran", "grandma",
    "granny", "nan", "grandad", "grandpa", "aunt", "uncle",
})
# "I'm confused" said to the assistant is about the conversation, not a symptom.
CONVERSATION_WORDS = frozenset({
    "question", "questions", "mean", "means", "meaning", "understand", "asking", "ask",
    "word", "words", "term", "terms", "letter", "letters", "app", "bot", "form", "option",
    "options", "button", "buttons", "sorry", "answer", "choices", "choice",
    "explanation", "explanations", "explained", "explain", "jargon", "info", "information",
})
CONFUSION_PARTS = frozenset({"confusion"})
# Whose sign: words that put the patient back in a sentence after someone else was
# named ("my friend says my eyes look yellow"): the writer, or a carer's relative.
PATIENT_WORDS = frozenset({
    "i", "me", "my", "myself", "mine", "am", "mum", "mom", "mother", "mam", "mummy", "dad",
    "father", "husband", "wife", "partner", "hubby", "son", "daughter",
})
THIRD_PERSON_WORDS = frozenset({"she", "he", "her", "him", "his", "herself", "himself", "they", "them"}) | (
    PERSON_WORDS - {"i", "me", "my", "myself", "mine", "am", "we", "us", "our"}
)
# "I'm filling this in for my friend": the friend is the patient.
FOR_THE_PATIENT = frozenset({"for", "behalf", "helping", "help"})
# A sentence that opens with one of these and has no "?" is still a question when no
# person and nothing new is in it ("what temp counts as a fever on chemo").
OPEN_QUESTION_WORDS = frozenset({"what", "what's", "whats", "wat", "wot", "how", "why", "which", "when"})
# "Please what is hypercalcaemia?", "ok so what's a fit": words before a question that do not change it.
COURTESY_OPENERS = frozenset({
    "please", "pls", "plz", "ok", "okay", "so", "hi", "hello", "sorry", "um", "erm", "and", "also",
    "just", "wondering", "quick", "question", ",", "in", "general", "curious",
})
# "is a fever on chemo always serious": "is a ..." with one of these asks about the sign in general.
HOW_OFTEN_WORDS = frozenset({"always", "usually", "normally", "sometimes", "generally", "typically", "often"})
# "what if ...", "if I get ...": the worry covers the rest of its stretch of sentence.
FORWARD_HYPOTHETICAL_FIRST = frozenset({"if", "what"})
FEAR_NOUNS = frozenset({"fear", "worry", "dread", "nightmare"})
FORWARD_STOPS = frozenset({",", ";", ":", "-", "--", "(", ")"})
# "fine now", "fine today", "sorted now": resolved as of now.
SETTLED_NOW_WORDS = frozenset({"now", "today"})
# A NOW phrase that is not news ("my new boots", "the new nurse"): it hides the "new" in it.
# The same pattern id as actions/language.NOT_MEANT.
NOT_MEANT = "not_meant"
# A fit or weakness of the legs that has passed still needs the team the same day.
NEW_EVEN_IF_GONE = frozenset({"seizure", "spinal_cord"})
# "the MRI was clear", "bloods were fine", "found nothing worrying": the team has checked
# the sign told before it. The CALM id of those phrases in nlp/patterns.yml.
CLEARED = "cleared"
# A title in quotes ("'Comfortably Numb' by Pink Floyd") is a title only when the message
# names what it is the title of; quoted words alone may be someone's own words.
QUOTE_MARKS = frozenset({"'", '"', "\u2018", "\u2019", "\u201c", "\u201d"})
TITLE_WORDS = frozenset({
    "song", "songs", "film", "films", "movie", "movies", "book", "books", "novel", "album", "track",
    "band", "sang", "sing", "singing", "karaoke", "lyrics", "tune", "series", "podcast", "team",
    "radio", "playlist", "spotify", "earworm",
})
# A song stuck in one's head, or someone's favourite record, is named without saying "song"
# ("record" alone is too common: "my medical record").
TITLE_PHRASES = ("stuck in my head", "on repeat", "favourite record", "favorite record")
LONGEST_TITLE = 8  # words between the quote marks
# "Shivers by Ed Sheeran": without quotes, a title opens the sentence and "by" names the
# maker; "numb by the evening" is a time, not a maker.
TIME_AFTER_BY = frozenset({
    "morning", "afternoon", "evening", "night", "tonight", "lunchtime", "lunch", "teatime", "dinnertime",
    "bedtime", "midday", "noon", "today", "yesterday", "now", "then", "tomorrow", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "weekend", "end", "time",
})
SENTENCE_ENDS = frozenset({".", "!", "?"})
# "a lady at my chemo unit", "my friend's mum", "the man opposite me": these patient words belong to the other person.
OWNED_BY_WHAT_CAME_BEFORE = frozenset({
    "at", "on", "in", "from", "of", "with", "to", "'s", "s", "opposite", "beside", "near", "behind",
})
# "my hairdresser was telling me her dad ...": the listener, and the other person's relative, are not the patient.
TOLD = frozenset({"telling", "told", "tells", "tell", "asked", "asking", "showed", "showing", "texted"})
THEIR_OWN = frozenset({"her", "his", "their"})
# A patient word right after one of these belongs to the other person or is only the listener.
NOT_THE_PATIENT_AFTER = OWNED_BY_WHAT_CAME_BEFORE | TOLD | THEIR_OWN
# "when I hugged my grandson", "lifting the dog": the person or animal is what the
# patient acted on, not the one with the sign.
ACTS_ON_SOMEONE = frozenset({
    "hugged", "hugging", "hug", "lifted", "lifting", "lift", "carried", "carrying", "carry",
    "picked", "picking", "pick", "holding", "held", "hold", "cuddled", "cuddling", "cuddle",
    "chasing", "chased", "bathing", "bathed", "pushing", "pushed", "walking", "walked",
})


def _names_a_year_not_past(span: Span) -> bool:
    """ "in 2026" said this year may be last week: only an earlier year is a past time."""
    return any(len(t.text) == 4 and t.text.isdigit() and not _is_a_past_year(t.text) for t in span)


# "it's now gone 8", "it's gone numb": "gone" before a time of day tells the time, and
# before a sign says what it became; neither says that a sign has gone away.
CLOCK_WORDS = frozenset({"midnight", "midday", "noon", "half", "quarter", "ten", "eleven", "twelve", "nine", "eight", "seven"})


def _gone_but_not_away(span: Span, signal_spans: List[Span]) -> bool:
    following = span.doc[span.end] if span.end < len(span.doc) else None
    return (
        span[-1].norm_.lower() == "gone"
        and following is not None
        and (
            following.like_num
            or following.norm_.lower() in CLOCK_WORDS
            or any(s.start == span.end for s in signal_spans)
        )
    )


def _is_a_past_year(text: str) -> bool:
    """ "since my knee op in 2010": a year before this one is a look back, not something new."""
    return len(text) == 4 and text.isdigit() and 1900 <= int(text) < date.today().year
# "can chemo make your legs numb" without "?": a general question when it speaks of
# "you" or people in general and names no one.
# Where a word was read: "what is X, I saw it in a leaflet" asks what it means.
READING_SOURCES = frozenset({"leaflet", "leaflets", "booklet", "website", "article", "poster", "online", "internet", "google", "googled", "forum"})
GENERIC_PEOPLE = frozenset({"you", "your", "people", "someone", "anyone", "somebody", "anybody"})
# "why do they keep asking about ...?": a question about the questions, not news of a sign.
ASKING_WORDS = frozenset({"ask", "asks", "asked", "asking", "check", "checks", "checking", "test", "tests", "testing"})
# "can chemo cause a fever" without "?": a modal opener, then a treatment. Not "is"/"are",
# which SMS replies drop the subject before ("is really confused today").
CAUSE_QUESTION_OPENERS = frozenset({"can", "could", "does", "do", "will", "would", "should"})
CAUSE_WORDS = frozenset({
    "chemo", "chemotherapy", "radiotherapy", "radiation", "treatment", "cancer", "mets", "tablets",
    "steroids", "immunotherapy", "surgery", "it", "this", "that", "these", "those", "the", "a", "an",
})
# The nouns of CAUSE_WORDS: one of them before "cause" names what is asked about.
CAUSE_NOUNS = CAUSE_WORDS - frozenset({"it", "this", "that", "these", "those", "the", "a", "an"})
# "..., who should I call", "what do I do": what the writer would do, asked ahead.
ASKS_WHAT_TO_DO = frozenset({"who", "what", "where", "whom"})
DRUG_ENDINGS = ("ine", "ib", "mab", "ole", "xel", "fen", "one")
# "what does ... mean": asking what a word means, even about "my letter".
MEANING_WORDS = frozenset({"mean", "means", "meaning", "meant", "stand", "stands", "abbreviation"})


@dataclass
class Assessment:
    """What detect() saw: the kind (or None), the text that shows it, and whether
    the message has calm context (a negated, settled or past mention)."""

    kind: Optional[str] = None
    start: Optional[int] = None  # character offsets in doc.text
    end: Optional[int] = None
    calm: bool = False
    # A body part or symptom of the warning-sign vocabulary is mentioned (not negated),
    # even if no sign was completed: only then may DIET's score alone make it urgent.
    mentions_symptom: bool = False
    reasons: List[str] = field(default_factory=list)


@dataclass
class _Layout:
    sentence: List[int]
    segment: List[int]
    clause: List[int]
    clause_start: Dict[int, int]
    # Segments joined where "but it" or a new sentence "It's ..." goes on about the same thing
# ("slight backache, but it's worse lying down"; "The pain in my back. It's new this week.")
    topic: List[int]


def detect(doc: Doc) -> Optional[str]:
    """The kind of urgent warning sign the text describes, or None."""
    return assess(doc).kind


def assess(doc: Doc) -> Assessment:
    """detect() with its working: kind, character span, calm context, reasons."""
    all_spans = list(doc.spans[SPANS_KEY]) if SPANS_KEY in doc.spans else []
    layout = _layout(doc)
    not_a_sign = [s for s in all_spans if s.label_ == NOT_A_SIGN]
    signal_spans = [s for s in all_spans if s.label_ in (SIGN, PART)]
    ignored_negations = _tokens_in(s for s in all_spans if s.label_ in (SIGN, PART, UNSURE))
    result = Assessment()
    in_titles = _inside_quoted_titles(doc)

    def usable(span: Span) -> bool:
        if all(i in in_titles for i in range(span.start, span.end)):
            result.reasons.append(f"inside a quoted title: {span.text!r}")
            result.calm = True
            return False
        if any(o.start <= span.start and span.end <= o.end and (o.start, o.end) != (span.start, span.end) for o in not_a_sign):
            result.reasons.append(f"inside a phrase that is not a sign: {span.text!r}")
            return False
        if _is_negated(span, layout, ignored_negations):
            result.reasons.append(f"negated: {span.text!r}")
            result.calm = True
            return False
        return True

    signs = [s for s in all_spans if s.label_ == SIGN and s.id_ in KINDS and usable(s)]
    parts = [s for s in all_spans if s.label_ == PART and usable(s)]
    part_ids = {s.id_ for s in parts}
    result.mentions_symptom = bool(signs) or bool(part_ids & SYMPTOM_PARTS) or (
        bool(part_ids & COMMON_PARTS) and bool(part_ids & QUALIFIER_PARTS)
    )
    # "she was fine this morning" is news of a change: a longer NOW phrase hides the calm one inside it
    news = [s for s in all_spans if s.label_ == NOW and s.id_ != NOT_MEANT]
    not_news = [s for s in all_spans if s.label_ == NOW and s.id_ == NOT_MEANT]
    calm_spans = [
        s for s in all_spans
        if s.label_ == CALM
        # "at the same time" (not meant as news) also hides the calm "the same" inside it
        and not any(_contains(n, s) for n in news + not_news)
        and not _names_a_year_not_past(s)
        and not _gone_but_not_away(s, signal_spans)
        and not _overlaps_any(s, [o for o in signal_spans if not _contains(s, o) and o.id_ not in WHEN_PARTS])
        and not _is_negated(s, layout, ignored_negations)
    ]
    now_tokens = _tokens_in(
        s for s in news
        if not _overlaps_any(s, calm_spans + not_news)
        and not _since_without_a_time(s, layout)
        and not _told_of_an_earlier_year(s, layout)
    )
    general_question_sentences = _general_question_sentences(doc, layout, now_tokens)
    others = [s for s in all_spans if s.label_ == OTHER_PERSON]

    candidates: List[Tuple[str, List[Span]]] = [(s.id_, [s]) for s in signs]
    for kind, scope, needed in COMBINATIONS:
        candidates.extend((kind, match) for match in _combinations(parts, needed, scope, layout))

    result.mentions_symptom = result.mentions_symptom or bool(candidates)
    fired: List[Tuple[str, List[Span]]] = []
    for kind, spans in candidates:
        why_not = _someone_else(spans, others, layout, doc) or _silenced(
            kind, spans, calm_spans, now_tokens, general_question_sentences, layout, doc
        )
        if why_not:
            result.reasons.append(f"{kind} silenced ({why_not}): {' + '.join(s.text for s in spans)!r}")
            result.calm = True
            continue
        fired.append((kind, spans))
    if any(
        c.id_ not in CALM_ONLY_FOR and not _has_now(c, now_tokens, layout)
        and (c.id_ != CLEARED or not any(i >= c.end for i in now_tokens))
        for c in calm_spans
    ) or general_question_sentences:
        result.calm = True

    fired = [
        (kind, spans) for kind, spans in fired
        if not any(_inside_longer_sign(spans, kind, other_kind, other) for other_kind, other in fired)
    ]
    if not fired:
        # "my husband is coughing up blood ... I'm the one with the cancer": no sign of the
        # patient's, so DIET's score alone must not warn either
        result.calm = result.calm or any(o.id_ == "not_me" for o in others)
        return result
    kind, spans = min(fired, key=lambda item: (KINDS.index(item[0]), item[1][0].start))
    first = min(s.start_char for s in spans)
    last = max(s.end_char for s in spans)
    result.kind, result.start, result.end = kind, first, last
    result.calm = False
    result.reasons.append(f"{kind}: {' + '.join(s.text for s in spans)!r}")
    return result


# --- the rules -------------------------------------------------------------------------


def _layout(doc: Doc) -> _Layout:
    """Sentence, segment and clause number of every token; break words belong to no clause's content."""
    sentence, segment, clause, topic = [], [], [], []
    s = g = c = t = 0
    clause_start: Dict[int, int] = {0: 0}
    for token in doc:
        word = token.norm_.lower()
        text = token.text
        is_sentence_break = text.strip() == "" and "\n" in text or word in SENTENCE_BREAKS
        if is_sentence_break:
            sentence.append(s)
            segment.append(g)
            clause.append(c)
            topic.append(t)
            s, g, c = s + 1, g + 1, c + 1
            t += 0 if _goes_on_about_it(doc, token.i + 1) else 1
            clause_start[c] = token.i + 1
            continue
        joined_hyphen = text == "-" and token.i > 0 and not doc[token.i - 1].whitespace_  # "cross-legged"
        degree_however = word == "however" and _word_at(doc, token.i + 1) in DEGREE_AFTER_HOWEVER
        if word in CLAUSE_BREAKS and not joined_hyphen and not degree_however:
            if word in SEGMENT_BREAKS:
                g += 1
                t += 0 if _goes_on_about_it(doc, token.i + 1) else 1
            c += 1
            clause_start[c] = token.i + 1
        sentence.append(s)
        segment.append(g)
        clause.append(c)
        topic.append(t)
    return _Layout(sentence, segment, clause, clause_start, topic)


def _word_at(doc: Doc, i: int) -> str:
    return doc[i].norm_.lower() if i < len(doc) else ""


def _goes_on_about_it(doc: Doc, i: int) -> bool:
    return _word_at(doc, i) in GOES_ON_ABOUT_IT


def _tokens_in(spans: Iterable[Span]) -> set:
    return {i for span in spans for i in range(span.start, span.end)}


def _overlaps_any(span: Span, others: Sequence[Span]) -> bool:
    return any(o.start < span.end and span.start < o.end for o in others)


def _contains(longer: Span, shorter: Span) -> bool:
    """ "barely notice it now" holds the word "barely": the longer calm phrase wins."""
    return longer.start <= shorter.start and shorter.end <= longer.end and len(longer) > len(shorter)


LIST_GOES_ON = frozenset({"or", "nor"})


def _is_negated(span: Span, layout: _Layout, ignored: set) -> bool:
    """A negation cue up to NEGATION_WINDOW tokens before the span, in its clause.

    Cues inside other warning-sign spans ("can't sleep", "won't go away") or inside
    "not sure" do not count: they belong to those phrases.
    """
    doc = span.doc
    clause = layout.clause[span.start]
    seen = 0
    for token in reversed(doc[: span.start]):
        if layout.clause[token.i] != clause:
            break
        seen += 1
        if seen > NEGATION_WINDOW:
            break
        if token.i in ignored:
            continue
        word = token.norm_.lower()
        following = _word_at(doc, token.i + 1)
        if word in LIST_GOES_ON and following in ("any", "anything"):
            seen = 0  # "haven't had any trouble walking or any numbness": the list is still denied
            continue
        if word == "no" and following in ANSWER_NO_BEFORE:
            return False
        if word == "never" and any(t.norm_.lower() in NEVER_EMPHASIS for t in doc[token.i + 1: token.i + 4]):
            continue
        if word in NEGATION_CUES:
            return True
    return False


def _combinations(parts: List[Span], needed: _Parts, scope: str, layout: _Layout) -> List[List[Span]]:
    """For every scope unit that has them, one part span per needed group (the first
    of each), so each mention is judged on its own context. A segment is also joined to
    the one before it when it goes on about the same sign ("but it's worse at night")."""
    if scope != "segment":
        return _first_of_each_group(parts, needed, layout.sentence if scope == "sentence" else layout.clause)
    found = _first_of_each_group(parts, needed, layout.segment)
    for joined in _first_of_each_group(parts, needed, layout.topic):
        in_topic = [s for s in parts if layout.topic[s.start] == layout.topic[joined[0].start]]
        if joined not in found and _only_qualifiers_go_on(joined, in_topic, layout):
            found.append(joined)
    return found


def _first_of_each_group(parts: List[Span], needed: _Parts, unit: List[int]) -> List[List[Span]]:
    by_unit: Dict[int, List[Span]] = {}
    for span in sorted(parts, key=lambda s: s.start):
        by_unit.setdefault(unit[span.start], []).append(span)
    found: List[List[Span]] = []
    for key in sorted(by_unit):
        chosen = [next((s for s in by_unit[key] if s.id_ in group), None) for group in needed]
        if all(chosen):
            found.append(chosen)
    return found


def _only_qualifiers_go_on(chosen: List[Span], in_unit: List[Span], layout: _Layout) -> bool:
    """After "but it" only words about the same sign ("worse", "at night") join it; a body
    part there is another matter ("hands orange, but it was the fake tan, eyes white";
    "my back hurts. It's my knee that's worse at night")."""
    first_segment = min(layout.segment[s.start] for s in chosen)
    # a word inside a longer part ("can't" in "can't lie down") is read as that part
    outer = [s for s in in_unit if not any(_contains(o, s) and (o.start, o.end) != (s.start, s.end) for o in in_unit)]
    return all(s.id_ in QUALIFIER_PARTS for s in outer if layout.segment[s.start] != first_segment)


def _inside_longer_sign(spans: List[Span], kind: str, other_kind: str, other: List[Span]) -> bool:
    """"vomiting" inside "vomiting blood": the longer sign says what it is."""
    if other_kind == kind or len(other) != 1:
        return False
    outer = other[0]
    return all(outer.start <= s.start and s.end <= outer.end for s in spans) and any(
        (s.start, s.end) != (outer.start, outer.end) for s in spans
    )


def _has_now(span: Span, now_tokens: set, layout: _Layout) -> bool:
    clause = layout.clause[span.start]
    return any(layout.clause[i] == clause for i in now_tokens)


def _silenced(
    kind: str,
    spans: List[Span],
    calm_spans: List[Span],
    now_tokens: set,
    general_question_sentences: set,
    layout: _Layout,
    doc: Doc,
) -> Optional[str]:
    """Why this sign does not count, or None when it does."""
    last = max(spans, key=lambda s: s.start)
    sentence = layout.sentence[last.start]
    if sentence in general_question_sentences:
        return "a general question"
    if any(s.id_ in CONFUSION_PARTS for s in spans) and len(spans) == 1 and _about_the_conversation(last, layout, doc):
        return "confused by the conversation"
    if len(spans) == 1 and _asks_what_it_is(last, layout, doc):
        return "asks what it is"
    # the clause where the sign ends: "pins and needles" reaches past its own "and"
    own_clause = layout.clause[last.end - 1]
    settled = _settled_by_now(kind, last, calm_spans, layout, doc)
    if settled:
        return settled
    explained = _explained_right_after(kind, own_clause, calm_spans, layout, doc)
    if explained:
        return explained
    feared = _object_of_a_fear(last, calm_spans, doc)
    if feared:
        return feared
    cleared = _cleared_after(kind, spans, calm_spans, now_tokens, layout)
    if cleared:
        return cleared
    # Something new or recent in the sign's clause or later in its sentence keeps it
    # ("I had a fit years ago and another one today").
    # A word of the sign itself ("can't keep water down") is not news about it.
    inside_the_sign = _tokens_in(spans)
    if any(
        i not in inside_the_sign and (layout.clause[i] == own_clause or (i > last.start and layout.sentence[i] == sentence))
        for i in now_tokens
    ):
        return None
    for calm in calm_spans:
        only_for = CALM_ONLY_FOR.get(calm.id_)
        if only_for is not None and kind not in only_for:
            continue
        if calm.id_ == CLEARED or layout.sentence[calm.start] != sentence:
            continue
        calm_clause = layout.clause[calm.start]
        if _has_now(calm, now_tokens - inside_the_sign, layout):
            continue
        # "my side started shaking, it stopped": a fit that has stopped still needs the
        # team today; only a past time ("in 2019") settles it. (Pins and needles for a
        # minute, "then fine", stay calm.)
        if kind == "seizure" and calm.id_ == "resolved" and calm_clause > own_clause and _just_ended(calm):
            continue
        # "came back after a minute of pins and needles": a sign that spans an "and" has two clauses
        if calm_clause in (own_clause, layout.clause[last.start]):
            return f"{calm.id_}: {calm.text!r}"
        if calm_clause > own_clause and _refers_back(calm, layout, doc) and not _another_event(calm, last, layout, doc):
            return f"{calm.id_}: {calm.text!r}"
        if calm_clause < own_clause and (_covers_forward(calm, last, layout) or _opens_in_the_past(calm, last, layout, doc)):
            return f"{calm.id_}: {calm.text!r}"
    return None


# Words that may stand between a fear and what is feared ("the thought of a blood clot").
BEFORE_THE_FEARED = frozenset({"a", "an", "the", "my", "another", "getting", "having"})


def _object_of_a_fear(sign: Span, calm_spans: List[Span], doc: Doc) -> Optional[str]:
    """ "The thought of a blood clot keeps me up at night": the sign is what is feared,
    so news later in the clause ("keeps") is about the fear, not the sign."""
    for calm in calm_spans:
        between = [t.norm_.lower() for t in doc[calm.end: sign.start]]
        if calm.id_ == "hypothetical" and calm.end <= sign.start and len(between) <= 2 and set(between) <= BEFORE_THE_FEARED:
            return f"feared: {calm.text!r}"
    return None


# Black stools "but I'm on iron tablets": iron and bleeding both turn stools black, so warn.
NOT_EXPLAINED_BY_BUT = frozenset({"bleeding"})


def _explained_right_after(kind: str, own_clause: int, calm_spans: List[Span], layout: _Layout, doc: Doc) -> Optional[str]:
    """ "Yesterday I felt shivering because the AC was too cold": a harmless cause given
    with "because" in the next clause explains the sign, however recent it is. So does one
    given with "but" ("drowsy, but I took an antihistamine"), except for a fit or weak legs,
    where "but" may as well bring news that it has stopped, and those need the team anyway."""
    # "numb-ish and tingly because ...": a short "and ..." still describing the sign may come between
    following = _next_worded_clause(own_clause, layout, doc)
    next_clause = following
    if _clause_opener(next_clause, layout, doc) == "and" and _clause_length(next_clause, layout) <= SHORT_CLAUSE:
        next_clause = _next_worded_clause(next_clause, layout, doc)
    openers = ("because",) if kind in NEW_EVEN_IF_GONE | NOT_EXPLAINED_BY_BUT else ("because", "but")
    for calm in calm_spans:
        calm_clause = layout.clause[calm.start]
        if calm.id_ != "resolved" or calm_clause not in (own_clause + 1, following, next_clause):
            continue
        before_the_calm = doc[layout.clause_start.get(own_clause + 1, calm.start): calm.start]
        if (
            calm[0].norm_.lower() in openers
            or _clause_opener(calm_clause, layout, doc) in openers
            or _told_as_the_cause(before_the_calm)
            or "but" in openers and _cause_after_but(before_the_calm)
        ):
            return f"explained: {calm.text!r}"
    return None


def _next_worded_clause(clause: int, layout: _Layout, doc: Doc) -> int:
    """The clause after this one, passing over a clause that is only a comma."""
    following = clause + 1
    if all(doc[i].is_punct for i, c in enumerate(layout.clause) if c == following):
        following += 1
    return following


def _cause_after_but(before_the_calm: Span) -> bool:
    """ ", but the boiler's broken", ", but I've been juicing carrots": the clause opens with
    "but" and goes straight to the cause, or through a cause opening."""
    words = [t.norm_.lower() for t in before_the_calm if not t.is_punct]
    if words[:1] != ["but"]:
        return False
    rest = _without_hedges_at_the_end(words[1:])
    return not rest or _ends_with_a_cause_opening(rest)


def _clause_opener(clause: int, layout: _Layout, doc: Doc) -> str:
    """The break word that opens a clause ("and", "because"); the break belongs to the clause it opens."""
    start = layout.clause_start.get(clause)
    return _word_at(doc, start - 1) if start else ""


SHORT_CLAUSE = 3  # words, "and" included: "and tingly", "and very sore"


def _clause_length(clause: int, layout: _Layout) -> int:
    return sum(1 for c in layout.clause if c == clause)


# "..., I think it's the fake tan", "..., must be the carrots": words that give what
# follows as the cause of what came before, as "because" does.
CAUSE_OPENINGS = (
    ("because",), ("cos",), ("coz",), ("cause",), ("from",), ("due", "to"), ("it", "is"), ("it", "'s"), ("its",),
    ("must", "be"), ("i", "have", "been"), ("i", "'d"), ("that", "is"), ("that", "'s"), ("thats",),
)
HEDGES_BEFORE_A_CAUSE = frozenset({"just", "probably", "only", "prob", "surely"})
# Words that may stand between the opening and the cause: hedges, and "the new" of "it's the new sleeping pill".
BEFORE_THE_CAUSE = HEDGES_BEFORE_A_CAUSE | frozenset({"the", "a", "an", "my", "new"})


def _told_as_the_cause(before_the_calm: Span) -> bool:
    words = [t.norm_.lower() for t in before_the_calm if t.text.strip()]
    return _ends_with_a_cause_opening(_without_hedges_at_the_end(words))


def _without_hedges_at_the_end(words: List[str]) -> List[str]:
    while words and words[-1] in BEFORE_THE_CAUSE:
        words = words[:-1]
    return words


def _ends_with_a_cause_opening(words: List[str]) -> bool:
    return any(tuple(words[-len(opening):]) == opening for opening in CAUSE_OPENINGS)


def _settled_by_now(kind: str, sign: Span, calm_spans: List[Span], layout: _Layout, doc: Doc) -> Optional[str]:
    """ "a headache yesterday after too much wine, fine today": gone as of now, said after
    the sign about it, outweighs the "yesterday" in the sign's clause. Not for a fit or
    for weak or numb legs: those need the team even when they have stopped."""
    if kind in NEW_EVEN_IF_GONE:
        return None
    for calm in calm_spans:
        if calm.id_ != "resolved" or calm.start <= sign.start or layout.sentence[calm.start] != layout.sentence[sign.start]:
            continue
        # "fine now", "today fully ok"
        ends = {calm[0].norm_.lower(), calm[-1].norm_.lower()}
        if ends & SETTLED_NOW_WORDS or calm.text.lower().endswith("this morning"):
            start = layout.clause_start.get(layout.clause[calm.start], calm.start)
            opener = doc[start].norm_.lower() if start < len(doc) else ""
            # "..., but I'm fine today": the person who had it is fine now
            if layout.clause[calm.start] == layout.clause[sign.start] or _refers_back(calm, layout, doc) or opener in PERSON_WORDS:
                return f"settled by now: {calm.text!r}"
    return None


def _cleared_after(kind: str, spans: List[Span], calm_spans: List[Span], now_tokens: set, layout: _Layout) -> Optional[str]:
    """ "My legs went numb last week. I went to A&E, the MRI was clear and the numbness has
    gone": a check that came out fine, told after the sign with nothing new after the sign,
    settles it. A fit or weak legs must also be said to have gone."""
    first = min(s.start for s in spans)
    inside_the_sign = _tokens_in(spans)
    # "the xray was fine last year" tells of an older check, not of this sign
    past = [c for c in calm_spans if c.id_ == "past"]
    checks = [
        c for c in calm_spans
        if c.id_ == CLEARED and c.start > first and not any(layout.clause[p.start] == layout.clause[c.start] for p in past)
    ]
    if not checks:
        return None
    # News between the sign and the check tells when it was checked ("my chest pain was checked
    # yesterday, the ECG was normal"); news after the check's clause is a new turn.
    checked_in = layout.clause[checks[0].start]
    if any(i > first and i not in inside_the_sign and layout.clause[i] > checked_in for i in now_tokens):
        return None
    if kind in NEW_EVEN_IF_GONE and not any(c.id_ == "resolved" and c.start > first for c in calm_spans):
        return None
    return f"checked and cleared: {checks[0].text!r}"


def _inside_quoted_titles(doc: Doc) -> set:
    """Tokens of a title: between a pair of quote marks, in a message that says what the
    title is of, or opening a sentence before "by <maker>" in such a message."""
    names_a_title = bool({t.norm_.lower() for t in doc} & TITLE_WORDS) or any(
        phrase in doc.text.lower() for phrase in TITLE_PHRASES
    )
    marks = [t.i for t in doc if t.text in QUOTE_MARKS]
    inside = set()
    for opening, closing in zip(marks[::2], marks[1::2]):
        # "'Comfortably Numb' by Pink Floyd": "by" right after it names the maker
        by_someone = closing + 1 < len(doc) and doc[closing + 1].norm_.lower() == "by"
        if 0 < closing - opening - 1 <= LONGEST_TITLE and (names_a_title or by_someone):
            inside.update(range(opening + 1, closing))
    if names_a_title:
        inside.update(_unquoted_title_before_by(doc))
    return inside


def _unquoted_title_before_by(doc: Doc) -> range:
    """ "Shivers by Ed Sheeran is on the radio": the words from the sentence's start to "by"."""
    starts = [0] + [t.i + 1 for t in doc if t.text in SENTENCE_ENDS]
    for start in starts:
        for i in range(start + 1, min(start + LONGEST_TITLE + 1, len(doc) - 1)):
            if doc[i].is_punct:
                break
            maker = doc[i + 1 : i + 3]
            if doc[i].norm_.lower() == "by" and not {t.norm_.lower() for t in maker} & TIME_AFTER_BY:
                return range(start, i)
    return range(0)


# "it stopped", "it's over now" end this fit; "never since" tells of one long ago.
JUST_ENDED_WORDS = frozenset({"stopped", "stop", "stops", "passed", "over", "ended", "finished"})
LONG_AGO_WORDS = frozenset({"never", "since", "ago", "years"})


def _just_ended(calm: Span) -> bool:
    words = {t.norm_.lower() for t in calm}
    return bool(words & JUST_ENDED_WORDS) and not words & LONG_AGO_WORDS


def _covers_forward(calm: Span, sign: Span, layout: _Layout) -> bool:
    """ "What if the swelling comes back and I get breathless?": a condition covers the
    clauses after it, up to the end of its stretch of sentence."""
    between = sign.doc[calm.end: sign.start]
    words = [t.norm_.lower() for t in calm]
    # "my biggest fear is the cancer spreading and having fits": what is feared follows "is"
    names_the_fear = words[-1] == "is" and bool(set(words) & FEAR_NOUNS)
    return (
        calm.id_ == "hypothetical"
        and (words[0] in FORWARD_HYPOTHETICAL_FIRST or names_the_fear)
        and layout.segment[calm.start] == layout.segment[sign.start]
        # "what if it's serious, my legs went numb": after a comma the worry has ended
        and not any(t.text in FORWARD_STOPS for t in between)
    )


# Words that may come before a past time that opens a sentence ("way back in 2015",
# "many years ago").
BEFORE_AN_OPENING_TIME = frozenset({"back", "way", "so", "well", "um", "erm", "oh", "many", "a", "few", "some", "several"})


def _opens_in_the_past(calm: Span, sign: Span, layout: _Layout, doc: Doc) -> bool:
    """ "Back in 2017 I lost the feeling in my legs and had emergency radiotherapy":
    a past time that opens the sentence covers the rest of its stretch, unless the
    sign's clause is told in the present."""
    if calm.id_ != "past" or layout.segment[calm.start] != layout.segment[sign.start]:
        return False
    opening = [t.norm_.lower() for t in doc[_sentence_start(calm, layout): calm.start] if t.text.strip()]
    if not set(opening) <= BEFORE_AN_OPENING_TIME:
        return False
    sign_words = {t.norm_.lower() for t in doc if layout.clause[t.i] == layout.clause[sign.start]}
    return not sign_words & PRESENT_TENSE


def _someone_else(spans: List[Span], others: List[Span], layout: _Layout, doc: Doc) -> Optional[str]:
    """Why the sign is someone else's, or None. Unsure means the patient's: warn.

    - a friend, a neighbour, a pet... named before the sign in its stretch of sentence,
      with no patient word in between ("my neighbour had a seizure");
    - "I'm the one with cancer" in the message, and the sign's sentence is about a
      third person with no patient word before the sign ("my sister broke her ankle").
    """
    first = min(spans, key=lambda s: s.start)
    sentence, segment = layout.sentence[first.start], layout.segment[first.start]
    for other in others:
        if other.id_ != "other" or other.end > first.start or layout.segment[other.start] != segment:
            continue
        if _compared_to(other, doc):
            continue  # "it feels like someone hit her on the head": a comparison, not a person
        if _names_the_patient(other, doc) or _acted_on(other, doc):
            continue
        between = {
            t.norm_.lower() for t in doc[other.end: first.start]
            # "my colleagues husband": the word right after the other person is theirs
            if t.i != other.end and (t.i == 0 or doc[t.i - 1].norm_.lower() not in NOT_THE_PATIENT_AFTER)
        }
        if not between & PATIENT_WORDS:
            return f"someone else: {other.text!r}"
    not_me = [o for o in others if o.id_ == "not_me"]
    if not_me:
        inside = _tokens_in(not_me)
        before = [t.norm_.lower() for t in doc[: first.start] if layout.sentence[t.i] == sentence and t.i not in inside]
        third = [i for i, w in enumerate(before) if w in THIRD_PERSON_WORDS]
        if third and not set(before[third[0]:]) & (PATIENT_WORDS - THIRD_PERSON_WORDS):
            return "someone else: the message says the patient is the writer"
    return None


def _compared_to(other: Span, doc: Doc) -> bool:
    """ "like someone", "as if someone", "as though someone": a comparison."""
    before = [t.norm_.lower() for t in doc[max(0, other.start - 2): other.start]]
    return before[-1:] == ["like"] or before in (["as", "if"], ["as", "though"], ["as", "a"], ["as", "an"])


def _acted_on(other: Span, doc: Doc) -> bool:
    window = doc[max(0, other.start - 2): other.start]
    return any(t.norm_.lower() in ACTS_ON_SOMEONE for t in window)


def _names_the_patient(other: Span, doc: Doc) -> bool:
    # "for my friend", "on behalf of my neighbour": that person is the patient
    window = doc[max(0, other.start - 3): other.start]
    return any(t.norm_.lower() in FOR_THE_PATIENT for t in window)


def _another_event(calm: Span, sign: Span, layout: _Layout, doc: Doc) -> bool:
    """ "her chest is tight, she had fluid drained off her lung in the summer": the sign is
    told in the present, the past time belongs to another event told in the past."""
    if calm.id_ != "past":
        return False
    sign_words = {t.norm_.lower() for t in doc if layout.clause[t.i] == layout.clause[sign.start]}
    calm_clause = [t for t in doc if layout.clause[t.i] == layout.clause[calm.start]]
    calm_words = {t.norm_.lower() for t in calm_clause}
    # "it was in 2019" refers back to the sign; "the scan was all clear last month" does not
    refers_back = calm_clause[0].norm_.lower() in REFERRING_OPENERS or bool(calm_words & REFERRING_PRONOUNS)
    return bool(sign_words & PRESENT_TENSE) and bool(calm_words & PAST_TENSE) and not refers_back


# Words inside a calm phrase that point back at the sign: Pidgin "e" is "it" ("e don normal").
CALM_POINTING_WORDS = frozenset({"it", "that", "e"})


def _refers_back(calm: Span, layout: _Layout, doc: Doc) -> bool:
    if calm.id_ == "past":
        return True
    start = layout.clause_start.get(layout.clause[calm.start], calm.start)
    if calm.start == start:
        return True
    if start > 0 and doc[start - 1].norm_.lower() == "because":
        return True  # "my arm went dead because I slept on it"
    opener = doc[start].norm_.lower() if start < len(doc) else ""
    # "and (the nurse) said it's all the carrots": what someone said points back the same way
    said = next((t.i for t in doc[start: start + 4] if t.norm_.lower() in REPORTING_VERBS), None)
    if said is not None and said + 1 < len(doc):
        opener = doc[said + 1].norm_.lower()
    # "the radiotherapy fixed it": the calm phrase itself points back at the sign
    return opener in REFERRING_OPENERS or any(t.norm_.lower() in CALM_POINTING_WORDS for t in calm)


def _general_question_sentences(doc: Doc, layout: _Layout, now_tokens: set) -> set:
    """Sentences that ask about a sign in general or in case it happens: "?" at the end,
    and either a question word first and no person in them ("what is a seizure?"), or
    "if" first ("if my legs go weak, what should I do?"). Without the "?", only a
    sentence opening with what/how/why/which/when, with no person and nothing new in it
    ("what temp counts as a fever on chemo")."""
    found = set()
    by_sentence: Dict[int, List] = {}
    for token in doc:
        by_sentence.setdefault(layout.sentence[token.i], []).append(token)
    for number, tokens in by_sentence.items():
        words = _without_courtesy([t.norm_.lower() for t in tokens if t.text.strip()])
        if not words:
            continue
        if words[-1] != "?":
            recent = any(t.i in now_tokens for t in tokens)
            # "cant finish a sentence without gasping": without "?", "can't"/"doesn't" opens a statement
            denied_opener = len(words) > 1 and words[1] == "not"
            opens_a_question = words[0] in OPEN_QUESTION_WORDS or (
                words[0] in QUESTION_OPENERS and not denied_opener
                and (set(words) & GENERIC_PEOPLE or _names_a_cause(words))
            )
            asks_how_often = (
                words[0] in ("is", "are") and len(words) > 1 and (words[1] in ARTICLES or words[1].endswith("ing"))
                and set(words) & HOW_OFTEN_WORDS
            )
            if (opens_a_question or asks_how_often) and not recent and not any(w in PERSON_WORDS for w in words):
                found.add(number)
            elif _asks_what_to_do_if(words) and not recent:
                found.add(number)  # "if my legs ever went numb, who should I call"
            elif words[0] in OPEN_QUESTION_WORDS and set(words) & MEANING_WORDS and not recent:
                found.add(number)  # "what does pathological fracture mean on my letter"
            elif words[0] in OPEN_QUESTION_WORDS and set(words) & READING_SOURCES and not recent \
                    and not set(words) & (PERSON_WORDS - {"i"}):
                found.add(number)  # "what is superior vena cava obstruction, I saw it in a leaflet"
            continue
        if words[0] in CONDITIONAL_OPENERS:
            found.add(number)
            continue
        if words[0] not in QUESTION_OPENERS:
            continue
        if words[0] in OPEN_QUESTION_WORDS and set(words) & MEANING_WORDS:
            found.add(number)  # "what does hypercalcaemia mean on my letter?"
            continue
        if words[0] == "why" and set(words) & ASKING_WORDS:
            found.add(number)  # "why do they always ask me about yellow eyes?": about the clinic's habit
            continue
        if set(words) & ASKED_IF_NORMAL and any(w in PERSON_WORDS for w in words):
            continue  # "would it be normal that my legs are numb?": asks about a sign someone has
        if _names_a_cause(words) and not any(t.i in now_tokens for t in tokens):
            found.add(number)  # "can the cancer in my spine make my legs go numb?": what it could do
            continue
        if any(w in PERSON_WORDS for w in words):
            continue
        found.add(number)
    return found


# "what is SVCO, my nurse mentioned it", "what does a seizure look like": the sign is the
# thing asked about, named right after the question words (not "what is this swelling").
WHAT_IT_IS_OPENINGS = (("what", "is"), ("what", "'s"), ("whats",), ("what", "are"), ("what", "does"), ("what", "do"))
ARTICLES = frozenset({"a", "an", "the"})


def _asks_what_it_is(sign: Span, layout: _Layout, doc: Doc) -> bool:
    start = layout.clause_start.get(layout.clause[sign.start], 0)
    # the question may follow a clause ("my nurse mentioned face swelling, what is SVCO?")
    if layout.sentence[start] != layout.sentence[sign.start]:
        return False
    before = _without_courtesy([t.norm_.lower() for t in doc[start: sign.start] if t.text.strip() and t.text != ","])
    if before and before[-1] in ARTICLES:
        before = before[:-1]
    return tuple(before) in WHAT_IT_IS_OPENINGS


def _without_courtesy(words: List[str]) -> List[str]:
    first = next((i for i, word in enumerate(words) if word not in COURTESY_OPENERS), len(words))
    return words[first:]


def _sentence_start(span: Span, layout: _Layout) -> int:
    sentence = layout.sentence[span.start]
    return next(i for i in range(span.start + 1) if layout.sentence[i] == sentence)


def _names_a_cause(words: List[str]) -> bool:
    """ "can capecitabine cause a temperature", "can breast cancer in the brain cause
    seizures": a question about what a treatment or the cancer does."""
    if words[0] not in CAUSE_QUESTION_OPENERS:
        return False
    second = words[1] if len(words) > 1 else ""
    if second in CAUSE_WORDS or second.endswith(DRUG_ENDINGS):
        return True
    before_the_verb = words[1:words.index("cause")] if "cause" in words else []
    return bool(set(before_the_verb) & CAUSE_NOUNS)


def _asks_what_to_do_if(words: List[str]) -> bool:
    """ "if my legs ever went numb, who should I call": a plan for a sign that may come."""
    return words[0] in CONDITIONAL_OPENERS and not set(words) & NOT_A_CONDITION and any(
        w in ASKS_WHAT_TO_DO for w in words[1:]
    )


def _about_the_conversation(span: Span, layout: _Layout, doc: Doc) -> bool:
    sentence = layout.sentence[span.start]
    words = [t.norm_.lower() for t in doc if layout.sentence[t.i] == sentence and t.text.strip()]
    if set(words) & THIRD_PERSON_WORDS:
        return False  # "mum is acting weird and asking for drinks": about her, not the chat
    return bool(words) and (words[-1] == "?" or any(w in CONVERSATION_WORDS for w in words))


# Words that say "now" whatever year is named beside them.
TODAY_WORDS = frozenset({"now", "today", "tonight", "currently", "morning", "again"})


def _told_of_an_earlier_year(span: Span, layout: _Layout) -> bool:
    """ "when I first started chemo in 2020": "started" belongs to that year, not to now."""
    if {t.norm_.lower() for t in span} & TODAY_WORDS:
        return False
    clause = layout.clause[span.start]
    return any(_is_a_past_year(t.text) for t in span.doc if layout.clause[t.i] == clause)


LONG_AGO_AFTER_SINCE = frozenset({
    "last year", "the year", "years ago", "a year", "my diagnosis", "diagnosis", "many years", "years",
    "for years", "ages", "childhood", "forever", "an old", "my old", "the 90s", "the 80s", "birth",
    "last spring", "last summer", "last autumn", "last fall", "last winter", "the spring", "the summer",
    "my teens", "my twenties", "my thirties", "my forties", "my fifties", "my 20s", "my 30s", "my 40s", "my youth",
})


def _since_without_a_time(span: Span, layout: _Layout) -> bool:
    """ "fine since", "all good since then": a look back, not "since this morning"."""
    if span.text.lower() != "since":
        return False
    doc = span.doc
    following = doc[span.end] if span.end < len(doc) else None
    clause = layout.clause[span.start]
    if any(_is_a_past_year(t.text) for t in doc[span.end:] if layout.clause[t.i] == clause):
        return True
    if {doc[span.end:span.end + n].text.lower() for n in (1, 2)} & LONG_AGO_AFTER_SINCE:
        return True  # "unchanged since last year": a long time, not news
    if any(t.norm_.lower() in NEGATION_CUES for t in doc[layout.clause_start.get(clause, span.start): span.start]):
        return True  # "none at all since the radiotherapy", "nothing like it since": nothing new
    return (
        following is None
        or following.norm_.lower() in ("then", "that")
        or layout.clause[following.i] != layout.clause[span.start]
        or not following.text.strip()
        or following.is_punct  # "normal on every test since."
    )


# --- the Rasa component ------------------------------------------------------------------

DIET_THRESHOLD_KEY = "diet_threshold"
# DIET's confidence in urgent_symptom at or above which a message is treated as urgent
# when no rule fired (kind "general"), provided it names a symptom (mentions_symptom)
# and has no calm context. 0.3 is below the FallbackClassifier's 0.4 on purpose: urgent
# need not be DIET's top intent, to err on the side of warning. In practice DIET's
# scores are near 0 or near 1, so the symptom gate, not this number, does the sorting
# (see bench/red_flags.py). config.yml may override it (`diet_threshold:`); it is read
# when the model is loaded, so changing it needs no retraining.
DEFAULT_DIET_THRESHOLD = 0.3


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RedFlagDetector(GraphComponent, IntentClassifier):
    """Overrules the intent with urgent_symptom when a message describes a warning sign."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [SpacyNLP, IntentClassifier]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {DIET_THRESHOLD_KEY: DEFAULT_DIET_THRESHOLD}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.component_config = {**self.get_default_config(), **(config or {})}
        self.diet_threshold = float(self.component_config[DIET_THRESHOLD_KEY])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RedFlagDetector:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to learn and nothing to add to the training data."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self.process_message(message)
        return messages

    def process_message(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        if not text.strip() or text.lstrip().startswith(INTENT_MESSAGE_PREFIX):
            return
        doc = message.get(SPACY_DOCS[TEXT])
        if doc is None:
            # Without the doc nothing can be checked: DIET's score decides alone (err on warning).
            logger.warning("RedFlagDetector: no spaCy doc on the message; only DIET's urgent_symptom score is used.")
            found = Assessment(mentions_symptom=True)
        else:
            found = assess(doc)
        if found.kind:
            self._mark_urgent(message, found.kind, 1.0, found.start, found.end, len(text))
            return
        diet = self._diet_urgent_confidence(message)
        if diet is not None and diet >= self.diet_threshold and found.mentions_symptom and not found.calm:
            self._mark_urgent(message, GENERAL, diet, 0, len(text), len(text))
        elif (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == URGENT_INTENT:
            self._demote_urgent(message, doc)

    @staticmethod
    def _diet_urgent_confidence(message: Message) -> Optional[float]:
        for ranked in message.get(INTENT_RANKING_KEY) or []:
            if ranked.get(INTENT_NAME_KEY) == URGENT_INTENT:
                return float(ranked.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        intent = message.get(INTENT) or {}
        if intent.get(INTENT_NAME_KEY) == URGENT_INTENT:
            return float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        return None

    @staticmethod
    def _demote_urgent(message: Message, doc: Optional[Doc]) -> None:
        """DIET's top intent is urgent_symptom, but the rules found no sign and DIET's
        score may not decide alone (calm context, no symptom named, or below the
        threshold): the next intent in DIET's ranking takes its place. That intent must
        pass the same test as DIET's top one: a request without its words (nlp/digressions.py)
        is ruled out too, or "I'm up and about, I can't work" becomes feeling scared."""
        uncued = requests_without_their_words(doc) if doc is not None else set()
        replace_intent(message, {URGENT_INTENT} | uncued)

    @staticmethod
    def _mark_urgent(
        message: Message, kind: str, confidence: float, start: Optional[int], end: Optional[int], length: int
    ) -> None:
        urgent = {INTENT_NAME_KEY: URGENT_INTENT, PREDICTED_CONFIDENCE_KEY: confidence}
        message.set(INTENT, urgent, add_to_output=True)
        ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get(INTENT_NAME_KEY) != URGENT_INTENT]
        message.set(INTENT_RANKING_KEY, [dict(urgent)] + ranking, add_to_output=True)
        start = max(0, min(start if start is not None else 0, length))
        end = max(start, min(end if end is not None else length, length))
        entities = [e for e in (message.get(ENTITIES) or []) if e.get(ENTITY_ATTRIBUTE_TYPE) != ENTITY_NAME]
        entities.append(
            {
                ENTITY_ATTRIBUTE_TYPE: ENTITY_NAME,
                ENTITY_ATTRIBUTE_VALUE: kind,
                ENTITY_ATTRIBUTE_START: start,
                ENTITY_ATTRIBUTE_END: end,
                EXTRACTOR: EXTRACTOR_NAME,
            }
        )
        message.set(ENTITIES, entities, add_to_output=True)
