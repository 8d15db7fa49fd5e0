"""Sites: where complaints are heard, with their time zone, hours, holidays and currency."""
