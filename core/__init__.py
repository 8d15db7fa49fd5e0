"""Cross-cutting pieces: the clock, database types, security headers, errors."""
