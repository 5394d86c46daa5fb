"""docker-compose.yml and deploy/ (the proxy, NATS, the systemd units) run the stack the services
expect, and restart what stops (checked without Docker or systemd)."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from boucle.devstack.nats import nats_server_binary
from shared.auth import TRUSTED_KEYS_FILE, ensure_keypair
from shared.config import SERVICES, SETTING_NAMES, Settings, load_settings
from shared.labels import passport_url
from shared.web.app import ServiceDefinition, create_app

ROOT = Path(__file__).resolve().parents[2]
SYSTEMD = ROOT / "deploy" / "systemd"
INTERPOLATION = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")
EXAMPLE_VALUES = {"POSTGRES_PASSWORD": "example-password"}
SAMPLE_PARAMETERS = {"uuid": str(uuid.UUID(int=7)), "int": "7", "path": "any/file.css"}
SAMPLE_CODE = "K7Q2M9XBA"


def interpolated(node: Any) -> Any:
    """Compose's ``${VAR}``, ``${VAR:-default}``, ``${VAR:?error}``, with obvious values."""
    if isinstance(node, dict):
        return {key: interpolated(value) for key, value in node.items()}
    if isinstance(node, list):
        return [interpolated(item) for item in node]
    if not isinstance(node, str):
        return node

    def value(match: re.Match[str]) -> str:
        name, operator, default = match.groups()
        if operator and operator.endswith("-"):
            return default
        return EXAMPLE_VALUES.get(name, "example")

    return INTERPOLATION.sub(value, node).replace("$$", "$")


COMPOSE: dict[str, Any] = interpolated(yaml.safe_load((ROOT / "docker-compose.yml").read_text()))
STACK: dict[str, Any] = COMPOSE["services"]
NATS_NODES = sorted(name for name, spec in STACK.items() if spec["image"].startswith("nats:"))


def environment(service: str) -> dict[str, str]:
    declared = STACK[service].get("environment", {})
    if isinstance(declared, list):
        declared = dict(item.split("=", 1) for item in declared)
    return {key: str(value) for key, value in declared.items()}


def settings_of(service: str, **overrides: Any) -> Settings:
    return load_settings(environ=environment(service), service=service, **overrides)


def mounts(service: str, read_only: bool = False) -> dict[str, str]:
    """Container path → host path or volume name, in short (``a:b:ro``) or long form."""
    found = {}
    for volume in STACK[service].get("volumes", []):
        if isinstance(volume, str):
            source, target, *mode = volume.split(":")
            volume = {"source": source, "target": target, "read_only": mode == ["ro"]}
        if volume.get("read_only") or not read_only:
            found[volume["target"]] = volume["source"]
    return found


# The services


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_runs_boucle_serve_with_its_own_name(service: str) -> None:
    assert STACK[service]["command"] == ["serve", service]


def test_the_four_services_run_one_image_built_from_the_dockerfile() -> None:
    assert {STACK[service]["build"] for service in SERVICES} == {"."}
    assert len({STACK[service]["image"] for service in SERVICES}) == 1
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.M)
    assert re.search(r"^ENTRYPOINT \[\"boucle\"\]$", dockerfile, re.M)
    user = re.findall(r"^USER (\S+)$", dockerfile, re.M)
    assert user and user[-1] not in ("root", "0"), "the services must not run as root"


def test_the_image_installs_the_locked_versions_and_nothing_else() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --require-hashes --no-deps -r /src/requirements-uv.txt" in dockerfile
    assert re.search(r"uv sync --locked --no-dev --no-editable", dockerfile)
    assert "pip install /src" not in dockerfile, "an unlocked install resolves whatever is newest"
    admitted = (ROOT / ".dockerignore").read_text().splitlines()
    assert {"!uv.lock", "!requirements-uv.txt", "!pyproject.toml"} <= set(admitted)


def test_every_boucle_variable_in_the_stack_is_a_setting() -> None:
    named = {key for service in STACK for key in environment(service) if key.startswith("BOUCLE_")}
    assert named <= SETTING_NAMES, f"not settings: {sorted(named - SETTING_NAMES)}"


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_environment_loads_into_settings_for_the_cluster(service: str) -> None:
    settings = settings_of(service)
    assert settings.stream_replicas == 3
    assert settings.http_host == "0.0.0.0"
    assert settings.public_url.startswith("https://")
    assert settings.database_url.startswith("postgresql://")
    assert re.search(r"@postgres:5432/", settings.database_url)
    servers = settings.nats_url.split(",")
    assert sorted(re.sub(r"^nats://|:4222$", "", server) for server in servers) == NATS_NODES


def mount_holding(service: str, path: str) -> tuple[str, str] | None:
    """The read-only (container folder, host source) under which ``path`` is, if any."""
    for target, source in mounts(service, read_only=True).items():
        if path.startswith(target.rstrip("/") + "/"):
            return target, source
    return None


@pytest.mark.parametrize("service", SERVICES)
def test_the_trusted_keys_are_in_a_folder_mounted_read_only(service: str) -> None:
    """A folder, not the file: a rotation replaces the file, which a running container sees
    only through its folder."""
    key_path = settings_of(service).auth_public_key
    assert key_path.endswith(TRUSTED_KEYS_FILE)
    assert mount_holding(service, key_path) is not None


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_publishes_a_security_contact(service: str) -> None:
    assert settings_of(service).security_contact
    systemd = environment_file("boucle.env") | environment_file(f"{service}.env")
    assert load_settings(environ=systemd, service=service).security_contact


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_is_healthy_only_when_it_is_ready(service: str) -> None:
    check = " ".join(STACK[service]["healthcheck"]["test"])
    assert f"127.0.0.1:{settings_of(service).port}/health/ready" in check


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_waits_for_a_healthy_database_and_event_bus(service: str) -> None:
    waits_for = STACK[service]["depends_on"]
    for dependency in ["postgres", *NATS_NODES]:
        assert waits_for[dependency]["condition"] == "service_healthy"


def test_only_the_proxy_publishes_ports() -> None:
    assert [name for name, spec in STACK.items() if spec.get("ports")] == ["proxy"]


def test_every_container_is_restarted_unless_an_operator_stopped_it() -> None:
    policies = {name: spec.get("restart") for name, spec in STACK.items()}
    assert policies == dict.fromkeys(STACK, "unless-stopped")


# systemd


def unit_file(name: str) -> dict[str, list[str]]:
    """``Section.Key`` → its values in file order (systemd allows a key several times)."""
    values: dict[str, list[str]] = {}
    section = ""
    for line in (SYSTEMD / name).read_text().splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif line and not line.startswith(("#", ";")):
            key, value = line.split("=", 1)
            values.setdefault(f"{section}.{key.strip()}", []).append(value.strip())
    return values


def test_the_systemd_unit_runs_boucle_serve_for_its_instance_and_restarts_it_on_failure() -> None:
    unit = unit_file("boucle@.service")
    (command,) = unit["Service.ExecStart"]
    assert command.split()[-2:] == ["serve", "%i"] and command.split()[0].endswith("/boucle")
    assert unit["Service.Restart"] == ["on-failure"]
    assert unit["Service.RestartSec"] and unit["Service.RestartMaxDelaySec"]
    assert unit["Unit.StartLimitIntervalSec"] and unit["Unit.StartLimitBurst"]
    environment_files = unit["Service.EnvironmentFile"]
    assert "/etc/boucle/boucle.env" in environment_files
    assert "-/etc/boucle/%i.env" in environment_files  # optional: a service's own settings
    assert unit["Service.User"] not in (["root"], ["0"])


def test_the_systemd_target_starts_the_four_services() -> None:
    (wanted,) = unit_file("boucle.target")["Unit.Wants"]
    assert set(wanted.split()) == {f"boucle@{service}.service" for service in SERVICES}
    assert unit_file("boucle@.service")["Install.WantedBy"] == ["boucle.target"]


def environment_file(name: str) -> dict[str, str]:
    path = SYSTEMD / name
    if not path.exists():
        return {}
    lines = [line for line in path.read_text().splitlines() if line and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


@pytest.mark.parametrize("service", SERVICES)
def test_the_systemd_environment_files_load_into_settings(service: str) -> None:
    environ = environment_file("boucle.env") | environment_file(f"{service}.env")
    settings = load_settings(environ=environ, service=service)
    assert settings.database_url.startswith("postgresql://")
    assert settings.auth_public_key.startswith("/etc/boucle/")
    assert bool(settings.auth_private_key) == (service == "group_purchase")


# Durability


def test_postgresql_keeps_fsync_on_and_its_data_on_a_volume() -> None:
    postgres = STACK["postgres"]
    command = " ".join(postgres.get("command", []))
    assert "fsync=off" not in command and "synchronous_commit=off" not in command
    assert "fsync=on" in command
    assert set(mounts("postgres").values()) & set(COMPOSE["volumes"])
    assert postgres["healthcheck"]["test"]


def test_the_event_bus_is_three_nats_nodes_with_their_own_storage() -> None:
    assert len(NATS_NODES) == 3
    data_volumes = {mounts(node)["/data"] for node in NATS_NODES}
    assert len(data_volumes) == 3 and data_volumes <= set(COMPOSE["volumes"])
    names = {environment(node)["NATS_SERVER_NAME"] for node in NATS_NODES}
    assert names == set(NATS_NODES)


@pytest.mark.parametrize("node", NATS_NODES)
def test_each_nats_node_syncs_every_write_and_routes_to_the_others(node: str) -> None:
    config = nats_config_file(node).read_text()
    jetstream = re.search(r"^jetstream\s*\{(.*?)^\}", config, re.M | re.S)
    assert jetstream, "JetStream is not enabled"
    assert re.search(r"^\s*store_dir:\s*/data/", jetstream.group(1), re.M)
    assert re.search(r"^\s*sync_interval:\s*always\s*$", jetstream.group(1), re.M), (
        "JetStream must fsync every write before acknowledging it (sync_interval: always)"
    )
    routes = set(re.findall(r"nats-route://([\w-]+):6222", config))
    assert routes == set(NATS_NODES)


@pytest.mark.parametrize("node", NATS_NODES)
def test_nats_server_accepts_each_node_configuration(node: str) -> None:
    try:
        binary = nats_server_binary()
    except FileNotFoundError:
        pytest.skip("nats-server is not installed")
    result = subprocess.run(
        [binary, "-t", "-c", str(nats_config_file(node))],
        env={**os.environ, **environment(node)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def nats_config_file(node: str) -> Path:
    """The host file mounted where the node's ``--config`` argument points."""
    return ROOT / mounts(node)[STACK[node]["command"][-1]]


# The proxy


@dataclass
class Proxy:
    """What deploy/Caddyfile does with a request path: matchers, rewrites, handle blocks."""

    paths: dict[str, tuple[str, ...]] = field(default_factory=dict)
    regexps: dict[str, tuple[str, str]] = field(default_factory=dict)
    rewrites: list[tuple[str, str]] = field(default_factory=list)
    handles: list[tuple[str | None, str]] = field(default_factory=list)

    def route(self, path: str) -> tuple[str, str]:
        """The directive that answers ``path`` (``reverse_proxy host:port`` or ``respond
        404``) and the path it is given."""
        for rewrite_matcher, target in self.rewrites:
            placeholders = self.matches(rewrite_matcher, path)
            if placeholders is not None:
                for name, value in placeholders.items():
                    target = target.replace(f"{{{name}}}", value)
                path = target
                break
        # Caddy tries named matchers in file order and the catch-all handle last.
        for matcher, directive in sorted(self.handles, key=lambda handle: handle[0] is None):
            if matcher is None or self.matches(matcher, path) is not None:
                return directive, path
        raise AssertionError(f"no handle answers {path}")

    def matches(self, matcher: str, path: str) -> dict[str, str] | None:
        if matcher in self.paths:
            hit = any(path_matches(pattern, path) for pattern in self.paths[matcher])
            return {} if hit else None
        name, pattern = self.regexps[matcher]
        found = re.search(pattern, path)
        if found is None:
            return None
        return {f"re.{name}.{i}": group or "" for i, group in enumerate(found.groups(), 1)}


def path_matches(pattern: str, path: str) -> bool:
    """Caddy's ``path`` matcher: case-insensitive, exact or with a trailing ``*``."""
    pattern, path = pattern.lower(), path.lower()
    assert "*" not in pattern[:-1], f"this test does not know the pattern {pattern}"
    return path.startswith(pattern[:-1]) if pattern.endswith("*") else path == pattern


def read_caddyfile(text: str) -> Proxy:
    proxy = Proxy()
    depth, handle = 0, ""
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if depth == 1 and words:
            if words[0].startswith("@") and words[1] == "path":
                proxy.paths[words[0]] = tuple(words[2:])
            elif words[0].startswith("@") and words[1] == "path_regexp":
                proxy.regexps[words[0]] = (words[2], words[3]) if len(words) > 3 else ("", words[2])
            elif words[0] == "rewrite":
                proxy.rewrites.append((words[1], words[2]))
            elif words[0] == "handle":
                handle = words[1] if words[1].startswith("@") else "*"
        elif depth == 2 and handle and words and words[0] in ("reverse_proxy", "respond"):
            proxy.handles.append((None if handle == "*" else handle, " ".join(words[:2])))
        depth += line.count("{") - line.count("}")
        if depth <= 1:
            handle = ""
    return proxy


PROXY = read_caddyfile((ROOT / mounts("proxy")["/etc/caddy/Caddyfile"]).read_text())


@pytest.fixture(scope="module")
def route_tables(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """Each service's own route paths: its app's routes minus those every app has."""
    key = str(ensure_keypair(tmp_path_factory.mktemp("keys")))
    tables = {}
    for service in SERVICES:
        settings = settings_of(service, auth_public_key=key, log_format="auto")
        definition = importlib.import_module(f"services.{service}.app").DEFINITION
        kit = ServiceDefinition(service, "kit", [], definition.migrations)
        own = {route.path for route in create_app(settings, definition).routes}
        tables[service] = own - {route.path for route in create_app(settings, kit).routes}
    return tables


def sample_path(route_path: str) -> str:
    def parameter(match: re.Match[str]) -> str:
        return SAMPLE_PARAMETERS.get(match.group(2), SAMPLE_CODE)

    return re.sub(r"\{(\w+):(\w+)\}", parameter, route_path)


def answered_by(route_path: str, path: str) -> bool:
    pattern = re.sub(r"\\\{\w+:path\\\}", ".+", re.escape(route_path))
    return re.fullmatch(re.sub(r"\\\{\w+:\w+\\\}", "[^/]+", pattern), path) is not None


def upstream(service: str) -> str:
    return f"reverse_proxy {service}:{settings_of(service).port}"


@pytest.mark.parametrize("service", SERVICES)
def test_the_proxy_sends_every_route_of_a_service_to_that_service(
    service: str, route_tables: dict[str, set[str]]
) -> None:
    for route_path in sorted(route_tables[service]):
        path = sample_path(route_path)
        directive, forwarded = PROXY.route(path)
        assert directive == upstream(service), (
            f"{service} serves {route_path} but deploy/Caddyfile sends {path} to {directive}"
        )
        assert answered_by(route_path, forwarded)


def test_the_api_and_the_passport_are_among_the_routes_checked(
    route_tables: dict[str, set[str]],
) -> None:
    checked = {path for paths in route_tables.values() for path in paths}
    assert any(path.startswith("/api/v1/") for path in checked)
    assert any(path.startswith("/d/") for path in checked)


def test_a_scanned_qr_code_opens_the_device_passport(route_tables: dict[str, set[str]]) -> None:
    url = passport_url("boucle.example.org", SAMPLE_CODE)
    directive, forwarded = PROXY.route(url.split("BOUCLE.EXAMPLE.ORG", 1)[1])
    assert directive == upstream("inventory")
    assert any(answered_by(route, forwarded) for route in route_tables["inventory"])


def test_the_proxy_only_forwards_to_services_of_the_stack_on_their_ports() -> None:
    forwards = {directive for _, directive in PROXY.handles if directive.startswith("reverse_")}
    assert forwards <= {upstream(service) for service in SERVICES}


def test_metrics_are_not_published_through_the_proxy() -> None:
    assert PROXY.route("/metrics")[0] == "respond 404"


def test_pages_without_an_owner_reach_a_service() -> None:
    assert PROXY.route("/")[0] in {upstream(service) for service in SERVICES}
    assert PROXY.route("/static/boucle.css")[0] in {upstream(service) for service in SERVICES}


def test_only_the_service_that_signs_people_in_holds_the_private_key() -> None:
    signing = mount_holding("group_purchase", settings_of("group_purchase").auth_private_key)
    assert signing is not None
    keys_folder = signing[1].rstrip("/")
    for service in SERVICES:
        if service != "group_purchase":
            assert settings_of(service).auth_private_key == ""
            assert keys_folder not in {source.rstrip("/") for source in mounts(service).values()}
            assert all(
                source.startswith(keys_folder + "/public")
                for source in mounts(service).values()
                if source.startswith(keys_folder)
            )
