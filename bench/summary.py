"""The report's first table (every target of issue 8 with its figure and MET/MISSED) and
the speed, memory, start-up and training sections. Pure functions of report.json's
content, so they can be tested without starting anything."""
from typing import Any, Dict, List, Optional

P95_LIMIT_MS = 150.0  # p95 at 10 concurrent conversations
P95_RATIO_LIMIT = 1.5  # ... and at most this many times the starter bot's
TARGET_CONCURRENCY = 10
MEMORY_LIMIT_MB = 1300.0  # both servers together, resident, after the load
READY_LIMIT_S = 30.0
TRAINING_LIMIT_S = 180.0
CAPTURE_TARGET = 95.0
RECALL_TARGET = 100.0
FALSE_ALARM_LIMIT = 5.0
BENCH_LIMIT_S = 15 * 60


def verdict_word(met: Optional[bool]) -> str:
    return {True: "MET", False: "**MISSED**", None: "no verdict"}[met]


def ratio(ours: Optional[float], reference: Optional[float]) -> Optional[float]:
    if ours is None or not reference:
        return None
    return round(ours / reference, 2)


def level(system: Optional[Dict[str, Any]], concurrency: int) -> Optional[Dict[str, Any]]:
    for row in (system or {}).get("levels", []):
        if row["concurrency"] == concurrency:
            return row
    return None


def total_rss_mb(memory: Optional[Dict[str, Dict[str, Any]]]) -> Optional[float]:
    return round(sum(m["rss_mb"] for m in memory.values()), 1) if memory else None


def problems_count(system: Optional[Dict[str, Any]]) -> Optional[int]:
    if not system or not system.get("levels"):
        return None
    return sum(row["errors"] + row["unanswered_turns"] + row["lost_or_reordered_conversations"]
               + row["wrong_conversations"] for row in system["levels"])


def _row(figure: str, value: str, target: str, met: Optional[bool], note: str = "") -> Dict[str, Any]:
    return {"figure": figure, "value": value, "target": target, "met": met, "note": note}


def speed_rows(speed: Optional[Dict[str, Any]]) -> List[Dict[str, Any]]:
    systems = (speed or {}).get("systems", {})
    ours, starter = systems.get("ours"), systems.get("starter")
    if not ours:
        return [_row("Speed, memory and start-up", "not measured", "", None, (speed or {}).get("skipped", ""))]
    ours10, starter10 = level(ours, TARGET_CONCURRENCY), level(starter, TARGET_CONCURRENCY)
    rows = []
    p95 = ours10["p95_ms"] if ours10 else None
    rows.append(_row(f"p95 turn latency at {TARGET_CONCURRENCY} concurrent conversations",
                     f"{p95} ms" if p95 is not None else "not measured",
                     f"< {P95_LIMIT_MS:.0f} ms", None if p95 is None else p95 < P95_LIMIT_MS))
    p95_ratio = ratio(p95, starter10["p95_ms"] if starter10 else None)
    rows.append(_row(f"p95 at {TARGET_CONCURRENCY} concurrent, ours / starter bot",
                     f"{p95_ratio}x ({p95} ms / {starter10['p95_ms'] if starter10 else '?'} ms)"
                     if p95_ratio is not None else "not measured",
                     f"<= {P95_RATIO_LIMIT}x", None if p95_ratio is None else p95_ratio <= P95_RATIO_LIMIT))
    problems = problems_count(ours)
    rows.append(_row("Errors, unanswered or lost/out-of-order turns, wrong conversations (ours, all levels)",
                     str(problems), "0", None if problems is None else problems == 0,
                     "every conversation reached the summary with the right answers stored" if problems == 0 else
                     "see the speed section"))
    starter_problems = problems_count(starter)
    if starter_problems is not None:
        rows.append(_row("Errors, unanswered or lost/out-of-order turns (starter bot, all levels)",
                         str(starter_problems), "0", starter_problems == 0))
    memory = total_rss_mb(ours.get("memory_after_load"))
    rows.append(_row("Resident memory, Rasa server + action server, after the load",
                     f"{memory} MB" if memory is not None else "not measured",
                     f"< {MEMORY_LIMIT_MB:.0f} MB", None if memory is None else memory < MEMORY_LIMIT_MB))
    ready = ours.get("all_ready_s")
    rows.append(_row("Start to ready, both servers started together", f"{ready} s",
                     f"<= {READY_LIMIT_S:.0f} s", None if ready is None else ready <= READY_LIMIT_S))
    return rows


def training_row(training: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    ours = (training or {}).get("ours")
    if not ours:
        return _row("Training from scratch", "not measured", f"< {TRAINING_LIMIT_S:.0f} s", None,
                    (training or {}).get("skipped", ""))
    return _row("Training from scratch (empty cache)", f"{ours['seconds']:.0f} s",
                f"< {TRAINING_LIMIT_S:.0f} s (3 min)", ours["seconds"] < TRAINING_LIMIT_S)


def capture_row(capture_sets: List[Dict[str, Any]]) -> Dict[str, Any]:
    chosen = next((s for s in capture_sets if s.get("verdict") and s.get("questions")), None)
    if not chosen:
        return _row("Free-text capture per question", "not measured", f">= {CAPTURE_TARGET:.0f}% each", None)
    questions = chosen["questions"]
    lowest_slot = min(questions, key=lambda slot: questions[slot]["percent"])
    met = [slot for slot, q in questions.items() if q["met"]]
    return _row(f"Free-text capture per question ({chosen['label']})",
                f"{len(met)}/{len(questions)} questions at target; lowest {questions[lowest_slot]['percent']:.0f}% "
                f"({lowest_slot})",
                f">= {CAPTURE_TARGET:.0f}% each", len(met) == len(questions))


def red_flag_rows(red_flags: Optional[Dict[str, Any]]) -> List[Dict[str, Any]]:
    if not red_flags or not red_flags.get("rounds"):
        return [_row("Red-flag recall and false alarms", "not measured", "", None)]
    chosen = next((r for r in red_flags["rounds"] if r["name"] == red_flags.get("verdict_round")), None)
    shown = chosen or red_flags["rounds"][-1]
    note = "" if chosen else f"every round is marked seen, so no verdict; figures of {shown['name']} for reference"
    recall, alarms = shown["recall"], shown["false_alarm_rate"]
    return [
        _row(f"Red-flag recall ({shown['name']})", f"{recall['value']:.1f}% ({recall['caught']}/{recall['total']})",
             f"{RECALL_TARGET:.0f}%", recall["met"] if chosen else None, note),
        _row(f"Red-flag false alarms ({shown['name']})",
             f"{alarms['value']:.1f}% ({alarms['alarms']}/{alarms['total']})",
             f"<= {FALSE_ALARM_LIMIT:.0f}%", alarms["met"] if chosen else None, note),
    ]


def target_rows(report: Dict[str, Any]) -> List[Dict[str, Any]]:
    rows = speed_rows(report.get("speed"))
    rows.append(training_row(report.get("training")))
    rows.append(capture_row(report.get("capture_sets") or []))
    rows += red_flag_rows(report.get("red_flags"))
    f1 = report.get("intent_f1")
    rows.append(_row("Cross-validated intent F1 (weighted)", f"{f1['weighted_f1']:.3f}" if f1 else "not measured",
                     "none set (trend only)", None, (f1 or {}).get("note") or ""))
    if report.get("seconds") is not None:
        rows.append(_row("This benchmark's own run time", f"{report['seconds'] / 60:.1f} min",
                         f"< {BENCH_LIMIT_S / 60:.0f} min", report["seconds"] < BENCH_LIMIT_S))
    return rows


def md_targets(rows: List[Dict[str, Any]]) -> List[str]:
    lines = ["| Figure | Value | Target | Result | Note |", "|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['figure']} | {row['value']} | {row['target']} | {verdict_word(row['met'])} | {row['note']} |")
    return lines + [""]


def _ms(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.0f}"


def _x(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.2f}x"


def md_speed(speed: Dict[str, Any], training: Optional[Dict[str, Any]]) -> List[str]:
    systems = speed.get("systems", {})
    ours, starter = systems.get("ours"), systems.get("starter")
    lines = ["## Speed and memory through the REST channel", ""]
    if not ours or not starter:
        return lines + [f"Not measured. {speed.get('skipped') or speed.get('error') or ''}", ""]
    lines += [
        "Each conversation is a whole questionnaire answered in free text (bench/load_conversations.yml): "
        "the open question is read from the tracker API between turns; only the POST to "
        "`/webhooks/rest/webhook` is timed, from sending to the last byte of the answer. The starter bot "
        "(`rasa init`) gets conversations of the same number of turns in its own intents, through the same "
        "client code. Each system's servers were started fresh and got one untimed warm-up conversation; "
        "the starter bot was measured first, then ours, never at the same time. Throughput = timed turns / "
        "wall time of the level (the tracker reads between turns are not timed, but they load the server too).",
        "",
        "| Concurrent | System | Conversations | Turns | p50 ms | p95 ms | p99 ms | max ms | Turns/s "
        "| p95 ours/starter | Errors | Unanswered | Lost/reordered | Wrong | CPU ms/turn |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in ours["levels"]:
        reference = level(starter, row["concurrency"])
        for name, system_row in (("starter bot", reference), ("ours", row)):
            if not system_row:
                continue
            cpu = ", ".join(f"{server} {ms:.0f}" for server, ms in system_row.get("cpu_ms_per_turn", {}).items())
            p95_ratio = _x(ratio(row["p95_ms"], reference["p95_ms"] if reference else None)) if name == "ours" else ""
            lines.append(
                f"| {row['concurrency']} | {name} | {system_row['conversations_finished']}/{system_row['conversations']} "
                f"| {system_row['turns']} | {_ms(system_row['p50_ms'])} | {_ms(system_row['p95_ms'])} "
                f"| {_ms(system_row['p99_ms'])} | {_ms(system_row['max_ms'])} | {system_row['turns_per_s']} "
                f"| {p95_ratio} | {system_row['errors']} | {system_row['unanswered_turns']} "
                f"| {system_row['lost_or_reordered_conversations']} | {system_row['wrong_conversations']} | {cpu} |"
            )
    lines.append("")
    for name, system in (("starter bot", starter), ("ours", ours)):
        for row in system["levels"]:
            for detail in row.get("error_kinds", []) + row.get("wrong_details", []):
                lines.append(f"- {name}, {row['concurrency']} concurrent: {detail}")
    lines += ["", "### Ours as a ratio to the starter bot", "",
              "| Figure | Ours | Starter bot | Ours / starter |", "|---|---:|---:|---:|"]
    for row in ours["levels"]:
        reference = level(starter, row["concurrency"]) or {}
        for key, label in (("p50_ms", "p50 ms"), ("p95_ms", "p95 ms"), ("p99_ms", "p99 ms"), ("turns_per_s", "turns/s")):
            lines.append(f"| {label} at {row['concurrency']} concurrent | {row[key]} | {reference.get(key)} "
                         f"| {_x(ratio(row[key], reference.get(key)))} |")
    ours_rss, starter_rss = total_rss_mb(ours["memory_after_load"]), total_rss_mb(starter["memory_after_load"])
    ours_rasa = ours["memory_after_load"].get("Rasa server", {}).get("rss_mb")
    starter_rasa = starter["memory_after_load"].get("Rasa server", {}).get("rss_mb")
    lines += [
        f"| RSS after load, all servers (MB) | {ours_rss} | {starter_rss} | {_x(ratio(ours_rss, starter_rss))} |",
        f"| RSS after load, Rasa server only (MB) | {ours_rasa} | {starter_rasa} | {_x(ratio(ours_rasa, starter_rasa))} |",
        f"| Start to ready, all servers (s) | {ours['all_ready_s']} | {starter['all_ready_s']} "
        f"| {_x(ratio(ours['all_ready_s'], starter['all_ready_s']))} |",
    ]
    if training and training.get("ours") and training.get("starter"):
        for key, label in (("seconds", "Training from scratch (s)"), ("model_mb", "Model size (MB)")):
            a, b = training["ours"][key], training["starter"][key]
            lines.append(f"| {label} | {a} | {b} | {_x(ratio(a, b))} |")
    lines += ["", "### Memory and start-up", "",
              "Resident memory (RSS) of each server's process tree, from /proc: when ready, at its peak "
              "during the load (sampled every 0.5 s), and after the load. PSS shares pages mapped by several "
              "processes among them, so it adds up honestly across servers.", "",
              "| System | Server | Ready after s | RSS ready MB | RSS peak MB | RSS after load MB | PSS after load MB |",
              "|---|---|---:|---:|---:|---:|---:|"]
    for name, system in (("starter bot", starter), ("ours", ours)):
        for server, after in system["memory_after_load"].items():
            lines.append(
                f"| {name} | {server} | {system['ready_s'].get(server)} | {system['memory_ready'][server]['rss_mb']} "
                f"| {system['memory_peak_rss_mb'].get(server)} | {after['rss_mb']} | {after['pss_mb']} |"
            )
    if starter_rasa:
        lines += ["", f"For scale: the starter bot's one Rasa server takes {starter_rasa:.0f} MB, "
                  f"{100 * starter_rasa / MEMORY_LIMIT_MB:.0f}% of the {MEMORY_LIMIT_MB:.0f} MB target for both of "
                  "our servers: most of it is Rasa 3.6 itself with TensorFlow loaded."]
    lines += ["", "Largest parts of our servers' resident memory after the load (by mapped file):", ""]
    for server, mappings in ours.get("memory_where", {}).items():
        parts = ", ".join(f"{m['mapping']} {m['rss_mb']} MB" for m in mappings)
        lines.append(f"- {server}: {parts}")
    lines.append("")
    lines += md_profile(ours.get("profile"))
    return lines


def md_profile(profile: Optional[Dict[str, Any]]) -> List[str]:
    if not profile:
        return []
    lines = ["### Profile of our servers (py-spy)", "",
             "How to read it: one Rasa server process handles the turns of every conversation one at a time, "
             "so under concurrency a turn mostly waits for the others, and p95 grows with the CPU time each "
             "turn costs the Rasa server (CPU ms/turn in the first table). The profile shows what that CPU "
             "time is spent on.", "",
             "A latency target was missed, so py-spy sampled each of our servers (on-CPU stacks, 100 Hz, "
             "non-blocking) during an extra, untimed run at 10 concurrent conversations after the measured "
             "ones. Percentages are of the busy samples (samples of a server waiting for work are left "
             "out). Self = the frame itself was running; inclusive = the frame was on the stack (frames on "
             "more than half of the busy stacks, the servers' own request plumbing, are left out).", ""]
    if profile.get("error"):
        return lines + [f"Not captured: {profile['error']}", ""]
    for server, summary in profile.items():
        if summary.get("error"):
            lines += [f"**{server}**: {summary['error']}", ""]
            continue
        packages = ", ".join(f"{row['package']} {row['percent']}%" for row in summary.get("by_package", [])[:10])
        lines += [f"**{server}** ({summary['samples']} busy samples, {summary.get('idle_samples', 0)} idle; "
                  f"raw stacks in `{summary.get('file')}`). Busy time by package (the package anywhere on "
                  f"the stack): {packages}.", "",
                  "| Top frames, self | % | Top frames, inclusive | % |", "|---|---:|---|---:|"]
        for index in range(max(len(summary["self"]), len(summary["inclusive"]))):
            own = summary["self"][index] if index < len(summary["self"]) else {"frame": "", "percent": ""}
            incl = summary["inclusive"][index] if index < len(summary["inclusive"]) else {"frame": "", "percent": ""}
            lines.append(f"| `{own['frame']}` | {own['percent']} | `{incl['frame']}` | {incl['percent']} |")
        lines.append("")
    return lines


def md_training(training: Dict[str, Any]) -> List[str]:
    lines = ["## Training and model size", ""]
    if not training.get("ours") and not training.get("starter"):
        return lines + [f"Not measured. {training.get('skipped') or training.get('error') or ''}", ""]
    lines += ["Wall time of the command with an empty Rasa cache (RASA_CACHE_DIRECTORY in a fresh temporary "
              "folder), Python start-up included. Ours: `rasa train` of this project (the spaCy pipeline, "
              "built by `make pipeline` in seconds, is not included). Starter bot: `rasa init --no-prompt`, "
              "which writes the starter project and trains it with Rasa's default pipeline.", "",
              "| System | Training from scratch s | Target | Model size MB |", "|---|---:|---|---:|"]
    if training.get("ours"):
        ours = training["ours"]
        lines.append(f"| ours | {ours['seconds']} | < {TRAINING_LIMIT_S:.0f} s: "
                     f"{verdict_word(ours['seconds'] < TRAINING_LIMIT_S)} | {ours['model_mb']} |")
    if training.get("starter"):
        starter = training["starter"]
        lines.append(f"| starter bot | {starter['seconds']} | reference | {starter['model_mb']} |")
    return lines + [""]
