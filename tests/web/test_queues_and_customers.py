"""Queues, the filtered site list, customers: the right tickets, a constant number of queries."""

import html
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from flask import g
from sqlalchemy import event, select

from core import clock
from customers.models import Customer
from customers.services import CustomerInput
from extensions import db
from tests.web.ticket_helpers import FIX, in_hours, post_action


@pytest.fixture(autouse=True)
def fixed_clock(app):
    clock.set_now(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))


@contextmanager
def counted_queries():
    """Count SQL statements, starting cold (session and `g`) as a fresh request would."""
    db.session.expire_all()
    g.__dict__.clear()
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_my_tickets_and_unowned_show_the_right_tickets(client, login, make_ticket):
    mine = make_ticket()
    unowned_old = make_ticket(owner=None, site=mine.site)
    clock.set_now(clock.utcnow() + timedelta(minutes=5))
    unowned_new = make_ticket(owner=None, site=mine.site)
    someone_elses = make_ticket(site=mine.site)
    login(user=mine.owner)
    page = _page(client, "/tickets/mine")
    assert mine.ref in page and someone_elses.ref not in page
    page = _page(client, "/tickets/unowned")
    assert page.index(unowned_old.ref) < page.index(unowned_new.ref)
    assert mine.ref not in page


def test_home_page_shows_my_work(client, login, make_ticket):
    mine = make_ticket()
    login(user=mine.owner)
    assert mine.ref in _page(client, "/")


def test_approvals_is_for_supervisors(client, login, make_ticket):
    ticket = make_ticket()
    login(user=ticket.owner)
    post_action(client, ticket, "offer_fix", committed_by=in_hours(2),
                **{**FIX, "compensation": "800"})
    assert client.get("/tickets/approvals").status_code == 403
    login("supervisor", site=ticket.site)
    assert ticket.ref in _page(client, "/tickets/approvals")


def test_site_list_filters_and_search(client, login, make_ticket):
    noisy = make_ticket(dimension="tangibles", severity="high",
                        description="Drilling next door all morning",
                        customer=CustomerInput(name="Olga Petrova", phone="13912345678"))
    # A phone without runs of zeros: searching noisy's reference ("SR-000002") must not
    # find billing's customer by their digits.
    billing = make_ticket(site=noisy.site, dimension="reliability", channel="phone",
                          description="Charged twice for the minibar",
                          customer=CustomerInput(name="Bill Payer", phone="13755556666"))
    login("supervisor", site=noisy.site)
    assert billing.ref not in _page(client, "/tickets/?dimension=tangibles")
    assert noisy.ref in _page(client, "/tickets/?dimension=tangibles&severity=high")
    assert noisy.ref not in _page(client, "/tickets/?channel=phone")
    assert billing.ref in _page(client, "/tickets/?channel=phone")
    for query in ("drilling", "Olga", "1391234", noisy.ref):
        page = _page(client, f"/tickets/?q={query}")
        assert noisy.ref in page and billing.ref not in page, query
    assert noisy.ref not in _page(client, "/tickets/?from=2026-11-24")
    assert noisy.ref in _page(client, "/tickets/?from=2026-11-23&to=2026-11-23")
    page = _page(client, f"/tickets/?owner={noisy.owner.username}")
    assert noisy.ref in page and billing.ref not in page


def test_site_list_is_paginated(app, client, login, make_ticket):
    app.config["PAGE_SIZE"] = 2
    first = make_ticket()
    for _ in range(4):
        make_ticket(site=first.site)
    login("supervisor", site=first.site)
    page_one, page_three = _page(client, "/tickets/"), _page(client, "/tickets/?page=3")
    assert page_one.count("SR-0") >= 2
    assert first.ref in page_three and first.ref not in page_one


def _act(ticket, verb: str, actor, **data):
    from tickets.actions import perform

    perform(ticket, verb, actor, data, version=ticket.version, now=clock.utcnow())
    db.session.commit()


class BusyDesk:
    """Tickets in every queue, each with its own customer, category, opener and owner (or
    person it is handed to), spread over two sites, so that a relation loaded per row
    instead of with the list's query shows up as more SQL for more tickets."""

    def __init__(self, make_site, make_user, make_ticket):
        self.sites = [make_site(name="Busy North"), make_site(name="Busy South")]
        self.manager = make_user("manager", site=self.sites[0])
        self.supervisor = make_user("supervisor", site=self.sites[0])
        self.make_user, self.make_ticket = make_user, make_ticket
        self.made = 0

    def _ticket(self, owned: bool):
        from tickets.categories import ensure_default_categories, save_category

        ensure_default_categories()
        self.made += 1
        site = self.sites[self.made % 2]
        category = save_category(f"Busy category {self.made}", "reliability", True,
                                 name_zh=f"繁忙类别 {self.made}")
        opener = self.make_user("front_desk", site=site)
        return self.make_ticket(owner=opener if owned else None, opener=opener, site=site,
                                category_id=category.id)

    def _colleague(self, ticket):
        return self.make_user("front_desk", site=ticket.site)

    def add(self, rounds: int) -> None:
        for _ in range(rounds):
            mine = self._ticket(owned=False)
            _act(mine, "own", self.manager, acknowledgement="Sorry; on it",
                 next_contact_by=clock.utcnow() + timedelta(hours=1))
            handed = self._ticket(owned=True)
            _act(handed, "transfer", handed.owner, to=self.manager.username,
                 handover_note="Going off shift")
            self._ticket(owned=False)
            routed = self._ticket(owned=False)
            _act(routed, "reassign", self.supervisor, to=self._colleague(routed).username,
                 reason="Speaks the guest's language")
            waiting = _offer(self._ticket(owned=True), "800")
            _act(waiting, "transfer", waiting.owner, to=self._colleague(waiting).username,
                 handover_note="Please chase the approval")


@pytest.mark.parametrize("role,path", [
    ("manager", "/tickets/mine"), ("manager", "/tickets/unowned"), ("manager", "/tickets/"),
    ("manager", "/tickets/approvals"), ("manager", "/"),
    ("supervisor", "/tickets/approvals"), ("supervisor", "/"),
])
def test_queue_pages_cost_the_same_queries_for_few_or_many_tickets(
    client, login, make_site, make_user, make_ticket, role, path
):
    desk = BusyDesk(make_site, make_user, make_ticket)
    desk.add(rounds=2)
    login(user=getattr(desk, role))
    client.get(path)
    with counted_queries() as few:
        first = _page(client, path)
    desk.add(rounds=3)
    with counted_queries() as many:
        second = _page(client, path)
    assert second.count("SR-0") > first.count("SR-0") > 0
    assert len(few) == len(many), many


def _found(client, query: str, **params) -> list[dict]:
    response = client.get("/customers/search", query_string={"q": query, **params})
    assert response.status_code == 200
    return response.get_json()["customers"]


def test_customer_type_ahead_and_recent_ticket_flag(client, login, make_ticket):
    guest = CustomerInput(name="Zhou Min", phone="13700001234", email="zhou@example.com")
    first = make_ticket(customer=guest)
    login(user=first.owner)
    found = _found(client, "1370000")
    assert [c["name"] for c in found] == ["Zhou Min"]
    assert (found[0]["has_recent_ticket"], found[0]["repeat"]) == (True, True)
    assert found[0]["recent_tickets"] == 1
    make_ticket(site=first.site, customer=None, customer_id=first.customer_id)
    for query in ("zhou@ex", "Zhou", "137 0000"):
        found = _found(client, query)
        assert found and found[0]["has_recent_ticket"] is True, query
        assert found[0]["recent_tickets"] == 2, query
    page = _page(client, f"/customers/{first.customer_id}")
    assert "Repeat complainant" in page or "repeat complainant" in page
    assert first.ref in page


def test_a_customer_without_a_ticket_in_90_days_is_not_flagged(client, login, make_ticket):
    from customers.services import create_customer

    clock.set_now(datetime(2026, 8, 1, 2, 0, tzinfo=UTC))
    old = make_ticket(customer=CustomerInput(name="Old Friend", phone="13511112222"))
    clock.set_now(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    create_customer(old.site_id, CustomerInput(name="Old Newcomer", phone="13511113333"))
    db.session.commit()
    login(user=old.owner)
    found = {c["name"]: c for c in _found(client, "old")}
    assert set(found) == {"Old Friend", "Old Newcomer"}
    for row in found.values():
        assert (row["has_recent_ticket"], row["repeat"], row["recent_tickets"]) == (
            False, False, 0)


def test_names_match_any_word_or_part_ignoring_case(client, login, make_ticket):
    first = make_ticket(customer=CustomerInput(name="Li Wang", phone="13600000001"))
    for number, name in ((2, "Wang Lei"), (3, "Oswangu Ade"), (4, "Zhang San")):
        make_ticket(site=first.site, customer=CustomerInput(name=name,
                                                            phone=f"1360000000{number}"))
    login(user=first.owner)
    for query in ("Wang", "wang", "WANG"):
        names = [c["name"] for c in _found(client, query)]
        assert names == ["Wang Lei", "Li Wang", "Oswangu Ade"], query
    assert [c["name"] for c in _found(client, "i wa")] == ["Li Wang"]
    assert [c["name"] for c in _found(client, "100%")] == []


def test_e_mail_matches_ignoring_case(client, login, make_ticket):
    ticket = make_ticket(customer=CustomerInput(name="Mixed Case", email="Zhou.Min@Example.COM"))
    login(user=ticket.owner)
    for query in ("zhou.min@example", "ZHOU.MIN", "Zhou.Min@EXAMPLE.com"):
        assert [c["name"] for c in _found(client, query)] == ["Mixed Case"], query


def test_type_ahead_searches_only_the_intake_site(client, login, make_site, make_user,
                                                  make_ticket):
    home, other = make_site(name="Home Hotel"), make_site(name="Other Hotel")
    here = make_ticket(site=home, customer=CustomerInput(name="Wang Here", phone="13800000001"))
    there = make_ticket(site=other,
                        customer=CustomerInput(name="Wang There", phone="13800000002"))
    login(user=make_user("manager", site=home))
    assert [c["id"] for c in _found(client, "wang")] == [here.customer_id]
    assert [c["id"] for c in _found(client, "wang", site=other.id)] == [there.customer_id]
    assert [c["id"] for c in _found(client, "wang", site=home.id)] == [here.customer_id]
    login(user=here.owner)
    assert [c["id"] for c in _found(client, "wang")] == [here.customer_id]
    response = client.get("/customers/search", query_string={"q": "wang", "site": other.id})
    assert response.status_code == 404


def test_customers_of_other_sites_are_not_found(client, login, make_site, make_ticket):
    ticket = make_ticket(customer=CustomerInput(name="Hidden Guest", phone="13600000000"))
    login("front_desk", site=make_site(name="Far Away"))
    assert client.get("/customers/search?q=Hidden").get_json()["customers"] == []
    assert client.get(f"/customers/{ticket.customer_id}").status_code == 404


def test_preferred_owner_gets_new_tickets_of_their_customer(client, login, make_user,
                                                             make_ticket):
    first = make_ticket()
    customer = db.session.get(Customer, first.customer_id)
    assert customer.preferred_owner_id == first.owner.id
    colleague = make_user("front_desk", site=first.site)
    second = make_ticket(owner=None, opener=colleague, customer=None,
                         customer_id=customer.id)
    assert second.pending_transfer_to_id == first.owner.id
    login(user=first.owner)
    assert second.ref in _page(client, "/tickets/mine")


def test_customer_edit_validates_each_field(client, login, make_ticket):
    ticket = make_ticket()
    login(user=ticket.owner)
    response = client.post(f"/customers/{ticket.customer_id}/edit",
                           data={"name": "", "phone": "", "email": "not-an-email",
                                 "tier": "gold"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "not-an-email" in page
    stored = db.session.scalars(select(Customer)).one()
    assert stored.name.startswith("Guest")


def _offer(ticket, amount: str):
    from tickets.actions import perform

    perform(ticket, "offer_fix", ticket.owner, {
        "action": "Move the guest to a quiet room tonight", "remedy_type": "refund",
        "compensation": amount, "committed_by": clock.utcnow() + timedelta(hours=2),
    }, version=ticket.version, now=clock.utcnow())
    db.session.commit()
    return ticket


def _decline(ticket, signer):
    from tickets.actions import perform

    perform(ticket, "decline", ticket.owner, {
        "reason": "We cannot rebuild the pool this week",
        "alternative_offered": "A day pass to the partner spa", "signed_off_by": signer.username,
    }, version=ticket.version, now=clock.utcnow())
    db.session.commit()
    return ticket


def _approval_refs(user) -> set[str]:
    from tickets.queries import awaiting_approval

    stmt = awaiting_approval(user)
    with counted_queries() as statements:
        tickets = db.session.scalars(stmt).unique().all()
    # PostgreSQL also gets the list's planner setting first (core.database.JOINS_AS_WRITTEN).
    queries = [s for s in statements if not s.startswith("SET LOCAL join_collapse_limit")]
    assert len(queries) == 1, statements
    return {t.ref for t in tickets}


def test_awaiting_my_approval_is_what_i_can_decide(client, login, make_site, make_user,
                                                   make_ticket):
    site, elsewhere = make_site(name="Approvals Hotel"), make_site(name="Elsewhere Hotel")
    anna, ben = (make_user("supervisor", site=site) for _ in range(2))
    manager = make_user("manager", site=site)
    within = _offer(make_ticket(site=site), "800")
    at_limit = _offer(make_ticket(site=site), "2000")
    over = _offer(make_ticket(site=site), "5000")
    owned_by_anna = _offer(make_ticket(site=site), "900")
    owned_by_anna.owner = anna
    db.session.commit()
    asked_of_ben = _decline(make_ticket(site=site), ben)
    far = _offer(make_ticket(site=elsewhere), "300")
    assert _approval_refs(anna) == {within.ref, at_limit.ref}
    assert _approval_refs(ben) == {within.ref, at_limit.ref, owned_by_anna.ref,
                                   asked_of_ben.ref}
    assert _approval_refs(manager) == {t.ref for t in (within, at_limit, over, owned_by_anna,
                                                       asked_of_ben, far)}
    login(user=anna)
    page = _page(client, "/tickets/approvals")
    assert within.ref in page and at_limit.ref in page
    for hidden in (over, owned_by_anna, asked_of_ben, far):
        assert hidden.ref not in page
    home = _page(client, "/")
    assert within.ref in home and asked_of_ben.ref not in home


def test_customer_edit_without_the_owner_field_keeps_the_preferred_owner(client, login,
                                                                        make_ticket):
    ticket = make_ticket()
    owner_id = ticket.owner.id
    login(user=ticket.owner)
    response = client.post(f"/customers/{ticket.customer_id}/edit",
                           data={"name": "Guest Renamed", "phone": "13900001111",
                                 "tier": "key"})
    assert response.status_code == 302
    db.session.rollback()  # read what the request committed
    stored = db.session.get(Customer, ticket.customer_id)
    assert (stored.name, stored.tier, stored.preferred_owner_id) == (
        "Guest Renamed", "key", owner_id)
    assert client.post(f"/customers/{ticket.customer_id}/edit").status_code == 302


def test_the_site_list_filters_overdue_tickets(client, login, make_user, make_ticket):
    from datetime import UTC, datetime, timedelta

    from core import clock

    start = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    clock.set_now(start)
    supervisor = make_user("supervisor")
    late = make_ticket(owner=None, site=supervisor.site, severity="critical")
    fine = make_ticket(site=supervisor.site, severity="low")
    clock.set_now(start + timedelta(minutes=20))
    login(user=supervisor)
    page = client.get("/tickets/?overdue=1").get_data(as_text=True)
    assert late.ref in page and fine.ref not in page
    assert 'id="f-overdue" name="overdue" value="1" checked' in page


def test_customer_edit_refused_by_the_service_changes_nothing(client, login, make_ticket):
    """The form accepts a two-digit phone; the service refuses it: 422, nothing saved."""
    ticket = make_ticket()
    login(user=ticket.owner)
    response = client.post(f"/customers/{ticket.customer_id}/edit",
                           data={"name": "Guest Renamed", "phone": "12", "tier": "vip",
                                 "locale": "en"})
    assert response.status_code == 422
    assert "5 to 20 digits" in response.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(Customer, ticket.customer_id)
    assert stored.name.startswith("Guest ") and stored.tier == "standard"


def test_a_tier_change_is_announced_with_tier_changed(app, make_ticket):
    from customers.services import update_customer
    from customers.signals import tier_changed

    ticket = make_ticket()
    customer = db.session.get(Customer, ticket.customer_id)
    heard = []

    def receiver(sender, **kwargs):
        heard.append((sender, kwargs))

    now = clock.utcnow()
    details = {"name": customer.name, "phone": customer.phone, "locale": customer.locale}
    with tier_changed.connected_to(receiver):
        update_customer(customer, CustomerInput(**details, tier="standard"),
                        actor=ticket.owner, now=now)
        assert heard == []
        update_customer(customer, CustomerInput(**details, tier="vip"),
                        actor=ticket.owner, now=now)
    assert heard == [(customer, {"actor": ticket.owner, "now": now})]


def test_find_existing_customer_by_phone_digits_or_e_mail_within_the_site(
        app, make_site, make_ticket):
    from customers.services import find_existing_customer

    here, there = make_site(name="Here Hotel"), make_site(name="There Hotel")
    guest = make_ticket(site=here, customer=CustomerInput(
        name="Zhou Min", phone="+86 137-0000-1234", email="Zhou.Min@Example.com")).customer
    assert find_existing_customer(here.id, "8613700001234", None) == guest
    assert find_existing_customer(here.id, None, " zhou.min@EXAMPLE.com ") == guest
    assert find_existing_customer(here.id, "999", "zhou.min@example.com") == guest
    assert find_existing_customer(here.id, "", "") is None
    assert find_existing_customer(here.id, "13900000000", "other@example.com") is None
    assert find_existing_customer(there.id, "8613700001234", None) is None


@pytest.mark.parametrize("chosen, staff, expected", [
    ("en", "zh_Hans", "en"),
    (None, "zh_Hans", "zh_Hans"),
    ("", "zh_Hans", "zh_Hans"),
    (None, None, "en"),
    (None, "fr", "en"),
])
def test_a_new_customers_language_is_theirs_else_the_staff_members(app, make_site, chosen,
                                                                    staff, expected):
    from customers.services import create_customer

    site = make_site()
    customer = create_customer(site.id, CustomerInput(
        name="Wang Lei", phone="13800001111", locale=chosen, staff_locale=staff))
    assert customer.locale == expected


def test_a_customers_own_unknown_language_is_refused(app, make_site):
    from core.validation import ValidationFailed
    from customers.services import create_customer

    site = make_site()
    with pytest.raises(ValidationFailed) as refused:
        create_customer(site.id, CustomerInput(name="Wang Lei", phone="13800001111",
                                               locale="fr", staff_locale="en"),
                        prefix="customer_")
    assert set(refused.value.fields) == {"customer_locale"}


# --- hostile query strings -----------------------------------------------------------------


@pytest.mark.parametrize("query, named", [
    ("from=0001-01-01", "'from'"), ("to=9999-12-31", "'to'"), ("from=2300-01-01", "'from'"),
    ("from=2005-01-01", "'from'"), ("to=23/11/2026", "'to'"),
    ("from=%D9%A2%D9%A0%D9%A2%D9%A6-11-23", "'from'"),
])
def test_site_list_dates_outside_the_window_are_422_naming_the_filter(client, login,
                                                                      make_ticket, query,
                                                                      named):
    make_ticket()
    login("supervisor")
    response = client.get(f"/tickets/?{query}")
    assert response.status_code == 422
    assert named in html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("page", ["0", "-1", "%C2%B2", "%D9%A1%D9%A2", str(2**31), str(2**63),
                                  "abc"])
def test_pages_beyond_the_integer_range_are_not_found(client, login, page):
    login("supervisor")
    for path in ("/tickets/", "/tickets/mine", "/tickets/unowned", "/tickets/approvals",
                 "/follow-ups/", "/notifications/", "/reports/weekly/tickets"):
        assert client.get(f"{path}?page={page}").status_code == 404, path


def test_the_last_page_in_the_integer_range_is_an_empty_list(client, login, make_ticket):
    ticket = make_ticket()
    login("supervisor")
    last = client.get(f"/tickets/?page={2**31 - 1}")
    assert last.status_code == 200
    assert ticket.ref not in last.get_data(as_text=True)


@pytest.mark.parametrize("q", ["²", "SR-²", "SR-١٢", "١٢", f"SR-{2**63}", "9" * 30])
def test_searching_for_hostile_digits_lists_nothing(client, login, make_ticket, q):
    ticket = make_ticket()
    login(user=ticket.owner)
    response = client.get("/tickets/", query_string={"q": q})
    assert response.status_code == 200 and ticket.ref not in response.get_data(as_text=True)


@pytest.mark.parametrize("site", ["%C2%B2", "%D9%A1%D9%A2", str(2**31), str(2**63), "-1", "x"])
def test_a_site_picker_beyond_the_integer_range_is_not_found(client, login, site):
    login("manager")
    for path in ("/sla/board", "/sla/policy", "/customers/search"):
        assert client.get(f"{path}?site={site}").status_code == 404, path


@pytest.mark.parametrize("customer_id", ["%D9%A1%D9%A2", str(2**31), str(2**63), "0"])
def test_customer_ids_beyond_the_integer_range_are_not_found(client, login, make_ticket,
                                                             customer_id):
    make_ticket()
    login("manager")
    assert client.get(f"/customers/{customer_id}").status_code == 404
    assert client.get(f"/customers/{customer_id}/edit").status_code == 404


def test_phone_digits_of_any_script_match_as_ascii(client, login, make_ticket):
    ticket = make_ticket(customer=CustomerInput(name="Wen Li", phone="１３６ ０００１ ２２２２"))
    assert ticket.customer.phone_digits == "13600012222"
    login(user=ticket.owner)
    assert [c["name"] for c in _found(client, "1360001")] == ["Wen Li"]
    assert ticket.ref in _page(client, "/tickets/?q=13600012222")


def test_a_customer_field_holding_nul_is_refused_by_the_service(app, make_site):
    from core.validation import ValidationFailed
    from customers.services import create_customer

    site = make_site()
    with pytest.raises(ValidationFailed) as failed:
        create_customer(site.id, CustomerInput(name="Nul\x00Guest", phone="1" * 5 + "x" * 50))
    assert set(failed.value.fields) == {"name", "phone"}
