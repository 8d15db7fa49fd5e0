"""The public complaint form: shape and the guest-worded checks of each field.

The domain (`tickets.intake.open_customer_ticket`) checks the same rules again and has the
last word; these checks only let a guest read every problem in their own language, next to
the field, before anything is written. CSRF is on (Flask-WTF): the form checks its own token,
so a refused form can be shown again with what was typed.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import EmailField, RadioField, StringField, SubmitField, TelField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from core.forms import select_choices
from customers.services import CUSTOMER_LIMITS, phone_digits
from tickets import files
from tickets.complaint_kinds import KINDS
from tickets.intake import MAX_TEXT

MAX_PHOTOS = 5
TOO_LONG = _l("Please keep this under %(max)d characters.")


def _too_long(limit: int) -> Length:
    return Length(max=limit, message=TOO_LONG)


class ComplaintForm(FlaskForm):
    kind = RadioField(
        _l("What went wrong?"),
        choices=select_choices((kind.code, kind.label) for kind in KINDS),
        validators=[InputRequired(message=_l("Choose the answer that comes closest."))],
    )
    description = TextAreaField(
        _l("What happened?"),
        validators=[InputRequired(message=_l("Tell us what happened, in your own words.")),
                    _too_long(MAX_TEXT)],
        description=_l("In your own words: what, where and when."),
    )
    desired_outcome = TextAreaField(
        _l("What would you like us to do? (optional)"),
        validators=[Optional(), _too_long(MAX_TEXT)],
    )
    booking_ref = StringField(
        _l("Booking reference or room number (optional)"),
        validators=[Optional(), _too_long(80)],
    )
    photos = MultipleFileField(
        _l("Photos (optional)"),
        description=_l("Up to 5 photos (JPEG, PNG, WebP, HEIC) or PDFs, 10 MB in all."),
    )
    name = StringField(
        _l("Your name"),
        validators=[InputRequired(message=_l("Tell us your name.")),
                    _too_long(CUSTOMER_LIMITS["name"])],
    )
    phone = TelField(
        _l("Phone"), validators=[Optional(), _too_long(CUSTOMER_LIMITS["phone"])],
    )
    email = EmailField(
        _l("E-mail"),
        validators=[Optional(), _too_long(CUSTOMER_LIMITS["email"]),
                    Email(message=_l("Enter an e-mail address such as name@example.com."))],
        description=_l("Give a phone number or an e-mail address (or both) so that we can "
                       "answer you."),
    )
    # The honeypot: hidden from people by the stylesheet (.hp-field); robots fill it in.
    website = StringField(_l("Leave this field empty"))
    submit = SubmitField(_l("Send"))

    def validate(self, extra_validators=None) -> bool:
        """The fields' checks, then: a phone number or an e-mail address at least."""
        valid = super().validate(extra_validators)
        given = (self.phone.data or "").strip() or (self.email.data or "").strip()
        if not given and not self.phone.errors and not self.email.errors:
            self.phone.errors.append(
                _l("Give a phone number or an e-mail address, so that we can answer you."))
            valid = False
        return valid

    def validate_phone(self, field) -> None:
        if not 5 <= len(phone_digits(field.data)) <= 20:
            raise ValidationError(_l("Give a phone number with 5 to 20 digits."))

    def validate_photos(self, field) -> None:
        """The staff upload rules (tickets.files): the bytes decide what a file is."""
        photos = self.photo_data()
        if len(photos) > MAX_PHOTOS:
            raise ValidationError(_l("Send at most 5 photos."))
        for photo in photos:
            name = files.clean_name(photo["file_name"])
            if files.detect_kind(photo["content"][:16]) is None:
                raise ValidationError(_l("“%(name)s” is not a photo or a PDF we can open.",
                                         name=name))
            if len(photo["content"]) > files.MAX_BYTES:
                raise ValidationError(_l("“%(name)s” is larger than 10 MB.", name=name))

    def is_spam(self) -> bool:
        """True when the hidden field was filled in: only a robot sees it."""
        return bool((self.website.data or "").strip())

    def photo_data(self) -> list[dict]:
        """Each chosen file (empty file inputs left out) as the attachment rule reads it:
        `content` (read once, at most one byte over the limit) and `file_name`."""
        if getattr(self, "_photos", None) is None:
            uploads = [u for u in (self.photos.data or []) if u and u.filename]
            self._photos = [{"content": u.read(files.MAX_BYTES + 1), "file_name": u.filename}
                            for u in uploads[:MAX_PHOTOS + 1]]
        return self._photos
