"""The customer's side, no sign-in: a site's complaint form and a ticket's status page."""
