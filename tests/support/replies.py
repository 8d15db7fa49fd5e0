"""A canned reply for the page tests (the hostile-input and role tables)."""

from core import clock
from correspondence.replies import TemplateInput, save_template
from extensions import db


def reply_template(locale: str = "en", title: str = "Still on it",
                   body: str = "Dear {customer}, {reference} is in hand. {owner}") -> int:
    """An active canned reply (committed); returns its id."""
    template = save_template(TemplateInput(locale=locale, title=title, body=body),
                             clock.utcnow())
    db.session.commit()
    return template.id
