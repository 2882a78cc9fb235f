"""Starts Debian's PostgreSQL and Redis on 127.0.0.1, then one action server and two Rasa
instances using deploy/endpoints.scaled.yml, for the scale-out tests (`make test-scale`).

Each server gets a free port and a fresh temporary directory, and needs a password, as a
deployment would. Everything is stopped, and its files removed, when the session ends,
also after a failure.
"""
import contextlib
import importlib.util
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg2
import pytest
import redis
import requests

# action_gate.py sits beside this file.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from action_gate import ActionGate  # noqa: E402

PROJECT = Path(__file__).resolve().parents[2]
SCALED_ENDPOINTS = "deploy/endpoints.scaled.yml"
START_TIMEOUT_S = 60
DATABASE, DATABASE_USER = "talkprep", "talkprep"
REDIS_KEY_PREFIX = "talkprep"
REDIS_DB = "1"


def load_e2e_helpers():
    """The end-to-end tests' server helpers, loaded by path (see tests/browser/conftest.py)."""
    spec = importlib.util.spec_from_file_location("e2e_helpers", PROJECT / "tests" / "e2e" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_e2e = load_e2e_helpers()
Servers, free_port = _e2e.Servers, _e2e.free_port


@pytest.fixture(autouse=True)
def no_network():
    """These tests talk to real servers on 127.0.0.1: lift the unit tests' network guard."""
    yield


def postgres_bin() -> Path:
    """Debian's newest PostgreSQL server programs (`make databases` installs them when missing)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parent.parent.name))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run `make databases` (or `make test-scale`)")
    return found[-1].parent


def server_user():
    """PostgreSQL refuses to run as root; then it runs as Debian's `postgres` user."""
    return "postgres" if os.geteuid() == 0 else None


def wait_until(check, what: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited early:\n{log.read_text()[-4000:]}")
        try:
            if check():
                return
        except (psycopg2.OperationalError, redis.ConnectionError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} not ready after {START_TIMEOUT_S} s:\n{log.read_text()[-4000:]}")


def stop(process: subprocess.Popen, how=signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(how)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Postgres:
    def __init__(self, port: int, password: str, log: Path):
        self.port, self.password, self.log = port, password, log

    def connect(self):
        return psycopg2.connect(host="127.0.0.1", port=self.port, dbname=DATABASE, user=DATABASE_USER,
                                password=self.password, connect_timeout=10)

    def events(self, sender: str) -> list:
        """The conversation's rows in Rasa's `events` table, in the order Rasa reads them."""
        with contextlib.closing(self.connect()) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT type_name, data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
            return [(type_name, json.loads(data)) for type_name, data in cursor.fetchall()]


@contextlib.contextmanager
def postgres_running():
    """initdb into a fresh directory, then `postgres` on 127.0.0.1 only (no Unix socket); a
    superuser for the set-up and, as in a deployment, a login role owning its database."""
    binaries, user = postgres_bin(), server_user()
    home = Path(tempfile.mkdtemp(prefix="scale-postgres-"))
    admin_password, password = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    process = None
    try:
        (home / "admin-password").write_text(admin_password)
        if user:
            account = pwd.getpwnam(user)
            for path in (home, home / "admin-password"):
                os.chown(path, account.pw_uid, account.pw_gid)
        log = home / "postgres.log"
        subprocess.run(
            [binaries / "initdb", "-D", home / "data", "-U", "admin", "--pwfile", home / "admin-password",
             "--auth", "scram-sha-256", "-E", "UTF8", "--locale", "C"],
            user=user, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        port = free_port()
        process = subprocess.Popen(
            [binaries / "postgres", "-D", home / "data", "-p", str(port),
             "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
            user=user, stdout=log.open("w"), stderr=subprocess.STDOUT,
        )

        def connect_admin():
            return psycopg2.connect(host="127.0.0.1", port=port, dbname="postgres", user="admin",
                                    password=admin_password, connect_timeout=2)

        wait_until(lambda: connect_admin().close() is None, "PostgreSQL", process, log)
        with contextlib.closing(connect_admin()) as admin:
            admin.autocommit = True  # CREATE DATABASE cannot run in a transaction
            with admin.cursor() as cursor:
                cursor.execute(f"CREATE ROLE {DATABASE_USER} LOGIN PASSWORD %s", (password,))
                cursor.execute(f"CREATE DATABASE {DATABASE} OWNER {DATABASE_USER}")
        yield Postgres(port, password, log)
    finally:
        if process:
            stop(process, signal.SIGINT)  # "fast" shutdown: does not wait for clients to leave
        shutil.rmtree(home, ignore_errors=True)


class RedisServer:
    def __init__(self, port: int, password: str):
        self.port, self.password = port, password

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, password=self.password, db=int(REDIS_DB),
                           socket_timeout=10)


@contextlib.contextmanager
def redis_running():
    """redis-server on 127.0.0.1 with a password and no persistence."""
    home = Path(tempfile.mkdtemp(prefix="scale-redis-"))
    password, port = secrets.token_urlsafe(16), free_port()
    process = None
    try:
        config = home / "redis.conf"  # the password stays off the command line
        config.write_text(f"bind 127.0.0.1\nport {port}\nrequirepass {password}\nsave \"\"\n"
                          f"appendonly no\ndir {home}\n")
        log = home / "redis.log"
        process = subprocess.Popen(["redis-server", str(config)], stdout=log.open("w"), stderr=subprocess.STDOUT)
        server = RedisServer(port, password)
        wait_until(server.client().ping, "Redis", process, log)
        yield server
    finally:
        if process:
            stop(process)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres():
    with postgres_running() as database:
        yield database


@pytest.fixture(scope="session")
def redis_server():
    with redis_running() as server:
        yield server


class Cluster:
    def __init__(self, a: Servers, b: Servers, gate: ActionGate, postgres: Postgres, redis_server: RedisServer):
        self.a, self.b, self.gate, self.postgres = a, b, gate, postgres
        self.redis = redis_server.client()

    def lock_tickets(self, sender: str) -> list:
        """The tickets of the conversation's lock in Redis, as the Rasa instances store them."""
        stored = self.redis.get(f"{REDIS_KEY_PREFIX}:lock:{sender}")
        return [json.loads(ticket)["number"] for ticket in json.loads(stored)["tickets"]] if stored else []


@pytest.fixture(scope="session")
def cluster(tmp_path_factory, postgres, redis_server):
    """One action server, behind the gate, and two Rasa instances, A and B, started together."""
    work = tmp_path_factory.mktemp("scaled-servers")
    actions_port, port_a, port_b = free_port(), free_port(), free_port()
    token = secrets.token_urlsafe(24)
    url_a, url_b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
    gate = ActionGate(f"http://127.0.0.1:{actions_port}").start()
    commands = _e2e.assistant_commands(port_a, actions_port, endpoints=SCALED_ENDPOINTS)
    commands = {
        "actions": commands["actions"],
        "rasa-a": commands["rasa"],
        "rasa-b": _e2e.assistant_commands(port_b, actions_port, endpoints=SCALED_ENDPOINTS)["rasa"],
    }
    env = {
        **_e2e.server_env(work, actions_port, token),
        "ACTION_ENDPOINT_URL": f"{gate.url}/webhook",
        "POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": str(postgres.port), "POSTGRES_DB": DATABASE,
        "POSTGRES_USER": DATABASE_USER, "POSTGRES_PASSWORD": postgres.password, "POSTGRES_SSLMODE": "disable",
        "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(redis_server.port), "REDIS_DB": REDIS_DB,
        "REDIS_PASSWORD": redis_server.password, "REDIS_KEY_PREFIX": REDIS_KEY_PREFIX,
    }
    env.pop("TRACKER_DB")  # not used by the scaled endpoints: nothing may fall back to SQLite
    ready_checks = [
        *_e2e.assistant_ready_checks(url_a, actions_port, token),
        ("Rasa server B", lambda: requests.get(f"{url_b}/status", params={"token": token}, timeout=2)
         .json().get("model_file")),
    ]
    try:
        with _e2e.started(commands, env, work, ready_checks) as pids:
            yield Cluster(Servers(url_a, token, work, pids), Servers(url_b, token, work, pids), gate,
                          postgres, redis_server)
    finally:
        gate.stop()
