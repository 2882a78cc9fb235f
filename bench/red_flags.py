"""Urgent warning signs benchmark: a report, never a pass/fail test.

Run from the project root after `make train`:

    .venv/bin/python bench/red_flags.py [--heldout bench/red_flags_heldout.yml]

The held-out set (bench/red_flags_heldout.yml) comes in rounds, each with warning signs
(and the kind of warning they should get) and calm look-alikes. A round is "seen" once
its misses were used to change the detector; the target verdict comes from the last
unseen round, and every round is reported. Every item goes through the trained model
(models/candidacy.tar.gz, loaded once with Rasa's Agent, `agent.parse_message`), so the
whole NLU pipeline decides: the spaCy rules and DIET, with nlp.red_flags.RedFlagDetector
last. An item counts as a warning when the parsed intent is urgent_symptom.

It reports, each next to its target:
- recall on warning signs (target 100%): every miss is listed;
- false-alarm rate on calm look-alikes (target at most 5%): every false alarm is listed;
- for caught signs, whether the kind of warning was the expected one (information only:
  any warning sends the person to help);
- how each warning was reached: the rules (nlp.red_flags.assess found the sign), or
  DIET's urgent_symptom score (with a symptom named and no calm context).

Writes bench/red_flags_report.md and bench/red_flags_report.json (both git-ignored).
The held-out set must share no text with data/nlu, and no text may be in two rounds:
the script refuses to run otherwise.
Exit status: 0 when the benchmark ran (targets missed or not; the report says MISSED),
non-zero when something crashed or the held-out set is invalid.
"""
import argparse
import asyncio
import datetime as dt
import json
import os
import re
import sys
import time
import traceback
import warnings
from pathlib import Path
from typing import Any, Dict, List

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))  # also when a test imports this script
from common import normalise, quiet_rasa, training_texts  # noqa: E402  (bench/common.py)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = PROJECT_ROOT / "bench"
DEFAULT_HELDOUT = BENCH_DIR / "red_flags_heldout.yml"
REPORT_MD = BENCH_DIR / "red_flags_report.md"
REPORT_JSON = BENCH_DIR / "red_flags_report.json"
MODEL_PATH = PROJECT_ROOT / "models" / "candidacy.tar.gz"
MODEL_STAMP = PROJECT_ROOT / "models" / ".trained"
TRAINING_INPUTS = [PROJECT_ROOT / "config.yml", PROJECT_ROOT / "domain.yml", PROJECT_ROOT / "nlp" / "patterns.yml"]

RECALL_TARGET = 100.0  # percent of warning signs that get a warning
FALSE_ALARM_TARGET = 5.0  # at most this percent of calm look-alikes get a warning
URGENT_INTENT = "urgent_symptom"
RED_FLAG_ENTITY = "red_flag"
DETECTOR = "RedFlagDetector"

os.chdir(PROJECT_ROOT)
sys.path.insert(0, str(PROJECT_ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
warnings.filterwarnings("ignore", category=DeprecationWarning)
warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
warnings.filterwarnings("ignore", message=".*SQLAlchemy 2.0.*")


class HeldoutError(ValueError):
    """The held-out set is malformed or overlaps the training data."""


def say(line: str) -> None:
    print(f"[red flags {time.strftime('%H:%M:%S')}] {line}", flush=True)



# --- the held-out set -------------------------------------------------------------------




def load_heldout(path: Path, kinds: List[str], seen: Dict[str, str]) -> List[Dict[str, Any]]:
    """The rounds, checked: each has a name, `seen`, and both lists; every item has text
    (and a known kind for warning signs); no text twice; none of it in data/nlu."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rounds = data.get("rounds") if isinstance(data, dict) else None
    if not isinstance(rounds, list) or not rounds:
        raise HeldoutError(f"{path.name}: needs a non-empty list `rounds`")
    problems: List[str] = []
    texts_seen: Dict[str, str] = {}
    checked: List[Dict[str, Any]] = []
    for number, heldout_round in enumerate(rounds, start=1):
        name = str((heldout_round or {}).get("name") or f"round {number}")
        if not isinstance(heldout_round, dict) or not (
            {"name", "seen", "red_flags", "calm"} <= set(heldout_round) <= {"name", "seen", "first_run", "red_flags", "calm"}
        ):
            problems.append(f"{name}: needs name, seen, red_flags and calm (and optionally first_run)")
            continue
        if not isinstance(heldout_round["seen"], bool):
            problems.append(f"{name}: seen must be true or false")
        for section in ("red_flags", "calm"):
            for item in heldout_round[section] or []:
                if not isinstance(item, dict) or not str(item.get("text") or "").strip():
                    problems.append(f"{name}: {section}: every item needs a text, got {item!r}")
                    continue
                key = normalise(item["text"])
                if section == "red_flags" and item.get("kind") not in kinds:
                    problems.append(f"{name}: {item['text']!r}: kind {item.get('kind')!r} is not one of {kinds}")
                if key in texts_seen:
                    problems.append(f"{name}: {item['text']!r} is already in {texts_seen[key]}")
                texts_seen[key] = f"{name} {section}"
                if key in seen:
                    problems.append(
                        f"{name}: {item['text']!r} is a training example of intent {seen[key]!r} in data/nlu;"
                        " a held-out item must be new to the model"
                    )
        checked.append({
            "name": name,
            "seen": heldout_round["seen"],
            "first_run": heldout_round.get("first_run"),
            "red_flags": list(heldout_round["red_flags"] or []),
            "calm": list(heldout_round["calm"] or []),
        })
    if problems:
        raise HeldoutError(f"{path.name} is not a valid held-out set:\n  " + "\n  ".join(problems))
    return checked


# --- measuring --------------------------------------------------------------------------


def model_staleness() -> List[str]:
    """Training inputs changed since the model was trained (data/, config, domain, patterns)."""
    if not MODEL_PATH.exists():
        raise FileNotFoundError(f"no model at {MODEL_PATH}; run `make train` first")
    trained = MODEL_STAMP.stat().st_mtime if MODEL_STAMP.exists() else MODEL_PATH.stat().st_mtime
    inputs = TRAINING_INPUTS + sorted((PROJECT_ROOT / "data").rglob("*.yml"))
    stale = [str(p.relative_to(PROJECT_ROOT)) for p in inputs if p.exists() and p.stat().st_mtime > trained]
    pipeline_meta = PROJECT_ROOT / "models" / "spacy" / "candidacy_en" / "meta.json"
    patterns = PROJECT_ROOT / "nlp" / "patterns.yml"
    if not pipeline_meta.exists() or patterns.stat().st_mtime > pipeline_meta.stat().st_mtime:
        stale.append("the spaCy pipeline (run `make pipeline`)")
    return stale


def reading(parsed: Dict[str, Any]) -> Dict[str, Any]:
    intent = parsed.get("intent") or {}
    flags = [e for e in parsed.get("entities") or [] if e.get("entity") == RED_FLAG_ENTITY]
    flag = flags[0] if flags else None
    warned = intent.get("name") == URGENT_INTENT
    # DIET's own score, when the detector left the ranking as DIET gave it (no sign found).
    diet = next(
        (float(r.get("confidence") or 0.0) for r in parsed.get("intent_ranking") or [] if r.get("name") == URGENT_INTENT),
        0.0,
    )
    return {
        "warned": warned,
        "diet_urgent": round(diet, 3),
        "kind": flag.get("value") if flag else ("general" if warned else None),
        "intent": intent.get("name"),
        "confidence": round(float(intent.get("confidence") or 0.0), 3),
    }


async def parse_all(items: List[str]) -> Dict[str, Dict[str, Any]]:
    from rasa.core.agent import Agent

    say(f"loading {MODEL_PATH.relative_to(PROJECT_ROOT)} with rasa's Agent")
    started = time.monotonic()
    agent = Agent.load(str(MODEL_PATH))
    if not agent.is_ready():
        raise RuntimeError(f"the model at {MODEL_PATH} did not load")
    say(f"model loaded in {time.monotonic() - started:.0f}s; parsing {len(items)} messages")
    return {text: reading(await agent.parse_message(text)) for text in items}


def rule_readings(texts: List[str]) -> Dict[str, Dict[str, Any]]:
    """What the rules saw in each text (the same spaCy pipeline and detector the model uses)."""
    from actions import language
    from nlp.red_flags import assess

    readings = {}
    for text in texts:
        found = assess(language.parse(text.lower()))
        readings[text] = {
            "rule_kind": found.kind,
            "calm": found.calm,
            "mentions_symptom": found.mentions_symptom,
            "rule_notes": found.reasons,
        }
    return readings


def score(heldout_round: Dict[str, Any], parsed: Dict[str, Dict[str, Any]], readings: Dict[str, Dict[str, Any]]) -> Dict[str, Any]:
    rows = {
        section: [
            {"text": item["text"], "expected_kind": item.get("kind"), **parsed[item["text"]], **readings[item["text"]]}
            for item in heldout_round[section]
        ]
        for section in ("red_flags", "calm")
    }
    for row in rows["red_flags"] + rows["calm"]:
        row["route"] = None if not row["warned"] else ("rules" if row["rule_kind"] else "DIET score")
    signs, calm = rows["red_flags"], rows["calm"]
    caught = [r for r in signs if r["warned"]]
    alarms = [r for r in calm if r["warned"]]
    recall = 100.0 * len(caught) / len(signs) if signs else 0.0
    false_alarm_rate = 100.0 * len(alarms) / len(calm) if calm else 0.0
    routes: Dict[str, int] = {}
    for r in caught + alarms:
        routes[r["route"]] = routes.get(r["route"], 0) + 1
    return {
        "name": heldout_round["name"],
        "seen": heldout_round["seen"],
        "first_run": heldout_round.get("first_run"),
        "recall": {
            "value": round(recall, 1), "target": RECALL_TARGET, "met": recall >= RECALL_TARGET,
            "caught": len(caught), "total": len(signs),
        },
        "false_alarm_rate": {
            "value": round(false_alarm_rate, 1), "target": FALSE_ALARM_TARGET,
            "met": false_alarm_rate <= FALSE_ALARM_TARGET, "alarms": len(alarms), "total": len(calm),
        },
        "kind_agreement": {"same_kind": sum(r["kind"] == r["expected_kind"] for r in caught), "caught": len(caught)},
        "routes": routes,
        "misses": [r for r in signs if not r["warned"]],
        "false_alarms": alarms,
        "other_kind": [r for r in caught if r["kind"] != r["expected_kind"]],
        "rows": rows,
    }


def measure(rounds: List[Dict[str, Any]]) -> Dict[str, Any]:
    from nlp import red_flags

    texts = [item["text"] for r in rounds for section in ("red_flags", "calm") for item in r[section]]
    parsed = asyncio.run(parse_all(texts))
    readings = rule_readings(texts)
    scored = [score(r, parsed, readings) for r in rounds]
    unseen = [r for r in scored if not r["seen"]]
    return {
        "diet_threshold": red_flags.DEFAULT_DIET_THRESHOLD,
        "verdict_round": unseen[-1]["name"] if unseen else None,
        "rounds": scored,
    }


# --- the report --------------------------------------------------------------------------


def md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def verdict(met: bool) -> str:
    return "met" if met else "**MISSED**"


def write_reports(report: Dict[str, Any]) -> None:
    REPORT_JSON.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    lines = [
        "# Urgent warning signs benchmark",
        "",
        f"Run {report['finished']} on `{report['heldout']}` with `{report['model']}`"
        f" ({report['seconds']:.0f}s). Written by bench/red_flags.py; not committed.",
        "",
    ]
    if report.get("error"):
        lines += ["**The benchmark crashed:**", "", "```", report["error"].rstrip(), "```", ""]
    for note in report.get("notes", []):
        lines.append(f"> Note: {note}")
    if report.get("notes"):
        lines.append("")
    result = report.get("result")
    if result:
        verdict_round = next((r for r in result["rounds"] if r["name"] == result["verdict_round"]), None)
        if verdict_round:
            lines += [
                f"**Verdict (on {verdict_round['name']}, the last round nobody tuned on):**"
                f" recall {verdict_round['recall']['value']:.1f}% {verdict(verdict_round['recall']['met'])},"
                f" false alarms {verdict_round['false_alarm_rate']['value']:.1f}%"
                f" {verdict(verdict_round['false_alarm_rate']['met'])}.",
                "",
            ]
        else:
            lines += ["**No verdict:** every round is marked seen; write a fresh round.", ""]
        lines += [
            "| round | recall on warning signs (target 100%) | false alarms on calm look-alikes (target at most 5%)"
            " | caught with the expected kind | warnings reached by | first run, before it was seen |",
            "|---|---|---|---|---|---|",
        ]
        for r in result["rounds"]:
            label = f"{r['name']} ({'seen during development' if r['seen'] else 'unseen'})"
            routes = ", ".join(f"{k} {v}" for k, v in sorted(r["routes"].items())) or "none"
            lines.append(
                f"| {label} | {r['recall']['value']:.1f}% ({r['recall']['caught']}/{r['recall']['total']})"
                f" {verdict(r['recall']['met'])} | {r['false_alarm_rate']['value']:.1f}%"
                f" ({r['false_alarm_rate']['alarms']}/{r['false_alarm_rate']['total']})"
                f" {verdict(r['false_alarm_rate']['met'])} | {r['kind_agreement']['same_kind']}/{r['kind_agreement']['caught']}"
                f" | {routes} | {r.get('first_run') or ('this run' if not r['seen'] else 'not recorded')} |"
            )
        lines += [
            "",
            f"DIET threshold for urgent_symptom: {result['diet_threshold']} (nlp/red_flags.py DEFAULT_DIET_THRESHOLD);"
            " DIET's score counts only when the message names a symptom and has no calm context.",
            "",
        ]
        for r in result["rounds"]:
            lines += [f"## {r['name']}: missed warning signs ({len(r['misses'])})", ""]
            lines += _table(r["misses"], with_expected=True) if r["misses"] else ["None.", ""]
            lines += [f"## {r['name']}: false alarms ({len(r['false_alarms'])})", ""]
            lines += _table(r["false_alarms"], with_expected=False) if r["false_alarms"] else ["None.", ""]
            lines += [f"## {r['name']}: caught with another kind of warning ({len(r['other_kind'])})", ""]
            lines += _table(r["other_kind"], with_expected=True) if r["other_kind"] else ["None.", ""]
    REPORT_MD.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _table(rows: List[Dict[str, Any]], with_expected: bool) -> List[str]:
    head = "| text | expected kind | got | intent (confidence) | what the rules saw |" if with_expected else \
        "| text | got | route | intent (confidence) | what the rules saw |"
    lines = [head, "|---|---|---|---|---|"]
    for r in rows:
        notes = "; ".join(r["rule_notes"]) or "nothing"
        if with_expected:
            lines.append(f"| {md(r['text'])} | {r['expected_kind']} | {r['kind'] or 'no warning'} |"
                         f" {r['intent']} ({r['confidence']:.2f}) | {md(notes)} |")
        else:
            lines.append(f"| {md(r['text'])} | {r['kind']} | {r['route']} | {r['intent']} ({r['confidence']:.2f}) | {md(notes)} |")
    return lines + [""]




def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--heldout", type=Path, default=DEFAULT_HELDOUT)
    args = parser.parse_args()
    started = time.monotonic()
    report: Dict[str, Any] = {
        "heldout": str(args.heldout.resolve().relative_to(PROJECT_ROOT)) if args.heldout.resolve().is_relative_to(PROJECT_ROOT) else str(args.heldout),
        "model": str(MODEL_PATH.relative_to(PROJECT_ROOT)),
        "notes": [],
        "result": None,
        "error": None,
    }
    status = 0
    try:
        quiet_rasa()
        from nlp import red_flags

        rounds = load_heldout(args.heldout, list(red_flags.KINDS), training_texts())
        for r in rounds:
            say(f"{r['name']} ({'seen' if r['seen'] else 'unseen'}): {len(r['red_flags'])} warning signs"
                f" and {len(r['calm'])} calm look-alikes")
        stale = model_staleness()
        if stale:
            report["notes"].append(
                f"the model is older than {', '.join(stale)}; the figures may be stale (run `make train`)."
            )
        report["result"] = measure(rounds)
        for r in report["result"]["rounds"]:
            say(f"{r['name']}: recall {r['recall']['value']:.1f}% (target {RECALL_TARGET:.0f}%), "
                f"false alarms {r['false_alarm_rate']['value']:.1f}% (target <= {FALSE_ALARM_TARGET:.0f}%)")
        verdict_name = report["result"]["verdict_round"]
        verdict_round = next((r for r in report["result"]["rounds"] if r["name"] == verdict_name), None)
        if verdict_round is None:
            say("no unseen round: no verdict")
        elif not (verdict_round["recall"]["met"] and verdict_round["false_alarm_rate"]["met"]):
            say(f"MISSED on {verdict_name}: see the report")
    except Exception:  # noqa: BLE001 - a crash is reported, then the exit status says so
        report["error"] = traceback.format_exc()
        say("crashed:\n" + report["error"])
        status = 1
    report["seconds"] = round(time.monotonic() - started, 1)
    report["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    write_reports(report)
    say(f"wrote {REPORT_MD.relative_to(PROJECT_ROOT)} and {REPORT_JSON.relative_to(PROJECT_ROOT)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
