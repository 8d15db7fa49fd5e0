"""The timed jobs, above every feature package: the schedule, and the commands that run a
job by hand. Each package owns its job (the escalation ladder, the follow-up sweep, the
outbox sender, the weekly reports); this package only says when each one runs."""
