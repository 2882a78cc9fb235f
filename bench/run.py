"""The understanding benchmark: a report, never a pass/fail test.

Run from the project root after `make train` (that is what `make bench` does):

    .venv/bin/python bench/run.py [--skip-cv] [--folds 3] [--cv-epochs N]

It measures two things and writes bench/report.md and bench/report.json:

1. Free-text capture per question on bench/heldout_answers.yml. Each reply goes
   through the trained model (models/candidacy.tar.gz, loaded once with Rasa's
   Agent) for its intent and confidence, then through the form's own reading
   path: actions.candidacy_form.read_reply (is_digression, button value,
   actions.answers.interpret) and is_valid against the model's domain. A reply is
   captured when the value the form would store equals the expected one.
2. Cross-validated intent F1 of DIET on data/nlu (`rasa test nlu --cross-validation`).

Exit status: 0 when the benchmark ran (targets missed or not; the report says
MISSED plainly), non-zero when something crashed.
"""
import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = PROJECT_ROOT / "bench"
WORK_DIR = BENCH_DIR / "work"
HELDOUT_PATH = BENCH_DIR / "heldout_answers.yml"
REPORT_MD = BENCH_DIR / "report.md"
REPORT_JSON = BENCH_DIR / "report.json"
MODEL_PATH = PROJECT_ROOT / "models" / "candidacy.tar.gz"
MODEL_STAMP = PROJECT_ROOT / "models" / ".trained"
NLU_DIR = PROJECT_ROOT / "data" / "nlu"
CONFIG_PATH = PROJECT_ROOT / "config.yml"
DOMAIN_PATH = PROJECT_ROOT / "domain.yml"
PATTERNS_PATH = PROJECT_ROOT / "nlp" / "patterns.yml"

CV_SEED = 42
CV_LAUNCHER = (
    "import sys, random, numpy; "
    f"random.seed({CV_SEED}); numpy.random.seed({CV_SEED}); "
    "sys.argv[0] = 'rasa'; "
    "from rasa.__main__ import main; sys.exit(main())"
)
CAPTURE_TARGET = 95.0  # percent, per question
FLOAT_TOLERANCE = 0.05  # years
CV_TIMEOUT_SECONDS = 30 * 60  # a hard stop; the run is expected to take a few minutes

os.chdir(PROJECT_ROOT)
sys.path.insert(0, str(PROJECT_ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Library deprecation chatter (matplotlib, pyparsing, tensorflow) is not ours to fix here.
warnings.filterwarnings("ignore", category=DeprecationWarning)
warnings.filterwarnings("ignore", category=PendingDeprecationWarning)


def rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def say(line: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {line}", flush=True)


# --- the held-out set ---------------------------------------------------------------


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def load_heldout(slot_order: List[str]) -> Dict[str, List[Dict[str, Any]]]:
    data = yaml.safe_load(HELDOUT_PATH.read_text(encoding="utf-8")) or {}
    unknown = set(data) - set(slot_order)
    missing = [slot for slot in slot_order if slot not in data]
    if unknown or missing:
        raise ValueError(f"{HELDOUT_PATH.name}: unknown questions {sorted(unknown)}, missing {missing}")
    return {slot: list(data[slot]) for slot in slot_order}


def check_expected(slot: str, expected: Any, domain_slots: Dict[str, Any]) -> None:
    """A held-out item must expect a value of the answers schema; a typo is a crash, not a miss."""
    from actions import answers

    if slot == "symptom_areas":
        ok = isinstance(expected, list) and (
            expected == [answers.UNSURE] or (bool(expected) and set(expected) <= set(answers.AREA_ORDER))
        )
    elif slot == "years_to_metastasis":
        ok = expected == answers.UNSURE or (isinstance(expected, (int, float)) and not isinstance(expected, bool))
    else:
        ok = isinstance(expected, str) and expected in domain_slots[slot]["values"]
    if not ok:
        raise ValueError(f"{HELDOUT_PATH.name}: {slot}: expected value {expected!r} is not in the answers schema")


def training_texts() -> Dict[str, str]:
    """Every training example of data/nlu (markup stripped), normalised -> intent."""
    from rasa.shared.nlu.training_data.loading import load_data

    texts: Dict[str, str] = {}
    for path in sorted(NLU_DIR.glob("*.yml")):
        for example in load_data(str(path)).training_examples:
            if example.get("text"):
                texts[normalise(example.get("text"))] = example.get("intent")
    return texts


# --- capture ---------------------------------------------------------------------------


def same_value(expected: Any, got: Any) -> bool:
    if isinstance(expected, list):
        return isinstance(got, list) and sorted(set(got)) == sorted(set(expected)) and len(got) == len(set(got))
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return (
            isinstance(got, (int, float)) and not isinstance(got, bool) and abs(float(got) - float(expected)) <= FLOAT_TOLERANCE
        )
    return got == expected


def plain(value: Any) -> Any:
    """JSON-friendly and short: floats rounded for reading."""
    if isinstance(value, float):
        return round(value, 3)
    return value


async def measure_capture(
    heldout: Dict[str, List[Dict[str, Any]]], overlaps: Dict[str, str], notes: List[str], results: Dict[str, Any]
) -> None:
    """Fills `results` question by question, so a crash keeps what was measured."""
    from rasa.core.agent import Agent
    from rasa_sdk import Tracker
    from rasa_sdk.forms import REQUESTED_SLOT

    from actions import candidacy_form

    say(f"loading {MODEL_PATH.relative_to(PROJECT_ROOT)} with rasa's Agent")
    started = time.monotonic()
    agent = Agent.load(str(MODEL_PATH))
    if not agent.is_ready():
        raise RuntimeError(f"the model at {MODEL_PATH} did not load")
    domain = agent.domain.as_dict()
    say(f"model loaded in {time.monotonic() - started:.0f}s")

    undeclared_entities = set()
    for slot, items in heldout.items():
        rows, refused = [], []
        for item in items:
            text, expected = str(item["text"]), item["expected"]
            if normalise(text) in overlaps:
                refused.append({"text": text, "expected": plain(expected), "in_training_as": overlaps[normalise(text)]})
                continue
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="Parsed an entity")
                message = await agent.parse_message(text)
            undeclared_entities |= {
                e.get("entity") for e in message.get("entities") or [] if e.get("entity") not in agent.domain.entities
            }
            intent = message.get("intent") or {}
            tracker = Tracker(
                sender_id="bench",
                slots={REQUESTED_SLOT: slot},
                latest_message=message,
                events=[],
                paused=False,
                followup_action=None,
                active_loop={"name": "candidacy_form"},
                latest_action_name="action_listen",
            )
            digression = candidacy_form.is_digression(message)
            read = candidacy_form.read_reply(slot, tracker).get(slot)
            stored = read if candidacy_form.is_valid(slot, read, domain) else None
            rows.append(
                {
                    "text": text,
                    "expected": plain(expected),
                    "got": plain(stored),
                    "read": plain(read),
                    "intent": intent.get("name"),
                    "confidence": round(float(intent.get("confidence") or 0.0), 3),
                    "digression": digression,
                    "captured": same_value(expected, stored),
                }
            )
        n = len(rows)
        captured = sum(row["captured"] for row in rows)
        percent = round(100.0 * captured / n, 1) if n else 0.0
        results[slot] = {
            "n": n,
            "captured": captured,
            "percent": percent,
            "target_percent": CAPTURE_TARGET,
            "met": bool(n) and percent >= CAPTURE_TARGET,
            "misses": [row for row in rows if not row["captured"]],
            "refused_overlapping_training_data": refused,
            "nlu_fallback": sum(row["intent"] == "nlu_fallback" for row in rows),
        }
        say(
            f"capture {slot}: {captured}/{n} = {percent:.1f}% "
            f"({'met' if results[slot]['met'] else 'MISSED'}; target {CAPTURE_TARGET:.0f}%)"
            + (f"; {len(refused)} refused as in training data" if refused else "")
        )
    if undeclared_entities:
        notes.append(
            "the NLU pipeline extracts entities the domain does not declare: "
            + ", ".join(sorted(undeclared_entities))
            + " (Rasa warns \"Parsed an entity ... which is not defined in the domain\" on every such message)."
        )


# --- cross-validated intent F1 -------------------------------------------------------


def cv_config(epochs: Optional[int]) -> Tuple[Path, Optional[str]]:
    """config.yml, or a temporary copy with fewer DIET epochs."""
    if epochs is None:
        return CONFIG_PATH, None
    config = yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8"))
    for component in config.get("pipeline", []):
        if component.get("name") == "DIETClassifier":
            component["epochs"] = epochs
    path = WORK_DIR / "config_cv.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path, f"DIETClassifier epochs set to {epochs} for cross-validation (config.yml says otherwise)"


def measure_f1(folds: int, epochs: Optional[int]) -> Dict[str, Any]:
    WORK_DIR.mkdir(exist_ok=True)
    for old_run in WORK_DIR.glob("cv_*"):  # keep only the latest run's output
        shutil.rmtree(old_run, ignore_errors=True)
    config, note = cv_config(epochs)
    out_dir = Path(tempfile.mkdtemp(prefix="cv_", dir=WORK_DIR))
    log_path = WORK_DIR / "cv.log"
    # `rasa test nlu` shuffles the folds with numpy's global random state and no
    # seed, so F1 moves by a few points from run to run. This runs the same command
    # with numpy seeded first, so the folds (and the figures) repeat.
    command = [
        sys.executable, "-c", CV_LAUNCHER, "test", "nlu",
        "--nlu", str(NLU_DIR.relative_to(PROJECT_ROOT)),
        "--config", str(config.relative_to(PROJECT_ROOT)),
        "--cross-validation", "--folds", str(folds),
        "--out", str(out_dir.relative_to(PROJECT_ROOT)),
        "--no-plot",
    ]
    say(f"cross-validation: rasa {' '.join(command[3:])} with folds seeded {CV_SEED} "
        f"(log: {log_path.relative_to(PROJECT_ROOT)})")
    started = time.monotonic()
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        trainings = 0
        assert process.stdout is not None
        for line in process.stdout:
            log.write(line)
            if "Your Rasa model is trained and saved" in line:
                trainings += 1
                say(f"cross-validation: fold {trainings} of {folds} trained, testing it "
                    f"({time.monotonic() - started:.0f}s so far)")
            if time.monotonic() - started > CV_TIMEOUT_SECONDS:
                process.kill()
                raise RuntimeError(f"cross-validation took longer than {CV_TIMEOUT_SECONDS}s; see {log_path}")
        code = process.wait()
    seconds = round(time.monotonic() - started, 1)
    if code != 0:
        raise RuntimeError(f"`rasa test nlu` exited with {code} after {seconds}s; see {log_path}")
    reports = sorted(out_dir.rglob("intent_report.json"))
    if not reports:
        raise RuntimeError(f"no intent_report.json under {out_dir}; see {log_path}")
    report_path = reports[0]
    report = json.loads(report_path.read_text(encoding="utf-8"))
    per_intent = {
        name: {
            "f1": round(values["f1-score"], 3),
            "precision": round(values["precision"], 3),
            "recall": round(values["recall"], 3),
            "support": values["support"],
            "confused_with": values.get("confused_with", {}),
        }
        for name, values in report.items()
        if isinstance(values, dict) and "f1-score" in values and not name.endswith(" avg")
    }
    result = {
        "folds": folds,
        "fold_seed": CV_SEED,
        "seconds": seconds,
        "config": str(config.relative_to(PROJECT_ROOT)),
        "note": note,
        "report_file": str(report_path.relative_to(PROJECT_ROOT)),
        "weighted_f1": round(report["weighted avg"]["f1-score"], 3),
        "macro_f1": round(report["macro avg"]["f1-score"], 3),
        "accuracy": round(report["accuracy"], 3) if isinstance(report.get("accuracy"), (int, float)) else None,
        "per_intent": per_intent,
    }
    say(f"cross-validation done in {seconds:.0f}s: weighted F1 {result['weighted_f1']:.3f}, macro F1 {result['macro_f1']:.3f}")
    return result


# --- freshness ------------------------------------------------------------------------


def freshness_warnings() -> List[str]:
    warnings = []
    if not MODEL_PATH.exists():
        return [f"{MODEL_PATH.relative_to(PROJECT_ROOT)} is missing; run `make train`."]
    # models/.trained takes the time training started (Makefile), so an edit made
    # during a training counts as newer than the model.
    model_time = (MODEL_STAMP if MODEL_STAMP.exists() else MODEL_PATH).stat().st_mtime
    pipeline_meta = Path(os.environ.get("SPACY_PIPELINE_PATH", PROJECT_ROOT / "models" / "spacy" / "candidacy_en")) / "meta.json"
    inputs = [CONFIG_PATH, DOMAIN_PATH, *sorted((PROJECT_ROOT / "data").rglob("*.yml"))]
    inputs += [pipeline_meta] if pipeline_meta.exists() else []
    newer = [rel(p) for p in inputs if p.stat().st_mtime > model_time]
    if newer:
        warnings.append(f"the model is older than {', '.join(newer)}; the intents measured may be stale (run `make train`).")
    if not pipeline_meta.exists():
        warnings.append("the spaCy pipeline is missing; run `make pipeline`.")
    elif PATTERNS_PATH.exists() and PATTERNS_PATH.stat().st_mtime > pipeline_meta.stat().st_mtime:
        warnings.append("nlp/patterns.yml is newer than the built spaCy pipeline; run `make pipeline`.")
    if (PROJECT_ROOT / "models" / ".training").exists():
        warnings.append("a training was running when the benchmark started (models/.training exists); "
                        "the model measured may be replaced mid-run.")
    return warnings


# --- reports ---------------------------------------------------------------------------


def md_value(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else value
    return text.replace("|", "\\|")


def write_reports(report: Dict[str, Any]) -> None:
    REPORT_JSON.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    lines = [
        "# Understanding benchmark",
        "",
        f"Run {report['started']} in {report['seconds']:.0f}s by `make bench` (bench/run.py). "
        "A report, not a test: a missed target does not fail the build.",
        "",
    ]
    for warning in report["warnings"]:
        lines += [f"> **Warning:** {warning}", ""]
    for error in report["errors"]:
        lines += [f"> **ERROR:** {error}", ""]
    for note in report["notes"]:
        lines += [f"> Note: {note}", ""]

    capture = report.get("capture")
    if capture:
        total_n = sum(q["n"] for q in capture.values())
        total_captured = sum(q["captured"] for q in capture.values())
        missed = [slot for slot, q in capture.items() if not q["met"]]
        lines += [
            "## Free-text capture per question (held-out replies)",
            "",
            "Each reply in bench/heldout_answers.yml is parsed by the trained model, then read by the form's "
            "own path (`read_reply`: is_digression, `answers.interpret`; then `is_valid` against the domain). "
            "Captured = the value the form would store equals the expected value "
            f"(numbers within {FLOAT_TOLERANCE}).",
            "",
            f"**Overall: {total_captured}/{total_n} = {100.0 * total_captured / max(total_n, 1):.1f}%. "
            + (f"Target {CAPTURE_TARGET:.0f}% per question MISSED for {len(missed)} of {len(capture)} questions.**"
               if missed else f"Target {CAPTURE_TARGET:.0f}% per question met for all {len(capture)} questions.**"),
            "",
            "| # | Question | n | Captured | % | Target | Result |",
            "|---|---|---:|---:|---:|---:|---|",
        ]
        for index, (slot, q) in enumerate(capture.items(), 1):
            lines.append(
                f"| {index} | {slot} | {q['n']} | {q['captured']} | {q['percent']:.1f}% | >= {CAPTURE_TARGET:.0f}% | "
                f"{'met' if q['met'] else '**MISSED**'} |"
            )
        lines += ["", "### Misses", ""]
        if not any(q["misses"] for q in capture.values()):
            lines.append("None.")
        for slot, q in capture.items():
            if not q["misses"]:
                continue
            lines += [f"**{slot}** ({len(q['misses'])})", "", "| Reply | Expected | Got (stored) | Read | Intent (confidence) |",
                      "|---|---|---|---|---|"]
            for row in q["misses"]:
                lines.append(
                    f"| {md_value(row['text'])} | {md_value(row['expected'])} | {md_value(row['got'])} | "
                    f"{md_value(row['read'])} | {row['intent']} ({row['confidence']:.2f})"
                    f"{' digression' if row['digression'] else ''} |"
                )
            lines.append("")
        refused = {slot: q["refused_overlapping_training_data"] for slot, q in capture.items()
                   if q["refused_overlapping_training_data"]}
        if refused:
            lines += ["### Not scored: the reply is also a training example in data/nlu", ""]
            for slot, rows in refused.items():
                for row in rows:
                    lines.append(f"- {slot}: \"{row['text']}\" (training intent `{row['in_training_as']}`)")
            lines += ["", "Replace these in bench/heldout_answers.yml with new replies; never copy held-out "
                      "replies into data/.", ""]

    f1 = report.get("intent_f1")
    if f1:
        lines += [
            "## Intent classification (DIET), cross-validated",
            "",
            f"`rasa test nlu --cross-validation --folds {f1['folds']}` on data/nlu with `{f1['config']}`, "
            f"folds shuffled with seed {f1.get('fold_seed')}, {f1['seconds']:.0f}s. "
            "No target is set for F1; it is reported for trend only. F1 is over the held-out fold of each "
            "split (all folds pooled); with about 270 examples one example moves it by about 0.4 points.",
            "",
        ]
        if f1.get("note"):
            lines += [f"> Note: {f1['note']}", ""]
        lines += [
            "| Figure | Value | Target |",
            "|---|---:|---|",
            f"| Weighted-average F1 | {f1['weighted_f1']:.3f} | none set |",
            f"| Macro-average F1 | {f1['macro_f1']:.3f} | none set |",
        ]
        if f1.get("accuracy") is not None:
            lines.append(f"| Accuracy | {f1['accuracy']:.3f} | none set |")
        lines += ["", "| Intent | F1 | Precision | Recall | Support | Confused with |", "|---|---:|---:|---:|---:|---|"]
        for name, values in sorted(f1["per_intent"].items(), key=lambda kv: kv[1]["f1"]):
            confused = ", ".join(f"{k} ({v})" for k, v in values["confused_with"].items()) or ""
            lines.append(
                f"| {name} | {values['f1']:.3f} | {values['precision']:.3f} | {values['recall']:.3f} | "
                f"{values['support']} | {confused} |"
            )
        lines.append("")
    elif report.get("cv_skipped"):
        lines += ["## Intent classification (DIET), cross-validated", "", "Skipped (--skip-cv).", ""]

    REPORT_MD.write_text("\n".join(lines) + "\n", encoding="utf-8")


def quiet_rasa() -> None:
    """Rasa logs every parsed message at debug level through structlog; keep the output to progress lines."""
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)


# --- main ------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-cv", action="store_true", help="skip the cross-validated intent F1 (slow part)")
    parser.add_argument("--folds", type=int, default=3, help="cross-validation folds (default 3)")
    parser.add_argument("--cv-epochs", type=int, default=None,
                        help="DIET epochs for cross-validation (default: as config.yml); writes a temporary config copy")
    args = parser.parse_args()

    quiet_rasa()
    started_wall = dt.datetime.now().isoformat(timespec="seconds")
    started = time.monotonic()
    report: Dict[str, Any] = {
        "started": started_wall,
        "seconds": None,
        "model": str(MODEL_PATH.relative_to(PROJECT_ROOT)),
        "model_modified": dt.datetime.fromtimestamp(MODEL_PATH.stat().st_mtime).isoformat(timespec="seconds")
        if MODEL_PATH.exists() else None,
        "capture_target_percent": CAPTURE_TARGET,
        "warnings": freshness_warnings(),
        "errors": [],
        "notes": [],
        "capture": None,
        "intent_f1": None,
        "cv_skipped": args.skip_cv,
    }
    for warning in report["warnings"]:
        say(f"warning: {warning}")

    try:
        slot_order = yaml.safe_load(DOMAIN_PATH.read_text(encoding="utf-8"))["forms"]["candidacy_form"]["required_slots"]
        heldout = load_heldout(slot_order)
        say(f"{sum(map(len, heldout.values()))} held-out replies for {len(heldout)} questions")
        training = training_texts()
        overlaps = {
            normalise(str(item["text"])): training[normalise(str(item["text"]))]
            for items in heldout.values()
            for item in items
            if normalise(str(item["text"])) in training
        }
        if overlaps:
            say(f"warning: {len(overlaps)} held-out replies are also training examples; they are not scored")
        domain_slots = yaml.safe_load(DOMAIN_PATH.read_text(encoding="utf-8"))["slots"]
        for slot, items in heldout.items():
            for item in items:
                check_expected(slot, item.get("expected"), domain_slots)
        report["capture"] = {}
        asyncio.run(measure_capture(heldout, overlaps, report["notes"], report["capture"]))
        if not args.skip_cv:
            report["intent_f1"] = measure_f1(args.folds, args.cv_epochs)
    except Exception as error:  # a crash: still write what was measured, then fail
        report["errors"].append(f"{type(error).__name__}: {error}")
        traceback.print_exc()

    report["seconds"] = round(time.monotonic() - started, 1)
    write_reports(report)
    say(f"wrote {REPORT_MD.relative_to(PROJECT_ROOT)} and {REPORT_JSON.relative_to(PROJECT_ROOT)} "
        f"in {report['seconds']:.0f}s")
    if report["capture"]:
        missed = [slot for slot, q in report["capture"].items() if not q["met"]]
        say(f"capture target {CAPTURE_TARGET:.0f}%: " + (f"MISSED for {', '.join(missed)}" if missed else "met for every question"))
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
