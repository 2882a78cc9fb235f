"""When the action server or the tracker store fails, the person is told so, kindly.

Rasa 3.6 on its own:
- waits up to 5 minutes for the action server, then logs the error and goes on as if the
  action had done nothing, so the person gets silence or a wrong next step;
- wraps the tracker store in a FailSafeTrackerStore that, when the database fails,
  reads an empty conversation and saves to memory: the person silently starts over,
  and the database error it logs carries the SQL parameters, i.e. the person's words.

Here instead: the action server has ACTION_TIMEOUT_S seconds; any failure of the action
server or of the tracker store stops the turn before anything is saved, the person gets
utter_something_went_wrong ("please try again in a moment"), and the log says what
failed without any of the conversation; channels/health.py reports what is down.
The conversation goes on from where it was once the service is back.
"""
import contextvars
import logging
import os
from typing import Any, Dict, List, Optional, Text

from rasa.core.actions import action as rasa_action
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from channels import replies

logger = logging.getLogger(__name__)

DEFAULT_ACTION_TIMEOUT_S = 10

_action_server_failed: contextvars.ContextVar = contextvars.ContextVar("action_server_failed", default=None)


class ActionServerUnavailable(Exception):
    """The action server did not answer in time, or failed."""


class TrackerStoreUnavailable(Exception):
    """The conversation could not be read from or saved to the tracker store."""


def action_timeout_s() -> float:
    return float(os.environ.get("ACTION_TIMEOUT_S") or DEFAULT_ACTION_TIMEOUT_S)


# --- the action server -----------------------------------------------------------------------------


_original_remote_run = rasa_action.RemoteAction.run


async def remote_run_noting_failures(self, *args: Any, **kwargs: Any) -> List[Any]:
    try:
        return await _original_remote_run(self, *args, **kwargs)
    except rasa_action.ActionExecutionRejection:
        raise  # a form rejecting an answer is normal conversation
    except Exception as error:
        _action_server_failed.set(f"{self.name()}: {type(error).__name__}")
        raise


_original_run_action = MessageProcessor._run_action


async def run_action_stopping_on_failure(self, *args: Any, **kwargs: Any) -> bool:
    """Rasa logs a failed action and goes on; here the turn stops (nothing is saved)."""
    token = _action_server_failed.set(None)
    try:
        should_go_on = await _original_run_action(self, *args, **kwargs)
        failure = _action_server_failed.get()
    finally:
        _action_server_failed.reset(token)
    if failure:
        raise ActionServerUnavailable(failure)
    return should_go_on


# --- the tracker store -------------------------------------------------------------------------


class LoudTrackerStore(TrackerStore):
    """Passes every call to the real store; a failure raises TrackerStoreUnavailable
    (naming only the kind of error) instead of falling back to memory."""

    def __init__(self, store: TrackerStore) -> None:
        self._store = store
        super().__init__(store.domain, store.event_broker)

    @property
    def domain(self):
        return self._store.domain

    @domain.setter
    def domain(self, domain) -> None:
        self._store.domain = domain

    @property
    def wrapped(self) -> TrackerStore:
        return self._store

    async def _call(self, method: Text, *args: Any) -> Any:
        try:
            return await getattr(self._store, method)(*args)
        except Exception as error:
            raise TrackerStoreUnavailable(f"{method}: {type(error).__name__}") from None

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._call("retrieve", sender_id)

    async def retrieve_full_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._call("retrieve_full_tracker", sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._call("save", tracker)

    async def keys(self):
        return await self._call("keys")

    async def delete(self, sender_id: Text) -> None:
        await self._call("delete", sender_id)


def create_loud_tracker_store(store: Optional[TrackerStore], domain) -> TrackerStore:
    if store is None:
        from rasa.core.tracker_store import InMemoryTrackerStore

        store = InMemoryTrackerStore(domain)
    store.domain = domain
    return LoudTrackerStore(store)


# --- the turn --------------------------------------------------------------------------------------


_original_handle_message = Agent.handle_message


async def handle_message_kindly(self: Agent, message: UserMessage) -> Optional[List[Dict[Text, Any]]]:
    try:
        return await _original_handle_message(self, message)
    except (ActionServerUnavailable, TrackerStoreUnavailable) as error:
        logger.error("A message was not handled (%s: %s); the person was asked to try again.",
                     type(error).__name__, error)
    except Exception as error:  # the lock store, or anything unexpected: never silence
        logger.error("A message was not handled (%s); the person was asked to try again.", type(error).__name__)
        logger.debug("Details", exc_info=True)
    return await say_something_went_wrong(self, message)


async def say_something_went_wrong(agent: Agent, message: UserMessage) -> Optional[List[Dict[Text, Any]]]:
    channel = message.output_channel
    await replies.say(agent, replies.SOMETHING_WENT_WRONG, channel, message.sender_id)
    return channel.messages if isinstance(channel, CollectingOutputChannel) else None


def install() -> None:
    rasa_action.DEFAULT_REQUEST_TIMEOUT = action_timeout_s()
    rasa_action.RemoteAction.run = remote_run_noting_failures
    MessageProcessor._run_action = run_action_stopping_on_failure
    Agent._create_tracker_store = staticmethod(create_loud_tracker_store)
    Agent.handle_message = handle_message_kindly
