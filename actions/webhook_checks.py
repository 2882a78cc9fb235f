"""What the action server answers to calls it cannot use, and when an action fails.
scripts/action_server.py adds these to rasa-sdk's server (no action lives here).

rasa-sdk 3.6 answered a body that was not a JSON object, a missing tracker or a wrongly
typed field with 500, and its 500 handler put the whole request body in the response:
the conversation, the person's answers included. It also turned every error, a 404 or a
405 too, into a 500. Here:
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
import json
import logging
import math
import zlib
from typing import Any, Dict, Optional, Text

from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from nlp.incoming_text import LONE_SURROGATE, MESSAGE_CHAR_LIMIT

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhook"
ACTION_FAILED = "The action could not be run."


class BadActionCall(ValueError):
    """The call is not shaped as Rasa sends it; the message says which part."""


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


def read_body(request: Request) -> Any:
    body = request.body
    if request.headers.get("Content-Encoding") == "deflate":
        try:
            body = zlib.decompress(body)
        except zlib.error:
            raise BadActionCall("the body is not deflate-compressed") from None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise BadActionCall("the body must be JSON") from None


async def check_request(request: Request) -> Optional[HTTPResponse]:
    """Request middleware: a bad call to POST /webhook is answered here, with 400."""
    if request.method != "POST" or request.path != WEBHOOK_PATH:
        return None
    try:
        call = read_body(request)
        check_action_call(call)
    except BadActionCall as error:
        return response.json({"error": str(error)}, status=400)
    if request.headers.get("Content-Encoding") != "deflate":
        request.parsed_json = call  # rasa-sdk reads request.json: no second parse
    return None


async def answer_error(request: Request, exception: Exception) -> HTTPResponse:
    """Replaces rasa-sdk's handler of every exception: nothing of the request goes back."""
    if isinstance(exception, SanicException) and 400 <= exception.status_code < 500:
        return response.json({"error": str(exception)}, status=exception.status_code)
    call = getattr(request, "parsed_json", None)
    action = call.get("next_action") if isinstance(call, dict) else None
    logger.error("The action %s failed: %s", action, type(exception).__name__)
    logger.debug("Details", exc_info=exception)
    return response.json({"error": ACTION_FAILED}, status=500)


def install(app: Sanic) -> None:
    app.register_middleware(check_request, "request")
    app.error_handler.add(Exception, answer_error)
