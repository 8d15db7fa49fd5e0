"""Loading and saving a site's SLA policy (the database side of sla.policy).

`site` is a `sites.models.Site` and `actor` an `auth.models.User`: both packages sit above
sla, so they are used here by their attributes only.
"""

from datetime import datetime

from sqlalchemy import select

from core.stamped import StampedCache, fresh_stamp
from extensions import db
from sla.models import SlaPolicy, SlaPolicyChange
from sla.policy import Policy, policy_as_input, policy_from_json

_policies = StampedCache()


def policy_for(site) -> Policy:
    """The site's policy, else the defaults: read from the database once per process and
    settings stamp (`core.stamped`), not once per request."""
    return _policies.get(site.id, site.settings_stamp, lambda: _stored_policy(site))


def _stored_policy(site) -> Policy:
    row = db.session.scalar(select(SlaPolicy).where(SlaPolicy.site_id == site.id))
    return policy_from_json(row.data if row else None)


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
    site.settings_stamp = fresh_stamp()
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
