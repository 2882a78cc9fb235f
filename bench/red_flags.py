"""Urgent warning signs benchmark: recall and false alarms, for bench/run.py's report.

bench/run.py calls measure_with_agent() with the model it has loaded once
(models/candidacy.tar.gz, Rasa's Agent) and puts markdown_lines() into bench/report.md
(the figures into bench/report.json under `red_flags`).

The held-out set (bench/red_flags_heldout.yml) comes in rounds, each with warning signs
(and the kind of warning they should get) and calm look-alikes. A round is "seen" once
its misses were used to change the detector; the target verdict comes from the last
unseen round, and every round is reported. Adding a fresh round is a data change only:
append it with `seen: false` (and mark the round it replaces `seen: true`). Every item
goes through `agent.parse_message`, so the whole NLU pipeline decides: the spaCy rules
and DIET, with nlp.red_flags.RedFlagDetector last. An item counts as a warning when the
parsed intent is urgent_symptom.

Reported, each next to its target:
- recall on warning signs (target 100%): every miss is listed;
- false-alarm rate on calm look-alikes (target at most 5%): every false alarm is listed;
- for caught signs, whether the kind of warning was the expected one (information only:
  any warning sends the person to help);
- how each warning was reached: the rules (nlp.red_flags.assess found the sign), or
  DIET's urgent_symptom score (with a symptom named and no calm context).

The held-out set must share no text with data/nlu, and no text may be in two rounds:
load_heldout() refuses it otherwise.
"""
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))  # also when a test imports this script
from common import normalise, prepare_process, training_texts  # noqa: E402  (bench/common.py)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = PROJECT_ROOT / "bench"
DEFAULT_HELDOUT = BENCH_DIR / "red_flags_heldout.yml"

RECALL_TARGET = 100.0  # percent of warning signs that get a warning
FALSE_ALARM_TARGET = 5.0  # at most this percent of calm look-alikes get a warning
URGENT_INTENT = "urgent_symptom"
RED_FLAG_ENTITY = "red_flag"
DETECTOR = "RedFlagDetector"

prepare_process()


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
            {"text": item["text"], "expected_kind": item.get("kind"), "reason": item.get("reason"),
             **parsed[item["text"]], **readings[item["text"]]}
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
        "by_kind": _tally(signs, "expected_kind"),
        "by_reason": _tally(calm, "reason"),
        "rows": rows,
    }


def _tally(rows: List[Dict[str, Any]], key: str) -> Dict[str, Dict[str, int]]:
    """{kind or reason: {"warned": n, "total": m}}; rows without the key count as "not given"."""
    tally: Dict[str, Dict[str, int]] = {}
    for row in rows:
        entry = tally.setdefault(row.get(key) or "not given", {"warned": 0, "total": 0})
        entry["total"] += 1
        entry["warned"] += bool(row["warned"])
    return dict(sorted(tally.items()))


async def measure_with_agent(agent: Any, heldout_path: Path = DEFAULT_HELDOUT) -> Dict[str, Any]:
    """Checks the held-out set, parses every item with the loaded model, scores each round."""
    from nlp import red_flags

    started = time.monotonic()
    rounds = load_heldout(heldout_path, list(red_flags.KINDS), training_texts())
    for r in rounds:
        say(f"{r['name']} ({'seen' if r['seen'] else 'unseen'}): {len(r['red_flags'])} warning signs"
            f" and {len(r['calm'])} calm look-alikes")
    texts = [item["text"] for r in rounds for section in ("red_flags", "calm") for item in r[section]]
    parsed = {text: reading(await agent.parse_message(text)) for text in texts}
    readings = rule_readings(texts)
    scored = [score(r, parsed, readings) for r in rounds]
    unseen = [r for r in scored if not r["seen"]]
    result = {
        "heldout": str(heldout_path.resolve().relative_to(PROJECT_ROOT)),
        "diet_threshold": red_flags.DEFAULT_DIET_THRESHOLD,
        "verdict_round": unseen[-1]["name"] if unseen else None,
        "rounds": scored,
        "seconds": round(time.monotonic() - started, 1),
    }
    for r in scored:
        say(f"{r['name']}: recall {r['recall']['value']:.1f}% (target {RECALL_TARGET:.0f}%), "
            f"false alarms {r['false_alarm_rate']['value']:.1f}% (target <= {FALSE_ALARM_TARGET:.0f}%)")
    if not unseen:
        say("no unseen round: no verdict")
    return result


def verdict_round(result: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    return next((r for r in result["rounds"] if r["name"] == result["verdict_round"]), None)


# --- the report --------------------------------------------------------------------------


def md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def verdict(met: bool) -> str:
    return "met" if met else "**MISSED**"


def markdown_lines(result: Dict[str, Any]) -> List[str]:
    """The red-flag section of bench/report.md: the verdict, a row per round, then every miss."""
    lines = [
        "## Urgent warning signs (held-out phrasings)",
        "",
        f"Every phrasing of `{result['heldout']}` parsed by the trained model (DIET, then the spaCy rules of "
        f"nlp.red_flags.RedFlagDetector); a warning is the intent urgent_symptom. {result['seconds']:.0f}s.",
        "",
    ]
    chosen = verdict_round(result)
    if chosen:
        lines += [
            f"**Verdict (on {chosen['name']}, the last round nobody tuned on):**"
            f" recall {chosen['recall']['value']:.1f}% {verdict(chosen['recall']['met'])},"
            f" false alarms {chosen['false_alarm_rate']['value']:.1f}%"
            f" {verdict(chosen['false_alarm_rate']['met'])}.",
            "",
        ]
    else:
        lines += ["**No verdict:** every round is marked seen (its misses were used to tune the detector); "
                  "write a fresh round before trusting these figures.", ""]
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
    if chosen:
        lines += ["", f"**{chosen['name']}, by kind of warning sign** (recall) and **by kind of calm look-alike** (false alarms):", ""]
        lines += ["| kind of sign | caught |", "|---|---:|"]
        lines += [f"| {k} | {v['warned']}/{v['total']} |" for k, v in chosen["by_kind"].items()]
        lines += ["", "| why the look-alike is calm | false alarms |", "|---|---:|"]
        lines += [f"| {k} | {v['warned']}/{v['total']} |" for k, v in chosen["by_reason"].items()]
    lines += [
        "",
        f"DIET threshold for urgent_symptom: {result['diet_threshold']} (nlp/red_flags.py DEFAULT_DIET_THRESHOLD);"
        " DIET's score counts only when the message names a symptom and has no calm context.",
        "",
    ]
    for r in result["rounds"]:
        lines += [f"### {r['name']}: missed warning signs ({len(r['misses'])})", ""]
        lines += _table(r["misses"], with_expected=True) if r["misses"] else ["None.", ""]
        lines += [f"### {r['name']}: false alarms ({len(r['false_alarms'])})", ""]
        lines += _table(r["false_alarms"], with_expected=False) if r["false_alarms"] else ["None.", ""]
        lines += [f"### {r['name']}: caught with another kind of warning ({len(r['other_kind'])})", ""]
        lines += _table(r["other_kind"], with_expected=True) if r["other_kind"] else ["None.", ""]
    return lines


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
