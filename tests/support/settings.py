"""The settings config.py reads, found in its source (the tests that check .env.example
and the deploy files against them)."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READERS = {"os.environ.get", "os.getenv", "_env_int", "_env_bool", "secret_setting"}


def config_settings() -> dict[str, bool]:
    """Every environment variable config.py reads by name -> whether it is a secret
    (read with secret_setting, so NAME_FILE works too)."""
    tree = ast.parse((ROOT / "config.py").read_text(encoding="utf-8"))
    found: dict[str, bool] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ" \
                and isinstance(node.slice, ast.Constant):
            found.setdefault(node.slice.value, False)
        elif isinstance(node, ast.Call) and ast.unparse(node.func) in READERS \
                and node.args and isinstance(node.args[0], ast.Constant):
            secret = ast.unparse(node.func) == "secret_setting"
            found[node.args[0].value] = found.get(node.args[0].value, False) or secret
    return found


def names_config_reads() -> set[str]:
    """The names an installation may set: each setting, and NAME_FILE for the secrets."""
    return {name for setting, secret in config_settings().items()
            for name in ((setting, f"{setting}_FILE") if secret else (setting,))}
