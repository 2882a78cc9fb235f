"""A fake Twilio REST API on 127.0.0.1, speaking Twilio's real protocol, for the tests.

POST /2010-04-01/Accounts/{AccountSid}/Messages.json with form fields To, From, Body and
HTTP basic auth (account SID, auth token). It answers as Twilio does: 201 and the message
resource; 401 with error 20003 for wrong credentials; 400 with 21604/21602/21617 for a
missing To, a missing Body or a body over 1,600 characters; and, when told to, 503 or 429
for the next requests, so retries can be tested. Accepted messages are kept in order.
"""
import asyncio
import base64
import secrets
import threading
import time
from dataclasses import dataclass
from typing import List, Optional

from aiohttp import web

MAX_BODY = 1600

# The test account. Rasa checks signatures against this public URL, as behind a reverse proxy.
TWILIO_ACCOUNT_SID = "AC" + secrets.token_hex(16)
TWILIO_AUTH_TOKEN = secrets.token_hex(16)
TWILIO_NUMBER = "+15005550006"
TWILIO_WEBHOOK_URL = "https://assistant.example.org/webhooks/twilio/webhook"


@dataclass
class SentMessage:
    sid: str
    to: str
    from_: str
    body: str


def twilio_error(status: int, code: int, message: str) -> web.Response:
    return web.json_response(
        {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status},
        status=status,
    )


class FakeTwilio:
    def __init__(self, account_sid: str, auth_token: str):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.messages: List[SentMessage] = []
        self.requests = 0
        self._failures: List[int] = []
        self._lock = threading.Lock()
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._runner: Optional[web.AppRunner] = None
        self.port: Optional[int] = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail_next(self, count: int, status: int = 503) -> None:
        with self._lock:
            self._failures = [status] * count

    def to(self, number: str) -> List[SentMessage]:
        with self._lock:
            return [m for m in self.messages if m.to == number]

    def all(self) -> List[SentMessage]:
        with self._lock:
            return list(self.messages)

    def authorised(self, request: web.Request) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return request.headers.get("Authorization") == f"Basic {expected}"

    async def create_message(self, request: web.Request) -> web.Response:
        with self._lock:
            self.requests += 1
            failure = self._failures.pop(0) if self._failures else None
        if request.match_info["sid"] != self.account_sid or not self.authorised(request):
            return twilio_error(401, 20003, "Authenticate")
        if failure:
            return twilio_error(failure, 20429 if failure == 429 else 20500,
                                "Too Many Requests" if failure == 429 else "Internal Server Error")
        form = await request.post()
        to, from_, body = form.get("To"), form.get("From"), form.get("Body")
        if not to:
            return twilio_error(400, 21604, "A 'To' phone number is required.")
        if not body:
            return twilio_error(400, 21602, "Message body is required.")
        if len(body.encode("utf-16-le")) // 2 > MAX_BODY:
            return twilio_error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
        sid = "SM" + secrets.token_hex(16)
        with self._lock:
            self.messages.append(SentMessage(sid, to, from_, body))
        return web.json_response({
            "sid": sid, "account_sid": self.account_sid, "to": to, "from": from_, "body": body,
            "status": "queued", "direction": "outbound-api", "api_version": "2010-04-01",
            "num_segments": "1", "num_media": "0", "error_code": None, "error_message": None,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }, status=201)

    def start(self) -> "FakeTwilio":
        started = threading.Event()

        def serve():
            self._loop = asyncio.new_event_loop()
            app = web.Application()
            app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self.create_message)
            self._runner = web.AppRunner(app, access_log=None)
            self._loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            self._loop.run_until_complete(site.start())
            self.port = site._server.sockets[0].getsockname()[1]
            started.set()
            self._loop.run_forever()

        threading.Thread(target=serve, daemon=True, name="fake-twilio").start()
        if not started.wait(10):
            raise RuntimeError("the fake Twilio API did not start")
        return self

    def stop(self) -> None:
        if self._loop:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)

    def wait_for(self, number: str, count: int, timeout: float = 30) -> List[SentMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(number)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        return self.to(number)
