"""`flask create-site … --code CODE [--intake-address ADDR]` and the site services behind
it: the default code, a typed code, an intake address; nothing written on a refusal."""

import re

import pytest
from sqlalchemy import func, select

from core.validation import ValidationFailed
from extensions import db
from sites.models import Site
from sites.services import SiteInput, create_site, update_site


def _count() -> int:
    return db.session.scalar(select(func.count(Site.id)))


def _create(runner, *args):
    return runner.invoke(args=["create-site", *args])


def test_create_site_with_a_code_and_an_intake_address(app, runner):
    result = _create(runner, "Bund Hotel", "--timezone", "Asia/Shanghai", "--code", "Bund-1",
                     "--intake-address", "Complaints@Bund.Example")
    assert result.exit_code == 0, result.output
    assert f"{app.config['SITE_URL']}/complain/bund-1" in result.output
    db.session.rollback()
    site = db.session.scalars(select(Site)).one()
    assert (site.public_code, site.intake_address) == ("bund-1", "complaints@bund.example")


def test_without_a_code_the_site_gets_a_slug_of_its_name(runner, make_site):
    make_site(name="Harbour Inn")  # takes harbour-inn
    for name in ("Harbour Inn Annex", "Café Lumière"):
        assert _create(runner, name, "--timezone", "UTC").exit_code == 0
    db.session.rollback()
    codes = dict(db.session.execute(select(Site.name, Site.public_code)).all())
    assert codes == {"Harbour Inn": "harbour-inn", "Harbour Inn Annex": "harbour-inn-annex",
                     "Café Lumière": "cafe-lumiere"}


def test_a_non_latin_name_gets_a_short_generated_code(runner):
    assert _create(runner, "上海外滩酒店", "--timezone", "Asia/Shanghai").exit_code == 0
    assert _create(runner, "北京饭店", "--timezone", "Asia/Shanghai").exit_code == 0
    db.session.rollback()
    codes = list(db.session.scalars(select(Site.public_code)))
    assert len(codes) == 2 and codes[0] != codes[1]
    assert all(re.fullmatch(r"site-[a-z0-9]{6}", code) for code in codes), codes


@pytest.mark.parametrize("code, words", [
    ("ab", "--code: Use 3 to 40 characters."),
    ("bund hotel", "--code: Use lowercase letters"),
    ("-bund", "--code: Use lowercase letters"),
    ("admin", "--code: 'admin' is a reserved word"),
    ("外滩", "--code: Use 3 to 40"),
    ("", "--code: give a code"),
])
def test_a_bad_code_is_one_clean_error_and_creates_nothing(runner, code, words):
    result = _create(runner, "Bund Hotel", "--timezone", "UTC", "--code", code)
    assert result.exit_code == 2
    assert words in result.output
    assert "Traceback" not in result.output
    assert _count() == 0


def test_a_code_or_address_of_another_site_is_refused(runner, make_site):
    make_site(name="Harbour Inn", public_code="harbour", intake_address="desk@harbour.example")
    taken = _create(runner, "Bund Hotel", "--timezone", "UTC", "--code", "HARBOUR")
    assert taken.exit_code == 2
    assert "--code: The code 'harbour' is already used by another site." in taken.output
    shared = _create(runner, "Bund Hotel", "--timezone", "UTC",
                     "--intake-address", "Desk@Harbour.example")
    assert shared.exit_code == 2 and "--intake-address: The address" in shared.output
    bad = _create(runner, "Bund Hotel", "--timezone", "UTC", "--intake-address", "not-mail")
    assert bad.exit_code == 2 and "--intake-address: Enter an e-mail address" in bad.output
    assert _count() == 1


def test_every_field_error_is_listed_at_once(runner):
    result = _create(runner, "Bund Hotel", "--timezone", "Mars/Base", "--code", "a")
    assert result.exit_code == 2
    assert "timezone" in result.output and "--code" in result.output
    assert _count() == 0


def test_a_hostile_code_is_refused_by_the_input_layer(runner):
    result = _create(runner, "Bund Hotel", "--timezone", "UTC", "--code", "bu\x00nd")
    assert result.exit_code == 2 and "--code" in result.output
    assert "\x00" not in result.output
    assert _count() == 0


def test_editing_keeps_the_code_unless_given_and_an_empty_code_switches_the_form_off(app):
    site = create_site(SiteInput(name="Bund Hotel", timezone="UTC"))
    db.session.commit()
    assert site.public_code == "bund-hotel"
    update_site(site, SiteInput(name="Bund Grand Hotel", timezone="UTC"))
    assert site.public_code == "bund-hotel", "a new name keeps the printed posters working"
    update_site(site, SiteInput(name="Bund Grand Hotel", timezone="UTC", public_code="bund"))
    assert site.public_code == "bund"
    update_site(site, SiteInput(name="Bund Grand Hotel", timezone="UTC", public_code="",
                                intake_address=""))
    assert (site.public_code, site.intake_address) == (None, None)


def test_a_site_may_keep_its_own_code_and_address_when_saved_again(app):
    site = create_site(SiteInput(name="Bund Hotel", timezone="UTC", public_code="bund",
                                 intake_address="in@bund.example"))
    db.session.commit()
    update_site(site, SiteInput(name="Bund Hotel", timezone="UTC", public_code="bund",
                                intake_address="IN@bund.example"))
    assert (site.public_code, site.intake_address) == ("bund", "in@bund.example")
    other = create_site(SiteInput(name="Other", timezone="UTC"))
    with pytest.raises(ValidationFailed) as refused:
        update_site(other, SiteInput(name="Other", timezone="UTC", public_code="bund",
                                     intake_address="in@bund.example"))
    assert set(refused.value.fields) == {"public_code", "intake_address"}
