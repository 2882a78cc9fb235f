"""A pass-through proxy between the Rasa instances and the action server, for the tests.

Rasa calls the action server in the middle of a turn, after it has taken the
conversation's lock and read the conversation. The gate can hold those calls for one
conversation: a turn is then stopped half-way, for as long as a test needs, so what a
second instance does meanwhile can be seen without relying on timing.
"""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List

import requests

HOLD_LIMIT_S = 120  # a held call goes on by itself after this, so a failed test never hangs
FORWARDED_HEADERS = ("X-Action-Token",)  # Rasa's token (endpoints.scaled.yml): the action server needs it


class ActionGate:
    def __init__(self, action_server_url: str):
        self.action_server_url = action_server_url.rstrip("/")
        self._held: Dict[str, threading.Event] = {}
        self._arrived: Dict[str, List[str]] = {}
        self._changed = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "ActionGate":
        threading.Thread(target=self._server.serve_forever, daemon=True, name="action-gate").start()
        return self

    def stop(self) -> None:
        for opened in list(self._held.values()):
            opened.set()
        self._server.shutdown()
        self._server.server_close()

    def hold(self, sender: str) -> None:
        """From now on, calls for this conversation wait until release()."""
        with self._changed:
            self._held[sender] = threading.Event()
            self._arrived[sender] = []

    def release(self, sender: str) -> None:
        with self._changed:
            self._held.pop(sender).set()

    def arrived(self, sender: str) -> List[str]:
        """The user messages (the tracker's latest message) of the calls held so far."""
        with self._changed:
            return list(self._arrived.get(sender, []))

    def wait_for(self, condition, what: str, timeout_s: float = HOLD_LIMIT_S) -> None:
        """Waits until condition() is true; it is checked whenever a call arrives, and every 50 ms."""
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while not condition():
                if time.monotonic() > deadline:
                    raise AssertionError(f"waited {timeout_s} s for {what}")
                self._changed.wait(0.05)

    def _arrive(self, body: bytes):
        try:
            call = json.loads(body)
            sender = call["sender_id"]
            text = call["tracker"]["latest_message"].get("text")
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        with self._changed:
            opened = self._held.get(sender)
            if opened is not None:
                self._arrived[sender].append(text)
                self._changed.notify_all()
            return opened

    def _handler(self):
        gate = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self, method: str):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                opened = gate._arrive(body) if method == "POST" else None
                if opened is not None:
                    opened.wait(HOLD_LIMIT_S)
                try:
                    answer = requests.request(
                        method, gate.action_server_url + self.path, data=body or None,
                        headers={"Content-Type": self.headers.get("Content-Type", "application/json"),
                                 **{h: self.headers[h] for h in FORWARDED_HEADERS if h in self.headers}},
                        timeout=HOLD_LIMIT_S,
                    )
                    status, content, kind = answer.status_code, answer.content, answer.headers.get("Content-Type", "")
                except requests.RequestException as error:
                    status, content, kind = 502, str(error).encode(), "text/plain"
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def do_POST(self):
                self._forward("POST")

            def do_GET(self):
                self._forward("GET")

            def log_message(self, *args):
                pass  # the calls carry patient text: nothing is printed

        return Handler
