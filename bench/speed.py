"""Speed and memory through the REST channel, ours beside Rasa's starter bot.

bench/run.py calls measure_system() once per system, one after the other, each with
its servers started fresh. The same client code drives both: each conversation is
a sequence of POSTs to /webhooks/rest/webhook (only these are timed), with the
tracker read through the HTTP API after every turn (to know the open question, and
to check at the end that no turn was lost or reordered).

Nothing here prints what a conversation says: progress lines give counts only.
"""
import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = PROJECT_ROOT / ".venv" / "bin"
CONVERSATIONS_PATH = PROJECT_ROOT / "bench" / "load_conversations.yml"

# (concurrent conversations, conversations in all) per level: at 1, a few in a row;
# at 10 and 50, every conversation open at the same time at least once.
LEVELS: Tuple[Tuple[int, int], ...] = ((1, 6), (10, 20), (50, 50))
READY_TIMEOUT_S = 180
REQUEST_TIMEOUT_S = 120
POLL_INTERVAL_S = 0.2
PROGRESS_EVERY_S = 5.0
MEMORY_SAMPLE_EVERY_S = 0.5
MAX_TURNS = 60  # a conversation that never reaches its end is cut here and reported
FLOAT_TOLERANCE = 0.05


def say(line: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {line}", flush=True)


# --- figures -------------------------------------------------------------------------


def percentile(values: Sequence[float], pct: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default method)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * pct / 100.0
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def latency_figures(latencies_s: Sequence[float], wall_s: float) -> Dict[str, Any]:
    if not latencies_s:
        return {"turns": 0, "p50_ms": None, "p95_ms": None, "p99_ms": None, "mean_ms": None, "max_ms": None,
                "turns_per_s": 0.0}
    return {
        "turns": len(latencies_s),
        "p50_ms": round(1000 * percentile(latencies_s, 50), 1),
        "p95_ms": round(1000 * percentile(latencies_s, 95), 1),
        "p99_ms": round(1000 * percentile(latencies_s, 99), 1),
        "mean_ms": round(1000 * sum(latencies_s) / len(latencies_s), 1),
        "max_ms": round(1000 * max(latencies_s), 1),
        "turns_per_s": round(len(latencies_s) / wall_s, 2) if wall_s > 0 else None,
    }


# --- processes and memory (from /proc: psutil is not a dependency) --------------------


def _stat_fields(pid: int) -> List[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    # The command name is in parentheses and may hold spaces: split after the last ")".
    return text[text.rindex(")") + 2:].split()


def process_tree(root: int) -> List[int]:
    """root and every process descended from it."""
    children: Dict[int, List[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int(_stat_fields(int(entry.name))[1])
        except (OSError, ValueError, IndexError):
            continue  # the process ended while we looked
        children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def _status_kib(path: str, key: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_memory(root: int) -> Dict[str, Any]:
    """Resident memory of a process tree. RSS counts shared pages in every process that
    maps them; PSS shares them out, so PSS of two trees adds up honestly."""
    pids = process_tree(root)
    rss = sum(_status_kib(f"/proc/{pid}/status", "VmRSS") for pid in pids)
    pss = sum(_status_kib(f"/proc/{pid}/smaps_rollup", "Pss") for pid in pids)
    return {"rss_mb": round(rss * 1024 / 1e6, 1), "pss_mb": round(pss * 1024 / 1e6, 1), "processes": len(pids)}


def tree_cpu_seconds(root: int) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in process_tree(root):
        try:
            fields = _stat_fields(pid)
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, ValueError, IndexError):
            continue
    return total / ticks


def largest_mappings(root: int, top: int = 6) -> List[Dict[str, Any]]:
    """Where a server's resident memory is, by mapped file ([heap] and anonymous memory too)."""
    by_name: Dict[str, int] = {}
    for pid in process_tree(root):
        name = "[anonymous]"
        try:
            for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
                parts = line.split()
                if parts and "-" in parts[0] and len(parts) >= 5 and not parts[0].endswith(":"):
                    name = parts[5] if len(parts) > 5 else "[anonymous]"
                elif parts and parts[0] == "Rss:":
                    by_name[name] = by_name.get(name, 0) + int(parts[1])
        except OSError:
            continue
    ranked = sorted(by_name.items(), key=lambda kv: kv[1], reverse=True)[:top]
    return [{"mapping": short_path(name), "rss_mb": round(kib * 1024 / 1e6, 1)} for name, kib in ranked]


def short_path(path: str) -> str:
    marker = "site-packages/"
    return path[path.index(marker) + len(marker):] if marker in path else path


class MemorySampler:
    """Peak resident memory of some process trees while the load runs."""

    def __init__(self, roots: Dict[str, int]):
        self.roots = roots
        self.peak_rss_mb = {name: 0.0 for name in roots}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(MEMORY_SAMPLE_EVERY_S):
            for name, root in self.roots.items():
                self.peak_rss_mb[name] = max(self.peak_rss_mb[name], tree_memory(root)["rss_mb"])


# --- servers ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ServerSpec:
    name: str
    command: List[str]
    cwd: Path
    env: Dict[str, str]
    ready: Callable[[], bool]  # True once the server answers as ready


@dataclass
class RunningServer:
    spec: ServerSpec
    process: subprocess.Popen
    started: float
    log_path: Path
    ready_s: Optional[float] = None


def _log_tail(path: Path) -> str:
    return path.read_text(errors="replace")[-3000:] if path.exists() else ""


def start_servers(specs: List[ServerSpec], log_dir: Path, label: str) -> List[RunningServer]:
    """Starts every server at once (as `make run` does) and times each to ready."""
    servers = []
    for spec in specs:
        log_path = log_dir / f"{label}_{spec.name.replace(' ', '_')}.log"
        process = subprocess.Popen(spec.command, cwd=spec.cwd, env=spec.env,
                                   stdout=log_path.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
        servers.append(RunningServer(spec, process, time.monotonic(), log_path))
    deadline = time.monotonic() + READY_TIMEOUT_S
    import requests

    while any(server.ready_s is None for server in servers):
        for server in servers:
            if server.ready_s is not None:
                continue
            if server.process.poll() is not None:
                stop_servers(servers)
                raise RuntimeError(f"{label}: the {server.spec.name} exited early; log:\n{_log_tail(server.log_path)}")
            try:
                if server.spec.ready():
                    server.ready_s = round(time.monotonic() - server.started, 1)
                    say(f"{label}: {server.spec.name} ready in {server.ready_s:.1f}s")
            except requests.RequestException:
                pass
        if time.monotonic() > deadline:
            stop_servers(servers)
            raise RuntimeError(f"{label}: servers not ready after {READY_TIMEOUT_S}s; logs in {log_dir}")
        time.sleep(POLL_INTERVAL_S)
    return servers


def stop_servers(servers: List[RunningServer]) -> None:
    for server in servers:
        if server.process.poll() is None:
            server.process.terminate()
    for server in servers:
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


def rasa_server_spec(model: Path, cwd: Path, port: int, token: str, env: Dict[str, str],
                     endpoints: Optional[Path] = None, credentials: Optional[Path] = None,
                     as_make_run: bool = False) -> ServerSpec:
    """`rasa run`; with as_make_run, through scripts/rasa_server.py with the project's changes
    to Rasa, as `make run` starts it (the starter bot runs plain Rasa)."""
    import requests

    launcher = [str(VENV_BIN / "python"), str(PROJECT_ROOT / "scripts" / "rasa_server.py")] if as_make_run \
        else [str(VENV_BIN / "rasa")]
    command = [*launcher, "run", "--model", str(model), "--interface", "127.0.0.1", "--port", str(port), "--enable-api"]
    if as_make_run:  # the project's launcher takes the token from the environment only
        env = {**env, "RASA_API_TOKEN": token}
    else:
        command.append(f"--auth-token={token}")  # "=": a token may start with "-"
    if endpoints:
        command += ["--endpoints", str(endpoints)]
    if credentials:
        command += ["--credentials", str(credentials)]

    def ready() -> bool:
        response = requests.get(f"http://127.0.0.1:{port}/status", params={"token": token}, timeout=2)
        return response.ok and bool(response.json().get("model_file"))

    return ServerSpec("Rasa server", command, cwd, env, ready)


def action_server_spec(port: int, env: Dict[str, str]) -> ServerSpec:
    import requests

    # As `make run` starts it (scripts/action_server.py: without TensorFlow).
    command = [str(VENV_BIN / "python"), "scripts/action_server.py", "--actions", "actions", "--port", str(port)]

    def ready() -> bool:
        return requests.get(f"http://127.0.0.1:{port}/health", timeout=2).ok

    return ServerSpec("action server", command, PROJECT_ROOT, env, ready)


# --- conversations ---------------------------------------------------------------------


def load_conversations(path: Path = CONVERSATIONS_PATH) -> Dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    messages = data["opening"] + data["starter_cycle"] + [r for p in data["patients"] for r in p["replies"].values()]
    not_text = [message for message in messages if not isinstance(message, str)]
    if not_text:  # YAML reads a bare yes or no as a boolean: quote it
        raise ValueError(f"{path.name}: every message must be text, got {not_text}")
    for patient in data["patients"]:
        unknown = set(patient["replies"]) - set(patient["stored"])
        if unknown:
            raise ValueError(f"{path.name}: {patient['name']}: replies for questions with no stored value: {unknown}")
    return data


def user_texts(tracker: Dict[str, Any]) -> List[str]:
    return [event.get("text") for event in tracker.get("events") or [] if event.get("event") == "user"]


def same_value(expected: Any, got: Any) -> bool:
    if isinstance(expected, float):
        return isinstance(got, (int, float)) and abs(got - expected) <= FLOAT_TOLERANCE
    if isinstance(expected, list):
        return isinstance(got, list) and sorted(got) == sorted(expected)
    return got == expected


class Questionnaire:
    """Our assistant: the opening, then the reply to whichever question is open."""

    # Our REST channel stores a sender's conversation under this prefix (channels/identity.py).
    conversation_prefix = "rest:"

    def __init__(self, patient: Dict[str, Any], opening: List[str], summary_intro: str, read_back_reply: str):
        self.name = patient["name"]
        self.replies = patient["replies"]
        self.stored = patient["stored"]
        self.opening = opening
        self.summary_intro = summary_intro
        self.read_back_reply = read_back_reply
        self.planned_turns = len(opening) + len(self.replies) + 1

    def next_message(self, turn: int, tracker: Optional[Dict[str, Any]]) -> Optional[str]:
        if turn < len(self.opening):
            return self.opening[turn]
        slots = (tracker or {}).get("slots", {})
        open_question = slots.get("requested_slot")
        if open_question is None:
            # no question left: the answers were read back; accept them once to get the summary
            return self.read_back_reply if slots.get("summary_topics") is None else None
        # A question these answers should have skipped: stop; check() reports it.
        return self.replies.get(open_question)

    def check(self, tracker: Dict[str, Any], last_reply: List[Dict[str, Any]]) -> List[str]:
        slots = tracker.get("slots") or {}
        problems = []
        if slots.get("requested_slot") is not None:
            problems.append(f"ended with question {slots['requested_slot']} still open")
        if slots.get("summary_topics") is None or self.summary_intro not in " ".join(
            str(message.get("text") or "") for message in last_reply
        ):
            problems.append("did not reach the summary")
        wrong = [slot for slot, expected in self.stored.items() if not same_value(expected, slots.get(slot))]
        if wrong:
            problems.append(f"wrong stored answers: {', '.join(wrong)}")
        return problems


class StarterScript:
    """Rasa's starter bot: its own intents, for as many turns as the questionnaire beside it."""

    def __init__(self, cycle: List[str], turns: int):
        self.name = f"starter bot, {turns} turns"
        self.cycle = cycle
        self.planned_turns = turns

    def next_message(self, turn: int, tracker: Optional[Dict[str, Any]]) -> Optional[str]:
        return self.cycle[turn % len(self.cycle)] if turn < self.planned_turns else None

    def check(self, tracker: Dict[str, Any], last_reply: List[Dict[str, Any]]) -> List[str]:
        return []


# --- the load --------------------------------------------------------------------------


@dataclass
class LevelTally:
    latencies_s: List[float] = field(default_factory=list)
    turns: int = 0
    conversations_done: int = 0
    errors: List[str] = field(default_factory=list)  # HTTP errors, timeouts, refused connections
    unanswered_turns: int = 0  # a 200 with no message at all
    lost_or_reordered: int = 0  # conversations whose tracker does not hold the turns sent, in order
    failed: List[str] = field(default_factory=list)  # conversations that did not end as they must


async def run_conversation(session: Any, base_url: str, token: str, script: Any, tally: LevelTally) -> None:
    import aiohttp

    sender = f"bench-{uuid.uuid4().hex}"
    sent: List[str] = []
    tracker: Optional[Dict[str, Any]] = None
    reply: List[Dict[str, Any]] = []
    try:
        message = script.next_message(0, None)
        while message is not None and len(sent) < MAX_TURNS:
            started = time.perf_counter()
            async with session.post(f"{base_url}/webhooks/rest/webhook",
                                    json={"sender": sender, "message": message}) as response:
                body = await response.read()
                status = response.status
            elapsed = time.perf_counter() - started
            if status != 200:
                tally.errors.append(f"webhook answered HTTP {status}")
                return
            tally.latencies_s.append(elapsed)
            tally.turns += 1
            sent.append(message)
            reply = json.loads(body)
            if not reply:
                tally.unanswered_turns += 1
            conversation = getattr(script, "conversation_prefix", "") + sender
            async with session.get(f"{base_url}/conversations/{conversation}/tracker",
                                   params={"token": token}) as response:
                if response.status != 200:
                    tally.errors.append(f"tracker API answered HTTP {response.status}")
                    return
                tracker = await response.json()
            message = script.next_message(len(sent), tracker)
    except (aiohttp.ClientError, asyncio.TimeoutError, json.JSONDecodeError) as error:
        tally.errors.append(f"{type(error).__name__}: {str(error)[:120]}")
        return
    if user_texts(tracker or {}) != sent:
        tally.lost_or_reordered += 1
    problems = script.check(tracker or {}, reply)
    if len(sent) >= MAX_TURNS:
        problems.append(f"still going after {MAX_TURNS} turns")
    if problems:
        tally.failed.append(f"{script.name}: {'; '.join(problems)}")
    tally.conversations_done += 1


async def drive(base_url: str, token: str, scripts: List[Any], concurrency: int, label: str) -> Dict[str, Any]:
    """Runs every script, `concurrency` conversations at a time; times each webhook POST."""
    import aiohttp

    tally = LevelTally()
    queue: asyncio.Queue = asyncio.Queue()
    for script in scripts:
        queue.put_nowait(script)

    async def worker(session: Any) -> None:
        while not queue.empty():
            await run_conversation(session, base_url, token, queue.get_nowait(), tally)

    async def progress(started: float) -> None:
        while True:
            await asyncio.sleep(PROGRESS_EVERY_S)
            say(f"{label}: {tally.conversations_done}/{len(scripts)} conversations, {tally.turns} turns, "
                f"{len(tally.errors)} errors ({time.monotonic() - started:.0f}s)")

    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    connector = aiohttp.TCPConnector(limit=concurrency + 2)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.monotonic()
        reporter = asyncio.ensure_future(progress(started))
        await asyncio.gather(*(worker(session) for _ in range(min(concurrency, len(scripts)))))
        wall_s = time.monotonic() - started
        reporter.cancel()
    figures = latency_figures(tally.latencies_s, wall_s)
    say(f"{label}: done in {wall_s:.0f}s: {tally.turns} turns, p50 {figures['p50_ms']} ms, "
        f"p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms, {figures['turns_per_s']} turns/s, "
        f"{len(tally.errors)} errors, {len(tally.failed)} conversations wrong")
    return {
        "concurrency": concurrency,
        "conversations": len(scripts),
        "conversations_finished": tally.conversations_done,
        "wall_s": round(wall_s, 1),
        **figures,
        "errors": len(tally.errors),
        "error_kinds": sorted(set(tally.errors))[:10],
        "unanswered_turns": tally.unanswered_turns,
        "lost_or_reordered_conversations": tally.lost_or_reordered,
        "wrong_conversations": len(tally.failed),
        "wrong_details": tally.failed[:10],
    }


# --- one system, start to finish ------------------------------------------------------------


@dataclass
class System:
    key: str  # "ours" or "starter"
    label: str
    servers: List[ServerSpec]
    rasa_port: int
    token: str
    scripts: List[Any]  # cycled over the conversations of a level


def scripts_for(system: System, count: int) -> List[Any]:
    return [system.scripts[i % len(system.scripts)] for i in range(count)]


def measure_system(system: System, levels: Sequence[Tuple[int, int]], log_dir: Path,
                   after_load: Optional[Callable[[System, Dict[str, int], Dict[str, Any]], Any]] = None) -> Dict[str, Any]:
    """Fresh servers, time to ready, a warm-up conversation, the levels in turn, then memory.

    after_load(system, pids, result so far) runs while the servers are still up (the profile pass).
    """
    base_url = f"http://127.0.0.1:{system.rasa_port}"
    say(f"{system.label}: starting {' and '.join(spec.name for spec in system.servers)}")
    servers = start_servers(system.servers, log_dir, system.key)
    pids = {server.spec.name: server.process.pid for server in servers}
    result: Dict[str, Any] = {
        "label": system.label,
        "ready_s": {server.spec.name: server.ready_s for server in servers},
        "all_ready_s": max(server.ready_s or 0 for server in servers),
        "levels": [],
    }
    try:
        say(f"{system.label}: warm-up conversation (not timed)")
        warm_up = asyncio.run(drive(base_url, system.token, scripts_for(system, 1), 1, f"{system.label}, warm-up"))
        result["warm_up_ok"] = warm_up["errors"] == 0 and warm_up["wrong_conversations"] == 0
        result["memory_ready"] = {name: tree_memory(pid) for name, pid in pids.items()}
        with MemorySampler(pids) as sampler:
            for concurrency, conversations in levels:
                label = f"{system.label}, {concurrency} concurrent"
                say(f"{label}: {conversations} whole conversations")
                cpu_before = {name: tree_cpu_seconds(pid) for name, pid in pids.items()}
                level = asyncio.run(drive(base_url, system.token, scripts_for(system, conversations), concurrency, label))
                level["cpu_ms_per_turn"] = {
                    name: round(1000 * (tree_cpu_seconds(pid) - cpu_before[name]) / max(level["turns"], 1), 1)
                    for name, pid in pids.items()
                }
                result["levels"].append(level)
        result["memory_after_load"] = {name: tree_memory(pid) for name, pid in pids.items()}
        result["memory_peak_rss_mb"] = sampler.peak_rss_mb
        result["memory_where"] = {name: largest_mappings(pid) for name, pid in pids.items()}
        after_load_rss = sum(m["rss_mb"] for m in result["memory_after_load"].values())
        say(f"{system.label}: resident memory after the load {after_load_rss:.0f} MB (all servers)")
        if after_load:
            result["profile"] = after_load(system, pids, result)
    finally:
        stop_servers(servers)
    return result


# --- the profile, when a speed target is missed ----------------------------------------


def profile_load(system: System, pids: Dict[str, int], work_dir: Path, concurrency: int, conversations: int) -> Dict[str, Any]:
    """py-spy samples each server (on-CPU, in raw collapsed-stack form) during an extra,
    untimed run at `concurrency`; the figures in the report come from the timed run."""
    py_spy = VENV_BIN / "py-spy"
    if not py_spy.exists():
        return {"error": "py-spy is not installed in .venv (make install)"}
    recorders = {}
    for name, pid in pids.items():
        output = work_dir / f"profile_{system.key}_{name.replace(' ', '_')}.txt"
        command = [str(py_spy), "record", "--pid", str(pid), "--format", "raw", "--rate", "100",
                   "--nonblocking", "--subprocesses", "--output", str(output)]
        log = (work_dir / f"profile_{system.key}_{name.replace(' ', '_')}.log").open("w")
        recorders[name] = (subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT), output)
    time.sleep(1.0)  # let py-spy attach
    label = f"{system.label}, profile pass at {concurrency} concurrent (py-spy attached, not timed)"
    say(label)
    asyncio.run(drive(f"http://127.0.0.1:{system.rasa_port}", system.token, scripts_for(system, conversations),
                      concurrency, label))
    summaries = {}
    for name, (process, output) in recorders.items():
        process.send_signal(signal.SIGINT)  # py-spy writes its output when interrupted
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
        summaries[name] = summarise_raw_profile(output) if output.exists() else {"error": "py-spy wrote no profile"}
        summaries[name]["file"] = str(output.relative_to(PROJECT_ROOT))
    return summaries


def parse_raw_profile(text: str) -> List[Tuple[List[str], int]]:
    """py-spy --format raw: one line per distinct stack, 'frame;frame;...;frame count' (root first)."""
    stacks = []
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [frame for frame in stack.split(";") if not frame.startswith(("process ", "thread "))]
        if frames and count.isdigit():  # (the process frame names the command line: left out)
            stacks.append((frames, int(count)))
    return stacks


# Sanic runs on uvloop: while a server waits for work, py-spy sees this Python frame on
# top (the poll itself is C code), so samples ending here are idle time, not work.
IDLE_LEAF = "serve (sanic/server/runners.py"


def summarise_raw_profile(path: Path, top: int = 12) -> Dict[str, Any]:
    """The busiest frames of a py-spy raw profile, as percentages of the busy samples."""
    all_stacks = parse_raw_profile(path.read_text(errors="replace"))
    stacks = [(frames, count) for frames, count in all_stacks if not frames[-1].startswith(IDLE_LEAF)]
    total = sum(count for _, count in stacks)
    idle = sum(count for _, count in all_stacks) - total
    if not total:
        return {"samples": 0, "idle_samples": idle, "self": [], "inclusive": []}
    own: Dict[str, int] = {}
    inclusive: Dict[str, int] = {}
    packages: Dict[str, int] = {}
    for frames, count in stacks:
        own[frames[-1]] = own.get(frames[-1], 0) + count
        for package in {package_of(frame) for frame in frames}:
            packages[package] = packages.get(package, 0) + count
        # Inclusive time is per function: the line a caller is on does not matter.
        for function in {re.sub(r":\d+\)$", ")", frame) for frame in frames if not frame.startswith(PLUMBING)}:
            inclusive[function] = inclusive.get(function, 0) + count

    def ranked(counts: Dict[str, int], skip_above: float = 101.0) -> List[Dict[str, Any]]:
        rows = [(frame, 100.0 * count / total) for frame, count in counts.items()]
        rows = [row for row in rows if row[1] <= skip_above]
        rows.sort(key=lambda row: (-row[1], row[0]))
        return [{"frame": short_path(frame), "percent": round(percent, 1)} for frame, percent in rows[:top]]

    return {"samples": total, "idle_samples": idle, "self": ranked(own),
            "inclusive": ranked(inclusive, skip_above=INCLUSIVE_SKIP_ABOVE),
            "by_package": [{"package": row["frame"], "percent": row["percent"]} for row in ranked(packages)]}


# Frames on more than this percent of the busy stacks are the server's own plumbing (the
# event loop, the web framework's request handling, Rasa's message handler): left out
# of the inclusive ranking, so that what the time is spent on shows.
INCLUSIVE_SKIP_ABOVE = 50.0
# Frames that only pass a call along (the task scheduler Rasa runs its graph on, the
# event loop, the web framework): on the stack of nearly everything, they say nothing.
PLUMBING = ("<module> (", "get_sync (dask", "get_async (dask", "<listcomp> (dask",
            "batch_execute_tasks (dask", "fire_tasks (dask", "_execute_task (dask", "execute_task (dask")


def package_of(frame: str) -> str:
    """'parse (rasa/core/processor.py:12)' -> 'rasa'; a standard-library module keeps its file name."""
    location = short_path(frame[frame.rfind("(") + 1:].rstrip(")"))
    head = location.split("/")[0]
    return head.split(".py")[0].split(":")[0] if head else "?"


# --- the two systems -------------------------------------------------------------------------


def _base_env() -> Dict[str, str]:
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SANIC_HOST": "127.0.0.1"}


def ours_system(model: Path, work_dir: Path, conversations: Dict[str, Any]) -> System:
    """Our assistant as `make run` starts it: the action server and the Rasa server with
    endpoints.yml (SQLite tracker store, in a fresh file here) and credentials.yml."""
    import secrets

    rasa_port, actions_port, token = free_port(), free_port(), secrets.token_urlsafe(24)
    tracker_db = work_dir / "speed_conversations.db"
    for stale in work_dir.glob("speed_conversations.db*"):
        stale.unlink()
    env = {**_base_env(), "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
           "TRACKER_DB": str(tracker_db), "CONVERSATION_SECRET": secrets.token_urlsafe(32),
           "ACTION_SERVER_TOKEN": secrets.token_urlsafe(32)}
    summary_intro = yaml.safe_load((PROJECT_ROOT / "content" / "summary.yml").read_text(encoding="utf-8"))["text"]["intro"]
    scripts = [Questionnaire(patient, conversations["opening"], summary_intro, conversations["read_back_reply"])
               for patient in conversations["patients"]]
    servers = [
        action_server_spec(actions_port, env),
        rasa_server_spec(model, PROJECT_ROOT, rasa_port, token, env, endpoints=PROJECT_ROOT / "endpoints.yml",
                         credentials=PROJECT_ROOT / "credentials.yml", as_make_run=True),
    ]
    return System("ours", "ours", servers, rasa_port, token, scripts)


def starter_system(folder: Path, conversations: Dict[str, Any], questionnaires: List[Questionnaire]) -> System:
    """The starter bot as `rasa init` wrote it (in-memory tracker store, no action server),
    one script per questionnaire with as many turns."""
    import secrets

    rasa_port, token = free_port(), secrets.token_urlsafe(24)
    scripts = [StarterScript(conversations["starter_cycle"], q.planned_turns) for q in questionnaires]
    servers = [rasa_server_spec(folder / "models", folder, rasa_port, token, _base_env(),
                                endpoints=folder / "endpoints.yml", credentials=folder / "credentials.yml")]
    return System("starter", "starter bot", servers, rasa_port, token, scripts)
