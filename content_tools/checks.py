"""Every check `make check-content` runs. Each takes a Project and yields Problems.

A message names the file, the line and key, what is wrong and how to fix it, for a
writer who has never seen Rasa. The words checked are the real content files.
"""
import ast
import datetime
import fnmatch
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Set, Tuple

import textstat

from actions import answers
from actions.summary import A_NUMBER, ANSWER_PLACEHOLDERS, REVIEW_PLACEHOLDER, spoken_date
from content_tools.preview import AnswersError, answers_as_stored, load_answers, schema_values
from content_tools.project import (
    ALLOW_LIST, DOMAIN, MESSAGING, SOURCES, STYLE, SUMMARY, WEB_WIDGET, Problem, Project, Text, key_label,
)

# Actions Rasa itself provides; stories may use them without the domain listing them.
RASA_ACTIONS = {
    "action_listen", "action_restart", "action_session_start", "action_default_fallback",
    "action_deactivate_loop", "action_revert_fallback_events", "action_default_ask_affirmation",
    "action_default_ask_rephrase", "action_two_stage_fallback", "action_unlikely_intent",
    "action_back", "action_extract_slots",
}
# Rasa's own schema files (named here: importing the modules that name them loads TensorFlow).
DOMAIN_SCHEMA_FILE = "shared/utils/schemas/domain.yml"
CORE_SCHEMA_FILE = "shared/utils/schemas/stories.yml"
NLU_SCHEMA_FILE = "shared/nlu/training_data/schemas/nlu.yml"
RASA_INTENTS = {"nlu_fallback"}
# What the web chat fills in its own words (webchat/static/chat-widget.js).
WIDGET_PLACEHOLDERS = {("summary", "date"): ("date",)}
# What the SMS and WhatsApp channel fills in its own words (channels/message_text.py).
MESSAGING_PLACEHOLDERS = {
    ("choices", "short_line"): ("choices",),
    ("choices", "short_item"): ("number", "title"),
    ("choices", "long_item"): ("number", "title"),
    ("part_label",): ("part", "total"),
}
MESSAGING_SHAPE = {
    "choices": ("short_choice_words", "short_line", "short_item", "separator", "last_separator", "long_intro", "long_item"),
    "replies": ("stopped", "started", "help"),
}
# Response variations for text messages (SMS and WhatsApp through Twilio).
TEXT_MESSAGE_CHANNEL = "twilio"
RASA_SLOTS = {"requested_slot", "session_started_metadata"}
PLACEHOLDER = re.compile(r"{(\w+)}")
PAYLOAD = re.compile(r"/(?P<intent>[\w/]+)(?P<entities>{.*})?", re.DOTALL)
REVIEW_WARNING_DAYS = 365
CODE_FOLDERS = ("actions", "nlp", "assistant_server", "channels")
NOT_PLACEHOLDERS = {"text", "response", "buttons", "json_message", "image", "attachment", "elements", "template"}


def matches(name: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(name, pattern)


# --- YAML syntax and structure -----------------------------------------------------------------


def check_yaml_syntax(project: Project) -> Iterator[Problem]:
    for relative in project.yaml_files():
        project.load(relative)
        error = project.syntax_errors.get(relative)
        if error is not None:
            mark = error.problem_mark
            yield Problem(
                relative, mark.line + 1 if mark else None, "",
                f"this is not valid YAML: {error.problem}",
                "check the indentation (spaces, never tabs) near this line, and put text that "
                "contains a colon or starts with a quote or dash inside quotes",
            )


def rasa_schema_problems(project: Project, relative: str, schema: str) -> Iterator[Problem]:
    from rasa.shared.utils.validation import YamlValidationException, validate_yaml_schema

    try:
        validate_yaml_schema(project.path(relative).read_text(encoding="utf-8"), schema)
    except YamlValidationException as error:
        for detail in str(error).split("in Line ")[1:] or [str(error)]:
            number, _, message = detail.partition(":")
            line = int(number) if number.strip().isdigit() else None
            yield Problem(
                relative, line, "", "Rasa cannot read this part: " + " ".join(message.split()),
                "compare it with a working entry in the same file; keys are case-sensitive "
                "(a response needs `text:`, a button needs `title:` and `payload:`)",
            )


def check_rasa_schema(project: Project) -> Iterator[Problem]:
    """domain.yml and data/ against the schemas Rasa itself uses."""
    if project.load(DOMAIN) is not None:
        yield from rasa_schema_problems(project, DOMAIN, DOMAIN_SCHEMA_FILE)
    for relative in project.data_files():
        document = project.load(relative)
        if not isinstance(document, dict):
            continue
        if "nlu" in document or "responses" in document:
            yield from rasa_schema_problems(project, relative, NLU_SCHEMA_FILE)
        if "stories" in document or "rules" in document:
            yield from rasa_schema_problems(project, relative, CORE_SCHEMA_FILE)


def expect(project: Project, relative: str, key_path, value: Any, kind: type, what: str) -> Iterator[Problem]:
    if not isinstance(value, kind):
        yield project.problem(relative, key_path, f"{key_label(key_path) or 'the file'} should be {what}",
                              f"write it as {what}, like the other entries in {relative}")


def check_content_structure(project: Project) -> Iterator[Problem]:
    """The team's own files: content/summary.yml, sources.yml, style_rules.yml."""
    summary, sources, style = project.summary, project.sources, project.style
    for relative, document in ((SUMMARY, summary), (SOURCES, sources), (STYLE, style), (ALLOW_LIST, project.allow_list)):
        if project.load(relative) is None and relative not in project.syntax_errors:
            yield Problem(relative, None, "", "the file is missing or empty", f"restore {relative} from git")
    if summary:
        for key, kind, what in (("text", dict, "a list of named texts"), ("told_me", dict, "a list per question"),
                                ("area_names", dict, "a list of area names"), ("topics", list, "a list of items"),
                                ("specialists", list, "a list of items"), ("balance", list, "a list of items")):
            yield from expect(project, SUMMARY, (key,), summary.get(key), kind, what)
        for section in ("topics", "specialists", "balance"):
            for index, item in enumerate(summary.get(section) or []):
                if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not isinstance(item.get("text"), str):
                    yield project.problem(SUMMARY, (section, index), f"item {index + 1} of {section} needs an `id:` and a `text:`",
                                          "copy the shape of the item above it: `- id: ...`, `text: ...`, `sources: [...]`")
    if sources:
        yield from expect(project, SOURCES, ("sources",), sources.get("sources"), dict, "a list of `id: title` lines")
        yield from expect(project, SOURCES, ("parts",), sources.get("parts"), list, "a list of parts")
        for index, part in enumerate(sources.get("parts") or []):
            if not isinstance(part, dict) or not isinstance(part.get("covers"), list):
                yield project.problem(SOURCES, ("parts", index), f"part {index + 1} needs `covers:` (a list of response names)",
                                      "copy the shape of the part above it: part, covers, sources, reviewed")
    yield from messaging_structure_problems(project)
    if style:
        for key, kind in (("reading_level", dict), ("banned", list), ("required", list), ("sample_values", dict)):
            yield from expect(project, STYLE, (key,), style.get(key), kind, f"a {'list' if kind is list else 'set of named values'}")


def messaging_structure_problems(project: Project) -> Iterator[Problem]:
    messaging = project.messaging
    if project.load(MESSAGING) is None and MESSAGING not in project.syntax_errors:
        yield Problem(MESSAGING, None, "", "the file is missing or empty", f"restore {MESSAGING} from git")
        return
    for section, keys in MESSAGING_SHAPE.items():
        for key in keys:
            if key not in (messaging.get(section) or {}):
                yield project.problem(MESSAGING, (section,), f"{section} needs `{key}:`",
                                      f"put `{key}:` back (see the comments in {MESSAGING} or git history)")
    if not isinstance(messaging.get("part_label"), str):
        yield project.problem(MESSAGING, (), "`part_label:` is missing", 'write it like part_label: "({part} of {total})"')
    if not isinstance((messaging.get("choices") or {}).get("short_choice_words", 0), int):
        yield project.problem(MESSAGING, ("choices", "short_choice_words"), "short_choice_words should be a whole number",
                              "write a number of words, like 3")


# --- Rasa's own validator ------------------------------------------------------------------------


ANSI = re.compile(r"\x1b\[[0-9;]*m")
LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d [\d:]+ (\w+)\s+\S+\s+- (.*)$")


def rasa_log_records(output: str, levels) -> List[str]:
    """Rasa's log records at these levels, each with its indented continuation lines."""
    records, current = [], None
    for line in ANSI.sub("", output).splitlines():
        record = LOG_RECORD.match(line)
        if record:
            current = [record.group(2)] if record.group(1) in levels else None
            if current is not None:
                records.append(current)
        elif current is not None and line.startswith(" ") and line.strip():
            current.append(line.strip())
        else:
            current = None
    return [" ".join(record) for record in records]


def check_rasa_validate(project: Project) -> Iterator[Problem]:
    """`rasa data validate --fail-on-warnings`: the stories and rules agree with the domain."""
    rasa = Path(sys.executable).with_name("rasa")
    result = subprocess.run(
        [str(rasa), "data", "validate", "--fail-on-warnings", "--domain", "domain.yml", "--data", "data",
         "--config", "config.yml"],
        cwd=project.root, capture_output=True, text=True,
    )
    if result.returncode == 0:
        return
    reported = rasa_log_records(result.stdout + result.stderr, ("WARNING", "ERROR"))
    reported = [record for record in reported if "not used in any story or rule" not in record]
    yield Problem(
        "rasa data validate", None, "",
        "Rasa's check of the training data failed:\n      "
        + "\n      ".join(reported[-10:] or ["(no message; run the command below)"]),
        "read the lines above: each names the story, rule or intent involved. Run "
        "`.venv/bin/rasa data validate --fail-on-warnings` to see the full output",
    )


# --- reading level and wording -------------------------------------------------------------------


def plain(text: str, project: Project) -> str:
    """The text as a reader meets it: placeholders filled, allow-listed terms as one short word."""
    values = dict(project.style.get("sample_values") or {})
    text = PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "it")), text)
    for term in project.allow_list:
        text = re.sub(rf"\b{re.escape(str(term))}\b", "word", text, flags=re.IGNORECASE)
    return text


def sentences_of(text: str) -> List[str]:
    return [s for s in re.split(r"(?<=[.?!:])\s+|\n+", text) if s.strip()]


def readable_texts(project: Project) -> Iterator[Text]:
    """Sentences people read; button titles are labels, checked for wording only."""
    return (t for t in project.all_texts() if "buttons" not in t.key_path)


def check_reading_level(project: Project) -> Iterator[Problem]:
    limits = project.style.get("reading_level") or {}
    max_grade = float(limits.get("max_grade", 8))
    max_words = int(limits.get("max_sentence_words", 25))
    min_words = int(limits.get("min_words_for_grade", 5))
    for text in readable_texts(project):
        reader_text = plain(text.text, project)
        grade = textstat.flesch_kincaid_grade(reader_text)
        if grade > max_grade and len(reader_text.split()) >= min_words:
            yield project.problem(
                text.file, text.key_path, f"{text.name} reads at grade {grade:.1f}; the limit is {max_grade:g}",
                "use shorter words and shorter sentences; split a long sentence in two. A medical term "
                f"people must learn can go in {ALLOW_LIST} with a reason",
            )
        for sentence in sentences_of(reader_text):
            words = len(sentence.split())
            if words > max_words:
                yield project.problem(
                    text.file, text.key_path,
                    f"{text.name} has a sentence of {words} words (the limit is {max_words}): \"{sentence.strip()}\"",
                    "split it into two sentences",
                )
    allowed_terms = project.allow_list
    max_terms = int(limits.get("max_allow_list_terms", 12))
    if len(allowed_terms) > max_terms:
        yield project.problem(ALLOW_LIST, (), f"the allow-list has {len(allowed_terms)} terms; the limit is {max_terms}",
                              "explain a term in plain words instead of adding it to the list")
    for term, reason in allowed_terms.items():
        if not isinstance(reason, str) or len(reason.split()) < 4:
            yield project.problem(ALLOW_LIST, (term,), f"the term \"{term}\" has no reason",
                                  "after the colon, say in a sentence why people need this word")


def check_banned_phrases(project: Project) -> Iterator[Problem]:
    rules = project.style.get("banned") or []
    for text in project.all_texts():
        for rule in rules:
            found = re.search(rule["pattern"], text.text, re.IGNORECASE)
            if found:
                yield project.problem(
                    text.file, text.key_path, f"{text.name} says \"{found.group(0)}\": {rule['why']}",
                    f"reword it: {rule['instead']}",
                )


def texts_named(project: Project, name_pattern: str, excluded: Iterable[str]) -> List[Text]:
    """The texts a `required` rule is about: responses by name, "summary text <key>" or "web chat <key>"."""
    texts = [t for t in project.all_texts() if t.key_path[-1] == "text" or t.file in (SUMMARY, WEB_WIDGET, MESSAGING)]
    if name_pattern.startswith(("summary text ", "web chat ", "text messages ")):
        return [t for t in texts if t.name == name_pattern]
    return [t for t in texts if t.file == DOMAIN or t.file.startswith("data/")
            if matches(t.name, name_pattern) and t.name not in excluded]


def check_required_wording(project: Project) -> Iterator[Problem]:
    for index, rule in enumerate(project.style.get("required") or []):
        texts = texts_named(project, rule["in"], rule.get("except") or [])
        if not texts:
            yield project.problem(STYLE, ("required", index), f"{rule['in']} must exist: {rule['why']}",
                                  f"restore {rule['in']} (see git history), or ask the team before removing the rule")
        for text in texts:
            for phrase in rule["must_say"]:
                if phrase.lower() not in " ".join(text.text.split()).lower():
                    yield project.problem(
                        text.file, text.key_path, f"{text.name} must say \"{phrase}\": {rule['why']}",
                        f"put the words \"{phrase}\" back into this text (the rule is in {STYLE})",
                    )


# --- placeholders, buttons and what the code uses ------------------------------------------------


def code_trees(project: Project) -> Iterator[ast.AST]:
    for folder in CODE_FOLDERS:
        for path in sorted(project.path(folder).glob("*.py")):
            yield ast.parse(path.read_text(encoding="utf-8"))


def placeholders_filled_by_actions(project: Project) -> Dict[str, Set[str]]:
    """{response: {names}} from the actions' `utter_message(response=..., name=...)` calls."""
    filled: Dict[str, Set[str]] = defaultdict(set)
    for tree in code_trees(project):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                keywords = {k.arg: k.value for k in node.keywords if k.arg}
                response = keywords.get("response")
                if isinstance(response, ast.Constant) and isinstance(response.value, str):
                    filled[response.value] |= set(keywords) - NOT_PLACEHOLDERS
    return filled


def responses_named_in_code(project: Project) -> Tuple[Set[str], Set[str]]:
    """Response names the code says whole, and prefixes it completes (f"utter_why_{slot}")."""
    names, prefixes = set(), set()
    for tree in code_trees(project):
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("utter_"):
                (prefixes if node.value.endswith("_") else names).add(node.value)
            if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                start = str(node.values[0].value)
                if start.startswith("utter_"):
                    prefixes.add(start)
    return names, prefixes


def check_placeholders(project: Project) -> Iterator[Problem]:
    slots = set(project.slots)
    filled = placeholders_filled_by_actions(project)
    for text in project.response_texts():
        for name in PLACEHOLDER.findall(text.text):
            if name not in slots and name not in filled.get(text.name, set()):
                yield project.problem(
                    text.file, text.key_path, f"{text.name} has the placeholder {{{name}}}, which names no slot "
                    "and which no action fills in",
                    f"use one of {sorted(filled.get(text.name, set())) or 'the slots in domain.yml'}, "
                    "or remove the braces",
                )
    for text in project.summary_texts():
        allowed = summary_placeholders(text)
        for name in PLACEHOLDER.findall(text.text):
            if name not in allowed:
                yield project.problem(
                    text.file, text.key_path, f"{text.name} has the placeholder {{{name}}}, which the summary cannot fill here",
                    f"use {' or '.join('{' + a + '}' for a in allowed) or 'no placeholder'} in this text "
                    "(see the top of content/summary.yml), or remove the braces",
                )


def fixed_placeholder_problems(project: Project, texts: Iterable[Text], filled: Dict[tuple, tuple], filler: str,
                               all_required: bool) -> Iterator[Problem]:
    """Texts whose placeholders a piece of code fills by key: none other, and (when
    all_required) none of them lost."""
    for text in texts:
        allowed = filled.get(text.key_path, ())
        for name in PLACEHOLDER.findall(text.text):
            if name not in allowed:
                yield project.problem(
                    text.file, text.key_path, f"{text.name} has the placeholder {{{name}}}, which {filler} does not fill",
                    f"use {' or '.join('{' + a + '}' for a in allowed) or 'no placeholder'} here, or remove the braces",
                )
        for name in allowed if all_required else ():
            if "{" + name + "}" not in text.text:
                yield project.problem(text.file, text.key_path, f"{text.name} has lost its {{{name}}}",
                                      f"put {{{name}}} back: {filler} fills it in")


def check_widget_placeholders(project: Project) -> Iterator[Problem]:
    return fixed_placeholder_problems(project, project.widget_texts(), WIDGET_PLACEHOLDERS, "the web chat", False)


def check_messaging_placeholders(project: Project) -> Iterator[Problem]:
    return fixed_placeholder_problems(project, project.messaging_texts(), MESSAGING_PLACEHOLDERS,
                                      "the text message channel", True)


def summary_placeholders(text: Text) -> tuple:
    """What the summary fills in this text: answers in its lines, the date in reviewed_line."""
    if text.key_path == ("text", "reviewed_line"):
        return (REVIEW_PLACEHOLDER,)
    if text.key_path[0] == "text":
        return ()
    return ANSWER_PLACEHOLDERS


def payload_as_sent(payload: str) -> str:
    """Rasa fills placeholders in button payloads, so literal braces are written doubled."""
    return payload.replace("{{", "{").replace("}}", "}")


def payload_problem(project: Project, text: Text, payload: str) -> Iterator[str]:
    if "{" in payload and "{{" not in payload:
        yield (f"the payload {payload!r} has single braces: Rasa would read them as a placeholder, log an "
               "error listing the person's answers, and send the payload unfilled. Write them doubled: "
               '\'/inform{{"answer": "yes"}}\'')
        return
    payload = payload_as_sent(payload)
    found = PAYLOAD.fullmatch(payload.strip())
    if not found:
        yield f"the payload {payload!r} is not of the form /intent or /intent{{\"entity\": \"value\"}}"
        return
    if found.group("intent") not in project.intents:
        yield f"the payload {payload!r} names the intent \"{found.group('intent')}\", which domain.yml does not list"
    if found.group("entities"):
        try:
            entities = json.loads(found.group("entities"))
        except json.JSONDecodeError:
            yield f"the payload {payload!r} has broken braces or quotes"
            return
        for entity, value in entities.items():
            if entity not in project.entities:
                yield f"the payload {payload!r} names the entity \"{entity}\", which domain.yml does not list"
            slot = text.name.removeprefix("utter_ask_")
            if text.name.startswith("utter_ask_") and slot in project.form_slots and entity == "answer":
                if str(value) not in schema_values(project, slot):
                    yield (f"the payload {payload!r} gives \"{value}\", which is not an answer "
                           f"{slot} can store ({', '.join(schema_values(project, slot))})")


def check_button_payloads(project: Project) -> Iterator[Problem]:
    for relative, key_path, name, variations in project.domain_responses():
        for index, variation in enumerate(variations or []):
            for b_index, button in enumerate((variation or {}).get("buttons") or []):
                text = Text(relative, (*key_path, index, "buttons", b_index, "payload"), name, "")
                for what in payload_problem(project, text, str(button.get("payload", ""))):
                    yield project.problem(relative, text.key_path, f"{name}, button \"{button.get('title')}\": {what}",
                                          "copy the payload of a working button and change only the value")


# --- text messages (SMS and WhatsApp) ---------------------------------------------------------


def variations_for(variations: Any, channel: str) -> List[Tuple[int, Dict[str, Any]]]:
    """The variations Rasa picks from on a channel: that channel's own, else those for any channel."""
    indexed = [(i, v) for i, v in enumerate(variations or []) if isinstance(v, dict)]
    own = [(i, v) for i, v in indexed if v.get("channel") == channel]
    return own or [(i, v) for i, v in indexed if not v.get("channel")]


def button_answer(payload: str) -> Any:
    found = PAYLOAD.fullmatch(payload_as_sent(payload).strip())
    try:
        return json.loads(found.group("entities") or "{}").get("answer") if found else None
    except json.JSONDecodeError:
        return None


def check_choice_numbers_by_text(project: Project) -> Iterator[Problem]:
    """By text, choices are numbered and a reply "2" picks the second. Where "2" is also an
    answer in words ("2 growths", "2 years"), both readings must agree, or the question
    needs a `channel: twilio` variation without buttons."""
    for relative, key_path, name, variations in project.domain_responses():
        slot = name.removeprefix("utter_ask_")
        if not name.startswith("utter_ask_") or slot not in project.form_slots:
            continue
        for index, variation in variations_for(variations, TEXT_MESSAGE_CHANNEL):
            for number, button in enumerate(variation.get("buttons") or [], start=1):
                chosen, in_words = button_answer(str(button.get("payload", ""))), answers.interpret(slot, str(number))
                if in_words is None or chosen is None or in_words in (chosen, [chosen]):
                    continue
                yield project.problem(
                    relative, (*key_path, index), f"by text message, a reply \"{number}\" to {name} would choose "
                    f"\"{button.get('title')}\" ({chosen}), but the same reply in words means {in_words!r}",
                    f"add a variation with `channel: {TEXT_MESSAGE_CHANNEL}` and no buttons that asks for a number "
                    "(see utter_ask_growth_count)",
                )
                break


def check_screen_words_by_text(project: Project) -> Iterator[Problem]:
    """A text message has nothing to tap or click: a response that says so needs its own
    wording for text messages."""
    words = [str(w) for w in project.style.get("screen_only_words") or []]
    if not words:
        return
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)
    for relative, key_path, name, variations in project.domain_responses():
        for index, variation in variations_for(variations, TEXT_MESSAGE_CHANNEL):
            found = pattern.search(str(variation.get("text") or ""))
            if found:
                yield project.problem(
                    relative, (*key_path, index, "text"), f"{name} says \"{found.group(0)}\", but text messages have "
                    "nothing to tap or click",
                    f"add a variation with `channel: {TEXT_MESSAGE_CHANNEL}` that says \"reply with the number of a "
                    "choice\" instead (see utter_did_not_understand)",
                )


def story_steps(project: Project) -> Iterator[Tuple[str, Tuple, Dict[str, Any]]]:
    for relative in project.story_files():
        document = project.load(relative)
        if not isinstance(document, dict):
            continue
        for kind in ("stories", "rules"):
            for s_index, story in enumerate(document.get(kind) or []):
                for key in ("steps", "condition"):
                    for t_index, step in enumerate((story or {}).get(key) or []):
                        if isinstance(step, dict):
                            yield relative, (kind, s_index, key, t_index), step


def retrieval_bases(project: Project) -> Set[str]:
    return {name.split("/", 1)[0] for name in project.response_names() if "/" in name}


def check_story_references(project: Project) -> Iterator[Problem]:
    """Stories, rules and test stories use only what the domain has."""
    domain = project.domain
    known_actions = (set(project.response_names()) | set(domain.get("actions") or []) | set(domain.get("forms") or {})
                     | RASA_ACTIONS | retrieval_bases(project))
    known_intents = set(project.intents) | RASA_INTENTS
    for relative, key_path, step in story_steps(project):
        action = step.get("action")
        if action is not None and action not in known_actions:
            yield project.problem(relative, key_path, f"the step uses \"{action}\", which domain.yml does not have",
                                  f"add {action} to domain.yml (under responses: or actions:), or fix the spelling")
        intent = step.get("intent")
        if intent is not None and str(intent).split("/", 1)[0] not in known_intents:
            yield project.problem(relative, key_path, f"the step uses the intent \"{intent}\", which domain.yml does not list",
                                  "add it under intents: in domain.yml, or fix the spelling")
        loop = step.get("active_loop")
        if loop is not None and loop not in (domain.get("forms") or {}):
            yield project.problem(relative, key_path, f"the step names the form \"{loop}\", which domain.yml does not have",
                                  "use candidacy_form, or null")
        for slot_step in step.get("slot_was_set") or []:
            names = slot_step if isinstance(slot_step, dict) else {slot_step: None}
            for slot in names:
                if slot not in project.slots and slot not in RASA_SLOTS:
                    yield project.problem(relative, key_path, f"the step sets the slot \"{slot}\", which domain.yml does not have",
                                          "use a slot from domain.yml, or fix the spelling")


def check_unused_responses(project: Project) -> Iterator[Problem]:
    """Rasa 3.6's --fail-on-warnings lets unused responses pass; this check does not."""
    used = {step.get("action") for _, _, step in story_steps(project)}
    used |= {f"utter_ask_{slot}" for slot in project.form_slots}
    names, prefixes = responses_named_in_code(project)
    used |= names
    for relative, key_path, name, _ in project.domain_responses():
        base = name.split("/", 1)[0]
        if name in used or base in used or any(name.startswith(prefix) for prefix in prefixes):
            continue
        yield project.problem(relative, key_path, f"the response {name} is never said: no story, rule, form or action uses it",
                              "use it in a rule or story in data/rules or data/stories, or delete it")


# --- questions and the summary -------------------------------------------------------------------


def check_questions_complete(project: Project) -> Iterator[Problem]:
    responses = set(project.response_names())
    told_me = project.summary.get("told_me") or {}
    for index, slot in enumerate(project.form_slots):
        where = ("forms", "candidacy_form", "required_slots", index)
        if f"utter_ask_{slot}" not in responses:
            yield project.problem(DOMAIN, where, f"the question {slot} has no wording (utter_ask_{slot})",
                                  f"add utter_ask_{slot} under responses: in domain.yml")
            continue
        if f"utter_why_{slot}" not in responses:
            yield project.problem(DOMAIN, ("responses", f"utter_ask_{slot}"),
                                  f"the question {slot} has no explanation for \"why are you asking?\"",
                                  f"add utter_why_{slot} under responses: in domain.yml")
        variations = (project.domain.get("responses") or {}).get(f"utter_ask_{slot}") or []
        for v_index, variation in enumerate(variations):
            payloads = [str(b.get("payload", "")) for b in (variation or {}).get("buttons") or []]
            if any('"answer": "unsure"' in p for p in payloads):
                continue
            if (variation or {}).get("channel") == TEXT_MESSAGE_CHANNEL and not payloads:
                # By text, a question without choices must say "not sure" is an answer.
                if "not sure" not in str((variation or {}).get("text", "")).lower():
                    yield project.problem(DOMAIN, ("responses", f"utter_ask_{slot}", v_index, "text"),
                                          f"the text message wording of {slot} does not say \"not sure\" is an answer",
                                          'end it with: Or say "not sure".')
                continue
            yield project.problem(DOMAIN, ("responses", f"utter_ask_{slot}", v_index),
                                  f"the question {slot} has no not-sure choice",
                                  'add a button: - title: "Not sure"  payload: \'/inform{{"answer": "unsure"}}\'')
        if slot not in told_me:
            yield project.problem(SUMMARY, ("told_me",), f"the summary has no line for the answer to {slot}",
                                  f"add {slot}: under told_me: with one line per answer")
            continue
        expected = {"listed", answers.UNSURE} if slot == "symptom_areas" else (
            {A_NUMBER, answers.UNSURE} if slot == "years_to_metastasis" else set(schema_values(project, slot)))
        missing = expected - {str(k) for k in told_me[slot] or {}}
        if missing:
            yield project.problem(SUMMARY, ("told_me", slot), f"told_me > {slot} has no line for: {', '.join(sorted(missing))}",
                                  "add one plain line for each answer a person can give")


def check_summary_conditions(project: Project) -> Iterator[Problem]:
    for section in ("topics", "specialists"):
        for index, item in enumerate(project.summary.get(section) or []):
            for key in ("when", "when_any"):
                for slot, values in ((item or {}).get(key) or {}).items():
                    where = (section, index, key, slot)
                    if slot not in project.form_slots:
                        yield project.problem(SUMMARY, where, f"{section} {item.get('id')}: \"{slot}\" is not a question",
                                              f"use one of: {', '.join(project.form_slots)}")
                        continue
                    allowed = schema_values(project, slot) + ([A_NUMBER] if slot == "years_to_metastasis" else [])
                    for value in values or []:
                        if str(value) not in allowed:
                            yield project.problem(
                                SUMMARY, where, f"{section} {item.get('id')}: {slot} has no answer \"{value}\"",
                                f"use one of: {', '.join(allowed)} (yes and no need quotes: \"yes\")",
                            )


# --- sources and review dates --------------------------------------------------------------------


def parse_date(value: Any):
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def review_problems(project: Project, relative: str, key_path, value: Any, today: datetime.date) -> Iterator[Problem]:
    day = parse_date(value)
    if day is None:
        yield project.problem(relative, key_path, f"the review date {value!r} is missing or not a date",
                              'write the date you checked it as "YYYY-MM-DD", e.g. "2026-11-28"')
    elif day > today:
        yield project.problem(relative, key_path, f"the review date {day} is in the future",
                              "write the date the content was really checked")
    elif (today - day).days > REVIEW_WARNING_DAYS:
        yield project.problem(relative, key_path, f"this was last reviewed on {day}, more than a year ago",
                              "check it against its sources again, then update the date", level="warning")


def check_sources_and_review_dates(project: Project, today: datetime.date = None) -> Iterator[Problem]:
    today = today or datetime.date.today()
    catalogue = project.sources.get("sources") or {}
    parts = project.sources.get("parts") or []
    for index, part in enumerate(parts):
        if not isinstance(part, dict):
            continue
        if not part.get("sources"):
            yield project.problem(SOURCES, ("parts", index), f"the part \"{part.get('part')}\" names no source",
                                  "add `sources: [id, ...]` using ids from the sources list at the top")
        for source in part.get("sources") or []:
            if source not in catalogue:
                yield project.problem(SOURCES, ("parts", index, "sources"), f"the source \"{source}\" is not in the sources list",
                                      "add it under sources: at the top of content/sources.yml, or fix the id")
        yield from review_problems(project, SOURCES, ("parts", index, "reviewed"), part.get("reviewed"), today)
    covered = [p for part in parts if isinstance(part, dict) for p in part.get("covers") or []]
    for relative, key_path, name, _ in project.domain_responses():
        if not any(matches(name, pattern) for pattern in covered):
            yield project.problem(relative, key_path, f"{name} has no source and no review date",
                                  f"add {name} to the `covers:` list of a part in {SOURCES}")
    yield from review_problems(project, SUMMARY, ("reviewed",), project.summary.get("reviewed"), today)
    for section in ("topics", "specialists", "balance"):
        for index, item in enumerate(project.summary.get(section) or []):
            if not (item or {}).get("sources"):
                yield project.problem(SUMMARY, (section, index), f"{section} {item.get('id')} cites no source",
                                      f"add `sources: [id]` with ids from {SOURCES}")
            for source in (item or {}).get("sources") or []:
                if source not in catalogue:
                    yield project.problem(SUMMARY, (section, index, "sources"), f"{section} {item.get('id')}: unknown source \"{source}\"",
                                          f"use an id from the sources list in {SOURCES}")
    yield from check_review_date_is_told(project)


def check_review_date_is_told(project: Project) -> Iterator[Problem]:
    """The assistant's answer to "how up to date is this?" gives the oldest review date."""
    dates = [parse_date(p.get("reviewed")) for p in project.sources.get("parts") or [] if isinstance(p, dict)]
    dates.append(parse_date(project.summary.get("reviewed")))
    dates = [d for d in dates if d]
    if not dates:
        return
    spoken = spoken_date(min(dates))
    texts = [t for t in project.response_texts() if t.name == "utter_about_assistant/who_wrote_it"]
    for text in texts:
        if spoken not in " ".join(text.text.split()):
            yield project.problem(
                text.file, text.key_path, f"{text.name} must give the oldest review date, {spoken}",
                f"write \"{spoken}\" in this answer (the dates are in {SOURCES} and {SUMMARY})",
            )


# --- training examples ---------------------------------------------------------------------------


def normalised(example: str) -> str:
    example = re.sub(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]{[^}]*}", lambda m: m.group(1) or m.group(2) or "", example)
    return " ".join(re.sub(r"[^\w\s']", " ", example.lower()).split())


def check_duplicate_examples(project: Project) -> Iterator[Problem]:
    first_seen: Dict[str, Tuple[str, str, int]] = {}
    for relative, index, intent, example in project.nlu_examples():
        key = normalised(example)
        if not key:
            continue
        start = project.line_of(relative, ("nlu", index)) or 0
        line = project.line_containing(relative, example, after=start) or start
        if key in first_seen and first_seen[key][1] != intent:
            other_file, other_intent, other_line = first_seen[key]
            yield Problem(
                relative, line, f"intent {intent}",
                f"the example \"{example}\" is also under the intent {other_intent} ({other_file}:{other_line})",
                "keep it under the one intent it means, and delete the other copy",
            )
        first_seen.setdefault(key, (relative, intent, line))


def check_sample_answers(project: Project) -> Iterator[Problem]:
    """The answers files for `make preview` name real questions and answers."""
    for path in sorted(project.path("content/samples").glob("*.yml")):
        relative = path.relative_to(project.root).as_posix()
        try:
            answers_as_stored(project, load_answers(path))
        except AnswersError as error:
            yield Problem(relative, None, "answers", str(error), "fix the answer named above; see the other samples")


CHECKS = [
    check_yaml_syntax,
    check_rasa_schema,
    check_content_structure,
    check_reading_level,
    check_banned_phrases,
    check_required_wording,
    check_placeholders,
    check_widget_placeholders,
    check_messaging_placeholders,
    check_button_payloads,
    check_choice_numbers_by_text,
    check_screen_words_by_text,
    check_story_references,
    check_unused_responses,
    check_questions_complete,
    check_summary_conditions,
    check_sources_and_review_dates,
    check_duplicate_examples,
    check_sample_answers,
]


def run_checks(project: Project, with_rasa: bool = True) -> List[Problem]:
    problems: List[Problem] = list(check_yaml_syntax(project))
    if problems:
        return problems  # nothing else can be read reliably until the YAML parses
    for check in CHECKS[1:]:
        try:
            problems += list(check(project))
        except (KeyError, TypeError, AttributeError, ValueError) as error:
            problems.append(Problem("", None, check.__name__, f"the check stopped on unexpected content: {error!r}",
                                    "fix the other problems listed first; if this stays, ask a developer"))
    if with_rasa and not any(p.level == "error" for p in problems):
        problems += list(check_rasa_validate(project))
    return problems
