"""Shared fixtures for the unit tests of the actions.

- `domain`: the real domain.yml, shaped the way Rasa sends it to the action server.
- `make_tracker`: a fresh rasa_sdk Tracker per call (every domain slot None plus overrides).
- `run_action`: runs an action's async run() without pytest-asyncio and returns
  (events, dispatcher), with a fresh CollectingDispatcher each time.
- `nlp`: the project's spaCy pipeline, loaded once per test session.

Nothing here touches the network: an autouse fixture makes every outgoing
connection fail loudly.
"""
import asyncio
import copy
import socket
import warnings
from typing import Any, Dict, List, Optional

import pytest

with warnings.catch_warnings(record=True):
    # spaCy, TensorFlow (pulled in by thinc) and Rasa raise third-party deprecation
    # warnings on import (some reset the filters, so they are recorded and dropped
    # here rather than ignored); they say nothing about this project.
    import rasa.shared.core.domain  # noqa: F401  (imported here, quietly, once)
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher
    from rasa_sdk.forms import REQUESTED_SLOT

    from actions import language, settings

FORM_SLOT_NAMES_KEY = "required_slots"


def load_domain_dict() -> Dict[str, Any]:
    """domain.yml through Rasa's own loader, as the action server receives it."""
    from rasa.shared.core.domain import Domain

    with warnings.catch_warnings():
        # Rasa 3.x always warns that slot auto-fill was removed, and loading pulls in
        # modules that raise third-party deprecation warnings; neither is about this project.
        warnings.simplefilter("ignore")
        return Domain.load(str(settings.DOMAIN_PATH)).as_dict()


@pytest.fixture(scope="session")
def domain_on_disk() -> Dict[str, Any]:
    return load_domain_dict()


@pytest.fixture(scope="session")
def rasa_domain():
    """domain.yml as a Rasa Domain object, for code that runs inside the Rasa server."""
    from rasa.shared.core.domain import Domain

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Rasa 3.x always warns that slot auto-fill was removed
        return Domain.load(str(settings.DOMAIN_PATH))


@pytest.fixture
def domain(domain_on_disk) -> Dict[str, Any]:
    """A private copy per test, so no test can leak changes into another."""
    return copy.deepcopy(domain_on_disk)


@pytest.fixture(scope="session")
def form_questions(domain_on_disk) -> List[str]:
    """The 16 questions in the order the form asks them."""
    return list(domain_on_disk["forms"][settings.FORM_NAME][FORM_SLOT_NAMES_KEY])


@pytest.fixture(scope="session", autouse=True)
def nlp():
    """The saved spaCy pipeline, loaded once per session (language.pipeline() is cached)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return language.pipeline()


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a unit test tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def make_tracker(domain_on_disk):
    """Factory: make_tracker(text=..., intent=..., slots={...}, requested_slot=...) -> Tracker.

    The form counts as active when a question is open (requested_slot) unless
    form_active says otherwise. Unknown slot names are refused so a typo in a
    test cannot silently test nothing.
    """

    def factory(
        text: str = "",
        intent: Optional[str] = "inform",
        confidence: float = 0.95,
        entities: Optional[List[Dict[str, Any]]] = None,
        slots: Optional[Dict[str, Any]] = None,
        requested_slot: Optional[str] = None,
        form_active: Optional[bool] = None,
        events: Optional[List[Dict[str, Any]]] = None,
        sender_id: str = "unit-test-user",
    ) -> Tracker:
        all_slots: Dict[str, Any] = {name: None for name in domain_on_disk["slots"]}
        all_slots[REQUESTED_SLOT] = None
        unknown = set(slots or {}) - set(all_slots)
        assert not unknown, f"unknown slots in test: {sorted(unknown)}"
        all_slots.update(copy.deepcopy(slots or {}))
        if requested_slot is not None:
            all_slots[REQUESTED_SLOT] = requested_slot
        active = form_active if form_active is not None else all_slots[REQUESTED_SLOT] is not None
        latest_message = {
            "text": text,
            "intent": {"name": intent, "confidence": confidence} if intent else {},
            "entities": copy.deepcopy(entities or []),
        }
        if events is None:
            events = [
                {"event": "action", "name": "action_listen"},
                {"event": "user", "text": text, "parse_data": copy.deepcopy(latest_message)},
            ]
        return Tracker(
            sender_id=sender_id,
            slots=all_slots,
            latest_message=latest_message,
            events=copy.deepcopy(events),
            paused=False,
            followup_action=None,
            active_loop={"name": settings.FORM_NAME} if active else {},
            latest_action_name="action_listen",
        )

    return factory


@pytest.fixture
def run_action(domain):
    """run_action(action, tracker[, domain]) -> (events, dispatcher)."""

    def runner(action, tracker: Tracker, domain_dict: Optional[Dict[str, Any]] = None):
        dispatcher = CollectingDispatcher()
        events = asyncio.run(action.run(dispatcher, tracker, domain_dict if domain_dict is not None else domain))
        return events, dispatcher

    return runner


def responses_sent(dispatcher: CollectingDispatcher) -> List[str]:
    """Names of the domain responses the action asked for."""
    return [message.get("response") for message in dispatcher.messages if message.get("response")]


def texts_sent(dispatcher: CollectingDispatcher) -> List[str]:
    return [message.get("text") for message in dispatcher.messages if message.get("text")]


@pytest.fixture
def sent():
    """Helpers to read what a dispatcher collected: sent.responses(d), sent.texts(d)."""

    class Sent:
        responses = staticmethod(responses_sent)
        texts = staticmethod(texts_sent)

    return Sent
