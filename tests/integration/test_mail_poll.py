"""`flask mail poll` and the scheduled poll against an in-process IMAP server
(tests/support/imap.py): every unseen message ingested, each in its own transaction, and
flagged \\Seen only after its commit; a bad message never blocks the others."""


import pytest
from sqlalchemy import func, select

from extensions import db
from mailin import poll
from mailin.models import InboundMail
from tests.support.imap import FakeImap
from tests.support.mail import eml, grand_hotel, mail_config
from tickets.models import Ticket


@pytest.fixture
def app_config(tmp_path):
    return mail_config(tmp_path)


@pytest.fixture
def hotel(app, make_site):
    return grand_hotel(make_site)


@pytest.fixture
def mailbox(app, hotel):
    with FakeImap() as server:
        app.config["IMAP_URL"] = server.url()
        yield server


def statuses() -> dict[str, str]:
    db.session.expire_all()
    return dict(db.session.execute(select(InboundMail.message_id, InboundMail.status)).all())


def tickets() -> int:
    return db.session.scalar(select(func.count()).select_from(Ticket))


def test_every_unseen_message_is_ingested_and_a_bad_one_blocks_nothing(runner, mailbox):
    already_seen = mailbox.add(eml("html_only.eml"), seen=True)
    uids = [mailbox.add(eml(name)) for name in
            ("plain.eml", "malformed.eml", "subject_gb2312.eml", "auto_reply.eml",
             "photo.eml")]
    result = runner.invoke(args=["mail", "poll"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Mail: ignored 1, malformed 1, opened 3"
    assert tickets() == 3
    found = statuses()
    assert found["<plain-0001@mail.example.com>"] == "opened"
    assert found["<gb2312-0001@mail.example.com>"] == "opened"
    assert found["<photo-0001@mail.example.org>"] == "opened"
    assert found["<auto-0001@mail.example.com>"] == "ignored"
    assert sorted(found.values()).count("malformed") == 1
    assert "<html-0001@mail.example.net>" not in found  # already seen: left alone
    assert all(mailbox.seen(uid) for uid in [*uids, already_seen])
    assert not any("RFC822)" in line or "BODY[]" in line for line in mailbox.commands), \
        "fetching must not set \\Seen before the commit"


def test_a_message_is_flagged_seen_only_after_its_commit(runner, app, mailbox):
    engine = db.engine
    committed_at_store = {}

    def on_store(uid, flags):
        with engine.connect() as other_connection:  # sees committed rows only
            committed_at_store[uid] = other_connection.execute(
                select(func.count()).select_from(InboundMail)).scalar_one()

    mailbox.on_store = on_store
    first, second = mailbox.add(eml("plain.eml")), mailbox.add(eml("subject_utf8.eml"))
    assert runner.invoke(args=["mail", "poll"]).exit_code == 0
    assert committed_at_store == {first: 1, second: 2}


def test_a_second_poll_ingests_nothing(runner, mailbox):
    mailbox.add(eml("plain.eml"))
    assert runner.invoke(args=["mail", "poll"]).output.strip() == "Mail: opened 1"
    again = runner.invoke(args=["mail", "poll"])
    assert (again.exit_code, again.output.strip()) == (0, "No unseen mail.")
    assert tickets() == 1 and len(statuses()) == 1


def test_a_message_left_unseen_after_its_commit_is_a_duplicate_next_time(runner, mailbox):
    uid = mailbox.add(eml("plain.eml"))
    assert runner.invoke(args=["mail", "poll"]).exit_code == 0
    mailbox.mark_unseen(uid)  # as if the connection broke between commit and STORE
    again = runner.invoke(args=["mail", "poll"])
    assert again.output.strip() == "Mail: duplicate 1"
    assert tickets() == 1 and mailbox.seen(uid)


def test_a_message_whose_ingest_fails_stays_unseen_and_the_others_go_on(runner, mailbox,
                                                                       monkeypatch):
    from mailin import ingest as ingest_module

    real = ingest_module.ingest

    def flaky(raw, now, site_name=None, *, size=None):
        if b"Breakfast was cold" in raw:
            raise RuntimeError("the disk is full")
        return real(raw, now, site_name, size=size)

    monkeypatch.setattr(poll, "ingest", flaky)
    first = mailbox.add(eml("plain.eml"))
    failing = mailbox.add(eml("html_only.eml"))
    last = mailbox.add(eml("subject_utf8.eml"))
    result = runner.invoke(args=["mail", "poll"])
    assert result.exit_code == 0
    assert result.output.strip() == "Mail: failed 1, opened 2"
    assert mailbox.seen(first) and mailbox.seen(last) and not mailbox.seen(failing)
    assert tickets() == 2


def test_a_message_over_the_limit_is_held_from_its_header_alone(runner, app, mailbox):
    app.config["MAIL_MAX_BYTES"] = 1000
    uid = mailbox.add(eml("photo.eml"))
    assert runner.invoke(args=["mail", "poll"]).output.strip() == "Mail: malformed 1"
    assert any("BODY.PEEK[HEADER]" in line for line in mailbox.commands)
    mail = db.session.scalars(select(InboundMail)).one()
    assert mail.size == len(eml("photo.eml")) and mail.reason.startswith("too big")
    assert mail.raw.endswith(b"\r\n\r\n") and b"/9j/" not in mail.raw
    assert mailbox.seen(uid)


def test_no_imap_url_is_a_clean_error(runner, app, hotel):
    app.config["IMAP_URL"] = ""
    result = runner.invoke(args=["mail", "poll"])
    assert result.exit_code == 2
    assert result.output.strip() == "Error: IMAP_URL is not set: nowhere to fetch mail from."


def test_a_wrong_password_is_one_line_and_never_shows_the_password(runner, app, mailbox):
    app.config["IMAP_URL"] = mailbox.url(password="wrong-secret")
    mailbox.add(eml("plain.eml"))
    result = runner.invoke(args=["mail", "poll"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: the mailbox cannot be reached (")
    assert "wrong-secret" not in result.output and "Traceback" not in result.output
    assert tickets() == 0


def test_an_unreachable_server_is_one_line(runner, app, hotel):
    from tests.support.servers import free_port

    app.config["IMAP_URL"] = f"imap://desk:pw@127.0.0.1:{free_port()}/INBOX"
    result = runner.invoke(args=["mail", "poll"])
    assert result.exit_code == 1 and result.output.startswith("Error: the mailbox cannot")


@pytest.mark.parametrize("url,settings", [
    ("imaps://desk%40grand.example.com:p%40ss%20word@mail.example.com/INBOX",
     ("imaps", "mail.example.com", 993, "desk@grand.example.com", "p@ss word", "INBOX", False)),
    ("imap://desk:pw@127.0.0.1:1143/Complaints?starttls=1",
     ("imap", "127.0.0.1", 1143, "desk", "pw", "Complaints", True)),
    ("imap://desk:pw@mail.example.com", ("imap", "mail.example.com", 143, "desk", "pw",
                                         "INBOX", False)),
])
def test_imap_urls_are_read(url, settings):
    read = poll.parse_imap_url(url)
    assert ("imaps" if read.secure else "imap", read.host, read.port, read.user,
            read.password, read.mailbox, read.starttls) == settings


@pytest.mark.parametrize("url", ["http://desk:pw@host/INBOX", "imap://host/INBOX",
                                 "imaps://desk:pw@host:99999/INBOX", "not a url"])
def test_bad_imap_urls_are_refused(url):
    with pytest.raises(poll.ImapProblem):
        poll.parse_imap_url(url)


def test_the_scheduler_polls_every_minute_only_when_imap_url_is_set(app, mailbox):
    from datetime import timedelta

    from jobs import schedule

    built = schedule.build_scheduler(app, blocking=False)
    built.start(paused=True)
    try:
        job = built.get_job("mail-poll")
        assert job is not None and job.trigger.interval == timedelta(minutes=1)
    finally:
        built.shutdown(wait=False)
    app.config["IMAP_URL"] = ""
    unset = schedule.build_scheduler(app, blocking=False)
    unset.start(paused=True)
    try:
        assert unset.get_job("mail-poll") is None
    finally:
        unset.shutdown(wait=False)


def test_the_scheduled_poll_ingests_and_never_raises(app, mailbox, caplog):
    from jobs import schedule

    mailbox.add(eml("plain.eml"))
    schedule.run_mail_poll(app)
    assert tickets() == 1
    app.config["IMAP_URL"] = mailbox.url(password="wrong")
    schedule.run_mail_poll(app)  # logged, not raised
    assert "mail poll: the mailbox cannot be reached" in caplog.text
