"""Recovery Desk application factory: create the app and register its parts."""

import logging

from flask import Flask, g, has_request_context, request
from flask_login import current_user

from config import INSTANCE_DIR, Config
from core.db_types import render_migration_type
from extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate


def create_app(config_overrides: dict | None = None) -> Flask:
    """Build the app. `config_overrides` win over config.py and the environment."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    configure_logging()
    app.config.from_mapping(Config().as_dict())
    if config_overrides:
        app.config.from_mapping(config_overrides)
    trust_proxies(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_signals()
    register_transaction_boundary(app)
    register_template_helpers(app)
    register_scheduler(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, the client's address and scheme come from
    their X-Forwarded-For/-Proto headers (rate limits count per client address)."""
    count = int(app.config.get("TRUSTED_PROXIES") or 0)
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def configure_logging() -> None:
    """Our own INFO lines (sweeps, mail) on stderr unless logging is already set up."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    for name in ("jobs", "tickets", "sla", "notifications", "outbox"):
        logging.getLogger(name).setLevel(logging.INFO)


def register_scheduler(app: Flask) -> None:
    from jobs import schedule

    schedule.init_app(app)


def register_signals() -> None:
    """Higher packages listen to lower ones (a ticket resolved → follow-ups planned; a step
    taken → the people who must act next told). Connecting twice is harmless."""
    from correspondence import outbound as correspondence_outbound
    from followups import services as followup_services
    from notifications import alerts
    from tickets import recompute
    from webhooks import emit as webhook_emit
    from webhooks import transport as webhook_transport

    webhook_emit.connect()
    webhook_transport.init_app()
    alerts.connect()
    followup_services.connect()
    correspondence_outbound.connect()
    recompute.connect()


def register_transaction_boundary(app: Flask) -> None:
    """Last of the registrations that add views and commands: it wraps them all."""
    from core import transaction

    transaction.init_app(app)


def select_locale() -> str:
    """A page's own language (the customer's survey) first, then the language the user
    chose, then (a visitor, or a user on "browser default") the browser's."""
    if g.get("page_locale"):
        return g.page_locale
    if not has_request_context():
        return "en"
    user = g.get("api_user")
    if user is None and getattr(current_user, "is_authenticated", False):
        user = current_user
    if user is not None and user.locale:
        return user.locale
    return browser_locale()


def browser_locale() -> str:
    """The best of our languages for the request's Accept-Language ("en" when none fits)."""
    return request.accept_languages.best_match(["en", "zh_Hans", "zh"]) or "en"


def register_extensions(app: Flask) -> None:
    from auth.session import init_login
    from core import database, input_guard, security

    input_guard.init_app(app)  # before any route: it bounds the <int:...> converter
    db.init_app(app)
    with app.app_context():
        database.configure_engine(db.engine)
    migrate.init_app(
        app,
        db,
        directory=str(app.root_path + "/migrations"),
        render_as_batch=True,
        render_item=render_migration_type,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=lambda: _normalise(select_locale()))
    bootstrap.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    init_login(app)
    security.init_app(app)


def _normalise(locale: str) -> str:
    return "zh_Hans" if locale.startswith("zh") else locale


def register_blueprints(app: Flask) -> None:
    from admin import categories, replies, sites, users
    from api import base as api_base
    from api import customers as api_customers  # noqa: F401 - registers the API routes
    from api import discovery as api_discovery  # noqa: F401 - registers the API routes
    from api import document as api_document
    from api import idempotency  # noqa: F401 - tables for create_all
    from api import notifications as api_notifications  # noqa: F401 - registers the API routes
    from api import reports as api_reports  # noqa: F401 - registers the API routes
    from api import tickets as api_tickets  # noqa: F401 - registers the API routes
    from api import webhooks as api_webhooks  # noqa: F401 - registers the API routes
    from auth import account_views
    from auth import views as auth_views
    from correspondence import models as correspondence_models  # noqa: F401 - tables
    from correspondence import slip_views
    from customers import views as customer_views
    from followups import models as followup_models  # noqa: F401 - tables for create_all
    from followups import survey_views
    from followups import views as followup_views
    from home import views as home_views
    from mailin import models as mailin_models  # noqa: F401 - tables for create_all
    from mailin import views as mailin_views
    from maintenance import health
    from notifications import views as notification_views
    from privacy import views as privacy_views
    from public import complaint_views, status_views  # noqa: F401 - register their routes
    from public.blueprint import bp as public_bp
    from reports import models as report_models  # noqa: F401 - tables for create_all
    from reports import views as report_views
    from search import views as search_views
    from supervision import views as sla_views
    from tickets import queue_views  # noqa: F401 - registers the queue routes
    from tickets import views as ticket_views
    from webhooks import views as webhook_views

    for blueprint in (
        auth_views.bp,
        account_views.bp,
        home_views.bp,
        sites.bp,
        users.bp,
        categories.bp,
        replies.bp,
        webhook_views.bp,
        customer_views.bp,
        ticket_views.bp,
        slip_views.bp,
        sla_views.bp,
        notification_views.bp,
        followup_views.bp,
        survey_views.bp,
        report_views.bp,
        privacy_views.bp,
        mailin_views.bp,
        search_views.bp,
        public_bp,
        api_base.bp,
        api_document.docs_bp,
        health.bp,
    ):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from core import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from auth import cli as auth_cli
    from demo import cli as demo_cli
    from jobs import cli as jobs_cli
    from mailin import cli as mail_cli
    from maintenance import cli as maintenance_cli
    from outbox import cli as outbox_cli
    from reports import cli as report_cli
    from sites import cli as sites_cli

    for module in (jobs_cli, sites_cli, auth_cli, demo_cli, outbox_cli, report_cli,
                   maintenance_cli, mail_cli):
        module.init_app(app)


def register_template_helpers(app: Flask) -> None:
    from core import formatting
    from correspondence import template_helpers as correspondence_helpers
    from followups import views as followup_views
    from home import navigation
    from notifications import views as notification_views
    from reports import views as report_views
    from sla import display
    from tickets import template_helpers

    display.init_app(app)
    formatting.init_app(app)
    followup_views.init_app(app)
    navigation.init_app(app)
    notification_views.init_app(app)
    report_views.init_app(app)
    template_helpers.init_app(app)
    correspondence_helpers.init_app(app)
