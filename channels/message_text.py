"""Text messages (SMS and WhatsApp) from the assistant's replies, and replies back to answers.

Pure functions, no I/O: the channel (channels/messaging.py) uses them, and the unit
tests call them directly. The words come from content/messaging.yml.
"""
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MESSAGING_CONTENT_PATH = PROJECT_ROOT / "content" / "messaging.yml"

# Twilio refuses a body over 1,600 characters, counted in UTF-16 code units
# (an emoji counts twice).
MAX_MESSAGE_LENGTH = 1600

# Carrier keywords for SMS (CTIA): a message that is only one of these words.
STOP_WORDS = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit"})
# Only while messages are stopped: otherwise "start" and "yes" are replies to the assistant.
START_WORDS = frozenset({"start", "unstop", "yes"})
HELP_WORDS = frozenset({"help", "info"})

STOP, START, HELP = "stop", "start", "help"

SENTENCE_END = re.compile(r"(?<=[.!?:])\s+")
NUMBER_LIST = re.compile(r"^\d+(?:\s*(?:,|&|\band\b|\s)\s*\d+)*$", re.IGNORECASE)
NUMBER = re.compile(r"\d+")


@lru_cache(maxsize=None)
def load_content(path: Path = MESSAGING_CONTENT_PATH) -> Dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def message_length(text: str) -> int:
    """Length as Twilio counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def normalised(text: str) -> str:
    text = text.replace("\u2019", "'").lower()
    return " ".join(re.sub(r"[^\w' ]+", " ", text).split())


# --- what the person sent ----------------------------------------------------------------------


def keyword(text: Optional[str], messages_stopped: bool) -> Optional[str]:
    """STOP, START or HELP when the whole message is one of the carrier keywords."""
    word = normalised(text or "")
    if word in STOP_WORDS:
        return STOP
    if messages_stopped and word in START_WORDS:
        return START
    if word in HELP_WORDS:
        return HELP
    return None


def chosen_reply(text: str, buttons: Sequence[Dict[str, Any]]) -> str:
    """What to hand to the assistant for a reply to numbered choices.

    "2" or the words of a choice ("not sure") become that choice's payload, exactly
    as a tapped button in the web chat. Several numbers ("2 and 4", for a question
    that takes more than one answer) become the choices' words, which the assistant
    reads like any other reply. Anything else is passed on unchanged.
    """
    if not buttons:
        return text
    reply = text.strip().rstrip(".!")
    if NUMBER_LIST.match(reply):
        numbers = [int(n) for n in NUMBER.findall(reply)]
        if all(1 <= n <= len(buttons) for n in numbers):
            chosen = [buttons[n - 1] for n in dict.fromkeys(numbers)]
            if len(chosen) == 1:
                return chosen[0]["payload"]
            return ", ".join(b["title"] for b in chosen[:-1]) + " and " + chosen[-1]["title"]
        return text
    for button in buttons:
        if normalised(button.get("title", "")) == normalised(reply):
            return button["payload"]
    return text


# --- what the assistant sends --------------------------------------------------------------------


def choices_text(buttons: Sequence[Dict[str, Any]], content: Dict[str, Any]) -> str:
    words = content["choices"]
    titles = [b["title"] for b in buttons]
    # A comma inside a choice ("Yes, small") would blur a list on one line.
    if all(len(t.split()) <= words["short_choice_words"] and "," not in t for t in titles):
        items = [words["short_item"].format(number=n, title=t) for n, t in enumerate(titles, 1)]
        listed = items[0] if len(items) == 1 else (
            words["separator"].join(items[:-1]) + words["last_separator"] + items[-1]
        )
        return words["short_line"].format(choices=listed)
    lines = [words["long_item"].format(number=n, title=t) for n, t in enumerate(titles, 1)]
    return "\n".join([words["long_intro"], *lines])


def turn_texts(messages: Sequence[Dict[str, Any]], content: Dict[str, Any]) -> List[str]:
    """The texts of one turn of the assistant, with the choices of its last question numbered.

    Only the latest question's choices are offered (as in the web chat, where older
    ones are disabled), so a number always means a choice of the open question.
    Custom messages (the web chat's summary card) and images have no text form.
    """
    with_choices = max((i for i, m in enumerate(messages) if m.get("buttons")), default=None)
    texts = []
    for index, message in enumerate(messages):
        parts = [message["text"].strip()] if (message.get("text") or "").strip() else []
        if index == with_choices:
            parts.append(choices_text(message["buttons"], content))
        if parts:
            texts.append("\n".join(parts))
    return texts


def pieces_of(text: str, budget: int) -> List[str]:
    """A text cut at sentence ends (then at spaces, then anywhere) into pieces within budget."""
    if message_length(text) <= budget:
        return [text]
    pieces: List[str] = []
    for sentence in SENTENCE_END.split(text):
        if message_length(sentence) <= budget:
            pieces.append(sentence)
        elif " " in sentence.strip():
            pieces.extend(pieces_of_words(sentence, budget))
        else:
            pieces.extend(cut(sentence, budget))
    return pieces


def pieces_of_words(text: str, budget: int) -> List[str]:
    pieces: List[str] = []
    for word in text.split():
        for chunk in cut(word, budget):
            if pieces and message_length(pieces[-1]) + 1 + message_length(chunk) <= budget:
                pieces[-1] += " " + chunk
            else:
                pieces.append(chunk)
    return pieces


def cut(text: str, budget: int) -> List[str]:
    chunks, current = [], ""
    for character in text:
        if message_length(current + character) > budget:
            chunks.append(current)
            current = ""
        current += character
    return [*chunks, current] if current else chunks


def message_parts(texts: Sequence[str], content: Dict[str, Any], limit: int = MAX_MESSAGE_LENGTH) -> List[str]:
    """One turn's texts as few messages as possible, each within the limit, in order.

    Texts are joined with a blank line while they fit; a text too long for one message
    is cut at sentence ends. When there is more than one part, each starts with its
    label ("(1 of 3)") so the person can put them in order if the network does not.
    """
    label = content["part_label"]
    budget = limit - message_length(label.format(part=999, total=999)) - 1
    parts: List[str] = []
    for text in texts:
        for position, piece in enumerate(pieces_of(text, budget)):
            joiner = "\n\n" if position == 0 else " "
            if parts and message_length(parts[-1] + joiner + piece) <= budget:
                parts[-1] += joiner + piece
            else:
                parts.append(piece)
    if len(parts) > 1:
        parts = [f"{label.format(part=n, total=len(parts))} {p}" for n, p in enumerate(parts, 1)]
    return parts
