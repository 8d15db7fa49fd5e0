"""The SLA policy page in minutes, hours and business days, "apply to all dimensions" per
row, and the preview of due times for a ticket opened now."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core import clock
from core.formatting import local_time
from extensions import db
from sla.models import SlaPolicy, SlaPolicyChange
from sla.policy import DEFAULT_POLICY, DIMENSIONS, target_field
from sla.store import policy_for
from sla.units import policy_page_input, row_key, unit_field

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


@pytest.fixture(autouse=True)
def fixed_clock(app):
    clock.set_now(T0)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _page_form(**changes) -> dict:
    data = policy_page_input(DEFAULT_POLICY)
    data.update(changes)
    return data


def _selected_unit(page: str, name: str) -> str:
    select_html = re.search(rf'<select[^>]*id="{unit_field(name)}".*?</select>', page, re.S)
    return re.search(r'<option value="(\w+)" selected', select_html.group(0)).group(1)


def test_targets_are_shown_in_hours_and_days(client, login):
    login("supervisor")
    page = _text(client.get("/sla/policy"))
    resolution = target_field("reliability", "medium", "resolution")
    first = target_field("reliability", "critical", "first_response")
    fix = target_field("reliability", "high", "fix_offered")
    assert f'id="{resolution}" name="{resolution}" value="3"' in page
    assert _selected_unit(page, resolution) == "days"
    assert f'id="{first}" name="{first}" value="15"' in page
    assert _selected_unit(page, first) == "minutes"
    assert f'id="{fix}" name="{fix}" value="4"' in page and _selected_unit(page, fix) == "hours"


def test_a_target_saved_in_hours_is_stored_in_minutes_and_audited(client, login):
    supervisor = login("supervisor")
    name = target_field("empathy", "low", "resolution")
    response = client.post("/sla/policy", data=_page_form(**{name: "2.5",
                                                             unit_field(name): "days"}))
    assert response.status_code == 302
    assert policy_for(supervisor.site).targets["empathy"]["low"]["resolution"] == 1200
    change = db.session.scalars(select(SlaPolicyChange)).one()
    assert change.changes == {name: ["2400", "1200"]}
    page = _text(client.get("/sla/policy"))
    assert "5 business days → 2.5 business days" in page


def test_a_bad_amount_is_named_kept_and_nothing_is_saved(client, login):
    login("supervisor")
    name = target_field("assurance", "high", "first_response")
    response = client.post("/sla/policy", data=_page_form(**{name: "0.001",
                                                             unit_field(name): "hours"}))
    page = _text(response)
    assert response.status_code == 422
    assert 'value="0.001"' in page and "whole number of minutes" in page
    assert db.session.scalars(select(SlaPolicy)).all() == []


def test_apply_to_all_dimensions_copies_the_row_without_saving(client, login):
    supervisor = login("supervisor")
    name = target_field("empathy", "high", "fix_offered")
    form = _page_form(**{name: "3", unit_field(name): "hours",
                         "apply_row": row_key("empathy", "high")})
    response = client.post("/sla/policy", data=form)
    page = _text(response)
    assert response.status_code == 200
    for dimension in DIMENSIONS:
        copied = target_field(dimension, "high", "fix_offered")
        assert f'id="{copied}" name="{copied}" value="3"' in page
        assert _selected_unit(page, copied) == "hours"
    untouched = target_field("reliability", "medium", "fix_offered")
    assert f'id="{untouched}" name="{untouched}" value="1"' in page
    assert "Nothing is saved yet" in page
    assert db.session.scalars(select(SlaPolicyChange)).all() == []
    preview = page[page.index('id="policy-preview"'):]
    # the preview follows the copied (unsaved) targets
    assert local_time(T0 + timedelta(hours=3), supervisor.site) in preview
    every_high_fix = [target_field(d, "high", "fix_offered") for d in DIMENSIONS]
    resent = {k: v for k, v in form.items() if k != "apply_row"}
    resent.update({n: "3" for n in every_high_fix})
    resent.update({unit_field(n): "hours" for n in every_high_fix})
    saved = client.post("/sla/policy", data=resent)
    assert saved.status_code == 302
    assert len(db.session.scalars(select(SlaPolicyChange)).one().changes) == len(DIMENSIONS)


def test_applying_a_row_that_is_not_in_the_table_is_refused(client, login):
    login("supervisor")
    response = client.post("/sla/policy", data=_page_form(apply_row="empathy-urgent"))
    assert response.status_code == 422
    assert db.session.scalars(select(SlaPolicyChange)).all() == []


def test_the_preview_gives_due_times_on_the_site_calendar(client, login, make_site):
    site = make_site(name="Office hours", hours="mon-fri 09:00-17:00")
    login("manager", site=site)
    page = _text(client.get(f"/sla/policy?site={site.id}"))
    preview = page[page.index('id="policy-preview"'):]
    # Monday 10:00: a medium ticket's first response (2 h) is due at 12:00, its resolution
    # (3 business days of 8 h) on Thursday at 10:00; a low one's (5 days) next Monday 10:00
    for due in (T0 + timedelta(hours=2), T0 + timedelta(days=3), T0 + timedelta(days=7)):
        assert local_time(due, site) in preview
    assert local_time(T0, site) in page  # "opened now"
