"""Managers keep the canned replies: list, add, edit, retire; bad input refused on its field."""

import pytest
from sqlalchemy import select

from correspondence.models import ReplyTemplate
from correspondence.starter_replies import STARTERS, add_starter_templates
from extensions import db

GOOD = {"locale": "en", "title": "Still on it", "position": "1", "active": "y",
        "body": "Dear {customer}, we are still working on {reference}. {owner}"}


def _templates() -> list[ReplyTemplate]:
    db.session.expire_all()
    return list(db.session.scalars(select(ReplyTemplate).order_by(ReplyTemplate.id)))


def test_a_manager_adds_edits_and_retires_a_canned_reply(client, login):
    login("manager")
    assert client.post("/admin/replies/new", data=GOOD).status_code == 302
    (template,) = _templates()
    assert (template.locale, template.title, template.position, template.active) == (
        "en", "Still on it", 1, True)
    listing = client.get("/admin/replies/").get_data(as_text=True)
    assert "Still on it" in listing and f"/admin/replies/{template.id}/deactivate" in listing
    edited = client.post(f"/admin/replies/{template.id}",
                         data={**GOOD, "title": "Still working", "locale": "zh_Hans",
                               "body": "{customer}您好，{reference}仍在处理。"})
    assert edited.status_code == 302
    (template,) = _templates()
    assert (template.title, template.locale) == ("Still working", "zh_Hans")
    assert client.post(f"/admin/replies/{template.id}/deactivate").status_code == 302
    assert _templates()[0].active is False
    listing = client.get("/admin/replies/").get_data(as_text=True)
    assert "Retired" in listing and f"/admin/replies/{template.id}/deactivate" not in listing


@pytest.mark.parametrize("field,value,reason", [
    ("body", "Dear {name}", "Use only the placeholders {customer}, {reference}, {owner} and"),
    ("body", "Dear {customer.__class__}", "Use only the placeholders"),
    ("body", "", "This field is required."),
    ("title", "", "This field is required."),
    ("title", "x" * 81, "Field cannot be longer than 80 characters."),
    ("position", "١٢", "Give a whole number from 0 to 999."),
    ("position", "1000", "Field cannot be longer than 3 characters."),
    ("position", "-1", "Give a whole number from 0 to 999."),
    ("locale", "fr", "Not a valid choice."),
])
def test_bad_input_is_refused_on_its_field_and_keeps_what_was_typed(client, login, field,
                                                                     value, reason):
    login("manager")
    response = client.post("/admin/replies/new", data={**GOOD, field: value})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert reason in page
    assert "Still on it" in page or field == "title"
    assert _templates() == []


def test_the_same_title_twice_in_one_language_is_refused(client, login):
    login("manager")
    client.post("/admin/replies/new", data=GOOD)
    again = client.post("/admin/replies/new", data={**GOOD, "title": "still ON it"})
    assert again.status_code == 422
    assert "There is already a canned reply with this title" in again.get_data(as_text=True)
    chinese = client.post("/admin/replies/new", data={**GOOD, "locale": "zh_Hans"})
    assert chinese.status_code == 302
    assert len(_templates()) == 2


def test_the_form_names_the_placeholders_in_chinese_too(client, login):
    login("manager", locale="zh_Hans")
    page = client.get("/admin/replies/new").get_data(as_text=True)
    assert "每张工单会自动填入的占位符" in page and "{customer}, {reference}" in page


@pytest.mark.parametrize("role", ["front_desk", "supervisor"])
def test_only_managers_keep_the_list(client, login, role):
    login(role)
    assert client.get("/admin/replies/").status_code == 403
    assert client.post("/admin/replies/new", data=GOOD).status_code == 403
    assert _templates() == []


def test_the_admin_menu_links_to_the_canned_replies(client, login):
    login("manager")
    assert 'href="/admin/replies/"' in client.get("/").get_data(as_text=True)
    login("front_desk")
    assert 'href="/admin/replies/"' not in client.get("/").get_data(as_text=True)


def test_the_starter_replies_are_valid_and_added_once(app):
    from core import clock

    assert add_starter_templates(clock.utcnow()) == len(STARTERS)
    assert add_starter_templates(clock.utcnow()) == 0
    templates = _templates()
    assert {t.locale for t in templates} == {"en", "zh_Hans"}
    assert all(t.active for t in templates)
