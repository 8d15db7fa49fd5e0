"""Helpers for the tests that run real servers: a TCP proxy, gunicorn, the scheduler."""
