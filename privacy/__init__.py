"""A customer's personal data: export, erasure, and retention (PIPL and GDPR)."""
