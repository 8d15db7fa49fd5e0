"""Everyone chooses on their account page whether non-critical notifications come by
e-mail one by one or once a day (the daily digest), in their language."""

from extensions import db


def test_the_account_page_turns_the_daily_digest_on_and_off(client, login):
    user = login("front_desk")
    page = client.get("/account/").get_data(as_text=True)
    assert 'name="daily_digest"' in page and "Daily digest" in page
    assert "checked" not in page.split('name="daily_digest"')[0].rsplit("<input", 1)[-1]
    response = client.post("/account/", data={"locale": "", "daily_digest": "y"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.daily_digest is True
    page = client.get("/account/").get_data(as_text=True)
    digest_input = page.split('name="daily_digest"')[0].rsplit("<input", 1)[-1] + \
        page.split('name="daily_digest"')[1].split(">", 1)[0]
    assert "checked" in digest_input
    assert client.post("/account/", data={"locale": ""}).status_code == 302
    db.session.refresh(user)
    assert user.daily_digest is False


def test_the_setting_reads_in_chinese(client, login):
    login("front_desk", locale="zh_Hans")
    page = client.get("/account/").get_data(as_text=True)
    assert "每日汇总" in page and "紧急通知仍会立即发送" in page
