"""Turning what people type (site-local wall-clock times) into aware UTC datetimes."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def local_to_utc(naive: datetime | None, zone: ZoneInfo) -> datetime | None:
    """Interpret a naive wall-clock time in `zone`; the earlier reading wins on DST overlaps."""
    if naive is None:
        return None
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


def parse_iso_aware(text: str) -> datetime:
    """Parse an ISO 8601 timestamp that carries an offset; raises ValueError otherwise."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("give a timestamp with a time zone offset, e.g. 2026-05-01T14:30:00+08:00")
    return moment.astimezone(UTC)
