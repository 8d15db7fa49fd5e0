"""GET /api/v1/categories, /sites and /users: what an integration reads before it sends
anything — its content, the caller's scope, the filters and their refusals."""

from decimal import Decimal

import pytest

from api.schemas.discovery import CategoryList, SiteList, UserList
from auth.models import User
from extensions import db
from tickets.categories import DEFAULT_CATEGORIES, ensure_default_categories, save_category
from tickets.models import Category

SECRETS = ("email", "password", "password_hash", "token", "session_version", "last_login_at")


@pytest.fixture
def two_sites(make_site):
    home = make_site(name="Bund Hotel", hours="mon-fri 09:00-12:00,13:00-18:00; sat 10:00-16:00",
                     currency="CNY", front_desk_limit="150", supervisor_limit="1500.5",
                     intake_address="Desk@Bund.example")
    far = make_site(name="Far Hotel", timezone="Europe/Paris", currency="EUR")
    return home, far


def _get(client, headers, path, **query):
    return client.get(f"/api/v1{path}", query_string=query, headers=headers)


# --- categories -------------------------------------------------------------------------------


def test_categories_are_the_active_ones_in_the_forms_order(client, bearer, make_user):
    ensure_default_categories()
    retired = db.session.query(Category).filter_by(name="Noise").one()
    save_category("Noise", "tangibles", False, retired, name_zh=retired.name_zh)
    added = save_category("Wi-Fi down", "reliability", True, name_zh="无线网络故障")
    db.session.commit()
    response = _get(client, bearer(make_user()), "/categories")
    assert response.status_code == 200
    body = CategoryList.model_validate(response.get_json())
    expected = sorted(
        [(dimension, name) for dimension, names in DEFAULT_CATEGORIES.items() for name in names
         if name != "Noise"] + [("reliability", "Wi-Fi down")])
    assert [(c.dimension, c.name) for c in body.categories] == expected
    assert {"id": added.id, "name": "Wi-Fi down", "name_zh": "无线网络故障",
            "dimension": "reliability"} in \
        response.get_json()["categories"]


def test_categories_need_a_token(client):
    response = client.get("/api/v1/categories")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


# --- sites -----------------------------------------------------------------------------------


def test_a_site_with_its_hours_money_and_addresses(client, bearer, make_user, two_sites, app):
    home, _far = two_sites
    response = _get(client, bearer(make_user("supervisor", site=home)), "/sites")
    assert response.status_code == 200
    SiteList.model_validate(response.get_json())
    slots = [{"opens": "09:00", "closes": "12:00"}, {"opens": "13:00", "closes": "18:00"}]
    assert response.get_json() == {"sites": [{
        "id": home.id,
        "name": "Bund Hotel",
        "timezone": "Asia/Shanghai",
        "hours": home.hours_spec,
        "always_open": False,
        "opening_hours": {"mon": slots, "tue": slots, "wed": slots, "thu": slots, "fri": slots,
                          "sat": [{"opens": "10:00", "closes": "16:00"}], "sun": []},
        "currency": "CNY",
        "front_desk_limit": "150.00",
        "supervisor_limit": "1500.50",
        "public_code": "bund-hotel",
        "complaint_url": app.config["SITE_URL"].rstrip("/") + "/complain/bund-hotel",
        "intake_address": "desk@bund.example",
    }]}


def test_managers_see_every_site_others_their_own(client, bearer, make_user, two_sites):
    home, far = two_sites
    manager = _get(client, bearer(make_user("manager", site=home)), "/sites").get_json()
    assert [s["name"] for s in manager["sites"]] == ["Bund Hotel", "Far Hotel"]
    paris = manager["sites"][1]
    assert (paris["timezone"], paris["currency"], paris["always_open"]) == (
        "Europe/Paris", "EUR", True)
    assert paris["opening_hours"]["sun"] == [{"opens": "00:00", "closes": "24:00"}]
    assert paris["front_desk_limit"] == f"{Decimal(far.front_desk_limit):.2f}"
    desk = _get(client, bearer(make_user("front_desk", site=far)), "/sites").get_json()
    assert [s["name"] for s in desk["sites"]] == ["Far Hotel"]


# --- users -----------------------------------------------------------------------------------


@pytest.fixture
def staff(make_user, two_sites):
    home, far = two_sites
    people = {
        "amy": make_user("front_desk", site=home, username="amy", display_name="Amy Desk",
                         email="amy@bund.example"),
        "bob": make_user("supervisor", site=home, username="bob", display_name="Bob Lead"),
        "cat": make_user("manager", site=far, username="cat", display_name="Cat Chief"),
        "dan": make_user("front_desk", site=far, username="dan", display_name="Dan Far"),
        "eve": make_user("supervisor", site=far, username="eve", display_name="Eve Far"),
        "gone": make_user("front_desk", site=home, username="gone", display_name="Al Gone"),
    }
    people["gone"].active = False
    db.session.commit()
    return people


def _usernames(response) -> list[str]:
    return [row.username for row in UserList.model_validate(response.get_json()).users]


def test_colleagues_of_my_site_and_every_manager(client, bearer, staff):
    response = _get(client, bearer(staff["amy"]), "/users")
    assert response.status_code == 200
    assert response.get_json() == {
        "users": [
            {"username": "amy", "display_name": "Amy Desk", "role": "front_desk",
             "site": "Bund Hotel"},
            {"username": "bob", "display_name": "Bob Lead", "role": "supervisor",
             "site": "Bund Hotel"},
            {"username": "cat", "display_name": "Cat Chief", "role": "manager",
             "site": "Far Hotel"},
        ],
        "page": 1, "per_page": 25, "total": 3, "pages": 1,
    }


def test_no_secret_member_is_ever_answered(client, bearer, staff):
    body = _get(client, bearer(staff["cat"]), "/users").get_json()
    assert body["users"]
    for row in body["users"]:
        assert set(row) == {"username", "display_name", "role", "site"}
        assert not set(row) & set(SECRETS)
    assert "amy@bund.example" not in str(body)


def test_role_filter_names_who_can_sign_off(client, bearer, staff):
    headers = bearer(staff["amy"])
    assert _usernames(_get(client, headers, "/users", role="supervisor")) == ["bob"]
    assert _usernames(_get(client, headers, "/users", role="manager")) == ["cat"]


def test_managers_see_every_site_or_one(client, bearer, staff):
    headers = bearer(staff["cat"])
    assert _usernames(_get(client, headers, "/users")) == ["amy", "bob", "cat", "dan", "eve"]
    assert _usernames(_get(client, headers, "/users", site="far hotel")) == ["cat", "dan", "eve"]


def test_site_outside_my_scope_or_unknown_is_422_naming_site(client, bearer, staff):
    headers = bearer(staff["amy"])
    for name in ("Far Hotel", "Nowhere"):
        response = _get(client, headers, "/users", site=name)
        assert response.status_code == 422
        error = response.get_json()["error"]
        assert error["code"] == "validation_failed"
        assert error["fields"] == {"site": f"No site called '{name}' that you may work at."}
    assert _usernames(_get(client, headers, "/users", site="Bund Hotel")) == ["amy", "bob", "cat"]


def test_unknown_role_is_422_naming_role(client, bearer, staff):
    response = _get(client, bearer(staff["amy"]), "/users", role="admin")
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"role"}


def test_users_by_page(client, bearer, staff):
    headers = bearer(staff["cat"])
    first = _get(client, headers, "/users", per_page=2).get_json()
    assert ([u["username"] for u in first["users"]], first["total"], first["pages"]) == (
        ["amy", "bob"], 5, 3)
    last = _get(client, headers, "/users", per_page=2, page=3).get_json()
    assert ([u["username"] for u in last["users"]], last["page"]) == (["eve"], 3)
    bad = _get(client, headers, "/users", per_page=101)
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"per_page"}


def test_a_deactivated_token_user_is_401(client, bearer, staff):
    headers = bearer(staff["amy"])
    db.session.get(User, staff["amy"].id).active = False
    db.session.commit()
    assert _get(client, headers, "/users").status_code == 401
