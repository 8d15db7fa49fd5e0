"""The manager-editable category list, with defaults per SERVQUAL dimension."""

from sqlalchemy import func, select

from core.validation import ValidationFailed
from core.vocabulary import Dimension, values
from extensions import db
from tickets.models import Category

DEFAULT_CATEGORIES = {
    "reliability": ("Booking error", "Billing error", "Service not delivered as promised"),
    "responsiveness": ("Long wait", "No call back", "Slow to fix"),
    "assurance": ("Staff knowledge", "Safety concern", "Trust and privacy"),
    "empathy": ("Staff attitude", "Special needs ignored", "Not listened to"),
    "tangibles": ("Room or facility condition", "Cleanliness", "Equipment broken", "Noise"),
}


def ensure_default_categories() -> None:
    """Create the default categories once (on an empty list)."""
    if db.session.scalar(select(func.count(Category.id))):
        return
    for dimension, names in DEFAULT_CATEGORIES.items():
        for name in names:
            db.session.add(Category(name=name, dimension=dimension, active=True))
    db.session.flush()


def active_categories() -> list[Category]:
    stmt = select(Category).where(Category.active.is_(True))
    return db.session.scalars(stmt.order_by(Category.dimension, Category.name)).all()


def save_category(
    name: str, dimension: str, active: bool, category: Category | None = None
) -> Category:

    name = name.strip()
    errors = {}
    if not name or len(name) > 80:
        errors["name"] = "A category needs a name of at most 80 characters."
    else:
        clash = select(Category.id).where(func.lower(Category.name) == name.lower())
        if category is not None:
            clash = clash.where(Category.id != category.id)
        if db.session.scalar(clash) is not None:
            errors["name"] = f"A category called '{name}' already exists."
    if dimension not in values(Dimension):
        errors["dimension"] = "Choose one of the five SERVQUAL dimensions."
    if errors:
        raise ValidationFailed(errors)
    category = category or Category()
    category.name, category.dimension, category.active = name, dimension, active
    db.session.add(category)
    db.session.flush()
    return category
