"""The Monday run: last week's report stored at 08:00 site time, once, and announced to
managers in the app and by HTML mail.

The run flushes and never commits: `_job` drives it as the scheduler does, inside
`core.transaction.run_job` (its own app context and session, one commit), so the checks
below read what was committed.
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core.transaction import run_job
from extensions import db
from notifications.models import Notification
from outbox import smtp
from outbox.sender import send_due
from reports.models import ReportSnapshot
from reports.schedule import due_reports, reported_week, run_weekly_reports


@pytest.mark.parametrize(
    "zone,now,week",
    [
        ("Asia/Shanghai", datetime(2026, 11, 22, 23, 59, tzinfo=UTC), "2026-W46"),  # Mon 07:59
        ("Asia/Shanghai", datetime(2026, 11, 23, 0, 0, tzinfo=UTC), "2026-W47"),  # Mon 08:00
        ("America/Los_Angeles", datetime(2026, 11, 23, 15, 59, tzinfo=UTC), "2026-W46"),
        ("America/Los_Angeles", datetime(2026, 11, 23, 16, 0, tzinfo=UTC), "2026-W47"),
        # Monday 2 November, the day after the clocks went back: 08:00 PST is 16:00 UTC.
        ("America/Los_Angeles", datetime(2026, 11, 2, 15, 59, tzinfo=UTC), "2026-W43"),
        ("America/Los_Angeles", datetime(2026, 11, 2, 16, 0, tzinfo=UTC), "2026-W44"),
        ("Pacific/Auckland", datetime(2026, 11, 22, 19, 0, tzinfo=UTC), "2026-W47"),  # Mon 08:00
    ],
)
def test_the_trigger_is_monday_0800_in_the_sites_zone(app, make_site, zone, now, week):
    site = make_site(timezone=zone)
    assert str(reported_week(now, site)) == week


@pytest.fixture
def two_sites(app, make_site, make_user):
    shanghai = make_site(name="East Hotel", timezone="Asia/Shanghai")
    london = make_site(name="West Hotel", timezone="Europe/London")
    people = {
        "east": make_user("manager", site=shanghai, email="east@example.com"),
        "west": make_user("manager", site=london, email="west@example.com"),
    }
    return shanghai, london, people


def _stored() -> set[tuple[str, str]]:
    db.session.rollback()  # see what the runs committed
    rows = db.session.scalars(select(ReportSnapshot)).all()
    return {(row.week, row.scope) for row in rows}


def _job(app, now: datetime):
    """One scheduled run at `now`: what it stored, or None when the job failed."""
    return run_job(app, "weekly-reports", lambda: run_weekly_reports(now))


def test_each_site_at_its_own_monday_and_all_sites_when_all_are_due(app, two_sites):
    shanghai, london, _people = two_sites
    monday_east = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)  # 08:30 Shanghai, 00:30 London
    assert [(d.week, d.site) for d in due_reports(monday_east)] == [
        ("2026-W47", shanghai), ("2026-W46", london), ("2026-W46", None)]
    _job(app, monday_east)
    assert ("2026-W47", f"site:{shanghai.id}") in _stored()
    monday_west = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)  # 08:30 London
    _job(app, monday_west)
    assert {("2026-W47", f"site:{london.id}"), ("2026-W47", "all")} <= _stored()
    assert due_reports(monday_west) == []
    count = len(_stored())
    assert _job(app, monday_west) == []
    assert len(_stored()) == count


def test_managers_hear_about_their_site_and_all_sites_by_html_mail(app, two_sites,
                                                                   monkeypatch):
    _east, _west, people = two_sites
    sent = []
    app.config["SMTP_URL"] = "smtp://mail.example:25"
    monkeypatch.setattr(smtp, "send_mail", lambda config, to, subject, body, html=None, **_:
                        sent.append((to, subject, body, html)))
    monday = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
    _job(app, datetime(2026, 11, 23, 0, 30, tzinfo=UTC))
    _job(app, monday)
    send_due(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    notes = db.session.scalars(select(Notification).where(
        Notification.kind == "weekly_report")).all()
    by_person = {}
    for note in notes:
        by_person.setdefault(note.recipient_id, []).append(note.message)
    east = by_person[people["east"].id]
    assert any("2026-W47 for East Hotel" in m for m in east)
    assert any("2026-W47 for all sites" in m for m in east)
    assert not any("West Hotel" in m for m in east)
    assert all(note.link.startswith("/reports/weekly?week=") for note in notes)
    to_east = [s for s in sent if s[0] == "east@example.com"]
    assert to_east and all(html and "<table" in html for _to, _s, _b, html in to_east)
    assert any("/reports/weekly?week=2026-W47" in body for _to, _s, body, _h in to_east)
    assert any("Resolved on time" in html for _to, _s, _b, html in to_east)


def test_a_failed_announcement_stores_nothing_so_the_next_run_retries(app, two_sites,
                                                                     monkeypatch, caplog):
    import reports.mail

    monday = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)

    def broken(snapshot, now):
        raise OSError("template missing")

    monkeypatch.setattr(reports.mail, "announce", broken)
    assert _job(app, monday) == []
    assert "the next run tries again" in caplog.text and "template missing" in caplog.text
    assert _stored() == set()
    monkeypatch.undo()
    assert len(_job(app, monday)) == 3
    assert db.session.scalars(select(Notification).where(
        Notification.kind == "weekly_report")).all()


def test_one_failed_report_keeps_the_others_of_the_run(app, two_sites, monkeypatch):
    """Each report is stored in its own savepoint: West Hotel's failure (after its snapshot
    and its first notification were flushed) takes back only West Hotel's report."""
    import reports.mail

    east, west, _people = two_sites
    monday = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
    announce = reports.mail.announce

    def broken_for_west(snapshot, now):
        announce(snapshot, now)
        if snapshot.site_id == west.id:
            raise OSError("mail template missing")

    monkeypatch.setattr(reports.mail, "announce", broken_for_west)
    assert sorted(_job(app, monday)) == ["2026-W47 East Hotel", "2026-W47 all sites"]
    assert _stored() == {("2026-W47", f"site:{east.id}"), ("2026-W47", "all")}
    messages = db.session.scalars(select(Notification.message).where(
        Notification.kind == "weekly_report")).all()
    assert messages and not any("West Hotel" in m for m in messages)
    monkeypatch.undo()
    assert _job(app, monday) == ["2026-W47 West Hotel"]
    assert ("2026-W47", f"site:{west.id}") in _stored()


def test_a_site_without_a_resident_manager_reports_to_every_manager(app, two_sites,
                                                                    make_site):
    _east, _west, people = two_sites
    lonely = make_site(name="Lonely Inn", timezone="Asia/Shanghai")
    _job(app, datetime(2026, 11, 23, 8, 30, tzinfo=UTC))
    db.session.rollback()
    told = db.session.scalars(select(Notification.recipient_id).where(
        Notification.kind == "weekly_report", Notification.message.contains("Lonely Inn"))).all()
    assert sorted(told) == sorted([people["east"].id, people["west"].id])
    assert lonely.id
