"""Stored SLA policies (one per site; a site without one uses the built-in defaults).

Sites and users live in packages above sla: they are named here by string only.
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db_types import UTCDateTime
from extensions import db


class SlaPolicy(db.Model):
    __tablename__ = "sla_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), unique=True)
    data: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    site: Mapped["Site"] = relationship()  # noqa: F821 - sites.models, above sla
    updated_by: Mapped["User | None"] = relationship()  # noqa: F821 - auth.models


class SlaPolicyChange(db.Model):
    """Audit trail of policy edits and recomputations (append-only)."""

    __tablename__ = "sla_policy_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(20))
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    tickets_recomputed: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    actor: Mapped["User | None"] = relationship()  # noqa: F821 - auth.models, above sla
