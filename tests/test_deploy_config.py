"""The scaled set-up's files in deploy/ agree with each other, with the Makefile and with
the code: docker and Kubernetes cannot run here, so what they would be given is checked.

Each test reads the files as they are; a renamed setting, port, file or service breaks one,
and so does a secret written in a file, a secret given to a process that does not need
it, a way to the action servers or the databases from anything but Rasa, or a route from
the internet to more of Rasa than the web chat and Twilio's webhook.
"""
import importlib.util
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import SQLTrackerStore
from rasa.utils.endpoints import read_endpoint_config

PROJECT = Path(__file__).resolve().parents[1]
DEPLOY = PROJECT / "deploy"
SCALED_ENDPOINTS = DEPLOY / "endpoints.scaled.yml"
ROLES = ("rasa", "actions", "web")
# The roles of scripts/run.sh a deployment runs: the three servers and the daily purge.
ALL_ROLES = ROLES + ("purge",)

# The deployment's secrets: from the environment only, never a value in a file. In
# Kubernetes they are the keys of the Secret talk-prep-secrets, made by kubectl (README).
SECRET_KEYS = {
    "RASA_API_TOKEN", "ACTION_SERVER_TOKEN", "CONVERSATION_SECRET", "REST_CHANNEL_TOKEN",
    "POSTGRES_PASSWORD", "REDIS_PASSWORD", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER",
}
# What each role must be given, and nothing more: a process holds only the secrets it uses.
REQUIRED_SECRETS = {
    "rasa": {"RASA_API_TOKEN", "ACTION_SERVER_TOKEN", "CONVERSATION_SECRET", "POSTGRES_PASSWORD", "REDIS_PASSWORD"},
    "actions": {"ACTION_SERVER_TOKEN"},
    "web": set(),
    "purge": {"POSTGRES_PASSWORD"},
}
# Given when the operator sets them, empty otherwise: the REST channel's token (without
# it the channel answers only loopback) and the Twilio account (without it SMS is off).
OPTIONAL_SECRETS = {
    "rasa": {"REST_CHANNEL_TOKEN", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER"},
    "actions": set(),
    "web": set(),
    "purge": set(),
}
# The code each role runs, where it reads its secrets from the environment.
ROLE_CODE = {
    "rasa": ["scripts/rasa_server.py", "channels/*.py", "assistant_server/*.py"],
    "actions": ["scripts/action_server.py", "actions/*.py"],
    "web": ["webchat/*.py"],
    "purge": ["scripts/purge.py", "assistant_server/tracker_store.py"],
}
SECRET_LOOKING = re.compile(r"(TOKEN|SECRET|PASSWORD|_SID|_KEY)$")


def makefile_defaults() -> dict:
    """`NAME ?= value` settings at the top of the Makefile ($(CURDIR) and the like left as written)."""
    found = re.findall(r"^([A-Z_]+)\s*\?=[ \t]*(.*)$", (PROJECT / "Makefile").read_text(), re.M)
    return {name: value.strip() for name, value in found}


def makefile_exports() -> set:
    lines = re.findall(r"^export ([A-Z_ ]+)$", (PROJECT / "Makefile").read_text(), re.M)
    return {name for line in lines for name in line.split()}


def endpoint_lines() -> list:
    """The endpoints file without its comments."""
    return [line for line in SCALED_ENDPOINTS.read_text().splitlines() if not line.lstrip().startswith("#")]


def endpoint_variables() -> list:
    return [name for line in endpoint_lines() for name in re.findall(r"\$\{([A-Z_]+)\}", line)]


def run_sh_role_body(role: str) -> str:
    """What scripts/run.sh runs for one role: its line in the last `case "$role"`, the
    functions that line calls, and the variables it `require`s (as $NAME)."""
    script = (PROJECT / "scripts" / "run.sh").read_text()
    found = re.search(rf"^\s*{role}\) (.*?);;", script, re.M)
    assert found, f"scripts/run.sh has no `{role}` role"
    line = found.group(1)
    functions = dict(re.findall(r"^(\w+)\(\) \{\n(.*?)^\}", script, re.M | re.S))
    called = [functions[word] for word in re.findall(r"\b\w+\b", line) if word in functions and word != "require"]
    required = [f"${name}" for names in re.findall(r"\brequire((?: [A-Z_]+)+)", line) for name in names.split()]
    return "\n".join([line, *called, *required])


@lru_cache(maxsize=None)
def purge_sets_itself() -> set:
    """The endpoint variables scripts/purge.py sets (to nothing) when they are not set:
    those of the parts it does not use, so that a purge job need not hold them."""
    spec = importlib.util.spec_from_file_location("purge_script", PROJECT / "scripts" / "purge.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return set(getattr(module, "ACTION_ENDPOINT_VARIABLES", ()))


def run_sh_variables(role: str) -> set:
    """The variables scripts/run.sh reads to start one role, plus those the process itself reads."""
    names = set(re.findall(r"\$\{?([A-Z_]+)", run_sh_role_body(role)))
    if role == "rasa":
        # Rasa's reader substitutes every ${VAR} of the file, and stops when one is not set.
        names |= set(endpoint_variables())
    if role == "purge":
        names |= set(endpoint_variables()) - purge_sets_itself()
    if role == "web":
        names |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', (PROJECT / "webchat" / "server.py").read_text()))
    return names


def secrets_in_code(role: str) -> set:
    """The secrets named (as a quoted string) in the code the role runs."""
    text = "\n".join(path.read_text() for pattern in ROLE_CODE[role] for path in sorted(PROJECT.glob(pattern)))
    named = {name for name in SECRET_KEYS if re.search(rf"[\"']{name}[\"']", text)}
    return named - purge_sets_itself() if role == "purge" else named


def load_all(path: Path) -> list:
    return [document for document in yaml.safe_load_all(path.read_text()) if document is not None]


@lru_cache(maxsize=None)
def k8s_objects() -> list:
    """Every object of the manifests (kustomization.yaml is kubectl's list of them, not one)."""
    return [obj for path in sorted((DEPLOY / "k8s").glob("*.yaml")) if path.name != "kustomization.yaml"
            for obj in load_all(path)]


def by_kind(kind: str) -> dict:
    return {obj["metadata"]["name"]: obj for obj in k8s_objects() if obj["kind"] == kind}


def size_in_bytes(size: str) -> int:
    """nginx's sizes: 64k, 1m, 8192."""
    number, unit = re.fullmatch(r"(\d+)([kKmM]?)", size).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit.lower()]


def channel_body_limit() -> int:
    """The most the Rasa server itself reads of a request to a channel."""
    from channels.request_checks import CHANNEL_BODY_LIMIT_BYTES

    return CHANNEL_BODY_LIMIT_BYTES



@pytest.mark.parametrize("path", sorted(DEPLOY.rglob("*.y*ml")), ids=lambda p: str(p.relative_to(PROJECT)))
def test_every_yaml_file_in_deploy_parses(path):
    assert load_all(path), f"{path} is empty"


# --- the endpoints file --------------------------------------------------------------

def test_every_endpoint_value_from_the_environment_has_a_default_in_the_makefile():
    defaults, exported = makefile_defaults(), makefile_exports()
    for name in endpoint_variables():
        assert name in defaults, f"{name} is used in {SCALED_ENDPOINTS.name} but has no `{name} ?=` in the Makefile"
        assert name in exported, f"{name} is not exported by the Makefile, so Rasa would not see it"


def test_each_variable_is_a_whole_unquoted_value():
    """Rasa substitutes ${VAR} only in unquoted values (keys: settings, or header names)."""
    for line in endpoint_lines():
        if "${" in line:
            assert re.fullmatch(r"\s*[A-Za-z][A-Za-z0-9_-]*: \$\{[A-Z_]+\}", line), \
                f"not one unquoted ${{VAR}}: {line.strip()}"


def test_rasa_reads_the_scaled_endpoints_with_the_makefiles_defaults(monkeypatch):
    for name in endpoint_variables():
        monkeypatch.setenv(name, makefile_defaults()[name].replace("$(ACTIONS_HOST)", "127.0.0.1")
                           .replace("$(ACTIONS_PORT)", "5055"))
    tracker = read_endpoint_config(str(SCALED_ENDPOINTS), "tracker_store")
    url = SQLTrackerStore.get_db_url(host=tracker.url, **{k: v for k, v in tracker.kwargs.items() if k != "type"})
    assert url.drivername == "postgresql"
    assert (url.host, url.port, url.database, url.username) == ("127.0.0.1", 5432, "talkprep", "talkprep")
    assert url.query == {"sslmode": "prefer"}

    # Building the lock store opens no connection (redis-py connects on first use).
    lock_store = LockStore.create(read_endpoint_config(str(SCALED_ENDPOINTS), "lock_store"))
    assert type(lock_store).__name__ == "AtomicRedisLockStore"
    assert lock_store.key_prefix == "talkprep:lock:"
    connection = lock_store.red.connection_pool.connection_kwargs
    assert (connection["host"], connection["port"], connection["db"]) == ("127.0.0.1", 6379, 1)

    action = read_endpoint_config(str(SCALED_ENDPOINTS), "action_endpoint")
    assert action.url == "http://127.0.0.1:5055/webhook"


def test_rasa_shows_the_action_server_its_token(monkeypatch):
    """The action server answers only calls carrying ACTION_SERVER_TOKEN in its header."""
    from actions import webhook_checks

    for name in endpoint_variables():
        monkeypatch.setenv(name, "x")
    monkeypatch.setenv(webhook_checks.TOKEN_VARIABLE, "the-token")
    action = read_endpoint_config(str(SCALED_ENDPOINTS), "action_endpoint")
    assert action.headers == {webhook_checks.TOKEN_HEADER: "the-token"}


def test_make_run_uses_the_chosen_endpoints_file():
    assert makefile_defaults()["ENDPOINTS"] == "endpoints.yml"
    assert '--endpoints "$ENDPOINTS"' in (PROJECT / "scripts" / "run.sh").read_text()




def test_the_purge_reads_the_endpoints_with_only_the_database_password(monkeypatch):
    """The purge job is given the secrets of the endpoints file it does not use as empty
    values (deploy/): set, so Rasa's reader accepts the file, but holding nothing."""
    from rasa.core.utils import AvailableEndpoints

    for name in endpoint_variables():
        monkeypatch.setenv(name, "x")
    for name in set(endpoint_variables()) & SECRET_KEYS - REQUIRED_SECRETS["purge"]:
        monkeypatch.setenv(name, "")
    for name in purge_sets_itself():
        monkeypatch.setenv(name, "")  # as scripts/purge.py does
    endpoints = AvailableEndpoints.read_endpoints(str(SCALED_ENDPOINTS))
    assert endpoints.tracker_store.kwargs["password"] == "x"


# --- the secrets ---------------------------------------------------------------------

def test_the_secret_keys_hold_every_secret_of_the_makefile():
    declared = {name for name, value in makefile_defaults().items() if not value and SECRET_LOOKING.search(name)}
    assert declared <= SECRET_KEYS, f"secrets in the Makefile that deploy/ does not know: {sorted(declared - SECRET_KEYS)}"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_roles_secrets_are_those_its_code_reads(role):
    """REQUIRED_SECRETS and OPTIONAL_SECRETS, which the deploy files are checked against,
    follow the code: a secret the code reads and no role is given fails here."""
    uses = secrets_in_code(role) | (set(endpoint_variables()) & SECRET_KEYS if role == "rasa" else set())
    if role == "purge":
        # It reads the whole endpoints file, but opens only the tracker store.
        uses |= set(endpoint_variables()) & REQUIRED_SECRETS["purge"]
    assert uses == REQUIRED_SECRETS[role] | OPTIONAL_SECRETS[role], role
    assert not REQUIRED_SECRETS[role] & OPTIONAL_SECRETS[role]


def check_given_secrets(where: str, role: str, given: dict) -> None:
    """given: name -> "required", "optional", "empty" or "literal", for each secret a process gets."""
    assert set(given) <= SECRET_KEYS
    literal = sorted(name for name, kind in given.items() if kind == "literal")
    assert not literal, f"{where}: a value written in the file for {literal}"
    by_kind = {kind: {name for name, how in given.items() if how == kind} for kind in ("required", "optional", "empty")}
    assert by_kind["required"] == REQUIRED_SECRETS[role], f"{where}: required secrets"
    assert by_kind["optional"] == OPTIONAL_SECRETS[role], f"{where}: optional secrets"
    if role == "purge":
        assert by_kind["empty"] <= set(endpoint_variables()) - REQUIRED_SECRETS["purge"] - purge_sets_itself(), where
    else:
        assert not by_kind["empty"], f"{where}: a secret set to nothing"


# --- docker --------------------------------------------------------------------------

@lru_cache(maxsize=None)
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def compose_role(service: dict) -> str:
    """The role of scripts/run.sh a service runs (the image's entrypoint with a command,
    or a shell that calls it), or None."""
    if "entrypoint" not in service and service.get("image") == compose()["x-app"]["image"]:
        (role,) = service["command"]
        return role
    called = re.findall(r"scripts/run\.sh (\w+)", " ".join(service.get("entrypoint", [])))
    return called[0] if called else None


def compose_services_running(role: str) -> dict:
    return {name: service for name, service in compose()["services"].items() if compose_role(service) == role}


def compose_secrets(env: dict) -> dict:
    given = {}
    for name, value in env.items():
        if name not in SECRET_KEYS:
            continue
        if re.fullmatch(rf"\$\{{{name}:\?[^}}]+\}}", str(value)):
            given[name] = "required"
        elif value == f"${{{name}:-}}":
            given[name] = "optional"
        elif value == "":
            given[name] = "empty"
        else:
            given[name] = "literal"
    return given


def compose_networks(service: dict) -> set:
    return set(service.get("networks", ["default"]))


def on_a_network_with(name: str) -> set:
    services = compose()["services"]
    mine = compose_networks(services[name])
    return {other for other, service in services.items() if other != name and compose_networks(service) & mine}


def test_the_image_starts_scripts_run_sh_and_copies_what_exists():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["scripts/run.sh"]' in dockerfile
    assert (PROJECT / "scripts" / "run.sh").stat().st_mode & 0o111, "scripts/run.sh is not executable"
    for source in re.findall(r"^COPY (\S+) ", dockerfile, re.M):
        assert (PROJECT / source).exists(), f"the Dockerfile copies {source}, which does not exist"
    assert "-r requirements.lock" in dockerfile and "--no-deps" in dockerfile, "the image must install the pinned lock"
    for stamp in re.findall(r"test -f (\S+)", dockerfile):
        assert stamp in (PROJECT / "Makefile").read_text().replace("$(WEB_BUILD)", "build/web"), stamp
    assert re.search(r"^USER \d+$", dockerfile, re.M), "the containers must not run as root"


def test_scripts_run_sh_has_the_purge_role():
    script = (PROJECT / "scripts" / "run.sh").read_text()
    roles = re.search(r'case "\$role" in ([\w|]+)\)', script).group(1).split("|")
    assert "purge" in roles, "deploy/ runs `scripts/run.sh purge`"
    body = run_sh_role_body("purge")
    assert re.search(r"scripts/purge\.py --days \"\$RETENTION_DAYS\" --endpoints \"\$ENDPOINTS\"", body), body
    assert "&" not in body.replace("&&", ""), "once, in the foreground: the job ends when the purge does"


def test_compose_runs_two_rasa_instances_and_every_role():
    assert len(compose_services_running("rasa")) >= 2
    for role in ALL_ROLES:
        assert compose_services_running(role), f"no service runs `scripts/run.sh {role}`"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_compose_gives_each_role_every_setting_it_reads(role):
    for name, service in compose_services_running(role).items():
        missing = run_sh_variables(role) - set(service["environment"])
        assert not missing, f"{name} lacks {sorted(missing)}"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_compose_gives_each_role_its_secrets_from_the_environment_and_no_other(role):
    for name, service in compose_services_running(role).items():
        check_given_secrets(f"docker-compose.yml: {name}", role, compose_secrets(service["environment"]))


def test_compose_writes_no_secret_in_the_file():
    text = "\n".join(line for line in (DEPLOY / "docker-compose.yml").read_text().splitlines()
                     if not line.lstrip().startswith("#"))
    # What compose takes from the environment: the secrets, and settings of the Makefile.
    for name in re.findall(r"(?<!\$)\$\{([A-Za-z_]+)", text):
        assert name in SECRET_KEYS or name in makefile_defaults(), f"${{{name}}} is neither a secret nor a setting"
    for name, service in compose()["services"].items():
        env = service.get("environment", {})
        for key in env:
            assert key in SECRET_KEYS or not SECRET_LOOKING.search(key), f"{name}: {key} looks secret: add it to SECRET_KEYS"
        given = compose_secrets(env)
        if compose_role(service) is None:  # PostgreSQL and Redis set their own passwords
            assert set(given.values()) <= {"required"}, f"{name}: {given}"


def test_compose_settings_agree_with_the_makefile_and_the_other_services():
    defaults, services = makefile_defaults(), compose()["services"]
    for name, service in {**compose_services_running("rasa"), **compose_services_running("purge")}.items():
        env = service["environment"]
        assert (DEPLOY.parent / env["ENDPOINTS"]).resolve() == SCALED_ENDPOINTS
        for setting in ("POSTGRES_DB", "POSTGRES_USER", "REDIS_DB", "REDIS_KEY_PREFIX", "POSTGRES_PORT", "REDIS_PORT"):
            assert env[setting] == defaults[setting], f"{name}: {setting}"
        assert env["POSTGRES_HOST"] in services and env["REDIS_HOST"] in services
        for setting in ("POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"):
            assert services[env["POSTGRES_HOST"]]["environment"][setting] == env[setting], setting
    for name, service in compose_services_running("rasa").items():
        env = service["environment"]
        assert env["RASA_PORT"] == defaults["RASA_PORT"]
        assert services[env["REDIS_HOST"]]["environment"]["REDIS_PASSWORD"] == env["REDIS_PASSWORD"]
        action = urlsplit(env["ACTION_ENDPOINT_URL"])
        actions = services[action.hostname]
        assert actions["command"] == ["actions"] and str(action.port) == actions["environment"]["ACTIONS_PORT"]
        assert actions["environment"]["ACTIONS_PORT"] == defaults["ACTIONS_PORT"]
        assert actions["environment"]["ACTION_SERVER_TOKEN"] == env["ACTION_SERVER_TOKEN"]
    for service in compose_services_running("web").values():
        assert service["environment"]["WEB_PORT"] == defaults["WEB_PORT"]
    for service in compose_services_running("purge").values():
        assert service["environment"]["RETENTION_DAYS"] == defaults["RETENTION_DAYS"]


def test_compose_rasa_allows_the_pages_own_origin():
    """Rasa refuses browsers from any origin outside WEB_ORIGINS: the page's address, nginx's."""
    (published,) = compose()["services"]["nginx"]["ports"]
    port = published.split(":")[-2]
    page_origin = f"http://localhost:{port}"
    for name, service in compose_services_running("web").items():
        assert service["environment"]["WEB_RASA_URL"] == page_origin, name
    for name, service in {**compose_services_running("rasa"), **compose_services_running("web")}.items():
        assert service["environment"]["WEB_ORIGINS"].split() == [page_origin], name


def test_compose_purge_runs_once_a_day_and_comes_back():
    (service,) = compose_services_running("purge").values()
    script = " ".join(service["entrypoint"])
    assert re.search(r"\bwhile\b", script), "a loop: `scripts/run.sh purge` runs once and exits"
    sleeps = [int(seconds) for seconds in re.findall(r"\bsleep (\d+)", script)]
    assert sleeps and max(sleeps) <= 86400, "at least once a day"
    assert service.get("restart") in ("always", "unless-stopped")
    assert service.get("init") is True, "without an init, the shell as PID 1 ignores `docker compose stop`"


def test_only_nginx_publishes_a_port():
    services = compose()["services"]
    assert {name for name, service in services.items() if service.get("ports")} == {"nginx"}
    (published,) = services["nginx"]["ports"]
    assert published.startswith("127.0.0.1:"), "nginx listens on this machine only"
    assert not any(service.get("network_mode") for service in services.values())


def test_compose_only_rasa_reaches_the_action_servers_and_the_stores():
    services, networks = compose()["services"], compose().get("networks", {})
    rasa, purge = set(compose_services_running("rasa")), set(compose_services_running("purge"))
    env = next(iter(compose_services_running("rasa").values()))["environment"]
    actions = urlsplit(env["ACTION_ENDPOINT_URL"]).hostname
    postgres, redis = env["POSTGRES_HOST"], env["REDIS_HOST"]
    # Who may share a network with each: those that call it, and for the stores each other
    # (servers that never open a connection).
    allowed = {actions: rasa, postgres: rasa | purge | {redis}, redis: rasa | {postgres}}
    for name, callers in allowed.items():
        for network in compose_networks(services[name]):
            assert (networks.get(network) or {}).get("internal") is True, f"{name} is on {network}, which is not internal"
        neighbours = on_a_network_with(name)
        assert neighbours <= callers, f"{name} can be reached by {sorted(neighbours - callers)}"
        assert rasa <= neighbours, f"the Rasa instances cannot reach {name}"
    for name in purge:
        assert on_a_network_with(name) == {postgres}, "the purge job reaches PostgreSQL and nothing else"


def test_compose_nginx_reaches_rasa_and_the_page_only():
    services, networks = compose()["services"], compose().get("networks", {})
    assert on_a_network_with("nginx") == set(compose_services_running("rasa")) | set(compose_services_running("web"))
    for network in compose_networks(services["nginx"]):
        assert not (networks.get(network) or {}).get("internal"), "nginx publishes a port: not on an internal network"


# --- nginx ---------------------------------------------------------------------------

def nginx_locations() -> dict:
    """path -> the directives of its `location path { ... }` block."""
    nginx_conf = (DEPLOY / "nginx.conf").read_text()
    assert not re.search(r"location\s+[~=^@]", nginx_conf), "plain prefix locations only (what this test can follow)"
    found = re.findall(r"^\s*location (\S+) \{(.*?)^\s*\}", nginx_conf, re.M | re.S)
    return {path: dict(re.findall(r"^\s*(\w+)\s+([^;]*);", body, re.M)) for path, body in found}


def nginx_location_for(uri: str) -> tuple:
    """The location nginx picks for a URI (the longest matching prefix) and its directives."""
    locations = nginx_locations()
    path = max((p for p in locations if uri.startswith(p)), key=len)
    return path, locations[path]


def test_nginx_balances_every_rasa_instance_with_sticky_sessions():
    nginx_conf = (DEPLOY / "nginx.conf").read_text()
    services = compose()["services"]
    mounted = [volume.split(":")[0] for service in services.values() for volume in service.get("volumes", [])]
    assert "./nginx.conf" in mounted
    upstream = re.search(r"upstream rasa \{(.*?)\}", nginx_conf, re.S).group(1)
    assert re.search(r"^\s*ip_hash;", upstream, re.M), "socket.io needs sticky sessions"
    servers = dict(re.findall(r"server ([\w-]+):(\d+);", upstream))
    rasa = compose_services_running("rasa")
    assert set(servers) == set(rasa)
    assert all(port == rasa[name]["environment"]["RASA_PORT"] for name, port in servers.items())
    web_server = re.search(r"upstream web \{\s*server ([\w-]+):(\d+);", nginx_conf)
    assert services[web_server.group(1)]["environment"]["WEB_PORT"] == web_server.group(2)


# From the internet, only the web chat and Twilio's webhook reach Rasa; not the REST
# channel (README: it stays inside), the health check, nor the HTTP API.
PUBLIC_TO_RASA = ("/socket.io/?EIO=4&transport=polling", "/webhooks/twilio/webhook")
INSIDE_ONLY = ("/webhooks/rest/webhook", "/webhooks/health/", "/webhooks/anything", "/conversations/x/tracker",
               "/model/parse", "/status", "/version", "/")


def test_nginx_passes_on_the_web_chat_and_twilio_and_nothing_else_of_rasa():
    for uri in PUBLIC_TO_RASA:
        path, directives = nginx_location_for(uri)
        assert directives.get("proxy_pass") == "http://rasa", uri
    for uri in INSIDE_ONLY:
        path, directives = nginx_location_for(uri)
        assert directives.get("proxy_pass") != "http://rasa", f"{uri} reaches Rasa through {path}"
    assert nginx_locations().get("/webhooks/") == {"return": "404"}, "other webhooks: 404 from nginx itself"
    assert {p for p, d in nginx_locations().items() if d.get("proxy_pass") == "http://rasa"} == \
        {"/socket.io/", "/webhooks/twilio/"}


def test_nginx_limits_the_bodies_it_passes_to_rasa():
    """Defence in depth: no larger than what Rasa itself reads of a channel's request."""
    for path, directives in nginx_locations().items():
        if directives.get("proxy_pass") == "http://rasa":
            assert "client_max_body_size" in directives, f"{path} has nginx's default limit (1m)"
            assert size_in_bytes(directives["client_max_body_size"]) <= channel_body_limit(), path


# --- Kubernetes ----------------------------------------------------------------------

def pod_template(obj: dict) -> dict:
    if obj["kind"] == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]
    return obj["spec"]["template"]


def container_of(obj: dict) -> dict:
    (container,) = pod_template(obj)["spec"]["containers"]
    return container


def deployments_running(role: str) -> dict:
    return {name: d for name, d in by_kind("Deployment").items() if container_of(d)["args"] == [role]}


def workloads_running(role: str) -> dict:
    """The Deployments and CronJobs whose pods run `scripts/run.sh <role>`."""
    return {name: obj for kind in ("Deployment", "CronJob") for name, obj in by_kind(kind).items()
            if container_of(obj)["args"] == [role]}


def pod_labels() -> dict:
    """role -> the labels of its pods."""
    labels = {}
    for role in ALL_ROLES:
        (workload,) = workloads_running(role).values()
        labels[role] = pod_template(workload)["metadata"]["labels"]
    return labels


def settings() -> dict:
    return by_kind("ConfigMap")["talk-prep-settings"]["data"]


def k8s_given(container: dict) -> tuple:
    """(the settings a container gets, and how it gets each secret: check_given_secrets)."""
    given, secrets = set(), {}
    for source in container.get("envFrom", []):
        assert "secretRef" not in source, "a whole Secret in the environment: name the keys (secretKeyRef)"
        given |= set(by_kind("ConfigMap")[source["configMapRef"]["name"]]["data"])
    for variable in container.get("env", []):
        name = variable["name"]
        given.add(name)
        reference = variable.get("valueFrom", {}).get("secretKeyRef")
        if reference:
            assert reference["name"] == "talk-prep-secrets" and reference["key"] == name, variable
            assert name in SECRET_KEYS, f"{name} comes from the Secret but is not in SECRET_KEYS"
            secrets[name] = "optional" if reference.get("optional") else "required"
        elif name in SECRET_KEYS or SECRET_LOOKING.search(name):
            secrets[name] = "empty" if variable.get("value") == "" else "literal"
    return given, secrets


def test_kustomization_lists_every_manifest_and_sets_the_one_image():
    kustomization = yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text())
    on_disk = {p.name for p in (DEPLOY / "k8s").glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == on_disk
    images = {container_of(obj)["image"].split(":")[0] for role in ALL_ROLES for obj in workloads_running(role).values()}
    assert len(images) == 1, "one image for every role"
    assert [image["name"] for image in kustomization["images"]] == list(images)


def test_every_manifest_names_its_kind():
    for obj in k8s_objects():
        assert obj.get("apiVersion") and obj.get("kind") and obj.get("metadata", {}).get("name"), obj


@pytest.mark.parametrize("role", ROLES)
def test_each_role_runs_several_replicas_with_every_setting_it_reads(role):
    (name, deployment), = deployments_running(role).items()
    assert deployment["spec"]["replicas"] >= 2, name
    template = deployment["spec"]["template"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= template["metadata"]["labels"].items()
    given, _ = k8s_given(container_of(deployment))
    missing = run_sh_variables(role) - given
    assert not missing, f"{name} lacks {sorted(missing)}"
    assert template["spec"]["securityContext"]["runAsNonRoot"] is True


@pytest.mark.parametrize("role", ALL_ROLES)
def test_k8s_gives_each_role_its_secrets_from_the_secret_and_no_other(role):
    for name, workload in workloads_running(role).items():
        _, secrets = k8s_given(container_of(workload))
        check_given_secrets(f"k8s {name}", role, secrets)


def test_the_configmap_holds_no_secret():
    for key in settings():
        assert key not in SECRET_KEYS and not SECRET_LOOKING.search(key), f"{key} in the ConfigMap"


def test_ports_services_and_the_action_endpoint_agree():
    defaults, data = makefile_defaults(), settings()
    services = by_kind("Service")
    port_setting = {"rasa": "RASA_PORT", "actions": "ACTIONS_PORT", "web": "WEB_PORT"}
    for role, setting in port_setting.items():
        assert data[setting] == defaults[setting], setting
        (deployment,) = deployments_running(role).values()
        container = container_of(deployment)
        (port,) = container["ports"]
        assert str(port["containerPort"]) == data[setting], f"{role}: the container listens on {data[setting]}"
        probes = [container[p] for p in ("readinessProbe", "startupProbe") if p in container]
        assert probes and all(p["httpGet"]["port"] == port["name"] for p in probes)
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        fronting = [s for s in services.values() if s["spec"]["selector"].items() <= labels.items()]
        assert len(fronting) == 1, f"one Service in front of the {role} pods"
        assert fronting[0]["spec"]["ports"][0]["targetPort"] == port["name"]
    assert (DEPLOY.parent / data["ENDPOINTS"]).resolve() == SCALED_ENDPOINTS
    action = urlsplit(data["ACTION_ENDPOINT_URL"])
    assert action.hostname in services
    assert action.port == services[action.hostname]["spec"]["ports"][0]["port"]
    assert services[action.hostname]["spec"]["selector"]["app.kubernetes.io/component"] == "actions"


def ingress_routes() -> dict:
    """path -> (Service name, the Ingress's annotations), over every Ingress."""
    services = by_kind("Service")
    routes = {}
    for ingress in by_kind("Ingress").values():
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                assert path["pathType"] == "Prefix", "what this test can follow"
                backend = path["backend"]["service"]
                assert backend["name"] in services, backend["name"]
                port_names = [p["name"] for p in services[backend["name"]]["spec"]["ports"]]
                assert backend["port"]["name"] in port_names
                routes[path["path"]] = (backend["name"], ingress["metadata"].get("annotations", {}))
    return routes


def ingress_route_for(uri: str) -> tuple:
    """The path ingress-nginx picks for a URI (the longest Prefix, matched by whole segments)."""
    path_of_uri = uri.split("?")[0]
    matching = [p for p in ingress_routes() if p == "/" or path_of_uri == p or path_of_uri.startswith(p.rstrip("/") + "/")]
    path = max(matching, key=len)
    return path, ingress_routes()[path]


def rasa_service_name() -> str:
    services = by_kind("Service")
    return next(name for name, s in services.items() if s["spec"]["selector"].get("app.kubernetes.io/component") == "rasa")


def test_the_ingress_reaches_rasa_with_session_affinity_and_nothing_else_of_it():
    rasa_service, routes = rasa_service_name(), ingress_routes()
    assert routes["/socket.io"][0] == rasa_service
    assert routes["/socket.io"][1].get("nginx.ingress.kubernetes.io/affinity") == "cookie", "socket.io needs sticky sessions"
    assert {path for path, (service, _) in routes.items() if service == rasa_service} == {"/socket.io", "/webhooks/twilio"}
    for uri in PUBLIC_TO_RASA:
        assert ingress_route_for(uri)[1][0] == rasa_service, uri
    for uri in INSIDE_ONLY:
        path, (service, _) = ingress_route_for(uri)
        assert service != rasa_service, f"{uri} reaches Rasa through {path}: it must stay inside the cluster"


def test_the_ingress_limits_the_bodies_it_passes_to_rasa():
    for path, (service, annotations) in ingress_routes().items():
        if service == rasa_service_name():
            size = annotations.get("nginx.ingress.kubernetes.io/proxy-body-size")
            assert size, f"{path} has ingress-nginx's default limit (1m)"
            assert size_in_bytes(size) <= channel_body_limit(), path


def test_k8s_addresses_agree_with_the_ingress():
    """Rasa refuses browsers from origins outside WEB_ORIGINS; Twilio's signatures are
    checked on TWILIO_WEBHOOK_URL, which must be the address the Ingress routes to Rasa."""
    data = settings()
    hosts = {rule["host"] for ingress in by_kind("Ingress").values() for rule in ingress["spec"]["rules"]}
    tls_hosts = {host for ingress in by_kind("Ingress").values() for tls in ingress["spec"]["tls"] for host in tls["hosts"]}
    assert hosts == tls_hosts
    (host,) = hosts
    assert f"https://{host}" in data["WEB_ORIGINS"].split()
    assert data["WEB_RASA_URL"] == f"https://{host}"
    twilio = urlsplit(data["TWILIO_WEBHOOK_URL"])
    assert (twilio.scheme, twilio.hostname) == ("https", host)
    assert ingress_route_for(twilio.path)[1][0] == rasa_service_name()


def selects(selector: dict, labels: dict) -> bool:
    assert "matchExpressions" not in selector, "matchLabels only (what this test can follow)"
    return selector.get("matchLabels", {}).items() <= labels.items()


def test_only_the_rasa_pods_may_reach_the_action_servers():
    labels = pod_labels()
    policies = [p for p in by_kind("NetworkPolicy").values() if selects(p["spec"]["podSelector"], labels["actions"])]
    isolating = [p for p in policies if "Ingress" in p["spec"].get("policyTypes", ["Ingress"])]
    assert isolating, "no NetworkPolicy selects the action server pods: every pod can call them"
    (container,) = pod_template(deployments_running("actions")["talk-prep-actions"])["spec"]["containers"]
    port_numbers = {p["name"]: p["containerPort"] for p in container["ports"]}
    rules = [rule for policy in isolating for rule in policy["spec"].get("ingress") or []]
    assert rules, "nothing may reach the action servers, not even Rasa"
    for rule in rules:
        peers = rule.get("from")
        assert peers, "a rule without `from` lets every pod and address in"
        for peer in peers:
            assert set(peer) == {"podSelector"}, "pods of this namespace only: no namespaceSelector, no ipBlock"
            assert peer["podSelector"].get("matchLabels"), "an empty podSelector is every pod"
            chosen = {role for role, pod in labels.items() if selects(peer["podSelector"], pod)}
            assert chosen == {"rasa"}, f"the rule lets in {sorted(chosen)}"
        ports = rule.get("ports")
        assert ports, "a rule without ports opens every port"
        for port in ports:
            assert port.get("protocol", "TCP") == "TCP"
            assert port_numbers.get(port["port"], port["port"]) == int(settings()["ACTIONS_PORT"])


def test_a_daily_cronjob_purges_old_conversations():
    (name, job), = workloads_running("purge").items()
    assert job["kind"] == "CronJob"
    minute, hour, day, month, weekday = job["spec"]["schedule"].split()
    assert minute.isdigit() and hour.isdigit() and day == month == weekday == "*", "once a day"
    assert job["spec"].get("concurrencyPolicy") == "Forbid", "never two purges at once"
    pod = pod_template(job)
    assert pod["spec"]["restartPolicy"] in ("Never", "OnFailure")
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
    container = container_of(job)
    assert "command" not in container, "the image's entrypoint, scripts/run.sh"
    given, _ = k8s_given(container)
    missing = run_sh_variables("purge") - given
    assert not missing, f"{name} lacks {sorted(missing)}"
    assert settings()["RETENTION_DAYS"] == makefile_defaults()["RETENTION_DAYS"]
