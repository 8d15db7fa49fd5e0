"""Ticket forms: shape only. Each action form carries the ticket's version.

`domain_data(zone)` turns the form into the dict the workflow validates, with
site-local times converted to aware UTC.
"""

from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from core import inputs
from core.forms import select_choices
from core.vocabulary import Channel
from tickets import labels

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _promise_field(label, required=True):
    validators = [InputRequired()] if required else [Optional()]
    return DateTimeLocalField(label, format=DATETIME_FORMAT, validators=validators)


class ActionForm(FlaskForm):
    """Base of every action form: the version the person saw, and the fields to pass on."""

    version = HiddenField(validators=[DataRequired()])
    DATETIME_FIELDS: tuple[str, ...] = ()

    def domain_data(self, zone: ZoneInfo) -> dict:
        data = {}
        for field in self:
            if field.type in ("CSRFTokenField", "SubmitField") or field.name.endswith("version"):
                continue
            name = field.short_name
            value = field.data
            if name in self.DATETIME_FIELDS:
                value = inputs.local_moment(value, zone)
            data[name] = value
        return data

    def validate(self, extra_validators=None) -> bool:
        """The fields' checks; the hidden version's error is shown above the form."""
        valid = super().validate(extra_validators)
        self.form_errors.extend(str(error) for error in self.version.errors)
        return valid

    def validate_version(self, field) -> None:
        """The version the person saw: ASCII digits, 1 to 2,147,483,647."""
        try:
            inputs.parse_int(field.data)
        except inputs.InputError:
            raise ValidationError(_l("This page is out of date; open the ticket again.")) from None

    @property
    def submitted_version(self) -> int | None:
        try:
            return inputs.parse_int(self.version.data)
        except inputs.InputError:
            return None


CHOOSE = [("", _l("Choose…"))]


def _chosen(label, options, missing, **kwargs) -> SelectField:
    """A select that starts on "Choose…": nothing is pre-selected, so what is recorded is
    what the person chose; `missing` says what is still to be chosen."""
    return SelectField(
        label,
        choices=select_choices(CHOOSE) + options,
        validators=[InputRequired(message=missing)],
        invalid_choice_message=missing,
        **kwargs,
    )


def _optional_id(value) -> int | None:
    """A row id from a select; None for its empty option."""
    return None if value in (None, "") else inputs.parse_int(value)


class OwnForm(ActionForm):
    """Owning. `dimension` and `category_id` are kept only for an unclassified ticket, and
    `send_acknowledgement` only when the customer has an e-mail (`tickets.page`)."""

    dimension = SelectField(
        _l("What kind of service failed?"),
        choices=select_choices([("", "—")]) + labels.DIMENSION_CHOICES,
        validators=[Optional()],
        description=_l("The customer opened this ticket: classify it as you own it."),
    )
    category_id = SelectField(_l("Category"), coerce=_optional_id, validators=[Optional()])
    acknowledgement = TextAreaField(
        _l("What you said to the customer, and how"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("For example: apologised in person and explained we will move them today."),
    )
    next_contact_by = _promise_field(_l("Next contact by (your promise)"))
    send_acknowledgement = BooleanField(
        _l("Send the written acknowledgement by e-mail"), default=True,
        description=_l("Untick if the customer asked not to be e-mailed."),
    )
    DATETIME_FIELDS = ("next_contact_by",)
    submit = SubmitField(_l("Own it"))


class ContactForm(ActionForm):
    note = TextAreaField(_l("What was said"), validators=[DataRequired(), Length(max=2000)])
    channel = SelectField(_l("How"), choices=labels.CHANNEL_CHOICES)
    next_contact_by = _promise_field(_l("Next contact by (new promise)"), required=False)
    DATETIME_FIELDS = ("next_contact_by",)
    submit = SubmitField(_l("Log contact"))


class ReplyForm(ActionForm):
    """A written reply to the customer, mailed in their language with the status link."""

    body = TextAreaField(
        _l("Your reply to the customer"),
        validators=[DataRequired(), Length(max=5000)],
        description=_l("Mailed to the customer with their status link. Without an e-mail "
                       "address, copy the short text from the conversation and pass it on."),
    )
    next_contact_by = _promise_field(_l("Next contact by (new promise)"), required=False)
    DATETIME_FIELDS = ("next_contact_by",)
    submit = SubmitField(_l("Send reply"))


class NoteForm(ActionForm):
    body = TextAreaField(
        _l("Internal note"),
        validators=[DataRequired(), Length(max=5000)],
        description=_l("For colleagues only: never shown or sent to the customer."),
    )
    submit = SubmitField(_l("Add note"))


class OfferFixForm(ActionForm):
    action = TextAreaField(
        _l("What will be done"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("Concrete: what, by whom, when. An apology alone is not a fix."),
    )
    remedy_type = _chosen(_l("Remedy"), labels.REMEDY_CHOICES, _l("Choose the remedy."))
    compensation = StringField(
        _l("Compensation"), default="0.00", validators=[DataRequired(), Length(max=20)]
    )
    committed_by = _promise_field(_l("Done by"))
    DATETIME_FIELDS = ("committed_by",)
    submit = SubmitField(_l("Offer this fix"))


class ResponseForm(ActionForm):
    customer_response = _chosen(_l("Customer's answer"), labels.RESPONSE_CHOICES,
                                _l("Choose the customer's answer."))
    submit = SubmitField(_l("Record answer"))


class ApproveForm(ActionForm):
    submit = SubmitField(_l("Approve"))


class ReasonForm(ActionForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class RejectForm(ReasonForm):
    submit = SubmitField(_l("Send back to the owner"))


class EscalateForm(ReasonForm):
    submit = SubmitField(_l("Escalate"))


class ReopenForm(ReasonForm):
    submit = SubmitField(_l("Reopen"))


class ResolveForm(ActionForm):
    outcome = TextAreaField(
        _l("What was actually done"), validators=[DataRequired(), Length(max=2000)]
    )
    customer_response = _chosen(_l("Customer's response"), labels.RESPONSE_CHOICES,
                                _l("Choose the customer's answer."))
    root_cause = _chosen(_l("Root cause"), labels.ROOT_CAUSE_CHOICES,
                         _l("Choose the root cause."))
    root_cause_note = TextAreaField(
        _l("Root cause note"), validators=[DataRequired(), Length(max=2000)]
    )
    fault = _chosen(
        _l("Where the fault lay"),
        labels.FAULT_CHOICES,
        _l("Choose where the fault lay (“Unknown” is an answer too)."),
        description=_l("For learning only: we own the complaint either way."),
    )
    prevention_action = TextAreaField(
        _l("Prevention action (optional)"), validators=[Optional(), Length(max=2000)]
    )
    prevention_owner = StringField(_l("Who"), validators=[Optional(), Length(max=120)])
    prevention_due = DateField(_l("By when"), validators=[Optional()])
    beyond_expectation = TextAreaField(
        _l("Beyond-expectation gesture (optional)"), validators=[Optional(), Length(max=2000)]
    )
    submit = SubmitField(_l("Resolve"))


class DeclineForm(ActionForm):
    reason = TextAreaField(
        _l("Why we decline"), validators=[DataRequired(), Length(max=2000)]
    )
    alternative_offered = TextAreaField(
        _l("Alternative offered"), validators=[DataRequired(), Length(max=2000)]
    )
    signed_off_by = SelectField(_l("Supervisor to sign off"), validators=[Optional()])
    submit = SubmitField(_l("Decline"))


class TransferForm(ActionForm):
    to = SelectField(_l("Hand over to"))
    handover_note = TextAreaField(
        _l("Handover note"), validators=[DataRequired(), Length(max=2000)]
    )
    submit = SubmitField(_l("Transfer"))


class AcceptTransferForm(ActionForm):
    submit = SubmitField(_l("Accept and own"))


class ReassignForm(ActionForm):
    to = SelectField(_l("Give to"))
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Reassign"))


class ReclassifyForm(ActionForm):
    dimension = SelectField(_l("What kind of service failed?"), choices=labels.DIMENSION_CHOICES)
    category_id = SelectField(_l("Category"), coerce=inputs.parse_int)
    severity = SelectField(_l("Severity"), choices=labels.SEVERITY_CHOICES)
    reason = TextAreaField(_l("Why"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Reclassify"))


class CloseForm(ActionForm):
    submit = SubmitField(_l("Close"))


class AttachmentForm(ActionForm):
    """A photo or receipt: the bytes go to the domain, which decides whether to accept them."""

    file = FileField(_l("Photo or PDF (up to 10 MB)"))
    note = StringField(_l("What it shows (optional)"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Attach"))

    def domain_data(self, zone: ZoneInfo) -> dict:
        upload = self.file.data
        content = upload.read() if upload is not None and hasattr(upload, "read") else b""
        name = getattr(upload, "filename", "") or ""
        return {"content": content, "file_name": name, "note": self.note.data or ""}


class CompletePreventionForm(ActionForm):
    prevention_id = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Mark done"))


YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]
NOT_ASKED = [("", _l("Not asked"))]
SCORES = [(str(n), str(n)) for n in range(1, 6)]


class FollowUpForm(ActionForm):
    """One attempt to reach the customer after resolution (check-in or survey)."""

    kind = SelectField(_l("Follow-up"))
    reached = RadioField(_l("Did you reach the customer?"), choices=select_choices(YES_NO),
                         validators=[InputRequired()])
    csat = SelectField(
        _l("Satisfaction (1 = very unhappy, 5 = very happy)"),
        choices=select_choices(NOT_ASKED + SCORES),
        validators=[Optional()],
    )
    recovered = SelectField(_l("Do they feel it was put right?"),
                            choices=select_choices(NOT_ASKED + YES_NO), validators=[Optional()])
    would_recommend = SelectField(_l("Would they recommend us?"),
                                  choices=select_choices(NOT_ASKED + YES_NO),
                                  validators=[Optional()])
    comment = TextAreaField(_l("What they said"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Record follow-up"))


class NewTicketForm(FlaskForm):
    site_id = SelectField(_l("Site"), coerce=inputs.parse_int, validators=[Optional()])
    customer_id = HiddenField(validators=[Optional()])
    customer_name = StringField(_l("Customer name"), validators=[Optional(), Length(max=120)])
    customer_phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    customer_email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    customer_tier = SelectField(_l("Tier"), choices=labels.TIER_CHOICES, default="standard")
    customer_locale = SelectField(_l("Language for surveys and mail"),
                                  choices=labels.LANGUAGE_CHOICES, validators=[Optional()])
    channel = SelectField(_l("Channel"), choices=labels.CHANNEL_CHOICES,
                          default=Channel.FRONT_DESK.value)
    dimension = SelectField(
        _l("What kind of service failed?"), choices=labels.DIMENSION_CHOICES,
        validators=[InputRequired(message=_l("Choose what kind of service failed."))],
        invalid_choice_message=_l("Choose what kind of service failed."),
    )
    category_id = SelectField(
        _l("Category"), coerce=_optional_id,
        validators=[InputRequired(message=_l("Choose a category."))],
        invalid_choice_message=_l("Choose a category."),
    )
    severity = SelectField(_l("Severity"), choices=labels.SEVERITY_CHOICES, default="medium")
    is_safety = BooleanField(
        _l("Safety or health issue"),
        description=_l("Makes the ticket critical and alerts managers at once."),
    )
    booking_ref = StringField(
        _l("Booking or receipt reference"), validators=[Optional(), Length(max=80)]
    )
    description = TextAreaField(
        _l("What the customer said, in their words"),
        validators=[DataRequired(), Length(max=5000)],
    )
    desired_outcome = TextAreaField(
        _l("What the customer asks for"), validators=[Optional(), Length(max=5000)]
    )
    own_now = BooleanField(_l("I own this now"))
    acknowledgement = TextAreaField(
        _l("What you said to the customer, and how"), validators=[Optional(), Length(max=2000)]
    )
    next_contact_by = _promise_field(_l("Next contact by (your promise)"), required=False)
    submit = SubmitField(_l("Open ticket"))
