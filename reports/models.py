"""Stored weekly reports: a past week's figures never change silently."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auth.models import User
from core.db_types import UTCDateTime
from extensions import db
from sites.models import Site

ALL_SITES = "all"


def scope_key(site_id: int | None) -> str:
    """The snapshot's scope: 'all' for every site, else 'site:<id>'."""
    return ALL_SITES if site_id is None else f"site:{site_id}"


class ReportSnapshot(db.Model):
    """The figures of one ISO week (`2026-W47`) for one site or all, as generated then."""

    __tablename__ = "report_snapshots"
    __table_args__ = (UniqueConstraint("week", "scope", name="uq_report_snapshots_week_scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(8))
    scope: Mapped[str] = mapped_column(String(20))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    figures: Mapped[dict] = mapped_column(JSON)
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    site: Mapped[Site | None] = relationship()
    generated_by: Mapped[User | None] = relationship()
