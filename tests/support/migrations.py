"""Loading one migration's module, to run its functions against a test database, and
running `flask` commands (`db upgrade`, `db downgrade`, `init-db`) against such a database."""

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


def run_flask(url: str, *args: str):
    """`flask <args>` in this process against the database at `url`; it must succeed. The
    app's engine is disposed afterwards, so the database can be dropped."""
    from app import create_app
    from extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    result = app.test_cli_runner().invoke(args=list(args))
    with app.app_context():
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    return result
