"""A Redis lock store whose every change is one Redis transaction.

Several Rasa instances share one Redis lock store so that the turns of one conversation
are processed one at a time, in the order they arrived, whichever instance gets them.
Rasa 3.6's own RedisLockStore reads a conversation's lock, changes it in Python and writes
it back in separate steps. Two instances doing that at the same moment overwrite each
other: both can take the same ticket and then process their turns at the same time (the
SQL tracker store then drops events of one of them), or one can drop the other's ticket,
whose turn then fails with a LockError. tests/scale/test_lock_store.py shows both with
real Redis. Here each read-change-write runs under WATCH/MULTI and is retried when
another instance changed the lock in between, so each ticket is taken exactly once.

Use it in an endpoints file as:  lock_store: {type: assistant_server.lock_store.AtomicRedisLockStore, ...}
with the same keys as Rasa's `type: redis` (url, port, db, password, key_prefix, ...).
"""
import json
from typing import Callable, Optional, Text, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

Result = TypeVar("Result")
# A change receives the stored lock (None when there is none) and returns the lock to
# store (None deletes it) and a result for the caller.
LockChange = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Result]]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        # Rasa builds lock stores named by module path from the endpoint's settings alone.
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def _change_atomically(self, conversation_id: Text, change: LockChange) -> Result:
        key = self.key_prefix + conversation_id

        def transaction(pipe) -> Result:
            stored = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(stored)) if stored else None
            new_lock, result = change(lock)
            pipe.multi()
            if new_lock is None:
                pipe.delete(key)
            else:
                pipe.set(key, new_lock.dumps())
            return result

        # Retried by redis-py whenever the key changed between WATCH and EXEC.
        return self.red.transaction(transaction, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def take_ticket(lock: Optional[TicketLock]):
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change_atomically(conversation_id, take_ticket)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        def drop_expired_tickets(lock: Optional[TicketLock]):
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change_atomically(conversation_id, drop_expired_tickets)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def drop_ticket(lock: Optional[TicketLock]):
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change_atomically(conversation_id, drop_ticket)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        # One step: a ticket taken between "is anyone waiting?" and the delete would be lost.
        def drop_ticket_and_empty_lock(lock: Optional[TicketLock]):
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change_atomically(conversation_id, drop_ticket_and_empty_lock)
