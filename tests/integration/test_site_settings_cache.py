"""Each process keeps a site's holidays, SLA policy and webhook endpoints under the site's
settings stamp (core.stamped): read once, not on every page and every new ticket, and read
again as soon as any process changes them, because the change gives the site a fresh
stamp."""

import json
from dataclasses import replace
from datetime import UTC, date, datetime

from sqlalchemy import text

from auth.tokens import create_token
from core import clock
from extensions import db
from sites.calendar import calendar_for
from sites.models import Site
from sites.services import SiteInput, update_site
from sla.store import policy_for, save_policy
from tests.support.queries import recorded_statements
from tickets.categories import ensure_default_categories
from tickets.models import format_ref
from webhooks.services import EndpointInput, deactivate_endpoint, register_endpoint

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Shanghai
SETTINGS_TABLES = ("site_holidays", "sla_policies")


def _reads_settings(statements: list[str]) -> list[str]:
    return [s for s in statements if any(f"FROM {table}" in s for table in SETTINGS_TABLES)]


def _as_another_process(sql: str, **params) -> None:
    """A write committed outside this session, as another web worker would make it."""
    with db.engine.begin() as connection:
        connection.execute(text(sql), params)
    db.session.expire_all()


def _fresh(site: Site) -> Site:
    db.session.expire_all()
    return db.session.get(Site, site.id)


def test_a_warm_ticket_page_reads_neither_holidays_nor_policy(client, login, make_ticket):
    clock.set_now(T0)
    user = login()
    ticket = make_ticket(owner=user)
    path = f"/tickets/{format_ref(ticket.id)}"
    assert client.get(path).status_code == 200
    with recorded_statements(cold=True) as statements:
        page = client.get(path)
    assert page.status_code == 200 and format_ref(ticket.id) in page.get_data(as_text=True)
    assert any("FROM tickets" in s for s in statements)
    assert _reads_settings(statements) == [], statements


def test_new_tickets_at_a_site_read_its_settings_once(client, make_user):
    clock.set_now(T0)
    _token, plain = create_token(make_user(), "tests", clock.utcnow())
    headers = {"Authorization": f"Bearer {plain}"}
    ensure_default_categories()
    db.session.commit()
    body = {"customer": {"name": "Ms Lin", "phone": "13800001111"}, "channel": "phone",
            "dimension": "responsiveness", "category": "No call back", "severity": "low",
            "description": "The room was not ready at check-in."}
    created = []
    for _ in range(3):
        with recorded_statements(cold=True) as statements:
            response = client.post("/api/v1/tickets", json=body, headers=headers)
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["sla"]["first_response"]["due"] is not None
        created.append(statements)
    assert [_reads_settings(s) for s in created[1:]] == [[], []]


def test_a_policy_changed_by_another_process_is_read_again(make_site):
    site = make_site(name="Stamped Hotel")
    before = policy_for(site)
    faster = replace(before, warning_percent=before.warning_percent // 2)
    save_policy(site, faster, None, clock.utcnow())
    db.session.commit()
    assert policy_for(_fresh(site)).warning_percent == faster.warning_percent

    # Another worker writes the old policy back: without a new stamp this process keeps
    # what it read (the cache is real), with one it reads the policy again.
    stored = db.session.execute(text("SELECT data FROM sla_policies WHERE site_id = :s"),
                                {"s": site.id}).scalar_one()
    older = {**(stored if isinstance(stored, dict) else json.loads(stored)),
             "warning_percent": before.warning_percent}
    _as_another_process("UPDATE sla_policies SET data = :d WHERE site_id = :s",
                        d=json.dumps(older), s=site.id)
    assert policy_for(_fresh(site)).warning_percent == faster.warning_percent
    _as_another_process("UPDATE sites SET settings_stamp = 'stamp-from-another-worker' "
                        "WHERE id = :s", s=site.id)
    assert policy_for(_fresh(site)).warning_percent == before.warning_percent


def test_holidays_saved_by_another_process_move_the_next_due_time(make_site):
    site = make_site(name="Holiday Hotel", hours="mon-fri 09:00-18:00")
    assert date(2026, 12, 1) not in calendar_for(site).holidays
    _as_another_process("INSERT INTO site_holidays (site_id, day, name) "
                        "VALUES (:s, '2026-12-01', 'Founders day')", s=site.id)
    assert date(2026, 12, 1) not in calendar_for(_fresh(site)).holidays
    _as_another_process("UPDATE sites SET settings_stamp = 'holiday-stamp' WHERE id = :s",
                        s=site.id)
    assert date(2026, 12, 1) in calendar_for(_fresh(site)).holidays


def test_saving_a_site_restamps_it_only_when_its_holidays_change(make_site):
    site = make_site(name="Edited Hotel", holidays="2026-12-25 Christmas")
    stamp = site.settings_stamp
    fields = {"name": site.name, "timezone": site.timezone, "hours": site.hours_spec,
              "currency": site.currency, "front_desk_limit": site.front_desk_limit,
              "supervisor_limit": site.supervisor_limit}
    update_site(site, SiteInput(**fields, holidays="2026-12-25 Noel"), actor=None,
                now=clock.utcnow())
    db.session.commit()
    assert _fresh(site).settings_stamp == stamp
    site = _fresh(site)
    update_site(site, SiteInput(**fields, holidays="2026-12-25 Noel\n2026-12-26 Boxing day"),
                actor=None, now=clock.utcnow())
    db.session.commit()
    site = _fresh(site)
    assert site.settings_stamp != stamp
    assert calendar_for(site).holidays == {date(2026, 12, 25), date(2026, 12, 26)}


def test_a_policy_change_rolled_back_leaves_nothing_behind(make_site):
    site = make_site(name="Undone Hotel")
    before = policy_for(site)
    save_policy(site, replace(before, warning_percent=before.warning_percent // 2), None,
                clock.utcnow())
    assert policy_for(site).warning_percent == before.warning_percent // 2
    db.session.rollback()
    assert policy_for(_fresh(site)).warning_percent == before.warning_percent


def test_every_site_gets_its_own_stamp(make_site):
    first, second = make_site(name="One Hotel"), make_site(name="Two Hotel")
    assert len(first.settings_stamp) == 32 and first.settings_stamp != second.settings_stamp


def _deliveries() -> int:
    return db.session.execute(text(
        "SELECT count(*) FROM outbox WHERE channel = 'webhook'")).scalar_one()


def test_an_endpoint_registered_or_switched_off_counts_from_the_next_ticket(
        make_user, make_ticket):
    clock.set_now(T0)
    desk = make_user()
    make_ticket(owner=desk)  # this process now keeps the site's listeners: none
    endpoint, _secret = register_endpoint(
        EndpointInput(url="https://hooks.example.com/desk", events=["ticket.created"],
                      site_id=None), None, clock.utcnow())
    db.session.commit()
    make_ticket(owner=desk)
    assert _deliveries() == 1
    with recorded_statements() as statements:
        make_ticket(owner=desk)
    assert _deliveries() == 2
    assert not [s for s in statements if "FROM webhook_endpoints" in s], statements
    deactivate_endpoint(endpoint, clock.utcnow())
    db.session.commit()
    make_ticket(owner=desk)
    assert _deliveries() == 2


def test_a_site_without_a_stamp_is_read_every_time(make_site):
    site = make_site(name="Hand Edited Hotel", hours="mon-fri 09:00-18:00")
    calendar_for(site)
    _as_another_process("UPDATE sites SET settings_stamp = NULL WHERE id = :s", s=site.id)
    _as_another_process("INSERT INTO site_holidays (site_id, day, name) "
                        "VALUES (:s, '2026-12-02', 'Closed for works')", s=site.id)
    assert date(2026, 12, 2) in calendar_for(_fresh(site)).holidays
    _as_another_process("DELETE FROM site_holidays WHERE site_id = :s", s=site.id)
    assert date(2026, 12, 2) not in calendar_for(_fresh(site)).holidays
