"""`make map`: a map of the whole conversation, written offline as one Markdown file.

Every question in the order it is asked, when it is asked, its choices and the
answer each stores, why it is asked, and which answers lead to which summary
topics and specialists; then what a person can say at any time (the rules).
Read from the same files the assistant uses, so it is never out of date.
"""
import argparse
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping

from actions.candidacy_form import FOLLOW_UPS
from actions.summary import A_NUMBER
from content_tools.project import Project

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "results" / "conversation-map.md"


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def first_text(project: Project, response: str) -> str:
    variations = (project.domain.get("responses") or {}).get(response) or [{}]
    return one_line(variations[0].get("text", "(missing)"))


def choices(project: Project, slot: str) -> List[tuple]:
    variations = (project.domain.get("responses") or {}).get(f"utter_ask_{slot}") or [{}]
    return [(b.get("title"), b.get("payload")) for b in variations[0].get("buttons") or []]


def condition_words(item: Mapping[str, Any]) -> str:
    every = [f"{slot} is {' or '.join(map(str, values))}" for slot, values in (item.get("when") or {}).items()]
    any_of = [f"{slot} is {' or '.join(map(str, values))}" for slot, values in (item.get("when_any") or {}).items()]
    parts = []
    if every:
        parts.append(" and ".join(every))
    if any_of:
        parts.append("any of: " + "; ".join(any_of))
    if item.get("default"):
        return "when no other item of its list applies"
    return "when " + ", and ".join(parts) if parts else "always"


def items_by_answer(project: Project) -> Dict[tuple, List[str]]:
    """{(slot, value): ["topic id", "specialist id", ...]} from the summary's conditions."""
    found: Dict[tuple, List[str]] = {}
    for section in ("topics", "specialists"):
        for item in project.summary.get(section) or []:
            for key in ("when", "when_any"):
                for slot, values in (item.get(key) or {}).items():
                    for value in values:
                        found.setdefault((slot, str(value)), []).append(f"{section[:-1]} `{item['id']}`")
    return found


def question_section(project: Project, number: int, slot: str, leads_to: Dict[tuple, List[str]]) -> Iterator[str]:
    yield f"### {number}. `{slot}`"
    if slot in FOLLOW_UPS:
        earlier, value = FOLLOW_UPS[slot]
        yield f"Asked only when `{earlier}` is `{value}`."
    else:
        yield "Always asked."
    yield ""
    yield f"> {first_text(project, f'utter_ask_{slot}')}"
    yield ""
    yield f"Why we ask: {first_text(project, f'utter_why_{slot}')}"
    yield ""
    yield "| Choice | Stored answer | Leads to |"
    yield "|---|---|---|"
    for title, payload in choices(project, slot):
        value = str(payload).split('"answer": "')[-1].rstrip('"}') if payload else ""
        yield f"| {title} | `{value}` | {', '.join(leads_to.get((slot, value), [])) or '-'} |"
    if slot == "years_to_metastasis":
        yield f"| (a number of years, typed) | a number | {', '.join(leads_to.get((slot, A_NUMBER), [])) or '-'} |"
    if slot == "symptom_areas":
        yield "| (several areas, typed) | a list | each area's own items |"
    yield ""


def summary_section(project: Project, section: str, heading: str) -> Iterator[str]:
    yield f"## {heading}"
    yield ""
    for item in project.summary.get(section) or []:
        sources = ", ".join(item.get("sources") or [])
        yield f"- **`{item['id']}`**, {condition_words(item)}. Sources: {sources}."
        yield f"  > {one_line(item['text'])}"
    yield ""


def rules_section(project: Project) -> Iterator[str]:
    yield "## What a person can say at any time"
    yield ""
    yield "The rules in data/rules/, by name:"
    yield ""
    for relative in project.data_files():
        if relative.startswith("data/rules/"):
            for rule in (project.load(relative) or {}).get("rules") or []:
                yield f"- {rule.get('rule')} ({relative})"
    yield ""


def conversation_map(project: Project) -> str:
    leads_to = items_by_answer(project)
    lines = [
        "# Conversation map",
        "",
        "Made by `make map` from domain.yml, content/summary.yml and data/rules/. Do not edit: "
        "change those files and run `make map` again.",
        "",
        f"Content reviewed: {project.summary.get('reviewed')} (summary); parts in content/sources.yml.",
        "",
        "## The questions, in the order they are asked",
        "",
        f"Before the questions: {first_text(project, 'utter_welcome')}",
        "",
    ]
    for number, slot in enumerate(project.form_slots, start=1):
        lines += question_section(project, number, slot, leads_to)
    lines += summary_section(project, "topics", "Summary topics and the answers that choose them")
    lines += summary_section(project, "specialists", "Specialists and the answers that choose them")
    lines += summary_section(project, "balance", "Good and bad sides (always shown)")
    lines += rules_section(project)
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(conversation_map(Project(ROOT)), encoding="utf-8")
    print(f"Wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
