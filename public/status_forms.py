"""The two forms of the customer's status page: their answer to the fix offered, and a box
to add information (with an optional photo). Both post to the page itself; the prefix of
the button pressed says which form was sent (`submitted_part`)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length, ValidationError

from core import inputs
from core.messages import shown
from tickets import files

MESSAGE_TEXT = 5000
ANSWER, INFO = "answer", "info"
NEEDED = _l("Please write a few words.")
SAY_WHAT = _l("Please tell us what you would like instead.")
CHOOSE = _l("Please press Accept or I'd like something else.")
TOO_LONG = _l("Please write at most %(max)d characters.")


class CleanText:
    """The input layer's text rules (a string without NUL or broken characters, stripped,
    at most MESSAGE_TEXT characters), said next to the field."""

    def __init__(self, required: bool = False) -> None:
        self.required = required

    def __call__(self, _form, field) -> None:
        try:
            field.data = inputs.clean_text(field.data, max_length=MESSAGE_TEXT)
        except inputs.InputError as refused:
            raise ValidationError(shown(refused.reason)) from None
        if self.required and not field.data:
            raise ValidationError(NEEDED)


class AnswerForm(FlaskForm):
    """Accept the fix offered, or ask for something else (then a comment is needed)."""

    comment = TextAreaField(
        _l("If you would like something else, tell us what (optional when you accept)"),
        validators=[Length(max=MESSAGE_TEXT, message=TOO_LONG), CleanText()],
    )
    accept = SubmitField(_l("Accept"))
    other = SubmitField(_l("I'd like something else"))

    def validate(self, extra_validators=None) -> bool:
        """Asking for something else needs a word on what."""
        valid = super().validate(extra_validators)
        if self.response() is None:
            self.form_errors.append(CHOOSE)
            return False
        if self.response() == "countered" and not self.comment.errors and not self.comment.data:
            self.comment.errors.append(SAY_WHAT)
            return False
        return valid

    def response(self) -> str | None:
        """`accepted` or `countered`, from the button pressed; None when unclear."""
        if self.accept.data and not self.other.data:
            return "accepted"
        if self.other.data and not self.accept.data:
            return "countered"
        return None


class InfoForm(FlaskForm):
    """The customer adds to their complaint: words (needed) and a photo (optional)."""

    body = TextAreaField(
        _l("Something to add?"),
        validators=[Length(max=MESSAGE_TEXT, message=TOO_LONG),
                    CleanText(required=True)],
    )
    photo = FileField(_l("A photo or PDF (optional, up to 10 MB)"))
    send = SubmitField(_l("Send"))

    def upload(self) -> dict | None:
        """The photo as the attachment rule takes it (`content`, read at most one byte over
        the limit, and `file_name`), or None."""
        upload = self.photo.data
        readable = upload is not None and hasattr(upload, "read")
        content = upload.read(files.MAX_BYTES + 1) if readable else b""
        if not content:
            return None
        return {"content": content, "file_name": getattr(upload, "filename", "") or ""}


def submitted_part(form_data) -> str | None:
    """Which form a POST carries: `answer`, `info`, or None (neither, or both)."""
    answer = any(f"{ANSWER}-{name}" in form_data for name in ("accept", "other"))
    info = f"{INFO}-send" in form_data
    if answer == info:
        return None
    return ANSWER if answer else INFO
