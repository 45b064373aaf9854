"""The files a newcomer relies on agree with the code: the lock with pyproject.toml, .env.example
with the settings."""

import re
import tomllib
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;]+)\s*(?:;\s*(.*?))?\s*\\?$")


def locked():
    """{name: [(version, marker or None)]}, {name: whether pyproject.toml asks for it}, hashes."""
    pins: dict[str, list[tuple[Version, Marker | None]]] = {}
    direct: set[str] = set()
    unhashed: list[str] = []
    current = None
    lines = (ROOT / "requirements.lock").read_text().splitlines()
    for number, line in enumerate(lines):
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match.group(1))
            marker = Marker(match.group(3)) if match.group(3) else None
            pins.setdefault(current, []).append((Version(match.group(2)), marker))
            following = lines[number + 1] if number + 1 < len(lines) else ""
            if "--hash=sha256:" not in following:
                unhashed.append(current)
        elif current and "avrr-bot (pyproject.toml)" in line:
            direct.add(current)
    return pins, direct, unhashed


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = project["dependencies"] + project["optional-dependencies"]["dev"]
    return [Requirement(spec) for spec in names]


def test_every_package_of_pyproject_is_locked_at_a_version_it_allows():
    pins, _, _ = locked()
    wrong = []
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        versions = [version for version, _ in pins.get(name, [])]
        if not versions or not all(requirement.specifier.contains(v) for v in versions):
            wrong.append(str(requirement))
    assert wrong == [], "pyproject.toml and requirements.lock disagree: run make lock"


def test_the_lock_asks_for_nothing_pyproject_does_not():
    _, direct, _ = locked()
    wanted = {canonicalize_name(r.name) for r in declared()}
    assert direct == wanted, "pyproject.toml and requirements.lock disagree: run make lock"


def test_every_pin_is_exact_and_hashed():
    pins, _, unhashed = locked()
    assert len(pins) > 30  # the transitive dependencies are there too
    assert unhashed == []


def test_env_example_lists_every_setting_with_its_default():
    text = (ROOT / ".env.example").read_text()
    listed = dict(re.findall(r"^# ([A-Z][A-Z_]+)=(.*)$", text, flags=re.MULTILINE))
    # WEBHOOK_HOST and WEBHOOK_PORT share a paragraph; both appear as lines of their own.
    missing = [name for name in Settings.model_fields if name not in listed]
    assert missing == []
    for name, field in Settings.model_fields.items():
        default = field.get_default(call_default_factory=True)
        if default in (None, frozenset()):
            continue  # no default: the example shows a placeholder or nothing
        if isinstance(default, tuple):
            default = ",".join(str(part) for part in default)
        assert listed[name] == str(default).removesuffix(".0"), name
