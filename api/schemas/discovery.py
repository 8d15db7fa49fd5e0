"""Notifications, reports and the discovery endpoints' shapes."""

from typing import Any

from pydantic import Field

from api.schemas.queries import Page, PerPage
from api.schemas.types import (
    QueryFlag,
    QueryParameters,
    RequestBody,
    ResponseBody,
    choice_of,
    query_choice,
)
from core.vocabulary import Dimension, Locale, Role, Tier, values


class NotificationQuery(QueryParameters):
    unread: QueryFlag = Field(default=None, description="true: only unread ones.")


class NotificationOut(ResponseBody):
    id: int
    kind: str
    ticket: str | None
    message: str = Field(description="What it says, in the caller's language.")
    code: str | None = Field(description="The message's code (null for an old row whose "
                                         "words could not be read).")
    params: dict[str, Any] = Field(description="The message's parameters, in English.")
    critical: bool
    created_at: str = Field(json_schema_extra={"format": "date-time"})
    read: bool


class NotificationList(ResponseBody):
    """The caller's notifications, newest first, and how many are unread."""

    notifications: list[NotificationOut]
    unread: int


class WeeklyReportQuery(QueryParameters):
    week: str | None = Field(default=None, max_length=8, pattern=r"^\d{4}-W\d{2}$",
                             description="ISO week, e.g. 2026-W18 (default: the last full "
                                         "week).")
    site: str | None = Field(default=None, max_length=120,
                             description="A site's name; managers may leave it out.")


# --- discovery: categories, sites, colleagues -----------------------------------------------

ISO = {"format": "date-time"}
MONEY = {"examples": ["200.00"]}


class CategoryOut(ResponseBody):
    id: int
    name: str = Field(description="The English name. Send it (or `name_zh`) as a ticket's "
                                  "`category`.")
    name_zh: str | None = Field(description="The Chinese name; null when a manager has not "
                                            "given one yet (show `name`).")
    dimension: str = Field(json_schema_extra={"enum": list(values(Dimension))},
                           description="The SERVQUAL dimension it is suggested under.")


class CategoryList(ResponseBody):
    """The active categories, by dimension then name (the staff form's order)."""

    categories: list[CategoryOut]


class OpeningSlot(ResponseBody):
    opens: str = Field(examples=["09:00"], description="Local time, HH:MM.")
    closes: str = Field(examples=["18:00"], description="Local time, HH:MM (24:00: midnight).")


class OpeningHours(ResponseBody):
    """Each weekday's opening slots in the site's zone; an empty list: closed all day."""

    mon: list[OpeningSlot]
    tue: list[OpeningSlot]
    wed: list[OpeningSlot]
    thu: list[OpeningSlot]
    fri: list[OpeningSlot]
    sat: list[OpeningSlot]
    sun: list[OpeningSlot]


class SiteOut(ResponseBody):
    id: int
    name: str = Field(description="Send it as `site` (tickets, customers, users, reports).")
    timezone: str = Field(examples=["Asia/Shanghai"], description="IANA time zone.")
    hours: str = Field(examples=["mon-fri 09:00-18:00; sat 10:00-16:00"],
                       description="Business hours as the site keeps them (SLA targets in "
                                   "business time count these hours only).")
    always_open: bool
    opening_hours: OpeningHours
    currency: str = Field(examples=["CNY"], description="ISO 4217; fix offers' money.")
    front_desk_limit: str = Field(json_schema_extra=MONEY, description=(
        "The compensation front desk may offer without approval."))
    supervisor_limit: str = Field(json_schema_extra=MONEY, description=(
        "The compensation a supervisor may approve; above it, a manager."))
    public_code: str | None = Field(description="The public complaint form's code; null "
                                                "when the form is off.")
    complaint_url: str | None = Field(description="The public complaint form's address.")
    intake_address: str | None = Field(description="Mail to it opens tickets at the site.")


class SiteList(ResponseBody):
    """The sites you work at: every site for managers, your own for everyone else."""

    sites: list[SiteOut]


class UserQuery(QueryParameters):
    role: query_choice(values(Role)) = None
    site: str | None = Field(default=None, max_length=120, description=(
        "A site's name (within your sites): the people who can take its tickets. Default: "
        "your own site; managers: every site."))
    page: Page = None
    per_page: PerPage = None


class UserOut(ResponseBody):
    username: str = Field(description="Send it as `to` (transfer, reassign) or "
                                      "`signed_off_by` (decline).")
    display_name: str
    role: str = Field(json_schema_extra={"enum": list(values(Role))})
    site: str = Field(description="The site they are based at (managers work at every site).")


class UserList(ResponseBody):
    """Active colleagues, by display name."""

    users: list[UserOut]
    page: int
    per_page: int
    total: int
    pages: int


# --- customers ------------------------------------------------------------------------------


class CustomerQuery(QueryParameters):
    q: str | None = Field(default=None, max_length=100, description=(
        "Name (anywhere in it, ignoring case), e-mail (its beginning) or phone (its first "
        "digits, 3 at least); at least 2 characters. Best matches first."))
    phone: str | None = Field(default=None, max_length=40,
                              description="Exactly these digits (spaces, +, - ignored).")
    email: str | None = Field(default=None, max_length=254,
                              description="Exactly this address, ignoring case.")
    site: str | None = Field(default=None, max_length=120,
                             description="A site's name (within your sites).")
    page: Page = None
    per_page: PerPage = None
    cursor: str | None = Field(default=None, max_length=200, description=(
        "The `next_cursor` of the page before (keyset paging; not with `q`)."))


class CustomerOut(ResponseBody):
    id: int
    site: str
    name: str = Field(description="A placeholder once the customer's data was erased.")
    phone: str | None
    email: str | None
    tier: str = Field(json_schema_extra={"enum": list(values(Tier))})
    locale: str = Field(json_schema_extra={"enum": list(values(Locale))},
                        description="The language of their surveys and mail.")
    notes: str = Field(description="Staff notes (never shown to the customer).")
    preferred_owner: str | None = Field(description="Username: new tickets for this "
                                                    "customer go to this person.")
    tickets: int = Field(description="Tickets in their history.")
    tickets_90_days: int = Field(description="Tickets opened in the last 90 days.")
    repeat_complainant: bool = Field(description="More than one ticket in the last 90 days.")
    created_at: str = Field(json_schema_extra=ISO)
    erased_at: str | None = Field(json_schema_extra=ISO, description=(
        "When their personal data was erased; null while it is held."))


class CustomerList(ResponseBody):
    """Customers in your sites: best matches first with `q`, else oldest first."""

    customers: list[CustomerOut]
    page: int | None = Field(description="Null when walking by cursor.")
    per_page: int
    total: int | None = Field(description="Every matching customer; null by cursor.")
    pages: int | None
    next_cursor: str | None = Field(description=(
        "Pass as `cursor` for the next page (keyset: no OFFSET); null at the end, and "
        "always with `q`."))


class CustomerFields(RequestBody):
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    tier: choice_of(values(Tier)) = None
    locale: choice_of(values(Locale), "The language of their surveys and mail.") = None
    notes: str | None = None
    preferred_owner: str | None = Field(default=None, description=(
        "Username of an active colleague at the customer's site."))


class NewCustomerIn(CustomerFields):
    """A phone number or an e-mail address (or both) is required besides the name."""

    domain_required = ("name",)
    site: str | None = Field(default=None, description="A site's name; default: yours.")


class CustomerPatchIn(CustomerFields):
    """Only the members sent change. `phone`, `email`, `notes` and `preferred_owner` sent
    as null or "" are cleared; `name`, `tier` and `locale` sent as null stay as they are."""
