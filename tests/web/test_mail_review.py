"""The held-mail page: supervisors see their site's malformed and ignored intake mail,
managers every site's; the raw bytes download as a message; "mark reviewed" sticks."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select

from core import clock
from extensions import db
from mailin.ingest import ingest
from mailin.models import InboundMail
from tests.web.test_csrf_and_headers import csp_offences

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mail"
T0 = datetime(2026, 11, 23, 2, 30, tzinfo=UTC)


def eml(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def sites(app, make_site):
    clock.set_now(T0)
    grand, sister = make_site(name="Grand Hotel"), make_site(name="Sister Hotel")
    grand.intake_address = "complaints@grand.example.com"
    sister.intake_address = "desk@sister.example.com"
    db.session.commit()
    return grand, sister


@pytest.fixture
def held(sites):
    """Grand: garbage (malformed), an auto-reply (ignored), a ticket (not held); Sister: a
    mail without sender (malformed, Chinese subject)."""
    ingest(eml("malformed.eml"), T0, "Grand Hotel")
    clock.set_now(T0 + timedelta(minutes=1))
    ingest(eml("auto_reply.eml"), T0 + timedelta(minutes=1))
    ingest(eml("plain.eml"), T0 + timedelta(minutes=2))
    sister_raw = eml("subject_utf8.eml").replace(
        b"From: =?utf-8?b?546L6Iqz?= <wang.fang@example.com>\r\n", b"").replace(
        b"complaints@grand.example.com", b"desk@sister.example.com")
    ingest(sister_raw, T0 + timedelta(minutes=3))
    db.session.commit()
    rows = {row.reason: row for row in db.session.scalars(select(InboundMail))}
    return rows


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr id="held-(\d+)"', page)


def test_a_supervisor_sees_their_sites_held_mail_newest_first(client, login, make_user,
                                                              sites, held):
    grand, _sister = sites
    login(user=make_user("supervisor", site=grand))
    page = client.get("/mail/held").get_data(as_text=True)
    auto = held["auto-reply (Auto-Submitted: auto-replied)"]
    garbage = held["no mail headers"]
    assert _rows(page) == [str(auto.id), str(garbage.id)]
    assert "Held mail" in page and "Kept for review" in page and "Ignored" in page
    assert "Automatic reply" in page and "li.wei@example.com" in page
    assert f'href="/mail/held/{garbage.id}/raw"' in page
    assert f'href="/mail/held/{auto.id}/raw"' not in page  # ignored mail keeps no bytes
    assert "前台服务态度差" not in page  # the other site's


def test_a_manager_sees_every_site_with_its_name(client, login, make_user, sites, held):
    login(user=make_user("manager", site=sites[0]))
    page = client.get("/mail/held").get_data(as_text=True)
    assert len(_rows(page)) == 3
    assert "Sister Hotel" in page and "前台服务态度差" in page
    assert csp_offences(page) == []


def test_the_front_desk_has_no_held_mail_page_nor_link(client, login, make_user, sites,
                                                       held):
    login(user=make_user("front_desk", site=sites[0]))
    assert client.get("/mail/held").status_code == 403
    assert 'href="/mail/held"' not in client.get("/").get_data(as_text=True)


def test_supervisors_find_it_in_the_navigation(client, login, make_user, sites):
    login(user=make_user("supervisor", site=sites[0]))
    assert 'href="/mail/held"' in client.get("/").get_data(as_text=True)


def test_the_raw_message_downloads_as_an_rfc822_attachment(client, login, make_user, sites,
                                                            held):
    login(user=make_user("manager", site=sites[0]))
    row = held["no sender address"]
    response = client.get(f"/mail/held/{row.id}/raw")
    assert response.status_code == 200
    assert response.mimetype == "message/rfc822"
    assert response.data == row.raw and b"Subject: =?utf-8?b?" in response.data
    disposition = response.headers["Content-Disposition"]
    name = f"mail-{row.id} 前台服务态度差.eml"
    assert disposition == (f'attachment; filename="mail-{row.id}.eml"; '
                           f"filename*=UTF-8''{quote(name)}")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_another_sites_supervisor_cannot_download_or_review(client, login, make_user, sites,
                                                            held):
    login(user=make_user("supervisor", site=sites[1]))
    garbage = held["no mail headers"]
    assert client.get(f"/mail/held/{garbage.id}/raw").status_code == 404
    assert client.post(f"/mail/held/{garbage.id}/reviewed").status_code == 404
    db.session.refresh(garbage)
    assert garbage.reviewed_at is None


def test_mail_that_opened_a_ticket_is_not_held(client, login, make_user, sites, held):
    login(user=make_user("manager", site=sites[0]))
    opened = db.session.scalars(select(InboundMail).where(
        InboundMail.status == "opened")).one()
    assert client.get(f"/mail/held/{opened.id}/raw").status_code == 404
    assert client.post(f"/mail/held/{opened.id}/reviewed").status_code == 404


def test_mark_reviewed_records_when_and_moves_it_out_of_the_waiting_list(
        client, login, make_user, sites, held):
    login(user=make_user("supervisor", site=sites[0]))
    garbage = held["no mail headers"]
    clock.set_now(T0 + timedelta(hours=1))
    response = client.post(f"/mail/held/{garbage.id}/reviewed?show=waiting&page=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/mail/held?show=waiting&page=1"
    db.session.refresh(garbage)
    assert garbage.reviewed_at == T0 + timedelta(hours=1)
    waiting = client.get("/mail/held").get_data(as_text=True)
    assert str(garbage.id) not in _rows(waiting)
    everything = client.get("/mail/held?show=all").get_data(as_text=True)
    assert str(garbage.id) in _rows(everything)
    assert "Reviewed Nov 23, 2026 11:30 UTC+8" in everything
    again = client.post(f"/mail/held/{garbage.id}/reviewed", follow_redirects=True)
    assert "Someone has already reviewed this message." in again.get_data(as_text=True)
    db.session.refresh(garbage)
    assert garbage.reviewed_at == T0 + timedelta(hours=1)


def test_the_list_is_paginated(app, client, login, make_user, sites):
    from tests.support.mail import held_mail

    app.config["PAGE_SIZE"] = 2
    ids = []
    for minute in range(3):
        clock.set_now(T0 + timedelta(minutes=minute))
        ids.append(held_mail(sites[0]))
    login(user=make_user("supervisor", site=sites[0]))
    first = client.get("/mail/held").get_data(as_text=True)
    second = client.get("/mail/held?page=2").get_data(as_text=True)
    assert _rows(first) == [str(ids[2]), str(ids[1])] and _rows(second) == [str(ids[0])]
    assert "Page 1 of 2" in first
    assert client.get("/mail/held?page=0").status_code == 404


def test_the_page_speaks_chinese(client, login, make_user, sites, held):
    login(user=make_user("supervisor", site=sites[0], locale="zh_Hans"))
    page = client.get("/mail/held").get_data(as_text=True)
    assert "暂存邮件" in page and "留待人工查看" in page and "标记为已查看" in page
    assert "自动回复" in page
