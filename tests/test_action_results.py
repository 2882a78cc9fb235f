"""assistant_server/action_results.py: the action server's reply is checked as strictly as
Rasa checks it, with the schema checked once instead of on every call."""
import pytest
from jsonschema import ValidationError, validators
from rasa.core.actions import action as rasa_action

from assistant_server import action_results

RASA_VALIDATE = rasa_action.RemoteAction._validate_action_result
ACTION = rasa_action.RemoteAction("validate_candidacy_form", None)

GOOD_REPLIES = [
    {},
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "growth_count", "value": "two", "timestamp": None}],
     "responses": [{"response": "utter_noted", "text": None, "buttons": []}]},
    {"events": [{"event": "active_loop", "name": None}, {"event": "followup", "name": "action_summary"}]},
]
MALFORMED_REPLIES = [
    {"events": "not a list"},
    {"events": [{"event": "slot", "value": "two"}]},  # a slot event names its slot
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"name": "growth_count"}]},  # no event type
    {"responses": ["just a string"]},
]


@pytest.fixture
def installed(monkeypatch):
    monkeypatch.setattr(rasa_action.RemoteAction, "_validate_action_result", RASA_VALIDATE)
    action_results.install()
    return rasa_action.RemoteAction._validate_action_result


@pytest.mark.parametrize("reply", GOOD_REPLIES)
def test_a_well_formed_reply_is_accepted_as_rasa_accepts_it(installed, reply):
    assert RASA_VALIDATE(ACTION, reply) is True
    assert installed(ACTION, reply) is True


@pytest.mark.parametrize("reply", MALFORMED_REPLIES)
def test_a_malformed_reply_is_refused_with_the_error_rasa_gives(installed, reply):
    with pytest.raises(ValidationError) as by_rasa:
        RASA_VALIDATE(ACTION, reply)
    with pytest.raises(ValidationError) as by_us:
        installed(ACTION, reply)
    assert by_us.value.message == by_rasa.value.message
    assert "Failed to validate Action server response" in by_us.value.message


def test_the_schema_is_checked_once_not_on_every_reply(installed, monkeypatch):
    schema = rasa_action.RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    checks = []
    monkeypatch.setattr(validator_class, "check_schema", classmethod(lambda cls, s, **k: checks.append(s)))
    for reply in GOOD_REPLIES * 3:
        installed(ACTION, reply)
    assert checks == []
    RASA_VALIDATE(ACTION, GOOD_REPLIES[0])  # Rasa's own check does it every time
    assert len(checks) == 1
