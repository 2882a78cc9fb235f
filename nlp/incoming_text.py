"""Incoming messages, made readable and cut to MESSAGE_CHAR_LIMIT (after a whole sentence
where one ends in its second half) before anything reads them.
Plain functions, no Rasa: the action server checks against the same limit.

NLU cost grows faster than the length of a message: 2,000 characters take about 0.1 s,
8,000 about 0.6 s, and 100 kB made DIET run out of memory after a minute and a half
(the turn was lost). 2,000 characters is far more than any answer here needs.

`prepare(text)` is used twice, with the same result:
- where a message arrives (channels/rest.py, channels/socketio.py, channels/messaging.py,
  channels/request_checks.py for the HTTP API), so the conversation stores, and the
  actions read, exactly what NLU read, and the channel can tell the person it was cut;
- by `CleanAndCutText` (nlp/incoming_text_nlu.py), first in config.yml's pipeline, for
  any other way in (rasa shell, rasa test): NLU never reads more than the limit, whatever
  sent the message.

Readable: a lone surrogate (JSON can carry one; UTF-8, spaCy and the tracker store cannot)
becomes U+FFFD, and control characters other than tab and line breaks are dropped (none
means anything in a message, and NUL is refused by PostgreSQL). Emoji, right-to-left text
and its direction marks are kept as they are.

`unusable_payload(text, retrieval_intents)` says whether a typed payload is one Rasa
cannot use: "/glossary" names a retrieval intent without the answer to give (Rasa's
action for it failed and the person got no reply), and entities nested hundreds deep
exhaust Python's JSON parser. `UnusablePayloadFallback` reads those as not understood.
"""
import re
import unicodedata
from typing import List, Text, Tuple

MESSAGE_CHAR_LIMIT = 2000
# What prepare() looks at, at most: room for the limit after dropping many control characters.
RAW_SCAN_CHARS = MESSAGE_CHAR_LIMIT * 8

LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_KEPT_CONTROLS = {"\t", "\n", "\r"}
# As Rasa reads a payload (YAMLStoryReader._regex_message_pattern): /intent@confidence{entities}
_PAYLOAD = re.compile(r"^/(?P<intent>[^{@]+)(?:@[0-9.]+)?(?P<entities>{.+})?")
PAYLOAD_MAX_DEPTH = 20


def readable(text: Text) -> Text:
    text = LONE_SURROGATE.sub("\ufffd", text)
    return "".join(c for c in text if c in _KEPT_CONTROLS or unicodedata.category(c) != "Cc")


def prepare(text: Text) -> Tuple[Text, bool]:
    """The text as it will be read, and whether it was cut. Surrounding white space is
    dropped first (Rasa strips it anyway), so it never counts against the limit. Only the
    first RAW_SCAN_CHARS are cleaned: cleaning goes character by character in Python, and
    a 50 MB message once stalled every other turn for 5 s while it was cleaned whole."""
    text = text.strip()
    head = text[:RAW_SCAN_CHARS]
    cleaned = readable(head).strip()
    if len(cleaned) > MESSAGE_CHAR_LIMIT:
        return _cut(cleaned), True
    return cleaned, len(head) < len(text)


# Where a cut may fall, best first: after a sentence, then between words. A cut mid-sentence
# leaves a fragment ("... I am not sure. I am") that reads as an answer of its own.
_SENTENCE_END = re.compile(r"[.!?\n]")
_WORD_GAP = re.compile(r"\s")


def _cut(text: Text) -> Text:
    """The first MESSAGE_CHAR_LIMIT characters, shortened to the last sentence end or word
    gap when that keeps at least half of them."""
    head = text[:MESSAGE_CHAR_LIMIT]
    for boundary in (_SENTENCE_END, _WORD_GAP):
        # a boundary right after the limit counts: the head then ends a sentence or word
        ends = [m.end() for m in boundary.finditer(text[: MESSAGE_CHAR_LIMIT + 1])]
        end = min(ends[-1], MESSAGE_CHAR_LIMIT) if ends else 0
        if end >= MESSAGE_CHAR_LIMIT // 2:
            return head[:end].rstrip()
    return head.rstrip()


def nesting_depth(text: Text) -> int:
    """The deepest nesting of brackets outside JSON strings; a scan, not a parse."""
    deepest = depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def unusable_payload(text: Text, retrieval_intents: List[Text]) -> bool:
    match = _PAYLOAD.match(text.strip())
    if not match:
        return False
    return match.group("intent").strip() in retrieval_intents or (
        nesting_depth(match.group("entities") or "") > PAYLOAD_MAX_DEPTH
    )
