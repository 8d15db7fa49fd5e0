"""Glue between service errors and WTForms."""

from collections.abc import Callable
from typing import TypeVar

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from core.messages import shown
from core.validation import ValidationFailed

T = TypeVar("T")


def apply_errors(form: FlaskForm, failed: ValidationFailed, aliases: dict | None = None) -> None:
    """Attach each service error to its form field; unknown or hidden fields' errors become
    form-level errors (shown above the form)."""
    aliases = aliases or {}
    for name, reason in failed.fields.items():
        field = getattr(form, aliases.get(name, name), None)
        visible = getattr(field, "type", "HiddenField") != "HiddenField"
        if field is not None and hasattr(field, "errors") and visible:
            if not field.errors:
                field.errors = [shown(reason)]
        else:
            form.form_errors.append(shown(reason))


def select_choices(pairs, optgroup: str | None = None) -> list[SelectChoice]:
    """WTForms select options from (value, label) pairs."""
    return [SelectChoice(value, label, optgroup=optgroup) for value, label in pairs]


def submit_with_domain(form: FlaskForm, action: Callable[[], T]) -> T | None:
    """Validate the form and the domain call together, so every bad field is named at once.

    Returns the action's result when both accept the input; otherwise leaves the errors on
    the form and returns None (also when the form was not submitted). It never rolls back:
    the view answers a refused form with `form_status(form)` (422), and the transaction
    boundary discards whatever the action had flushed.
    """
    if not form.is_submitted():
        return None
    form_ok = form.validate()
    try:
        result = action()
    except ValidationFailed as failed:
        apply_errors(form, failed)
        return None
    if not form_ok:
        return None
    return result


def form_status(form: FlaskForm) -> int:
    """The status of a page showing `form`: 422 when it carries errors, else 200.

    Re-rendering a refused form with 422 is what makes the transaction boundary roll back
    anything the service flushed before it refused.
    """
    return 422 if form.errors or form.form_errors else 200
