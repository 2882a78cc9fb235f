"""The SQL tracker store: able to delete a person's conversation, and kept private.

"Delete my answers" (actions/privacy.py) sets the forget_conversation slot; when Rasa
then saves the conversation, every stored event of it is deleted instead, so nothing
of it stays in the database. `make purge DAYS=n` (scripts/purge.py) deletes the
conversations nobody has written to for n days.

With SQLite, the database file is made readable by its owner only (0600; SQLite gives
its journal the same mode) and deleted rows are overwritten (secure_delete), so a
deleted answer cannot be read back from the file. PostgreSQL keeps its own files
private; what it does with deleted rows is docs/security.md's to say.

The same database remembers which incoming channel messages were already handled
(`first_sight`), so a webhook delivered twice runs one turn: the record survives a
restart, is shared by every instance, and is forgotten after SEEN_MESSAGES_KEPT_S.
"""
import logging
import os
import sqlite3
import time
from typing import Any, List, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import declarative_base

logger = logging.getLogger(__name__)

FORGET_SLOT = "forget_conversation"
DELETE_BATCH = 500
PRIVATE_FILE_MODE = 0o600
# Twilio retries a webhook for minutes, not days; two days is ample.
SEEN_MESSAGES_KEPT_S = 2 * 86400

SeenBase = declarative_base()


class SeenMessage(SeenBase):
    """An incoming message id (Twilio's MessageSid) already handled, and when."""

    __tablename__ = "seen_channel_messages"
    message_id = sa.Column(sa.String(128), primary_key=True)
    seen_at = sa.Column(sa.Float, nullable=False, index=True)


def sqlite_file(dialect: Text, db: Optional[Text]) -> Optional[Text]:
    """The database file's path, for SQLite on disk; None otherwise."""
    if dialect != "sqlite" or not db or db == ":memory:" or db.startswith("file:"):
        return None
    return db


def make_private(path: Text) -> None:
    """Creates the file if needed, readable and writable by its owner only."""
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, PRIVATE_FILE_MODE))
    os.chmod(path, PRIVATE_FILE_MODE)


def overwrite_deleted_rows(dbapi_connection: Any, _: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA secure_delete = ON")


# Instances starting together race to create the table: PostgreSQL refuses the loser with
# "already exists" (ProgrammingError) or a duplicate pg_type row (IntegrityError).
CREATE_RACE_ERRORS = (sa.exc.OperationalError, sa.exc.ProgrammingError, sa.exc.IntegrityError)
CREATE_ATTEMPTS = 3


def create_seen_table(engine: Any) -> None:
    """Creates the seen-messages table unless it exists; losing a race to another
    instance is retried, so the table is there once this returns (or it is logged)."""
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        try:
            SeenBase.metadata.create_all(engine)
            return
        except CREATE_RACE_ERRORS as error:
            if attempt == CREATE_ATTEMPTS:
                logger.warning("Could not create the seen-messages table: %s", type(error).__name__)


class ForgettingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, dialect: Text = "sqlite", db: Text = "rasa.db", **kwargs: Any) -> None:
        path = sqlite_file(dialect, db)
        if path:
            make_private(path)
        super().__init__(*args, dialect=dialect, db=db, **kwargs)
        if path:
            # Connections opened from now on overwrite what they delete.
            self.engine.dispose()
            sa.event.listen(self.engine, "connect", overwrite_deleted_rows)
        create_seen_table(self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.get_slot(FORGET_SLOT):
            await self.delete(tracker.sender_id)
            logger.info("A conversation was deleted at the person's request.")
            return
        await super().save(tracker)

    async def delete(self, sender_id: Text) -> None:
        with self.session_scope() as session:
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete(synchronize_session=False)
            session.commit()

    def conversations_idle_since(self, timestamp: float) -> List[Text]:
        """The conversations whose latest event is older than the timestamp."""
        event = self.SQLEvent
        with self.session_scope() as session:
            rows = (
                session.query(event.sender_id)
                .group_by(event.sender_id)
                .having(sa.func.max(event.timestamp) < timestamp)
                .all()
            )
        return [row.sender_id for row in rows]

    def delete_conversations(self, sender_ids: List[Text]) -> int:
        event = self.SQLEvent
        with self.session_scope() as session:
            for start in range(0, len(sender_ids), DELETE_BATCH):
                batch = sender_ids[start:start + DELETE_BATCH]
                session.query(event).filter(event.sender_id.in_(batch)).delete(synchronize_session=False)
            session.commit()
        return len(sender_ids)

    def first_sight(self, message_id: Text, now: Optional[float] = None) -> bool:
        """True the first time a message id is offered, False for every repeat. Atomic
        across instances: the id is the table's primary key."""
        now = time.time() if now is None else now
        with self.session_scope() as session:
            session.add(SeenMessage(message_id=message_id, seen_at=now))
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                return False
        return True

    def forget_seen_messages(self, now: Optional[float] = None) -> int:
        """Forgets message ids seen more than SEEN_MESSAGES_KEPT_S ago."""
        cutoff = (time.time() if now is None else now) - SEEN_MESSAGES_KEPT_S
        with self.session_scope() as session:
            count = session.query(SeenMessage).filter(SeenMessage.seen_at < cutoff).delete(synchronize_session=False)
            session.commit()
        return count


def forgetting_store_of(store: Any) -> ForgettingSQLTrackerStore:
    """The ForgettingSQLTrackerStore inside Rasa's wrappers, or an error saying what to configure."""
    while not isinstance(store, ForgettingSQLTrackerStore):
        inner = getattr(store, "wrapped", None) or getattr(store, "_tracker_store", None)
        if inner is None:
            raise TypeError("the tracker store in endpoints.yml must be "
                            "assistant_server.tracker_store.ForgettingSQLTrackerStore")
        store = inner
    return store
