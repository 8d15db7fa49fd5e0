"""Security headers on every response.

- A strict Content-Security-Policy and its companions, always.
- `Cache-Control: no-store` and `Pragma: no-cache` on every response to a signed-in user
  (the session names one) and on every API response, so no browser or proxy keeps a copy
  of a page with guests' details; public assets (stylesheets, scripts) stay cacheable:
  they are the same for everyone.
- Behind HTTPS (`SESSION_COOKIE_SECURE` on, or `PREFERRED_URL_SCHEME=https`): HSTS for a
  year, subdomains included, and the session and remember cookies marked `Secure`.
"""

from collections.abc import Mapping

from flask import Flask, Response, current_app, request, session

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


HSTS = "max-age=31536000; includeSubDomains"
API_PREFIX = "/api/"
PUBLIC_ASSETS = frozenset({"static", "bootstrap.static"})
SIGNED_IN_KEY = "_user_id"  # Flask-Login's key for the signed-in user's session id


def uses_https(config: Mapping) -> bool:
    return bool(config.get("SESSION_COOKIE_SECURE")) or config.get(
        "PREFERRED_URL_SCHEME") == "https"


def is_private_response() -> bool:
    """True for an API call or a signed-in user's request, except public assets. Reads no
    database (it must hold when the database is down)."""
    if request.endpoint in PUBLIC_ASSETS:
        return False
    return request.path.startswith(API_PREFIX) or SIGNED_IN_KEY in session


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if is_private_response():
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    """Register the headers; behind HTTPS, mark the session and remember cookies Secure."""
    if uses_https(app.config):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.after_request(add_security_headers)
