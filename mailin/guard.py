"""Mail that must never open or touch a ticket: auto-replies, bounces, lists and loops.
Pure: no Flask, no database.

Answering an out-of-office reply with an acknowledgement, which the other side answers
again, is how mail loops start; a bounce of our own acknowledgement is not a complaint.
`why_ignored` names the first reason found (for the person reviewing held mail), or None.
"""

from mailin.parse import ParsedMail, address_key

AUTO_PRECEDENCE = {"bulk", "auto_reply", "junk", "list"}
DAEMON_LOCAL_PARTS = {"mailer-daemon", "mailer_daemon", "mailerdaemon", "postmaster"}


def _auto_reply(guard: dict[str, str]) -> str | None:
    submitted = guard.get("auto-submitted", "")
    if submitted and submitted.split(";", 1)[0].strip().lower() != "no":
        return f"auto-reply (Auto-Submitted: {submitted[:60]})"
    precedence = guard.get("precedence", "").strip().lower()
    if precedence in AUTO_PRECEDENCE:
        return f"auto-reply (Precedence: {precedence})"
    for name, label in (("x-autoreply", "X-Autoreply"), ("x-autorespond", "X-Autorespond")):
        if name in guard:
            return f"auto-reply ({label})"
    if "list-id" in guard:
        return "mailing list (List-Id)"
    return None


def _bounce(mail: ParsedMail) -> str | None:
    local = mail.from_address.rpartition("@")[0].lower()
    if local in DAEMON_LOCAL_PARTS:
        return f"bounce (from {local})"
    return_path = mail.guard.get("return-path")
    if return_path is not None and return_path.strip() in ("<>", ""):
        return "bounce (empty Return-Path)"
    if mail.content_type == "multipart/report":
        return "bounce (delivery report)"
    return None


def why_ignored(mail: ParsedMail, own_addresses: set[str]) -> str | None:
    """Why this mail is recorded and left alone, or None when it may reach a ticket.
    `own_addresses` are our own (MAIL_FROM, reply and intake addresses), as
    `address_key` writes them."""
    if address_key(mail.from_address) in own_addresses:
        return "loop (sent from our own address)"
    return _bounce(mail) or _auto_reply(mail.guard)
