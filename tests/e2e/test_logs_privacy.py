"""No message text or phone number reaches the logs at the default level, whichever way
it comes in: REST, the web chat's socket.io channel, SMS through Twilio, Rasa's HTTP API."""
import queue
import secrets
import threading

import requests
import socketio

from fake_twilio import TWILIO_AUTH_TOKEN, TWILIO_WEBHOOK_URL
from test_sms_and_whatsapp import Phone, random_number, twilio_signature


def through_socketio(rasa_url: str, text: str) -> list:
    """One message as the web chat sends it; returns the replies."""
    replies, replied, sessions = [], threading.Event(), queue.Queue()
    client = socketio.Client(reconnection=False)
    client.on("session_confirm", sessions.put)

    @client.on("bot_uttered")
    def on_reply(data):
        replies.append(data)
        replied.set()

    client.connect(rasa_url, transports=["polling"], wait_timeout=30)
    try:
        client.emit("session_request", {})
        session_id = sessions.get(timeout=30)
        client.emit("user_uttered", {"message": text, "session_id": session_id})
        replied.wait(60)
    finally:
        client.disconnect()
    return replies


def test_a_marker_sent_through_every_channel_appears_in_no_log(servers):
    marker = f"quokka-{secrets.token_hex(6)}"
    number = random_number()

    assert servers.send(f"rest-{marker[-6:]}", f"hello, I am {marker}")

    assert through_socketio(servers.rasa_url, f"hello, I am {marker}"), "the web chat channel answered"

    phone = Phone(servers, number)
    assert phone.text(f"hello, I am {marker}")

    api = {"token": servers.token}
    conversation = f"api-{secrets.token_hex(4)}"
    assert requests.post(f"{servers.rasa_url}/conversations/{conversation}/messages", params=api,
                         json={"text": f"I am {marker}", "sender": "user"}, timeout=60).ok
    assert requests.post(f"{servers.rasa_url}/model/parse", params=api, json={"text": f"I am {marker}"}, timeout=60).ok
    # A forged SMS is refused: its text and number must not be logged either.
    fields = phone.fields(f"forged {marker}")
    assert phone.post(fields, twilio_signature(TWILIO_WEBHOOK_URL, fields, TWILIO_AUTH_TOKEN + "x")).status_code == 403

    logs = servers.logs()
    assert logs, "the servers wrote logs"
    assert marker not in logs
    assert number not in logs and number.lstrip("+") not in logs
