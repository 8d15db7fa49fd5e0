"""The managers' page of webhook endpoints: list, register, edit, rotate the secret,
deactivate, and each endpoint's latest deliveries.

A secret is shown once, on the page that answers the registration or the rotation; it is
never put in the session (a flash message would carry it in the cookie) nor on a list.
"""

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from auth.permissions import permission_required
from core.clock import utcnow
from core.forms import form_status, submit_with_domain
from extensions import db
from webhooks.events import EVENT_LABELS
from webhooks.forms import EditWebhookForm, NewWebhookForm
from webhooks.models import WebhookEndpoint
from webhooks.services import (
    EndpointInput,
    all_endpoints,
    deactivate_endpoint,
    deliveries_of,
    register_endpoint,
    rotate_secret,
    update_endpoint,
)

PERMISSION = "manage_webhooks"
DELIVERY_LABELS = {"pending": _l("Waiting"), "sending": _l("Sending"),
                   "sent": _l("Delivered"), "failed": _l("Given up")}

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")


@bp.route("/")
@permission_required(PERMISSION)
def index():
    return render_template("admin/webhooks.html", endpoints=all_endpoints(),
                           action_form=FlaskForm())


def _secret_page(endpoint: WebhookEndpoint, secret: str, created: bool, status: int = 200):
    """The one page that shows the secret; no cache keeps it."""
    response = make_response(render_template("admin/webhooks_secret.html", endpoint=endpoint,
                                             secret=secret, created=created), status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/new", methods=["GET", "POST"])
@permission_required(PERMISSION)
def create():
    form = NewWebhookForm()
    data = EndpointInput(url=form.url.data, events=form.events.data or [],
                         description=form.description.data, site_id=form.site_id.data)
    saved = submit_with_domain(form, lambda: register_endpoint(data, current_user, utcnow()))
    if saved is not None:
        endpoint, secret = saved
        return _secret_page(endpoint, secret, created=True, status=201)
    page = render_template("admin/webhooks_form.html", form=form, endpoint=None,
                           event_labels=EVENT_LABELS)
    return page, form_status(form)


@bp.route("/<int:webhook_id>", methods=["GET", "POST"])
@permission_required(PERMISSION)
def edit(webhook_id: int):
    endpoint = db.get_or_404(WebhookEndpoint, webhook_id)
    form = EditWebhookForm(obj=endpoint)
    changes = {"events": form.events.data or [], "description": form.description.data,
               "active": bool(form.active.data)}
    saved = submit_with_domain(form, lambda: update_endpoint(endpoint, changes, utcnow()))
    if saved is not None:
        flash(_("Webhook endpoint %(url)s saved.", url=endpoint.url), "success")
        return redirect(url_for("webhooks.index"))
    page = render_template("admin/webhooks_form.html", form=form, endpoint=endpoint,
                           event_labels=EVENT_LABELS)
    return page, form_status(form)


@bp.route("/<int:webhook_id>/rotate-secret", methods=["POST"])
@permission_required(PERMISSION)
def rotate(webhook_id: int):
    endpoint = db.get_or_404(WebhookEndpoint, webhook_id)
    return _secret_page(endpoint, rotate_secret(endpoint, utcnow()), created=False)


@bp.route("/<int:webhook_id>/deactivate", methods=["POST"])
@permission_required(PERMISSION)
def deactivate(webhook_id: int):
    endpoint = db.get_or_404(WebhookEndpoint, webhook_id)
    cancelled = deactivate_endpoint(endpoint, utcnow())
    flash(_("Webhook endpoint %(url)s deactivated; %(count)s waiting deliveries cancelled.",
            url=endpoint.url, count=cancelled), "success")
    return redirect(url_for("webhooks.index"))


@bp.route("/<int:webhook_id>/deliveries")
@permission_required(PERMISSION)
def deliveries(webhook_id: int):
    endpoint = db.get_or_404(WebhookEndpoint, webhook_id)
    return render_template("admin/webhooks_deliveries.html", endpoint=endpoint,
                           deliveries=deliveries_of(endpoint),
                           delivery_labels=DELIVERY_LABELS)
