"""The follow-up loop: check-in and survey after resolution, attempts, survey links."""
