"""Replacing a classifier's top intent that a later rule has ruled out, the same way
everywhere (nlp/red_flags.py, nlp/digressions.py)."""
from typing import Any, Collection, Dict, Text

from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

# config.yml's FallbackClassifier threshold: a replacement below it is not understood.
FALLBACK_THRESHOLD = 0.4


def next_intent(message: Message, ruled_out: Collection[Text]) -> Dict[Text, Any]:
    """The best intent in DIET's ranking that is not ruled out, with DIET's confidence in it
    given that the ruled-out ones are not meant (nlu_fallback when that is below the
    fallback threshold). The ranking is left as DIET gave it."""
    others = [
        ranked for ranked in (message.get(INTENT_RANKING_KEY) or [])
        if ranked.get(INTENT_NAME_KEY) not in ruled_out
        and ranked.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME
    ]
    not_understood = {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: FALLBACK_THRESHOLD}
    total = sum(float(ranked.get(PREDICTED_CONFIDENCE_KEY) or 0.0) for ranked in others)
    if not others or total <= 0.0:
        return not_understood
    top = max(others, key=lambda ranked: float(ranked.get(PREDICTED_CONFIDENCE_KEY) or 0.0))
    confidence = float(top.get(PREDICTED_CONFIDENCE_KEY) or 0.0) / total
    if confidence < FALLBACK_THRESHOLD:
        return not_understood
    return {INTENT_NAME_KEY: top[INTENT_NAME_KEY], PREDICTED_CONFIDENCE_KEY: confidence}


def replace_intent(message: Message, ruled_out: Collection[Text]) -> None:
    message.set(INTENT, next_intent(message, ruled_out), add_to_output=True)
