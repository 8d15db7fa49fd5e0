"""What the tickets package announces; higher packages (follow-ups, notifications) listen.

Receivers run in the sender's transaction, after the change was flushed, and may add to it.

- `ticket_opened(ticket, actor, now)`: a ticket was opened (at intake, any channel).
- `step_taken(ticket, action, actor, data, now)`: a workflow action was applied, with its
  cleaned fields; `actor` is None for the system (the follow-up loop, the sweep).
- `ladder_climbed(ticket, taken, now)`: the SLA sweep took escalation steps; `taken` is a
  list of (step, note): the ladder step and the note of the audit event it wrote (the
  event's `changes` name the clock).
"""

from blinker import Namespace

signals = Namespace()
ticket_opened = signals.signal("ticket-opened")
step_taken = signals.signal("ticket-step-taken")
ladder_climbed = signals.signal("ticket-ladder-climbed")
