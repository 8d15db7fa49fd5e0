"""Keeping attachment bytes: content-addressed files in the upload folder (UPLOAD_DIR).

Writing happens before the ticket's transaction commits; if it then rolls back, the file
stays unreferenced and harmless (the same bytes would map to the same name again).
"""

import hashlib
import os
from pathlib import Path

from flask import current_app

from tickets.models import Attachment


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
