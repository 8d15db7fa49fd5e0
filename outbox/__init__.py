"""One outbox for all outgoing mail.

Features write a message with :func:`outbox.queue.enqueue` inside their own business
transaction (so mail exists exactly when the change that caused it is committed), and
:func:`outbox.sender.send_due` is the only code that talks to SMTP. This package imports
only `core`, `extensions`, `config`, the standard library, SQLAlchemy and Flask.
"""
