"""Keeping attachment bytes: content-addressed files in the upload folder (UPLOAD_DIR).

Writing happens before the ticket's transaction commits; if it then rolls back, the file
stays unreferenced and harmless (the same bytes would map to the same name again).

Removing happens after the transaction that deleted the rows commits
(`remove_files_after_commit`): a rollback keeps every file, so no file still referenced
is ever lost. Files are shared by content, so a file goes only when no attachment row
names its key any more.
"""

import hashlib
import logging
import os
import re
from collections.abc import Iterable
from pathlib import Path

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from extensions import db
from tickets.models import Attachment

log = logging.getLogger(__name__)
PENDING_REMOVALS = "attachment_files_to_remove"
STORAGE_KEY = re.compile(r"[0-9a-f]{64}")


def _folder() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def path_of(storage_key: str) -> Path:
    return _folder() / storage_key[:2] / storage_key


def keep_bytes(content: bytes) -> str:
    """Store `content` once under its SHA-256; returns the key."""
    key = hashlib.sha256(content).hexdigest()
    target = path_of(key)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(f".{os.getpid()}.part")
        temporary.write_bytes(content)
        temporary.replace(target)
    return key


def find_attachment(ticket, attachment_id: int) -> Attachment | None:
    """The ticket's attachment `attachment_id` whose bytes are still on disk, else None."""
    found = next((a for a in ticket.attachments if a.id == attachment_id), None)
    if found is None or not path_of(found.storage_key).exists():
        return None
    return found


def new_attachment(data: dict, actor, now) -> Attachment:
    """An Attachment row for cleaned upload data (`content`, `content_type`, `file_name`)."""
    return Attachment(
        file_name=data["file_name"],
        content_type=data["content_type"],
        size=len(data["content"]),
        storage_key=keep_bytes(data["content"]),
        uploaded_by=actor,
        uploaded_at=now,
    )


def remove_files_after_commit(storage_keys: Iterable[str]) -> None:
    """Delete the files of these keys once the current transaction commits, each only if
    no attachment row names it then; a rollback forgets the request and keeps the files."""
    keys = {key for key in storage_keys if STORAGE_KEY.fullmatch(key or "")}
    if keys:
        db.session.info.setdefault(PENDING_REMOVALS, set()).update(keys)


def remove_unreferenced_files(keys: set[str], connection) -> int:
    """Delete the files of `keys` that no attachment row names (read on `connection`);
    returns how many files were removed."""
    stmt = select(Attachment.storage_key).where(Attachment.storage_key.in_(sorted(keys)))
    referenced = set(connection.execute(stmt).scalars())
    removed = 0
    for key in sorted(keys - referenced):
        target = path_of(key)
        try:
            target.unlink()
        except FileNotFoundError:
            continue
        except OSError as error:
            log.warning("attachment file %s could not be removed: %s", key[:12], error)
            continue
        removed += 1
    return removed


@event.listens_for(Session, "after_commit")
def _remove_after_commit(session: Session) -> None:
    """The work is committed whatever happens here: a failure only leaves unused files."""
    keys = session.info.pop(PENDING_REMOVALS, None)
    if not keys:
        return
    try:
        with session.get_bind().connect() as connection:
            remove_unreferenced_files(keys, connection)
    except Exception:  # noqa: BLE001 - never turn a committed change into an error
        log.exception("%d attachment files were kept after commit", len(keys))


@event.listens_for(Session, "after_rollback")
def _keep_after_rollback(session: Session) -> None:
    session.info.pop(PENDING_REMOVALS, None)
