"""The REST channel at /webhooks/rest/webhook (credentials.yml): Rasa's, with its input checked.

Rasa 3.6's own answered a body that was not a JSON object with 500, put every message
without a sender into one shared conversation ("default"), answered a message that was not
a string with an empty list and logged it at ERROR level, and, when streaming, waited for
ever after a failure. Here:
- a body that is not a JSON object with a usable `sender` and a string `message` (and, if
  present, `metadata` as a small object and `input_channel` as a string) gets 400 and
  {"error": "..."} saying what is wrong; nothing is stored;
- the text is made readable and cut to the limit (nlp/incoming_text.py); when it was cut,
  the reply starts with utter_message_cut;
- if handling the message fails, the server replies utter_something_went_wrong, and the
  log says what failed but never what the person wrote (assistant_server/reliability.py).

Who may use it: with REST_CHANNEL_TOKEN set, only requests carrying it as a bearer token
(401 otherwise); without it, only requests made on this machine, straight to Rasa
(loopback and no proxy's forwarding headers; 403 otherwise), as under `make run`.
The conversation is `rest:<sender>` (channels/identity.py): whatever a caller names as
sender, it never reaches a web chat or SMS conversation. Replies name the sender as the
caller gave it.
"""
import asyncio
import hmac
import ipaddress
import json
import os
from asyncio import Queue
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.channels.rest import QueueOutputChannel, RestInput
from sanic import Blueprint, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import incoming, replies
from channels.identity import ConversationIds


STREAM_DONE = "DONE"
TOKEN_VARIABLE = "REST_CHANNEL_TOKEN"
# Set by a reverse proxy: a request that carries one did not come from this machine.
FORWARDING_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")


class NotAllowed(Exception):
    def __init__(self, status: int, reason: Text) -> None:
        super().__init__(reason)
        self.status = status


def is_loopback(address: Text) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def check_access(request: Request, token: Optional[Text]) -> None:
    """Raises NotAllowed unless the request may use the REST channel (module docstring)."""
    if token:
        # Sanic decodes header bytes with surrogateescape: encode them back the same way.
        sent = request.headers.get("authorization", "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(sent, f"Bearer {token}".encode("utf-8")):
            raise NotAllowed(401, "the REST channel needs its bearer token")
        return
    if not is_loopback(request.ip) or any(name in request.headers for name in FORWARDING_HEADERS):
        raise NotAllowed(403, "the REST channel answers only this machine unless REST_CHANNEL_TOKEN is set")


def as_named_by_caller(messages: List[Dict[Text, Any]], sender: Text) -> List[Dict[Text, Any]]:
    return [{**message, "recipient_id": sender} for message in messages]


@dataclass
class Turn:
    sender: Text
    text: Text
    was_cut: bool
    input_channel: Text
    metadata: Optional[Dict[Text, Any]]


def read_turn(request: Request, default_channel: Text) -> Turn:
    """The checked message of a request; raises incoming.BadInput."""
    try:
        body = request.json
    except SanicException:
        raise incoming.BadInput("the body must be JSON") from None
    body = incoming.json_object(body, "the body (with sender and message)")
    sender = incoming.conversation_id(body.get("sender"), "sender")
    text, was_cut = incoming.message_text(body.get("message"), "message")
    input_channel = incoming.optional_string(body.get("input_channel"), "input_channel") or default_channel
    return Turn(sender, text, was_cut, input_channel, incoming.metadata(body.get("metadata")))


async def handle_turn(
    agent: Any, on_new_message: Callable[[UserMessage], Awaitable[Any]], turn: Turn, output: OutputChannel
) -> None:
    """Runs the turn. A failure inside it is answered with utter_something_went_wrong by
    the server itself, for every channel (assistant_server/reliability.py)."""
    if turn.was_cut:
        await replies.say(agent, replies.MESSAGE_CUT, output, turn.sender)
    await on_new_message(
        UserMessage(turn.text, output, turn.sender, input_channel=turn.input_channel, metadata=turn.metadata)
    )


class CheckedRestInput(RestInput):
    """Rasa's REST channel (same name and address) with its input checked."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("checked_rest_webhook", __name__)
        ids = ConversationIds.from_environment()
        token = os.environ.get(TOKEN_VARIABLE) or None

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                check_access(request, token)
                turn = read_turn(request, self.name())
            except NotAllowed as refusal:
                return response.json({"error": str(refusal)}, status=refusal.status)
            except incoming.BadInput as error:
                return response.json({"error": str(error)}, status=400)
            named_sender = turn.sender
            turn.sender = ids.rest(named_sender)
            agent = request.app.ctx.agent
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                stream = self.streamed(agent, on_new_message, turn, named_sender)
                return response.stream(stream, content_type="text/event-stream")
            collector = CollectingOutputChannel()
            await handle_turn(agent, on_new_message, turn, collector)
            return response.json(as_named_by_caller(collector.messages, named_sender))

        return webhook

    @staticmethod
    def streamed(
        agent: Any, on_new_message: Callable, turn: Turn, named_sender: Text
    ) -> Callable[[Any], Awaitable[None]]:
        """Each message as a line of JSON as soon as it is sent; the stream always ends."""

        async def run_turn(queue: Queue) -> None:
            try:
                await handle_turn(agent, on_new_message, turn, QueueOutputChannel(queue))
            finally:
                await queue.put(STREAM_DONE)

        async def stream(resp: Any) -> None:
            queue: Queue = Queue()
            task = asyncio.ensure_future(run_turn(queue))
            while True:
                message = await queue.get()
                if message == STREAM_DONE:
                    break
                await resp.write(json.dumps(as_named_by_caller([message], named_sender)[0]) + "\n")
            await task

        return stream
