"""`flask report weekly`: text, CSV and JSON; the same figures as the page; bad input."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core import clock
from extensions import db
from reports.models import ReportSnapshot

IN_WEEK = datetime(2026, 11, 17, 2, 0, tzinfo=UTC)


@pytest.fixture
def week(app, make_site, make_user, make_ticket):
    site = make_site(name="Cli Hotel")
    clock.set_now(IN_WEEK)
    make_ticket(owner=make_user("front_desk", site=site), site=site)
    clock.set_now(IN_WEEK + timedelta(days=8))
    return site


def _run(runner, *args):
    return runner.invoke(args=["report", "weekly", *args])


def test_json_matches_the_contract(runner, week):
    result = _run(runner, "--week", "2026-W47", "--site", "Cli Hotel", "--format", "json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["week"] == "2026-W47" and figures["site"] == "Cli Hotel"
    assert figures["volume"]["new"] == 1
    assert figures["previous"]["volume"]["new"] == 0


def test_text_and_csv(runner, week):
    text = _run(runner, "--week", "2026-W47", "--site", "Cli Hotel").output
    assert "Weekly recovery report 2026-W47 — Cli Hotel" in text
    assert "Live figures (not stored)." in text
    line = next(row for row in text.splitlines() if row.strip().startswith("new "))
    assert line.split()[1:] == ["1", "0", "+1"]
    rows = list(csv.DictReader(io.StringIO(_run(runner, "--week", "2026-W47",
                                                "--format", "csv").output)))
    new = next(r for r in rows if r["figure"] == "new")
    assert (new["site"], new["this_week"], new["change"]) == ("all sites", "1", "1")


def test_store_keeps_a_snapshot(runner, week):
    result = _run(runner, "--week", "2026-W47", "--store")
    assert result.exit_code == 0
    assert "Stored " in result.output
    db.session.rollback()  # read what the command committed
    assert db.session.scalar(select(func.count(ReportSnapshot.id))) == 1


@pytest.mark.parametrize(
    "args,message",
    [(["--week", "2026-W54"], "weeks 1 to 53"), (["--week", "soon"], "--week"),
     (["--site", "Nowhere"], "no site called 'Nowhere'"), (["--format", "pdf"], "--format")],
)
def test_bad_input_exits_non_zero_with_a_message(runner, week, args, message):
    result = _run(runner, *args)
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(func.count(ReportSnapshot.id))) == 0
