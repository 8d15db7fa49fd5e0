"""The manager-editable category list, with defaults per SERVQUAL dimension.

Each category has an English name and a Chinese one; readers see the name of their language
(`Category.name_in`). The defaults ship with both.
"""

from sqlalchemy import func, select

from core.formatting import current_locale
from core.messages import define
from core.validation import ValidationFailed
from core.vocabulary import Dimension, values
from core.words import N_
from extensions import db
from tickets.models import Category, name_for

NAME_LIMIT = 80

DEFAULT_CATEGORIES = {
    "reliability": ("Booking error", "Billing error", "Service not delivered as promised"),
    "responsiveness": ("Long wait", "No call back", "Slow to fix"),
    "assurance": ("Staff knowledge", "Safety concern", "Trust and privacy"),
    "empathy": ("Staff attitude", "Special needs ignored", "Not listened to"),
    "tangibles": ("Room or facility condition", "Cleanliness", "Equipment broken", "Noise"),
}
# The defaults' Chinese names, by English name (migration f13a gave existing lists these).
DEFAULT_CHINESE_NAMES = {
    "Booking error": "预订出错",
    "Billing error": "账单出错",
    "Service not delivered as promised": "服务未按承诺兑现",
    "Long wait": "等候太久",
    "No call back": "未按约回电",
    "Slow to fix": "处理太慢",
    "Staff knowledge": "员工业务不熟",
    "Safety concern": "安全隐患",
    "Trust and privacy": "信任与隐私",
    "Staff attitude": "服务态度",
    "Special needs ignored": "特殊需求被忽视",
    "Not listened to": "意见没人理会",
    "Room or facility condition": "客房或设施状况",
    "Cleanliness": "清洁卫生",
    "Equipment broken": "设备损坏",
    "Noise": "噪音",
}

NAME_NEEDED = define(
    "category.name_required",
    N_("A category needs a name of at most %(limit)s characters."))
NAME_TAKEN = define(
    "category.name_taken", N_("A category called “%(name)s” already exists."))
DIMENSION_NEEDED = define(
    "category.dimension_required", N_("Choose one of the five SERVQUAL dimensions."))


def ensure_default_categories() -> None:
    """Create the default categories once (on an empty list)."""
    if db.session.scalar(select(func.count(Category.id))):
        return
    for dimension, names in DEFAULT_CATEGORIES.items():
        for name in names:
            db.session.add(Category(name=name, name_zh=DEFAULT_CHINESE_NAMES[name],
                                    dimension=dimension, active=True))
    db.session.flush()


def active_categories() -> list[Category]:
    """The categories in use, by dimension, then by name in the reader's language."""
    stmt = select(Category).where(Category.active.is_(True))
    found = db.session.scalars(stmt.order_by(Category.dimension, Category.name)).all()
    locale = current_locale()
    return sorted(found, key=lambda c: (c.dimension, c.name_in(locale).casefold()))


def names_by_english(locale: str | None) -> dict[str, str]:
    """Every category's name in `locale`, keyed by its English name (the key the weekly
    report groups and links by), in one query."""
    rows = db.session.execute(select(Category.name, Category.name_zh)).all()
    return {name: name_for(locale, name, name_zh) for name, name_zh in rows}


def _clash(column, name: str, category: Category | None) -> bool:
    stmt = select(Category.id).where(func.lower(column) == name.lower())
    if category is not None and category.id is not None:
        stmt = stmt.where(Category.id != category.id)
    return db.session.scalar(stmt) is not None


def save_category(
    name: str, dimension: str, active: bool, category: Category | None = None,
    name_zh: str = "",
) -> Category:
    """Add or change a category. Both names are required and unique (ignoring case) among
    the names of their language; a field-level error for each that is not."""
    name, name_zh = (name or "").strip(), (name_zh or "").strip()
    errors = {}
    for field, column, value in (("name", Category.name, name),
                                 ("name_zh", Category.name_zh, name_zh)):
        if not value or len(value) > NAME_LIMIT:
            errors[field] = NAME_NEEDED(limit=NAME_LIMIT)
        elif _clash(column, value, category):
            errors[field] = NAME_TAKEN(name=value)
    if dimension not in values(Dimension):
        errors["dimension"] = DIMENSION_NEEDED()
    if errors:
        raise ValidationFailed(errors)
    category = category or Category()
    category.name, category.name_zh = name, name_zh
    category.dimension, category.active = dimension, active
    db.session.add(category)
    db.session.flush()
    return category
