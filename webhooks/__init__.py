"""Webhooks: managers register HTTPS endpoints; ticket and SLA events reach them, signed.

An event is queued in the outbox (channel ``webhook``), one row per matching endpoint, in
the transaction of the change that caused it (`webhooks.emit`); only the outbox sender
posts it (`webhooks.transport`, registered as the outbox's ``webhook`` transport), so a
request never waits for a receiver. This package imports followups, tickets, sla, outbox,
core and the JSON forms of `representations`; api, admin pages, jobs and the app import it.
"""
