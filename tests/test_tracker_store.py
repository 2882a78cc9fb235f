"""assistant_server/tracker_store.py on a real SQLite file: a conversation marked to be
forgotten is deleted when Rasa saves it, and idle conversations can be purged."""
import asyncio
import sqlite3
import time

import pytest
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant_server.reliability import LoudTrackerStore
from assistant_server.tracker_store import FORGET_SLOT, ForgettingSQLTrackerStore, forgetting_store_of


@pytest.fixture
def database(tmp_path):
    return tmp_path / "conversations.db"


@pytest.fixture
def store(rasa_domain, database):
    return ForgettingSQLTrackerStore(domain=rasa_domain, dialect="sqlite", db=str(database))


def rows(database, sender_id=None):
    with sqlite3.connect(database) as connection:
        if sender_id is None:
            return connection.execute("SELECT count(*) FROM events").fetchone()[0]
        return connection.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender_id,)).fetchone()[0]


def conversation(rasa_domain, sender_id, *events, at=None):
    tracker = DialogueStateTracker(sender_id, rasa_domain.slots)
    for event in [ActionExecuted("action_listen", timestamp=at), UserUttered("hello", timestamp=at), *events]:
        if at is not None:
            event.timestamp = at
        tracker.update(event)
    return tracker


def test_a_conversation_is_saved_as_usual(store, rasa_domain, database):
    asyncio.run(store.save(conversation(rasa_domain, "alice")))
    assert rows(database, "alice") == 2


def test_a_conversation_marked_to_forget_is_deleted_on_save_and_others_stay(store, rasa_domain, database):
    asyncio.run(store.save(conversation(rasa_domain, "alice")))
    asyncio.run(store.save(conversation(rasa_domain, "bob")))
    forgotten = conversation(rasa_domain, "alice", SlotSet("growth_count", "two"), SlotSet(FORGET_SLOT, True))
    asyncio.run(store.save(forgotten))
    assert rows(database, "alice") == 0
    assert rows(database, "bob") == 2
    assert asyncio.run(store.retrieve("alice")) is None


def test_only_conversations_idle_for_longer_than_the_cutoff_are_purged(store, rasa_domain, database):
    now = time.time()
    asyncio.run(store.save(conversation(rasa_domain, "old", at=now - 40 * 86400)))
    asyncio.run(store.save(conversation(rasa_domain, "recent", at=now - 5 * 86400)))
    idle = store.conversations_idle_since(now - 30 * 86400)
    assert idle == ["old"]
    assert store.delete_conversations(idle) == 1
    assert rows(database, "old") == 0 and rows(database, "recent") == 2


def test_the_forgetting_store_is_found_inside_rasas_wrappers(store):
    assert forgetting_store_of(LoudTrackerStore(store)) is store
    with pytest.raises(TypeError, match="ForgettingSQLTrackerStore"):
        forgetting_store_of(object())
