"""What an uploaded file really is, judged by its first bytes (never by its name or the
browser's claim). Pure: no Flask, no database.

Accepted: photos (JPEG, PNG, WebP, HEIC from phones) and PDF receipts, up to MAX_BYTES.
"""

MAX_BYTES = 10 * 1024 * 1024
MAX_NAME = 200
KINDS = {
    "image/jpeg": (".jpg",),
    "image/png": (".png",),
    "image/webp": (".webp",),
    "image/heic": (".heic",),
    "application/pdf": (".pdf",),
}
HEIC_BRANDS = (b"heic", b"heix", b"heif", b"mif1", b"msf1", b"hevc")


def detect_kind(head: bytes) -> str | None:
    """The MIME type of a file from its first 16 bytes, or None when it is not accepted."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return "image/heic"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def size_text(size: int) -> str:
    """10 MB, 300 KB: how a limit reads."""
    if size >= 1024 * 1024:
        return f"{size // (1024 * 1024)} MB"
    return f"{max(size // 1024, 1)} KB"


def is_image(content_type: str) -> bool:
    return content_type.startswith("image/") and content_type != "image/heic"


def clean_name(name: str) -> str:
    """A display name: the last path part, without control characters, at most MAX_NAME."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:MAX_NAME] or "file"
