"""Migration f14d: every existing site gets a settings stamp of its own (core.stamped), and
the downgrade takes the column away again."""

from sqlalchemy import create_engine, inspect, text

from tests.support.migrations import run_flask

BEFORE = "f14c_report_indexes"


def _sql(url: str, statement: str) -> list:
    engine = create_engine(url)
    with engine.begin() as connection:
        rows = connection.execute(text(statement))
        found = rows.all() if rows.returns_rows else []
    engine.dispose()
    return found


def _site_columns(url: str) -> set[str]:
    engine = create_engine(url)
    columns = {column["name"] for column in inspect(engine).get_columns("sites")}
    engine.dispose()
    return columns


def test_existing_sites_get_a_stamp_each_and_downgrade_removes_it(fresh_url):
    run_flask(fresh_url, "db", "upgrade", BEFORE)
    for name in ("Old Harbour", "Old Summit"):
        _sql(fresh_url, "INSERT INTO sites (name, timezone, hours_spec, currency, "
                        "front_desk_limit, supervisor_limit, created_at) VALUES "
                        f"('{name}', 'Asia/Shanghai', '24/7', 'CNY', 200, 2000, "
                        "'2026-01-05 00:00:00')")
    run_flask(fresh_url, "db", "upgrade")
    stamps = [stamp for (stamp,) in _sql(fresh_url, "SELECT settings_stamp FROM sites")]
    assert len(stamps) == 2 and len(set(stamps)) == 2
    assert all(len(stamp) == 32 for stamp in stamps)
    run_flask(fresh_url, "db", "downgrade", BEFORE)
    assert "settings_stamp" not in _site_columns(fresh_url)
    assert len(_sql(fresh_url, "SELECT id FROM sites")) == 2
