"""The SQL tracker store, able to delete a person's conversation.

"Delete my answers" (actions/privacy.py) sets the forget_conversation slot; when Rasa
then saves the conversation, every stored event of it is deleted instead, so nothing
of it stays in the database. `make purge DAYS=n` (scripts/purge.py) deletes the
conversations nobody has written to for n days.
"""
import logging
from typing import Any, List, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

FORGET_SLOT = "forget_conversation"
DELETE_BATCH = 500


class ForgettingSQLTrackerStore(SQLTrackerStore):
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


def forgetting_store_of(store: Any) -> ForgettingSQLTrackerStore:
    """The ForgettingSQLTrackerStore inside Rasa's wrappers, or an error saying what to configure."""
    while not isinstance(store, ForgettingSQLTrackerStore):
        inner = getattr(store, "wrapped", None) or getattr(store, "_tracker_store", None)
        if inner is None:
            raise TypeError("the tracker store in endpoints.yml must be "
                            "assistant_server.tracker_store.ForgettingSQLTrackerStore")
        store = inner
    return store
