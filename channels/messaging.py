"""SMS and WhatsApp through Twilio, at /webhooks/twilio/webhook (credentials.yml).

Rasa 3.6's own Twilio channel is subclassed, with three things fixed:
- every request must carry a valid X-Twilio-Signature for the account's auth token,
  computed on TWILIO_WEBHOOK_URL (the public URL Twilio calls); others get 403 and
  are not read any further;
- replies go out through Twilio's REST API from the event loop (channels/twilio_api.py),
  with retries, in order, packed into as few messages as fit Twilio's 1,600 characters;
- choices become numbered text (content/messaging.yml) and a reply "2", or a choice's
  words, selects that choice: no "/intent" payload ever reaches the person.
The carrier keywords STOP, START and HELP are answered here, before the assistant.
A message is made readable and cut to the limit first (nlp/incoming_text.py; WhatsApp
allows 4,096 characters), with utter_message_cut before the reply when it was cut; a
sender (From) that is empty, too long or has control characters (channels/incoming.py)
gets 400.

A person's conversation is `text:` + an HMAC of their number (channels/identity.py,
CONVERSATION_SECRET, without which the channel does not start): no other channel can
name it. The number is used only to reply to the request that carried it; it is never
stored, and neither it nor message text is logged. So Rasa's HTTP API cannot have texts
sent (output_channel=twilio sends nothing and logs a warning): a conversation id does
not say whose number it is.

A request whose MessageSid was seen before (Twilio retrying, or a replay of a signed
request) gets 200 and nothing else: the tracker store remembers a hash of each
MessageSid (`first_sight`; assistant_server/tracker_store.py), across restarts and
instances. It is marked before the turn runs and stays marked if the turn fails: the
person has then been asked to try again, and some texts may have gone out already.

Settings come from the environment (the Makefile): TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN,
TWILIO_NUMBER, TWILIO_WEBHOOK_URL and TWILIO_API_BASE_URL. Without the first three the
channel is off and its webhook answers 404.
"""
import asyncio
import hashlib
import logging
import os
import weakref
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text
from urllib.parse import parse_qsl

from multidict import MultiDict

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from channels import incoming, message_text
from channels import replies as channel_replies
from channels.identity import ConversationIds
from channels.twilio_api import DEFAULT_API_BASE_URL, TwilioApi, TwilioSendError
from nlp.incoming_text import prepare

logger = logging.getLogger(__name__)

CHANNEL_NAME = "twilio"
WHATSAPP_PREFIX = "whatsapp:"
# A bool slot in domain.yml: set by STOP, cleared by START, kept in the tracker store
# so it survives restarts and is shared by every Rasa instance.
MESSAGES_STOPPED_SLOT = "text_messages_stopped"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
# Seen MessageSids are remembered as this prefix + their SHA-256, so the database does
# not hold Twilio's handle on the message (which leads to the number).
SEEN_MESSAGE_PREFIX = "twilio:"
FIRST_SIGHT = "first_sight"

SETTINGS = {
    "account_sid": "TWILIO_ACCOUNT_SID",
    "auth_token": "TWILIO_AUTH_TOKEN",
    "twilio_number": "TWILIO_NUMBER",
    "webhook_url": "TWILIO_WEBHOOK_URL",
    "api_base_url": "TWILIO_API_BASE_URL",
}


class NoReplayCheck(RuntimeError):
    """The tracker store cannot say whether a message was seen before."""


@dataclass(frozen=True)
class Texter:
    """Who sent a request: the conversation it belongs to, and the number to reply to
    (only ever in memory, for this request)."""

    conversation_id: Text
    number: Text


def setting(credentials: Dict[Text, Any], key: Text) -> Optional[Text]:
    """A value from credentials.yml, else from the environment (secrets stay out of files)."""
    return credentials.get(key) or os.environ.get(SETTINGS[key]) or None


def bare_number(number: Text) -> Text:
    return number[len(WHATSAPP_PREFIX):] if number.startswith(WHATSAPP_PREFIX) else number


def sender_number(our_number: Text, recipient: Text) -> Text:
    """WhatsApp replies come from the same number with the whatsapp: prefix."""
    bare = bare_number(our_number)
    return WHATSAPP_PREFIX + bare if recipient.startswith(WHATSAPP_PREFIX) else bare


def seen_message_key(fields: MultiDict) -> Optional[Text]:
    """What the tracker store remembers of this request's MessageSid; None without one."""
    sid = fields.get("MessageSid")
    if not sid:
        return None
    return SEEN_MESSAGE_PREFIX + hashlib.sha256(sid.encode("utf-8")).hexdigest()


def store_offering(store: Any, method: Text) -> Optional[Any]:
    """The tracker store inside Rasa's wrappers (`wrapped`, `_tracker_store`) that has the
    method, or None. Found by duck typing: assistant_server imports channels, so channels
    does not import assistant_server."""
    visited = set()
    while store is not None and id(store) not in visited:
        if callable(getattr(store, method, None)):
            return store
        visited.add(id(store))
        store = getattr(store, "wrapped", None) or getattr(store, "_tracker_store", None)
    return None


def first_sight(agent: Any, key: Text) -> bool:
    """True the first time the key is offered to the agent's tracker store, else False."""
    store = store_offering(agent.tracker_store, FIRST_SIGHT)
    if store is None:
        raise NoReplayCheck("the tracker store in endpoints.yml must offer first_sight "
                            "(assistant_server.tracker_store.ForgettingSQLTrackerStore)")
    return store.first_sight(key)


def messages_stopped(tracker: Optional[DialogueStateTracker]) -> bool:
    return bool(tracker and tracker.get_slot(MESSAGES_STOPPED_SLOT))


def open_choices(tracker: Optional[DialogueStateTracker]) -> List[Dict[Text, Any]]:
    """The buttons of the assistant's latest question, if no reply has come since."""
    for event in reversed(tracker.events if tracker else []):
        if isinstance(event, UserUttered):
            return []
        if isinstance(event, BotUttered) and event.data.get("buttons"):
            return event.data["buttons"]
    return []


def form_fields(request: Request) -> MultiDict:
    """The POST fields as Twilio signed them. Sanic's request.form drops empty ones
    (a photo comes with Body=), which would make a real signature fail."""
    if not (request.content_type or "").startswith("application/x-www-form-urlencoded"):
        return MultiDict()
    return MultiDict(parse_qsl(request.body.decode("utf-8", errors="replace"), keep_blank_values=True))


class TwilioTurnCollector(CollectingOutputChannel):
    """Collects one turn's messages; named "twilio" so `channel: twilio` variations apply."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL_NAME


class TwilioMessagingOutput(OutputChannel):
    """What Rasa's HTTP API gets when it asks for this channel's output: it sends nothing,
    since a conversation id does not say whose number it is (module docstring)."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL_NAME

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        logger.warning("A message for a text message conversation was not sent: only a text from "
                       "the person can be answered by text (no phone number is kept).")

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


class TwilioSender:
    def __init__(self, api: TwilioApi, our_number: Text) -> None:
        self.api = api
        self.our_number = our_number

    async def deliver(self, recipient: Text, texts: List[Text]) -> None:
        """Sends the texts in order, in as few parts as fit; stops at the first failure,
        so the person never gets a later part without an earlier one."""
        for part in message_text.message_parts(texts, message_text.load_content()):
            try:
                await self.api.send(recipient, sender_number(self.our_number, recipient), part)
            except TwilioSendError as error:
                logger.error("A reply could not be sent: %s", error)
                return


class TwilioMessagingInput(TwilioInput):
    """Rasa's Twilio input channel with signed webhooks, async sending and numbered choices."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        values = {key: setting(credentials or {}, key) for key in SETTINGS}
        return cls(**values)

    def __init__(
        self,
        account_sid: Optional[Text],
        auth_token: Optional[Text],
        twilio_number: Optional[Text],
        webhook_url: Optional[Text] = None,
        api_base_url: Optional[Text] = None,
    ) -> None:
        super().__init__(account_sid, auth_token, twilio_number, debug_mode=False)
        self.enabled = bool(account_sid and auth_token and twilio_number)
        # Raises MissingSecret without CONVERSATION_SECRET: the server does not start.
        self.ids = ConversationIds.from_environment() if self.enabled else None
        self.webhook_url = webhook_url
        self.validator = RequestValidator(auth_token) if self.enabled else None
        self.sender = (
            TwilioSender(TwilioApi(account_sid, auth_token, api_base_url or DEFAULT_API_BASE_URL), twilio_number)
            if self.enabled else None
        )
        # One turn at a time per person on this instance: a quick second reply is
        # matched to the question it answers, not to the one before.
        self.turn_locks: "weakref.WeakValueDictionary[Text, asyncio.Lock]" = weakref.WeakValueDictionary()
        if not self.enabled:
            logger.info("SMS and WhatsApp channel off: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_NUMBER.")
        elif not webhook_url:
            logger.warning("TWILIO_WEBHOOK_URL is not set: signatures are checked against the URL requests "
                           "arrive at, which differs from Twilio's behind a reverse proxy.")

    def is_signed_by_twilio(self, request: Request, fields: MultiDict) -> bool:
        signature = request.headers.get("X-Twilio-Signature")
        if not signature:
            return False
        return self.validator.validate(self.webhook_url or request.url, fields, signature)

    def texter(self, number: Text) -> Texter:
        return Texter(self.ids.text(number), number)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("twilio_messaging_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.enabled else "off"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.enabled:
                return response.text("This channel is not set up.", status=404)
            fields = form_fields(request)
            if not self.is_signed_by_twilio(request, fields):
                logger.warning("Refused a request to the Twilio webhook without a valid signature.")
                return response.text("Forbidden", status=403)
            try:
                number = incoming.conversation_id(fields.get("From"), "From")
            except incoming.BadInput as error:
                return response.text(f"{error}.", status=400)
            turn = self.handle(request.app.ctx.agent, on_new_message, self.texter(number),
                               fields.get("Body", ""), seen_message_key(fields))
            # Shielded: if Twilio gives up waiting (15 s), the turn still finishes.
            await asyncio.shield(turn)
            return response.text(EMPTY_TWIML, content_type="text/xml")

        @webhook.listener("after_server_stop")
        async def close(*_: Any) -> None:
            if self.sender:
                await self.sender.api.close()

        return webhook

    def turn_lock(self, conversation_id: Text) -> asyncio.Lock:
        lock = self.turn_locks.get(conversation_id)
        if lock is None:
            lock = asyncio.Lock()
            self.turn_locks[conversation_id] = lock
        return lock

    async def handle(
        self, agent: Any, on_new_message: Callable, texter: Texter, text: Text, seen_key: Optional[Text] = None
    ) -> None:
        """Runs the turn, unless the request was seen before (seen_key: seen_message_key)."""
        try:
            if seen_key is not None and not first_sight(agent, seen_key):
                logger.info("A Twilio request seen before was ignored.")
                return
            async with self.turn_lock(texter.conversation_id):
                await self.handle_in_turn(agent, on_new_message, texter, text)
        except Exception as error:  # never let one message take the webhook down
            # Only our own error's words: others' may quote the person's (SQL parameters).
            logger.error("A text message could not be handled: %s",
                         error if isinstance(error, NoReplayCheck) else type(error).__name__)
            logger.debug("Details", exc_info=True)
            await self.say_something_went_wrong(agent, texter)

    async def say_something_went_wrong(self, agent: Any, texter: Texter) -> None:
        try:
            collector = TwilioTurnCollector()
            await channel_replies.say(agent, channel_replies.SOMETHING_WENT_WRONG, collector, texter.conversation_id)
            await self.sender.deliver(texter.number,
                                      message_text.turn_texts(collector.messages, message_text.load_content()))
        except Exception as error:
            logger.error("Could not tell the person something went wrong: %s", type(error).__name__)

    async def handle_in_turn(self, agent: Any, on_new_message: Callable, texter: Texter, text: Text) -> None:
        conversation_id, number = texter.conversation_id, texter.number
        text, was_cut = prepare(text)
        tracker = await agent.tracker_store.retrieve(conversation_id)
        stopped = messages_stopped(tracker)
        replies = message_text.load_content()["replies"]
        keyword = message_text.keyword(text, stopped)
        if keyword == message_text.STOP:
            if not stopped:
                await self.set_messages_stopped(agent, conversation_id, True)
                await self.sender.deliver(number, [replies["stopped"]])
            return
        if keyword == message_text.START:
            await self.set_messages_stopped(agent, conversation_id, False)
            await self.sender.deliver(number, [replies["started"]])
            return
        if keyword == message_text.HELP:
            await self.sender.deliver(number, [replies["help"]])
            return
        if stopped:
            return  # nothing goes to a number that said STOP, until START
        collector = TwilioTurnCollector()
        if was_cut:
            await channel_replies.say(agent, channel_replies.MESSAGE_CUT, collector, conversation_id)
        reply = message_text.chosen_reply(text, open_choices(tracker))
        await on_new_message(UserMessage(reply, collector, conversation_id, input_channel=CHANNEL_NAME))
        await self.sender.deliver(number, message_text.turn_texts(collector.messages, message_text.load_content()))

    @staticmethod
    async def set_messages_stopped(agent: Any, conversation_id: Text, stopped: bool) -> None:
        async with agent.lock_store.lock(conversation_id):
            tracker = await agent.tracker_store.get_or_create_tracker(conversation_id)
            tracker.update(SlotSet(MESSAGES_STOPPED_SLOT, stopped))
            await agent.tracker_store.save(tracker)

    def get_output_channel(self) -> OutputChannel:
        return TwilioMessagingOutput()
