"""Telling managers that a weekly report is stored: in the app, and by e-mail with an
HTML summary of the key figures and a link to the page.

With one site, every manager hears about that site's report. With several, each site's
report goes to the managers based there (to every manager when none is) and the all-sites
report to every manager, so nobody gets a pile of mail on Monday morning.
"""

from datetime import datetime
from urllib.parse import urlencode

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from auth.models import User
from core.messages import Message, word
from core.vocabulary import Role
from extensions import db
from reports.models import ReportSnapshot
from reports.summary import key_figures
from sites.models import Site


def report_path(week: str, site_id: int | None) -> str:
    query = {"week": week, **({"site": site_id} if site_id else {})}
    return "/reports/weekly?" + urlencode(query)


def recipients(snapshot: ReportSnapshot) -> list[User]:
    """Every manager for the only site; with several, a site's report to the managers based
    there (every manager when none is) and the all-sites report to every manager."""
    managers = select(User).where(User.role == Role.MANAGER, User.active.is_(True))
    everyone = list(db.session.scalars(managers.order_by(User.id)))
    several_sites = (db.session.scalar(select(func.count(Site.id))) or 0) > 1
    if snapshot.site_id is None:
        return everyone if several_sites else []
    based_there = [m for m in everyone if m.site_id == snapshot.site_id]
    return based_there if several_sites and based_there else everyone


def _message(snapshot: ReportSnapshot) -> Message:
    """The notification: the week, the site (or all sites) and the headline figures, each
    figure's label kept as its word so every reader reads it in their language."""
    from notifications import kinds
    from notifications.wording import Listing

    with force_locale("en"):
        items = key_figures(snapshot.figures)
    headline = Listing(tuple(kinds.REPORT_FIGURE(label=word(item["label"]), value=item["text"])
                             for item in items))
    where = snapshot.site.name if snapshot.site else kinds.ALL_SITES()
    return kinds.WEEKLY_REPORT(week=snapshot.figures["week"], where=where, headline=headline)


def announce(snapshot: ReportSnapshot, now: datetime) -> int:
    """One notification (with HTML mail) per recipient, in their language; returns how many."""
    from notifications.services import mail_locale, notify

    figures, link = snapshot.figures, report_path(snapshot.week, snapshot.site_id)
    url = current_app.config["SITE_URL"].rstrip("/") + link
    message, people = _message(snapshot), recipients(snapshot)
    for person in people:
        with force_locale(mail_locale(person)):
            where = snapshot.site.name if snapshot.site else _("all sites")
            html = render_template("reports/email.html", figures=figures, where=where,
                                   url=url, items=key_figures(figures))
        notify([person], "weekly_report", message, now=now, link=link, body_html=html)
    return len(people)
