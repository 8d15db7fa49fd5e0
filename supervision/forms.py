"""The SLA policy form: an amount and a unit (minutes, hours, business days) per
dimension × severity × clock (`sla.units`), the tier factors and the thresholds."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField

from sla.policy import CLOCKS, DIMENSIONS, SEVERITIES, TIERS, target_field
from sla.units import unit_field

UNIT_LABELS = {
    "minutes": _l("minutes"),
    "hours": _l("hours"),
    "days": _l("business days"),
}


def _policy_form_class() -> type[FlaskForm]:
    names = [target_field(d, s, c) for d in DIMENSIONS for s in SEVERITIES for c in CLOCKS]
    fields = {name: StringField(render_kw={"inputmode": "decimal"}) for name in names}
    fields.update({unit_field(name): StringField() for name in names})
    fields.update({f"tier-{t}": StringField(render_kw={"inputmode": "decimal"}) for t in TIERS})
    fields["warning_percent"] = StringField(_l("At risk after (percentage of the target)"))
    fields["level2_delay_percent"] = StringField(
        _l("Managers told after a further (percentage of the target)")
    )
    fields["submit"] = SubmitField(_l("Save policy"))
    return type("PolicyForm", (FlaskForm,), fields)


PolicyForm = _policy_form_class()


class RecomputeForm(FlaskForm):
    submit = SubmitField(_l("Recompute open tickets"))


def form_values(form: FlaskForm) -> dict[str, str]:
    """The submitted values by field name (for sla.units.clean_policy_page)."""
    return {
        field.name: field.data or ""
        for field in form
        if field.type not in ("CSRFTokenField", "SubmitField")
    }
