"""Settings are checked when the app starts: outside debug and the tests a missing or
unusable setting stops it with one line naming the setting, in the app factory, in the
flask command and in gunicorn (no traceback); every secret can come from a file; every
setting config.py reads is listed in .env.example; instance/ is only made for SQLite."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import app as app_module
from tests.support.settings import config_settings
import config
from app import SettingsError, create_app
from config import DEVELOPMENT_BASE_URL

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "settings-test-" + "k" * 40
GOOD = {"SECRET_KEY": STRONG_KEY, "BASE_URL": "https://noaber.example.nl",
        "MAIL_BACKEND": "smtp", "MAIL_LOG_ALLOWED": False, "PROXY_COUNT": 0,
        "SQLALCHEMY_DATABASE_URI": "sqlite://", "SQLALCHEMY_ENGINE_OPTIONS": {}}
SECRETS = ("SECRET_KEY", "DATABASE_URL", "MAIL_PASSWORD", "RATELIMIT_STORAGE_URI", "SENTRY_DSN")


def _production(**changes):
    """An app as a real installation builds it: not testing, not debug."""
    return create_app({**GOOD, **changes})


def _refusal(**changes) -> str:
    with pytest.raises(SettingsError) as refused:
        _production(**changes)
    return refused.value.message


# --- the settings config.py reads -----------------------------------------------------

_config_settings = config_settings


def _clean_environment(tmp_path) -> dict[str, str]:
    """The test process's environment without any Noaber setting or Flask variable,
    plus the good settings of a production installation on a scratch SQLite file."""
    names = set(_config_settings())
    env = {k: v for k, v in os.environ.items()
           if k not in names and k.removesuffix("_FILE") not in names
           and not k.startswith("FLASK_")}
    return env | {"SECRET_KEY": STRONG_KEY, "BASE_URL": "https://noaber.example.nl",
                  "MAIL_BACKEND": "smtp", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}


def test_config_reads_settings_by_name_and_the_scan_finds_them():
    settings = _config_settings()
    assert {"DATABASE_URL", "BASE_URL", "MAIL_BACKEND", "MAIL_LOG_ALLOWED", "PROXY_COUNT",
            "SESSION_COOKIE_SECURE", "MAIL_PORT"} <= set(settings)
    assert {name for name, secret in settings.items() if secret} == set(SECRETS)


# --- in the app factory ---------------------------------------------------------------

def test_a_production_app_starts_with_good_settings():
    app = _production()
    assert not app.testing and not app.debug
    assert app.config["BASE_URL"] == "https://noaber.example.nl"
    # the log backend where an installation asks for it
    assert _production(MAIL_BACKEND="log", MAIL_LOG_ALLOWED=True).config["MAIL_BACKEND"] \
        == "log"


@pytest.mark.parametrize("changes, line", [
    ({"MAIL_BACKEND": "log"},
     r"MAIL_BACKEND: log writes the e-mails to the log and sends none; set "
     r"MAIL_BACKEND=smtp and MAIL_SERVER, or MAIL_LOG_ALLOWED=1 .*"),
    ({"MAIL_BACKEND": "sendmail"}, r"MAIL_BACKEND: unknown backend 'sendmail'; use smtp .*"),
    ({"BASE_URL": ""}, r"BASE_URL: not set; set it to the address .*"),
    ({"BASE_URL": "noaber.example.nl"},
     r"BASE_URL: 'noaber.example.nl' is not an http:// or https:// address .*"),
    ({"BASE_URL": "ftp://noaber.example.nl"}, r"BASE_URL: 'ftp://noaber.example.nl' is not .*"),
    ({"BASE_URL": "https://"}, r"BASE_URL: 'https://' is not an http:// .*"),
    ({"BASE_URL": "https://noaber.example.nl:port"}, r"BASE_URL: .* is not an http:// .*"),
    ({"BASE_URL": "https://noaber.example.nl/?next=x"}, r"BASE_URL: .* is not an http:// .*"),
    ({"PROXY_COUNT": -1}, r"PROXY_COUNT: -1 is not a whole number of at least 0 .*"),
    ({"PROXY_COUNT": "1"}, r"PROXY_COUNT: '1' is not a whole number of at least 0 .*"),
    ({"SECRET_KEY": "short"}, r"SECRET_KEY: set SECRET_KEY or SECRET_KEY_FILE .*"),
])
def test_the_app_refuses_a_bad_setting_with_one_line_naming_it(changes, line):
    message = _refusal(**changes)
    assert "\n" not in message
    assert re.fullmatch(line, message), message


def test_each_problem_gets_its_own_line():
    lines = _refusal(MAIL_BACKEND="log", BASE_URL="", PROXY_COUNT=-2).splitlines()
    assert [line.split(":")[0] for line in lines] == ["PROXY_COUNT", "BASE_URL",
                                                        "MAIL_BACKEND"]


def test_debug_and_the_tests_may_use_the_development_conveniences():
    for mode in ({"TESTING": True}, {"DEBUG": True}):
        app = create_app({**GOOD, **mode, "SECRET_KEY": config.DEVELOPMENT_SECRET_KEY,
                          "BASE_URL": "", "MAIL_BACKEND": "log"})
        assert app.config["BASE_URL"] == DEVELOPMENT_BASE_URL
    # a value that cannot work is refused there too
    with pytest.raises(SettingsError, match=r"^MAIL_BACKEND: unknown backend 'smpt'"):
        create_app({**GOOD, "TESTING": True, "MAIL_BACKEND": "smpt"})


def test_unusable_values_in_the_environment_are_noted_not_raised(monkeypatch, tmp_path):
    problems: dict[str, str] = {}
    monkeypatch.setenv("PROXY_COUNT", "two")
    monkeypatch.setenv("MAIL_PORT", "0")
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "maybe")
    monkeypatch.setenv("MAIL_USE_TLS", "off")
    monkeypatch.delenv("MAIL_PASSWORD", raising=False)
    monkeypatch.setenv("MAIL_PASSWORD_FILE", str(tmp_path / "missing"))
    assert config._env_int("PROXY_COUNT", 0, problems=problems) == 0
    assert config._env_int("MAIL_PORT", 25, minimum=1, problems=problems) == 25
    assert config._env_bool("SESSION_COOKIE_SECURE", False, problems=problems) is False
    assert config._env_bool("MAIL_USE_TLS", True, problems=problems) is False
    assert config.secret_setting("MAIL_PASSWORD", problems=problems) is None
    assert problems == {
        "PROXY_COUNT": "PROXY_COUNT: 'two' is not a whole number of at least 0",
        "MAIL_PORT": "MAIL_PORT: '0' is not a whole number of at least 1",
        "SESSION_COOKIE_SECURE": "SESSION_COOKIE_SECURE: 'maybe' is neither true (1, true, "
                                 "yes, on) nor false (0, false, no, off)",
        "MAIL_PASSWORD_FILE": f"MAIL_PASSWORD_FILE: cannot read {tmp_path / 'missing'} "
                              "(No such file or directory)"}


# --- in the flask command and in gunicorn ---------------------------------------------

def _flask(env: dict[str, str], *command: str) -> subprocess.CompletedProcess:
    """``flask <command>``, by default ``jobs list``: a command that sends mail (it runs the
    jobs), so it needs every setting a web worker needs."""
    return subprocess.run([sys.executable, "-m", "flask", "--app", "app",
                           *(command or ("jobs", "list"))],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_the_flask_command_runs_with_good_settings(tmp_path):
    env = _clean_environment(tmp_path)
    assert _flask(env, "db", "upgrade").returncode == 0
    done = _flask(env)
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stderr
    assert "digest" in done.stdout  # it listed the jobs


def test_the_database_commands_need_only_the_database(tmp_path):
    """A release step that migrates knows the database and the key, not the address or
    the mail server: ``db upgrade``, ``db check`` and ``noaber db-state`` run without
    them; the commands that send refuse in the same environment."""
    env = _clean_environment(tmp_path) | {"MAIL_BACKEND": "log"}
    env.pop("BASE_URL")
    for command in (("db", "upgrade"), ("db", "check"), ("noaber", "db-state")):
        done = _flask(env, *command)
        assert done.returncode == 0, (command, done.stderr)
    for command in (("jobs", "list"), ("scheduler", "check"), ("seed", "demo", "--if-empty"),
                    ("users", "create-admin", "--help")):
        done = _flask(env, *command)
        if "--help" in command:  # asking how a command works is always allowed
            assert done.returncode == 0, done.stderr
            continue
        assert done.returncode == 78, (command, done.stdout, done.stderr)
        assert done.stderr.splitlines()[0] == "Error: BASE_URL: not set; set it to the " \
            "address where the installation is reached, e.g. https://noaber.example.nl " \
            "(links in e-mails point there)"
    # a value that cannot work stops every command, the database's too
    done = _flask(env | {"PROXY_COUNT": "two"}, "db", "upgrade")
    assert done.returncode == 78
    assert "PROXY_COUNT: 'two' is not a whole number" in done.stderr


@pytest.mark.parametrize("changes, line", [
    ({"MAIL_BACKEND": "log"}, "MAIL_BACKEND: log writes the e-mails to the log"),
    ({"MAIL_BACKEND": "log", "MAIL_LOG_ALLOWED": "1", "MAIL_USE_TLS": "maybe"},
     "MAIL_USE_TLS: 'maybe' is neither true"),
    ({"MAIL_BACKEND": "mailgun"}, "MAIL_BACKEND: unknown backend 'mailgun'"),
    ({"BASE_URL": None}, "BASE_URL: not set"),
    ({"BASE_URL": "www.noaber.example.nl"}, "BASE_URL: 'www.noaber.example.nl' is not an"),
    ({"PROXY_COUNT": "one"}, "PROXY_COUNT: 'one' is not a whole number of at least 0"),
    ({"PROXY_COUNT": "-1"}, "PROXY_COUNT: '-1' is not a whole number of at least 0"),
    ({"MAIL_PORT": "smtp"}, "MAIL_PORT: 'smtp' is not a whole number of at least 1"),
    ({"SECRET_KEY": None, "SECRET_KEY_FILE": "/nonexistent/noaber-key"},
     "SECRET_KEY_FILE: cannot read /nonexistent/noaber-key (No such file or directory)"),
])
def test_the_flask_command_prints_one_line_naming_the_setting(tmp_path, changes, line):
    env = _clean_environment(tmp_path)
    for name, value in changes.items():
        if value is None:
            env.pop(name)
        else:
            env[name] = value
    done = _flask(env)
    assert done.returncode == 78  # EX_CONFIG
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith("Error: ")
    lines[0] = lines[0].removeprefix("Error: ")
    assert any(entry.startswith(line) for entry in lines), done.stderr
    if "SECRET_KEY" not in changes:  # (without a key the key's line comes too)
        assert len(lines) == 1, done.stderr


def test_gunicorn_logs_the_line_and_stops(tmp_path):
    env = _clean_environment(tmp_path) | {"PROXY_COUNT": "several"}
    done = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", "127.0.0.1:0",
         "--control-socket", str(tmp_path / "gunicorn.ctl"), "app:create_app()"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 4  # gunicorn's "App failed to load."
    assert "Traceback" not in done.stderr
    errors = [line.split("[ERROR] ", 1)[1] for line in done.stderr.splitlines()
              if "[ERROR] " in line]
    assert errors[0] == "PROXY_COUNT: 'several' is not a whole number of at least 0"
    assert "Reason: App failed to load." in errors


# --- secrets from files ---------------------------------------------------------------

@pytest.mark.parametrize("name", SECRETS)
def test_every_secret_can_come_from_a_file(tmp_path, monkeypatch, name):
    path = tmp_path / name.lower()
    path.write_text(f"{name.lower()}-from-the-file\n", encoding="utf-8")
    monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(f"{name}_FILE", str(path))
    problems: dict[str, str] = {}
    assert config.secret_setting(name, problems) == f"{name.lower()}-from-the-file"
    monkeypatch.setenv(name, "from-the-environment")
    assert config.secret_setting(name, problems) == "from-the-environment"
    assert not problems


def test_the_settings_read_their_secrets_from_the_files(tmp_path):
    """config.Config itself, imported afresh with only the *_FILE variables set."""
    values = {"SECRET_KEY": "a-key-from-a-file-" + "s" * 32,
              "DATABASE_URL": "postgresql://noaber:pw@db.example/noaber",
              "MAIL_PASSWORD": "mail password from a file",
              "RATELIMIT_STORAGE_URI": "redis://:pw@127.0.0.1:6379/3"}
    env = _clean_environment(tmp_path)
    for name, value in values.items():
        env.pop(name, None)
        (tmp_path / name).write_text(value + "\n", encoding="utf-8")
        env[f"{name}_FILE"] = str(tmp_path / name)
    script = ("import json, config; c = config.Config; print(json.dumps([c.SECRET_KEY, "
              "c.SQLALCHEMY_DATABASE_URI, c.MAIL_PASSWORD, c.RATELIMIT_STORAGE_URI, "
              "config.SETTING_PROBLEMS]))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(done.stdout) == [
        values["SECRET_KEY"], "postgresql+psycopg://noaber:pw@db.example/noaber",
        values["MAIL_PASSWORD"], values["RATELIMIT_STORAGE_URI"], {}]


# --- .env.example ---------------------------------------------------------------------

def _listed_in_env_example() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", text, re.M))


def test_env_example_lists_every_setting_config_reads():
    listed = _listed_in_env_example()
    settings = _config_settings()
    expected = set(settings) | {f"{name}_FILE" for name, secret in settings.items()
                                if secret}
    assert not expected - listed, f"missing in .env.example: {sorted(expected - listed)}"
    assert not listed - expected, f"not read by config.py: {sorted(listed - expected)}"


# --- instance/ ------------------------------------------------------------------------

@pytest.mark.parametrize("url, made", [
    ("postgresql+psycopg://noaber@db.invalid/noaber", False),
    ("sqlite://", False),
    ("sqlite:///{elsewhere}/noaber.db", False),
    ("sqlite:///{instance}/noaber.db", True),
])
def test_instance_is_made_only_for_a_sqlite_file_in_it(tmp_path, monkeypatch, url, made):
    instance, elsewhere = tmp_path / "code" / "instance", tmp_path / "data"
    elsewhere.mkdir()
    monkeypatch.setattr(app_module, "INSTANCE_PATH", instance)
    app = _production(SQLALCHEMY_DATABASE_URI=url.format(instance=instance,
                                                         elsewhere=elsewhere))
    assert app.instance_path == str(instance)
    assert instance.is_dir() is made
