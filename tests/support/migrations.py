"""Loading one migration's module, to run its functions against a test database."""

import importlib.util
from pathlib import Path
from types import ModuleType

VERSIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"


def load_migration(name: str) -> ModuleType:
    """The module of migrations/versions/`name`.py (not on the import path)."""
    spec = importlib.util.spec_from_file_location(name, VERSIONS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
