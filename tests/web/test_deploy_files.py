"""The deploy files hold no logic of their own: the container files and the systemd units
run only the start scripts, and every environment name they give Noaber is a setting the
app or a start script reads. The proxies set exactly the X-Forwarded-* headers the app
trusts with PROXY_COUNT=1. (The container files were not built here: this machine runs
no containers; these tests read them.)"""
from __future__ import annotations

import re
import shlex

import pytest
import yaml

from app import create_app
from config import TestConfig
from tests.support.deploy import DEPLOY, REPO
from tests.support.settings import names_config_reads

START_SCRIPTS = {"deploy/start-web", "deploy/start-scheduler"}


def settings_config_reads() -> set[str]:
    """The environment names config.py reads, and NAME_FILE for its secrets."""
    return names_config_reads()


def settings_start_scripts_read() -> set[str]:
    return {name for script in ("start-web", "start-scheduler", "common.sh")
            for name in re.findall(r"\$\{(NOABER_[A-Z0-9_]+)", (DEPLOY / script).read_text())}


DOCUMENTED = settings_config_reads() | settings_start_scripts_read()


def test_the_settings_are_found():
    """The parsing above finds what it should (else the checks below would pass on
    nothing)."""
    assert {"DATABASE_URL", "SECRET_KEY", "SECRET_KEY_FILE", "PROXY_COUNT",
            "SESSION_COOKIE_SECURE", "RATELIMIT_STORAGE_URI", "MAIL_SERVER"} \
        <= settings_config_reads()
    assert settings_start_scripts_read() == {"NOABER_MIGRATE", "NOABER_BIND",
                                             "NOABER_WORKERS"}


def test_the_start_scripts_settings_are_documented():
    docs = (REPO / "docs" / "deploy.md").read_text()
    for name in settings_start_scripts_read():
        assert f"`{name}`" in docs, name


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO / "compose.yaml").read_text())


def noaber_services(compose: dict) -> dict:
    return {name: service for name, service in compose["services"].items()
            if "build" in service}


def test_compose_runs_the_start_scripts_only(compose):
    services = noaber_services(compose)
    assert set(services) == {"web", "scheduler"}
    assert [services["web"]["command"], services["scheduler"]["command"]] == \
        [["deploy/start-web"], ["deploy/start-scheduler"]]
    for name, service in services.items():
        assert not {"entrypoint", "healthcheck", "working_dir", "user"} & set(service), name
    assert {"postgres", "redis", "caddy"} <= set(compose["services"])


def test_compose_gives_noaber_documented_settings_only(compose):
    for name, service in noaber_services(compose).items():
        environment = service["environment"]
        names = set(environment) if isinstance(environment, dict) else \
            {item.split("=", 1)[0] for item in environment}
        assert names and names <= DOCUMENTED, (name, names - DOCUMENTED)
        assert "env_file" not in service
        # the session key is a secret file, never a value in the file
        assert "SECRET_KEY" not in names and environment["SECRET_KEY_FILE"].startswith(
            "/run/secrets/")
        assert environment["PROXY_COUNT"] == "1"  # behind Caddy
        assert environment["RATELIMIT_STORAGE_URI"].startswith("redis://redis:")
        assert environment["DATABASE_URL"].startswith("postgresql://")


def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions (continuation lines joined, comments dropped)."""
    text = re.sub(r"\\\n", " ", (REPO / "Dockerfile").read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_the_dockerfile_runs_a_start_script_only():
    instructions = dockerfile()
    keywords = [keyword for keyword, _ in instructions]
    assert "ENTRYPOINT" not in keywords and "HEALTHCHECK" not in keywords
    commands = [rest for keyword, rest in instructions if keyword == "CMD"]
    assert commands == ['["deploy/start-web"]']
    env = [rest for keyword, rest in instructions if keyword == "ENV"]
    names = {part.split("=", 1)[0] for rest in env for part in shlex.split(rest)}
    assert names and names <= DOCUMENTED, names - DOCUMENTED
    assert ("USER", "noaber") in instructions  # not root
    ignored = (REPO / ".dockerignore").read_text().split()
    assert ".venv" in ignored and "instance" in ignored  # no local venv, data or key


def unit(name: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in (DEPLOY / "systemd" / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


@pytest.mark.parametrize("name, script", [("noaber-web.service", "start-web"),
                                          ("noaber-scheduler.service", "start-scheduler")])
def test_the_systemd_units_run_a_start_script_hardened(name, script):
    values = unit(name)
    assert values["ExecStart"] == [f"/opt/noaber/deploy/{script}"]
    assert values["User"] == ["noaber"] and values["EnvironmentFile"] == ["/etc/noaber/noaber.env"]
    assert values["ProtectSystem"] == ["strict"]
    assert values["ReadWritePaths"] == ["/opt/noaber/instance"]
    assert values["NoNewPrivileges"] == ["yes"] and values["CapabilityBoundingSet"] == [""]
    assert values["RestartPreventExitStatus"] == ["4"]  # ahead of the code: no retries
    environment = {v.split("=", 1)[0] for v in values.get("Environment", [])}
    assert environment <= DOCUMENTED, environment - DOCUMENTED


def trusted_forwarded_headers() -> set[str]:
    """The X-Forwarded-* headers the app believes with PROXY_COUNT=1 (its ProxyFix)."""
    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": "sqlite://", "PROXY_COUNT": 1})
    proxy_fix = app.wsgi_app
    headers = {"x_for": "X-Forwarded-For", "x_proto": "X-Forwarded-Proto",
               "x_host": "X-Forwarded-Host", "x_port": "X-Forwarded-Port",
               "x_prefix": "X-Forwarded-Prefix"}
    trusted = {header for attr, header in headers.items() if getattr(proxy_fix, attr) == 1}
    assert all(getattr(proxy_fix, attr) in (0, 1) for attr in headers)
    return trusted


def test_nginx_sets_every_header_the_app_trusts():
    conf = (DEPLOY / "nginx" / "noaber.conf").read_text()
    set_headers = dict(re.findall(r"^\s*proxy_set_header\s+(\S+)\s+(.+?);", conf, re.M))
    trusted = trusted_forwarded_headers()
    assert {"X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"} <= trusted
    # each one set by nginx (replacing what a client sent), so the one hop is nginx's
    assert trusted <= set(set_headers), trusted - set(set_headers)
    assert set_headers["X-Forwarded-For"] == "$remote_addr"
    assert set_headers["X-Forwarded-Proto"] == "$scheme"
    assert re.search(r'add_header Strict-Transport-Security "max-age=\d{8,}[^"]*" always;',
                     conf)
    assert "proxy_pass http://noaber;" in conf and "listen 443 ssl;" in conf
    assert "return 301 https://" in conf


def test_caddy_proxies_with_tls_and_hsts():
    caddyfile = (DEPLOY / "caddy" / "Caddyfile").read_text()
    assert re.search(r'header Strict-Transport-Security "max-age=\d{8,}', caddyfile)
    # reverse_proxy sets X-Forwarded-For/-Proto/-Host itself and drops a client's own
    # (it trusts no proxies unless trusted_proxies is given); nothing may undo that
    assert re.search(r"^\s*reverse_proxy \{\$NOABER_UPSTREAM:127\.0\.0\.1:8000\}", caddyfile,
                     re.M)
    assert "trusted_proxies" not in caddyfile and "header_up" not in caddyfile
    assert "tls internal" not in caddyfile and "http://" not in caddyfile
    assert "encode" not in caddyfile  # no compression of pages with tokens (BREACH)
