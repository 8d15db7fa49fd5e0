"""The site list's pages read as two runs (customer wrote first, then newest first): the
same tickets in the same order, page after page, as one ORDER BY over the whole list."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, update

from core import clock
from extensions import db
from tickets import queries
from tickets.models import Ticket

REF = re.compile(r"SR-\d{6,}")


@pytest.fixture(autouse=True)
def fixed_clock(app):
    clock.set_now(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))


def _refs(client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200
    return list(dict.fromkeys(REF.findall(response.get_data(as_text=True))))


def _all_tickets_badge(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r"All tickets\s*<span[^>]*>([^<]+)</span>", page).group(1)


def _desk(make_ticket, replied_minutes: list[int | None]):
    """One ticket a minute; those with a number had the customer write that many minutes
    after the first ticket was opened."""
    start = clock.utcnow()
    tickets = []
    for minute, replied in enumerate(replied_minutes):
        clock.set_now(start + timedelta(minutes=minute))
        ticket = make_ticket(site=tickets[0].site if tickets else None)
        if replied is not None:
            db.session.execute(update(Ticket).where(Ticket.id == ticket.id).values(
                customer_replied_at=start + timedelta(minutes=replied)))
        tickets.append(ticket)
    db.session.commit()
    return tickets


def _one_sort(user) -> list[str]:
    stmt = queries.site_tickets(user, queries.TicketFilters(), ZoneInfo("UTC"),
                                replied_first=True)
    return [ticket.ref for ticket in db.session.scalars(stmt).unique()]


@pytest.mark.parametrize("replied", [
    [None, 30, None, 10, None, None, 20],   # three waiting on staff, pages cut through them
    [None, None, None, None, None],         # nobody wrote: newest first only
    [5, 3, 9, 1, 7],                        # everyone wrote: longest waiting first only
])
def test_pages_follow_one_order_across_both_runs(app, client, login, make_ticket, replied):
    app.config["PAGE_SIZE"] = 2
    tickets = _desk(make_ticket, replied)
    viewer = login("supervisor", site=tickets[0].site)
    expected = _one_sort(viewer)
    pages = (len(tickets) + 1) // 2
    shown = [ref for number in range(1, pages + 1)
             for ref in _refs(client, f"/tickets/?page={number}")]
    assert shown == expected
    assert len(shown) == len(tickets)
    assert _refs(client, f"/tickets/?page={pages + 1}") == []
    assert _all_tickets_badge(client, "/tickets/?page=2") == str(len(tickets))


def test_the_waiting_run_comes_first_longest_waiting_first(app, client, login, make_ticket):
    tickets = _desk(make_ticket, [None, 30, None, 10])
    login("supervisor", site=tickets[0].site)
    assert _refs(client, "/tickets/") == [tickets[3].ref, tickets[1].ref, tickets[2].ref,
                                          tickets[0].ref]


def test_a_filter_applies_to_both_runs(app, client, login, make_ticket):
    app.config["PAGE_SIZE"] = 2
    tickets = _desk(make_ticket, [None, 30, None, 10])
    db.session.execute(update(Ticket).where(Ticket.id.in_([tickets[1].id, tickets[2].id]))
                       .values(channel="phone"))
    db.session.commit()
    login("supervisor", site=tickets[0].site)
    assert _refs(client, "/tickets/?channel=phone") == [tickets[1].ref, tickets[2].ref]


def test_a_page_sorts_no_more_than_it_shows(app, client, login, make_ticket):
    """Each run of tickets is read with the page's LIMIT, never as one ORDER BY over every
    ticket with the waiting ones first."""
    app.config["PAGE_SIZE"] = 3
    tickets = _desk(make_ticket, [None, 30, None, 10, None])
    login("supervisor", site=tickets[0].site)
    ordered: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        flat = " ".join(statement.split())
        if flat.startswith("SELECT tickets.id") and " ORDER BY " in flat:
            ordered.append(flat)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert _refs(client, "/tickets/") == [tickets[3].ref, tickets[1].ref, tickets[4].ref]
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert len(ordered) == 2, ordered  # the end of the waiting run, the start of the rest
    assert all(" LIMIT " in statement for statement in ordered)
    assert not any("customer_replied_at IS NULL," in statement for statement in ordered)


def _pager(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r"Page \d+ of [^<]+", page).group(0)


def test_the_count_stops_a_fixed_distance_past_the_page(app, client, login, make_ticket,
                                                        monkeypatch):
    """A large list is counted only so far past the page shown: the total reads "3+" and
    the pager still leads on, each page counting further, until the end is in reach."""
    from core import paging

    monkeypatch.setattr(paging, "COUNT_AHEAD", 3)
    app.config["PAGE_SIZE"] = 2
    tickets = _desk(make_ticket, [None, 5, None, None, None, None, None])
    viewer = login("supervisor", site=tickets[0].site)
    assert _all_tickets_badge(client, "/tickets/") == "3+"
    assert _pager(client, "/tickets/") == "Page 1 of 2+"
    assert _all_tickets_badge(client, "/tickets/?page=2") == "5+"
    assert _pager(client, "/tickets/?page=2") == "Page 2 of 3+"
    assert _all_tickets_badge(client, "/tickets/?page=3") == "7"
    assert _pager(client, "/tickets/?page=3") == "Page 3 of 4"
    shown = [ref for number in range(1, 5) for ref in _refs(client, f"/tickets/?page={number}")]
    assert shown == _one_sort(viewer) and len(shown) == len(tickets)



def test_a_manager_without_filters_counts_every_site(app, client, login, make_site,
                                                     make_ticket):
    """No condition at all on the list: the count still reads the tickets table."""
    app.config["PAGE_SIZE"] = 2
    north, south = make_site(name="North"), make_site(name="South")
    made = [make_ticket(site=site) for site in (north, south, north)]
    login("manager", site=north)
    assert _all_tickets_badge(client, "/tickets/") == "3"
    shown = [ref for number in (1, 2) for ref in _refs(client, f"/tickets/?page={number}")]
    assert sorted(shown) == sorted(ticket.ref for ticket in made)
