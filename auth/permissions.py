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

PERMISSIONS: dict[str, frozenset[str]] = {
    "work_tickets": frozenset({"front_desk", "supervisor", "manager"}),
    "approve_fixes": frozenset({"supervisor", "manager"}),
    "sign_off_declines": frozenset({"supervisor", "manager"}),
    "reassign_tickets": frozenset({"supervisor", "manager"}),
    "escalate_tickets": frozenset({"supervisor", "manager"}),
    "edit_sla_policy": frozenset({"supervisor", "manager"}),
    "edit_categories": frozenset({"manager"}),
    "manage_sites": frozenset({"manager"}),
    "manage_users": frozenset({"manager"}),
    "view_reports": frozenset({"supervisor", "manager"}),
    "store_reports": frozenset({"manager"}),
    "view_all_sites": frozenset({"manager"}),
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
