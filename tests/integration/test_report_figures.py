"""The weekly report's figures on a fixture history built through the domain layer.

Every expected number below was worked out by hand from the story in `history` (not by the
report's code). The fixture week is 2026-W47 at a hotel in Auckland (NZDT, UTC+13): its
window is Sunday 15 November 11:00 UTC to Sunday 22 November 11:00 UTC, so a ticket opened
on Monday 00:30 local is a Sunday in UTC and still counts, and one opened the next Monday
00:30 local is a Sunday in UTC and does not. A motel in Los Angeles (PST, UTC-8) checks
the all-sites report, where each site counts in its own week.

Times in the story are local to the site. Targets (24/7 hours, standard tier): medium
2 h / 8 h / 24 h, high 30 min / 4 h / 24 h, critical 15 min / 2 h / 8 h, low 4 h / 16 h /
40 h for first response / fix offered / resolution. The resolution clock pauses while a
fix offer waits for the customer's answer (from the offer to the resolution here).
"""

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select

from core import clock
from customers.services import CustomerInput
from extensions import db
from followups.services import record_follow_up
from reports.figures import figure_tickets, weekly_figures
from tickets.actions import perform
from tickets.categories import ensure_default_categories
from tickets.intake import NewTicket, open_ticket
from tickets.models import Category

NZ = ZoneInfo("Pacific/Auckland")
LA = ZoneInfo("America/Los_Angeles")


def nz(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=NZ).astimezone(UTC)


def la(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LA).astimezone(UTC)


NOW = nz(11, 30, 12)  # Monday 30 November 12:00 in Auckland: weeks 47 and 46 are over


class Desk:
    """Walks tickets through the domain services at explicit times, committing each step."""

    def __init__(self) -> None:
        ensure_default_categories()
        db.session.commit()
        self.categories = dict(db.session.execute(select(Category.name, Category.id)).all())
        self.tickets: dict = {}
        self.count = 0

    def open(self, key, actor, at, *, category, dimension, channel="phone", severity="medium",
             promise=None, customer=None):
        """Open a ticket; with `promise` the opener owns it at once and promises that time."""
        self.count += 1
        clock.set_now(at)
        data = NewTicket(
            site=actor.site, channel=channel, dimension=dimension, severity=severity,
            category_id=self.categories[category],
            description=f"Complaint {key}: what the customer told us",
            customer_id=customer,
            customer=None if customer else CustomerInput(
                name=f"Guest {key}", phone=f"1380000{self.count:04d}"
            ),
            own_now=promise is not None,
            ownership={"acknowledgement": "Listened and said what happens next",
                       "next_contact_by": promise},
        )
        self.tickets[key] = open_ticket(actor, data, at)
        db.session.commit()
        return self.tickets[key]

    def act(self, key, verb, actor, at, **data):
        clock.set_now(at)
        perform(self.tickets[key], verb, actor, data, version=None, now=at)
        db.session.commit()

    def own(self, key, actor, at, promise):
        self.act(key, "own", actor, at, acknowledgement="We are on it", next_contact_by=promise)

    def offer(self, key, actor, at, remedy, amount):
        self.act(key, "offer_fix", actor, at, action=f"Give a {remedy} of {amount}",
                 remedy_type=remedy, compensation=amount, committed_by=at + timedelta(days=1))

    def resolve(self, key, actor, at, cause, fault, **extra):
        self.act(key, "resolve", actor, at, outcome="Done as offered", customer_response="accepted",
                 root_cause=cause, root_cause_note="Noted for the weekly review", fault=fault,
                 **extra)

    def survey(self, key, at, csat, recovered):
        clock.set_now(at)
        data = {"kind": "survey", "reached": True, "csat": csat, "recovered": recovered}
        record_follow_up(self.tickets[key], None, data, version=None, now=at)
        db.session.commit()


def weeks_45_and_46(desk: Desk, ana, ben) -> None:
    # R0: still open; its customer complains again in W47 (T8).
    desk.open("R0", ana, nz(11, 3, 10), category="Not listened to", dimension="empathy",
              promise=nz(11, 3, 11))
    # P1: resolved in W46; its survey falls due in W47 and is answered then (CSAT 5).
    desk.open("P1", ana, nz(11, 11, 10), category="Service not delivered as promised",
              dimension="reliability", channel="front_desk", promise=nz(11, 11, 13))
    desk.offer("P1", ana, nz(11, 11, 11), "discount", "50.00")
    desk.resolve("P1", ana, nz(11, 11, 12), "environment", "third_party")
    # P2: resolved in W46; its survey falls due in W47 and is never answered.
    desk.open("P2", ben, nz(11, 12, 9), category="Staff knowledge", dimension="assurance",
              channel="web", severity="low", promise=nz(11, 12, 10, 30))
    desk.offer("P2", ben, nz(11, 12, 10), "complimentary", "0")
    desk.resolve("P2", ben, nz(11, 12, 11), "process", "us")
    # E4: opened on Sunday 23:30 of W46, resolved on Monday of W47, with a gesture.
    desk.open("E4", ben, nz(11, 15, 23, 30), category="Staff attitude", dimension="empathy",
              channel="email", promise=nz(11, 16, 11))
    desk.offer("E4", ben, nz(11, 16, 9), "refund", "120.00")
    desk.resolve("E4", ben, nz(11, 16, 10), "people", "us",
                 beyond_expectation="Flowers and a handwritten card",
                 prevention_action="Coach night staff on greetings",
                 prevention_owner="Sue Smith", prevention_due=date(2026, 11, 30))


def week_47_early(desk: Desk, ana, ben, sue) -> None:
    # T1: Monday 00:30 local (Sunday in UTC); promise kept; never offered a fix.
    desk.open("T1", ana, nz(11, 16, 0, 30), category="Booking error", dimension="reliability",
              promise=nz(11, 16, 2))
    desk.act("T1", "log_contact", ana, nz(11, 16, 1), note="Called back", channel="phone")
    # T4: declined by its supervisor owner; the promise is settled late by the decline.
    desk.open("T4", ben, nz(11, 17, 9), category="Safety concern", dimension="assurance",
              channel="front_desk", severity="high")
    desk.own("T4", sue, nz(11, 17, 9, 3), promise=nz(11, 17, 9, 20))
    desk.act("T4", "decline", sue, nz(11, 17, 10), reason="Outside what we can offer",
             alternative_offered="A voucher for the spa next door")
    # T5: resolved, dissatisfied survey (reopened), offered again and resolved late.
    desk.open("T5", ana, nz(11, 17, 14), category="Long wait", dimension="responsiveness")
    desk.own("T5", ana, nz(11, 17, 14, 20), promise=nz(11, 17, 15))
    desk.offer("T5", ana, nz(11, 17, 14, 30), "discount", "25.00")
    desk.resolve("T5", ana, nz(11, 17, 16), "process", "us")
    desk.survey("T5", nz(11, 18, 10), csat=2, recovered=False)
    desk.offer("T5", ana, nz(11, 19, 10, 30), "replacement", "40.00")
    desk.resolve("T5", ana, nz(11, 19, 11), "people", "us")
    # T6: first-contact resolution by its opener, with an overdue prevention action.
    desk.open("T6", ana, nz(11, 18, 9), category="Noise", dimension="tangibles",
              channel="front_desk")
    desk.own("T6", ana, nz(11, 18, 9, 12), promise=nz(11, 18, 10))
    desk.offer("T6", ana, nz(11, 18, 9, 30), "discount", "30.00")
    desk.resolve("T6", ana, nz(11, 18, 9, 45), "environment", "third_party",
                 prevention_action="Add soundproofing to the rooms by the lift",
                 prevention_owner="Maintenance", prevention_due=date(2026, 11, 20))
    desk.survey("P1", nz(11, 18, 12, 30), csat=5, recovered=True)


def week_47_late(desk: Desk, ana, ben, sue) -> None:
    # T7: critical, escalated by hand before anyone owned it; never offered a fix.
    desk.open("T7", ana, nz(11, 19, 8), category="No call back", dimension="responsiveness",
              channel="web", severity="critical")
    desk.act("T7", "escalate", sue, nz(11, 19, 9), reason="Critical and nobody has it")
    desk.own("T7", ben, nz(11, 19, 9, 30), promise=nz(11, 19, 12))
    # T8: R0's customer again (a repeat complainant); fix offered, awaiting the answer.
    desk.open("T8", ben, nz(11, 20, 15), category="Not listened to", dimension="empathy",
              channel="email", customer=desk.tickets["R0"].customer_id)
    desk.own("T8", ben, nz(11, 20, 15, 5), promise=nz(11, 20, 16))
    desk.act("T8", "log_contact", ben, nz(11, 20, 15, 50), note="Update", channel="email")
    desk.offer("T8", ben, nz(11, 20, 16, 30), "upgrade", "0")
    # T9: nobody owns it.
    desk.open("T9", ben, nz(11, 21, 20), category="Room or facility condition",
              dimension="tangibles", channel="social", severity="low")
    # T2: Sunday 23:30 local, the last half hour of W47; its clocks fall in W48.
    desk.open("T2", ana, nz(11, 22, 23, 30), category="Billing error", dimension="reliability",
              promise=nz(11, 23, 1))
    # T3: Monday 00:30 of W48 (still Sunday in UTC): not in W47.
    desk.open("T3", ana, nz(11, 23, 0, 30), category="Cleanliness", dimension="tangibles",
              channel="web", severity="low", promise=nz(11, 23, 2))


def los_angeles(desk: Desk, lou) -> None:
    # L2: Sunday 23:30 PST of W46 (already Monday 07:30 UTC, inside Auckland's W47 window).
    desk.open("L2", lou, la(11, 15, 23, 30), category="Booking error", dimension="reliability",
              channel="email", promise=la(11, 16, 1))
    desk.open("L1", lou, la(11, 16, 0, 30), category="Booking error", dimension="reliability",
              promise=la(11, 16, 1, 30))
    desk.offer("L1", lou, la(11, 16, 1), "refund", "10.00")
    desk.resolve("L1", lou, la(11, 16, 2), "product", "unknown")
    # L3: Sunday 23:00 PST of W47 (Monday 07:00 UTC, after Auckland's W47 window).
    desk.open("L3", lou, la(11, 22, 23), category="Staff attitude", dimension="empathy",
              promise=la(11, 23, 0, 30))


@pytest.fixture
def history(app, make_site, make_user):
    harbour = make_site(name="Harbour Hotel", timezone="Pacific/Auckland", currency="NZD")
    motel = make_site(name="Sunset Motel", timezone="America/Los_Angeles", currency="USD")
    ana = make_user("front_desk", site=harbour, username="ana", display_name="Ana Aroha")
    ben = make_user("front_desk", site=harbour, username="ben", display_name="Ben Brown")
    sue = make_user("supervisor", site=harbour, username="sue", display_name="Sue Smith")
    lou = make_user("front_desk", site=motel, username="lou", display_name="Lou Lopez")
    desk = Desk()
    weeks_45_and_46(desk, ana, ben)
    week_47_early(desk, ana, ben, sue)
    week_47_late(desk, ana, ben, sue)
    los_angeles(desk, lou)
    clock.set_now(NOW)
    return {"harbour": harbour, "motel": motel, "tickets": desk.tickets}


def ref(history, key: str) -> str:
    return history["tickets"][key].ref


def ids(history, *keys: str) -> set[int]:
    return {history["tickets"][key].id for key in keys}


def counts(new=0, resolved=0, declined=0, reopened=0) -> dict:
    return {"new": new, "resolved": resolved, "declined": declined, "reopened": reopened}


def rate(count, of, value) -> dict:
    return {"count": count, "of": of, "rate": value}


def clocks(first_response, fix_offered, resolution, next_contact) -> dict:
    return {"first_response": first_response, "fix_offered": fix_offered,
            "resolution": resolution, "next_contact": next_contact}


def expected_week_47(history) -> dict:
    """Auckland, 2026-W47, worked out by hand (see the story above)."""
    return {
        "week": "2026-W47",
        "site": "Harbour Hotel",
        "currency": "NZD",
        "generated_at": "2026-11-29T23:00:00+00:00",
        "period": {"start": "2026-11-15T11:00:00+00:00", "end": "2026-11-22T11:00:00+00:00"},
        # new: T1 T2 T4 T5 T6 T7 T8 T9; resolved: E4 T5 T6; declined: T4; reopened: T5
        "volume": counts(new=8, resolved=3, declined=1, reopened=1),
        "by_dimension": {
            "reliability": counts(new=2),
            "responsiveness": counts(new=2, resolved=1, reopened=1),
            "assurance": counts(new=1, declined=1),
            "empathy": counts(new=1, resolved=1),
            "tangibles": counts(new=2, resolved=1),
        },
        "by_category": {
            "Billing error": counts(new=1),
            "Booking error": counts(new=1),
            "Long wait": counts(new=1, resolved=1, reopened=1),
            "No call back": counts(new=1),
            "Noise": counts(new=1, resolved=1),
            "Not listened to": counts(new=1),
            "Room or facility condition": counts(new=1),
            "Safety concern": counts(new=1, declined=1),
            "Staff attitude": counts(resolved=1),
        },
        "by_channel": {
            "front_desk": counts(new=2, resolved=1, declined=1),
            "phone": counts(new=3, resolved=1, reopened=1),
            "email": counts(new=1, resolved=1),
            "web": counts(new=1),
            "social": counts(new=1),
            "survey": counts(),
        },
        "by_severity": {
            "low": counts(new=1),
            "medium": counts(new=5, resolved=3, reopened=1),
            "high": counts(new=1, declined=1),
            "critical": counts(new=1),
        },
        # first response: E4 T1 T4 T5 T6 T8 met, T7 T9 missed
        # fix offered: T4 T5 T6 T8 met, E4 T1 T7 T9 missed
        # resolution: E4 T4 T6 met, T1 T5 T7 missed (T8 paused, T2 T9 due in W48)
        # next contact: E4 T1 T6 T8 met, T4 T5 T7 missed
        "sla": clocks(
            {"due": 8, "met": 6, "compliance": 75.0},
            {"due": 8, "met": 4, "compliance": 50.0},
            {"due": 6, "met": 3, "compliance": 50.0},
            {"due": 7, "met": 4, "compliance": 57.1},
        ),
        "sla_compliance": clocks(75.0, 50.0, 50.0, 57.1),
        "sla_by_dimension": {
            "reliability": clocks(100.0, 0.0, 0.0, 100.0),
            "responsiveness": clocks(50.0, 50.0, 0.0, 0.0),
            "assurance": clocks(100.0, 100.0, 100.0, 0.0),
            "empathy": clocks(100.0, 50.0, 100.0, 100.0),
            "tangibles": clocks(50.0, 50.0, 100.0, 100.0),
        },
        # owned after 0 0 3 5 12 20 90 minutes; resolved after 45 630 2700 minutes
        "times": {
            "first_response": {"count": 7, "median_minutes": 5.0, "p90_minutes": 90.0},
            "resolution": {"count": 3, "median_minutes": 630.0, "p90_minutes": 2700.0},
        },
        "first_contact_resolution": rate(1, 3, 33.3),  # T6
        "escalation": rate(1, 10, 10.0),  # T7 of P1 E4 T1 T2 T4 T5 T6 T7 T8 T9
        "reopen": rate(1, 3, 33.3),
        "recovery": rate(2, 3, 66.7),  # E4 T6 (T5 had a dissatisfied survey)
        "recovery_rate": 66.7,
        "csat": {"responses": 2, "average": 3.5},  # P1 5, T5 2
        "csat_average": 3.5,
        "survey_response": rate(1, 2, 50.0),  # P1 answered, P2 not
        # the customer side: no guest here has an e-mail address or answered a fix online
        "unclassified": counts(),
        "acknowledged_in_writing": rate(0, 0, None),
        "customer_accepted_fixes": 0,
        "compensation_total": "190.00",
        "compensation_average": "63.33",
        "compensation_count": 3,
        "compensation_by_currency": {"NZD": "190.00"},
        "compensation_by_remedy": {  # T5's latest offer is the replacement, not the discount
            "discount": {"count": 1, "total": "30.00"},
            "refund": {"count": 1, "total": "120.00"},
            "replacement": {"count": 1, "total": "40.00"},
        },
        "root_causes": [
            {"cause": "people", "count": 2, "share": 66.7, "cumulative": 66.7},
            {"cause": "environment", "count": 1, "share": 33.3, "cumulative": 100.0},
        ],
        "fault_split": {"third_party": 1, "us": 2},
        "prevention": {
            "open": 2,
            "overdue": 1,
            "overdue_items": [{
                "ticket": ref(history, "T6"),
                "action": "Add soundproofing to the rooms by the lift",
                "owner": "Maintenance",
                "due_on": "2026-11-20",
            }],
        },
        "repeat_complainants": [{
            "customer_id": history["tickets"]["R0"].customer_id,
            "name": "Guest R0",
            "tickets_90_days": 2,
        }],
        "gestures": {
            "count": 1,
            "items": [{"ticket": ref(history, "E4"), "gesture": "Flowers and a handwritten card"}],
        },
        "oldest_open": {
            "ticket": ref(history, "R0"),
            "opened_at": "2026-11-02T21:00:00+00:00",
            "age_days": 19.6,
        },
        "open_overdue": [
            {"ticket": ref(history, "R0"), "status": "owned", "owner": "ana",
             "clock": "fix_offered", "due": "2026-11-03T05:00:00+00:00"},
            {"ticket": ref(history, "T1"), "status": "owned", "owner": "ana",
             "clock": "fix_offered", "due": "2026-11-15T19:30:00+00:00"},
            {"ticket": ref(history, "T7"), "status": "owned", "owner": "ben",
             "clock": "fix_offered", "due": "2026-11-18T21:00:00+00:00"},
            {"ticket": ref(history, "T9"), "status": "new", "owner": None,
             "clock": "first_response", "due": "2026-11-21T11:00:00+00:00"},
        ],
        "owners": [
            {"username": "ana", "name": "Ana Aroha", "new_owned": 4, "resolved": 2,
             "sla_resolution": 33.3, "csat_average": 3.5, "compensation": "70.00"},
            {"username": "ben", "name": "Ben Brown", "new_owned": 2, "resolved": 1,
             "sla_resolution": 50.0, "csat_average": None, "compensation": "120.00"},
            {"username": "sue", "name": "Sue Smith", "new_owned": 1, "resolved": 0,
             "sla_resolution": 100.0, "csat_average": None, "compensation": "0.00"},
        ],
        "open_overdue_count": 4, "repeat_complainants_count": 1,
    }


def expected_week_46(history) -> dict:
    """Auckland, 2026-W46: P1, P2 and E4 opened; P1 and P2 resolved the same day."""
    return {
        "week": "2026-W46",
        "site": "Harbour Hotel",
        "currency": "NZD",
        "generated_at": "2026-11-29T23:00:00+00:00",
        "period": {"start": "2026-11-08T11:00:00+00:00", "end": "2026-11-15T11:00:00+00:00"},
        "volume": counts(new=3, resolved=2),
        "by_dimension": {
            "reliability": counts(new=1, resolved=1),
            "responsiveness": counts(),
            "assurance": counts(new=1, resolved=1),
            "empathy": counts(new=1),
            "tangibles": counts(),
        },
        "by_category": {
            "Service not delivered as promised": counts(new=1, resolved=1),
            "Staff attitude": counts(new=1),
            "Staff knowledge": counts(new=1, resolved=1),
        },
        "by_channel": {
            "front_desk": counts(new=1, resolved=1),
            "phone": counts(),
            "email": counts(new=1),
            "web": counts(new=1, resolved=1),
            "social": counts(),
            "survey": counts(),
        },
        "by_severity": {
            "low": counts(new=1, resolved=1),
            "medium": counts(new=2, resolved=1),
            "high": counts(),
            "critical": counts(),
        },
        "sla": clocks(
            {"due": 2, "met": 2, "compliance": 100.0},
            {"due": 2, "met": 2, "compliance": 100.0},
            {"due": 2, "met": 2, "compliance": 100.0},
            {"due": 2, "met": 1, "compliance": 50.0},  # P2's promise kept late
        ),
        "sla_compliance": clocks(100.0, 100.0, 100.0, 50.0),
        "sla_by_dimension": {
            "reliability": clocks(100.0, 100.0, 100.0, 100.0),
            "responsiveness": clocks(None, None, None, None),
            "assurance": clocks(100.0, 100.0, 100.0, 0.0),
            "empathy": clocks(None, None, None, None),
            "tangibles": clocks(None, None, None, None),
        },
        "times": {
            "first_response": {"count": 3, "median_minutes": 0.0, "p90_minutes": 0.0},
            "resolution": {"count": 2, "median_minutes": 120.0, "p90_minutes": 120.0},
        },
        "first_contact_resolution": rate(2, 2, 100.0),
        "escalation": rate(0, 3, 0.0),
        "reopen": rate(0, 2, 0.0),
        "recovery": rate(2, 2, 100.0),
        "recovery_rate": 100.0,
        "csat": {"responses": 0, "average": None},
        "csat_average": None,
        "survey_response": rate(0, 0, None),
        # the customer side: no guest here has an e-mail address or answered a fix online
        "unclassified": counts(),
        "acknowledged_in_writing": rate(0, 0, None),
        "customer_accepted_fixes": 0,
        "compensation_total": "50.00",
        "compensation_average": "25.00",
        "compensation_count": 2,
        "compensation_by_currency": {"NZD": "50.00"},
        "compensation_by_remedy": {
            "complimentary": {"count": 1, "total": "0.00"},
            "discount": {"count": 1, "total": "50.00"},
        },
        "root_causes": [
            {"cause": "environment", "count": 1, "share": 50.0, "cumulative": 50.0},
            {"cause": "process", "count": 1, "share": 50.0, "cumulative": 100.0},
        ],
        "fault_split": {"third_party": 1, "us": 1},
        "prevention": {"open": 0, "overdue": 0, "overdue_items": []},
        "repeat_complainants": [],
        "gestures": {"count": 0, "items": []},
        "oldest_open": {
            "ticket": ref(history, "R0"),
            "opened_at": "2026-11-02T21:00:00+00:00",
            "age_days": 12.6,
        },
        "open_overdue": [
            {"ticket": ref(history, "R0"), "status": "owned", "owner": "ana",
             "clock": "fix_offered", "due": "2026-11-03T05:00:00+00:00"},
        ],
        "owners": [
            {"username": "ana", "name": "Ana Aroha", "new_owned": 1, "resolved": 1,
             "sla_resolution": 100.0, "csat_average": None, "compensation": "50.00"},
            {"username": "ben", "name": "Ben Brown", "new_owned": 2, "resolved": 1,
             "sla_resolution": 100.0, "csat_average": None, "compensation": "0.00"},
        ],
        "open_overdue_count": 1, "repeat_complainants_count": 0,
    }


def assert_figures(actual: dict, expected: dict) -> None:
    """Key by key, so a failure names the figure."""
    for key, value in expected.items():
        assert actual[key] == value, key
    assert set(actual) - {"previous"} == set(expected)


def test_every_figure_of_the_fixture_week(history):
    figures = weekly_figures("2026-W47", history["harbour"], NOW)
    assert_figures(figures, expected_week_47(history))
    json.dumps(figures)


def test_previous_is_the_week_before_without_its_own_previous(history):
    figures = weekly_figures("2026-w47", history["harbour"], NOW)
    assert_figures(figures["previous"], expected_week_46(history))
    assert "previous" not in figures["previous"]
    assert weekly_figures("2026-W46", history["harbour"], NOW)["volume"] == counts(
        new=3, resolved=2
    )


def empty_week(week: str, start: str, end: str) -> dict:
    nothing = {"count": 0, "median_minutes": None, "p90_minutes": None}
    no_rate = rate(0, 0, None)
    return {
        "week": week, "site": "Harbour Hotel", "currency": "NZD",
        "generated_at": "2026-11-29T23:00:00+00:00", "period": {"start": start, "end": end},
        "volume": counts(),
        "by_dimension": {dimension: counts() for dimension in (
            "reliability", "responsiveness", "assurance", "empathy", "tangibles")},
        "by_category": {},
        "by_channel": {channel: counts() for channel in (
            "front_desk", "phone", "email", "web", "social", "survey")},
        "by_severity": {severity: counts() for severity in ("low", "medium", "high", "critical")},
        "sla": clocks(*[{"due": 0, "met": 0, "compliance": None}] * 4),
        "sla_compliance": clocks(None, None, None, None),
        "sla_by_dimension": {dimension: clocks(None, None, None, None) for dimension in (
            "reliability", "responsiveness", "assurance", "empathy", "tangibles")},
        "times": {"first_response": nothing, "resolution": nothing},
        "first_contact_resolution": no_rate, "escalation": no_rate, "reopen": no_rate,
        "recovery": no_rate, "recovery_rate": None,
        "csat": {"responses": 0, "average": None}, "csat_average": None,
        "survey_response": no_rate,
        "unclassified": counts(), "acknowledged_in_writing": no_rate,
        "customer_accepted_fixes": 0,
        "compensation_total": "0.00", "compensation_average": None, "compensation_count": 0,
        "compensation_by_currency": {}, "compensation_by_remedy": {},
        "root_causes": [], "fault_split": {},
        "prevention": {"open": 0, "overdue": 0, "overdue_items": []},
        "repeat_complainants": [], "gestures": {"count": 0, "items": []},
        "oldest_open": None, "open_overdue": [], "owners": [],
        "open_overdue_count": 0, "repeat_complainants_count": 0,
    }


def test_an_empty_week_is_zeros_and_nulls_never_a_fake_hundred(history):
    figures = weekly_figures("2026-W40", history["harbour"], NOW)
    assert_figures(figures, empty_week(
        "2026-W40", "2026-09-27T11:00:00+00:00", "2026-10-04T11:00:00+00:00"
    ))
    # W39 holds the start of NZ daylight time: a week of 167 hours.
    assert_figures(figures["previous"], empty_week(
        "2026-W39", "2026-09-20T12:00:00+00:00", "2026-09-27T11:00:00+00:00"
    ))


def test_all_sites_count_each_site_in_its_own_week(history):
    figures = weekly_figures("2026-W47", None, NOW)
    assert (figures["site"], figures["currency"]) == (None, None)
    assert figures["period"] == {
        "start": "2026-11-15T11:00:00+00:00", "end": "2026-11-23T08:00:00+00:00",
    }
    # Los Angeles adds L1 and L3 (not L2, a Sunday of its W46) and L1's resolution.
    assert figures["volume"] == counts(new=10, resolved=4, declined=1, reopened=1)
    assert figures["by_dimension"]["reliability"] == counts(new=3, resolved=1)
    assert figures["by_dimension"]["empathy"] == counts(new=2, resolved=1)
    # L1 and L2 first responses met; L1 fix met, L2 missed; L1 resolved, L2 not;
    # both promises broken (L3's clocks fall in W48).
    assert figures["sla"] == clocks(
        {"due": 10, "met": 8, "compliance": 80.0},
        {"due": 10, "met": 5, "compliance": 50.0},
        {"due": 8, "met": 4, "compliance": 50.0},
        {"due": 9, "met": 4, "compliance": 44.4},
    )
    assert figures["times"] == {
        "first_response": {"count": 9, "median_minutes": 3.0, "p90_minutes": 90.0},
        "resolution": {"count": 4, "median_minutes": 90.0, "p90_minutes": 2700.0},
    }
    assert figures["first_contact_resolution"] == rate(2, 4, 50.0)
    assert figures["escalation"] == rate(1, 12, 8.3)
    assert figures["recovery"] == rate(3, 4, 75.0)
    assert figures["reopen"] == rate(1, 4, 25.0)
    assert figures["csat"] == {"responses": 2, "average": 3.5}
    assert figures["survey_response"] == rate(1, 2, 50.0)
    # NZD and USD are never added together: totals per currency, none overall.
    assert (figures["compensation_total"], figures["compensation_count"]) == (None, 4)
    assert figures["compensation_average"] is None
    assert figures["compensation_by_currency"] == {"NZD": "190.00", "USD": "10.00"}
    assert figures["compensation_by_remedy"]["refund"] == {"count": 2, "total": None}
    assert figures["root_causes"] == [
        {"cause": "people", "count": 2, "share": 50.0, "cumulative": 50.0},
        {"cause": "environment", "count": 1, "share": 25.0, "cumulative": 75.0},
        {"cause": "product", "count": 1, "share": 25.0, "cumulative": 100.0},
    ]
    assert figures["fault_split"] == {"third_party": 1, "unknown": 1, "us": 2}
    assert [(item["ticket"], item["clock"], item["due"]) for item in figures["open_overdue"]] == [
        (ref(history, "R0"), "fix_offered", "2026-11-03T05:00:00+00:00"),
        (ref(history, "T1"), "fix_offered", "2026-11-15T19:30:00+00:00"),
        (ref(history, "L2"), "fix_offered", "2026-11-16T15:30:00+00:00"),
        (ref(history, "T7"), "fix_offered", "2026-11-18T21:00:00+00:00"),
        (ref(history, "T9"), "first_response", "2026-11-21T11:00:00+00:00"),
    ]
    assert figures["oldest_open"]["ticket"] == ref(history, "R0")
    lou = {"username": "lou", "name": "Lou Lopez", "new_owned": 2, "resolved": 1,
           "sla_resolution": 50.0, "csat_average": None, "compensation": "10.00"}
    assert [row["username"] for row in figures["owners"]] == ["ana", "ben", "lou", "sue"]
    assert figures["owners"][2] == lou
    assert figures["previous"]["volume"] == counts(new=4, resolved=2)  # P1 P2 E4 and L2


def test_one_site_leaves_the_other_sites_out(history):
    figures = weekly_figures("2026-W47", history["motel"], NOW)
    assert (figures["site"], figures["currency"]) == ("Sunset Motel", "USD")
    assert figures["period"] == {
        "start": "2026-11-16T08:00:00+00:00", "end": "2026-11-23T08:00:00+00:00",
    }
    assert figures["volume"] == counts(new=2, resolved=1)
    assert figures["previous"]["volume"] == counts(new=1)
    assert figures["compensation_total"] == "10.00"
    assert figures["repeat_complainants"] == []


def listed(key: str, history, site="harbour", week="2026-W47", **group) -> set[int]:
    stmt = figure_tickets(key, week, history[site] if site else None, NOW, **group)
    return set(db.session.scalars(stmt))


DRILL_DOWNS = [
    ("new", {}, ("T1", "T2", "T4", "T5", "T6", "T7", "T8", "T9")),
    ("new", {"dimension": "responsiveness"}, ("T5", "T7")),
    ("new", {"category": "Not listened to"}, ("T8",)),
    ("new", {"channel": "front_desk", "severity": "high"}, ("T4",)),
    ("new", {"owner": "ana"}, ("T1", "T2", "T5", "T6")),
    ("resolved", {}, ("E4", "T5", "T6")),
    ("resolved", {"owner": "ana"}, ("T5", "T6")),
    ("declined", {}, ("T4",)),
    ("reopened", {}, ("T5",)),
    ("sla_first_response_missed", {}, ("T7", "T9")),
    ("sla_fix_offered_met", {}, ("T4", "T5", "T6", "T8")),
    ("sla_resolution_due", {}, ("E4", "T1", "T4", "T5", "T6", "T7")),
    ("sla_resolution_missed", {}, ("T1", "T5", "T7")),
    ("sla_resolution_missed", {"owner": "ben"}, ("T7",)),
    ("sla_next_contact_missed", {"dimension": "responsiveness"}, ("T5", "T7")),
    ("owned", {}, ("T1", "T2", "T4", "T5", "T6", "T7", "T8")),
    ("first_contact", {}, ("T6",)),
    ("escalated", {}, ("T7",)),
    ("active", {}, ("P1", "E4", "T1", "T2", "T4", "T5", "T6", "T7", "T8", "T9")),
    ("recovered", {}, ("E4", "T6")),
    ("surveyed", {}, ("P1", "T5")),
    ("survey_due", {}, ("P1", "P2")),
    ("survey_completed", {}, ("P1",)),
    ("compensation", {}, ("E4", "T5", "T6")),
    ("compensation", {"remedy": "refund"}, ("E4",)),
    ("compensation", {"remedy": "discount"}, ("T6",)),
    ("root_cause", {"cause": "people"}, ("E4", "T5")),
    ("fault", {"fault": "us"}, ("E4", "T5")),
    ("prevention_overdue", {}, ("T6",)),
    ("repeat", {}, ("R0", "T8")),
    ("gestures", {}, ("E4",)),
    ("open", {}, ("R0", "T1", "T2", "T7", "T8", "T9")),
    ("open_overdue", {}, ("R0", "T1", "T7", "T9")),
]


def test_figure_tickets_lists_exactly_the_tickets_behind_a_figure(history):
    for key, group, keys in DRILL_DOWNS:
        assert listed(key, history, **group) == ids(history, *keys), (key, group)


def test_figure_tickets_across_sites_and_weeks(history):
    assert listed("new", history, site=None) == ids(
        history, "T1", "T2", "T4", "T5", "T6", "T7", "T8", "T9", "L1", "L3"
    )
    assert listed("new", history, site="motel", week="2026-W46") == ids(history, "L2")
    assert listed("new", history, week="2026-W46") == ids(history, "P1", "P2", "E4")
    assert listed("resolved", history, week="2026-W48") == set()
    assert listed("open_overdue", history, site=None) == ids(
        history, "R0", "T1", "T7", "T9", "L2"
    )


def test_figure_counts_and_ticket_lists_agree(history):
    figures = weekly_figures("2026-W47", history["harbour"], NOW)
    pairs = {
        "new": figures["volume"]["new"],
        "reopened": figures["volume"]["reopened"],
        "sla_first_response_due": figures["sla"]["first_response"]["due"],
        "sla_next_contact_met": figures["sla"]["next_contact"]["met"],
        "first_contact": figures["first_contact_resolution"]["count"],
        "active": figures["escalation"]["of"],
        "recovered": figures["recovery"]["count"],
        "compensation": figures["compensation_count"],
        "gestures": figures["gestures"]["count"],
        "open_overdue": len(figures["open_overdue"]),
    }
    for key, count in pairs.items():
        assert len(listed(key, history)) == count, key
    for dimension, row in figures["by_dimension"].items():
        assert len(listed("resolved", history, dimension=dimension)) == row["resolved"]
    for cause in figures["root_causes"]:
        assert len(listed("root_cause", history, cause=cause["cause"])) == cause["count"]


def test_figure_tickets_refuses_unknown_figures_and_filters(history):
    with pytest.raises(KeyError, match="not a figure"):
        figure_tickets("happiness", "2026-W47", history["harbour"], NOW)
    with pytest.raises(ValueError, match="cannot be filtered by colour"):
        figure_tickets("new", "2026-W47", history["harbour"], NOW, colour="red")
    with pytest.raises(ValueError, match="needs cause"):
        figure_tickets("root_cause", "2026-W47", history["harbour"], NOW)
    with pytest.raises(ValueError, match="YYYY-Www"):
        figure_tickets("new", "week 47", history["harbour"], NOW)


# --- the number of statements does not grow with the tickets -----------------------------


def add_tickets(desk: Desk, people: dict, count: int, offset: int) -> None:
    """`count` tickets of W47 in every state: open, escalated, resolved with a gesture, a
    prevention action and a survey, declined after sign-off."""
    ana, sue = people["ana"], people["sue"]
    for number in range(offset, offset + count):
        key, at = f"B{number}", nz(11, 17, 9) + timedelta(minutes=7 * number)
        desk.open(key, ana, at, category="Noise", dimension="tangibles",
                  promise=at + timedelta(hours=1))
        later = at + timedelta(minutes=1)
        if number % 4 == 1:
            desk.act(key, "escalate", sue, later, reason="Loud all night")
        elif number % 4 == 2:
            desk.offer(key, ana, later, "refund", "15.00")
            desk.resolve(key, ana, later + timedelta(minutes=1), "product", "us",
                         beyond_expectation="Earplugs and tea", prevention_action="Fix the fan",
                         prevention_owner="Maintenance", prevention_due=date(2026, 11, 18))
            desk.survey(key, later + timedelta(minutes=2), csat=4, recovered=True)
        elif number % 4 == 3:
            desk.act(key, "decline", ana, later, reason="Not ours to fix", signed_off_by="sue",
                     alternative_offered="A quieter room at the sister hotel")
            desk.act(key, "approve", sue, later + timedelta(minutes=1))


def statements_for(site, now: datetime) -> int:
    """How many SQL statements one weekly report (with its previous week) issues."""
    executed = []

    def count(*_args) -> None:
        executed.append(1)

    db.session.expire_all()
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        weekly_figures("2026-W47", site, now)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(executed)


def test_the_number_of_statements_does_not_grow_with_the_tickets(app, make_site, make_user):
    site = make_site(name="Busy Hotel", timezone="Pacific/Auckland", currency="NZD")
    people = {
        "ana": make_user("front_desk", site=site, username="ana", display_name="Ana"),
        "sue": make_user("supervisor", site=site, username="sue", display_name="Sue"),
    }
    desk = Desk()
    add_tickets(desk, people, 8, 0)
    few = (statements_for(site, NOW), statements_for(None, NOW))
    add_tickets(desk, people, 16, 8)
    many = (statements_for(site, NOW), statements_for(None, NOW))
    figures = weekly_figures("2026-W47", site, NOW)
    assert figures["volume"] == counts(new=24, resolved=6, declined=6)
    assert figures["escalation"] == rate(6, 24, 25.0)
    assert figures["gestures"]["count"] == 6
    assert figures["csat"] == {"responses": 6, "average": 4.0}
    assert few == many
    assert many[0] <= 60


def test_capped_lists_still_count_everything(app, make_site, make_user, make_ticket):
    """The lists show 20 rows; the counts beside them cover every ticket."""
    site = make_site(name="Crowded Hotel", timezone="Pacific/Auckland", currency="NZD")
    desk = make_user("front_desk", site=site)
    monday = datetime(2026, 11, 16, 9, 0, tzinfo=ZoneInfo("Pacific/Auckland"))
    customer_id = None
    for number in range(23):
        clock.set_now(monday.astimezone(UTC) + timedelta(minutes=number))
        same_guest = {"customer": None, "customer_id": customer_id} if customer_id else {
            "customer": CustomerInput(name="Same Guest", phone="0211234567")}
        ticket = make_ticket(owner=None, opener=desk, site=site, severity="critical",
                             **same_guest)
        customer_id = ticket.customer_id
    figures = weekly_figures("2026-W47", site, NOW)
    assert figures["open_overdue_count"] == 23 and len(figures["open_overdue"]) == 20
    assert figures["repeat_complainants_count"] == 1


def test_first_contact_follows_who_resolved_not_who_owns_now(app, make_site, make_user,
                                                             make_ticket, resolve_ticket):
    from tickets.actions import perform

    site = make_site(name="Desk Hotel", timezone="Pacific/Auckland")
    desk, other = make_user("front_desk", site=site), make_user("front_desk", site=site)
    supervisor = make_user("supervisor", site=site)
    clock.set_now(datetime(2026, 11, 17, 10, 0, tzinfo=ZoneInfo("Pacific/Auckland")))
    ticket = resolve_ticket(make_ticket(owner=desk, site=site))
    later = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Pacific/Auckland"))
    perform(ticket, "reopen", supervisor, {"reason": "Called back"}, version=None, now=later)
    perform(ticket, "reassign", supervisor, {"to": other.username, "reason": "Desk is away"},
            version=None, now=later)
    db.session.commit()
    figures = weekly_figures("2026-W47", site, NOW)
    assert figures["first_contact_resolution"] == rate(1, 1, 100.0)
    members = db.session.scalars(figure_tickets("first_contact", "2026-W47", site, NOW)).all()
    assert members == [ticket.id]
