"""`flask backup PATH` and `flask restore PATH`: a consistent copy taken while tickets keep
being written, restored into a fresh empty database that the checker finds clean; a
restore into a database that is not empty is refused and changes nothing."""

import json
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import create_app
from auth.models import User
from core.clock import utcnow
from customers.services import CustomerInput
from extensions import db
from maintenance import pgtools
from maintenance.integrity import check_integrity
from sites.models import Site
from tests.conftest import PostgresScratch
from tickets.actions import perform
from tickets.attachments import path_of
from tickets.categories import active_categories, ensure_default_categories
from tickets.intake import NewTicket, open_ticket
from tickets.models import Attachment, Ticket

WRITES = 50
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def app_config(tmp_path):
    return {"UPLOAD_DIR": str(tmp_path / "uploads")}


@pytest.fixture
def empty_url(database_url, tmp_path):
    """A second, empty database on the same engine: a new SQLite file, or a throw-away
    PostgreSQL database created and dropped here."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    scratch = PostgresScratch("restore")
    yield scratch.create()
    scratch.drop()


def _other_app(url: str, upload_dir: Path):
    return create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret",
        "SCHEDULER_ENABLED": False, "SERVER_NAME": "localhost", "UPLOAD_DIR": str(upload_dir),
    })


def _new_ticket(opener: User, site: Site, number: int) -> Ticket:
    now = utcnow()
    return open_ticket(opener, NewTicket(
        site=site, channel="phone", dimension="reliability",
        category_id=active_categories()[0].id, severity="medium",
        description=f"Written during the backup, number {number}",
        customer=CustomerInput(name=f"Writer guest {number}", phone=f"1390000{number:04d}"),
        own_now=True,
        ownership={"acknowledgement": "Apologised on the phone",
                   "next_contact_by": now + timedelta(hours=2)},
    ), now)


def _keep_writing(app, opener_id: int, site_id: int, committed: list, running: threading.Event):
    """Open WRITES tickets through the domain, one commit each; `running` is set once ten
    are committed (or when the writer stops)."""
    with app.app_context():
        try:
            opener, site = db.session.get(User, opener_id), db.session.get(Site, site_id)
            for number in range(WRITES):
                ticket = _new_ticket(opener, site, number)
                db.session.commit()
                committed.append(ticket.id)
                if len(committed) == 10:
                    running.set()
        finally:
            db.session.remove()
            running.set()


@pytest.fixture
def desk(make_user, make_ticket):
    ensure_default_categories()
    user = make_user("front_desk")
    ticket = make_ticket(owner=user)
    perform(ticket, "add_attachment", user, {"content": PNG, "file_name": "receipt.png"},
            version=None, now=utcnow())
    db.session.commit()
    return user


def _backup_under_load(app, runner, desk, path: Path) -> set[int]:
    """Take a backup while another thread writes; returns the ids committed before it."""
    committed, running = [], threading.Event()
    writer = threading.Thread(target=_keep_writing,
                              args=(app, desk.id, desk.site_id, committed, running))
    already = set(db.session.scalars(select(Ticket.id)))
    writer.start()
    assert running.wait(timeout=60)
    before = already | set(committed)
    result = runner.invoke(args=["backup", str(path)])
    writer.join(timeout=120)
    assert not writer.is_alive()
    assert result.exit_code == 0, result.output
    assert len(committed) == WRITES
    return before


def test_a_backup_under_load_restores_clean_into_an_empty_database(
        app, runner, desk, empty_url, tmp_path):
    path = tmp_path / "backup"
    before = _backup_under_load(app, runner, desk, path)
    manifest = json.loads((path / "MANIFEST.json").read_text())
    assert manifest["engine"] == db.engine.dialect.name
    key = db.session.scalars(select(Attachment.storage_key)).one()

    other = _other_app(empty_url, tmp_path / "restored-uploads")
    with other.app_context():
        result = other.test_cli_runner().invoke(args=["restore", str(path)])
        assert result.exit_code == 0, result.output
        assert "1 uploaded file(s)" in result.output
        report = check_integrity()
        restored = set(db.session.scalars(select(Ticket.id)))
        assert path_of(key).read_bytes() == PNG
        db.session.remove()
        db.engine.dispose()
    assert report.clean, [f.line() for f in report.findings]
    assert before <= restored
    assert report.tickets == len(restored) >= len(before) > 10


def test_a_restore_into_a_database_that_is_not_empty_changes_nothing(
        app, runner, desk, tmp_path):
    path = tmp_path / "backup"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    make_more = _new_ticket(desk, desk.site, 1)
    db.session.commit()
    count = db.session.scalar(select(func.count(Ticket.id)))
    uploads = sorted(Path(app.config["UPLOAD_DIR"]).rglob("*"))
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: restore refused: the database is not empty; restore into a new, empty database"
    ]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Ticket.id))) == count
    assert db.session.get(Ticket, make_more.id) is not None
    assert sorted(Path(app.config["UPLOAD_DIR"]).rglob("*")) == uploads


def test_a_damaged_or_foreign_backup_is_refused_in_one_line(app, runner, desk, empty_url,
                                                            tmp_path):
    path = tmp_path / "backup"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    other = _other_app(empty_url, tmp_path / "restored-uploads")
    database = next(p for p in path.iterdir() if p.name.startswith("database."))
    database.write_bytes(database.read_bytes()[:-10] + b"0123456789")
    cases = {
        str(path): "the database copy is missing or damaged",
        str(tmp_path): "is not a Recovery Desk backup",
        "bad\x00path": "no NUL byte",
    }
    with other.app_context():
        for given, words in cases.items():
            result = other.test_cli_runner().invoke(args=["restore", given])
            assert result.exit_code == 1, result.output
            lines = result.output.strip().splitlines()
            assert len(lines) == 1 and words in lines[0], lines
            assert "Traceback" not in result.output
        db.engine.dispose()


def test_a_backup_never_overwrites(app, runner, desk, tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "keep.txt").write_text("mine")
    result = runner.invoke(args=["backup", str(tmp_path / "taken")])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert (tmp_path / "taken" / "keep.txt").read_text() == "mine"
    assert runner.invoke(args=["backup", str(tmp_path / "no" / "such")]).exit_code == 1
    assert not list(tmp_path.glob(".*partial*"))


def test_the_password_goes_to_a_private_pgpass_file_only(monkeypatch):
    """Neither the command line nor the environment of pg_dump holds the password."""
    from sqlalchemy.engine import make_url

    seen = {}

    def fake_run(arguments, env, **_options):
        seen["arguments"], seen["env"] = arguments, dict(env)
        seen["pgpass"] = Path(env["PGPASSFILE"]).read_text()
        seen["mode"] = Path(env["PGPASSFILE"]).stat().st_mode & 0o777

        class Done:
            returncode, stderr = 0, ""
        return Done()

    monkeypatch.setenv("PGPASSWORD", "inherited")
    monkeypatch.setattr(pgtools.subprocess, "run", fake_run)
    url = make_url("postgresql+psycopg://desk:pa:ss%5Cword@db.example:6543/desk?sslmode=require")
    pgtools.dump(url, Path("/tmp/out.dump"))
    assert not any("pa:ss" in part for part in seen["arguments"])
    assert not any("pa:ss" in value for value in seen["env"].values())
    assert "PGPASSWORD" not in seen["env"]
    assert seen["pgpass"] == "*:*:*:*:pa\\:ss\\\\word\n" and seen["mode"] == 0o600
    assert (seen["env"]["PGHOST"], seen["env"]["PGPORT"], seen["env"]["PGUSER"],
            seen["env"]["PGDATABASE"], seen["env"]["PGSSLMODE"]) == (
        "db.example", "6543", "desk", "desk", "require")
    assert not Path(seen["env"]["PGPASSFILE"]).exists()
