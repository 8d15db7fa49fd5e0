"""Managers keep the canned replies staff start a reply from: a short list per language."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from auth.permissions import permission_required
from core.clock import utcnow
from core.forms import form_status, submit_with_domain
from correspondence.models import ReplyTemplate
from correspondence.placeholders import PLACEHOLDERS
from correspondence.replies import (
    BODY_LENGTH,
    TITLE_LENGTH,
    TemplateInput,
    all_templates,
    deactivate_template,
    save_template,
)
from extensions import db
from tickets.labels import LANGUAGE_CHOICES

# Canned replies are, like categories, a list staff choose from that managers keep.
PERMISSION = "edit_categories"

bp = Blueprint("replies", __name__, url_prefix="/admin/replies")


class ReplyTemplateForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    title = StringField(_l("Title (staff see it)"),
                        validators=[DataRequired(), Length(max=TITLE_LENGTH)])
    body = TextAreaField(
        _l("Text"), validators=[DataRequired(), Length(max=BODY_LENGTH)],
        render_kw={"rows": 8},
        description=_l("Placeholders filled in for each ticket: %(names)s. Staff edit the "
                       "text before they send it.",
                       names=", ".join("{" + name + "}" for name in PLACEHOLDERS)),
    )
    position = StringField(_l("Order in the list (0 first)"), default="0",
                           validators=[Optional(), Length(max=3)])
    active = BooleanField(_l("In use"), default=True)
    submit = SubmitField(_l("Save canned reply"))


def _input(form: ReplyTemplateForm) -> TemplateInput:
    return TemplateInput(locale=form.locale.data, title=form.title.data or "",
                         body=form.body.data or "", position=form.position.data or "",
                         active=bool(form.active.data))


@bp.route("/")
@permission_required(PERMISSION)
def index():
    return render_template("admin/replies.html", templates=all_templates())


@bp.route("/new", methods=["GET", "POST"])
@permission_required(PERMISSION)
def create():
    form = ReplyTemplateForm()
    saved = submit_with_domain(form, lambda: save_template(_input(form), utcnow()))
    if saved is not None:
        flash(_("Canned reply %(title)s saved.", title=saved.title), "success")
        return redirect(url_for("replies.index"))
    page = render_template("admin/replies_form.html", form=form, template=None)
    return page, form_status(form)


@bp.route("/<int:template_id>", methods=["GET", "POST"])
@permission_required(PERMISSION)
def edit(template_id: int):
    template = db.get_or_404(ReplyTemplate, template_id)
    form = ReplyTemplateForm(obj=template)
    saved = submit_with_domain(
        form, lambda: save_template(_input(form), utcnow(), template))
    if saved is not None:
        flash(_("Canned reply %(title)s saved.", title=saved.title), "success")
        return redirect(url_for("replies.index"))
    page = render_template("admin/replies_form.html", form=form, template=template)
    return page, form_status(form)


@bp.route("/<int:template_id>/deactivate", methods=["POST"])
@permission_required(PERMISSION)
def deactivate(template_id: int):
    template = db.get_or_404(ReplyTemplate, template_id)
    deactivate_template(template, utcnow())
    flash(_("Canned reply %(title)s is no longer offered.", title=template.title), "success")
    return redirect(url_for("replies.index"))
