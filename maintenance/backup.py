"""`flask backup PATH` and `flask restore PATH`: the database and the uploaded files.

A backup is a folder:

    PATH/MANIFEST.json        what it is: engine, database file, its SHA-256, when, counts
    PATH/database.sqlite3     SQLite: a copy by the online backup API
    PATH/database.dump        PostgreSQL: `pg_dump --format=custom`
    PATH/uploads/…            the attachment files (UPLOAD_DIR), same layout

Both database copies are consistent while the app keeps writing (one read snapshot). The
files are copied after the database: an attachment's bytes are written before its row is
committed, so every attachment row in the copy has its file in the folder. The backup is
built in a hidden sibling folder and renamed to PATH only when complete, so a PATH that
exists is a whole backup. Restoring goes into an empty database only (no table at all);
anything else is refused before a byte changes.
"""

import hashlib
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url

from maintenance import pgtools

FORMAT = "recovery-desk-backup"
FORMAT_VERSION = 1
MANIFEST = "MANIFEST.json"
MANIFEST_MAX_BYTES = 64 * 1024
DB_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
UPLOADS = "uploads"
MAX_PATH = 4096
PG_USER_RELATIONS = text(
    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND n.nspname NOT LIKE 'pg_toast%' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
)


class BackupError(Exception):
    """Why a backup or a restore cannot be done (one line, no traceback)."""


@dataclass(frozen=True)
class Outcome:
    engine: str
    files: int


def shown(path) -> str:
    """A path as printed in a message: control characters become '?' (one clean line)."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(path))


def checked_path(raw: str) -> Path:
    """An absolute path from the command line, or BackupError for a hostile one."""
    if not raw or "\x00" in raw or len(raw) > MAX_PATH:
        raise BackupError("PATH must be a file-system path (no NUL byte, at most 4096 chars)")
    try:
        return Path(os.path.abspath(raw))
    except (OSError, ValueError) as exc:
        raise BackupError(f"PATH is not usable: {shown(exc)}") from None


def engine_of(url: URL) -> str:
    name = url.get_backend_name()
    if name not in DB_FILES:
        raise BackupError(f"backups of {name} databases are not supported")
    return name


def sqlite_file(url: URL) -> Path:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        raise BackupError("the SQLite database is not a plain file: nothing to copy")
    return Path(os.path.abspath(database))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a live SQLite database with the online backup API (one step: one snapshot)."""
    origin = sqlite3.connect(source, timeout=30)
    copy = sqlite3.connect(target, timeout=30)
    try:
        origin.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite copy failed: {exc}") from None
    finally:
        copy.close()
        origin.close()


def _files_under(folder: Path):
    """Regular files under `folder` (relative paths), without symlinks or partial writes."""
    for root, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not (Path(root) / d).is_symlink())
        for name in sorted(names):
            path = Path(root) / name
            if path.is_file() and not path.is_symlink() and not name.endswith(".part"):
                yield path.relative_to(folder)


def copy_files(source: Path, target: Path) -> int:
    """Copy the files under `source` to `target`, keeping files already there (uploads are
    named by their content's SHA-256). Each file is written aside, then renamed."""
    if not source.is_dir():
        return 0
    copied = 0
    for relative in _files_under(source):
        destination = target / relative
        if destination.exists():
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial = destination.with_name(f"{destination.name}.{os.getpid()}.part")
        shutil.copyfile(source / relative, partial)
        partial.replace(destination)
        copied += 1
    return copied


def write_manifest(folder: Path, engine: str, files: int, now: datetime) -> None:
    database = folder / DB_FILES[engine]
    manifest = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "engine": engine,
        "database_file": database.name, "database_sha256": sha256_of(database),
        "upload_files": files, "created_at": now.isoformat(),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")


def read_manifest(folder: Path) -> dict:
    """The backup's manifest, checked, or BackupError."""
    path = folder / MANIFEST
    try:
        with path.open("rb") as handle:
            raw = handle.read(MANIFEST_MAX_BYTES + 1)
        manifest = json.loads(raw) if len(raw) <= MANIFEST_MAX_BYTES else None
    except (OSError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{shown(folder)} is not a Recovery Desk backup (no valid {MANIFEST})")
    if manifest.get("format_version") != FORMAT_VERSION or manifest.get("engine") not in DB_FILES:
        raise BackupError(f"{shown(folder)}: unsupported backup format or engine")
    database = folder / DB_FILES[manifest["engine"]]
    if not database.is_file() or sha256_of(database) != manifest.get("database_sha256"):
        raise BackupError(f"{shown(folder)}: the database copy is missing or damaged (SHA-256)")
    return manifest


def _check_target_folder(path: Path) -> None:
    if not path.parent.is_dir():
        raise BackupError(f"{shown(path.parent)} does not exist: create it first")
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise BackupError(f"{shown(path)} already exists: choose a new or empty folder")


def _dump(url: URL, engine: str, target: Path) -> None:
    if engine == "sqlite":
        copy_sqlite(sqlite_file(url), target)
    else:
        pgtools.dump(url, target)


def create_backup(url_text: str, upload_dir: str, raw_path: str, now: datetime) -> Outcome:
    """Write a backup of the database at `url_text` and of `upload_dir` to folder PATH."""
    url = make_url(url_text)
    engine, path = engine_of(url), checked_path(raw_path)
    _check_target_folder(path)
    work = path.parent / f".{path.name}.partial-{os.getpid()}"
    try:
        work.mkdir(mode=0o700)
        _dump(url, engine, work / DB_FILES[engine])
        files = copy_files(Path(upload_dir), work / UPLOADS)
        write_manifest(work, engine, files, now)
        if path.exists():
            path.rmdir()
        work.rename(path)
    except pgtools.ToolError as exc:
        raise BackupError(str(exc)) from None
    except OSError as exc:
        raise BackupError(f"backup failed: {shown(exc)}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Outcome(engine, files)


def _sqlite_is_empty(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return True
    try:
        connection = sqlite3.connect(path, timeout=30)
        try:
            count = connection.execute(
                "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{shown(path)} is not a usable SQLite database: {exc}") from None
    return count[0] == 0


def ensure_empty(url: URL, engine: str, sql_engine) -> None:
    """Refuse (BackupError) unless the target database holds no table at all."""
    if engine == "sqlite":
        empty = _sqlite_is_empty(sqlite_file(url))
    else:
        with sql_engine.connect() as connection:
            empty = connection.execute(PG_USER_RELATIONS).scalar() == 0
    if not empty:
        raise BackupError("restore refused: the database is not empty; restore into a new, "
                          "empty database")


def restore_backup(url_text: str, upload_dir: str, raw_path: str, sql_engine) -> Outcome:
    """Restore the backup in folder PATH into the (empty) database at `url_text` and copy
    its files into `upload_dir`. `sql_engine` is the app's engine on that database."""
    url = make_url(url_text)
    engine, path = engine_of(url), checked_path(raw_path)
    manifest = read_manifest(path)
    if manifest["engine"] != engine:
        raise BackupError(f"this is a {manifest['engine']} backup and the database is "
                          f"{engine}: restore it into a {manifest['engine']} database")
    ensure_empty(url, engine, sql_engine)
    sql_engine.dispose()
    database = path / DB_FILES[engine]
    try:
        if engine == "sqlite":
            target = sqlite_file(url)
            target.parent.mkdir(parents=True, exist_ok=True)
            copy_sqlite(database, target)
        else:
            pgtools.restore(url, database)
        files = copy_files(path / UPLOADS, Path(upload_dir))
    except pgtools.ToolError as exc:
        raise BackupError(f"restore failed: {exc}") from None
    except OSError as exc:
        raise BackupError(f"restore failed: {shown(exc)}") from None
    finally:
        sql_engine.dispose()
    return Outcome(engine, files)


def ticket_count(sql_engine) -> int:
    """How many tickets the database holds (0 when it has no tickets table)."""
    if not inspect(sql_engine).has_table("tickets"):
        return 0
    with sql_engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM tickets")).scalar() or 0
