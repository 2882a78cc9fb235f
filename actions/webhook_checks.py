"""Who may call the action server, how much of a call it reads, what it answers to calls it
cannot use, and when an action fails. scripts/action_server.py adds these to rasa-sdk's
server (no action lives here).

rasa-sdk 3.6 ran an action for anyone who could reach the server, read a body of any size
(up to Sanic's 100 MB) and inflated a deflate body without bound (194 KB became 200 MB).
It answered a body that was not a JSON object, a missing tracker or a wrongly typed field
with 500, and its 500 handler put the whole request body in the response: the
conversation, the person's answers included. It also turned every error, a 404 or a 405
too, into a 500. Here:
- every call but GET /health needs the shared token in the X-Action-Token header (Rasa
  sends it: endpoints.yml), else 401 and {"error": "..."}, before the body is read;
- a body over BODY_LIMIT_BYTES gets 413, raw or once inflated, before any action runs;
- a call to POST /webhook that is not shaped as Rasa sends it gets 400 and
  {"error": "..."} saying which part is wrong, before any action runs: the latest
  message's text must be within the limit of nlp/incoming_text.py, and each slot value
  must fit its slot in the call's domain (a categorical answer one of its values: the
  summary has words only for those);
- an error of the request itself (a wrong address, method or body) keeps its own 4xx;
- an action that fails gives 500 with a fixed message; the log names the action and the
  kind of error, and only the debug log has the details (they may quote the person).
An unknown action is left to rasa-sdk: 404 with the action's name, nothing else.
"""
import hmac
import json
import logging
import math
import zlib
from typing import Any, Callable, Dict, Optional, Text

from sanic import Sanic, response
from sanic.exceptions import InvalidUsage, PayloadTooLarge, SanicException, Unauthorized
from sanic.request import Request
from sanic.response import HTTPResponse

from nlp.incoming_text import LONE_SURROGATE, MESSAGE_CHAR_LIMIT

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhook"
ACTION_FAILED = "The action could not be run."

# The secret Rasa and the action server share: from the environment only (never argv or
# a file in git), sent in this header (endpoints.yml, deploy/endpoints.scaled.yml).
TOKEN_VARIABLE = "ACTION_SERVER_TOKEN"
TOKEN_HEADER = "X-Action-Token"
# Open without the token: Rasa's health check (channels/health.py) and container probes.
OPEN_PATHS = frozenset({"/health"})
# The most a call may be, raw and once inflated. Rasa sends the session's whole tracker
# and the domain on every call: measured through the e2e servers, a whole conversation to
# the summary at most 115 KB, and 66 turns of 2,000-character messages 850 KB (ASCII;
# JSON writes an emoji as 12 bytes). 8 MB leaves ten times that; Sanic's default: 100 MB.
BODY_LIMIT_BYTES = 8 * 1024 * 1024
CONTENT_ENCODING = "Content-Encoding"


class BadActionCall(ValueError):
    """The call is not shaped as Rasa sends it; the message says which part."""


class BodyTooLarge(ValueError):
    """The body is over the limit once inflated."""


def _require(condition: bool, message: Text) -> None:
    if not condition:
        raise BadActionCall(message)


def _optional(value: Any, kind: type) -> bool:
    return value is None or isinstance(value, kind)


def _objects(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def check_latest_message(message: Dict[Text, Any]) -> None:
    text = message.get("text")
    _require(_optional(text, str), "tracker.latest_message.text must be a string")
    # Rasa sends the text NLU read (nlp/incoming_text.py): within the limit, encodable.
    _require(text is None or (len(text) <= MESSAGE_CHAR_LIMIT and not LONE_SURROGATE.search(text)),
             f"tracker.latest_message.text must be at most {MESSAGE_CHAR_LIMIT:,} characters, without lone surrogates")
    _require(_optional(message.get("intent"), dict), "tracker.latest_message.intent must be an object")
    entities = message.get("entities")
    _require(entities is None or (_objects(entities) and all(isinstance(e.get("entity"), str) for e in entities)),
             'tracker.latest_message.entities must be a list of objects with an "entity" name')


def check_tracker(tracker: Any) -> None:
    _require(isinstance(tracker, dict), "tracker must be an object")
    _require(isinstance(tracker.get("sender_id"), str), "tracker.sender_id must be a string")
    _require(_optional(tracker.get("slots"), dict), "tracker.slots must be an object")
    _require(_optional(tracker.get("latest_message"), dict), "tracker.latest_message must be an object")
    if tracker.get("latest_message"):
        check_latest_message(tracker["latest_message"])
    events = tracker.get("events")
    _require(events is None or (_objects(events) and all(isinstance(e.get("event"), str) for e in events)),
             'tracker.events must be a list of objects with an "event" name')
    _require(_optional(tracker.get("paused"), bool), "tracker.paused must be true or false")
    _require(_optional(tracker.get("followup_action"), str), "tracker.followup_action must be a string")
    _require(_optional(tracker.get("latest_action_name"), str), "tracker.latest_action_name must be a string")
    for key in ("active_loop", "active_form", "latest_action"):
        _require(_optional(tracker.get(key), dict), f"tracker.{key} must be an object")


# Slot values as each type in the domain holds them (rasa.shared.core.slots). The answers'
# lists hold names (symptom areas, summary topics), so a list must hold strings.
SLOT_TYPE_CHECKS = {
    "text": lambda value: isinstance(value, str),
    "bool": lambda value: isinstance(value, bool),
    "float": lambda value: isinstance(value, (int, float)) and not isinstance(value, bool),
    "list": lambda value: isinstance(value, list) and all(isinstance(item, str) for item in value),
}


def check_slot_values(slots: Dict[Text, Any], domain_slots: Dict[Text, Any]) -> None:
    """Each value fits its slot in the domain: a categorical slot holds one of its values
    (what validate_candidacy_form stores, and all that the summary can word)."""
    for name, value in slots.items():
        # Python's JSON reads 1e999 as infinity (and Rasa may write it): no answer is one.
        _require(not isinstance(value, float) or math.isfinite(value), f"tracker.slots.{name} must be a finite number")
        definition = domain_slots.get(name)
        if value is None or not isinstance(definition, dict):
            continue
        values = definition.get("values")
        if definition.get("type") == "categorical" and isinstance(values, list):
            _require(isinstance(value, str) and value.lower() in values,
                     f"tracker.slots.{name} must be one of the values the domain gives it")
        check = SLOT_TYPE_CHECKS.get(definition.get("type"))
        _require(check is None or check(value), f"tracker.slots.{name} must fit its type in the domain")


def check_domain(domain: Any) -> None:
    _require(isinstance(domain, dict), "domain must be an object")
    for key in ("slots", "forms", "responses"):
        section = domain.get(key)
        _require(_optional(section, dict), f"domain.{key} must be an object")
    for form in (domain.get("forms") or {}).values():
        _require(_optional(form, dict) and _optional((form or {}).get("required_slots"), list),
                 "domain.forms must hold objects with a list of required_slots")


def check_action_call(call: Any) -> None:
    """Raises BadActionCall unless the call has the shape Rasa's RemoteAction sends."""
    _require(isinstance(call, dict), "the body must be a JSON object")
    _require(isinstance(call.get("next_action"), str) and bool(call["next_action"]),
             "next_action must be the name of an action")
    _require(_optional(call.get("version"), str), "version must be a string")
    _require(_optional(call.get("sender_id"), str), "sender_id must be a string")
    check_tracker(call.get("tracker"))
    if call.get("domain") is not None:
        check_domain(call["domain"])
        check_slot_values(call["tracker"].get("slots") or {}, call["domain"].get("slots") or {})


def token_matches(given: Optional[Text], expected: Text) -> bool:
    """In constant time (hmac.compare_digest), so that timing tells nothing of the token.
    Header values can hold surrogates (Sanic decodes them with surrogateescape)."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))


def inflate(body: bytes, limit: int = BODY_LIMIT_BYTES) -> bytes:
    """zlib.decompress as rasa-sdk calls it, but never more than limit + 1 bytes out."""
    inflater = zlib.decompressobj()
    try:
        plain = inflater.decompress(body, limit + 1)
    except zlib.error:
        raise BadActionCall("the body is not deflate-compressed") from None
    if len(plain) > limit:
        raise BodyTooLarge(f"the body must be at most {limit:,} bytes once inflated")
    if not inflater.eof:
        raise BadActionCall("the body is not deflate-compressed (it is cut short)")
    return plain


def plain_body(request: Request) -> bytes:
    """The body as it was before compression (Rasa deflates it when
    COMPRESS_ACTION_SERVER_REQUEST is true)."""
    if request.headers.get(CONTENT_ENCODING) == "deflate":
        return inflate(request.body)
    return request.body


def parse_call(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise BadActionCall("the body must be JSON") from None


def accept_call(request: Request) -> None:
    """Checks a call to POST /webhook: 400 (InvalidUsage) when it is not shaped as Rasa
    sends it, 413 (PayloadTooLarge) when it is over the limit once inflated."""
    try:
        body = plain_body(request)
        call = parse_call(body)
        check_action_call(call)
    except BodyTooLarge as error:
        raise PayloadTooLarge(str(error)) from None
    except BadActionCall as error:
        raise InvalidUsage(str(error)) from None
    # From here the call is as if sent uncompressed: rasa-sdk's webhook would otherwise
    # inflate the body again, unbounded; it reads request.json, so no second parse either.
    request.body, request.parsed_json = body, call
    request.headers.popall(CONTENT_ENCODING, None)


def gate(token: Text) -> Callable:
    """A handler of Sanic's http.routing.after signal: after routing, before the body is
    read and before the route's handler. Not request middleware: Sanic 21.12 runs that
    again for every error response, a refused call's included, on a body maybe not read."""

    async def before_handler(request: Request, **_: Any) -> None:
        if request.path in OPEN_PATHS:
            return
        # First, so that a call without the token costs no more than its headers.
        if not token_matches(request.headers.get(TOKEN_HEADER), token):
            logger.warning("Refused a call to %s without the right %s header", request.path, TOKEN_HEADER)
            raise Unauthorized(f"the {TOKEN_HEADER} header must hold the action server's token")
        if request.method == "POST" and request.path == WEBHOOK_PATH:
            await request.receive_body()  # what Sanic would do next; 413 past REQUEST_MAX_SIZE
            accept_call(request)

    return before_handler


async def answer_error(request: Request, exception: Exception) -> HTTPResponse:
    """Replaces rasa-sdk's handler of every exception: nothing of the request goes back."""
    if isinstance(exception, SanicException) and 400 <= exception.status_code < 500:
        return response.json({"error": str(exception)}, status=exception.status_code)
    call = getattr(request, "parsed_json", None)
    action = call.get("next_action") if isinstance(call, dict) else None
    logger.error("The action %s failed: %s", action, type(exception).__name__)
    logger.debug("Details", exc_info=exception)
    return response.json({"error": ACTION_FAILED}, status=500)


def install(app: Sanic, token: Text) -> None:
    # Sanic answers 413 to a longer body before reading it (a longer Content-Length) or as
    # soon as it is over (chunked).
    app.config.REQUEST_MAX_SIZE = BODY_LIMIT_BYTES
    app.signal("http.routing.after")(gate(token))
    app.error_handler.add(Exception, answer_error)
