"""The ticket's timeline as people read it: labels, display names, money and times in the
reader's language and the site's zone; system notes stored as code + parameters and
rendered when read; a bounded number of queries however long the trail."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core import clock
from extensions import db
from jobs.sweep import sweep
from tests.support.queries import recorded_statements
from tickets.actions import perform
from tickets.audit import record_event
from tickets.models import TicketEvent
from tickets.recompute import POLICY_APPLIED

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def _at(minutes: float) -> datetime:
    moment = T0 + timedelta(minutes=minutes)
    clock.set_now(moment)
    return moment


def _timeline(page: str) -> str:
    return re.search(r'<ol class="timeline" id="timeline">.*?</ol>', page, re.S).group(0)


def _plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def people(make_site, make_user):
    site = make_site(name="Garden Hotel", timezone="Asia/Shanghai", currency="CNY")
    return {
        "site": site,
        "lin": make_user("front_desk", site=site, username="linmei", display_name="林梅",
                         locale="zh_Hans"),
        "ann": make_user("front_desk", site=site, username="annlee", display_name="Ann Lee",
                         locale="en"),
        "boss": make_user("supervisor", site=site, username="zhaoqiang",
                          display_name="赵强", locale="zh_Hans"),
    }


def _owned_with_fix(make_ticket, people):
    """A ticket the front desk opened, 林梅 took and offered an 80.00 upgrade on."""
    _at(0)
    ticket = make_ticket(owner=None, opener=people["ann"], site=people["site"])
    perform(ticket, "own", people["lin"], {
        "acknowledgement": "Apologised at the desk",
        "next_contact_by": T0 + timedelta(hours=3),
    }, version=ticket.version, now=_at(5))
    perform(ticket, "offer_fix", people["lin"], {
        "action": "Move the guest to a quiet room tonight", "remedy_type": "upgrade",
        "compensation": Decimal("80.00"), "committed_by": T0 + timedelta(hours=2),
    }, version=ticket.version, now=_at(10))
    db.session.commit()
    return ticket


def test_the_timeline_speaks_chinese_with_labels_and_display_names(
        client, login, make_ticket, people):
    ticket = _owned_with_fix(make_ticket, people)
    login(user=people["lin"])
    text = _plain(_timeline(client.get(f"/tickets/{ticket.ref}").get_data(as_text=True)))
    assert "负责人: — → 林梅" in text
    assert "解决方案: — → 免费升级 ¥80.00" in text
    assert "状态: 已认领 → 已提出方案" in text
    assert "linmei" not in text and "upgrade" not in text and "CNY" not in text
    assert "fix_offered" not in text and "owned" not in text
    # when: the site's zone (10:10 in Shanghai), who: the display name
    assert "10:10 北京时间 · 林梅" in text


def test_the_same_timeline_in_english_names_the_people_and_the_money(
        client, login, make_ticket, people):
    ticket = _owned_with_fix(make_ticket, people)
    login(user=people["ann"])
    text = _plain(_timeline(client.get(f"/tickets/{ticket.ref}").get_data(as_text=True)))
    assert "Owner: — → 林梅" in text
    assert re.search(r"Fix: — → Upgrade (CN)?¥80\.00", text), text
    assert "10:10 UTC+8" in text


def test_a_system_note_is_stored_as_code_and_rendered_in_the_reader_s_language(
        client, login, make_ticket, people):
    _at(0)
    ticket = make_ticket(owner=None, opener=people["ann"], site=people["site"],
                         severity="high")
    sweep(_at(23))  # the first response deadline is close: the owner's warning
    db.session.commit()
    event = db.session.scalars(select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.action == "sla_at_risk")).one()
    assert event.note_code == "sla.step.deadline_close"
    assert event.note_params == {
        "ref": ticket.ref, "clock": {"code": "sla.deadline.first_response", "params": {}}}
    assert event.note == f"{ticket.ref}: the first response deadline is close."
    login(user=people["boss"])
    text = _plain(_timeline(client.get(f"/tickets/{ticket.ref}").get_data(as_text=True)))
    assert f"{ticket.ref}：首次响应时限即将到期。" in text
    assert "deadline is close" not in text
    assert "即将超时：已提醒负责人" in text and "系统" in text
    login(user=people["ann"])
    text = _plain(_timeline(client.get(f"/tickets/{ticket.ref}").get_data(as_text=True)))
    assert f"{ticket.ref}: the first response deadline is close." in text


def test_the_api_gives_a_system_note_in_the_caller_s_language(app, make_ticket, people):
    from flask_babel import force_locale

    from representations.tickets import event_json

    ticket = make_ticket(site=people["site"])
    event = record_event(ticket, None, "sla_recomputed", clock.utcnow(), {}, POLICY_APPLIED())
    db.session.commit()
    with app.test_request_context(), force_locale("zh_Hans"):
        assert event_json(event)["note"] == "已对未结工单应用新的 SLA 策略"
    with app.test_request_context(), force_locale("en"):
        assert event_json(event)["note"] == "SLA policy applied to open tickets"
    assert (event.note_code, event.note_params) == ("sla.recomputed.policy_applied", {})


def test_a_person_s_words_are_shown_as_written(client, login, make_ticket, people):
    ticket = _owned_with_fix(make_ticket, people)
    perform(ticket, "add_note", people["lin"], {"body": "Deadline is close, call at 3"},
            version=ticket.version, now=_at(20))
    db.session.commit()
    event = db.session.scalars(select(TicketEvent).where(
        TicketEvent.action == "add_note")).one()
    assert (event.note_code, event.note_params) == (None, None)
    login(user=people["lin"])
    text = _plain(_timeline(client.get(f"/tickets/{ticket.ref}").get_data(as_text=True)))
    assert "Deadline is close, call at 3" in text


def _timeline_statements(app, ticket_id: int, user) -> list[str]:
    from flask_babel import force_locale
    from flask_login import login_user

    from tickets.models import Ticket
    from tickets.timeline import timeline

    with app.test_request_context(), force_locale("zh_Hans"):
        login_user(db.session.get(type(user), user.id))
        ticket = db.session.get(Ticket, ticket_id)
        with recorded_statements(cold=True) as statements:
            ticket = db.session.get(Ticket, ticket_id)
            entries = timeline(ticket)
            assert entries
    return statements


def test_the_timeline_costs_the_same_queries_however_many_people_and_events(
        app, make_ticket, make_user, people):
    ticket = _owned_with_fix(make_ticket, people)
    short = _timeline_statements(app, ticket.id, people["lin"])
    holder = people["lin"]
    for number in range(6):  # handed back and forth among six more colleagues
        colleague = make_user("front_desk", site=people["site"], display_name=f"同事{number}")
        perform(ticket, "transfer", holder, {"to": colleague.username,
                                             "handover_note": "Over to you"},
                version=ticket.version, now=_at(20 + 2 * number))
        perform(ticket, "accept_transfer", colleague, {}, version=ticket.version,
                now=_at(21 + 2 * number))
        holder = colleague
    perform(ticket, "reclassify", people["boss"], {
        "dimension": "tangibles", "category_id": _another_category(ticket),
        "severity": "high", "reason": "It is about the room"},
        version=ticket.version, now=_at(40))
    db.session.commit()
    long = _timeline_statements(app, ticket.id, people["lin"])
    assert len(ticket.events) > 14
    shown = "\n".join(" ".join(statement.split())[-120:] for statement in long)
    # the ticket, its events, its site, the people they name, the categories: one each
    assert len(long) <= 5 and len(long) <= len(short) + 1, shown
    flat = [" ".join(statement.split()) for statement in long]
    assert sum(" FROM users " in statement for statement in flat) == 1, shown
    assert sum(" FROM ticket_events " in statement for statement in flat) == 1, shown


def _another_category(ticket) -> int:
    from tickets.categories import active_categories

    return next(c.id for c in active_categories() if c.id != ticket.category_id
                and c.dimension == "tangibles")


def test_a_reclassified_category_shows_in_the_reader_s_language(
        client, login, make_ticket, people):
    ticket = _owned_with_fix(make_ticket, people)
    perform(ticket, "reclassify", people["boss"], {
        "dimension": "tangibles", "category_id": _another_category(ticket),
        "severity": "high", "reason": "It is about the room"},
        version=ticket.version, now=_at(40))
    db.session.commit()
    login(user=people["lin"])
    text = _plain(_timeline(client.get(f"/tickets/{ticket.ref}").get_data(as_text=True)))
    change = re.search(r"类别: (\S+) → (\S+)", text)
    assert change is not None, text
    assert not re.search(r"[A-Za-z]", change.group(0).split(":", 1)[1]), change.group(0)
    assert "维度:" in text and "Tangibles" not in text
