"""The Site model and its holidays."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.db_types import UTCDateTime
from core.stamped import fresh_stamp
from extensions import db

DEFAULT_FRONT_DESK_LIMIT = Decimal("200.00")
DEFAULT_SUPERVISOR_LIMIT = Decimal("2000.00")


class Site(db.Model):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    timezone: Mapped[str] = mapped_column(String(64))
    hours_spec: Mapped[str] = mapped_column(Text, default="24/7")
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    front_desk_limit: Mapped[Decimal] = mapped_column(
        Numeric(12, 2), default=DEFAULT_FRONT_DESK_LIMIT
    )
    supervisor_limit: Mapped[Decimal] = mapped_column(
        Numeric(12, 2), default=DEFAULT_SUPERVISOR_LIMIT
    )
    public_code: Mapped[str | None] = mapped_column(
        String(40), unique=True, doc="the public complaint form's code: /complain/<code>"
    )
    intake_address: Mapped[str | None] = mapped_column(
        String(254), unique=True, doc="mail to this address opens tickets at this site"
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    settings_stamp: Mapped[str | None] = mapped_column(
        String(32), default=fresh_stamp,
        doc="changes with the site's holidays, SLA policy and webhook endpoints "
            "(core.stamped): each process keeps what it read of them under this stamp "
            "(none: read every time)",
    )

    holidays: Mapped[list["SiteHoliday"]] = relationship(
        back_populates="site",
        cascade="all, delete-orphan",
        order_by="SiteHoliday.day",
    )

    def __repr__(self) -> str:
        return f"<Site {self.name}>"

    @property
    def holiday_dates(self) -> list[date]:
        return [holiday.day for holiday in self.holidays]


class SiteHoliday(db.Model):
    __tablename__ = "site_holidays"
    __table_args__ = (UniqueConstraint("site_id", "day", name="uq_site_holidays_site_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(120), default="")

    site: Mapped[Site] = relationship(back_populates="holidays")
