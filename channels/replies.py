"""Responses from domain.yml that a channel says itself, outside the conversation's turns:
that a long message was cut (nlp/incoming_text.py) and that handling a message failed."""
from typing import Any, Text

from rasa.core.channels.channel import OutputChannel
from rasa.shared.core.trackers import DialogueStateTracker

MESSAGE_CUT = "utter_message_cut"
SOMETHING_WENT_WRONG = "utter_something_went_wrong"


async def say(agent: Any, response_name: Text, output_channel: OutputChannel, recipient_id: Text) -> None:
    """Sends the response, in the variation for this channel, as Rasa's own responses are."""
    tracker = DialogueStateTracker.from_events(recipient_id, [])
    message = await agent.processor.nlg.generate(response_name, tracker, output_channel.name())
    if message:
        await output_channel.send_response(recipient_id, message)
