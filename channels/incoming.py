"""Checks on what the channels are sent, shared by the REST, socket.io and Twilio channels
and the HTTP API checks (channels/request_checks.py).

Each check returns the value to use, or raises BadInput with a message that says what is
wrong and how it should be (never what was sent: it may be the person's words). A channel
answers BadInput with a 400 (a `bad_request` event on socket.io); nothing is stored.
"""
import json
from typing import Any, Dict, Optional, Text, Tuple

from nlp.incoming_text import prepare, readable

# Conversation ids: the widget's are 32 hex digits, Twilio's a number with an optional
# "whatsapp:" prefix. The limit keeps a 100 kB id out of the tracker store.
CONVERSATION_ID_MAX_CHARS = 128
# Rasa stores metadata with every message; this project sends none, so little is allowed.
METADATA_MAX_CHARS = 10_000
METADATA_MAX_DEPTH = 20


class BadInput(ValueError):
    """What was sent cannot be used; the message says why."""


def json_object(body: Any, what: Text = "the body") -> Dict[Text, Any]:
    if not isinstance(body, dict):
        raise BadInput(f"{what} must be a JSON object")
    return body


def conversation_id(value: Any, field: Text) -> Text:
    """A non-empty string of printable characters, at most CONVERSATION_ID_MAX_CHARS long."""
    if (
        not isinstance(value, str)
        or not value.strip()
        or len(value) > CONVERSATION_ID_MAX_CHARS
        or readable(value) != value
    ):
        raise BadInput(
            f"{field} must be a non-empty string of at most {CONVERSATION_ID_MAX_CHARS} characters, "
            "without control characters"
        )
    return value


def message_text(value: Any, field: Text) -> Tuple[Text, bool]:
    """The text as NLU will read it (nlp/incoming_text.py), and whether it was cut."""
    if not isinstance(value, str):
        raise BadInput(f"{field} must be a string")
    return prepare(value)


def optional_string(value: Any, field: Text) -> Optional[Text]:
    if value is not None and not isinstance(value, str):
        raise BadInput(f"{field} must be a string")
    return value


def _depth(value: Any) -> int:
    """Nesting depth, without recursion (a deep value must not exhaust the stack here)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > METADATA_MAX_DEPTH:
            break
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return deepest


def metadata(value: Any, field: Text = "metadata") -> Optional[Dict[Text, Any]]:
    """None, or a small JSON object (JSON text of an object is read, as Rasa's socket.io does)."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            raise BadInput(f"{field} must be a JSON object") from None
    if not isinstance(value, dict) or _depth(value) > METADATA_MAX_DEPTH:
        raise BadInput(f"{field} must be a JSON object nested at most {METADATA_MAX_DEPTH} deep")
    try:
        size = len(json.dumps(value))
    except (TypeError, ValueError, RecursionError):
        raise BadInput(f"{field} must be a JSON object") from None
    if size > METADATA_MAX_CHARS:
        raise BadInput(f"{field} must be at most {METADATA_MAX_CHARS:,} characters of JSON")
    return value
