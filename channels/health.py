"""A health check for load balancers and monitoring: GET /webhooks/health/ (credentials.yml).

200 when the model is loaded and the tracker store and the action server answer; 503
naming what does not. No token is needed: it says nothing about any conversation.
Rasa's own /status needs the API token and does not look at the stores.
"""
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.tracker_store import InMemoryTrackerStore
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

PROBE_SENDER_ID = "health-check-probe"
CHECK_TIMEOUT_S = 3
OK = "ok"


def action_server_health_url(webhook_url: Text) -> Text:
    parts = urlsplit(webhook_url)
    return urlunsplit((parts.scheme, parts.netloc, "/health", "", ""))


async def check_tracker_store(agent: Any) -> Text:
    store = agent.tracker_store
    inner = getattr(store, "wrapped", store)
    if isinstance(inner, InMemoryTrackerStore):
        return "conversations are kept only in memory: check tracker_store in endpoints.yml"
    try:
        await store.retrieve(PROBE_SENDER_ID)
    except Exception as error:
        return f"unreachable ({type(error).__name__})"
    return OK


async def check_action_server(agent: Any) -> Text:
    endpoint = getattr(agent, "action_endpoint", None)
    if endpoint is None or not endpoint.url:
        return "not configured"
    try:
        timeout = aiohttp.ClientTimeout(total=CHECK_TIMEOUT_S)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(action_server_health_url(endpoint.url)) as answer:
                return OK if answer.status == 200 else f"answered {answer.status}"
    except Exception as error:
        return f"unreachable ({type(error).__name__})"


class HealthInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "health"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        health = Blueprint("health", __name__)

        @health.route("/", methods=["GET"])
        async def report(request: Request) -> HTTPResponse:
            agent = request.app.ctx.agent
            if agent is None or not agent.is_ready():
                checks = {"model": "not loaded"}
            else:
                checks = {
                    "model": OK,
                    "tracker_store": await check_tracker_store(agent),
                    "action_server": await check_action_server(agent),
                }
            healthy = all(value == OK for value in checks.values())
            if not healthy:
                logger.warning("Health check failed: %s", checks)
            return response.json({"status": "ok" if healthy else "unavailable", "checks": checks},
                                 status=200 if healthy else 503)

        return health
