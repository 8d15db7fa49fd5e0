"""Outgoing e-mail over SMTP (stdlib only), configured by one URL.

`SMTP_URL` examples: ``smtp://user:pass@host:587?starttls=1`` (plain, upgraded with
STARTTLS), ``smtps://user:pass@host:465`` (TLS from the start). User and password are
URL-decoded. An empty `SMTP_URL` means "no SMTP": the sender logs the mail instead.

Only :mod:`outbox.sender` calls :func:`send_mail`; features enqueue instead.
"""

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

SUBJECT_PREFIX = "[Recovery Desk] "
TIMEOUT_SECONDS = 20
TRUE_WORDS = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    use_ssl: bool
    starttls: bool
    username: str
    password: str


def parse_smtp_url(url: str) -> SmtpSettings:
    """Settings from an ``smtp://`` or ``smtps://`` URL; raises ValueError otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("SMTP_URL must look like smtp://user:pass@host:587?starttls=1")
    use_ssl = parts.scheme == "smtps"
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["0"])[-1].strip().lower() in TRUE_WORDS
    return SmtpSettings(
        host=parts.hostname,
        port=parts.port or (465 if use_ssl else 25),
        use_ssl=use_ssl,
        starttls=starttls and not use_ssl,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


def build_message(
    sender: str, to: str, subject: str, body: str, html: str | None = None,
    headers: Mapping[str, str | None] | None = None,
) -> EmailMessage:
    """A plain-text mail, with an HTML alternative when `html` is given; `headers` adds
    threading headers (Message-ID, Reply-To, In-Reply-To, References) that have a value."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        if value:
            message[name] = value
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if settings.use_ssl:
        return smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=TIMEOUT_SECONDS, context=context
        )
    connection = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
    if settings.starttls:
        connection.starttls(context=context)
    return connection


def send_mail(
    config: Mapping, to: str, subject: str, body: str, html: str | None = None,
    headers: Mapping[str, str | None] | None = None,
) -> None:
    """Send one mail through `config["SMTP_URL"]`; raises on any failure."""
    settings = parse_smtp_url(config["SMTP_URL"])
    message = build_message(config["MAIL_FROM"], to, subject, body, html, headers)
    with _connect(settings) as connection:
        if settings.username:
            connection.login(settings.username, settings.password)
        connection.send_message(message)
