"""Nobody told twice, and every mail delivered or still being tried.

Notifications about a ticket: two with the same recipient, kind and message within the
same second are one event told twice; a ladder notification (sla_at_risk, sla_level_1,
sla_level_2) to one person must not outnumber the ladder events it announces (the event's
note is the notification's message, so a restarted clock may tell it again).

Outbox rows: `sent` and `logged` are delivered; `pending` with a next attempt and
`sending` within its lease are being tried; `failed` because the customer's personal data
was erased before it went (`privacy.redaction.CANCELLED`), or a webhook delivery whose
endpoint was deactivated (`webhooks.services.CANCELLED`), was withdrawn on purpose.
Anything else is a finding: `failed` (the sender gave up), a `sending` row whose lease
ran out (its sender died mid-send), a pending row with no next attempt, an unknown status.
"""

from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy import and_, not_, or_

from maintenance.findings import Finding, TicketFacts
from outbox.models import OutboxMessage
from privacy.redaction import CANCELLED
from tickets.escalation import STEP_EVENTS
from webhooks.services import CANCELLED as ENDPOINT_DEACTIVATED

LADDER_KINDS = set(STEP_EVENTS.values())


def _same_second(facts_list) -> bool:
    seconds = Counter(fact.created_at.replace(microsecond=0) for fact in facts_list)
    return any(count > 1 for count in seconds.values())


def check_notifications(facts: TicketFacts) -> list[Finding]:
    """One finding per (recipient, kind, message) told twice."""
    groups = defaultdict(list)
    for fact in facts.notifications:
        groups[(fact.recipient_id, fact.kind, fact.message)].append(fact)
    steps = Counter((event.action, event.note) for event in facts.events
                    if event.action in LADDER_KINDS)
    found = []
    for (recipient, kind, message), told in sorted(groups.items(), key=lambda g: g[1][0].id):
        ids = ", ".join(f"#{fact.id}" for fact in told)
        if len(told) > 1 and _same_second(told):
            found.append(facts.finding(
                "notification", f"user {recipient} told {kind} twice in one second ({ids})"))
        elif kind in LADDER_KINDS and len(told) > steps[(kind, message)]:
            found.append(facts.finding(
                "notification", f"user {recipient} told {kind} {len(told)} time(s) for "
                                f"{steps[(kind, message)]} ladder step(s) ({ids})"))
    return found


def undelivered_condition(now: datetime):
    """SQL: the outbox rows neither delivered nor being tried at `now`."""
    row = OutboxMessage
    fine = or_(
        row.status.in_(("sent", "logged")),
        and_(row.status == "pending", row.next_attempt_at.is_not(None)),
        and_(row.status == "sending", row.claimed_until.is_not(None), row.claimed_until > now),
        and_(row.status == "failed", row.last_error.in_((CANCELLED, ENDPOINT_DEACTIVATED))),
    )
    return not_(fine)


def outbox_problem(status: str, attempts: int, claimed_until, last_error) -> str:
    """Why an outbox row is neither delivered nor retrying (one line)."""
    if status == "failed":
        return f"mail gave up after {attempts} attempt(s): {last_error or 'no error kept'}"
    if status == "sending":
        until = claimed_until.isoformat() if claimed_until else "never"
        return f"mail still sending after its lease ended ({until}): its sender died"
    if status == "pending":
        return "mail pending with no next attempt: nothing will send it"
    return f"mail in unknown status {status!r}"
