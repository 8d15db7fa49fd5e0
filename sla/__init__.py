"""Service-level engine: business calendars, SLA policies and clocks (pure Python)."""
