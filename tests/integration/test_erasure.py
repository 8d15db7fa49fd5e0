"""Erasure and retention of a customer's personal data, through the domain services.

The world: a customer known by name, phone and e-mail, with two tickets (one resolved, its
check-in answered, its survey mailed and still open; one still open), two attachments (one
whose bytes another customer's ticket shares), a contact note, staff notifications and
mails naming them, and stored weekly reports listing them as a repeat complainant. The
oracle scans every text and JSON column of every table, and the upload folder.
"""

import hashlib
import json
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import JSON, String, func, select

from core import clock
from customers.models import Customer
from customers.services import CustomerInput
from extensions import db
from followups.models import FollowUp
from followups.services import record_follow_up
from followups.survey_link import LinkProblem, SurveyLinkError, make_token, open_survey
from followups.sweep import follow_up_sweep
from maintenance.integrity import check_integrity
from outbox.models import OutboxMessage
from outbox.queue import enqueue
from outbox.sender import send_due
from privacy.erasure import confirms, erase_customer
from privacy.models import PrivacyLogEntry
from privacy.redaction import erased_address
from privacy.retention import anonymise_inactive, months_before, retention_months
from privacy.scrub import REDACTED, placeholder_name, scrubber_for
from reports.figures import weekly_figures
from reports.snapshots import store
from reports.weeks import week_of
from tickets.actions import perform
from tickets.attachments import path_of
from tickets.models import Attachment, Ticket, TicketEvent

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
NAME = "Zhao Minghui"
PHONE = "+86 139-1234-5678"
EMAIL = "Zhao.Minghui@example.com"
PNG = b"\x89PNG\r\n\x1a\n"
MINE = PNG + b"receipt of the guest" * 4
SHARED = PNG + b"the hotel's own floor plan" * 4
THEIRS = PNG + b"another guest's photo" * 4


def _needles() -> list[re.Pattern]:
    """The erased values as a hostile reader would look for them."""
    words = [NAME, EMAIL, PHONE, "139 1234 5678", "139-1234-5678", "13912345678",
             "8613912345678"]
    patterns = [re.compile(re.escape(word), re.IGNORECASE) for word in words]
    patterns += [re.compile(rf"\b{part}\b", re.IGNORECASE) for part in ("Zhao", "Minghui")]
    return patterns


def _text_cells():
    """(table, column, text) for every text and JSON value in the database."""
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.c if isinstance(c.type, String | JSON)
                   or isinstance(getattr(c.type, "impl", None), String)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if value is None:
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                yield table.name, column.name, text


def traces() -> list[str]:
    db.session.expire_all()
    found = []
    for table, column, text in _text_cells():
        digits = re.sub(r"\D", "", text)
        if any(pattern.search(text) for pattern in _needles()) or "13912345678" in digits:
            found.append(f"{table}.{column}: {text[:120]}")
    return found


def _attach(ticket, content: bytes, name: str, note: str = "") -> None:
    perform(ticket, "add_attachment", ticket.owner,
            {"content": content, "file_name": name, "note": note},
            version=None, now=clock.utcnow())


@pytest.fixture
def world(app, make_site, make_user, make_ticket, resolve_ticket, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    clock.set_now(T0)
    site = make_site(name="Privacy Hotel")
    owner = make_user("front_desk", site=site, email="owner@hotel.example")
    make_user("manager", site=site, email="boss@hotel.example")
    customer_input = CustomerInput(name=NAME, phone=PHONE, email=EMAIL,
                                   notes=f"{NAME} prefers calls after 6 pm")
    first = make_ticket(owner=owner, site=site, customer=customer_input,
                        booking_ref="BK-7781", desired_outcome=f"Write to {EMAIL}",
                        description=f"{NAME} (call 139 1234 5678) says the shower was cold")
    perform(first, "log_contact", owner,
            {"note": f"Wrote to {EMAIL}; Mr Minghui will call back", "channel": "phone"},
            version=None, now=T0)
    _attach(first, MINE, "zhao-receipt.png", note=f"From {NAME}")
    _attach(first, SHARED, "plan.png")
    resolve_ticket(first, outcome=f"Refunded {NAME} for one night")
    second = make_ticket(owner=owner, site=site, customer_id=first.customer_id,
                         customer=None, description="The lift was broken again")
    other = make_ticket(owner=owner, site=site,
                        customer=CustomerInput(name="Qian Other", phone="13700000001"))
    _attach(other, SHARED, "plan.png")
    _attach(other, THEIRS, "photo.png")
    db.session.commit()
    week = str(week_of(T0, site.timezone))
    store(week, site, T0)
    store(week, None, T0)
    clock.set_now(T0 + timedelta(days=3))
    follow_up_sweep(clock.utcnow())
    record_follow_up(first, owner, {"kind": "check_in", "reached": True,
                                    "comment": f"{NAME} was pleased"},
                     version=None, now=clock.utcnow())
    clock.set_now(T0 + timedelta(days=8))
    follow_up_sweep(clock.utcnow())
    db.session.commit()
    send_due(clock.utcnow())
    enqueue(kind="reply", to_address=EMAIL.lower(), subject=f"For {NAME}",
            body_text=f"Dear {NAME}, we are sorry.", due_at=clock.utcnow() + timedelta(days=1))
    db.session.commit()
    return {"site": site, "customer_id": first.customer_id, "week": week,
            "tickets": [first.id, second.id], "other": other.id}


def _customer(world) -> Customer:
    db.session.expire_all()
    return db.session.get(Customer, world["customer_id"])


def _erase(world, actor=None) -> None:
    erase_customer(_customer(world), actor, clock.utcnow())
    db.session.commit()


def test_the_scan_finds_the_customer_before_erasure(world):
    found = traces()
    tables = {line.split(".")[0] for line in found}
    assert {"customers", "tickets", "ticket_events", "follow_up_attempts",
            "notifications", "outbox", "report_snapshots"} <= tables, found


def test_erasure_leaves_no_trace_in_the_database(world):
    _erase(world)
    assert traces() == []
    customer = _customer(world)
    assert (customer.name, customer.phone, customer.email, customer.notes) == (
        placeholder_name(customer.id), None, None, "")
    assert customer.locale == "en" and customer.erased_at == clock.utcnow()
    ticket = db.session.get(Ticket, world["tickets"][0])
    assert (ticket.booking_ref, ticket.description) == ("", REDACTED)
    assert ticket.outcome == f"Refunded {placeholder_name(customer.id)} for one night"


def test_erasure_removes_their_files_and_keeps_shared_ones(world, app):
    mine, shared, theirs = (path_of(_key(content)) for content in (MINE, SHARED, THEIRS))
    assert mine.exists() and shared.exists() and theirs.exists()
    _erase(world)
    assert not mine.exists()
    assert shared.exists() and theirs.exists()
    left = db.session.scalars(select(Attachment.ticket_id)).all()
    assert sorted(left) == [world["other"], world["other"]]


def _key(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def test_a_rollback_during_erasure_keeps_files_and_data(world):
    mine = path_of(_key(MINE))
    erase_customer(_customer(world), None, clock.utcnow())
    db.session.rollback()
    db.session.commit()
    assert mine.exists()
    assert _customer(world).name == NAME and _customer(world).erased_at is None
    assert db.session.scalar(select(func.count(Attachment.id))) == 4
    assert any(NAME in line for line in traces())


def _figures_around_erasure(world, moment: datetime) -> tuple[list, list]:
    """The week's figures (site and all sites) before and after the erasure, the name in
    `before` replaced by the placeholder."""
    site, now = world["site"], clock.utcnow()
    week = str(week_of(moment, site.timezone))
    before = [weekly_figures(week, scope, now) for scope in (site, None)]
    _erase(world)
    after = [weekly_figures(week, scope, now) for scope in (site, None)]
    renamed = json.dumps(before).replace(NAME, placeholder_name(world["customer_id"]))
    return json.loads(renamed), after


def test_tickets_and_past_weekly_figures_stay_the_same(world):
    tickets_before = db.session.scalar(select(func.count(Ticket.id)))
    before, after = _figures_around_erasure(world, T0)
    assert before[0]["repeat_complainants"], "the world must list them as a repeat complainant"
    assert before == after
    assert db.session.scalar(select(func.count(Ticket.id))) == tickets_before


def test_the_erasure_week_keeps_its_figures_and_survey_response(world):
    """The week of the erasure itself: its survey (due, unanswered, now unreachable) still
    counts as due. The escalation rate's denominator is the one exception, below."""
    before, after = _figures_around_erasure(world, clock.utcnow())
    assert before[0]["survey_response"] == after[0]["survey_response"]
    assert before[0]["survey_response"]["of"] == 1
    for figures in (*before, *after):
        figures.pop("escalation")
    assert before == after


def test_the_escalation_rate_of_the_erasure_week_stays_the_same(world):
    before, after = _figures_around_erasure(world, clock.utcnow())
    assert [f["escalation"] for f in before] == [f["escalation"] for f in after]


def test_the_audit_trail_records_the_erasure_without_the_values(world, make_user):
    manager = make_user("manager", site=world["site"])
    _erase(world, actor=manager)
    for ticket_id in world["tickets"]:
        ticket = db.session.get(Ticket, ticket_id)
        events = db.session.scalars(select(TicketEvent).where(
            TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)).all()
        assert ticket.version == len(events)
        assert events[-1].action == "customer_erased" and events[-1].actor_id == manager.id
        assert events[0].changes["customer"] == [None, placeholder_name(world["customer_id"])]
    first = db.session.get(Ticket, world["tickets"][0])
    assert first.events[-1].changes["attachments"] == [2, 0]
    assert first.events[-1].changes["follow_ups"] == ["survey", "unreachable"]
    assert check_integrity(clock.utcnow()).findings == []
    entry = db.session.scalars(select(PrivacyLogEntry)).one()
    assert (entry.action, entry.reason, entry.actor_id) == ("erased", "request", manager.id)
    assert entry.details["tickets"] == 2 and entry.details["attachments"] == 2


def test_erasure_stops_the_survey_link_and_withdraws_unsent_mail(world, app):
    survey = db.session.scalars(select(FollowUp).where(
        FollowUp.ticket_id == world["tickets"][0], FollowUp.kind == "survey")).one()
    token = make_token(survey, app.config["SECRET_KEY"])
    assert open_survey(token, app.config["SECRET_KEY"], clock.utcnow()).id == survey.id
    _erase(world)
    with pytest.raises(SurveyLinkError) as refused:
        open_survey(token, app.config["SECRET_KEY"], clock.utcnow())
    assert refused.value.problem is LinkProblem.CLOSED
    mails = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    # (the customer-side mails of their tickets: tests/integration/test_erasure_customer_side.py)
    to_them = [(m.kind, m.status, m.to_address) for m in mails
               if m.kind != "staff_notification" and not m.kind.startswith("customer_")]
    assert to_them == [("survey_link", "logged", erased_address(world["customer_id"]))]


def test_an_erased_customer_is_never_erased_again(world):
    from core.domain_errors import Refused

    _erase(world)
    versions = [db.session.get(Ticket, t).version for t in world["tickets"]]
    with pytest.raises(Refused):
        erase_customer(_customer(world), None, clock.utcnow())
    db.session.rollback()
    assert [db.session.get(Ticket, t).version for t in world["tickets"]] == versions


def test_the_confirmation_is_the_name_or_the_word():
    customer = Customer(name="Li  Wang")
    assert confirms(customer, " li wang ") and confirms(customer, "ERASE")
    assert not confirms(customer, "erase") and not confirms(customer, "Li")
    assert not confirms(customer, None) and not confirms(customer, "Li Wang\x00")


def test_the_scrubber_keeps_other_words_and_codes():
    scrub = scrubber_for(7, ["Li Wang"], ["138 0013 8000"], ["li@example.com"])
    assert scrub.text("Mr Wang (138-0013-8000, LI@example.com) is in Lima") == (
        "Mr [erased] ([erased], [erased]) is in Lima")
    assert scrub.text("李 called Li Wang's wife") == "李 called Erased customer #7's wife"
    changes = {"customer": [None, "Li Wang"], "status": ["new", "owned"],
               "owner": [None, "wang"], "attachment": [None, "wang.png (image/png)"]}
    assert scrub.changes(changes) == {
        "customer": [None, "Erased customer #7"], "status": ["new", "owned"],
        "owner": [None, "wang"], "attachment": [None, "[erased].png (image/png)"]}
    chinese = scrubber_for(8, ["张伟"], [], [])
    assert chinese.text("客人张伟说房间很吵") == "客人Erased customer #8说房间很吵"


# Retention.


@pytest.fixture
def retention(app, make_site, make_user, make_ticket, resolve_ticket):
    """Customers whose last activity is 14 months old (closed, still open, no ticket),
    one active two months ago; retention 12 months."""
    app.config["CUSTOMER_RETENTION_MONTHS"] = 12
    site = make_site(name="Old Hotel")
    owner = make_user("front_desk", site=site)
    now = T0
    clock.set_now(now - timedelta(days=430))
    inactive = resolve_ticket(make_ticket(owner=owner, site=site,
                                          customer=CustomerInput(name="Old Guest",
                                                                 phone="13600000001")))
    still_open = make_ticket(owner=owner, site=site,
                             customer=CustomerInput(name="Open Guest", phone="13600000002"))
    db.session.add(Customer(site_id=site.id, name="No Ticket", name_key="no ticket",
                            phone="13600000003", phone_digits="13600000003"))
    db.session.commit()
    clock.set_now(now - timedelta(days=60))
    recent = make_ticket(owner=owner, site=site,
                         customer=CustomerInput(name="Recent Guest", phone="13600000004"))
    clock.set_now(now)
    return {"inactive": inactive.customer_id, "open": still_open.customer_id,
            "recent": recent.customer_id}


def _erased_ids() -> set[str]:
    db.session.expire_all()
    rows = db.session.scalars(select(Customer).where(Customer.erased_at.is_not(None)))
    return {row.id for row in rows}


def test_retention_erases_only_the_inactive_once(retention):
    assert anonymise_inactive(T0) == 2
    db.session.commit()
    erased = _erased_ids()
    assert retention["inactive"] in erased and len(erased) == 2
    assert retention["open"] not in erased and retention["recent"] not in erased
    entries = db.session.scalars(select(PrivacyLogEntry)).all()
    assert {(e.reason, e.actor_id) for e in entries} == {("retention", None)}
    assert anonymise_inactive(T0 + timedelta(days=1)) == 0
    db.session.commit()
    assert check_integrity(T0).findings == []
    events = db.session.scalars(select(TicketEvent.action).join(Ticket).where(
        Ticket.customer_id == retention["inactive"], TicketEvent.action == "customer_erased"))
    assert len(events.all()) == 1


def test_retention_is_bounded_per_run(retention, monkeypatch):
    from privacy import retention as rule

    monkeypatch.setattr(rule, "BATCH", 1)
    assert anonymise_inactive(T0) == 1
    assert anonymise_inactive(T0) == 1
    assert anonymise_inactive(T0) == 0


def test_retention_is_off_by_default_and_refuses_nonsense(app, retention):
    app.config["CUSTOMER_RETENTION_MONTHS"] = None
    assert anonymise_inactive(T0) == 0
    for wrong in ("12m", "²", -1, 1201, True, 1.5):
        with pytest.raises(ValueError):
            retention_months({"CUSTOMER_RETENTION_MONTHS": wrong})
    assert retention_months({"CUSTOMER_RETENTION_MONTHS": "18"}) == 18
    assert retention_months({"CUSTOMER_RETENTION_MONTHS": 0}) is None
    assert _erased_ids() == set()


@pytest.mark.parametrize("moment,months,expected", [
    (datetime(2026, 3, 31, 5, tzinfo=UTC), 1, datetime(2026, 2, 28, 5, tzinfo=UTC)),
    (datetime(2024, 3, 31, 5, tzinfo=UTC), 1, datetime(2024, 2, 29, 5, tzinfo=UTC)),
    (datetime(2026, 1, 15, tzinfo=UTC), 13, datetime(2024, 12, 15, tzinfo=UTC)),
    (datetime(2026, 11, 23, tzinfo=UTC), 12, datetime(2025, 11, 23, tzinfo=UTC)),
])
def test_months_before_counts_calendar_months(moment, months, expected):
    assert months_before(moment, months) == expected


# The command line.


def test_the_export_command_writes_a_new_zip_once(world, runner, tmp_path):
    target = tmp_path / "zhao.zip"
    result = runner.invoke(args=["customer", "export", str(world["customer_id"]), str(target)])
    assert result.exit_code == 0, result.output
    assert "2 tickets, 2 files" in result.output
    archive = zipfile.ZipFile(target)
    assert NAME in archive.read("customer.json").decode()
    assert sorted(archive.read(n) for n in archive.namelist() if n != "customer.json") == sorted(
        [MINE, SHARED])
    again = runner.invoke(args=["customer", "export", str(world["customer_id"]), str(target)])
    assert again.exit_code == 1 and "already exists" in again.output
    assert db.session.scalar(select(func.count(PrivacyLogEntry.id))) == 1


@pytest.mark.parametrize(
    "customer_id", ["999999", str(2**31), str(2**64), "-1", "x", "²", "١", "1\x00"])
def test_the_commands_refuse_unknown_customers_cleanly(world, runner, tmp_path, customer_id):
    for args in (["export", customer_id, str(tmp_path / "out.zip")],
                 ["erase", customer_id, "--confirm", "ERASE"]):
        result = runner.invoke(args=["customer", *args])
        assert result.exit_code in (1, 2), result.output
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "out.zip").exists()
    assert _customer(world).erased_at is None


def test_the_erase_command_needs_the_word_and_erases_once(world, runner):
    customer_id = str(world["customer_id"])
    refused = runner.invoke(args=["customer", "erase", customer_id, "--confirm", "yes"])
    assert refused.exit_code == 1 and _customer(world).erased_at is None
    done = runner.invoke(args=["customer", "erase", customer_id, "--confirm", "ERASE"])
    assert done.exit_code == 0, done.output
    assert "2 tickets anonymised, 2 attachments removed" in done.output
    assert traces() == []
    again = runner.invoke(args=["customer", "erase", customer_id, "--confirm", "ERASE"])
    assert again.exit_code == 1 and "already been erased" in again.output


def test_the_retention_command_says_when_it_is_off(app, runner, retention):
    app.config["CUSTOMER_RETENTION_MONTHS"] = None
    assert "Retention is off" in runner.invoke(args=["customer", "anonymise-inactive"]).output
    app.config["CUSTOMER_RETENTION_MONTHS"] = "soon"
    wrong = runner.invoke(args=["customer", "anonymise-inactive"])
    assert wrong.exit_code == 1 and "whole number of months" in wrong.output
    app.config["CUSTOMER_RETENTION_MONTHS"] = 12
    clock.set_now(T0)
    done = runner.invoke(args=["customer", "anonymise-inactive"])
    assert done.exit_code == 0 and "Erased 2 customers" in done.output
    assert len(_erased_ids()) == 2
