"""Do huge request bodies, sent by an attacker, slow down other people's turns?

    .venv/bin/python bench/huge_bodies.py

Starts our servers as bench/speed.py does for `make bench` (fresh, on free ports, logs and
the tracker store in a new folder under bench/work/), then:

A. baseline: one person's REST conversation ("hello", "/start_questions", then
   /inform{"answer": "unsure"} over and over), each turn's POST timed;
B. under attack: the same conversation (a new sender) while an attacker process sends
   20 MB and 50 MB bodies to the three channel paths (REST, Twilio, socket.io polling)
   and a body just over 4 MB to the HTTP API, as fast as the server lets them;
C. the same conversation once more, after the attack: the machine's own drift, and
   whether the server is back to normal.

The server should answer each huge body with 413 before reading it (channels/
request_checks.py); the figures show whether it does, how fast, and whether the person
notices. Writes bench/huge_bodies_report.md and bench/huge_bodies_report.json (not
committed). Only 127.0.0.1 is contacted, and the attack is bounded in count and time.
"""
import itertools
import json
import multiprocessing
import os
import select
import socket
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
import speed  # noqa: E402  (bench/speed.py: how `make bench` starts our servers)

PROJECT_ROOT = speed.PROJECT_ROOT
WORK_ROOT = PROJECT_ROOT / "bench" / "work"
MODEL_PATH = PROJECT_ROOT / "models" / "candidacy.tar.gz"
REPORT_MD = PROJECT_ROOT / "bench" / "huge_bodies_report.md"
REPORT_JSON = PROJECT_ROOT / "bench" / "huge_bodies_report.json"

MB = 1024 * 1024
TURNS = 30
WARM_UP_TURNS = 4  # the first turns after start-up are slow for reasons of their own
ATTACKERS = 4  # attack connections open at once
MAX_ATTACKS = 5000  # about 7 s at the rate this machine reached; the conversation takes 3 to 5
MAX_ATTACK_S = 60.0
HEAD_START_S = 0.5  # the attack is in full flow before the person's first turn
SEND_CHUNK = 256 * 1024
SOCKET_TIMEOUT_S = 30.0
# One filler shared by every body: a body is prefix + filler[:n] + suffix, never copied.
FILLER = memoryview(b"a" * (50 * MB))


# --- the person ------------------------------------------------------------------------


def person_messages(turns: int) -> List[str]:
    return ["hello", "/start_questions"] + ['/inform{"answer": "unsure"}'] * (turns - 2)


def talk(base_url: str, turns: int) -> Dict[str, Any]:
    """One conversation through the REST channel; times each POST, first byte sent to last byte read."""
    import requests

    sender = f"bench-huge-{uuid.uuid4().hex}"
    times, errors, unanswered = [], [], 0
    started = time.monotonic()
    with requests.Session() as session:
        for message in person_messages(turns):
            began = time.perf_counter()
            try:
                response = session.post(f"{base_url}/webhooks/rest/webhook", timeout=speed.REQUEST_TIMEOUT_S,
                                        json={"sender": sender, "message": message})
            except requests.RequestException as error:
                errors.append(type(error).__name__)
                continue
            elapsed = time.perf_counter() - began
            if response.status_code != 200:
                errors.append(f"HTTP {response.status_code}")
                continue
            times.append(elapsed)
            unanswered += not response.json()
    return {"sender": sender, "wall_s": round(time.monotonic() - started, 1), **turn_figures(times),
            "errors": len(errors), "error_kinds": sorted(set(errors)), "unanswered_turns": unanswered,
            "turn_ms": [round(1000 * t, 1) for t in times]}  # in order: shows when a slow turn came


def turn_figures(times_s: List[float]) -> Dict[str, Any]:
    if not times_s:
        return {"turns": 0, "p50_ms": None, "p95_ms": None, "max_ms": None}
    return {"turns": len(times_s), "p50_ms": round(1000 * speed.percentile(times_s, 50), 1),
            "p95_ms": round(1000 * speed.percentile(times_s, 95), 1), "max_ms": round(1000 * max(times_s), 1)}


# --- the attacker ------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    path: str  # with its query string
    content_type: str
    prefix: bytes  # the body is prefix + filler + suffix, size bytes in all
    suffix: bytes
    size: int


def targets(token: str, socketio_sid: str) -> List[Target]:
    """Each channel path with a 20 MB and a 50 MB body of its own kind, and the HTTP API just over its limit."""
    kinds = [
        ("REST", "/webhooks/rest/webhook", "application/json", b'{"sender": "attacker", "message": "', b'"}'),
        ("Twilio", "/webhooks/twilio/webhook", "application/x-www-form-urlencoded",
         b"From=%2B15550000000&To=%2B15550000001&Body=", b""),
        ("socket.io polling", f"/socket.io/?EIO=4&transport=polling&sid={socketio_sid}", "text/plain;charset=UTF-8",
         b'42["user_uttered",{"message":"', b'"}]'),
    ]
    channel = [Target(f"{name}, {size // MB} MB", path, ctype, prefix, suffix, size)
               for size in (20 * MB, 50 * MB) for name, path, ctype, prefix, suffix in kinds]
    api = Target("HTTP API /model/parse, 4 MB + 1 kB", f"/model/parse?token={token}", "application/json",
                 b'{"text": "', b'"}', 4 * MB + 1024)
    return channel + [api]


def socketio_session(base_url: str) -> str:
    """A real engine.io session id, so that the polling POSTs are what a browser would send."""
    import requests

    text = requests.get(f"{base_url}/socket.io/", params={"EIO": "4", "transport": "polling"}, timeout=10).text
    return json.loads(text[text.index("{"):])["sid"]  # the open packet: 0{"sid": ...}


def request_pieces(target: Target) -> List[memoryview]:
    head = (f"POST {target.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {target.content_type}\r\n"
            f"Content-Length: {target.size}\r\nConnection: close\r\n\r\n").encode()
    filler = FILLER[:target.size - len(target.prefix) - len(target.suffix)]
    return [memoryview(head), memoryview(target.prefix), filler, memoryview(target.suffix)]


def push(sock: socket.socket, pieces: List[memoryview], deadline: float) -> Dict[str, Any]:
    """Sends the whole request as fast as the server takes it; stops early only when the
    server has answered (readable) or closed the connection, as an attacker's client would."""
    sent = 0
    try:
        for piece in pieces:
            offset = 0
            while offset < len(piece):
                readable, writable, _ = select.select([sock], [sock], [], max(deadline - time.monotonic(), 0))
                if readable:
                    return {"sent": sent, "sending": "answered before the body was sent"}
                if not writable:
                    return {"sent": sent, "sending": "timed out"}
                count = sock.send(piece[offset:offset + SEND_CHUNK])
                offset, sent = offset + count, sent + count
    except (BrokenPipeError, ConnectionResetError):
        return {"sent": sent, "sending": "closed by the server before the body was sent"}
    return {"sent": sent, "sending": "body sent in full"}


def read_status(sock: socket.socket, deadline: float) -> Optional[int]:
    """The status code of the answer, or None when the connection closed (or reset) first."""
    data = b""
    try:
        while b"\r\n" not in data:
            if not select.select([sock], [], [], max(deadline - time.monotonic(), 0))[0]:
                return None
            chunk = sock.recv(4096)
            if not chunk:
                return None
            data += chunk
    except (ConnectionResetError, BrokenPipeError):
        return None
    return int(data.split(b" ", 2)[1])


def attack_once(port: int, target: Target) -> Dict[str, Any]:
    started = time.perf_counter()
    deadline = time.monotonic() + SOCKET_TIMEOUT_S
    with socket.create_connection(("127.0.0.1", port), timeout=SOCKET_TIMEOUT_S) as sock:
        sock.setblocking(False)
        outcome = push(sock, request_pieces(target), deadline)
        status = read_status(sock, deadline)
    return {"target": target.name, "status": status, "answer_s": time.perf_counter() - started, **outcome}


class Attack:
    """ATTACKERS threads cycling over the targets until `stop` is set, MAX_ATTACKS are sent or
    MAX_ATTACK_S have passed. Blocking sockets in threads: each connection sends as fast as the server takes it."""

    def __init__(self, port: int, attack_targets: List[Target], stop: Any):
        self.port, self.stop = port, stop
        self.next_target = itertools.cycle(attack_targets)
        self.results: List[Dict[str, Any]] = []
        self.lock = threading.Lock()
        self.launched = 0

    def run(self) -> Dict[str, Any]:
        started = time.monotonic()
        self.deadline = started + MAX_ATTACK_S
        threads = [threading.Thread(target=self._attack_until_done) for _ in range(ATTACKERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return {"results": self.results, "started": started, "ended": time.monotonic()}

    def _take(self) -> Optional[Target]:
        with self.lock:
            if self.stop.is_set() or self.launched >= MAX_ATTACKS or time.monotonic() > self.deadline:
                return None
            self.launched += 1
            return next(self.next_target)

    def _attack_until_done(self) -> None:
        while (target := self._take()) is not None:
            try:
                result = attack_once(self.port, target)
            except (OSError, ValueError) as error:  # refused, timed out, or no HTTP answer: outcomes too
                result = {"target": target.name, "status": None, "answer_s": None, "sent": 0,
                          "sending": type(error).__name__}
            with self.lock:
                self.results.append(result)


def attack_process(port: int, attack_targets: List[Target], running: Any, stop: Any, outcome: Any) -> None:
    """The attack runs in a process of its own, so that its Python work never holds the GIL
    the person's client needs: a slower turn is then the server's doing, not the client's."""
    attack = Attack(port, attack_targets, stop)
    running.set()
    outcome.put(attack.run())


def attack_figures(results: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Per target: requests, status codes, time to the answer, how sending ended, bytes sent."""
    rows = []
    for name in dict.fromkeys(result["target"] for result in results):
        mine = [result for result in results if result["target"] == name]
        answers = [result["answer_s"] for result in mine if result["status"] is not None]
        rows.append({
            "target": name, "requests": len(mine),
            "status_codes": count_by(str(result["status"] or "no answer read") for result in mine),
            "answer_p50_ms": round(1000 * speed.percentile(answers, 50), 1) if answers else None,
            "answer_max_ms": round(1000 * max(answers), 1) if answers else None,
            "sending": count_by(result["sending"] for result in mine),
            "sent_max_mb": round(max(result["sent"] for result in mine) / MB, 1),
        })
    return rows


def count_by(values: Any) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))


# --- the run ------------------------------------------------------------------------------


def rasa_rss_mb(pid: int) -> float:
    return speed.tree_memory(pid)["rss_mb"]


def load_average() -> List[float]:
    return [round(value, 2) for value in os.getloadavg()]  # the three figures `uptime` shows


def phase_b(base_url: str, system: speed.System, rasa_pid: int) -> Dict[str, Any]:
    attack_targets = targets(system.token, socketio_session(base_url))
    context = multiprocessing.get_context("spawn")  # a clean process: no copy of this one's threads
    running, stop, outcome = context.Event(), context.Event(), context.Queue()
    attacker = context.Process(target=attack_process, args=(system.rasa_port, attack_targets, running, stop, outcome))
    with speed.MemorySampler({"Rasa server": rasa_pid}) as sampler:
        attacker.start()
        try:
            running.wait(timeout=60)
            time.sleep(HEAD_START_S)
            person = talk(base_url, TURNS)
            person_ended = time.monotonic()
        finally:
            stop.set()  # also when the person's side failed: the attack stops with it
        attack = outcome.get(timeout=SOCKET_TIMEOUT_S + 30)  # before join: a full queue would block the child
    attacker.join()
    return {"person": person, "attack": attack_figures(attack["results"]), "attack_requests": len(attack["results"]),
            "attack_sent_mb": round(sum(result["sent"] for result in attack["results"]) / MB),
            "attack_wall_s": round(attack["ended"] - attack["started"], 1),
            "attack_covered_whole_conversation": attack["ended"] >= person_ended,
            "rss_peak_mb": sampler.peak_rss_mb["Rasa server"]}


def still_ready(system: speed.System) -> bool:
    """Does the Rasa server still answer /status with its model loaded?"""
    import requests

    rasa = next(spec for spec in system.servers if spec.name == "Rasa server")
    try:
        return rasa.ready()
    except requests.RequestException:
        return False


def measure(work_dir: Path) -> Dict[str, Any]:
    system = speed.ours_system(MODEL_PATH, work_dir, speed.load_conversations())
    base_url = f"http://127.0.0.1:{system.rasa_port}"
    servers = speed.start_servers(system.servers, work_dir, system.key)
    rasa_pid = next(server.process.pid for server in servers if server.spec.name == "Rasa server")
    rss: Dict[str, float] = {}
    try:
        speed.say(f"warm-up: {WARM_UP_TURNS} turns, not timed")
        talk(base_url, WARM_UP_TURNS)
        rss["before_baseline"] = rasa_rss_mb(rasa_pid)  # what a conversation alone adds, for comparison
        speed.say(f"phase A (baseline): {TURNS} turns")
        baseline = talk(base_url, TURNS)
        rss["before_attack"] = rasa_rss_mb(rasa_pid)
        speed.say(f"phase B (under attack): {TURNS} turns; at most {MAX_ATTACKS} attacks or {MAX_ATTACK_S:.0f} s")
        attacked = phase_b(base_url, system, rasa_pid)
        rss["after_attack"] = rasa_rss_mb(rasa_pid)
        # The same conversation again: how much the machine alone moves the figures; is the server back to normal?
        speed.say(f"phase C (baseline again, after the attack): {TURNS} turns")
        baseline_after = talk(base_url, TURNS)
        alive = still_ready(system)
    finally:
        speed.stop_servers(servers)
    return {"baseline": baseline, "under_attack": attacked, "baseline_after": baseline_after, "rss_mb": rss,
            "server_ready_after_attack": alive}


def main() -> int:
    WORK_ROOT.mkdir(parents=True, exist_ok=True)
    work_dir = Path(tempfile.mkdtemp(prefix="huge_bodies_", dir=WORK_ROOT))
    load_start, started = load_average(), time.monotonic()
    speed.say(f"load average {load_start} on {os.cpu_count()} CPUs; logs in {work_dir.relative_to(PROJECT_ROOT)}")
    result = measure(work_dir)
    result.update({"date": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count(), "load_average_start": load_start,
                   "load_average_end": load_average(), "wall_s": round(time.monotonic() - started, 1),
                   "work_dir": str(work_dir.relative_to(PROJECT_ROOT)), "settings": settings()})
    REPORT_JSON.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    REPORT_MD.write_text(markdown(result), encoding="utf-8")
    speed.say(f"wrote {REPORT_MD.relative_to(PROJECT_ROOT)} and {REPORT_JSON.relative_to(PROJECT_ROOT)}")
    return 0


def settings() -> Dict[str, Any]:
    return {"turns": TURNS, "attackers": ATTACKERS, "max_attacks": MAX_ATTACKS, "max_attack_s": MAX_ATTACK_S,
            "head_start_s": HEAD_START_S}


# --- the report -----------------------------------------------------------------------------


def markdown(result: Dict[str, Any]) -> str:
    return "\n".join([
        "# Huge request bodies: do they slow down other people's turns?", "",
        f"Run on {result['date']} by `bench/huge_bodies.py` ({result['wall_s']:.0f} s in all). Not committed.", "",
        *person_table(result), "", *attack_table(result), "", *machine_lines(result), "", *what_it_shows(result), "",
    ])


def person_table(result: Dict[str, Any]) -> List[str]:
    rows = ["## One person's REST conversation", "",
            "Each turn timed from sending the POST to the last byte of the reply.", "",
            "| phase | turns | p50 turn (ms) | p95 turn (ms) | max turn (ms) | errors | turns with no reply |",
            "|---|---|---|---|---|---|---|"]
    phases = (("A. baseline", result["baseline"]), ("B. under attack", result["under_attack"]["person"]),
              ("C. baseline again, after the attack", result["baseline_after"]))
    for label, p in phases:
        errors = f"{p['errors']} {', '.join(p['error_kinds'])}".strip()
        rows.append(f"| {label} | {p['turns']} | {p['p50_ms']} | {p['p95_ms']} | {p['max_ms']} | {errors} | "
                    f"{p['unanswered_turns']} |")
    return rows


def attack_table(result: Dict[str, Any]) -> List[str]:
    b = result["under_attack"]
    covered = "yes" if b["attack_covered_whole_conversation"] else "**no**: it ended before the conversation did"
    rows = ["## The attack (phase B)", "",
            f"{b['attack_requests']} requests by {ATTACKERS} connections at once (a separate process), over "
            f"{b['attack_wall_s']} s, {b['attack_sent_mb']} MB sent in all; still running at the person's last turn: "
            f"{covered}.", "",
            "- *answer*: from opening the connection to reading the status line of the answer;",
            "- *how sending ended*: the client stops sending only when the answer has come or the server has closed;",
            "- *most sent*: the most bytes one request got into the connection before that, nearly all of it "
            "waiting in the kernel's socket buffers (the server stops reading once 64 kB wait in its own buffer).", "",
            "| target | requests | status codes | answer p50 (ms) | answer max (ms) | how sending ended "
            "| most sent (MB) |",
            "|---|---|---|---|---|---|---|"]
    for row in b["attack"]:
        rows.append(f"| {row['target']} | {row['requests']} | {counts_text(row['status_codes'])} | "
                    f"{row['answer_p50_ms']} | {row['answer_max_ms']} | {counts_text(row['sending'])} | "
                    f"{row['sent_max_mb']} |")
    return rows


def counts_text(counts: Dict[str, int]) -> str:
    return ", ".join(f"{key}: {value}" for key, value in counts.items())


def machine_lines(result: Dict[str, Any]) -> List[str]:
    rss, peak = result["rss_mb"], result["under_attack"]["rss_peak_mb"]
    return ["## Memory and machine", "",
            f"- Rasa server resident memory (VmRSS from /proc/<pid>/status, its process and any children): "
            f"{rss['before_baseline']} MB before "
            f"phase A, {rss['before_attack']} MB after it (what a conversation alone adds), then {peak} MB at the "
            f"peak of the attack (sampled every {speed.MEMORY_SAMPLE_EVERY_S} s), {rss['after_attack']} MB after it.",
            f"- Rasa server still ready (/status with its model) at the end: "
            f"{'yes' if result['server_ready_after_attack'] else '**no**'}.",
            f"- Load average (1, 5, 15 min, as `uptime` shows): {result['load_average_start']} at the start, "
            f"{result['load_average_end']} at the end, on {result['cpus']} CPUs. The machine is shared with other "
            "work, and the attacker runs on it too (a real one would not take our CPU): absolute times move with that."]


def what_it_shows(result: Dict[str, Any]) -> List[str]:
    a, b, c = result["baseline"], result["under_attack"]["person"], result["baseline_after"]
    attack, rss = result["under_attack"]["attack"], result["rss_mb"]
    refused = sum(row["status_codes"].get("413", 0) for row in attack)
    in_full = sum(row["sending"].get("body sent in full", 0) for row in attack)
    not_413 = [f"{row['target']} ({counts_text(row['status_codes'])})"
               for row in attack if set(row["status_codes"]) != {"413"}]
    return ["## What this shows", "",
            "Before the fix, the security issue measured one 50 MB message to the REST channel taking 5.3 s, "
            "stalling every other request for up to 5.1 s and adding about 500 MB of memory. In this run "
            f"{refused} of {result['under_attack']['attack_requests']} huge requests got 413, and {in_full} got their "
            "body sent in full before the answer. "
            + (f"Not answered 413: {'; '.join(not_413)}. " if not_413 else "")
            + f"The person's turns took p50 {b['p50_ms']} ms, p95 {b['p95_ms']} ms, max {b['max_ms']} ms under attack, "
            f"against p50 {a['p50_ms']} / {c['p50_ms']} ms, p95 {a['p95_ms']} / {c['p95_ms']} ms and max "
            f"{a['max_ms']} / {c['max_ms']} ms before / after it. The Rasa server's memory went from "
            f"{rss['before_attack']} MB to {rss['after_attack']} MB across the attack.", "",
            "The server answers on one event loop: a huge request's answer waits behind any turn it is busy with, "
            "so the slowest answers to the attack are about a turn's time; each answer is in turn a little work "
            "the person's turns wait behind.", "",
            f"This is one run of {TURNS} turns per phase on a shared machine, with the attacker on the same CPUs: "
            f"p95 of {TURNS} turns is about the second-slowest turn, and differences of tens of milliseconds "
            "between the phases are within what the machine's other work alone moves (compare A with C). A stall of "
            "seconds, or memory rising by hundreds of MB, would not be."]


if __name__ == "__main__":
    sys.exit(main())
