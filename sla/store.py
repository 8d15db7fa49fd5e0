"""Loading and saving a site's SLA policy (the database side of sla.policy).

`site` is a `sites.models.Site` and `actor` an `auth.models.User`: both packages sit above
sla, so they are used here by their attributes only.
"""

from datetime import datetime

from flask import g, has_app_context
from sqlalchemy import select

from extensions import db
from sla.models import SlaPolicy, SlaPolicyChange
from sla.policy import Policy, policy_as_input, policy_from_json

_CACHE_KEY = "_sla_policies"


def _cache() -> dict:
    if not has_app_context():
        return {}
    if not hasattr(g, _CACHE_KEY):
        setattr(g, _CACHE_KEY, {})
    return getattr(g, _CACHE_KEY)


def policy_for(site) -> Policy:
    """The site's policy, else the defaults (cached for the current request)."""
    cache = _cache()
    if site.id not in cache:
        row = db.session.scalar(select(SlaPolicy).where(SlaPolicy.site_id == site.id))
        cache[site.id] = policy_from_json(row.data if row else None)
    return cache[site.id]


def _changed_fields(before: Policy, after: Policy) -> dict:
    old, new = policy_as_input(before), policy_as_input(after)
    return {name: [old[name], new[name]] for name in new if old[name] != new[name]}


def save_policy(site, policy: Policy, actor, now: datetime) -> dict:
    """Store the site's policy and audit what changed; returns the changes (may be empty)."""
    before = policy_for(site)
    changes = _changed_fields(before, policy)
    if not changes:
        return {}
    row = db.session.scalar(select(SlaPolicy).where(SlaPolicy.site_id == site.id))
    if row is None:
        row = SlaPolicy(site=site)
        db.session.add(row)
    row.data, row.updated_at, row.updated_by = policy.as_json(), now, actor
    db.session.add(
        SlaPolicyChange(
            site_id=site.id, actor=actor, action="edit", changes=changes, created_at=now
        )
    )
    _cache().pop(site.id, None)
    db.session.flush()
    return changes


def policy_history(site, limit: int = 20) -> list[SlaPolicyChange]:
    stmt = (
        select(SlaPolicyChange)
        .where(SlaPolicyChange.site_id == site.id)
        .order_by(SlaPolicyChange.id.desc())
        .limit(limit)
    )
    return db.session.scalars(stmt).all()
