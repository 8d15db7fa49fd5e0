"""The top bar, built per role from one table.

Everyone's daily work sits in the bar itself; the supervisor's and manager's pages are
grouped under one "Manage" menu (so the bar fits a 1366 px laptop for every role in both
languages); the user's own pages sit in the user menu.
"""

from dataclasses import dataclass

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from auth.permissions import has_permission
from core.vocabulary import ROLE_LABELS


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    permission: str


@dataclass(frozen=True)
class NavGroup:
    """A headed group of the Manage menu."""

    heading: str
    items: tuple[NavItem, ...]


MAIN_ITEMS = (
    NavItem("home.index", _l("Home"), "work_tickets"),
    NavItem("tickets.new", _l("New ticket"), "work_tickets"),
    NavItem("tickets.mine", _l("My tickets"), "work_tickets"),
    NavItem("tickets.unowned", _l("Unowned"), "work_tickets"),
    NavItem("followups.index", _l("Follow-ups"), "work_tickets"),
    NavItem("tickets.site", _l("All tickets"), "work_tickets"),
    NavItem("customers.index", _l("Customers"), "work_tickets"),
)

MANAGE_GROUPS = (
    NavGroup(_l("Supervision"), (
        NavItem("tickets.approvals", _l("Approvals"), "approve_fixes"),
        NavItem("sla.board", _l("SLA board"), "escalate_tickets"),
        NavItem("mailin.held", _l("Held mail"), "escalate_tickets"),
    )),
    NavGroup(_l("Reports"), (
        NavItem("reports.weekly", _l("Weekly report"), "view_reports"),
    )),
    NavGroup(_l("Settings"), (
        NavItem("sla.policy", _l("SLA policy"), "edit_sla_policy"),
        NavItem("sites.index", _l("Sites"), "manage_sites"),
        NavItem("users.index", _l("Users"), "manage_users"),
        NavItem("categories.index", _l("Categories"), "edit_categories"),
        NavItem("replies.index", _l("Canned replies"), "edit_categories"),
        NavItem("webhooks.index", _l("Webhooks"), "manage_webhooks"),
    )),
)

ACCOUNT_ITEMS = (
    NavItem("account.settings", _l("My account"), "work_tickets"),
    NavItem("account.tokens", _l("API tokens"), "work_tickets"),
    NavItem("auth.change_password", _l("Change password"), "work_tickets"),
)


def _visible(items: tuple[NavItem, ...]) -> list[NavItem]:
    endpoints = current_app.view_functions
    return [
        item
        for item in items
        if item.endpoint in endpoints and has_permission(current_user, item.permission)
    ]


def _manage_groups() -> list[tuple[str, list[NavItem]]]:
    """The Manage menu's groups the user may open, without the empty ones (none at all for
    the front desk: the bar then shows no Manage menu)."""
    groups = [(group.heading, _visible(group.items)) for group in MANAGE_GROUPS]
    return [(heading, items) for heading, items in groups if items]


def init_app(app: Flask) -> None:
    @app.context_processor
    def navigation():
        return {
            "nav_items": lambda: _visible(MAIN_ITEMS),
            "manage_groups": _manage_groups,
            "account_items": lambda: _visible(ACCOUNT_ITEMS),
            "role_label": lambda role: ROLE_LABELS.get(role, role),
        }
