"""The navigation bar, built per role from one table."""

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


MAIN_ITEMS = (
    NavItem("home.index", _l("Home"), "work_tickets"),
    NavItem("tickets.new", _l("New ticket"), "work_tickets"),
    NavItem("tickets.mine", _l("My tickets"), "work_tickets"),
    NavItem("tickets.unowned", _l("Unowned"), "work_tickets"),
    NavItem("followups.index", _l("Follow-ups"), "work_tickets"),
    NavItem("tickets.approvals", _l("Approvals"), "approve_fixes"),
    NavItem("tickets.site", _l("All tickets"), "work_tickets"),
    NavItem("customers.index", _l("Customers"), "work_tickets"),
    NavItem("sla.board", _l("SLA board"), "escalate_tickets"),
    NavItem("mailin.held", _l("Held mail"), "escalate_tickets"),
    NavItem("reports.weekly", _l("Weekly report"), "view_reports"),
)

ACCOUNT_ITEMS = (
    NavItem("sites.index", _l("Sites"), "manage_sites"),
    NavItem("users.index", _l("Users"), "manage_users"),
    NavItem("categories.index", _l("Categories"), "edit_categories"),
    NavItem("replies.index", _l("Canned replies"), "edit_categories"),
    NavItem("webhooks.index", _l("Webhooks"), "manage_webhooks"),
    NavItem("sla.policy", _l("SLA policy"), "edit_sla_policy"),
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


def init_app(app: Flask) -> None:
    @app.context_processor
    def navigation():
        return {
            "nav_items": lambda: _visible(MAIN_ITEMS),
            "account_items": lambda: _visible(ACCOUNT_ITEMS),
            "role_label": lambda role: ROLE_LABELS.get(role, role),
        }
