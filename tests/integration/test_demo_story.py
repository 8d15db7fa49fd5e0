"""The demo tells a believable story: a handful of tickets at risk or past a deadline, not a
wall of red, and the SLA board and this week's report give the same figures."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from auth.models import User
from core import clock
from core.vocabulary import OPEN_STATES
from demo.seed import DEMO_SITE
from extensions import db
from reports.figures import figure_tickets, weekly_figures
from reports.weeks import week_of
from sites.services import find_site
from sla.clocks import ClockState
from supervision.board import board_rows
from supervision.summary import board_summary, overdue
from tickets.models import Ticket, format_ref


def _seed(runner) -> None:
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output


def _open_tickets() -> int:
    stmt = select(func.count(Ticket.id)).where(Ticket.status.in_([str(s) for s in OPEN_STATES]))
    return db.session.scalar(stmt)


def _sign_in(client, username: str) -> None:
    user = db.session.scalars(select(User).where(User.username == username)).one()
    user.set_password("correct horse")
    db.session.commit()
    client.delete_cookie("session", domain="localhost")
    response = client.post("/sign-in", data={"username": username, "password": "correct horse"})
    assert response.status_code == 302


@pytest.mark.parametrize("moment", [
    None,  # now, whatever the time of day
    datetime(2026, 10, 1, 13, 0, tzinfo=UTC),  # National Day evening: closed all day
])
def test_the_demo_board_shows_a_handful_and_agrees_with_the_weekly_report(
        runner, client, moment):
    if moment is not None:
        clock.set_now(moment)
    _seed(runner)
    site, now = find_site(DEMO_SITE), clock.utcnow()
    rows = board_rows(site, now)
    states = [row.worst.state for row in rows]
    assert 3 <= len(rows) <= 6, states
    assert len(rows) * 3 <= _open_tickets(), "most open tickets are on track"
    assert ClockState.AT_RISK in states and ClockState.BREACHED in states

    week = week_of(now, site.timezone)
    figures = weekly_figures(week, site, now)
    summary = board_summary(rows)
    late_on_board = {row.ticket.ref for row in rows if overdue(row)}
    assert summary.overdue == figures["open_overdue_count"] == len(late_on_board) >= 1
    assert late_on_board == {row["ticket"] for row in figures["open_overdue"]}
    behind_the_figure = db.session.scalars(figure_tickets("open_overdue", week, site, now))
    assert {format_ref(ticket_id) for ticket_id in behind_the_figure} == late_on_board
    opened = db.session.scalars(figure_tickets("open", week, site, now)).all()
    assert len(opened) == _open_tickets()

    _sign_in(client, "manager")
    board = client.get(f"/sla/board?site={site.id}").get_data(as_text=True)
    counts = re.search(r'id="board-summary">\s*<span><span class="badge[^"]*">(\d+)<', board)
    assert counts and int(counts.group(1)) == summary.overdue
    report = client.get(f"/reports/weekly?week={week}&site={site.id}").get_data(as_text=True)
    shown = re.search(r"figure=open_overdue[^>]*>(\d+)</a>", report)
    assert shown and int(shown.group(1)) == summary.overdue
