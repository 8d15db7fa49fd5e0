"""The weekly report's customer side: volume by channel with the web form and e-mail,
tickets nobody has classified yet, the share of customers acknowledged in writing within
the first-response target, and fix offers the customer accepted themselves.

The story (2026-W47 at a Shanghai hotel, UTC+8: Monday 16 November 00:00 local is
15 November 16:00 UTC; times below are local):

- W1 web form, with an e-mail address: owned Monday 10:30, acknowledged by mail at once;
  the customer accepts the fix on their status page (no member of staff), resolved.
- W2 e-mail: owned, its acknowledgement queued after the first-response target (late);
  the customer asks for something else (countered).
- W3 web form, with an e-mail address: owned, the owner chose not to mail the
  acknowledgement; staff record "accepted", marked as the customer's own answer
  (`answered_by`: the status page's form of it).
- W4 web form, phone only: owned (no address: not counted either way).
- W5 at the desk, with an e-mail address: owned at once by its opener, acknowledged by
  mail, accepted as recorded by staff, resolved the same day by the opener.
- W6 web form: nobody owns it yet: unclassified, no dimension.
- W46 (the week before): one desk ticket with an e-mail address, acknowledged on time.

Acknowledged in writing: W1 and W5 of W1 W2 W3 W5 (50 %, last week 100 %). Accepted by
the customer themselves: W1 and W3 (2, last week 0).
"""

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select, update

from core import clock
from correspondence.delivery import Letter, deliver
from customers.services import CustomerInput
from extensions import db
from reports.figures import figure_tickets, weekly_figures
from tickets.actions import perform
from tickets.categories import active_categories, ensure_default_categories
from tickets.intake import CustomerComplaint, open_customer_ticket
from tickets.models import TicketEvent

SHANGHAI = ZoneInfo("Asia/Shanghai")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
WEEK = "2026-W47"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def local(day: int, hour: int, minute: int = 0, zone=SHANGHAI) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=zone).astimezone(UTC)


class Story:
    """Walks tickets through the domain at explicit times, committing each step."""

    def __init__(self, site, owner) -> None:
        ensure_default_categories()
        db.session.commit()
        self.site, self.owner = site, owner
        self.category = active_categories()[0]
        self.count = 0

    def complaint(self, at, channel="web", email=True):
        self.count += 1
        clock.set_now(at)
        contact = {"email": f"guest{self.count}@example.com"} if email else {
            "phone": f"1390000{self.count:04d}"}
        ticket = open_customer_ticket(CustomerComplaint(
            site=self.site, channel=channel,
            customer=CustomerInput(name=f"Guest {self.count}", **contact),
            description=f"Complaint {self.count}: the room smelled of smoke",
        ), at)
        db.session.commit()
        return ticket

    def desk(self, make_ticket, at, email=True):
        self.count += 1
        clock.set_now(at)
        contact = {"email": f"desk{self.count}@example.com"} if email else {}
        return make_ticket(owner=self.owner, site=self.site, customer=CustomerInput(
            name=f"Desk Guest {self.count}", phone=f"1370000{self.count:04d}", **contact),
            ownership={"acknowledgement": "Apologised and explained what happens next",
                       "next_contact_by": at + timedelta(hours=2),
                       "send_acknowledgement": False})

    def act(self, ticket, verb, actor, at, **data):
        clock.set_now(at)
        perform(ticket, verb, actor, data, version=None, now=at)
        db.session.commit()

    def own(self, ticket, at):
        self.act(ticket, "own", self.owner, at, acknowledgement="We are looking into it",
                 next_contact_by=at + timedelta(hours=3), dimension="tangibles",
                 category_id=str(self.category.id), send_acknowledgement=False)

    def acknowledge(self, ticket, at, send=True):
        """The written acknowledgement as correspondence.delivery records it: a message
        on the ticket and, when mailed, its outbox row (queued at `at`)."""
        clock.set_now(at)
        letter = Letter(kind="acknowledgement", locale="en", subject=f"{ticket.ref} received",
                        body_text="We have your complaint.", short_text="We have it.")
        message = deliver(ticket, letter, self.owner, at, send=send)
        db.session.commit()
        return message

    def offer(self, ticket, at):
        self.act(ticket, "offer_fix", self.owner, at, action="Move the guest to a new room",
                 remedy_type="upgrade", compensation="0", committed_by=at + timedelta(hours=4))

    def answer(self, ticket, at, response, actor=None):
        self.act(ticket, "record_response", actor, at, customer_response=response)

    def resolve(self, ticket, at):
        self.act(ticket, "resolve", self.owner, at, outcome="Moved; the guest thanked us",
                 customer_response="accepted", root_cause="process",
                 root_cause_note="Smoking rooms were not flagged", fault="us")


def _mark_as_answered_by_customer(ticket) -> None:
    """The status page's own form of a customer's answer: an `answered_by` change on the
    `record_response` event (written with Core: events are append-only for the ORM)."""
    table = TicketEvent.__table__
    row = db.session.execute(select(table.c.id, table.c.changes).where(
        table.c.ticket_id == ticket.id, table.c.action == "record_response")).one()
    changes = {**row.changes, "answered_by": [None, "customer"]}
    db.session.execute(update(table).where(table.c.id == row.id).values(changes=changes))
    db.session.commit()


@pytest.fixture
def story(app, make_site, make_user, make_ticket):
    site = make_site(name="Garden Hotel", timezone="Asia/Shanghai")
    owner = make_user("front_desk", site=site, username="lin", display_name="Lin")
    tale = Story(site, owner)
    tickets = {}
    tickets["P1"] = tale.desk(make_ticket, local(10, 9))
    tale.acknowledge(tickets["P1"], local(10, 9, 5))
    tickets["W1"] = tale.complaint(local(16, 10))
    tale.own(tickets["W1"], local(16, 10, 30))
    tale.acknowledge(tickets["W1"], local(16, 10, 30))
    tale.offer(tickets["W1"], local(16, 11))
    tale.answer(tickets["W1"], local(16, 12), "accepted")
    tale.resolve(tickets["W1"], local(16, 13))
    tickets["W2"] = tale.complaint(local(17, 9), channel="email")
    tale.own(tickets["W2"], local(17, 9, 20))
    tale.acknowledge(tickets["W2"], tickets["W2"].first_response_due + timedelta(minutes=1))
    tale.offer(tickets["W2"], local(17, 15))
    tale.answer(tickets["W2"], local(17, 16), "countered")
    tickets["W3"] = tale.complaint(local(18, 9))
    tale.own(tickets["W3"], local(18, 9, 10))
    tale.acknowledge(tickets["W3"], local(18, 9, 10), send=False)
    tale.offer(tickets["W3"], local(18, 10))
    tale.answer(tickets["W3"], local(18, 11), "accepted", actor=tale.owner)
    _mark_as_answered_by_customer(tickets["W3"])
    tickets["W4"] = tale.complaint(local(19, 9), email=False)
    tale.own(tickets["W4"], local(19, 9, 30))
    tickets["W5"] = tale.desk(make_ticket, local(20, 9))
    tale.acknowledge(tickets["W5"], local(20, 9, 1))
    tale.offer(tickets["W5"], local(20, 10))
    tale.answer(tickets["W5"], local(20, 11), "accepted", actor=tale.owner)
    tale.resolve(tickets["W5"], local(20, 12))
    tickets["W6"] = tale.complaint(local(21, 20))
    clock.set_now(NOW)
    return {"site": site, "owner": owner, "tickets": tickets, "tale": tale}


def _ids(story, *keys) -> list[int]:
    return sorted(story["tickets"][key].id for key in keys)


def _members(key: str, site, **group) -> list[int]:
    return list(db.session.scalars(figure_tickets(key, WEEK, site, NOW, **group)))


def test_the_customer_side_figures_of_the_week_and_the_week_before(story):
    figures = weekly_figures(WEEK, story["site"], NOW)
    assert figures["acknowledged_in_writing"] == {"count": 2, "of": 4, "rate": 50.0}
    assert figures["customer_accepted_fixes"] == 2
    previous = figures["previous"]
    assert previous["acknowledged_in_writing"] == {"count": 1, "of": 1, "rate": 100.0}
    assert previous["customer_accepted_fixes"] == 0


def test_each_figure_opens_the_tickets_behind_it(story):
    site = story["site"]
    assert _members("owned_with_email", site) == _ids(story, "W1", "W2", "W3", "W5")
    assert _members("acknowledged_in_writing", site) == _ids(story, "W1", "W5")
    assert _members("customer_accepted", site) == _ids(story, "W1", "W3")
    assert _members("new", site, unclassified="1") == _ids(story, "W6")
    assert _members("new", site, channel="web") == _ids(story, "W1", "W3", "W4", "W6")


def test_web_and_email_complaints_count_by_channel_and_unclassified_ones_everywhere(story):
    figures = weekly_figures(WEEK, story["site"], NOW)
    assert figures["volume"]["new"] == 6
    assert figures["by_channel"]["web"]["new"] == 4
    assert figures["by_channel"]["email"]["new"] == 1
    assert figures["by_channel"]["front_desk"] == {"new": 1, "resolved": 1, "declined": 0,
                                                  "reopened": 0}
    assert figures["unclassified"] == {"new": 1, "resolved": 0, "declined": 0, "reopened": 0}
    # W6 has no dimension and no category: left out of those breakdowns, not of the totals
    assert sum(counts["new"] for counts in figures["by_dimension"].values()) == 5
    assert sum(counts["new"] for counts in figures["by_category"].values()) == 5
    # W1 was resolved the same day, but nobody opened it at the desk: not first contact
    assert figures["first_contact_resolution"] == {"count": 1, "of": 2, "rate": 50.0}


def test_nothing_to_acknowledge_is_null_never_a_fake_hundred(story):
    figures = weekly_figures("2026-W40", story["site"], NOW)
    assert figures["acknowledged_in_writing"] == {"count": 0, "of": 0, "rate": None}
    assert figures["customer_accepted_fixes"] == 0


def test_each_site_counts_in_its_own_week(story, make_site, make_user, make_ticket):
    """Sunday 22 November 20:00 in Los Angeles is Monday 04:00 UTC: after Shanghai's week
    ended, still in Los Angeles' week 47."""
    coast = make_site(name="Coast Motel", timezone="America/Los_Angeles")
    tale = Story(coast, make_user("front_desk", site=coast))
    late = tale.complaint(local(22, 20, zone=LOS_ANGELES))
    tale.own(late, local(22, 20, 10, zone=LOS_ANGELES))
    tale.acknowledge(late, local(22, 20, 10, zone=LOS_ANGELES))
    clock.set_now(NOW)
    assert weekly_figures(WEEK, coast, NOW)["acknowledged_in_writing"]["count"] == 1
    assert weekly_figures("2026-W48", coast, NOW)["acknowledged_in_writing"]["of"] == 0
    everywhere = weekly_figures(WEEK, None, NOW)
    assert everywhere["acknowledged_in_writing"] == {"count": 3, "of": 5, "rate": 60.0}
    assert weekly_figures(WEEK, story["site"], NOW)["acknowledged_in_writing"]["of"] == 4


def test_the_cli_json_and_csv_carry_the_new_figures(story, runner):
    site = story["site"].name
    result = runner.invoke(args=["report", "weekly", "--week", WEEK, "--site", site,
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["acknowledged_in_writing"]["rate"] == 50.0
    assert body["customer_accepted_fixes"] == 2
    assert body["by_channel"]["web"]["new"] == 4 and body["unclassified"]["new"] == 1
    for contract_key in ("week", "site", "volume", "by_dimension", "sla_compliance",
                         "recovery_rate", "csat_average", "compensation_total", "previous"):
        assert contract_key in body
    result = runner.invoke(args=["report", "weekly", "--week", WEEK, "--site", site,
                                 "--format", "csv"])
    rows = {(r["section"], r["figure"]): r for r in csv.DictReader(io.StringIO(result.output))}
    rate_row = rows[("customer_side", "acknowledged_in_writing rate")]
    assert (rate_row["this_week"], rate_row["previous_week"], rate_row["change"]) == (
        "50.0", "100.0", "-50.0")
    accepted = rows[("customer_side", "customer_accepted_fixes")]
    assert (accepted["this_week"], accepted["previous_week"], accepted["change"]) == (
        "2", "0", "2")
    assert rows[("unclassified", "new")]["this_week"] == "1"
    assert rows[("by_channel", "web new")]["this_week"] == "4"


def test_the_page_shows_each_figure_beside_last_week(story, client, login, make_user):
    login(user=make_user("manager", site=story["site"]))
    page = client.get(f"/reports/weekly?week={WEEK}&site={story['site'].id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    row = html.split('data-rate="acknowledged_in_writing"')[1].split("</tr>")[0]
    assert "50.0%" in row and "(100.0%, −50.0 pts)" in row
    assert "figure=acknowledged_in_writing" in row and "figure=owned_with_email" in row
    accepted = html.split('data-rate="customer_accepted_fixes"')[1].split("</tr>")[0]
    assert ">2</a>" in accepted and "(0, +2)" in accepted
    unclassified = html.split('data-group="unclassified"')[1].split("</tr>")[0]
    assert "Unclassified" in unclassified and "unclassified=1" in unclassified
    web = html.split('data-channel="web"')[1].split("</tr>")[0]
    assert "Web form" in web and "channel=web" in web and ">4</a>" in web
    email = html.split('data-channel="email"')[1].split("</tr>")[0]
    assert "E-mail" in email and ">1</a>" in email
    drill = client.get(f"/reports/weekly/tickets?week={WEEK}&site={story['site'].id}"
                       "&figure=new&unclassified=1")
    assert drill.status_code == 200
    assert story["tickets"]["W6"].ref in drill.get_data(as_text=True)
    assert story["tickets"]["W1"].ref not in drill.get_data(as_text=True)


def test_a_stored_report_from_before_still_shows(story, client, login, make_user):
    """A snapshot stored before these figures existed has none of their keys."""
    from reports.snapshots import store

    snapshot = store(WEEK, story["site"], NOW)
    for key in ("acknowledged_in_writing", "customer_accepted_fixes", "unclassified"):
        snapshot.figures.pop(key)
        snapshot.figures["previous"].pop(key)
    snapshot.figures = json.loads(json.dumps(snapshot.figures))
    db.session.commit()
    login(user=make_user("manager", site=story["site"]))
    page = client.get(f"/reports/weekly?week={WEEK}&site={story['site'].id}")
    assert page.status_code == 200
    assert 'data-rate="acknowledged_in_writing"' in page.get_data(as_text=True)


def _statements(site) -> int:
    executed = []

    def count(*_args) -> None:
        executed.append(1)

    db.session.expire_all()
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        weekly_figures(WEEK, site, NOW)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(executed)


def test_the_new_figures_cost_the_same_statements_whatever_the_tickets(story):
    site, tale = story["site"], story["tale"]
    few = _statements(site)
    for day in (16, 17, 18):
        ticket = tale.complaint(local(day, 14))
        tale.own(ticket, local(day, 14, 5))
        tale.acknowledge(ticket, local(day, 14, 5))
        tale.offer(ticket, local(day, 15))
        tale.answer(ticket, local(day, 16), "accepted")
    clock.set_now(NOW)
    assert _statements(site) == few
    assert weekly_figures(WEEK, site, NOW)["customer_accepted_fixes"] == 5
