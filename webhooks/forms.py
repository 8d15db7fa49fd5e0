"""The admin page's forms (shape only: `webhooks.services` checks the rules)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from core.forms import select_choices
from extensions import db
from sites.models import Site
from webhooks.events import EVENT_LABELS, EVENT_TYPES
from webhooks.models import DESCRIPTION_LENGTH, URL_LENGTH


class EventsField(SelectMultipleField):
    """The events as checkboxes, each labelled with its name and what it means."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:
        """The service names an unknown event in its own words."""


def _event_choices():
    return select_choices((name, f"{name} — {EVENT_LABELS[name]}") for name in EVENT_TYPES)


def _site_choices():
    sites = db.session.scalars(select(Site).order_by(Site.name))
    return select_choices([("", _l("Every site"))]
                          + [(str(site.id), site.name) for site in sites])


class NewWebhookForm(FlaskForm):
    url = StringField(
        _l("URL"), validators=[Length(max=URL_LENGTH)],
        description=_l("Where the events are posted: an https:// address of your system."))
    description = StringField(_l("Description"),
                              validators=[Optional(), Length(max=DESCRIPTION_LENGTH)])
    events = EventsField(_l("Events"))
    site_id = SelectField(_l("Site"), description=_l("Only this site's tickets, or every site."))
    submit = SubmitField(_l("Register endpoint"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.events.choices = _event_choices()
        self.site_id.choices = _site_choices()


class EditWebhookForm(FlaskForm):
    description = StringField(_l("Description"),
                              validators=[Optional(), Length(max=DESCRIPTION_LENGTH)])
    events = EventsField(_l("Events"))
    active = BooleanField(
        _l("Active"),
        description=_l("An inactive endpoint receives nothing; its waiting deliveries are "
                       "cancelled."))
    submit = SubmitField(_l("Save endpoint"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.events.choices = _event_choices()
