"""`make preview ANSWERS=content/samples/one_painful_spine_growth.yml`

Prints the summary the assistant would give for the answers in the file: the same
messages, built by the same code from the same content, without any server.
Messages are separated by a line of dashes.

`make preview GLOSSARY=ablation` prints a glossary entry: the questions that ask for it
(its training examples) and the answer the assistant gives.
"""
import argparse
import sys
from pathlib import Path
from typing import Any, Dict, List, Mapping, Tuple

import yaml

from actions import answers
from actions.candidacy_form import ANSWER_SLOTS, questions_that_apply
from actions.summary import compose_summary, load_content, summary_messages
from content_tools.project import Project

ROOT = Path(__file__).resolve().parent.parent
MESSAGE_SEPARATOR = "\n" + "-" * 40 + "\n"


def schema_values(project: Project, slot: str) -> List[str]:
    """The values a question can store, as a sample answers file writes them."""
    if slot == "symptom_areas":
        return [*answers.AREA_ORDER, answers.UNSURE]
    if slot == "years_to_metastasis":
        return [answers.UNSURE]
    return [str(v) for v in (project.slots.get(slot) or {}).get("values") or []]


class AnswersError(ValueError):
    """The answers file cannot be previewed; the message says why and how to fix it."""


def read_answer(project: Project, slot: str, value: Any) -> Any:
    """The value as the assistant stores it, or AnswersError."""
    if slot == "symptom_areas":
        areas = value if isinstance(value, list) else [value]
        wrong = [a for a in areas if str(a) not in schema_values(project, slot)]
        if wrong or not areas:
            raise AnswersError(f"symptom_areas: {wrong or 'nothing'} is not an area. Use a list of: "
                               f"{', '.join(schema_values(project, slot))}")
        return [str(a) for a in areas]
    if slot == "years_to_metastasis":
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
            return float(value)
        if value == "unsure":
            return value
        raise AnswersError(f"years_to_metastasis: {value!r} is not a number of years. Write a number, or unsure")
    if str(value) not in schema_values(project, slot):
        raise AnswersError(f"{slot}: {value!r} is not an answer this question stores. Use one of: "
                           f"{', '.join(schema_values(project, slot))} (put yes and no in quotes)")
    return str(value)


def answers_as_stored(project: Project, given: Mapping[str, Any]) -> Tuple[Dict[str, Any], List[str]]:
    """(slots as the assistant would hold them at the end, notes on answers it would not ask for)."""
    unknown = [slot for slot in given if slot not in ANSWER_SLOTS]
    if unknown:
        raise AnswersError(f"{', '.join(unknown)}: no such question. The questions are: {', '.join(ANSWER_SLOTS)}")
    stored = {slot: read_answer(project, slot, value) for slot, value in given.items()}
    asked = questions_that_apply(list(ANSWER_SLOTS), stored)
    missing = [slot for slot in asked if slot not in stored]
    if missing:
        raise AnswersError(f"no answer for {', '.join(missing)}: the assistant would ask it. Add an answer (or unsure)")
    notes = [f"{slot} is left out: the assistant does not ask it after the earlier answers" for slot in stored if slot not in asked]
    return {slot: stored.get(slot) if slot in asked else None for slot in ANSWER_SLOTS}, notes


def load_answers(path: Path) -> Mapping[str, Any]:
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise AnswersError(f"cannot read {path}: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("answers"), dict):
        raise AnswersError(f"{path} needs an `answers:` list of question: answer (see content/samples/)")
    return document["answers"]


def summary_for(answers_path: Path, root: Path = ROOT) -> Tuple[List[str], List[str]]:
    """(the summary messages, notes) for the answers in the file."""
    project = Project(root)
    stored, notes = answers_as_stored(project, load_answers(answers_path))
    content = load_content(root / "content" / "summary.yml")
    return summary_messages(compose_summary(stored, content), content), notes


GLOSSARY_INTENT = "glossary"


def glossary_entry(term: str, root: Path = ROOT) -> Tuple[List[str], List[str]]:
    """(the questions that ask for the term, the answers the assistant gives)."""
    project = Project(root)
    name = f"{GLOSSARY_INTENT}/{term}"
    examples = [example for _, _, intent, example in project.nlu_examples() if intent == name]
    said = [" ".join(str(v.get("text", "")).split())
            for _, _, response, variations in project.domain_responses() if response == f"utter_{name}"
            for v in variations or []]
    if not said:
        terms = sorted(n.split("/", 1)[1] for n in project.response_names() if n.startswith(f"utter_{GLOSSARY_INTENT}/"))
        raise AnswersError(f"no glossary term {term!r}. The terms are: {', '.join(terms)}")
    return examples, said


def print_glossary_entry(term: str) -> None:
    examples, said = glossary_entry(term)
    print(f"People can ask ({len(examples)} examples the assistant learns from):")
    print("\n".join(f"  {example}" for example in examples))
    print(MESSAGE_SEPARATOR.join(["The assistant answers:", *said]))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("answers", type=Path, nargs="?", help="a YAML file with `answers:` (see content/samples/)")
    parser.add_argument("--term", help="show a glossary entry instead, e.g. ablation")
    args = parser.parse_args(argv)
    try:
        if args.term:
            print_glossary_entry(args.term)
            return 0
        if args.answers is None:
            raise AnswersError("name an answers file (see content/samples/) or a glossary term")
        messages, notes = summary_for(args.answers)
    except AnswersError as error:
        print(f"preview: {error}", file=sys.stderr)
        return 2
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    print(MESSAGE_SEPARATOR.join(messages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
