"""The weekly CSV: a download name any server can send (RFC 6266/5987 `filename*` with an
ASCII fallback, checked through gunicorn, which refuses non-Latin-1 headers), and text
cells a spreadsheet never runs as formulas."""

import csv
import io
from datetime import UTC, datetime
from urllib.parse import unquote

import pytest

from core import clock
from core.downloads import ascii_filename, attachment_disposition
from reports.formats import text_cell
from tests.support import servers
from tests.support.web import Browser
from tickets.categories import ensure_default_categories, save_category

CHINESE_SITE = "上海外滩酒店"
WEEK = "2026-W48"
IN_WEEK = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Shanghai
AFTER = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def _filename_star(header: str) -> str:
    value = header.split("filename*=", 1)[1].split(";", 1)[0]
    charset, _language, encoded = value.split("'", 2)
    assert charset == "UTF-8"
    return unquote(encoded, encoding="utf-8")


def _fallback(header: str) -> str:
    return header.split('filename="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("name, real, fallback", [
    (f"recovery-report-{WEEK}-{CHINESE_SITE}.csv", f"recovery-report-{WEEK}-{CHINESE_SITE}.csv",
     f"recovery-report-{WEEK}.csv"),
    ("Café Zoë.csv", "Café Zoë.csv", "Cafe-Zoe.csv"),
    ('a"b\\c/d\r\nSet-Cookie: x.csv', "a-b-c-d-Set-Cookie- x.csv", "a-b-c-d-Set-Cookie-x.csv"),
    ("酒店.csv", "酒店.csv", "download.csv"),
])
def test_the_header_carries_the_real_name_and_an_ascii_fallback(name, real, fallback):
    header = attachment_disposition(name)
    header.encode("latin-1")
    assert "\r" not in header and "\n" not in header
    assert _fallback(header) == fallback == ascii_filename(name)
    assert _filename_star(header) == real


def test_a_plain_ascii_name_is_sent_as_it_is():
    assert attachment_disposition("recovery-report-2026-W48-Harbour.csv") == (
        'attachment; filename="recovery-report-2026-W48-Harbour.csv"')


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_that_starts_like_a_formula_is_quoted(text):
    assert text_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Harbour Inn", "2026-W48", "上海", "a=b", ""])
def test_other_text_is_left_alone(text):
    assert text_cell(text) == text


def test_site_and_category_names_cannot_inject_formulas(client, login, make_site, make_user,
                                                        make_ticket):
    site = make_site(name='=HYPERLINK("http://evil.example","x")')
    ensure_default_categories()
    category = save_category("@SUM(1+1)*cmd", "reliability", True, name_zh="=1+1")
    manager = make_user("manager", site=site)
    clock.set_now(IN_WEEK)
    make_ticket(site=site, category_id=category.id)
    clock.set_now(AFTER)
    login(user=manager)
    response = client.get(f"/reports/weekly.csv?week={WEEK}&site={site.id}")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert {row["site"] for row in rows} == {"'" + site.name}
    category_rows = [row for row in rows if row["section"] == "by_category"]
    assert category_rows and all(row["figure"].startswith("'@SUM(1+1)*cmd ")
                                 for row in category_rows)
    for row in rows:
        for column in ("site", "section", "figure", "category"):
            assert not row[column].startswith(("=", "+", "-", "@", "\t", "\r"))
        for column in ("this_week", "previous_week", "change"):
            assert row[column] == "" or float(row[column]) == float(row[column])


def test_the_chinese_site_name_reaches_the_test_client_encoded(client, login, make_site,
                                                               make_user):
    site = make_site(name=CHINESE_SITE)
    login(user=make_user("manager", site=site))
    response = client.get(f"/reports/weekly.csv?week={WEEK}&site={site.id}")
    assert response.status_code == 200
    header = response.headers["Content-Disposition"]
    assert _filename_star(header) == f"recovery-report-{WEEK}-{CHINESE_SITE}.csv"


@pytest.mark.postgres_only
def test_gunicorn_sends_the_chinese_file_name(app, database_url, tmp_path, make_site,
                                              make_user):
    site = make_site(name=CHINESE_SITE)
    manager = make_user("manager", site=site)
    env = servers.server_environment(database_url, tmp_path)
    with servers.Gunicorn(env, tmp_path) as server:
        browser = Browser(server.base_url).sign_in(manager.username)
        try:
            response = browser.get(f"/reports/weekly.csv?week={WEEK}&site={site.id}")
        finally:
            browser.close()
    assert response.status_code == 200, server.output()
    header = response.headers["Content-Disposition"]
    assert _filename_star(header) == f"recovery-report-{WEEK}-{CHINESE_SITE}.csv"
    assert _fallback(header) == f"recovery-report-{WEEK}.csv"
    assert CHINESE_SITE in response.content.decode("utf-8")
