"""Customer search (type-ahead), list, history page and edit."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from auth.models import User
from auth.permissions import in_site_scope, permission_required, visible_site_ids
from core import inputs
from core.clock import utcnow
from core.forms import apply_errors, form_status, select_choices
from core.validation import ValidationFailed
from customers.complainants import recent_complainants, repeat_complainants
from customers.forms import CustomerForm
from customers.models import Customer
from customers.services import (
    CustomerInput,
    is_repeat_complainant,
    recent_ticket_counts,
    search_customers,
    update_customer,
)
from extensions import db

bp = Blueprint("customers", __name__, url_prefix="/customers")


def _load(customer_id: int) -> Customer:
    customer = db.session.get(Customer, customer_id)
    if customer is None or not in_site_scope(current_user, customer.site_id):
        abort(404)
    return customer


def _intake_site_id() -> int:
    """The site a ticket is being opened for: `?site=` (the intake form's site picker),
    else the user's own site; 404 when that site is outside the user's scope or the id is
    malformed."""
    try:
        site_id = inputs.optional_int(request.args, "site") or current_user.site_id
    except inputs.InputError:
        abort(404)
    if not in_site_scope(current_user, site_id):
        abort(404)
    return site_id


@bp.route("/search")
@permission_required("work_tickets")
def search():
    """Type-ahead for the new-ticket form: customers of the intake site only (a customer of
    another site would be refused by intake). `has_recent_ticket`: the customer already has a
    ticket in the last 90 days, so this new one makes them a repeat complainant; `repeat` is
    the same flag under its former name."""
    found = search_customers([_intake_site_id()], request.args.get("q", ""))
    recent = recent_ticket_counts([c.id for c in found], utcnow())
    return jsonify(customers=[_search_row(c, recent.get(c.id, 0)) for c in found])


def _search_row(customer: Customer, recent_tickets: int) -> dict:
    return {
        "id": customer.id,
        "name": customer.name,
        "contact": customer.contact_line,
        "tier": customer.tier,
        "recent_tickets": recent_tickets,
        "has_recent_ticket": recent_tickets > 0,
        "repeat": recent_tickets > 0,
    }


@bp.route("/")
@permission_required("work_tickets")
def index():
    """A search; before any search, who complained more than once lately and who complained
    last (the customers the desk is most likely to be asked about)."""
    query = request.args.get("q", "")
    sites = visible_site_ids(current_user)
    if query:
        found = search_customers(sites, query, limit=50)
        return render_template("customers/index.html", query=query, customers=found)
    now = utcnow()
    return render_template(
        "customers/index.html", query=query, customers=[],
        repeat=repeat_complainants(sites, now), recent=recent_complainants(sites, now),
    )


@bp.route("/<int:customer_id>")
@permission_required("work_tickets")
def detail(customer_id: int):
    customer = _load(customer_id)
    return render_template(
        "customers/detail.html",
        customer=customer,
        tickets=_history(customer),
        is_repeat=is_repeat_complainant(customer.id, utcnow()),
    )


def _history(customer: Customer) -> list:
    """The customer's tickets, newest first, with what the table shows loaded in one query
    (the Ticket class is reached through the relationship: tickets sits above customers)."""
    ticket = Customer.tickets.property.mapper.class_
    stmt = (
        select(ticket)
        .where(ticket.customer_id == customer.id)
        .options(joinedload(ticket.owner), joinedload(ticket.category), joinedload(ticket.site))
        .order_by(ticket.created_at.desc())
    )
    return db.session.scalars(stmt).all()


def _owner_choices(customer: Customer) -> list[SelectChoice]:
    stmt = select(User).where(User.active.is_(True), User.site_id == customer.site_id)
    people = db.session.scalars(stmt.order_by(User.display_name))
    return select_choices([("", "—")] + [(str(u.id), u.display_name) for u in people])


def _customer_input(form: CustomerForm) -> CustomerInput:
    owner_id = form.preferred_owner.data
    return CustomerInput(
        name=form.name.data,
        phone=form.phone.data or "",
        email=form.email.data or "",
        tier=form.tier.data,
        notes=form.notes.data or "",
        locale=form.locale.data,
        preferred_owner=db.session.get(User, int(owner_id)) if owner_id else None,
    )


@bp.route("/<int:customer_id>/edit", methods=["GET", "POST"])
@permission_required("work_tickets")
def edit(customer_id: int):
    customer = _load(customer_id)
    form = CustomerForm(obj=customer)
    form.preferred_owner.choices = _owner_choices(customer)
    if "preferred_owner" not in request.form:
        form.preferred_owner.data = str(customer.preferred_owner_id or "")
    if form.validate_on_submit():
        try:
            update_customer(customer, _customer_input(form), actor=current_user, now=utcnow())
        except ValidationFailed as failed:
            apply_errors(form, failed)
        else:
            flash(_("Customer saved."), "success")
            return redirect(url_for("customers.detail", customer_id=customer.id))
    page = render_template("customers/edit.html", form=form, customer=customer)
    return page, form_status(form)
