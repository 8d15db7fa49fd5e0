"""What an integration needs to know before it sends anything: the categories, the sites
it works at and the colleagues it may hand a ticket to or name for sign-off."""

from flask import g
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from api.cursors import offset_page
from api.schemas.discovery import CategoryList, SiteList, UserList, UserQuery
from api.spec import operation
from auth.models import User
from auth.permissions import in_site_scope, visible_site_ids
from core.messages import define
from core.validation import ValidationFailed
from core.vocabulary import Role
from core.words import N_
from extensions import db
from representations.tickets import money
from sites.links import complaint_url
from sites.models import Site
from sites.services import find_site
from sla.hours import DAY_NAMES, parse_hours_spec
from tickets.categories import active_categories

TAG = "Discovery"
SITE_OUT_OF_REACH = define("api.site_out_of_reach",
                           N_("No site called '%(name)s' that you may work at."))


def site_in_scope(name: str | None, field: str = "site") -> Site | None:
    """The site called `name` (ignoring case) when the caller may work there; None for no
    name. Unknown and out-of-scope sites are the same 422, so neither leaks."""
    if name is None or not name.strip():
        return None
    site = find_site(name)
    if site is None or not in_site_scope(g.api_user, site.id):
        raise ValidationFailed({field: SITE_OUT_OF_REACH(name=name.strip()[:80])})
    return site


@operation("GET", "/categories", tag=TAG, summary="The active categories",
           permission="work_tickets", responses={200: CategoryList})
def list_categories():
    """Each with the SERVQUAL dimension it belongs to. A ticket's `category` is one of
    these names; the web form groups them the same way."""
    return {"categories": [{"id": c.id, "name": c.name, "name_zh": c.name_zh,
                            "dimension": c.dimension}
                           for c in active_categories()]}


def opening_hours(site: Site) -> dict:
    hours = parse_hours_spec(site.hours_spec)
    return {
        "always_open": hours.always_open,
        "opening_hours": {
            day: [dict(zip(("opens", "closes"), str(slot).split("-"), strict=True))
                  for slot in hours.slots_on(weekday)]
            for weekday, day in enumerate(DAY_NAMES)
        },
    }


def site_json(site: Site) -> dict:
    return {
        "id": site.id,
        "name": site.name,
        "timezone": site.timezone,
        "hours": site.hours_spec,
        **opening_hours(site),
        "currency": site.currency,
        "front_desk_limit": money(site.front_desk_limit),
        "supervisor_limit": money(site.supervisor_limit),
        "public_code": site.public_code,
        "complaint_url": complaint_url(site),
        "intake_address": site.intake_address,
    }


@operation("GET", "/sites", tag=TAG, summary="The sites you work at",
           permission="work_tickets", responses={200: SiteList})
def list_sites():
    """Managers: every site; everyone else: their own. With each site's time zone,
    business hours (as written and by weekday), currency, the compensation limits of
    front desk and supervisors, and the public form's code and address."""
    stmt = select(Site).order_by(Site.name, Site.id)
    site_ids = visible_site_ids(g.api_user)
    if site_ids is not None:
        stmt = stmt.where(Site.id.in_(site_ids))
    return {"sites": [site_json(site) for site in db.session.scalars(stmt)]}


def colleagues_statement(site: Site | None, role: str | None):
    """Active people who can take a ticket of `site`: its own staff and every manager
    (managers work at every site, as the workflow's hand-over rule says). No site: every
    active person (for managers only: others always have a site)."""
    stmt = select(User).where(User.active.is_(True)).options(joinedload(User.site))
    if site is not None:
        stmt = stmt.where((User.site_id == site.id) | (User.role == Role.MANAGER))
    if role:
        stmt = stmt.where(User.role == role)
    return stmt.order_by(User.display_name, User.username)


def user_json(user: User) -> dict:
    return {"username": user.username, "display_name": user.display_name or user.username,
            "role": user.role, "site": user.site.name}


@operation("GET", "/users", tag=TAG, summary="Colleagues to hand a ticket to",
           permission="work_tickets", query=UserQuery, responses={200: UserList})
def list_users(query: UserQuery):
    """Active people who can take a ticket of `site` (default: your own site; managers
    without `site`: every site): the site's own staff and every manager. `role=supervisor`
    (or `manager`) lists those who can sign off a decline. Only names and roles: never
    e-mail addresses or anything about sign-in. A `role` or `site` not known (or a site
    outside yours) is a 422."""
    user = g.api_user
    site = site_in_scope(query.site)
    if site is None and visible_site_ids(user) is not None:
        site = user.site
    rows, page = offset_page(colleagues_statement(site, query.role), query.page,
                             query.per_page)
    return {"users": [user_json(row) for row in rows], **page}
