"""The socket.io channel the web chat talks to (credentials.yml): Rasa's, with its input
checked and each conversation bound to one connection.

Rasa 3.6's own let a connection join any session id it named, so anyone who knew (or
guessed) an id received that conversation's replies and could write into it; it also
dropped, silently, any event it could not use. Here:
- session ids are issued by the server: a `session_request` without a session id, or
  with one the server did not sign, gets a new signed token (channels/identity.py) in
  `session_confirm`; with a token the server signed, the connection resumes that
  conversation, unless another live connection holds it: then `session_in_use`, and
  nothing joins. One conversation, one live connection, so only the person's own tab
  gets its replies;
- a `user_uttered` goes to the connection's own conversation only: naming another
  session, or none yet, gets `bad_request`;
- `clear_conversation` deletes the connection's conversation from the tracker store (as
  "delete my answers" does) and confirms a new session;
- an event that cannot be used gets `bad_request` {"error": "..."} on that connection
  only (socket.io's 400), and nothing is stored. The text is made readable and cut to
  the limit (nlp/incoming_text.py), with utter_message_cut first when it was cut; a
  failure is answered with utter_something_went_wrong and logged without the person's words.

Which connection holds which conversation is kept in this server's memory: with several
Rasa instances, a second connection on another instance is not refused (README,
docs/security.md). Browser origins and body sizes are checked for the whole server
(channels/request_checks.py); engine.io's own buffer is limited to the same size.
"""
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint

from channels import incoming, replies
from channels.identity import ConversationIds
from channels.request_checks import CHANNEL_BODY_LIMIT_BYTES
from channels.rest import Turn, handle_turn

logger = logging.getLogger(__name__)

BAD_REQUEST_EVENT = "bad_request"
SESSION_CONFIRM_EVENT = "session_confirm"
SESSION_IN_USE_EVENT = "session_in_use"
CLEAR_EVENT = "clear_conversation"
# The tracker store deletes a conversation saved with this slot set (assistant_server/tracker_store.py).
FORGET_SLOT = "forget_conversation"
# A dropped connection frees its conversation within about this many seconds
# (engine.io's defaults, 25 + 20, would keep a reconnecting person out for 45).
PING_INTERVAL_S = 10
PING_TIMEOUT_S = 10


def requested_token(data: Any) -> Optional[Text]:
    """The session token a connection offers, if any; raises incoming.BadInput."""
    data = incoming.json_object({} if data is None else data, "session_request data")
    if data.get("session_id") is None:
        return None
    return incoming.conversation_id(data["session_id"], "session_id")


def read_message(data: Any, metadata_key: Text, conversation: Text, token: Text) -> Turn:
    """The checked message of a user_uttered event, for the connection's own conversation."""
    data = incoming.json_object(data, "user_uttered data (with message and session_id)")
    named = incoming.conversation_id(data.get("session_id"), "session_id")
    if named != token:
        raise incoming.BadInput("session_id must be this connection's own session (from session_confirm)")
    text, was_cut = incoming.message_text(data.get("message"), "message")
    metadata = incoming.metadata(data.get(metadata_key), metadata_key)
    return Turn(conversation, text, was_cut, SocketIOInput.name(), metadata)


class Sessions:
    """Which live connection holds which conversation, on this server."""

    def __init__(self) -> None:
        self.holder: Dict[Text, Text] = {}  # conversation -> connection
        self.held: Dict[Text, tuple] = {}  # connection -> (conversation, token)

    def held_elsewhere(self, conversation: Text, sid: Text) -> bool:
        return self.holder.get(conversation, sid) != sid

    def bind(self, sid: Text, conversation: Text, token: Text) -> None:
        self.release(sid)
        self.holder[conversation] = sid
        self.held[sid] = (conversation, token)

    def release(self, sid: Text) -> Optional[Text]:
        conversation, _ = self.held.pop(sid, (None, None))
        if conversation is not None and self.holder.get(conversation) == sid:
            del self.holder[conversation]
        return conversation

    def of(self, sid: Text) -> Optional[tuple]:
        return self.held.get(sid)

    def of_connection(self, sid: Text) -> tuple:
        """(conversation, token) of the connection; raises incoming.BadInput without one."""
        held = self.held.get(sid)
        if held is None:
            raise incoming.BadInput("send session_request first: this connection has no session")
        return held


async def forget(agent: Any, conversation: Text) -> None:
    """Deletes the conversation through the tracker store, under its lock."""
    async with agent.lock_store.lock(conversation):
        tracker = DialogueStateTracker.from_events(conversation, [SlotSet(FORGET_SLOT, True)], agent.domain.slots)
        await agent.tracker_store.save(tracker)


class CheckedSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel (same name, address and events) with server-issued,
    connection-bound sessions and its input checked."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        sio = self.sio
        sio.eio.max_http_buffer_size = CHANNEL_BODY_LIMIT_BYTES
        sio.eio.ping_interval, sio.eio.ping_timeout = PING_INTERVAL_S, PING_TIMEOUT_S
        ids = ConversationIds.from_environment()
        sessions = Sessions()
        app_holder = {}

        # Socket.io handlers get no request: the agent is read from the app at each event.
        @webhook.listener("before_server_start")
        async def remember_app(app: Any, _: Any) -> None:
            app_holder["app"] = app

        async def emit(event: Text, data: Any, sid: Text) -> None:
            await sio.emit(event, data, room=sid, namespace=self.namespace)

        async def refuse(sid: Text, error: incoming.BadInput) -> None:
            await emit(BAD_REQUEST_EVENT, {"error": str(error)}, sid)

        def join(sid: Text, conversation: Text, token: Text) -> None:
            left = sessions.of(sid)
            if left is not None:
                sio.leave_room(sid, left[0], namespace=self.namespace)
            sessions.bind(sid, conversation, token)
            # Rasa's SocketIOOutput sends a conversation's replies to the room of its id.
            sio.enter_room(sid, conversation, namespace=self.namespace)

        async def start_new_session(sid: Text) -> None:
            token = ids.new_web_session()
            join(sid, ids.web(token), token)
            await emit(SESSION_CONFIRM_EVENT, token, sid)

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: Text) -> None:
            sessions.release(sid)

        # `data=None`: an event sent without data calls the handler without it.
        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Any = None, *_: Any) -> None:
            try:
                token = requested_token(data)
            except incoming.BadInput as error:
                await refuse(sid, error)
                return
            conversation = ids.web(token)
            if conversation is None:
                await start_new_session(sid)
            elif sessions.held_elsewhere(conversation, sid):
                await emit(SESSION_IN_USE_EVENT, {}, sid)
            else:
                join(sid, conversation, token)
                await emit(SESSION_CONFIRM_EVENT, token, sid)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any = None, *_: Any) -> None:
            try:
                turn = read_message(data, self.metadata_key, *sessions.of_connection(sid))
            except incoming.BadInput as error:
                await refuse(sid, error)
                return
            output = SocketIOOutput(sio, self.bot_message_evt)
            await handle_turn(app_holder["app"].ctx.agent, on_new_message, turn, output)

        @sio.on(CLEAR_EVENT, namespace=self.namespace)
        async def clear_conversation(sid: Text, *_: Any) -> None:
            try:
                conversation, token = sessions.of_connection(sid)
            except incoming.BadInput as error:
                await refuse(sid, error)
                return
            agent = app_holder["app"].ctx.agent
            try:
                await forget(agent, conversation)
            except Exception as error:  # the store is down: say so, and go on in the same session
                logger.error("A conversation could not be cleared: %s", type(error).__name__)
                await replies.say(agent, replies.SOMETHING_WENT_WRONG, SocketIOOutput(sio, self.bot_message_evt),
                                  conversation)
                await emit(SESSION_CONFIRM_EVENT, token, sid)
                return
            await start_new_session(sid)  # leaves the old conversation's room and lets it go

        return webhook
