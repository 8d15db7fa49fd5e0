"""Managers set a site's public code and intake address on the site page; the site list
shows each public link; staff of the site and managers print its QR poster."""

import re

from sqlalchemy import select

from extensions import db
from sites.models import Site

SITE = {"name": "Bund Hotel", "timezone": "Asia/Shanghai", "hours": "24/7", "currency": "CNY",
        "holidays": "", "front_desk_limit": "200", "supervisor_limit": "2000"}


def _site(site_id: int) -> Site:
    db.session.rollback()
    return db.session.get(Site, site_id)


def test_a_new_site_gets_a_code_from_its_name_unless_one_is_given(client, login):
    login("manager")
    assert client.post("/admin/sites/new", data={**SITE, "public_code": ""}).status_code == 302
    assert client.post("/admin/sites/new", data={
        **SITE, "name": "Harbour Inn", "public_code": "Harbour",
        "intake_address": "Complaints@Harbour.Example"}).status_code == 302
    db.session.rollback()
    sites = {s.name: (s.public_code, s.intake_address) for s in db.session.scalars(select(Site))}
    assert sites["Bund Hotel"] == ("bund-hotel", None)
    assert sites["Harbour Inn"] == ("harbour", "complaints@harbour.example")


def test_the_manager_changes_the_code_and_the_intake_address(client, login, make_site):
    site = make_site(name="Bund Hotel")
    login("manager")
    page = client.get(f"/admin/sites/{site.id}").get_data(as_text=True)
    assert 'value="bund-hotel"' in page and "/complain/bund-hotel" in page
    response = client.post(f"/admin/sites/{site.id}", data={
        **SITE, "public_code": "the-bund", "intake_address": "desk@bund.example"})
    assert response.status_code == 302
    assert (_site(site.id).public_code, _site(site.id).intake_address) == (
        "the-bund", "desk@bund.example")


def test_a_bad_or_taken_code_is_a_field_error_and_nothing_changes(client, login, make_site):
    site = make_site(name="Bund Hotel")
    make_site(name="Harbour Inn", intake_address="desk@harbour.example")
    login("manager")
    for code, address, words in (
        ("harbour-inn", "", "The code &#39;harbour-inn&#39; is already used by another site."),
        ("bund hotel", "", "Use lowercase letters, digits and hyphens only"),
        ("admin", "", "is a reserved word"),
        ("bund", "DESK@harbour.example", "is already used by another site."),
        ("bund", "not an address", "Enter an e-mail address such as"),
    ):
        response = client.post(f"/admin/sites/{site.id}", data={
            **SITE, "name": "Bund Grand", "public_code": code, "intake_address": address})
        html = response.get_data(as_text=True)
        assert response.status_code == 422, code
        assert words in html, (code, address)
        assert f'value="{code}"' in html, "what was typed is kept"
        kept = _site(site.id)
        assert (kept.name, kept.public_code, kept.intake_address) == (
            "Bund Hotel", "bund-hotel", None)


def test_an_empty_code_switches_the_public_form_off(client, login, make_site):
    site = make_site(name="Bund Hotel")
    login("manager")
    assert client.post(f"/admin/sites/{site.id}", data={**SITE, "public_code": ""}
                       ).status_code == 302
    assert _site(site.id).public_code is None
    assert client.get("/complain/bund-hotel").status_code == 404
    listing = client.get("/admin/sites/").get_data(as_text=True)
    assert "/complain/bund-hotel" not in listing and "Off" in listing


def test_a_form_without_the_code_field_keeps_the_code(client, login, make_site):
    site = make_site(name="Bund Hotel")
    login("manager")
    assert client.post(f"/admin/sites/{site.id}", data=SITE).status_code == 302
    assert _site(site.id).public_code == "bund-hotel"


def test_the_site_list_shows_each_public_link(app, client, login, make_site):
    make_site(name="Bund Hotel")
    make_site(name="Harbour Inn")
    login("manager")
    page = client.get("/admin/sites/").get_data(as_text=True)
    base = app.config["SITE_URL"].rstrip("/")
    for code in ("bund-hotel", "harbour-inn"):
        assert f'href="{base}/complain/{code}"' in page


def test_the_poster_is_a_big_qr_code_of_the_public_link_in_both_languages(
        app, client, login, make_site, make_user):
    import segno

    site = make_site(name="Bund Hotel")
    login(user=make_user("front_desk", site=site))
    response = client.get(f"/admin/sites/{site.id}/poster")
    html = response.get_data(as_text=True)
    link = app.config["SITE_URL"].rstrip("/") + "/complain/bund-hotel"
    assert response.status_code == 200
    assert f'<strong id="poster-address">{link}</strong>' in html
    assert "Not happy with something? Tell us now." in html
    assert "有不满意的地方吗？请现在告诉我们。" in html
    assert 'lang="zh-Hans"' in html and 'lang="en"' in html
    svg = re.search(r"<svg [^>]*class=\"poster-qr\".*?</svg>", html, re.S)
    assert svg, "the QR code is drawn in the page (SVG), no image service"
    expected = segno.make(link, error="m").svg_inline(
        scale=1, border=2, omitsize=True, dark="#000", light="#fff", svgclass="poster-qr",
        lineclass="poster-qr-line")
    assert svg.group(0) == expected, "the code encodes the public link"
    assert "<script" not in html and "style=" not in html
    assert "css/poster.css" in html


def test_the_poster_prints_on_one_a4_page(app):
    css = (app.static_folder + "/css/poster.css")
    with open(css, encoding="utf-8") as handle:
        text = handle.read()
    assert re.search(r"@media print\s*{.*@page\s*{\s*size:\s*A4", text, re.S)
    assert ".no-print { display: none" in text


def test_a_poster_of_another_site_or_of_a_form_that_is_off_is_missing(
        client, login, make_site, make_user):
    home, other = make_site(name="Bund Hotel"), make_site(name="Harbour Inn")
    login(user=make_user("supervisor", site=home))
    assert client.get(f"/admin/sites/{other.id}/poster").status_code == 404
    home.public_code = None
    db.session.commit()
    assert client.get(f"/admin/sites/{home.id}/poster").status_code == 404
