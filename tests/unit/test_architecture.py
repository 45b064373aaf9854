"""The layers hold: the domain and the use-cases stay free of Telegram and SQL, nothing below the
adapter imports it, reporting paths stay free of aiogram, and the project's imports have no cycle.

The checks read every module's source (imports inside functions and TYPE_CHECKING blocks count);
one more imports every domain and service module in a fresh process to see what really loads.
"""

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import bot.domain
import bot.services

ROOT = Path(__file__).parents[2]
PACKAGES = ("bot", "dialogs", "storage")
FORBIDDEN_IN_CORE = ("aiogram", "aiogram_dialog", "sqlalchemy", "bot.telegram", "storage")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[module_name(path)] = path
    return modules


MODULES = project_modules()


def imports_of(name: str) -> set[str]:
    """Every module `name` imports, anywhere in its source, as full dotted names."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # a submodule, maybe
    return found


def under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def walk(package) -> list[str]:
    names = [package.__name__]
    names += [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
    return names


CORE = walk(bot.domain) + walk(bot.services)


def test_the_walk_finds_every_core_module():
    on_disk = {n for n in MODULES if under(n, "bot.domain") or under(n, "bot.services")}
    assert set(CORE) == on_disk
    assert "bot.services.notices" in CORE and "bot.domain.notices" in CORE


@pytest.mark.parametrize("module", CORE)
def test_core_imports_neither_telegram_nor_sql_nor_storage(module):
    bad = {i for i in imports_of(module) for f in FORBIDDEN_IN_CORE if under(i, f)}
    assert not bad, f"{module} imports {sorted(bad)}"


def test_presentation_imports_the_domain_and_i18n_only():
    for module in (n for n in MODULES if under(n, "bot.presentation")):
        project = {i.split(".")[0] for i in imports_of(module)} & {"bot", "dialogs", "storage"}
        inner = {i for i in imports_of(module) if under(i, "bot") or under(i, "dialogs")}
        allowed = ("bot.domain", "bot.i18n", "bot.presentation")
        assert project <= {"bot"}, module
        assert all(any(under(i, a) for a in allowed) or i == "bot" for i in inner), module


def test_nothing_below_the_adapter_imports_it():
    below = [
        n for n in MODULES
        if any(under(n, p) for p in ("bot.domain", "bot.services", "storage", "dialogs"))
    ]  # fmt: skip
    offenders = {n: sorted(i for i in imports_of(n) if under(i, "bot.telegram")) for n in below}
    assert not {n: i for n, i in offenders.items() if i}


def test_the_import_graph_has_no_cycle():
    graph = {name: {i for i in imports_of(name) if i in MODULES and i != name} for name in MODULES}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for name in sorted(graph):
        if name not in state and (cycle := visit(name)):
            pytest.fail("import cycle: " + " -> ".join(cycle))


def imported_modules(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(result.stdout.split())


@pytest.mark.slow  # a real process
def test_loading_every_core_module_loads_neither_aiogram_nor_sqlalchemy():
    loaded = imported_modules("; ".join(f"import {m}" for m in CORE))
    tops = {name.split(".")[0] for name in loaded}
    assert "aiogram" not in tops
    assert "aiogram_dialog" not in tops
    assert "sqlalchemy" not in tops
    assert not {n for n in loaded if under(n, "bot.telegram") or under(n, "storage")}


@pytest.mark.slow  # a real process
@pytest.mark.parametrize("module", ["bot.i18n", "bot.config"])
def test_core_imports_neither_aiogram_nor_sqlalchemy(module):
    tops = {name.split(".")[0] for name in imported_modules(f"import {module}")}
    assert "aiogram" not in tops
    assert "aiogram_dialog" not in tops
    assert "sqlalchemy" not in tops


@pytest.mark.slow  # a real process
def test_app_and_migrations_do_not_import_aiogram():
    tops = {
        n.split(".")[0] for n in imported_modules("import bot.app, storage.migrate, bot.__main__")
    }
    assert "aiogram" not in tops


@pytest.mark.slow  # a real process
def test_the_running_bot_imports_neither_alembic_nor_matplotlib():
    """Alembic is imported only to migrate, matplotlib only to draw (memory of every process)."""
    loaded = imported_modules(
        "import bot.app, bot.telegram.entry.factory, bot.telegram.entry.polling"
    )
    tops = {n.split(".")[0] for n in loaded}
    assert "alembic" not in tops
    assert "matplotlib" not in tops
