"""Checks on requests to Rasa's HTTP API, before Rasa's own handlers read them.

Not a channel, but listed in credentials.yml like one: that is how project code gets into
the Rasa server that `rasa run` builds. Its blueprint has no routes; when the server
starts it adds one request middleware to the whole app.

Rasa 3.6 answers many malformed API requests with 500 (a body that is not a JSON object, a
`text` that is not a string, an unknown action, parse data without an intent, entities
that are not objects...), and its NLU failed on lone surrogates and ran out of memory on
a 100 kB text. Here those requests get 400 (404 for an unknown action or intent) in Rasa's
own error format, before anything runs; the text given to /model/parse and to
/conversations/<id>/messages is made readable and cut to the limit
(nlp/incoming_text.py), as the channels do; and a conversation id must be a usable one
(channels/incoming.py). The checks run before Rasa looks at the token, so a request
without one may get 400 before its 401; they say nothing about any conversation.

For the whole server, channels included:
- a browser request from a site outside WEB_ORIGINS (its Origin header) gets 403 before
  anything reads it: socket.io polling and WebSocket upgrades, the REST channel (a
  `text/plain` POST needs no CORS preflight, so CORS alone would not stop it), the API;
- request bodies: the channels (/webhooks/, /socket.io/) read at most
  CHANNEL_BODY_LIMIT_BYTES, the HTTP API at most API_BODY_LIMIT_BYTES; a larger body gets
  413 as soon as its length is known, before it is read (Sanic stops reading a chunked
  body at the limit), so one huge request cannot stall other people's turns.
"""
import os
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, FrozenSet, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.server import ErrorResponse
from rasa.shared.core.events import Event
from sanic import Blueprint
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse, json as json_response

from channels import incoming

# A message is at most 2,000 characters (nlp/incoming_text.py), 8 kB as escaped JSON;
# a socket.io or Twilio request carries a few hundred bytes more.
CHANNEL_BODY_LIMIT_BYTES = 64 * 1024
CHANNEL_PATH_PREFIXES = ("/webhooks/", "/socket.io/")
# The largest API body this project sends is a whole tracker (PUT .../tracker/events).
API_BODY_LIMIT_BYTES = 4 * 1024 * 1024
ORIGINS_VARIABLE = "WEB_ORIGINS"


def body_object(request: Request) -> Dict[Text, Any]:
    try:
        body = request.json
    except SanicException:
        raise incoming.BadInput("the body must be JSON") from None
    return incoming.json_object(body)


def entity_list(value: Any, field: Text) -> None:
    """Rasa takes entities as a list of {"entity": name, "value": ...} or as {name: value}."""
    if value is None or isinstance(value, dict):
        return
    if not isinstance(value, list) or not all(
        isinstance(e, dict) and isinstance(e.get("entity"), str) for e in value
    ):
        raise incoming.BadInput(f'{field} must be a list of objects with an "entity" name, or an object')


def check_new_message(request: Request, agent: Any) -> None:
    """POST /conversations/<id>/messages: {"text": ..., "sender": "user", "parse_data": {...}}."""
    body = body_object(request)
    body["text"], _ = incoming.message_text(body.get("text"), "text")
    parse_data = body.get("parse_data")
    if parse_data is not None:
        parse_data = incoming.json_object(parse_data, "parse_data")
        intent = parse_data.get("intent")
        if not isinstance(intent, dict) or not isinstance(intent.get("name"), str):
            raise incoming.BadInput('parse_data must have an "intent" object with a "name" string')
        entity_list(parse_data.get("entities", []), "parse_data entities")
        parse_data.setdefault("entities", [])


def check_parse(request: Request, agent: Any) -> None:
    """POST /model/parse: {"text": ...}."""
    body = body_object(request)
    body["text"], _ = incoming.message_text(body.get("text"), "text")


def check_trigger_intent(request: Request, agent: Any) -> None:
    """POST /conversations/<id>/trigger_intent: {"name": intent, "entities": ...}."""
    body = body_object(request)
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise incoming.BadInput("name must be the name of an intent")
    entity_list(body.get("entities"), "entities")
    if name not in agent.domain.intents:
        raise ErrorResponse(HTTPStatus.NOT_FOUND, "NotFound", "There is no intent of that name in the domain.")


def check_execute(request: Request, agent: Any) -> None:
    """POST /conversations/<id>/execute: {"name": action, "policy": ..., "confidence": ...}."""
    body = body_object(request)
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise incoming.BadInput("name must be the name of an action")
    if name not in agent.domain.action_names_or_texts:
        raise ErrorResponse(HTTPStatus.NOT_FOUND, "NotFound", "There is no action of that name in the domain.")
    incoming.optional_string(body.get("policy"), "policy")
    confidence = body.get("confidence")
    if confidence is not None and (isinstance(confidence, bool) or not isinstance(confidence, (int, float))):
        raise incoming.BadInput("confidence must be a number")


def check_append_events(request: Request, agent: Any) -> None:
    """POST /conversations/<id>/tracker/events: an event or a list of events. Rasa turns the
    400 for a list with no usable event (`[]`) into a 500 inside its own try block."""
    try:
        body = request.json
    except SanicException:
        raise incoming.BadInput("the body must be JSON") from None
    items = body if isinstance(body, list) else [body]
    try:
        events = [Event.from_parameters(item) for item in items]
    except Exception:  # any event Rasa itself could not build
        raise incoming.BadInput("each event must be an object with a known \"event\" name") from None
    if not events or not all(events):
        raise incoming.BadInput("the body must hold at least one event, each with a known \"event\" name")


def check_load_model(request: Request, agent: Any) -> None:
    """PUT /model: {"model_file": path, "model_server": {...}, "remote_storage": name}."""
    body = body_object(request)
    incoming.optional_string(body.get("model_file"), "model_file")
    incoming.optional_string(body.get("remote_storage"), "remote_storage")
    if body.get("model_server") is not None:
        incoming.json_object(body["model_server"], "model_server")


# By the name of Rasa's handler (rasa/server.py), which the route is named after.
BODY_CHECKS: Dict[Text, Callable[[Request, Any], None]] = {
    "add_message": check_new_message,
    "parse": check_parse,
    "trigger_intent": check_trigger_intent,
    "execute_action": check_execute,
    "append_events": check_append_events,
    "load_model": check_load_model,
}


def handler_name(request: Request) -> Optional[Text]:
    route = getattr(request, "route", None)
    return route.name.rsplit(".", 1)[-1] if route is not None and route.name else None


def body_fully_read(request: Request) -> bool:
    """False while a body is still unread: Sanic also runs request middleware when it
    answers a body over the limit with 413, and the checks must not turn that into 400."""
    stream = getattr(request, "stream", None)
    return stream is None or not getattr(stream, "request_body", None)


async def check_request(request: Request) -> None:
    """Raises ErrorResponse (Rasa's error format) for a request Rasa could not handle."""
    if not body_fully_read(request):
        return
    name = handler_name(request)
    conversation = (request.match_info or {}).get("conversation_id")
    check = BODY_CHECKS.get(name)
    if conversation is None and check is None:
        return
    try:
        if conversation is not None:
            incoming.conversation_id(conversation, "the conversation id")
        agent = getattr(request.app.ctx, "agent", None)
        if check is not None and agent is not None and agent.domain is not None:
            check(request, agent)
    except incoming.BadInput as error:
        message = str(error)
        raise ErrorResponse(HTTPStatus.BAD_REQUEST, "BadRequest", f"{message[:1].upper()}{message[1:]}.") from None


def allowed_origins() -> FrozenSet[Text]:
    """WEB_ORIGINS: the sites whose pages may talk to this server, space-separated."""
    return frozenset(origin.rstrip("/").lower() for origin in os.environ.get(ORIGINS_VARIABLE, "").split())


def refuse_foreign_origin(allowed: FrozenSet[Text]) -> Callable[[Request], Awaitable[Optional[HTTPResponse]]]:
    async def check_origin(request: Request) -> Optional[HTTPResponse]:
        origin = request.headers.get("origin")
        if origin is not None and origin.rstrip("/").lower() not in allowed:
            return json_response({"error": "this site may not use the assistant (its origin is not allowed)"},
                                 status=403)
        return None

    return check_origin


async def limit_channel_bodies(request: Request, route: Any, kwargs: Any, handler: Any) -> None:
    """Runs after routing, before Sanic reads the body."""
    if request.stream is not None and request.path.startswith(CHANNEL_PATH_PREFIXES):
        request.stream.request_max_size = min(request.stream.request_max_size, CHANNEL_BODY_LIMIT_BYTES)


class ServerWideBlueprint(Blueprint):
    """Rasa registers a channel's blueprint on its Sanic app; this one also sets what must
    be set on the app itself, before the server starts."""

    def register(self, app: Any, options: Dict[Text, Any]) -> None:
        super().register(app, options)
        app.config.REQUEST_MAX_SIZE = API_BODY_LIMIT_BYTES
        app.signal("http.routing.after")(limit_channel_bodies)
        # First of all request middleware: nothing runs for a refused origin.
        app.register_middleware(refuse_foreign_origin(allowed_origins()), "request")


class RequestChecks(InputChannel):
    """Adds check_request to the Rasa server; receives no messages itself."""

    @classmethod
    def name(cls) -> Text:
        return "request_checks"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        checks = ServerWideBlueprint("request_checks", __name__)

        @checks.listener("before_server_start")
        async def add_checks(app: Any, _: Any) -> None:
            app.register_middleware(check_request, "request")

        return checks
