"""The action server's reply is checked against Rasa's schema by a validator built once.

Rasa 3.6 (RemoteAction._validate_action_result) calls jsonschema.validate on every reply,
which first checks Rasa's events schema against the JSON Schema meta-schema and then builds
a new validator. Profiled under `make run` (2026-12-05), that was 95% of the time the Rasa
server spent on action calls; with the validator built once, a whole questionnaire's turns
took a median 61 ms instead of 144 ms, and Rasa's CPU per turn halved (74 ms from 154 ms).
The schema is Rasa's own and never changes, so it is checked once; every reply is still
validated in full, and one that breaks the schema is refused with the same error as before.
"""
from typing import Any, Dict, Text

from jsonschema import validators
from jsonschema.exceptions import best_match
from rasa.core.actions import action as rasa_action

_validator = None


def action_result_validator():
    global _validator
    if _validator is None:
        schema = rasa_action.RemoteAction.action_response_format_spec()
        validator_class = validators.validator_for(schema)
        validator_class.check_schema(schema)
        _validator = validator_class(schema)
    return _validator


def validate_action_result(self, result: Dict[Text, Any]) -> bool:
    """Rasa's check with the validator built once (jsonschema.validate picks the same error)."""
    error = best_match(action_result_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response "
        f"from the Action endpoint is valid. For more information about the format visit "
        f"{rasa_action.DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    action_result_validator()  # at start: a broken schema stops the server, not a turn
    rasa_action.RemoteAction._validate_action_result = validate_action_result

