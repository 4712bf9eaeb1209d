"""The lock (constraints.txt) pins every distribution the app and its tests install, at
the version installed here, and agrees with the exact pins in pyproject.toml."""
from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def _lock() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==([^\s;]+)", line)
        assert match, f"constraints.txt: not a plain pin: {line!r}"
        name = canonicalize_name(match.group(1))
        assert name not in pins, f"constraints.txt pins {name} twice"
        pins[name] = match.group(2)
    return pins


def _closure(extras: set[str]) -> dict[str, str]:
    """Every distribution that installing ``noaber[extras]`` pulls in on this Python,
    from the installed metadata: name -> installed version."""
    found: dict[str, str] = {}
    todo: list[tuple[str, set[str]]] = [("noaber", extras)]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, wanted = todo.pop()
        key = (canonicalize_name(name), frozenset(wanted))
        if key in seen:
            continue
        seen.add(key)
        dist = metadata.distribution(name)
        if key[0] != "noaber":
            found[key[0]] = dist.version
        for text in dist.requires or []:
            requirement = Requirement(text)
            marker = requirement.marker
            if marker and not any(marker.evaluate({"extra": extra})
                                  for extra in wanted | {""}):
                continue
            todo.append((requirement.name, set(requirement.extras)))
    return found


def test_every_runtime_distribution_is_pinned_in_the_lock_at_its_installed_version():
    lock = _lock()
    runtime = _closure(set())
    # the app's own direct dependencies are in the set, and so are the ones they need
    assert {"flask", "werkzeug", "sqlalchemy", "psycopg-binary", "tinycss2"} <= set(runtime)
    assert {"pytest", "playwright"}.isdisjoint(runtime)
    unpinned = sorted(name for name in runtime if name not in lock)
    assert not unpinned, f"installed but not in constraints.txt: {unpinned}"
    wrong = {name: (version, lock[name]) for name, version in runtime.items()
             if version != lock[name]}
    assert not wrong, f"installed version differs from constraints.txt: {wrong}"


def test_the_test_tools_are_pinned_in_the_lock_too():
    lock = _lock()
    tools = _closure({"test"})
    assert {"pytest", "pytest-xdist", "execnet", "playwright"} <= set(tools)
    wrong = {name: (version, lock.get(name)) for name, version in tools.items()
             if lock.get(name) != version}
    assert not wrong, f"installed (with the test extras) vs constraints.txt: {wrong}"


def test_the_exact_pins_in_pyproject_agree_with_the_lock():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lock = _lock()
    requirements = [*project["dependencies"],
                    *(r for group in project["optional-dependencies"].values() for r in group)]
    pinned = 0
    for text in requirements:
        requirement = Requirement(text)
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", \
            f"pyproject.toml: {text!r} is not pinned with =="
        name = canonicalize_name(requirement.name)
        assert lock.get(name) == specifiers[0].version, \
            f"pyproject.toml pins {name}=={specifiers[0].version}, constraints.txt " \
            f"{lock.get(name)}"
        pinned += 1
    assert pinned == len(requirements) > 20
