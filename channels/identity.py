"""Conversation ids: each channel makes its own, and no channel can make another's.

The id under which Rasa stores a conversation starts with its channel's prefix, and only
that channel composes ids with that prefix:
- `text:` SMS and WhatsApp (channels/messaging.py): an HMAC of the sender's number under
  the deployment secret, so the database holds no phone numbers and nobody who knows a
  number can name its conversation;
- `web:` the web chat (channels/socketio.py): a random id the server issues inside a
  signed session token; only a token the server signed opens the conversation;
- `rest:` the REST channel (channels/rest.py): the sender the caller names, behind the
  REST channel's own access check. Whatever a caller names, the id starts with `rest:`.

CONVERSATION_SECRET is a deployment secret (the Makefile; docs/security.md): changing
it makes every earlier web session token and phone number hash unreachable.
"""
import hashlib
import hmac
import os
import secrets
from typing import Optional, Text

SECRET_VARIABLE = "CONVERSATION_SECRET"
# Short enough to be refused by nobody, long enough to be guessed by nobody.
MIN_SECRET_CHARS = 16

REST_PREFIX = "rest:"
WEB_PREFIX = "web:"
TEXT_PREFIX = "text:"

WEB_SESSION_BYTES = 16
# A web session token: <32 hex digits>.<64 hex digits of HMAC-SHA256>.
WEB_TOKEN_CHARS = WEB_SESSION_BYTES * 2 + 1 + 64


class MissingSecret(RuntimeError):
    """The deployment secret is not set; the server must not start without it."""


class ConversationIds:
    def __init__(self, secret: Text) -> None:
        if len(secret or "") < MIN_SECRET_CHARS:
            raise MissingSecret(
                f"{SECRET_VARIABLE} must be set to a random value of at least {MIN_SECRET_CHARS} characters"
            )
        # One key per use, so a web token's signature never equals a phone number's hash.
        self._web_key = self._derive(secret, b"web session")
        self._text_key = self._derive(secret, b"text sender")

    @classmethod
    def from_environment(cls) -> "ConversationIds":
        return cls(os.environ.get(SECRET_VARIABLE, ""))

    @staticmethod
    def _derive(secret: Text, purpose: bytes) -> bytes:
        return hmac.new(secret.encode("utf-8"), purpose, hashlib.sha256).digest()

    def rest(self, sender: Text) -> Text:
        return REST_PREFIX + sender

    def text(self, number: Text) -> Text:
        """The conversation of an SMS or WhatsApp sender (`whatsapp:` numbers are their own)."""
        return TEXT_PREFIX + hmac.new(self._text_key, number.encode("utf-8"), hashlib.sha256).hexdigest()

    def new_web_session(self) -> Text:
        """A new session token for the web chat; only the browser that asked holds it."""
        session = secrets.token_hex(WEB_SESSION_BYTES)
        return f"{session}.{self._web_signature(session)}"

    def web(self, token: object) -> Optional[Text]:
        """The conversation a session token opens, or None if the server did not sign it."""
        if not isinstance(token, str) or len(token) != WEB_TOKEN_CHARS or token.count(".") != 1:
            return None
        session, signature = token.split(".")
        if not hmac.compare_digest(signature, self._web_signature(session)):
            return None
        return WEB_PREFIX + session

    def _web_signature(self, session: Text) -> Text:
        return hmac.new(self._web_key, session.encode("utf-8"), hashlib.sha256).hexdigest()
