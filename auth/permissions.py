"""The one place that answers "may this user do this?".

Roles give permissions; sites give scope. Managers see every site; everyone else
sees only their own. Records outside a user's scope are reported as missing (404),
so their existence does not leak.
"""

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from auth.models import User
from core.vocabulary import Role

EVERYONE = frozenset(Role)
LEADS = frozenset({Role.SUPERVISOR, Role.MANAGER})
MANAGERS = frozenset({Role.MANAGER})

# Pages and API endpoints check these. What a role may do *to a ticket* (approve, sign off,
# reassign, escalate) is the workflow's "who", in the action registry (tickets.registry);
# the page permissions below only decide who sees the queues and boards for those steps.
PERMISSIONS: dict[str, frozenset[str]] = {
    "work_tickets": EVERYONE,
    "approve_fixes": LEADS,
    "escalate_tickets": LEADS,
    "edit_sla_policy": LEADS,
    "edit_categories": MANAGERS,
    "manage_sites": MANAGERS,
    "manage_users": MANAGERS,
    "manage_personal_data": MANAGERS,  # export and erase a customer's data (privacy/)
    "manage_webhooks": MANAGERS,  # register and keep webhook endpoints (webhooks/)
    "view_reports": LEADS,
    "store_reports": MANAGERS,
    "view_all_sites": MANAGERS,
}


def has_permission(user: User, permission: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.role in PERMISSIONS[permission]


def in_site_scope(user: User, site_id: int | None) -> bool:
    """True when the user may see records of `site_id`."""
    if has_permission(user, "view_all_sites"):
        return True
    return site_id is not None and user.site_id == site_id


def visible_site_ids(user: User) -> list[int] | None:
    """The sites a user may see; None means every site."""
    if has_permission(user, "view_all_sites"):
        return None
    return [user.site_id]


def ensure(user: User, permission: str, site_id: int | None = None) -> None:
    """Abort 404 when out of site scope, 403 when the role lacks the permission."""
    if site_id is not None and not in_site_scope(user, site_id):
        abort(404)
    if not has_permission(user, permission):
        abort(403)


def permission_required(permission: str) -> Callable:
    """View decorator: signed in and holding `permission`."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            ensure(current_user, permission)
            return view(*args, **kwargs)

        return wrapped

    return decorator
