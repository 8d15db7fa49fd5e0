"""Managers edit the category list staff choose from."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from auth.permissions import permission_required
from core.forms import apply_errors, form_status
from core.validation import ValidationFailed
from extensions import db
from tickets.categories import save_category
from tickets.labels import DIMENSION_CHOICES
from tickets.models import Category

bp = Blueprint("categories", __name__, url_prefix="/admin/categories")


class CategoryForm(FlaskForm):
    name = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=80)])
    name_zh = StringField(_l("Name in Chinese"), validators=[DataRequired(), Length(max=80)])
    dimension = SelectField(_l("Dimension"), choices=DIMENSION_CHOICES)
    active = BooleanField(_l("In use"), default=True)
    submit = SubmitField(_l("Save category"))


@bp.route("/", methods=["GET", "POST"])
@permission_required("edit_categories")
def index():
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            save_category(form.name.data, form.dimension.data, form.active.data,
                          name_zh=form.name_zh.data)
        except ValidationFailed as failed:
            apply_errors(form, failed)
        else:
            flash(_("Category added."), "success")
            return redirect(url_for("categories.index"))
    stmt = select(Category).order_by(Category.dimension, Category.name)
    categories = db.session.scalars(stmt).all()
    missing_zh = sum(1 for category in categories if not category.name_zh)
    page = render_template("admin/categories.html", form=form, categories=categories,
                           missing_zh=missing_zh)
    return page, form_status(form)


@bp.route("/<int:category_id>", methods=["GET", "POST"])
@permission_required("edit_categories")
def edit(category_id: int):
    category = db.get_or_404(Category, category_id)
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        try:
            save_category(form.name.data, form.dimension.data, form.active.data, category,
                          name_zh=form.name_zh.data)
        except ValidationFailed as failed:
            apply_errors(form, failed)
        else:
            flash(_("Category saved."), "success")
            return redirect(url_for("categories.index"))
    page = render_template("admin/category_form.html", form=form, category=category)
    return page, form_status(form)
