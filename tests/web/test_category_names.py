"""Categories have an English and a Chinese name: managers edit both, the defaults ship
with both, and every page, the weekly report, its CSV and the API show the reader's."""

import csv
import io
from datetime import UTC, datetime

from sqlalchemy import func, select

from core import clock
from extensions import db
from tickets.categories import (
    DEFAULT_CATEGORIES,
    DEFAULT_CHINESE_NAMES,
    ensure_default_categories,
    names_by_english,
)
from tickets.models import Category

CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9"}
ENGLISH = {"Accept-Language": "en"}
WEEK = "2026-W48"
IN_WEEK = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
AFTER = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _named(name: str) -> Category:
    return db.session.scalars(select(Category).where(Category.name == name)).one()


def test_every_default_ships_with_a_distinct_chinese_name(app):
    ensure_default_categories()
    db.session.commit()
    defaults = [name for names in DEFAULT_CATEGORIES.values() for name in names]
    assert set(DEFAULT_CHINESE_NAMES) == set(defaults)
    assert len(set(DEFAULT_CHINESE_NAMES.values())) == len(defaults)
    stored = dict(db.session.execute(select(Category.name, Category.name_zh)).all())
    assert stored == DEFAULT_CHINESE_NAMES
    assert names_by_english("zh_Hans")["Cleanliness"] == "清洁卫生"
    assert names_by_english("en")["Cleanliness"] == "Cleanliness"


def test_a_manager_adds_a_category_with_both_names(client, login):
    login("manager")
    response = client.post("/admin/categories/", data={
        "name": "Wi-Fi down", "name_zh": "无线网络故障", "dimension": "tangibles", "active": "y"})
    assert response.status_code == 302
    added = _named("Wi-Fi down")
    assert (added.name_zh, added.dimension, added.active) == ("无线网络故障", "tangibles", True)
    listing = _text(client.get("/admin/categories/"))
    assert "无线网络故障" in listing and "Wi-Fi down" in listing


def test_a_category_needs_both_names_and_each_is_unique(client, login):
    ensure_default_categories()
    db.session.commit()
    login("manager")
    before = db.session.scalar(select(func.count(Category.id)))
    missing = client.post("/admin/categories/", data={
        "name": "Wi-Fi down", "name_zh": "", "dimension": "tangibles", "active": "y"})
    assert missing.status_code == 422
    clash = client.post("/admin/categories/", data={
        "name": "Wi-Fi down", "name_zh": "清洁卫生", "dimension": "tangibles", "active": "y"},
        headers=CHINESE)
    assert clash.status_code == 422
    assert "已有名为“清洁卫生”的类别。" in _text(clash)
    assert db.session.scalar(select(func.count(Category.id))) == before


def test_the_service_names_each_bad_field(app):
    from core.messages import Message
    from core.validation import ValidationFailed
    from tickets.categories import save_category

    ensure_default_categories()
    try:
        save_category("noise", "weather", True, name_zh="")
    except ValidationFailed as failed:
        reasons = failed.fields
    else:
        raise AssertionError("accepted a clash, no Chinese name and an unknown dimension")
    assert {field: reason.code for field, reason in reasons.items()} == {
        "name": "category.name_taken", "name_zh": "category.name_required",
        "dimension": "category.dimension_required"}
    assert all(isinstance(reason, Message) for reason in reasons.values())


def test_a_manager_edits_both_names(client, login):
    ensure_default_categories()
    db.session.commit()
    login("manager")
    noise = _named("Noise")
    page = _text(client.get(f"/admin/categories/{noise.id}", headers=CHINESE))
    assert 'value="噪音"' in page and 'value="Noise"' in page
    response = client.post(f"/admin/categories/{noise.id}", data={
        "name": "Noise at night", "name_zh": "夜间噪音", "dimension": "tangibles", "active": "y"})
    assert response.status_code == 302
    db.session.refresh(noise)
    assert (noise.name, noise.name_zh) == ("Noise at night", "夜间噪音")


def test_a_category_without_a_chinese_name_shows_its_english_one_and_is_flagged(
        client, login):
    ensure_default_categories()
    db.session.add(Category(name="Parking", dimension="tangibles", active=True))
    db.session.commit()
    assert names_by_english("zh_Hans")["Parking"] == "Parking"
    login("manager")
    listing = _text(client.get("/admin/categories/", headers=CHINESE))
    assert 'id="categories-missing-chinese"' in listing and "1 个" in listing


def test_pages_show_the_readers_name(client, login, make_ticket):
    ensure_default_categories()
    ticket = make_ticket(category_id=_named("Cleanliness").id, dimension="tangibles")
    login(user=ticket.owner)
    chinese = _text(client.get(f"/tickets/{ticket.ref}", headers=CHINESE))
    english = _text(client.get(f"/tickets/{ticket.ref}", headers=ENGLISH))
    assert "清洁卫生" in chinese and "Cleanliness" not in chinese
    assert "Cleanliness" in english and "清洁卫生" not in english
    mine = _text(client.get("/tickets/mine", headers=CHINESE))
    assert "清洁卫生" in mine
    form = _text(client.get("/tickets/new", headers=CHINESE))
    assert "预订出错" in form and "Booking error" not in form


def test_the_weekly_report_and_its_csv_name_categories_in_the_readers_language(
        client, login, make_user, make_ticket):
    ensure_default_categories()
    clock.set_now(IN_WEEK)
    ticket = make_ticket(category_id=_named("Cleanliness").id, dimension="tangibles")
    clock.set_now(AFTER)
    login(user=make_user("manager", site=ticket.site))
    query = f"week={WEEK}&site={ticket.site_id}"
    page = _text(client.get(f"/reports/weekly?{query}", headers=CHINESE))
    assert '<th scope="row">清洁卫生</th>' in page
    english = _text(client.get(f"/reports/weekly?{query}", headers=ENGLISH))
    assert '<th scope="row">Cleanliness</th>' in english
    for headers, shown in ((CHINESE, "清洁卫生"), (ENGLISH, "Cleanliness")):
        download = _text(client.get(f"/reports/weekly.csv?{query}", headers=headers))
        rows = [row for row in csv.DictReader(io.StringIO(download))
                if row["section"] == "by_category"]
        assert rows and {row["category"] for row in rows} == {shown}
        assert all(row["figure"].startswith("Cleanliness ") for row in rows), \
            "figure names stay the same in every language"


def test_the_api_gives_both_names(client, make_ticket):
    from auth.tokens import create_token

    ensure_default_categories()
    ticket = make_ticket(category_id=_named("Cleanliness").id, dimension="tangibles")
    _token, plain = create_token(ticket.owner, "tests", clock.utcnow())
    db.session.commit()
    headers = {"Authorization": f"Bearer {plain}"}
    listed = client.get("/api/v1/categories", headers=headers).get_json()["categories"]
    assert {"name": "Cleanliness", "name_zh": "清洁卫生"}.items() <= next(
        c for c in listed if c["name"] == "Cleanliness").items()
    body = client.get(f"/api/v1/tickets/{ticket.ref}", headers=headers).get_json()
    assert (body["category"], body["category_zh"]) == ("Cleanliness", "清洁卫生")
