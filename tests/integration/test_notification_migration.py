"""Migration f13b_notification_params: existing notifications get their code and parameters
from their English text (then read in each reader's language); a text it cannot read keeps
no params and is shown as stored; the digest columns arrive with their defaults."""

from datetime import UTC, datetime
from types import SimpleNamespace

from flask_babel import force_locale
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from app import create_app
from extensions import db
from notifications.wording import text_of

BEFORE = "f13a_locale_categories"
AFTER = "f13b_notification_params"
CREATED = datetime(2026, 11, 1, tzinfo=UTC)
OLD = {
    1: "SR-000012: the resolution deadline is still missed; escalated to managers.",
    2: "SR-000012: a fix of 5000.00 CNY waits for your approval.",
    3: "周一的报告已生成：新建 3。",
    4: "Weekly recovery report 2026-W47 for all sites is ready: New 12, Resolved 10.",
}


def _seed(connection, url: str) -> None:
    when = CREATED.replace(tzinfo=None) if url.startswith("sqlite") else CREATED
    connection.execute(text(
        "INSERT INTO sites (id, name, timezone, hours_spec, currency, front_desk_limit, "
        "supervisor_limit, created_at) VALUES (1, 'Inn', 'UTC', '24/7', 'CNY', 200, 2000, :w)"
    ), {"w": when})
    connection.execute(text(
        "INSERT INTO users (id, username, display_name, role, site_id, locale, active, "
        "password_hash, session_version, created_at) VALUES (1, 'lin', 'Lin', "
        "'manager', 1, 'zh_Hans', :active, '', 1, :w)"), {"active": True, "w": when})
    for row_id, message in OLD.items():
        connection.execute(text(
            "INSERT INTO notifications (id, recipient_id, kind, message, critical, created_at, "
            "deliver_after) VALUES (:id, 1, 'old', :message, :critical, :w, :w)"
        ), {"id": row_id, "message": message, "critical": False, "w": when})


def _notifications(url: str) -> dict[int, SimpleNamespace]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT id, message, params, digest_pending, digest_id FROM notifications")).all()
        digest = connection.execute(text("SELECT daily_digest FROM users")).scalar_one()
    engine.dispose()
    assert not digest
    return {row.id: SimpleNamespace(message=row.message, params=_json(row.params),
                                    digest_pending=row.digest_pending, digest_id=row.digest_id)
            for row in rows}


def _json(value):
    import json

    return json.loads(value) if isinstance(value, str) else value


def test_old_notifications_get_params_and_read_in_chinese(fresh_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_url, "TESTING": True})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            _seed(connection, fresh_url)
        upgrade(revision=AFTER)
        db.engine.dispose()
    rows = _notifications(fresh_url)
    assert rows[1].params == {"code": "sla.step.escalated_to_managers", "params": {
        "ref": "SR-000012", "clock": {"code": "sla.deadline.resolution"}}}
    assert rows[2].params == {"code": "notify.fix_waits", "params": {
        "ref": "SR-000012", "amount": {"money": "5000.00", "currency": "CNY"}}}
    assert rows[3].params is None
    assert rows[4].params["code"] == "notify.weekly_report"
    assert all(not row.digest_pending and row.digest_id is None for row in rows.values())
    with app.test_request_context(), force_locale("zh_Hans"):
        shown = {row_id: text_of(row) for row_id, row in rows.items()}
    assert shown[1].startswith("SR-000012：") and "经理" in shown[1]
    assert shown[2] == "SR-000012：一项 ¥5,000.00 的补救方案待您审批。"
    assert shown[3] == OLD[3]
    assert "新建 12，已解决" in shown[4] or "新建 12，" in shown[4]
    with app.test_request_context(), force_locale("en"):
        assert text_of(rows[1]) == OLD[1]


def test_the_migration_goes_down_and_up_again(fresh_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_url, "TESTING": True})
    with app.app_context():
        upgrade(revision=AFTER)
        downgrade(revision=BEFORE)
        engine = db.engine
        columns = {column["name"] for column in inspect(engine).get_columns("notifications")}
        tables = set(inspect(engine).get_table_names())
        upgrade(revision=AFTER)
        db.engine.dispose()
    assert "params" not in columns and "digest_pending" not in columns
    assert "notification_digests" not in tables
