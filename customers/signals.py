"""What customers tell the packages above them, without importing them.

Customers sit below tickets and the SLA code, so a change here that matters to a ticket is
sent as a signal; the ticket side connects its receiver (at import, or in create_app).

`tier_changed`: a customer's tier changed (the change is flushed, not committed). Sent as
`tier_changed.send(customer, actor=user_or_None, now=aware_utc_datetime)`; a receiver
`def receiver(customer, *, actor, now)` re-times the customer's open tickets in the same
transaction. An exception in a receiver propagates to the caller, so the whole change is
rolled back by the transaction boundary.
"""

from blinker import Namespace

signals = Namespace()
tier_changed = signals.signal("customer-tier-changed")
