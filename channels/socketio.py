"""The socket.io channel the web chat talks to (credentials.yml): Rasa's, with its input checked.

Rasa 3.6's own dropped, silently, any event it could not use (data that is not an object,
a message that is not a string, a session id that is not a string, metadata that is not
JSON), with an error in the log, and passed lone surrogates on to spaCy, which failed.
Here an event that cannot be used gets a `bad_request` event back on that connection only,
{"error": "..."} saying what is wrong (socket.io's equivalent of a 400), and nothing is
stored. The text is made readable and cut to the limit (nlp/incoming_text.py), with
utter_message_cut first when it was cut; a failure is answered with
utter_something_went_wrong and logged without the person's words.

Only the two event handlers are replaced; everything else is Rasa's.
"""
import logging
import uuid
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from channels import incoming
from channels.rest import Turn, handle_turn

logger = logging.getLogger(__name__)

BAD_REQUEST_EVENT = "bad_request"


def requested_session_id(data: Any) -> Text:
    """The session a connection asks to join: the one it names, or a new random one."""
    if data is None:
        data = {}
    data = incoming.json_object(data, "session_request data")
    if data.get("session_id") is None:
        return uuid.uuid4().hex
    return incoming.conversation_id(data["session_id"], "session_id")


def read_message(data: Any, metadata_key: Text, sender: Optional[Text]) -> Turn:
    """The checked message of a user_uttered event; `sender` is the connection's id when
    conversations do not persist across connections, else None (the session id is used)."""
    data = incoming.json_object(data, "user_uttered data (with message and session_id)")
    text, was_cut = incoming.message_text(data.get("message"), "message")
    if sender is None:
        sender = incoming.conversation_id(data.get("session_id"), "session_id")
    metadata = incoming.metadata(data.get(metadata_key), metadata_key)
    return Turn(sender, text, was_cut, SocketIOInput.name(), metadata)


class CheckedSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel (same name, address and events) with its input checked."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        sio = self.sio
        app_holder = {}

        # Socket.io handlers get no request: the agent is read from the app at each message.
        @webhook.listener("before_server_start")
        async def remember_app(app: Any, _: Any) -> None:
            app_holder["app"] = app

        async def refuse(sid: Text, error: incoming.BadInput) -> None:
            await sio.emit(BAD_REQUEST_EVENT, {"error": str(error)}, room=sid, namespace=self.namespace)

        # `data=None`: an event sent without data calls the handler without it.
        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Any = None, *_: Any) -> None:
            try:
                session_id = requested_session_id(data)
            except incoming.BadInput as error:
                await refuse(sid, error)
                return
            if self.session_persistence:
                sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any = None, *_: Any) -> None:
            try:
                turn = read_message(data, self.metadata_key, None if self.session_persistence else sid)
            except incoming.BadInput as error:
                await refuse(sid, error)
                return
            output = SocketIOOutput(sio, self.bot_message_evt)
            await handle_turn(app_holder["app"].ctx.agent, on_new_message, turn, output)

        return webhook
