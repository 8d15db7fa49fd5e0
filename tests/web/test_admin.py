"""Managers manage sites and users; bad input is refused field by field (422) and leaves
nothing behind.

The requests share the test's session. After a success, `db.session.rollback()` before
the check drops anything left uncommitted, so the check reads what the request committed;
after a refusal, the check reads through the same session, so anything the request had
flushed and not rolled back would show.
"""

from sqlalchemy import select

from auth.models import User
from extensions import db
from sites.models import Site

GOOD_SITE = {
    "name": "Harbour Inn",
    "timezone": "Europe/London",
    "hours": "mon-fri 09:00-12:00,13:00-18:00; sat 10:00-16:00",
    "currency": "gbp",
    "holidays": "2026-12-25 Christmas Day\n2026-12-26 Boxing Day",
    "front_desk_limit": "150",
    "supervisor_limit": "1500.50",
}


def test_admin_manager_creates_a_site(client, login):
    login("manager")
    response = client.post("/admin/sites/new", data=GOOD_SITE)
    assert response.status_code == 302
    db.session.rollback()
    site = db.session.scalars(select(Site).where(Site.name == "Harbour Inn")).one()
    assert site.timezone == "Europe/London"
    assert site.hours_spec == "mon-fri 09:00-12:00,13:00-18:00; sat 10:00-16:00"
    assert site.currency == "GBP"
    assert [h.name for h in site.holidays] == ["Christmas Day", "Boxing Day"]
    assert str(site.supervisor_limit) == "1500.50"
    assert "Harbour Inn" in client.get("/admin/sites/").get_data(as_text=True)


def test_admin_site_bad_input_names_each_field_and_keeps_text(client, login):
    login("manager")
    bad = {
        **GOOD_SITE,
        "timezone": "Mars/Olympus",
        "hours": "mon-fri 18:00-09:00",
        "currency": "ZZZ",
        "holidays": "25/12/2026",
        "front_desk_limit": "-5",
    }
    response = client.post("/admin/sites/new", data=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Not a valid choice" in page or "not an IANA time zone" in page
    assert "18:00-09:00" in page
    assert "ISO 4217" in page
    assert "is not a date" in page
    assert "zero or more" in page
    db.session.expire_all()
    assert db.session.scalar(select(Site).where(Site.name == "Harbour Inn")) is None


def test_admin_site_duplicate_name_refused(client, login, make_site):
    make_site(name="Harbour Inn")
    login("manager")
    response = client.post("/admin/sites/new", data=GOOD_SITE)
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.scalars(select(Site).where(Site.name == "Harbour Inn")).all()) == 1


def test_admin_site_edit_refused_keeps_the_site_as_it_was(client, login, make_site):
    site = make_site(name="Harbour Inn", holidays="2026-12-25 Christmas")
    make_site(name="Airport Lounge")
    login("manager")
    data = {**GOOD_SITE, "name": "Airport Lounge", "holidays": "2027-01-01 New Year"}
    response = client.post(f"/admin/sites/{site.id}", data=data)
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)
    db.session.expire_all()
    kept = db.session.get(Site, site.id)
    assert kept.name == "Harbour Inn"
    assert [h.name for h in kept.holidays] == ["Christmas"]


def test_admin_manager_edits_site_holidays(client, login, make_site):
    site = make_site(name="Harbour Inn", holidays="2026-12-25 Christmas")
    login("manager")
    data = {**GOOD_SITE, "holidays": "2026-12-25 Xmas\n2027-01-01 New Year"}
    response = client.post(f"/admin/sites/{site.id}", data=data)
    assert response.status_code == 302
    db.session.rollback()
    site = db.session.get(Site, site.id)
    assert [(h.day.isoformat(), h.name) for h in site.holidays] == [
        ("2026-12-25", "Xmas"),
        ("2027-01-01", "New Year"),
    ]


def test_admin_manager_creates_user(client, login, make_site):
    site = make_site(name="Harbour Inn")
    login("manager")
    response = client.post(
        "/admin/users/new",
        data={
            "username": "Li.Na",
            "display_name": "Li Na",
            "email": "li@example.com",
            "role": "supervisor",
            "site_id": site.id,
            "locale": "zh_Hans",
            "password": "amber-falcon-meadow-9",
        },
    )
    assert response.status_code == 302
    db.session.rollback()
    user = db.session.scalars(select(User).where(User.username == "li.na")).one()
    assert (user.role, user.site_id, user.locale) == ("supervisor", site.id, "zh_Hans")
    assert user.check_password("amber-falcon-meadow-9")


def test_admin_user_bad_input_named(client, login, make_user):
    existing = make_user()
    login("manager")
    response = client.post(
        "/admin/users/new",
        data={
            "username": existing.username,
            "role": "janitor",
            "site_id": existing.site_id,
            "locale": "en",
            "email": "not-an-email",
            "password": "short",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "already taken" in page or "Not a valid choice" in page
    assert "Not a valid choice" in page
    db.session.expire_all()
    count = db.session.scalar(select(db.func.count(User.id)))
    assert count == 2


def test_admin_user_refused_by_the_service_is_unchanged(client, login, make_user):
    """The form accepts the e-mail's shape; the service refuses it: 422, nothing saved."""
    desk = make_user("front_desk", display_name="Old Name")
    login("manager")
    response = client.post(
        f"/admin/users/{desk.id}",
        data={
            "display_name": "New Name",
            "email": "not-an-email",
            "role": "supervisor",
            "site_id": desk.site_id,
            "locale": "en",
            "active": "y",
        },
    )
    assert response.status_code == 422
    db.session.expire_all()
    user = db.session.get(User, desk.id)
    assert (user.display_name, user.role, user.email) == ("Old Name", "front_desk", None)


def test_admin_deactivate_user_keeps_history_and_blocks_sign_in(client, login, make_user):
    desk = make_user("front_desk")
    login("manager")
    response = client.post(
        f"/admin/users/{desk.id}",
        data={
            "display_name": desk.display_name,
            "role": "front_desk",
            "site_id": desk.site_id,
            "locale": "en",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, desk.id).active is False
    client.post("/sign-out")
    response = client.post(
        "/sign-in", data={"username": desk.username, "password": "correct horse"}
    )
    assert "deactivated" in response.get_data(as_text=True)


def test_admin_reset_password(client, login, make_user):
    desk = make_user("front_desk")
    login("manager")
    response = client.post(f"/admin/users/{desk.id}/password", data={"password": "new secret 1"})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(User, desk.id).check_password("new secret 1")


def test_admin_create_user_refuses_a_common_password(client, login, make_site):
    site = make_site(name="Harbour Inn")
    login("manager")
    response = client.post("/admin/users/new", data={
        "username": "li.na", "role": "supervisor", "site_id": site.id, "locale": "en",
        "password": "iloveyou2026"})
    assert response.status_code == 422
    assert "This password is too easy to guess" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalars(select(User).where(User.username == "li.na")).all() == []


def test_admin_reset_refuses_a_weak_password_and_says_why(client, login, make_user):
    desk = make_user("front_desk")
    login("manager")
    response = client.post(f"/admin/users/{desk.id}/password",
                           data={"password": f"{desk.username}-2026-spring"},
                           follow_redirects=True)
    assert "A password cannot contain the username." in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(User, desk.id).check_password("correct horse")


def test_admin_change_role_and_site(client, login, make_user, make_site):
    other = make_site(name="Airport Lounge")
    desk = make_user("front_desk")
    login("manager")
    client.post(
        f"/admin/users/{desk.id}",
        data={
            "display_name": "Promoted",
            "role": "supervisor",
            "site_id": other.id,
            "locale": "zh_Hans",
            "active": "y",
        },
    )
    db.session.expire_all()
    user = db.session.get(User, desk.id)
    assert (user.role, user.site_id, user.locale, user.active) == (
        "supervisor",
        other.id,
        "zh_Hans",
        True,
    )
