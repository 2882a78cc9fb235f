"""The project's content files, read once, with the line of every key for messages."""
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple, Union

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

KeyPath = Sequence[Union[str, int]]

# Where the content lives, relative to the project root.
DOMAIN = "domain.yml"
SUMMARY = "content/summary.yml"
SOURCES = "content/sources.yml"
STYLE = "content/style_rules.yml"
ALLOW_LIST = "content/readability_allowlist.yml"
WEB_WIDGET = "content/web_widget.yml"
MESSAGING = "content/messaging.yml"
# Keys of content/messaging.yml that are settings or joiners, not prose a person reads.
MESSAGING_NOT_PROSE = {("choices", "short_choice_words"), ("choices", "separator"), ("choices", "last_separator")}
# Keys of the web chat's words that are not prose a person reads.
NOT_PROSE_KEYS = {"file_name"}
SAMPLES = "content/samples"
YAML_FOLDERS = ("data", "content", "nlp", "tests")
YAML_FILES = ("domain.yml", "config.yml", "endpoints.yml", "credentials.yml", "deployment.yml")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the content, said so a writer can find and fix it."""

    file: str
    line: Optional[int]
    where: str
    what: str
    fix: str
    level: str = "error"

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        label = "WARNING" if self.level == "warning" else "ERROR"
        where = f" ({self.where})" if self.where else ""
        return f"{label} {place}{where}: {self.what}\n    How to fix: {self.fix}"


@dataclass(frozen=True)
class Text:
    """A piece of text the person can read, and where it is written."""

    file: str
    key_path: Tuple[Union[str, int], ...]
    name: str
    text: str


def key_label(key_path: KeyPath) -> str:
    return " > ".join(str(k) for k in key_path)


class Project:
    """Reads the content files under `root` (a checkout, or a copy in a test)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._documents: Dict[str, Any] = {}
        self._lines: Dict[str, List[str]] = {}
        self.syntax_errors: Dict[str, MarkedYAMLError] = {}

    def path(self, relative: str) -> Path:
        return self.root / relative

    def yaml_files(self) -> List[str]:
        found = [name for name in YAML_FILES if self.path(name).exists()]
        for folder in YAML_FOLDERS:
            found += sorted(
                p.relative_to(self.root).as_posix()
                for p in self.path(folder).rglob("*.yml")
                if "results" not in p.parts
            )
        return found

    def load(self, relative: str) -> Any:
        """The file as round-trip YAML (keeps line numbers); None when missing or broken."""
        if relative not in self._documents:
            self._documents[relative] = None
            path = self.path(relative)
            if path.exists():
                try:
                    self._documents[relative] = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
                except MarkedYAMLError as error:
                    self.syntax_errors[relative] = error
        return self._documents[relative]

    def line_of(self, relative: str, key_path: KeyPath) -> Optional[int]:
        """The 1-based line of the deepest key of key_path that the file has."""
        node, line = self.load(relative), None
        for key in key_path:
            try:
                if isinstance(key, int):
                    line = node.lc.item(key)[0] + 1
                else:
                    line = node.lc.key(key)[0] + 1
                node = node[key]
            except (AttributeError, KeyError, IndexError, TypeError):
                break
        return line

    def problem(self, relative: str, key_path: KeyPath, what: str, fix: str, level: str = "error") -> Problem:
        return Problem(relative, self.line_of(relative, key_path), key_label(key_path), what, fix, level)

    def lines(self, relative: str) -> List[str]:
        if relative not in self._lines:
            self._lines[relative] = self.path(relative).read_text(encoding="utf-8").splitlines()
        return self._lines[relative]

    def line_containing(self, relative: str, text: str, after: int = 0) -> Optional[int]:
        for number, line in enumerate(self.lines(relative)[after:], start=after + 1):
            if text in line:
                return number
        return None

    # --- the parts of the content ----------------------------------------------------------

    @cached_property
    def domain(self) -> Dict[str, Any]:
        return self.load(DOMAIN) or {}

    @cached_property
    def summary(self) -> Dict[str, Any]:
        return self.load(SUMMARY) or {}

    @cached_property
    def sources(self) -> Dict[str, Any]:
        return self.load(SOURCES) or {}

    @cached_property
    def style(self) -> Dict[str, Any]:
        return self.load(STYLE) or {}

    @cached_property
    def allow_list(self) -> Dict[str, Any]:
        return self.load(ALLOW_LIST) or {}

    def data_files(self) -> List[str]:
        return [name for name in self.yaml_files() if name.startswith("data/")]

    def nlu_examples(self) -> Iterator[Tuple[str, int, str, str]]:
        """(file, index of its nlu item, intent, example) of every training example in data/."""
        for relative in self.data_files():
            document = self.load(relative)
            if not isinstance(document, dict):
                continue
            for index, item in enumerate(document.get("nlu") or []):
                intent, examples = (item or {}).get("intent"), (item or {}).get("examples")
                if intent and isinstance(examples, str):
                    for raw in examples.splitlines():
                        example = raw.strip().removeprefix("- ").strip()
                        if example:
                            yield relative, index, intent, example

    def story_files(self) -> List[str]:
        """Training stories and rules, and the test stories (tests/test_*.yml)."""
        return self.data_files() + [n for n in self.yaml_files() if re.fullmatch(r"tests/test_[^/]*\.yml", n)]

    @cached_property
    def form_slots(self) -> List[str]:
        forms = self.domain.get("forms") or {}
        return list((forms.get("candidacy_form") or {}).get("required_slots") or [])

    @cached_property
    def intents(self) -> List[str]:
        return [next(iter(i)) if isinstance(i, dict) else str(i) for i in self.domain.get("intents") or []]

    @cached_property
    def entities(self) -> List[str]:
        return [next(iter(e)) if isinstance(e, dict) else str(e) for e in self.domain.get("entities") or []]

    @cached_property
    def slots(self) -> Dict[str, Any]:
        return dict(self.domain.get("slots") or {})

    def domain_responses(self) -> Iterator[Tuple[str, KeyPath, str, Any]]:
        """(file, key path, name, variations) of every response, domain and data files."""
        for name, variations in (self.domain.get("responses") or {}).items():
            yield DOMAIN, ("responses", name), name, variations
        for relative in self.data_files():
            document = self.load(relative)
            if isinstance(document, dict):
                for name, variations in (document.get("responses") or {}).items():
                    yield relative, ("responses", name), name, variations

    def response_names(self) -> List[str]:
        return [name for _, _, name, _ in self.domain_responses()]

    def response_texts(self) -> Iterator[Text]:
        for relative, key_path, name, variations in self.domain_responses():
            for index, variation in enumerate(variations or []):
                if isinstance(variation, dict) and isinstance(variation.get("text"), str):
                    yield Text(relative, (*key_path, index, "text"), name, variation["text"])
                for b_index, button in enumerate((variation or {}).get("buttons") or []):
                    if isinstance(button, dict) and isinstance(button.get("title"), str):
                        yield Text(relative, (*key_path, index, "buttons", b_index, "title"), name, button["title"])

    def summary_texts(self) -> Iterator[Text]:
        summary = self.summary
        technical = {"bullet", "list_separator", "list_last_separator"}
        for key, text in (summary.get("text") or {}).items():
            if key not in technical and isinstance(text, str):
                yield Text(SUMMARY, ("text", key), f"summary text {key}", text)
        for slot, phrases in (summary.get("told_me") or {}).items():
            for value, text in (phrases or {}).items():
                yield Text(SUMMARY, ("told_me", slot, value), f"summary told_me {slot} {value}", str(text))
        for section in ("topics", "specialists", "balance"):
            for index, item in enumerate(summary.get(section) or []):
                if isinstance(item, dict) and isinstance(item.get("text"), str):
                    yield Text(SUMMARY, (section, index, "text"), f"summary {section} {item.get('id')}", item["text"])

    def widget_texts(self) -> Iterator[Text]:
        """The web chat's own words (labels, notice, states), by key path."""

        def walk(node, key_path):
            if isinstance(node, dict):
                for key, value in node.items():
                    if key not in NOT_PROSE_KEYS:
                        yield from walk(value, (*key_path, key))
            elif isinstance(node, str):
                yield Text(WEB_WIDGET, key_path, "web chat " + " ".join(map(str, key_path)), node)

        yield from walk(self.load(WEB_WIDGET) or {}, ())

    @cached_property
    def messaging(self) -> Dict[str, Any]:
        return self.load(MESSAGING) or {}

    def messaging_texts(self) -> Iterator[Text]:
        """The SMS and WhatsApp channel's own words (numbered choices, STOP/HELP replies)."""
        for section, node in self.messaging.items():
            entries = node.items() if isinstance(node, dict) else [(None, node)]
            for key, value in entries:
                key_path = (section, key) if key is not None else (section,)
                if isinstance(value, str) and key_path not in MESSAGING_NOT_PROSE:
                    yield Text(MESSAGING, key_path, "text messages " + " ".join(key_path), value)

    def all_texts(self) -> List[Text]:
        return [*self.response_texts(), *self.summary_texts(), *self.widget_texts(), *self.messaging_texts()]
