"""The top bar's search: one box for a ticket reference, a phone, a name or words."""
