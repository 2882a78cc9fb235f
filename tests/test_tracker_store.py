"""assistant_server/tracker_store.py on a real SQLite file: a conversation marked to be
forgotten is deleted when Rasa saves it, and idle conversations can be purged."""
import asyncio
import sqlite3
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant_server.reliability import LoudTrackerStore
from assistant_server.tracker_store import (
    FORGET_SLOT, ForgettingSQLTrackerStore, forgetting_store_of, overwrite_deleted_rows,
)


PROJECT = Path(__file__).resolve().parents[1]


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


def test_the_database_file_is_readable_by_its_owner_only(store, database):
    assert database.stat().st_mode & 0o777 == 0o600


def test_a_world_readable_database_is_made_private_when_opened(rasa_domain, tmp_path):
    existing = tmp_path / "old.db"
    existing.touch(mode=0o644)
    existing.chmod(0o644)
    ForgettingSQLTrackerStore(domain=rasa_domain, dialect="sqlite", db=str(existing))
    assert existing.stat().st_mode & 0o777 == 0o600


def test_every_connection_of_the_store_overwrites_deleted_rows(store):
    # Debian's SQLite has secure_delete on by default; other builds do not, so the
    # store sets it on each connection itself.
    assert sa.event.contains(store.engine, "connect", overwrite_deleted_rows)
    connection = sqlite3.connect(":memory:")
    connection.execute("PRAGMA secure_delete = OFF")
    overwrite_deleted_rows(connection, None)
    assert connection.execute("PRAGMA secure_delete").fetchone() == (1,)


def test_a_deleted_conversation_leaves_no_trace_in_the_file(store, rasa_domain, database):
    marker = "marker-" + "q" * 40
    asyncio.run(store.save(conversation(rasa_domain, "alice", UserUttered(marker))))
    assert marker.encode() in database.read_bytes()
    asyncio.run(store.delete("alice"))
    assert marker.encode() not in database.read_bytes()


def test_a_message_id_is_new_once_even_for_a_second_store_on_the_same_file(store, rasa_domain, database):
    assert store.first_sight("SM0001") is True
    assert store.first_sight("SM0001") is False
    again = ForgettingSQLTrackerStore(domain=rasa_domain, dialect="sqlite", db=str(database))
    assert again.first_sight("SM0001") is False
    assert again.first_sight("SM0002") is True


def test_seen_message_ids_are_forgotten_after_two_days(store):
    now = time.time()
    store.first_sight("SM-old", now=now - 3 * 86400)
    store.first_sight("SM-new", now=now - 3600)
    assert store.forget_seen_messages(now=now) == 1
    assert store.first_sight("SM-old") is True
    assert store.first_sight("SM-new") is False


def test_the_purge_job_needs_no_action_server_settings(store, rasa_domain, database, monkeypatch):
    """A scheduled purge holds only the database's settings (deploy/): endpoints.yml's
    action endpoint variables may be unset."""
    from scripts.purge import purge

    monkeypatch.delenv("ACTION_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("ACTION_SERVER_TOKEN", raising=False)
    monkeypatch.setenv("TRACKER_DB", str(database))
    asyncio.run(store.save(conversation(rasa_domain, "old", at=time.time() - 3 * 86400)))
    store.first_sight("SM-old", now=time.time() - 3 * 86400)
    assert purge(1, str(PROJECT / "endpoints.yml")) == (1, 1)
    assert rows(database, "old") == 0


def test_the_seen_messages_table_survives_another_instance_creating_it_at_the_same_moment(tmp_path, monkeypatch):
    """Two instances starting together on PostgreSQL: the loser's CREATE TABLE fails with a
    duplicate pg_type row (IntegrityError); it tries again and finds the table there."""
    import sqlalchemy as sa

    from assistant_server import tracker_store

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'race.db'}")
    real_create_all = tracker_store.SeenBase.metadata.create_all
    calls = []

    def lose_the_race_once(bind, *args, **kwargs):
        calls.append(bind)
        if len(calls) == 1:
            real_create_all(bind)  # the other instance wins...
            raise sa.exc.IntegrityError("CREATE TABLE seen_channel_messages", {}, Exception("duplicate key"))
        return real_create_all(bind, *args, **kwargs)

    monkeypatch.setattr(tracker_store.SeenBase.metadata, "create_all", lose_the_race_once)

    tracker_store.create_seen_table(engine)

    assert len(calls) == 2
    assert "seen_channel_messages" in sa.inspect(engine).get_table_names()
