"""A Chinese-speaking desk reads the domain's refusals and field errors in Chinese: on the
ticket page, on the error pages and in the API's answers (the messages are declared with
a code and parameters and rendered for the reader, never stored or built in English)."""

from datetime import timedelta

from flask_babel import refresh

from auth.tokens import create_token
from core import clock
from extensions import db
from tests.web.ticket_helpers import FIX, RESOLUTION, fresh, in_hours, local_input, post_action


def _text(response) -> str:
    return response.get_data(as_text=True)


def _chinese_owner(make_user, make_ticket, **site):
    owner = make_user("front_desk", locale="zh_Hans", **site)
    return make_ticket(owner=owner)


def _bearer(user) -> dict:
    """A token for `user`. The fixtures ran in the test's app context, which requests share,
    and may have left a locale cached there: forget it, as a new request would."""
    _token, plain = create_token(user, "tests", clock.utcnow())
    db.session.commit()
    refresh()
    return {"Authorization": f"Bearer {plain}"}


def test_field_errors_of_a_step_are_shown_in_chinese(client, login, make_user, make_ticket):
    ticket = _chinese_owner(make_user, make_ticket)
    login(user=ticket.owner)
    response = post_action(client, ticket, "offer_fix", committed_by=in_hours(3),
                           **{**FIX, "action": "非常抱歉", "compensation": "-5"})
    page = _text(response)
    assert response.status_code == 422
    assert "只道歉不算解决方案：请写明要做什么、由谁来做、何时完成。" in page
    assert "金额不能为负数。" in page
    assert "An apology alone" not in page and "cannot be negative" not in page
    assert fresh(ticket).status == "owned"


def test_a_refused_step_says_why_in_chinese(client, login, make_user, make_ticket):
    ticket = _chinese_owner(make_user, make_ticket)
    login(user=ticket.owner)
    response = post_action(client, ticket, "resolve", **RESOLUTION)
    page = _text(response)
    assert response.status_code == 409
    assert "状态为“已认领”的工单不能解决。" in page
    assert "cannot be resolved" not in page


def test_a_stale_edit_is_explained_in_chinese(client, login, make_user, make_ticket):
    ticket = _chinese_owner(make_user, make_ticket)
    seen = ticket.version
    login("supervisor", site=ticket.site)
    post_action(client, ticket, "escalate", reason="Guest is a travel writer")
    login(user=ticket.owner)
    response = post_action(client, ticket, "offer_fix", version=seen, committed_by=in_hours(2),
                           **FIX)
    page = _text(response)
    assert response.status_code == 409
    assert f"在您处理期间，其他人修改了工单 {ticket.ref}（当前为“已认领”" in page
    assert "Someone else changed" not in page


def test_the_over_limit_refusal_names_both_amounts_in_chinese(client, login, make_user,
                                                              make_ticket):
    ticket = make_ticket()
    login(user=ticket.owner)
    post_action(client, ticket, "offer_fix", **{**FIX, "compensation": "3000"},
                committed_by=in_hours(3))
    login("supervisor", site=ticket.site, locale="zh_Hans")
    refused = post_action(client, ticket, "approve")
    page = _text(refused)
    assert refused.status_code == 409
    assert "超出了您的授权额度" in page and "须由经理批准" in page
    assert "3,000.00" in page and "2,000.00" in page
    assert "a manager must approve it" not in page
    assert fresh(ticket).status == "awaiting_approval"


def test_the_api_refuses_in_the_callers_language(client, make_user, make_ticket):
    ticket = make_ticket(owner=None)
    reader = make_user("front_desk", site=ticket.site, locale="zh_Hans")
    response = client.post(f"/api/v1/tickets/{ticket.ref}/resolve", headers=_bearer(reader),
                           json={"version": ticket.version, **RESOLUTION})
    error = response.get_json()["error"]
    assert response.status_code == 409
    assert error["message"] == "状态为“新建”的工单不能解决。"
    english = make_user("front_desk", site=ticket.site, locale="en")
    response = client.post(f"/api/v1/tickets/{ticket.ref}/resolve", headers=_bearer(english),
                           json={"version": ticket.version, **RESOLUTION})
    assert response.get_json()["error"]["message"] == "A ticket that is new cannot be resolved."


def test_the_api_refuses_a_role_in_chinese(client, make_user, make_ticket):
    ticket = make_ticket()
    colleague = make_user("front_desk", site=ticket.site, locale="zh_Hans")
    response = client.post(f"/api/v1/tickets/{ticket.ref}/escalate", headers=_bearer(colleague),
                           json={"version": ticket.version, "reason": "x"})
    assert response.status_code == 403
    assert response.get_json()["error"]["message"] == "只有主管或经理可以执行此操作。"


def test_hostile_input_is_refused_in_the_browsers_language(client, make_user):
    response = client.get("/api/v1/tickets?q=a%00b", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "“q”中含有 NUL 字节或损坏的字符。"
    response = client.get("/api/v1/tickets?q=a%00b", headers={"Accept-Language": "en"})
    assert response.get_json()["error"]["message"] == "'q' holds a NUL byte or a broken character."


def test_a_promise_in_the_past_is_refused_in_chinese(client, login, make_user, make_ticket):
    ticket = _chinese_owner(make_user, make_ticket)
    login(user=ticket.owner)
    response = post_action(client, ticket, "log_contact", note="Rang the room", channel="phone",
                           next_contact_by=local_input(clock.utcnow() - timedelta(hours=2)))
    assert response.status_code == 422
    assert "必须是将来的时间。" in _text(response)


def test_the_api_explains_a_stale_version_in_chinese(client, make_user, make_ticket):
    ticket = make_ticket()
    response = client.post(f"/api/v1/tickets/{ticket.ref}/escalate",
                           headers=_bearer(make_user("supervisor", site=ticket.site,
                                                     locale="zh_Hans")),
                           json={"version": ticket.version - 1, "reason": "x"})
    assert response.status_code == 409
    message = response.get_json()["error"]["message"]
    assert message.startswith(f"在您处理期间，其他人修改了工单 {ticket.ref}（当前为“已认领”")
