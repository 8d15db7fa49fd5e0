"""A site's public complaint form address: `/complain/<code>` on the public SITE_URL.

The public blueprint's `public.complain` route answers this path; the manager's site list
and the printed poster show the absolute address (the poster is read by a phone's camera,
far from the request that printed it).
"""

from collections.abc import Mapping

from flask import current_app

from sites.models import Site

COMPLAINT_PATH = "/complain/"


def complaint_path(site: Site) -> str | None:
    """The form's path, or None when the site's public form is off (no code)."""
    return COMPLAINT_PATH + site.public_code if site.public_code else None


def complaint_url(site: Site, config: Mapping | None = None) -> str | None:
    """The form's absolute address on SITE_URL, or None when the form is off."""
    path = complaint_path(site)
    if path is None:
        return None
    config = config if config is not None else current_app.config
    return config["SITE_URL"].rstrip("/") + path
