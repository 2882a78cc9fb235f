"""The closing summary: what the person told us and the topics to raise with the team.

All wording and every rule that picks a topic live in content/summary.yml; this
module only matches the answers against those rules and fills the placeholders.
"""
import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, NamedTuple, Sequence, Text

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import settings
from actions.answers import ANSWER_SLOTS

A_NUMBER = "a_number"
# Placeholders the content may use: answer ones in told_me, topics, specialists and
# balance lines; the review date only in text.reviewed_line.
ANSWER_PLACEHOLDERS = ("areas", "years")
REVIEW_PLACEHOLDER = "reviewed_on"
# The web chat's channel: it also gets the summary as sections, to show as a card.
WEB_CHANNEL = "socketio"


class Section(NamedTuple):
    heading: Text
    lines: List[Text]


class Summary(NamedTuple):
    sections: List[Section]
    topic_ids: List[Text]


@lru_cache(maxsize=4)
def load_content(path: Path = settings.SUMMARY_CONTENT_PATH) -> Dict[Text, Any]:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def value_matches(answer: Any, wanted: Sequence[Text]) -> bool:
    """An answer matches when it (or, for a list, any element of it) is wanted."""
    if answer is None:
        return False
    if isinstance(answer, list):
        return any(item in wanted for item in answer)
    if A_NUMBER in wanted and isinstance(answer, (int, float)) and not isinstance(answer, bool):
        return True
    return str(answer) in wanted


def applies(item: Mapping[Text, Any], answers: Mapping[Text, Any]) -> bool:
    every = item.get("when") or {}
    any_of = item.get("when_any") or {}
    return all(value_matches(answers.get(slot), values) for slot, values in every.items()) and (
        not any_of or any(value_matches(answers.get(slot), values) for slot, values in any_of.items())
    )


def join_names(names: Sequence[Text], text: Mapping[Text, Text]) -> Text:
    if len(names) < 2:
        return "".join(names)
    return text["list_separator"].join(names[:-1]) + text["list_last_separator"] + names[-1]


def format_years(years: Any) -> Text:
    if not isinstance(years, (int, float)) or isinstance(years, bool):
        return ""
    rounded = round(float(years), 1)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)


def fill(template: Text, answers: Mapping[Text, Any], content: Mapping[Text, Any]) -> Text:
    areas = [a for a in answers.get("symptom_areas") or [] if a in content["area_names"]]
    return template.format(
        areas=join_names([content["area_names"][a] for a in areas], content["text"]),
        years=format_years(answers.get("years_to_metastasis")),
    )


def told_me_line(slot: Text, answer: Any, phrases: Mapping[Text, Text]) -> Text:
    if slot == "symptom_areas":
        return phrases["unsure"] if answer == ["unsure"] else phrases["listed"]
    if slot == "years_to_metastasis" and answer != "unsure":
        return phrases[A_NUMBER]
    return phrases[str(answer)]


def told_me_lines(answers: Mapping[Text, Any], content: Mapping[Text, Any]) -> List[Text]:
    return [
        fill(told_me_line(slot, answers[slot], content["told_me"][slot]), answers, content)
        for slot in ANSWER_SLOTS
        if answers.get(slot) is not None
    ]


def chosen(items: Sequence[Mapping[Text, Any]], answers: Mapping[Text, Any]) -> List[Mapping[Text, Any]]:
    picked = [item for item in items if not item.get("default") and applies(item, answers)]
    return picked or [item for item in items if item.get("default")]


def compose_summary(answers: Mapping[Text, Any], content: Mapping[Text, Any]) -> Summary:
    text = content["text"]
    topics = chosen(content["topics"], answers)
    specialists = chosen(content["specialists"], answers)

    def lines(items):
        return [fill(item["text"], answers, content) for item in items]

    sections = [
        Section(text["told_me_heading"], told_me_lines(answers, content)),
        Section(text["topics_heading"], lines(topics)),
        Section(text["specialists_heading"], lines(specialists)),
        Section(text["balance_heading"], lines(content["balance"])),
    ]
    return Summary(sections, [topic["id"] for topic in topics])


def spoken_date(day: Any) -> Text:
    """2026-11-28 as "28 November 2026", the way the content says dates."""
    day = datetime.date.fromisoformat(str(day))
    return f"{day.day} {day:%B %Y}"


def reviewed_message(content: Mapping[Text, Any]) -> Text:
    """When the facts were last checked (IPDAS: show the update date)."""
    return content["text"]["reviewed_line"].format(**{REVIEW_PLACEHOLDER: spoken_date(content["reviewed"])})


def summary_messages(summary: Summary, content: Mapping[Text, Any]) -> List[Text]:
    """The intro, one message per section, the closing words and the review date.

    Each is its own message: Rasa's channels split a text at blank lines anyway.
    """
    text = content["text"]
    bodies = [
        "\n".join([section.heading, *(text["bullet"] + line for line in section.lines)])
        for section in summary.sections
        if section.lines
    ]
    return [text["intro"], *bodies, text["closing"], reviewed_message(content)]


def summary_card(summary: Summary, content: Mapping[Text, Any], messages: List[Text]) -> Dict[Text, Any]:
    """The same summary as data: the web chat shows it as sections instead of the
    text messages listed in "messages", which still follow it."""
    text = content["text"]
    return {
        "intro": text["intro"],
        "sections": [
            {"heading": section.heading, "lines": list(section.lines)}
            for section in summary.sections
            if section.lines
        ],
        "closing": text["closing"],
        "reviewed": reviewed_message(content),
        "messages": messages,
    }


class ActionBuildSummary(Action):
    def name(self) -> Text:
        return "action_build_summary"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        content = load_content()
        answers = {slot: tracker.get_slot(slot) for slot in ANSWER_SLOTS}
        summary = compose_summary(answers, content)
        messages = summary_messages(summary, content)
        if tracker.get_latest_input_channel() == WEB_CHANNEL:
            # Rasa 3.6's socketio channel passes a custom message's keys to sio.emit(),
            # so what the browser receives goes under "data".
            dispatcher.utter_message(json_message={"data": {"summary": summary_card(summary, content, messages)}})
        for message in messages:
            dispatcher.utter_message(text=message)
        return [SlotSet("summary_topics", summary.topic_ids)]
