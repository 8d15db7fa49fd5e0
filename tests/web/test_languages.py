"""A user's language: the browser's until they choose one (account page, user admin,
`create-user`), and the ticket page's clocks worded as deadlines in both languages."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from auth.models import User
from core import clock
from extensions import db

CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


def test_a_new_user_follows_the_browser_until_they_choose(client, login):
    user = login()
    assert user.locale is None
    assert "我的工单" in _text(client.get("/", headers=CHINESE))
    assert "My tickets" in _text(client.get("/", headers=ENGLISH))
    assert "My tickets" in _text(client.get("/")), "no Accept-Language: English"


def test_everyone_chooses_their_own_language_on_the_account_page(client, login):
    user = login("front_desk")
    page = _text(client.get("/account/", headers=CHINESE))
    assert "跟随浏览器" in page and "English" in page and "中文" in page
    response = client.post("/account/", data={"locale": "zh_Hans"}, headers=ENGLISH)
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.locale == "zh_Hans"
    assert "我的工单" in _text(client.get("/", headers=ENGLISH)), "the choice beats the browser"
    client.post("/account/", data={"locale": ""})
    db.session.refresh(user)
    assert user.locale is None
    assert "My tickets" in _text(client.get("/", headers=ENGLISH))


def test_an_unknown_language_is_refused_on_its_field_and_changes_nothing(client, login):
    user = login("supervisor", locale="en")
    response = client.post("/account/", data={"locale": "fr"})
    assert response.status_code == 422
    assert 'id="locale"' in _text(response) and "is-invalid" in _text(response)
    db.session.refresh(user)
    assert user.locale == "en"


def test_the_service_refuses_an_unknown_language_with_a_declared_message(app, make_user):
    from auth.preferences import choose_language
    from core.messages import Message
    from core.validation import ValidationFailed

    user = make_user()
    with pytest.raises(ValidationFailed) as refused:
        choose_language(user, "klingon")
    reason = refused.value.fields["locale"]
    assert isinstance(reason, Message) and reason.code == "user.unknown_language"
    assert user.locale is None


def test_the_account_page_is_in_everyones_menu(client, login):
    for role in ("front_desk", "supervisor", "manager"):
        login(role)
        assert 'href="/account/"' in _text(client.get("/"))


def test_user_admin_offers_browser_default(client, login, make_site):
    login("manager")
    site = make_site(name="Bund")
    form = _text(client.get("/admin/users/new"))
    assert re.search(r'<option[^>]*value=""[^>]*>Browser default</option>', form)
    client.post("/admin/users/new", data={
        "username": "wang.fang", "role": "front_desk", "site_id": str(site.id), "locale": "",
    })
    created = db.session.scalars(select(User).where(User.username == "wang.fang")).one()
    assert created.locale is None
    listing = _text(client.get("/admin/users/"))
    assert "Browser default" in listing
    client.post(f"/admin/users/{created.id}", data={
        "role": "front_desk", "site_id": str(site.id), "locale": "zh_Hans", "active": "y",
    })
    db.session.refresh(created)
    assert created.locale == "zh_Hans"
    assert "中文" in _text(client.get("/admin/users/"))


def test_create_user_without_locale_follows_the_browser(app, runner, make_site):
    make_site(name="Bund")
    result = runner.invoke(args=["create-user", "li.lei", "--role", "front_desk",
                                 "--site", "Bund"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["create-user", "han.mei", "--role", "front_desk",
                                 "--site", "Bund", "--locale", "zh_Hans"])
    assert result.exit_code == 0, result.output
    refused = runner.invoke(args=["create-user", "jim", "--role", "front_desk",
                                  "--site", "Bund", "--locale", "fr"])
    assert refused.exit_code != 0
    locales = dict(db.session.execute(select(User.username, User.locale)).all())
    assert locales == {"li.lei": None, "han.mei": "zh_Hans"}


def test_an_api_user_on_browser_default_gets_errors_in_the_requested_language(
        client, make_user):
    from auth.tokens import create_token

    user = make_user()
    _token, plain = create_token(user, "test", clock.utcnow())
    db.session.commit()
    auth = {"Authorization": f"Bearer {plain}"}
    english = client.get("/api/v1/tickets/SR-999999", headers={**auth, **ENGLISH})
    chinese = client.get("/api/v1/tickets/SR-999999", headers={**auth, **CHINESE})
    assert english.status_code == chinese.status_code == 404
    assert english.get_json() != chinese.get_json()
    assert re.search(r"[\u4e00-\u9fff]", str(chinese.get_json()))


@pytest.fixture
def breached(app, make_ticket):
    """A ticket owned at T0 whose fix and resolution deadlines have passed."""
    clock.set_now(T0)
    ticket = make_ticket(severity="critical")
    clock.set_now(T0 + timedelta(days=10))
    return ticket


def _clock_boxes(page: str) -> str:
    start = page.index('id="sla-clocks"')
    return page[start:page.index("</section>", start)]


def test_the_fix_clock_reads_as_a_deadline_in_chinese(client, login, breached):
    login(user=breached.owner)
    boxes = _clock_boxes(_text(client.get(f"/tickets/{breached.ref}", headers=CHINESE)))
    assert "提出方案时限" in boxes and "解决时限" in boxes and "首次响应时限" in boxes
    assert "已超时" in boxes
    assert "已提出方案" not in boxes, "the clock must not read as 'a fix has been offered'"


def test_the_clocks_read_as_deadlines_in_english(client, login, breached):
    login(user=breached.owner)
    boxes = _clock_boxes(_text(client.get(f"/tickets/{breached.ref}", headers=ENGLISH)))
    assert "Offer a fix by" in boxes and "Resolve by" in boxes and "Respond by" in boxes
    assert "Breached" in boxes and "Fix offered" not in boxes


def test_times_name_their_zone_unambiguously(client, login, breached):
    login(user=breached.owner)
    chinese = _text(client.get(f"/tickets/{breached.ref}", headers=CHINESE))
    english = _text(client.get(f"/tickets/{breached.ref}", headers=ENGLISH))
    assert _html_lang(chinese).startswith("zh")
    assert "2026年11月23日 10:00 北京时间" in chinese, "opened 02:00 UTC = 10:00 in Shanghai"
    assert "Nov 23, 2026 10:00 UTC+8" in english
    assert "CST" not in chinese and "CST" not in english
