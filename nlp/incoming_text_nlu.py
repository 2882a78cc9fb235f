"""The NLU components that apply nlp/incoming_text.py (config.yml):

- `CleanAndCutText`, first in the pipeline: every message's text goes through `prepare`,
  so NLU never reads more than the limit, whatever sent the message (the channels have
  done it already; this covers any other way in, such as rasa shell);
- `UnusablePayloadFallback`, after the classifiers (before RedFlagDetector, which stays
  last): a typed payload Rasa cannot use becomes nlu_fallback.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME, RESPONSE_SELECTOR_RETRIEVAL_INTENTS
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME, INTENT_MESSAGE_PREFIX
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlp.incoming_text import prepare, unusable_payload


class MessageOnlyComponent(GraphComponent):
    """A component with no settings and nothing to learn, that changes only messages at
    run time: the training examples are the project's own, short and clean."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MessageOnlyComponent:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


# Placed as a featurizer because the recipe runs tokenizers and featurizers in the order
# of config.yml, so first in the pipeline means before SpacyNLP reads the text.
@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class CleanAndCutText(MessageOnlyComponent):
    """First in the NLU pipeline: every message's text goes through `prepare`."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str):
                message.set(TEXT, prepare(text)[0], add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class UnusablePayloadFallback(MessageOnlyComponent):
    """After the classifiers: a payload Rasa cannot use becomes nlu_fallback. Its text
    loses the leading "/", or Rasa's payload reader (after the pipeline) would take it."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            selector = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
            retrieval_intents = selector.get(RESPONSE_SELECTOR_RETRIEVAL_INTENTS) or []
            if isinstance(text, str) and unusable_payload(text, retrieval_intents):
                fallback = {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(TEXT, text.strip()[len(INTENT_MESSAGE_PREFIX):], add_to_output=True)
                message.set(INTENT, fallback, add_to_output=True)
                ranking = [r for r in message.get(INTENT_RANKING_KEY) or []
                           if r.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME]
                message.set(INTENT_RANKING_KEY, [dict(fallback)] + ranking, add_to_output=True)
        return messages
