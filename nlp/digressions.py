"""A request that pauses the questions needs its own words (nlp/digression_cues.yml).

DIET is sure, now and then, that an answer is one of these requests: "about ten" as
feeling scared, "EVERYTHING AS NORMAL" as deleting the answers, "No previous history" as
going back a question. Each of them takes the conversation away from the open question,
and the answer is lost. A message with none of the request's cue words is not that
request: the next intent in DIET's ranking takes its place, and an answer is then read
as an answer (or, if it is none, gets "didn't catch that" with the question again).
"""
from __future__ import annotations

from pathlib import Path
from typing import List

import yaml

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from spacy.tokens import Doc

from nlp.build_pipeline import ANSWER_SPANS_KEY
from nlp.incoming_text_nlu import MessageOnlyComponent
from nlp.intent_ranking import replace_intent

CUE_LABEL = "DIGRESSION_CUE"
CUES_PATH = Path(__file__).resolve().parent / "digression_cues.yml"
# The requests that have cue words listed.
# Body words that hold a cue ("my back"); the same id as actions/language.NOT_MEANT.
NOT_MEANT = "not_meant"
CHECKED_INTENTS = frozenset(yaml.safe_load(CUES_PATH.read_text(encoding="utf-8"))[CUE_LABEL]) - {NOT_MEANT}


def cued_intents(doc: Doc) -> set:
    """The requests whose cue words the message contains, but not inside body words ("my back")."""
    cues = [span for span in doc.spans[ANSWER_SPANS_KEY] if span.label_ == CUE_LABEL]
    body_words = [span for span in cues if span.id_ == NOT_MEANT]
    return {
        span.id_
        for span in cues
        if span.id_ != NOT_MEANT and not any(w.start <= span.start and span.end <= w.end for w in body_words)
    }


def requests_without_their_words(doc: Doc) -> set:
    """The requests this message cannot be: it holds none of their cue words."""
    return CHECKED_INTENTS - cued_intents(doc)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RequestNeedsItsWords(MessageOnlyComponent):
    """After the classifiers, before RedFlagDetector: a request without its cue words is
    replaced by the next intent in DIET's ranking."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self.process_message(message)
        return messages

    @staticmethod
    def process_message(message: Message) -> None:
        text = message.get(TEXT) or ""
        doc = message.get(SPACY_DOCS[TEXT])
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if doc is None or not text.strip() or text.lstrip().startswith(INTENT_MESSAGE_PREFIX):
            return  # a tapped button's payload names its intent itself
        ruled_out = requests_without_their_words(doc)
        if intent in ruled_out:
            replace_intent(message, ruled_out)
