"""The public complaint form (`/complain/<code>`): a guest opens a ticket without signing in.

Success opens an unclassified `web` ticket in `new` for the site's customer (found by phone
or e-mail, else created in the page's language), keeps the photos, tells the site's staff,
and redirects to a thanks page with the reference and when we will be in touch (in the
site's zone). Refusals — field errors, a bad photo, a missing CSRF token, the rate limit —
show the form again with what was typed and create nothing; a robot's honeypot gets a
thank-you page and creates nothing.
"""

import io
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from core import clock
from customers.models import Customer
from customers.services import CustomerInput, create_customer
from extensions import db, limiter
from notifications.models import Notification
from outbox.models import OutboxMessage
from tickets.models import Attachment, Ticket, TicketEvent

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Shanghai, Monday 21:00 in NYC
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
GUEST = {"name": "Wang Fang", "phone": "138 0013 8000", "email": "", "kind": "broken",
         "description": "The shower in room 1208 is broken and the floor is wet",
         "desired_outcome": "Fix it today or move me", "booking_ref": "BK-7731"}


@pytest.fixture(autouse=True)
def fresh_limits(app, tmp_path):
    """Each test starts with no complaints counted, photos kept in a scratch folder."""
    limiter.reset()
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    clock.set_now(T0)
    yield
    limiter.reset()


@pytest.fixture
def site(make_site):
    return make_site(name="Bund Hotel", timezone="Asia/Shanghai")


def _tables() -> dict[str, int]:
    db.session.rollback()
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Ticket, Customer, Attachment, TicketEvent, Notification,
                          OutboxMessage)}


def _post(client, code="bund-hotel", headers=None, photos=(), **changes):
    data = {**GUEST, **changes}
    if photos:
        data["photos"] = [(io.BytesIO(content), name) for content, name in photos]
    return client.post(f"/complain/{code}", data=data, headers=headers or {},
                       content_type="multipart/form-data")


def _only_ticket() -> Ticket:
    db.session.rollback()
    return db.session.scalars(select(Ticket)).one()


def test_the_form_is_public_and_asks_in_plain_words(client, site):
    page = client.get("/complain/bund-hotel")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Bund Hotel" in html and "Something was broken, dirty or missing" in html
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html
    assert "<script" not in html and "style=" not in html
    honeypot = re.search(r'<div class="hp-field"[^>]*>.*?name="website"', html, re.S)
    assert honeypot, "the honeypot is hidden by its class, not an inline style"
    for jargon in ("tangibles", "SERVQUAL", "responsiveness"):
        assert jargon not in html


def test_a_sent_complaint_opens_an_unclassified_web_ticket_and_says_when_we_answer(
        client, site):
    response = _post(client)
    assert response.status_code == 303
    thanks = response.headers["Location"]
    ticket = _only_ticket()
    assert (ticket.status, ticket.channel, ticket.category_id, ticket.dimension) == (
        "new", "web", None, "tangibles")
    assert ticket.opened_by_id is None and not ticket.is_classified
    assert ticket.description == GUEST["description"]
    assert (ticket.desired_outcome, ticket.booking_ref) == ("Fix it today or move me", "BK-7731")
    assert ticket.customer.name == "Wang Fang" and ticket.customer.locale == "en"
    assert ticket.first_response_due is not None and ticket.first_response_due > T0
    assert ticket.version == len(ticket.events) == 1
    assert ticket.ref not in thanks and f"/{ticket.id}" not in thanks, "no number to change"

    page = client.get(thanks)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert ticket.ref in html
    local = ticket.first_response_due.astimezone(ZoneInfo("Asia/Shanghai"))
    expected = f"{local:%A} {local.day} {local:%B}, {local:%H:%M} (Shanghai time)"
    assert f"We will contact you by {expected}." in html
    assert re.search(r'href="/status/[^"]+"', html), "the link to the status page"


def test_the_due_time_is_told_in_the_sites_own_zone(client, make_site):
    make_site(name="Harbour Inn", timezone="America/New_York")
    response = _post(client, code="harbour-inn")
    ticket = _only_ticket()
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    local = ticket.first_response_due.astimezone(ZoneInfo("America/New_York"))
    assert f"{local:%H:%M} (New York time)" in html
    shanghai = ticket.first_response_due.astimezone(ZoneInfo("Asia/Shanghai"))
    assert shanghai.strftime("%H:%M") != local.strftime("%H:%M")


def test_the_thanks_page_cannot_be_guessed(client, site):
    thanks = _post(client).headers["Location"]
    token = thanks.split("/thanks/")[1].split("?")[0]
    assert client.get(f"/complain/thanks/{token}").status_code == 200
    for guess in (f"{token}x", "1", "SR-000001"):
        missing = client.get(f"/complain/thanks/{guess}")
        assert missing.status_code == 404 and "SR-" not in missing.get_data(as_text=True)


@pytest.mark.parametrize("contact", [{"phone": "138-0013-8000", "email": ""},
                                     {"phone": "", "email": "WANG.Fang@Example.com"}])
def test_a_known_guest_is_matched_by_phone_or_by_e_mail(client, site, contact):
    known = create_customer(site.id, CustomerInput(name="Fang Wang", phone="13800138000",
                                                   email="wang.fang@example.com"))
    db.session.commit()
    assert _post(client, **contact).status_code == 303
    ticket = _only_ticket()
    assert ticket.customer_id == known.id
    assert db.session.scalar(select(func.count(Customer.id))) == 1


def test_a_guest_of_another_site_is_not_matched(client, site, make_site):
    other = make_site(name="Harbour Inn")
    create_customer(other.id, CustomerInput(name="Wang Fang", phone="13800138000"))
    db.session.commit()
    assert _post(client).status_code == 303
    assert _only_ticket().customer.site_id == site.id


def test_photos_are_kept_with_the_ticket_as_the_guests(client, site, app):
    response = _post(client, photos=[(PNG, "shower.png"), (b"%PDF-1.7\n" + b"x" * 40,
                                                          "receipt.pdf")])
    assert response.status_code == 303, response.get_data(as_text=True)
    ticket = _only_ticket()
    kept = sorted((a.file_name, a.content_type, a.uploaded_by_id) for a in ticket.attachments)
    assert kept == [("receipt.pdf", "application/pdf", None), ("shower.png", "image/png", None)]
    assert ticket.version == len(ticket.events) == 3
    assert [e.action for e in ticket.events] == ["opened", "add_attachment", "add_attachment"]
    assert all(e.actor_id is None for e in ticket.events)
    from tickets.attachments import path_of

    photo = next(a for a in ticket.attachments if a.file_name == "shower.png")
    assert path_of(photo.storage_key).read_bytes() == PNG


@pytest.mark.parametrize("content, name, words", [
    (b"MZ\x90\x00 not a photo", "photo.exe", "is not a photo or a PDF we can open"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "drawing.svg",
     "is not a photo or a PDF we can open"),
])
def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_kept(client, site, content,
                                                                    name, words):
    before = _tables()
    response = _post(client, photos=[(PNG, "fine.png"), (content, name)])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"“{name}” {words}." in html
    assert GUEST["description"] in html and 'value="BK-7731"' in html
    assert _tables() == before


def test_too_many_photos_are_refused(client, site):
    before = _tables()
    response = _post(client, photos=[(PNG, f"p{n}.png") for n in range(6)])
    assert response.status_code == 422
    assert "Send at most 5 photos." in response.get_data(as_text=True)
    assert _tables() == before


def test_field_errors_keep_what_was_typed_and_name_each_field(client, site):
    before = _tables()
    response = _post(client, name="", phone="", email="", kind="", description="")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("Tell us your name.", "Choose the answer that comes closest.",
                    "Tell us what happened, in your own words.",
                    "Give a phone number or an e-mail address, so that we can answer you."):
        assert message in html
    assert "Fix it today or move me" in html and 'value="BK-7731"' in html
    bad = _post(client, phone="12", email="not an address", description="Still wet")
    bad_html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Give a phone number with 5 to 20 digits." in bad_html
    assert "Enter an e-mail address such as name@example.com." in bad_html
    assert "Still wet" in bad_html and 'value="Wang Fang"' in bad_html
    assert _tables() == before


def test_too_long_words_are_refused_next_to_the_field(client, site):
    before = _tables()
    response = _post(client, description="x" * 5001)
    assert response.status_code == 422
    assert "Please keep this under 5000 characters." in response.get_data(as_text=True)
    assert _tables() == before


def test_a_filled_honeypot_looks_like_success_and_creates_nothing(client, site):
    before = _tables()
    response = _post(client, website="http://cheap-pills.example")
    assert response.status_code == 200
    assert "Thank you for telling us" in response.get_data(as_text=True)
    assert "SR-" not in response.get_data(as_text=True)
    assert _tables() == before


@pytest.mark.parametrize("code", ["no-such-hotel", "x", "ADMIN"])
def test_an_unknown_code_is_a_polite_404(client, site, code):
    for method in ("GET", "POST"):
        response = client.open(f"/complain/{code}", method=method, data=GUEST)
        assert response.status_code == 404
        assert "We could not find this page" in response.get_data(as_text=True)
    assert _tables()["tickets"] == 0


@pytest.mark.parametrize("code", ["bund%00hotel", "BUND-HOTEL%00", "%ED%A0%80", "b%C3%BCnd",
                                  "%D9%A1%D9%A2%D9%A3", "bund-hotel" * 30])
def test_a_hostile_code_is_a_polite_404(client, site, code):
    for method in ("GET", "POST"):
        response = client.open(f"/complain/{code}", method=method, data=GUEST)
        assert response.status_code == 404, (code, method)
    assert _tables()["tickets"] == 0


@pytest.mark.parametrize("lang", ["de", "EN", "zh", "en%0D%0AX-Evil:%201", "%D9%A1"])
def test_a_hostile_language_is_ignored_and_never_repeated(client, site, lang):
    page = client.get(f"/complain/bund-hotel?lang={lang}")
    assert page.status_code == 200 and "Tell us what went wrong" in page.get_data(as_text=True)
    moved = client.get(f"/complain/Bund-Hotel?lang={lang}")
    assert moved.status_code == 301
    assert moved.headers["Location"].endswith("/complain/bund-hotel")


def test_a_site_whose_form_is_off_has_no_form(client, site):
    site.public_code = None
    db.session.commit()
    assert client.get("/complain/bund-hotel").status_code == 404


def test_a_capitalised_code_leads_to_the_form(client, site):
    response = client.get("/complain/Bund-Hotel?lang=zh_Hans")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/complain/bund-hotel?lang=zh_Hans")


def test_the_page_speaks_chinese_to_a_chinese_browser_and_the_guest_keeps_it(client, site):
    chinese = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}
    page = client.get("/complain/bund-hotel", headers=chinese)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'lang="zh-Hans"' in html and "告诉我们哪里出了问题" in html
    assert "Something was broken" not in html
    response = _post(client, headers=chinese)
    assert response.status_code == 303 and "lang=zh_Hans" in response.headers["Location"]
    ticket = _only_ticket()
    assert ticket.customer.locale == "zh_Hans"
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    local = ticket.first_response_due.astimezone(ZoneInfo("Asia/Shanghai"))
    assert ticket.ref in thanks
    assert f"{local.month}月{local.day}日" in thanks and "（上海时间）" in thanks


def test_the_language_can_be_chosen_on_the_page(client, site):
    html = client.get("/complain/bund-hotel?lang=zh_Hans").get_data(as_text=True)
    assert "告诉我们哪里出了问题" in html
    english = client.get("/complain/bund-hotel?lang=en",
                         headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "Tell us what went wrong" in english


def test_the_sites_staff_on_duty_are_told(client, site, make_user, make_site):
    desk = make_user("front_desk", site=site)
    supervisor = make_user("supervisor", site=site)
    manager = make_user("manager", site=site)
    elsewhere = make_user("front_desk", site=make_site(name="Harbour Inn"))
    assert _post(client).status_code == 303
    ticket = _only_ticket()
    told = {n.recipient_id: n for n in db.session.scalars(select(Notification))}
    assert set(told) == {desk.id, supervisor.id}
    assert manager.id not in told and elsewhere.id not in told
    message = told[desk.id].message
    assert message == f"{ticket.ref}: a guest complained through the web form. Own it."
    assert told[desk.id].ticket_id == ticket.id and told[desk.id].kind == "customer_opened"


def test_an_inactive_colleague_is_not_told(client, site, make_user):
    from auth.models import User

    desk = make_user("front_desk", site=site)
    gone = make_user("front_desk", site=site)
    db.session.get(User, gone.id).active = False
    db.session.commit()
    assert _post(client).status_code == 303
    assert set(db.session.scalars(select(Notification.recipient_id))) == {desk.id}


class TestCsrf:
    """CSRF on, as in production."""

    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_a_complaint_without_its_token_is_refused_keeps_the_words_and_creates_nothing(
            self, client, site):
        before = _tables()
        response = _post(client)
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "This page was open too long or came from elsewhere" in html
        assert GUEST["description"] in html and 'value="Wang Fang"' in html
        assert _tables() == before

    def test_with_its_token_the_complaint_goes_through(self, client, site):
        from tests.conftest import csrf_token_on

        token = csrf_token_on(client, "/complain/bund-hotel")
        assert token
        response = client.post("/complain/bund-hotel", data={**GUEST, "csrf_token": token})
        assert response.status_code == 303
        assert _only_ticket().channel == "web"


class TestRateLimit:
    """Two complaints a minute from one address (the limit is read from the config)."""

    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_COMPLAINT": "2 per minute"}

    def test_the_third_complaint_in_a_minute_is_refused_with_the_words_kept(
            self, client, site):
        assert _post(client).status_code == 303
        assert _post(client, description="Second: the kettle is broken").status_code == 303
        before = _tables()
        refused = _post(client, description="Third: nobody answers the phone")
        html = refused.get_data(as_text=True)
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 61
        assert "Too many complaints were sent from your connection" in html
        assert "Third: nobody answers the phone" in html and 'value="Wang Fang"' in html
        assert _tables() == before

    def test_the_limit_counts_per_client_address(self, client, site):
        for _ in range(2):
            assert _post(client).status_code == 303
        assert _post(client).status_code == 429
        other = client.post("/complain/bund-hotel", data=GUEST,
                            environ_base={"REMOTE_ADDR": "203.0.113.9"})
        assert other.status_code == 303

    def test_reading_the_form_is_not_limited(self, client, site):
        for _ in range(5):
            assert client.get("/complain/bund-hotel").status_code == 200

    def test_a_refused_complaint_in_chinese_says_why_in_chinese(self, client, site):
        chinese = {"Accept-Language": "zh-CN"}
        for _ in range(2):
            _post(client, headers=chinese)
        refused = _post(client, headers=chinese)
        assert refused.status_code == 429
        assert 'lang="zh-Hans"' in refused.get_data(as_text=True)

    def test_past_the_limit_an_unknown_address_gets_the_plain_429_page(self, client, site):
        for _ in range(2):
            assert _post(client).status_code == 303
        refused = client.post("/complain/no-such-hotel", data=GUEST)
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) >= 1
        assert "Too many attempts" in refused.get_data(as_text=True)


class TestBehindAProxy:
    """With TRUSTED_PROXIES=1 the limit counts the guest's address from X-Forwarded-For,
    not the proxy's; without it a forged header changes nothing."""

    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_COMPLAINT": "1 per minute", "TRUSTED_PROXIES": 1}

    def test_each_guest_behind_the_proxy_has_their_own_limit(self, client, site):
        guest = {"X-Forwarded-For": "198.51.100.7"}
        assert _post(client, headers=guest).status_code == 303
        assert _post(client, headers=guest).status_code == 429
        assert _post(client, headers={"X-Forwarded-For": "198.51.100.8"}).status_code == 303


def test_without_trusted_proxies_a_forwarded_header_is_ignored(app, client, site):
    app.config["RATELIMIT_COMPLAINT"] = "1 per minute"
    assert _post(client, headers={"X-Forwarded-For": "198.51.100.7"}).status_code == 303
    assert _post(client, headers={"X-Forwarded-For": "198.51.100.8"}).status_code == 429
