"""The weekly report page: figures beside last week's, every figure opening its tickets,
stored snapshots, CSV, print layout, and who may see which site."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core import clock
from extensions import db
from reports.models import ReportSnapshot

WEEK = "2026-W47"  # Monday 16 to Sunday 22 November 2026
IN_WEEK = datetime(2026, 11, 17, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Shanghai
WEEK_BEFORE = IN_WEEK - timedelta(days=7)
AFTER = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


@pytest.fixture
def week(app, make_site, make_user, make_ticket, resolve_ticket):
    """Two tickets opened in W47 (one resolved there), one opened in W46."""
    site = make_site(name="Report Hotel")
    desk = make_user("front_desk", site=site)
    clock.set_now(WEEK_BEFORE)
    older = make_ticket(owner=desk, site=site)
    clock.set_now(IN_WEEK)
    resolved = resolve_ticket(make_ticket(owner=desk, site=site, dimension="empathy"))
    open_one = make_ticket(owner=desk, site=site)
    clock.set_now(AFTER)
    return {"site": site, "desk": desk, "older": older, "resolved": resolved, "open": open_one}


def _page(client, site, week=WEEK) -> str:
    response = client.get(f"/reports/weekly?week={week}&site={site.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _card(page: str, key: str) -> str:
    found = re.search(rf'data-figure="{key}">(.*?)</div></div></div>', page, re.S)
    assert found, key
    return found.group(1)


def test_key_figures_show_last_week_and_the_change(client, login, make_user, week):
    login(user=make_user("manager", site=week["site"]))
    page = _page(client, week["site"])
    new = _card(page, "new")
    assert ">2</a>" in new and "last week 1" in new and "+1" in new
    resolved = _card(page, "resolved")
    assert ">1</a>" in resolved and "last week 0" in resolved
    assert "Live figures, computed now" in page


def test_every_figure_links_to_the_tickets_behind_it(client, login, make_user, week):
    login(user=make_user("manager", site=week["site"]))
    page = _page(client, week["site"])
    link = re.search(r'data-figure="new">.*?href="([^"]+)"', page, re.S).group(1)
    listing = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert week["resolved"].ref in listing and week["open"].ref in listing
    assert week["older"].ref not in listing
    assert 'id="drill-total">2<' in listing
    empathy = client.get(f"/reports/weekly/tickets?week={WEEK}&site={week['site'].id}"
                         "&figure=new&dimension=empathy").get_data(as_text=True)
    assert week["resolved"].ref in empathy and week["open"].ref not in empathy
    links = re.findall(r'href="(/reports/weekly/tickets\?[^"]+)"', page)
    assert len(links) > 40
    for href in links[:60]:
        assert client.get(href.replace("&amp;", "&")).status_code == 200, href


def test_charts_are_inline_svg_without_inline_style(client, login, make_user, week):
    login(user=make_user("manager", site=week["site"]))
    page = _page(client, week["site"])
    for chart in ("chart-trend", "chart-volume", "chart-sla-first_response",
                  "chart-sla-resolution", "chart-pareto", "chart-compensation"):
        assert f'id="{chart}"' in page
    assert not re.search(r"\sstyle=", page)
    assert "<script>" not in page


def test_an_empty_week_shows_zeros_and_nothing_was_due(client, login, make_user, week):
    login(user=make_user("manager", site=week["site"]))
    page = _page(client, week["site"], week="2026-W30")
    assert 'id="report-empty"' in page
    assert "nothing was due" in page
    assert "100.0%" not in page
    assert ">0</a>" in _card(page, "new")


def test_storing_keeps_the_figures_until_regenerated(client, login, make_user, week,
                                                     make_ticket):
    manager = make_user("manager", site=week["site"])
    login(user=manager)
    url = f"/reports/weekly/store?week={WEEK}&site={week['site'].id}"
    assert client.post(url).status_code == 302
    db.session.rollback()  # read what the request committed
    snapshot = db.session.scalars(select(ReportSnapshot)).one()
    assert (snapshot.week, snapshot.site_id, snapshot.generated_by_id) == (
        WEEK, week["site"].id, manager.id)
    clock.set_now(IN_WEEK + timedelta(hours=1))
    make_ticket(owner=week["desk"], site=week["site"])
    clock.set_now(AFTER)
    page = _page(client, week["site"])
    assert "Stored on" in page and ">2</a>" in _card(page, "new")
    client.post(url)
    page = _page(client, week["site"])
    assert ">3</a>" in _card(page, "new")
    assert db.session.scalar(select(db.func.count(ReportSnapshot.id))) == 1


def test_csv_download_has_this_week_previous_and_change(client, login, make_user, week):
    login(user=make_user("manager", site=week["site"]))
    response = client.get(f"/reports/weekly.csv?week={WEEK}&site={week['site'].id}")
    assert response.mimetype == "text/csv"
    assert "recovery-report-2026-W47-Report-Hotel.csv" in response.headers[
        "Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    new = next(r for r in rows if (r["section"], r["figure"]) == ("volume", "new"))
    assert (new["this_week"], new["previous_week"], new["change"]) == ("2", "1", "1")
    due = next(r for r in rows if r["figure"] == "first_response compliance")
    assert due["this_week"] == "100.0"


def test_the_page_has_a_print_layout_for_a4(client, login, make_user, week):
    login(user=make_user("manager", site=week["site"]))
    page = _page(client, week["site"])
    assert 'href="/static/css/print.css" media="print"' in page
    with client.get("/static/css/print.css") as response:
        css = response.get_data(as_text=True)
    assert "size: A4" in css and ".d-print-none" in css


def test_who_sees_which_report(client, login, make_user, make_site, week):
    login(user=make_user("front_desk", site=week["site"]))
    assert client.get("/reports/weekly").status_code == 403
    supervisor = make_user("supervisor", site=week["site"])
    login(user=supervisor)
    page = client.get("/reports/weekly").get_data(as_text=True)
    assert "Report Hotel" in page and 'name="site"' not in page
    other = make_site(name="Other Hotel")
    assert client.get(f"/reports/weekly?site={other.id}").status_code == 404
    assert client.post(f"/reports/weekly/store?week={WEEK}").status_code == 403
    assert client.get("/reports/weekly?week=2026-W60").status_code == 400
    assert client.get(f"/reports/weekly/tickets?week={WEEK}&figure=nonsense").status_code == 404


def test_the_default_is_the_last_full_week(client, login, make_user, week):
    login(user=make_user("manager", site=week["site"]))
    page = client.get(f"/reports/weekly?site={week['site'].id}").get_data(as_text=True)
    assert "2026-W47" in page.split("</h1>")[0]


def test_a_drill_down_names_its_filters_in_the_reader_s_words(client, login, make_user, week):
    """The link carries codes and a username; the page shows labels and a display name."""
    login(user=make_user("manager", site=week["site"], locale="zh_Hans"))
    desk = week["desk"]
    desk.display_name = "林梅"
    db.session.commit()
    listing = client.get(
        f"/reports/weekly/tickets?week={WEEK}&site={week['site'].id}&figure=new"
        f"&dimension=empathy&owner={desk.username}").get_data(as_text=True)
    intro = listing.split("</h1>")[1].split("</p>")[0]
    assert "维度: 移情性" in intro and f"负责人: {desk.display_name}" in intro
    assert "empathy" not in intro
    assert f": {desk.username}" not in intro
