"""Empowerment limits: how much compensation each role may grant without approval."""

from decimal import Decimal

from core.vocabulary import Role
from sites.models import Site


def empowerment_limit(role: str, site: Site) -> Decimal | None:
    """The most a person of `role` may grant at `site`; None means unlimited (managers)."""
    if role == Role.MANAGER:
        return None
    if role == Role.SUPERVISOR:
        return site.supervisor_limit
    return site.front_desk_limit


def within_limit(amount: Decimal, limit: Decimal | None) -> bool:
    return limit is None or amount <= limit
