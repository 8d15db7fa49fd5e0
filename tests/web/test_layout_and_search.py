"""The top bar per role, the ticket lists (sortable, no Owner column on "My tickets", card
labels), the ticket page's order, the favicon and the top bar's search."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from core import clock
from customers.services import CustomerInput
from extensions import db
from tickets.models import Ticket


@pytest.fixture(autouse=True)
def fixed_clock(app):
    clock.set_now(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def _nav(page: str) -> str:
    return re.search(r'<nav class="navbar.*?</nav>', page, re.S).group(0)


def _manage_menu(page: str) -> str | None:
    found = re.search(r'<li class="nav-item dropdown" id="manage-menu">.*?</ul>\s*</li>',
                      page, re.S)
    return found.group(0) if found else None


def _top_level_links(nav: str) -> list[str]:
    """The hrefs of the bar's own page links (not those inside a dropdown)."""
    return re.findall(r'<li class="nav-item">\s*<a class="nav-link[^"]*"\s*(?:aria-current="page")?'
                      r'\s*href="([^"]+)"', nav)


# --- top bar -------------------------------------------------------------------------------


def test_the_front_desk_bar_has_its_daily_pages_and_no_manage_menu(client, login):
    login("front_desk")
    nav = _nav(_page(client, "/"))
    assert _top_level_links(nav) == ["/", "/tickets/new", "/tickets/mine", "/tickets/unowned",
                                     "/follow-ups/", "/tickets/", "/customers/"]
    assert _manage_menu(nav) is None
    assert 'href="/sla/board"' not in nav and 'href="/tickets/approvals"' not in nav


def test_the_supervisor_finds_their_pages_under_manage(client, login):
    login("supervisor")
    nav = _nav(_page(client, "/"))
    manage = _manage_menu(nav)
    for path in ("/tickets/approvals", "/sla/board", "/mail/held", "/reports/weekly",
                 "/sla/policy"):
        assert f'href="{path}"' in manage, path
        assert path not in _top_level_links(nav)
    assert 'href="/users/"' not in nav and 'href="/sites/"' not in nav


def test_the_manager_finds_the_settings_under_manage_once_each(client, login):
    login("manager")
    page = _page(client, "/")
    manage = _manage_menu(_nav(page))
    headings = re.findall(r'<span class="dropdown-header">([^<]+)</span>', manage)
    assert headings == ["Supervision", "Reports", "Settings"]
    settings = manage.split("Settings</span>")[1]
    paths = re.findall(r'href="([^"]+)"', settings)
    assert len(paths) == 6 and len(set(paths)) == 6  # policy, sites, users, categories,
    for path in paths:  # canned replies, webhooks: each once in the whole page
        assert page.count(f'href="{path}"') == 1, path


def test_the_manage_menu_is_marked_current_on_its_pages(client, login):
    login("supervisor")
    manage = _manage_menu(_page(client, "/sla/board"))
    assert 'dropdown-toggle text-nowrap active' in manage
    assert re.search(r'dropdown-item active"\s*aria-current="page"\s*href="/sla/board"', manage)
    assert 'dropdown-toggle text-nowrap active' not in _manage_menu(_page(client, "/"))


def test_bell_user_menu_and_search_sit_inside_the_bar(client, login):
    user = login("supervisor", display_name="Lin Mei")
    nav = _nav(_page(client, "/"))
    assert 'id="notification-bell"' in nav
    menu = re.search(r'<div class="dropdown" id="user-menu">.*?</ul>', nav, re.S).group(0)
    assert "Lin Mei" in menu and user.site.name in menu and 'action="/sign-out"' in menu
    assert menu.count("Lin Mei") == 2  # the button and the menu's heading, no role twice
    search = re.search(r'<form class="topbar-search".*?</form>', nav, re.S).group(0)
    assert 'action="/search/"' in search and 'name="q"' in search
    assert 'aria-keyshortcuts="/"' in search and 'for="site-search"' in search


def test_the_slash_key_script_is_loaded_on_every_staff_page(client, login):
    login("front_desk")
    page = _page(client, "/tickets/mine")
    assert '<script src="/static/js/app.js">' in page
    with client.get("/static/js/app.js") as response:
        script = response.get_data(as_text=True)
    assert 'event.key !== "/"' in script and 'getElementById("site-search")' in script


def test_the_favicon_is_linked_and_served(client, login):
    login("front_desk")
    page = _page(client, "/")
    link = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page).group(1)
    with client.get(link) as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
        assert b"<svg" in icon.data
    legacy = client.get("/favicon.ico")
    assert legacy.status_code == 301 and legacy.headers["Location"].endswith(link)


# --- ticket lists --------------------------------------------------------------------------


def _headers(page: str) -> list[str]:
    thead = re.search(r"<thead>.*?</thead>", page, re.S).group(0)
    return [re.sub(r"<[^>]+>|[▲▼]", "", cell).strip()
            for cell in re.findall(r"<th[^>]*>(.*?)</th>", thead, re.S)]


def test_my_tickets_has_no_owner_column_and_unowned_has_one(client, login, make_ticket):
    mine = make_ticket()
    make_ticket(owner=None, site=mine.site)
    login(user=mine.owner)
    assert _headers(_page(client, "/tickets/mine")) == [
        "Ticket", "Customer", "Status", "Severity", "SLA", "Opened"]
    assert "Owner" in _headers(_page(client, "/tickets/unowned"))
    assert "Owner" in _headers(_page(client, "/tickets/"))
    home = _page(client, "/")
    assert _headers(home.split('id="home-mine"')[1]) == [
        "Ticket", "Customer", "Status", "Severity", "SLA", "Opened"]


def test_a_ticket_handed_to_me_names_its_owner_on_my_tickets(client, login, make_ticket,
                                                              make_user):
    from tickets.actions import perform

    ticket = make_ticket()
    me = make_user("front_desk", site=ticket.site, display_name="Zhou Min")
    perform(ticket, "transfer", ticket.owner, {"to": me.username, "handover_note": "Shift ends"},
            version=ticket.version, now=clock.utcnow())
    db.session.commit()
    login(user=me)
    page = _page(client, "/tickets/mine")
    assert ticket.ref in page
    assert f"owner: {ticket.owner.display_name}" in page


def test_every_cell_but_the_reference_carries_its_label_for_the_card_layout(
        client, login, make_ticket):
    ticket = make_ticket()
    login("supervisor", site=ticket.site)
    page = _page(client, "/tickets/")
    row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", page, re.S).group(1)
    labels = re.findall(r'<td class="tl-[a-z]+" data-label="([^"]+)"', row)
    assert labels == ["Customer", "Status", "Severity", "SLA", "Owner", "Opened"]
    assert '<td class="tl-ticket">' in row


def _refs(page: str) -> list[str]:
    tbody = re.search(r"<tbody>.*?</tbody>", page, re.S).group(0)
    return re.findall(r'href="/tickets/(SR-\d{6})"', tbody)


@pytest.fixture
def three_tickets(make_ticket, make_user):
    """Opened a minute apart: low (no owner), critical (owned by Bai), medium (owned by Ai)."""
    low = make_ticket(owner=None, severity="low",
                      customer=CustomerInput(name="Chen Bo", phone="13800000001"))
    site = low.site
    clock.set_now(clock.utcnow() + timedelta(minutes=1))
    critical = make_ticket(owner=make_user("front_desk", site=site, display_name="Bai Lu"),
                           severity="critical", site=site,
                           customer=CustomerInput(name="Ai Qing", phone="13800000002"))
    clock.set_now(clock.utcnow() + timedelta(minutes=1))
    medium = make_ticket(owner=make_user("front_desk", site=site, display_name="Ai Hua"),
                         severity="medium", site=site,
                         customer=CustomerInput(name="Bo Yang", phone="13800000003"))
    return low, critical, medium


@pytest.mark.parametrize("sort,order", [
    ("severity", "critical medium low"),
    ("-severity", "low medium critical"),
    ("opened", "low critical medium"),
    ("-opened", "medium critical low"),
    ("ref", "low critical medium"),
    ("customer", "critical medium low"),
    ("owner", "medium critical low"),
    ("-owner", "low critical medium"),
    ("status", "low critical medium"),
])
def test_the_site_list_sorts_by_each_column(client, login, three_tickets, sort, order):
    low, critical, medium = three_tickets
    named = {"low": low.ref, "critical": critical.ref, "medium": medium.ref}
    login("supervisor", site=low.site)
    assert _refs(_page(client, f"/tickets/?sort={sort}")) == [named[n] for n in order.split()]


def test_the_sla_column_sorts_by_the_nearest_deadline(client, login, three_tickets):
    tickets = sorted(three_tickets, key=_nearest_due)
    login("supervisor", site=tickets[0].site)
    assert _refs(_page(client, "/tickets/?sort=sla")) == [t.ref for t in tickets]
    assert _refs(_page(client, "/tickets/?sort=-sla")) == [t.ref for t in reversed(tickets)]


def _nearest_due(ticket: Ticket) -> datetime:
    ticket = db.session.get(Ticket, ticket.id)
    pending = [ticket.resolution_due, ticket.fix_offered_due]
    if ticket.owned_at is None:
        pending.append(ticket.first_response_due)
    return min(due for due in pending if due is not None)


def test_sorting_keeps_the_filters_and_the_headers_say_which_order(client, login,
                                                                   three_tickets):
    low, critical, medium = three_tickets
    login("supervisor", site=low.site)
    page = _page(client, "/tickets/?severity=critical&sort=-opened")
    assert _refs(page) == [critical.ref]
    assert 'aria-sort="descending"' in page and page.count("aria-sort=") == 1
    opened = re.search(r'<th scope="col" aria-sort="descending">\s*<a class="sort-link" '
                       r'href="([^"]+)"', page).group(1)
    assert "severity=critical" in opened and "sort=opened" in opened
    assert 'name="sort" value="-opened"' in page  # the filter form keeps the order
    severity = re.search(r'<a class="sort-link" href="([^"]+)">Severity', page).group(1)
    assert "sort=severity" in severity.replace("&amp;", "&")


def test_the_queues_sort_too_and_keep_their_own_order_without_sort(client, login,
                                                                   three_tickets, make_ticket):
    low, _critical, _medium = three_tickets
    clock.set_now(clock.utcnow() + timedelta(minutes=1))
    high = make_ticket(owner=None, severity="high", site=low.site)
    login("supervisor", site=low.site)
    assert _refs(_page(client, "/tickets/unowned")) == [low.ref, high.ref]
    assert _refs(_page(client, "/tickets/unowned?sort=severity")) == [high.ref, low.ref]


@pytest.mark.parametrize("sort", ["bogus", "--opened", "owner_id", "-", "severity;drop"])
def test_an_unknown_sort_is_refused_with_its_reason(client, login, sort):
    login("supervisor")
    for path in ("/tickets/", "/tickets/mine"):
        response = client.get(f"{path}?sort={sort}")
        assert response.status_code == 422, (path, sort)
        assert "Sort by one of: ref, customer, status" in response.get_data(as_text=True)


# --- ticket page ---------------------------------------------------------------------------


def test_the_ticket_page_puts_status_clocks_and_next_steps_before_the_timeline(
        client, login, make_ticket):
    ticket = make_ticket()
    login(user=ticket.owner)
    page = _page(client, f"/tickets/{ticket.ref}")
    positions = [page.index(marker) for marker in (
        "<h1", 'id="sla-clocks"', 'id="words-heading"', 'id="next-steps"', 'id="actions"',
        'id="conversation"', 'id="timeline"')]
    assert positions == sorted(positions)
    assert 'class="accordion-button' in page.split('id="next-steps"')[1].split('id="timeline"')[0]


# --- search --------------------------------------------------------------------------------


@pytest.fixture
def desk_tickets(make_ticket, make_site, make_user):
    drilling = make_ticket(description="Drilling next door 50% of the morning",
                           customer=CustomerInput(name="Olga Petrova", phone="13912345678"))
    minibar = make_ticket(site=drilling.site, description="Charged twice for the minibar",
                          customer=CustomerInput(name="Wang Lei", phone="13700001111"))
    elsewhere = make_ticket(owner=make_user("front_desk", site=make_site(name="Far Away")),
                            description="Drilling at the far site",
                            customer=CustomerInput(name="Olga Far", phone="13912349999"))
    return drilling, minibar, elsewhere


def _found_refs(page: str) -> list[str]:
    return _refs(page.split('id="found-tickets"')[1])


def test_search_finds_by_phone_name_and_words_within_the_users_site(client, login,
                                                                    desk_tickets):
    drilling, minibar, elsewhere = desk_tickets
    login("front_desk", site=drilling.site)
    for query in ("1391234", "olga", "Petrova", "drilling", "139 1234 5678"):
        page = _page(client, f"/search/?q={query}")
        assert _found_refs(page) == [drilling.ref], query
        assert elsewhere.ref not in page
    page = _page(client, "/search/?q=Olga")
    customers = page.split('id="found-customers"')[1].split("</ul>")[0]
    assert "Olga Petrova" in customers and "Olga Far" not in customers
    assert 'value="Olga"' in _nav(page)  # the box keeps what was searched
    assert _found_refs(_page(client, "/search/?q=minibar")) == [minibar.ref]


def test_search_matches_wildcards_literally(client, login, desk_tickets):
    drilling, _minibar, _elsewhere = desk_tickets
    login("front_desk", site=drilling.site)
    assert _found_refs(_page(client, "/search/?q=50%25")) == [drilling.ref]
    page = _page(client, "/search/?q=%25")
    assert _found_refs(page) == [drilling.ref]
    assert _found_refs(_page(client, "/search/?q=_")) == []


def test_a_full_reference_opens_the_ticket_and_a_number_lists_it_first(client, login,
                                                                       desk_tickets):
    drilling, _minibar, elsewhere = desk_tickets
    login("front_desk", site=drilling.site)
    response = client.get(f"/search/?q={drilling.ref.lower()}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/tickets/{drilling.ref}")
    assert _found_refs(_page(client, f"/search/?q={drilling.id}"))[0] == drilling.ref
    page = _page(client, f"/search/?q={elsewhere.ref}")  # another site's: not even named
    assert _found_refs(page) == []


def test_search_is_bounded(app, client, login, make_ticket, monkeypatch):
    from search import services

    first = make_ticket(description="Noisy pipes")
    for _ in range(3):
        make_ticket(site=first.site, description="Noisy pipes")
    monkeypatch.setattr(services, "TICKET_LIMIT", 2)
    login("front_desk", site=first.site)
    page = _page(client, "/search/?q=noisy")
    assert len(_found_refs(page)) == 2 and 'id="more-tickets"' in page
    assert 'href="/tickets/?q=noisy"' in page


@pytest.mark.parametrize("query", ["x" * 101, "bad%00byte", "%ED%A0%80"])
def test_hostile_search_text_is_refused(client, login, query):
    login("front_desk")
    response = client.get(f"/search/?q={query}")
    assert 400 <= response.status_code < 500, query
    assert response.status_code != 404


def test_an_empty_search_explains_what_the_box_finds(client, login):
    login("front_desk")
    page = _page(client, "/search/")
    assert 'id="search-hint"' in page and 'id="found-tickets"' not in page


def test_search_needs_a_signed_in_user(client):
    response = client.get("/search/?q=olga")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
