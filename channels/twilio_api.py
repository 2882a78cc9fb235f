"""Sends text messages through Twilio's REST API without blocking the event loop.

Twilio's protocol: POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json, form
fields To, From and Body, HTTP basic auth with the account SID and auth token; 201
with the message resource on success, a JSON error (code, message, status) otherwise.
Temporary failures (connection errors, timeouts, 429, 5xx) are retried with backoff;
anything else is final. Nothing about the person (number, text) is logged.
"""
import asyncio
import logging
from typing import Optional

import aiohttp

logger = logging.getLogger(__name__)

DEFAULT_API_BASE_URL = "https://api.twilio.com"
ATTEMPTS = 4
FIRST_BACKOFF_S = 0.5
MAX_BACKOFF_S = 8.0
REQUEST_TIMEOUT_S = 15


class TwilioSendError(Exception):
    """A message Twilio did not accept; `code` is Twilio's error code when it sent one."""

    def __init__(self, status: Optional[int], code: Optional[int] = None):
        super().__init__(f"Twilio did not accept the message (HTTP {status}, Twilio error {code})")
        self.status = status
        self.code = code


def is_temporary(status: int) -> bool:
    return status == 429 or status >= 500


def backoff_s(attempt: int, retry_after: Optional[str]) -> float:
    if retry_after and retry_after.isdigit():
        return min(float(retry_after), MAX_BACKOFF_S)
    return min(FIRST_BACKOFF_S * 2 ** attempt, MAX_BACKOFF_S)


class TwilioApi:
    def __init__(self, account_sid: str, auth_token: str, base_url: str = DEFAULT_API_BASE_URL):
        self.url = f"{base_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.auth = aiohttp.BasicAuth(account_sid, auth_token)
        self._session: Optional[aiohttp.ClientSession] = None

    def session(self) -> aiohttp.ClientSession:
        # Made on first use, inside the server's event loop.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                auth=self.auth, timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def send(self, to: str, from_: str, body: str) -> str:
        """Sends one message and returns its SID, or raises TwilioSendError."""
        status, code = None, None
        for attempt in range(ATTEMPTS):
            retry_after = None
            try:
                async with self.session().post(self.url, data={"To": to, "From": from_, "Body": body}) as response:
                    status = response.status
                    if status in (200, 201):
                        return (await response.json(content_type=None))["sid"]
                    code = await error_code(response)
                    if not is_temporary(status):
                        raise TwilioSendError(status, code)
                    retry_after = response.headers.get("Retry-After")
            except (aiohttp.ClientConnectionError, asyncio.TimeoutError) as error:
                status, code = None, None
                logger.warning("Twilio API unreachable (%s), attempt %d of %d", type(error).__name__, attempt + 1, ATTEMPTS)
            else:
                logger.warning("Twilio API answered %s (error %s), attempt %d of %d", status, code, attempt + 1, ATTEMPTS)
            if attempt + 1 < ATTEMPTS:
                await asyncio.sleep(backoff_s(attempt, retry_after))
        raise TwilioSendError(status, code)


async def error_code(response: aiohttp.ClientResponse) -> Optional[int]:
    try:
        return (await response.json(content_type=None)).get("code")
    except (ValueError, aiohttp.ContentTypeError, AttributeError):
        return None
