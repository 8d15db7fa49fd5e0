"""Packages import one way: each layer imports only the layers below it.

Every import counts, at module level or inside a function. The layers are the README's
five lines, with the feature chains spelled out; a package may always import itself.
The pure modules (the workflow's rules and the SLA's clock math) import neither Flask,
the database nor the extensions.
"""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {".venv", "tests", "migrations", ".git", "instance", "static", "templates",
           "translations", "bench", "node_modules"}

# Highest first. Within the entry layer no package imports another.
LAYERS: list[set[str]] = [
    {"app"},
    {"jobs", "demo", "api", "admin", "home", "supervision", "maintenance", "public",
     "search"},
    {"webhooks"},
    {"representations"},
    {"reports", "privacy"},
    {"mailin"},
    {"correspondence"},
    {"followups"},
    {"notifications"},
    {"tickets"},
    {"customers"},
    {"auth"},
    {"sites"},
    {"sla"},
    {"outbox"},
    {"core"},
    {"extensions", "config"},
]
LEVEL = {package: level for level, layer in enumerate(LAYERS) for package in layer}

PURE_MODULES = [
    "tickets/workflow.py", "tickets/field_rules.py", "tickets/cleaning.py", "tickets/money.py",
    "tickets/apology.py", "tickets/files.py", "tickets/hooks.py", "sla/calendar.py",
    "sla/hours.py", "sla/clocks.py", "sla/ladder.py", "sla/policy.py", "followups/rules.py",
    "reports/weeks.py", "sla/units.py", "sla/preview.py", "core/messages.py",
]
IMPURE = ("flask", "flask_sqlalchemy", "sqlalchemy", "extensions")


def _source_files() -> list[Path]:
    return [
        path for path in ROOT.rglob("*.py")
        if not set(path.relative_to(ROOT).parts) & SKIPPED
    ]


def _package_of(path: Path) -> str:
    parts = path.relative_to(ROOT).parts
    return parts[0] if len(parts) > 1 else path.stem


def _imported_modules(path: Path) -> list[tuple[str, int]]:
    """Every absolute import in the file, wherever it stands, with its line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
    return found


def _violations() -> list[str]:
    problems = []
    for path in _source_files():
        package = _package_of(path)
        if package not in LEVEL:
            problems.append(f"{path.relative_to(ROOT)}: package '{package}' has no layer")
            continue
        for module, line in _imported_modules(path):
            target = module.split(".")[0]
            if target == package or target not in LEVEL:
                continue
            if LEVEL[target] <= LEVEL[package]:
                problems.append(f"{path.relative_to(ROOT)}:{line} {package} imports {module}")
    return problems


def test_every_package_imports_only_the_layers_below_it():
    assert _violations() == []


def test_the_check_sees_imports_inside_functions(tmp_path, monkeypatch):
    """The rule is not fooled by an import tucked into a function body."""
    package = tmp_path / "sla"
    package.mkdir()
    (package / "sneaky.py").write_text("def later():\n    from tickets import models\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert _violations() == ["sla/sneaky.py:2 sla imports tickets"]


def test_every_layer_is_a_real_package_or_module():
    for package in LEVEL:
        assert (ROOT / package).is_dir() or (ROOT / f"{package}.py").is_file(), package


@pytest.mark.parametrize("name", PURE_MODULES)
def test_pure_modules_import_neither_flask_nor_the_database(name):
    imported = {module.split(".")[0] for module, _line in _imported_modules(ROOT / name)}
    assert not imported & set(IMPURE), (name, sorted(imported & set(IMPURE)))
