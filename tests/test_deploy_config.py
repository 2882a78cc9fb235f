"""The scaled set-up's files in deploy/ agree with each other, with the Makefile and with
the code: docker and Kubernetes cannot run here, so what they would be given is checked.

Each test reads the files as they are; a renamed setting, port, file or service breaks one.
"""
import re
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


def run_sh_variables(role: str) -> set:
    """The variables scripts/run.sh reads to start one role, plus those the process itself reads."""
    script = (PROJECT / "scripts" / "run.sh").read_text()
    body = re.search(rf"^start_{role}\(\) \{{\n(.*?)^\}}", script, re.M | re.S).group(1)
    names = set(re.findall(r"\$\{?([A-Z_]+)", body))
    if role == "rasa":
        names |= set(endpoint_variables())
    if role == "web":
        names |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', (PROJECT / "webchat" / "server.py").read_text()))
    return names


def load_all(path: Path) -> list:
    return [document for document in yaml.safe_load_all(path.read_text()) if document is not None]


def k8s_objects() -> list:
    """Every object of the manifests (kustomization.yaml is kubectl's list of them, not one)."""
    return [obj for path in sorted((DEPLOY / "k8s").glob("*.yaml")) if path.name != "kustomization.yaml"
            for obj in load_all(path)]


def by_kind(kind: str) -> dict:
    return {obj["metadata"]["name"]: obj for obj in k8s_objects() if obj["kind"] == kind}


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
    """Rasa substitutes ${VAR} only in unquoted values."""
    for line in endpoint_lines():
        if "${" in line:
            assert re.fullmatch(r"\s*[a-z_]+: \$\{[A-Z_]+\}", line), f"not one unquoted ${{VAR}}: {line.strip()}"


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


def test_make_run_uses_the_chosen_endpoints_file():
    assert makefile_defaults()["ENDPOINTS"] == "endpoints.yml"
    assert '--endpoints "$ENDPOINTS"' in (PROJECT / "scripts" / "run.sh").read_text()


# --- docker --------------------------------------------------------------------------

def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def compose_services_running(role: str) -> dict:
    return {name: service for name, service in compose()["services"].items() if service.get("command") == [role]}


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


def test_compose_runs_two_rasa_instances_and_every_role():
    assert len(compose_services_running("rasa")) >= 2
    for role in ROLES:
        assert compose_services_running(role), f"no service runs `scripts/run.sh {role}`"


@pytest.mark.parametrize("role", ROLES)
def test_compose_gives_each_role_every_setting_it_reads(role):
    for name, service in compose_services_running(role).items():
        missing = run_sh_variables(role) - set(service["environment"])
        assert not missing, f"{name} lacks {sorted(missing)}"


def test_compose_settings_agree_with_the_makefile_and_the_other_services():
    defaults, services = makefile_defaults(), compose()["services"]
    for name, service in compose_services_running("rasa").items():
        env = service["environment"]
        assert (DEPLOY.parent / env["ENDPOINTS"]).is_file()
        assert env["RASA_PORT"] == defaults["RASA_PORT"]
        for setting in ("POSTGRES_DB", "POSTGRES_USER", "REDIS_DB", "REDIS_KEY_PREFIX", "POSTGRES_PORT", "REDIS_PORT"):
            assert env[setting] == defaults[setting], f"{name}: {setting}"
        assert env["POSTGRES_HOST"] in services and env["REDIS_HOST"] in services
        for setting in ("POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"):
            assert services[env["POSTGRES_HOST"]]["environment"][setting] == env[setting], setting
        action = urlsplit(env["ACTION_ENDPOINT_URL"])
        actions = services[action.hostname]
        assert actions["command"] == ["actions"] and str(action.port) == actions["environment"]["ACTIONS_PORT"]
        assert actions["environment"]["ACTIONS_PORT"] == defaults["ACTIONS_PORT"]
    for service in compose_services_running("web").values():
        assert service["environment"]["WEB_PORT"] == defaults["WEB_PORT"]


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
    for path in ("/socket.io/", "/webhooks/"):
        assert re.search(rf"location {re.escape(path)} \{{\s*proxy_pass http://rasa;", nginx_conf), path


# --- Kubernetes ----------------------------------------------------------------------

# Made by kubectl from the environment (README), so not a file: the keys it must hold.
SECRET_KEYS = {"RASA_API_TOKEN", "POSTGRES_PASSWORD", "REDIS_PASSWORD"}


def container_of(deployment: dict) -> dict:
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return container


def deployments_running(role: str) -> dict:
    return {name: d for name, d in by_kind("Deployment").items() if container_of(d)["args"] == [role]}


def settings() -> dict:
    return by_kind("ConfigMap")["talk-prep-settings"]["data"]


def test_kustomization_lists_every_manifest():
    listed = set(yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text())["resources"])
    on_disk = {p.name for p in (DEPLOY / "k8s").glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk


def test_every_manifest_names_its_kind():
    for obj in k8s_objects():
        assert obj.get("apiVersion") and obj.get("kind") and obj.get("metadata", {}).get("name"), obj


@pytest.mark.parametrize("role", ROLES)
def test_each_role_runs_several_replicas_with_every_setting_it_reads(role):
    (name, deployment), = deployments_running(role).items()
    assert deployment["spec"]["replicas"] >= 2, name
    template = deployment["spec"]["template"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= template["metadata"]["labels"].items()
    given = set()
    for source in container_of(deployment).get("envFrom", []):
        if "configMapRef" in source:
            given |= set(by_kind("ConfigMap")[source["configMapRef"]["name"]]["data"])
        if "secretRef" in source:
            assert source["secretRef"]["name"] == "talk-prep-secrets"
            given |= SECRET_KEYS
    missing = run_sh_variables(role) - given
    assert not missing, f"{name} lacks {sorted(missing)}"
    assert not (set(settings()) & SECRET_KEYS), "a secret is in the ConfigMap"
    assert template["spec"]["securityContext"]["runAsNonRoot"] is True


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
    assert (DEPLOY.parent / data["ENDPOINTS"]).is_file()
    action = urlsplit(data["ACTION_ENDPOINT_URL"])
    assert action.hostname in services
    assert action.port == services[action.hostname]["spec"]["ports"][0]["port"]
    assert services[action.hostname]["spec"]["selector"]["app.kubernetes.io/component"] == "actions"


def test_the_ingress_reaches_rasa_with_session_affinity_and_nothing_else_of_it():
    services = by_kind("Service")
    rasa_service = next(name for name, s in services.items() if s["spec"]["selector"].get("app.kubernetes.io/component") == "rasa")
    routes = {}
    for ingress in by_kind("Ingress").values():
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                assert backend["name"] in services, backend["name"]
                port_names = [p["name"] for p in services[backend["name"]]["spec"]["ports"]]
                assert backend["port"]["name"] in port_names
                routes[path["path"]] = (backend["name"], ingress["metadata"].get("annotations", {}))
    assert routes["/socket.io"][0] == rasa_service
    assert routes["/socket.io"][1].get("nginx.ingress.kubernetes.io/affinity") == "cookie", "socket.io needs sticky sessions"
    assert routes["/webhooks"][0] == rasa_service
    assert {path for path, (service, _) in routes.items() if service == rasa_service} == {"/socket.io", "/webhooks"}, \
        "Rasa's HTTP API must stay inside the cluster"
