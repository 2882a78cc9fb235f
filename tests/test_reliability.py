"""assistant_server/reliability.py without servers: the loud tracker store and the settings.
The behaviour with real servers (dead, hung, broken) is in tests/e2e/test_reliability.py."""
import asyncio

import pytest
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from assistant_server import reliability
from assistant_server.reliability import LoudTrackerStore, TrackerStoreUnavailable


class BrokenStore(InMemoryTrackerStore):
    async def retrieve(self, sender_id):
        raise OSError("disk I/O error while reading 'my secret answer'")

    async def save(self, tracker):
        raise OSError("INSERT ... parameters: ('I have pain in my spine',)")


@pytest.fixture
def broken(rasa_domain):
    return LoudTrackerStore(BrokenStore(rasa_domain))


def test_a_failing_store_raises_naming_only_the_kind_of_error(broken, rasa_domain):
    with pytest.raises(TrackerStoreUnavailable) as raised:
        asyncio.run(broken.retrieve("someone"))
    assert str(raised.value) == "retrieve: OSError" and raised.value.__cause__ is None
    with pytest.raises(TrackerStoreUnavailable) as raised:
        asyncio.run(broken.save(DialogueStateTracker("someone", rasa_domain.slots)))
    assert "spine" not in str(raised.value)


def test_a_working_store_passes_calls_through(rasa_domain):
    store = LoudTrackerStore(InMemoryTrackerStore(rasa_domain))
    tracker = DialogueStateTracker("someone", rasa_domain.slots)
    asyncio.run(store.save(tracker))
    assert asyncio.run(store.retrieve("someone")).sender_id == "someone"
    assert store.domain is rasa_domain


def test_the_action_server_timeout_is_seconds_and_set_from_the_environment(monkeypatch):
    monkeypatch.delenv("ACTION_TIMEOUT_S", raising=False)
    assert reliability.action_timeout_s() == 10
    monkeypatch.setenv("ACTION_TIMEOUT_S", "3")
    assert reliability.action_timeout_s() == 3.0
