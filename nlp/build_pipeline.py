"""Builds the project's spaCy pipeline: spacy.blank("en") plus rule components.

No official spaCy model can be downloaded here, so the pipeline is made from the
vocabulary in nlp/*.yml (patterns.yml and topic files) and saved to disk, where Rasa's SpacyNLP and the
action server both load it with spacy.load(path).

- span_ruler  (doc.spans["answers"]): every label, overlaps kept, so each open
  question can pick the labels that matter to it.
- entity_ruler (doc.ents): the clinical entity types that make sense without
  context, so Rasa's SpacyEntityExtractor can surface them.
"""
import argparse
import shutil
from pathlib import Path

import spacy
from spacy.symbols import NORM, ORTH
import yaml

ANSWER_SPANS_KEY = "answers"
ENTITY_LABELS = ("AGE", "DURATION", "BODY_SITE", "RECEPTOR", "GRADE")


PATTERN_DIR = Path(__file__).resolve().parent


SPELLING_FILE = PATTERN_DIR / "spelling.yml"


def default_pattern_files() -> list:
    """Every vocabulary file in nlp/: patterns.yml and topic files such as question_topics.yml."""
    return sorted(path for path in PATTERN_DIR.glob("*.yml") if path != SPELLING_FILE)


def load_patterns(path: Path) -> list:
    """Turns one label -> id -> patterns file into spaCy ruler patterns."""
    vocabulary = yaml.safe_load(path.read_text(encoding="utf-8"))
    tokenizer = spacy.blank("en").tokenizer
    patterns = []
    for label, ids in vocabulary.items():
        for pattern_id, entries in ids.items():
            for entry in entries:
                patterns.append(
                    {
                        "label": label,
                        "id": str(pattern_id),
                        "pattern": _as_token_pattern(entry, tokenizer),
                    }
                )
    return patterns


def _as_token_pattern(entry, tokenizer) -> list:
    # Phrases become NORM token patterns so "can't", "cannot" and "can not" all match.
    if isinstance(entry, list):
        return entry
    return [{"NORM": token.norm_} for token in tokenizer(str(entry))]


def _case_forms(word: str) -> tuple:
    return (word, word.capitalize(), word.upper())


def spelling_norms(spelling: dict, patterns: list) -> dict:
    """Typed form -> norm, for nlp/spelling.yml's `words` and its dropped-g rule."""
    norms = dict(spelling.get("words") or {})
    not_dropped_g = set(spelling.get("dropped_g") or ())
    pattern_norms = {
        token["NORM"] for pattern in patterns for token in pattern["pattern"]
        if isinstance(token.get("NORM"), str)
    }
    for norm in pattern_norms:
        variant = norm[:-1]
        if norm.endswith("ing") and len(variant) >= 4 and variant not in not_dropped_g:
            norms.setdefault(variant, norm)
    return {form: norm for variant, norm in norms.items() for form in _case_forms(variant)}


def add_spelling(nlp, spelling: dict, patterns: list) -> None:
    # The norm table has to be in place before any token of these words is made: a
    # lexeme keeps the norm it was first given. It is saved with the vocab.
    nlp.vocab.lookups.add_table("lexeme_norm", spelling_norms(spelling, patterns))
    nlp.vocab.lookups = nlp.vocab.lookups  # the setter installs the table as the norm getter
    for word, parts in (spelling.get("split") or {}).items():
        for form in _case_forms(word):
            case, start = [], 0
            for typed, norm in parts:
                case.append({ORTH: form[start:start + len(typed)], NORM: norm})
                start += len(typed)
            nlp.tokenizer.add_special_case(form, case)


def add_upper_case_contractions(nlp) -> None:
    """spaCy splits "dont", "cant", "im" and "don't" only in lower and title case; in
    a message typed in capitals ("I DONT HAVE MUCH PAIN") the split and its norm
    ("not") were lost."""
    for orth, pieces in list(nlp.tokenizer.rules.items()):
        shouted = orth.upper()
        if not orth.islower() or shouted in nlp.tokenizer.rules:
            continue
        nlp.tokenizer.add_special_case(shouted, [
            {**piece, ORTH: piece[ORTH].upper(), NORM: piece.get(NORM, piece[ORTH].lower())}
            for piece in pieces
        ])


def build(pattern_files=None):
    nlp = spacy.blank("en")
    patterns = [p for path in (pattern_files or default_pattern_files()) for p in load_patterns(Path(path))]
    add_upper_case_contractions(nlp)
    add_spelling(nlp, yaml.safe_load(SPELLING_FILE.read_text(encoding="utf-8")), patterns)
    span_ruler = nlp.add_pipe(
        "span_ruler", config={"spans_key": ANSWER_SPANS_KEY, "validate": True}
    )
    span_ruler.add_patterns(patterns)
    entity_ruler = nlp.add_pipe("entity_ruler", config={"validate": True})
    entity_ruler.add_patterns([p for p in patterns if p["label"] in ENTITY_LABELS])
    return nlp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patterns", type=Path, nargs="+", help="vocabulary files (default: nlp/*.yml)")
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    nlp = build(args.patterns)
    if args.output.exists():
        shutil.rmtree(args.output)
    args.output.parent.mkdir(parents=True, exist_ok=True)  # spaCy does not create parents
    nlp.to_disk(args.output)
    print(f"Saved spaCy pipeline {nlp.pipe_names} to {args.output}")


if __name__ == "__main__":
    main()
