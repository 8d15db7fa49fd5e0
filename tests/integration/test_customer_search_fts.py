"""The customer search on SQLite reads its FTS5 trigram table `customers_search` (migration
f14e, customers.models): the plan of the real query, the same rows in the same order as a
plain LIKE over the customers table for tricky needles, a table every write keeps right
(insert, update, delete, erasure, a bulk load), the integrity check's view of it, and the
migration over existing customers. PostgreSQL's query does not change.
"""

import re

import pytest
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.orm import joinedload

from app import create_app
from core import clock
from customers.models import (
    SEARCH_REBUILD,
    SEARCH_TABLE,
    SEARCH_TABLE_DDL,
    SEARCH_TRIGGERS,
    Customer,
)
from customers.services import (
    CustomerInput,
    _match_query,
    create_customer,
    matching_customers,
    name_key,
    phone_digits,
    search_customers,
    update_customer,
)
from demo.bulk import seed_bulk
from extensions import db
from maintenance.integrity import check_integrity
from maintenance.search_checks import search_index_findings
from privacy.erasure import erase_customer
from tests.support.migrations import load_migration, run_flask

CUSTOMERS = [
    # name, phone, e-mail
    ("Li Wang", "+86 138 0013 8000", "li.wang@example.com"),
    ("Wang Li", "138-0013-9999", "WANG.LI@Example.org"),
    ("Xiaowang Zhang", "(021) 5555 0100", None),
    ("王小明", "１３９ ００００ １１１１", "xiaoming@example.cn"),
    ("小明", None, "ming@example.cn"),
    ("张三丰", "139 0000 2222", "zhang_san@example.com"),
    ("50% Off Club", "400 800 5050", "club@example.com"),
    ("a_b Travel", None, "a_b@example.com"),
    ("axb Tours", None, "axb@example.com"),
    ("100 Percent", "100 200 300", "percent%sign@example.com"),
    ("Zoë Müller", "+49 30 1234567", "ZOË@EXAMPLE.DE"),
    ("O'Brien \\ Sons", "353 1 555 0000", "obrien@example.ie"),
    ("ΟΔΟΣ Hotel", None, "odos@example.gr"),
    ('Say "Hi" Ltd', None, "say@example.com"),
    ("Star*Inn AND Co", None, "star@example.com"),
    ("Exampleton", "139 0013 8000", "li.wang.2@example.net"),
]
NEEDLES = [
    "wang", "WANG", "Wa", "li w", "i w", "王小明", "王小", "小明", "明", "丰", "张三", "50%", "%",
    "%%%", "_", "a_b", "a%b", "a%", "\\", "\\ s", "o'b", '"', '"hi"', 'say "', "star*",
    "and co", "NEAR(", "^li", "li.wang@", "LI.WANG@EX", "wang.li@ex", "@example", "example.com",
    "example", "138", "0013", "8613", "13800138000", "１３９", "139 0000", "zoë", "ZOË@", "zoë@",
    "mü", "zoe", "muller", "οδοσ", "οδος", "ΟΔΟΣ", "ab", "  ", "x", "xx", "xxx", ":",
    "{name_key}", "li:", "Exampleton", "l" * 100,
]
SCAN_CUSTOMERS = re.compile(r"^SCAN customers\b(?!_)")


def _sqlite_plan(stmt) -> list[str]:
    """SQLite's EXPLAIN QUERY PLAN of `stmt` as the app runs it, one line per step."""
    compiled = stmt.compile(dialect=db.engine.dialect,
                            compile_kwargs={"render_postcompile": True})
    values = tuple(compiled.params[name] for name in compiled.positiontup)
    rows = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}",
                                                   values).all()
    return [row[3] for row in rows]


def _assert_served_by_the_index(plan: list[str]) -> None:
    """The FTS5 table is read through its index (a MATCH: its idxStr names M) and each
    customer is looked up by id; the customers table is never scanned nor read by another
    index."""
    index_reads = [line for line in plan if re.fullmatch(
        rf"SCAN {SEARCH_TABLE} VIRTUAL TABLE INDEX \d+:\S*M\S*", line)]
    assert index_reads, plan
    assert "SEARCH customers USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
    assert not [line for line in plan if SCAN_CUSTOMERS.match(line)], plan
    assert not [line for line in plan if line.startswith("SEARCH customers USING INDEX")], plan


def _candidates(query: str) -> set[int]:
    """The ids the FTS5 index itself finds for the search `query` (it reads no customer:
    a customer deleted or changed behind its back would still be found)."""
    matched = _match_query(query)
    assert matched is not None and matched.index_query is not None, query
    return set(db.session.scalars(
        text(f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :q"),
        {"q": matched.index_query}))


def _plain_like(site_ids, query: str) -> list[int]:
    """The search's own condition and order over the customers table alone (no FTS5)."""
    matched = _match_query(query)
    if matched is None:
        return []
    stmt = (select(Customer.id).where(Customer.site_id.in_(site_ids), matched.condition)
            .order_by(*matched.order))
    return list(db.session.scalars(stmt))


def _insert_customers(site_id: int, rows) -> list[int]:
    values = [{"site_id": site_id, "name": name, "name_key": name_key(name), "phone": phone,
               "phone_digits": phone_digits(phone or "") or None, "email": email,
               "tier": "standard", "notes": "", "locale": "en", "created_at": clock.utcnow()}
              for name, phone, email in rows]
    stmt = insert(Customer).returning(Customer.id, sort_by_parameter_order=True)
    return list(db.session.scalars(stmt, values))


@pytest.fixture
def customers(app, make_site):
    """The tricky names at one site, and the same names at a second site."""
    home, other = make_site(name="FTS Home"), make_site(name="FTS Other")
    ids = _insert_customers(home.id, CUSTOMERS)
    _insert_customers(other.id, CUSTOMERS)
    db.session.commit()
    return home, other, ids


def _on_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


# --- the same rows as before ------------------------------------------------------------

def test_every_needle_finds_what_a_plain_like_over_the_table_finds(customers):
    home, other, _ids = customers
    for needle in NEEDLES:
        for site_ids in ([home.id], [home.id, other.id]):
            expected = _plain_like(site_ids, needle)
            found = db.session.scalars(matching_customers(site_ids, query=needle)).all()
            typed = search_customers(site_ids, needle, limit=100)
            assert [c.id for c in found] == expected, needle
            assert [c.id for c in typed] == expected, needle
    names = {needle: {c.name for c in search_customers([home.id], needle)}
             for needle in ("a_b", "50%", "王小", "王小明", "\\ s", '"hi"', "star*", "139 0000")}
    assert names == {"a_b": {"a_b Travel"}, "50%": {"50% Off Club"}, "王小": {"王小明"},
                     "王小明": {"王小明"}, "\\ s": {"O'Brien \\ Sons"}, '"hi"': {'Say "Hi" Ltd'},
                     "star*": {"Star*Inn AND Co"}, "139 0000": {"王小明", "张三丰"}}
    ranked = [c.name for c in search_customers([home.id], "wang")]
    assert ranked == ["Wang Li", "Li Wang", "Xiaowang Zhang"]
    assert {c.name for c in search_customers([home.id], "example")} == {"Exampleton"}
    assert search_customers([home.id], "zoe") == []  # diacritics count, as in LIKE
    assert {c.name for c in search_customers([home.id], "8613800138000")} == {"Li Wang"}
    assert {c.name for c in search_customers([home.id], "13800138000")} == set()


@pytest.mark.sqlite_only
def test_the_index_only_proposes_and_the_rules_decide(customers):
    """The trigram index folds the case of every letter (and Greek final sigma), where
    SQLite's LIKE folds only ASCII letters: the rules' LIKE, kept after the index, still
    decides. Needles under 3 characters have no trigram and read the customers table."""
    home, _other, ids = customers
    zoe, odos = ids[10], ids[12]
    assert zoe in _candidates("zoë@")
    assert [c.id for c in search_customers([home.id], "zoë@")] == []  # lower('ZOË@') is 'zoË@'
    assert odos in _candidates("οδοσ")
    assert [c.id for c in search_customers([home.id], "οδοσ")] == []  # "οδος" has a final ς
    assert [c.id for c in search_customers([home.id], "οδος")] == [odos]
    assert _match_query("王小").index_query is None and _match_query("ab").index_query is None
    assert SEARCH_TABLE not in str(matching_customers([home.id], query="王小"))


@pytest.mark.sqlite_only
def test_the_plan_reads_the_fts_index_and_looks_customers_up_by_id(customers):
    home, other, _ids = customers
    statements = {
        "type-ahead": matching_customers([home.id], query="wang").limit(10),
        "two sites, CJK": matching_customers([home.id, other.id], query="王小明").limit(10),
        "every site, phone": matching_customers(None, query="8613800138000").limit(50),
        "e-mail prefix": matching_customers([home.id], query="li.wang@").limit(10),
        "API with exact filters": matching_customers(
            [home.id], query="wang", phone="138 0013 8000", email="li.wang@example.com")
        .options(joinedload(Customer.site), joinedload(Customer.preferred_owner)).limit(25),
    }
    for name, stmt in statements.items():
        plan = _sqlite_plan(stmt)
        try:
            _assert_served_by_the_index(plan)
        except AssertionError:
            pytest.fail(f"{name}: {plan}")
    short = _sqlite_plan(matching_customers([home.id], query="ab").limit(10))
    assert not [line for line in short if SEARCH_TABLE in line], short


def test_postgresql_queries_no_search_table(customers):
    home, _other, _ids = customers
    sql = str(matching_customers([home.id], query="wang").compile(dialect=db.engine.dialect))
    assert (SEARCH_TABLE in sql) == _on_sqlite(), sql
    if not _on_sqlite():
        count = db.session.scalar(text("SELECT count(*) FROM pg_class WHERE relname LIKE "
                                       "'customers_search%'"))
        assert count == 0


# --- every write keeps it ---------------------------------------------------------------

def _found(site_id: int, needle: str) -> set[int]:
    return {c.id for c in search_customers([site_id], needle, limit=100)}


def _assert_in_sync() -> None:
    if _on_sqlite():
        assert search_index_findings(db.session) == []
        db.session.execute(text(
            f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}) VALUES('integrity-check')"))


def test_insert_update_and_delete_keep_the_search_right(app, make_site, make_user):
    site = make_site(name="FTS Writes")
    actor = make_user("manager", site=site)
    now = clock.utcnow()
    customer = create_customer(site.id, CustomerInput(
        name="Chen Xiaoming", phone="137 5555 0001", email="Chen.X@Example.com"))
    db.session.commit()
    assert _found(site.id, "xiaoming") == _found(site.id, "CHEN.X@") == {customer.id}
    assert _found(site.id, "13755550001") == {customer.id}
    if _on_sqlite():
        assert customer.id in _candidates("xiaoming")
    update_customer(customer, CustomerInput(name="陈晓东", phone="136 4444 0002",
                                            email="dong@example.cn", tier="vip"),
                    actor=actor, now=now)
    db.session.commit()
    assert _found(site.id, "xiaoming") == _found(site.id, "chen.x@") == set()
    assert _found(site.id, "13755550001") == set()
    assert _found(site.id, "陈晓东") == _found(site.id, "晓东") == {customer.id}
    assert _found(site.id, "dong@ex") == _found(site.id, "1364444") == {customer.id}
    if _on_sqlite():
        assert customer.id not in _candidates("xiaoming") | _candidates("13755550001")
        assert customer.id in _candidates("陈晓东")
    update_customer(customer, CustomerInput(name="陈晓东", phone="136 4444 0002",
                                            email="dong@example.cn", tier="key"),
                    actor=actor, now=now)  # only the tier: the index is not touched
    db.session.commit()
    assert _found(site.id, "陈晓东") == {customer.id}
    _assert_in_sync()
    db.session.delete(customer)
    db.session.commit()
    assert _found(site.id, "陈晓东") == set()
    if _on_sqlite():
        assert customer.id not in _candidates("陈晓东") | _candidates("dong@ex")
    _assert_in_sync()


def test_an_erasure_leaves_nothing_of_the_customer_in_the_search(app, make_ticket):
    ticket = make_ticket(customer=CustomerInput(
        name="Zhao Minghui", phone="+86 139-1234-5678", email="Zhao.Minghui@example.com"))
    customer, site_id = ticket.customer, ticket.site_id
    needles = ("zhao", "minghui", "zhao.minghui@", "8613912345678")
    assert all(_found(site_id, needle) == {customer.id} for needle in needles)
    erase_customer(customer, None, clock.utcnow())
    db.session.commit()
    for needle in needles:
        assert _found(site_id, needle) == set(), needle
        if _on_sqlite():
            assert customer.id not in _candidates(needle), needle
    assert _found(site_id, f"erased customer #{customer.id}") == {customer.id}
    _assert_in_sync()


def test_a_bulk_load_sets_the_triggers_aside_and_rebuilds_the_table(app):
    def triggers():
        return set(db.session.scalars(text(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'customers'")))

    before = triggers() if _on_sqlite() else set()
    summary = seed_bulk(400, weeks=4, site_name="FTS Bulk Hotel")
    db.session.commit()
    assert summary.customers > 0
    newest = db.session.scalars(
        select(Customer).where(func.length(Customer.name) >= 5, Customer.email.is_not(None))
        .order_by(Customer.id.desc()).limit(3)).all()
    assert len(newest) == 3
    for customer in newest:
        for needle in (customer.name, customer.phone_digits, customer.email):
            assert customer.id in _found(customer.site_id, needle), needle
    if _on_sqlite():
        assert before == {ddl for _name, ddl in SEARCH_TRIGGERS}
        assert triggers() == before, "the triggers set aside for the load are all back"
        indexed = db.session.scalar(text(f"SELECT count(*) FROM {SEARCH_TABLE}_docsize"))
        assert indexed == db.session.scalar(select(func.count(Customer.id)))
    _assert_in_sync()


# --- the integrity check ----------------------------------------------------------------

@pytest.mark.sqlite_only
def test_the_integrity_check_names_customers_the_index_misses_or_invents(customers):
    _home, _other, ids = customers
    first = db.session.get(Customer, ids[0])
    try:
        db.session.execute(text(
            f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rowid, name_key, email, phone_digits) "
            "VALUES ('delete', :id, :name_key, :email, :digits)"),
            {"id": first.id, "name_key": first.name_key, "email": first.email,
             "digits": first.phone_digits})
        db.session.execute(text(
            f"INSERT INTO {SEARCH_TABLE}(rowid, name_key, email, phone_digits) "
            "VALUES (987654321, 'ghost', NULL, NULL)"))
        db.session.commit()
        lines = [finding.line() for finding in check_integrity().findings]
        assert lines == [
            f"customers search index: {SEARCH_TABLE} lacks customers #{first.id}: "
            f"run {SEARCH_REBUILD}",
            f"customers search index: {SEARCH_TABLE} holds ids of no customer (#987654321): "
            f"run {SEARCH_REBUILD}",
        ]
    finally:
        db.session.rollback()
        db.session.execute(text(SEARCH_REBUILD))
        db.session.commit()
    assert check_integrity().findings == []
    assert first.id in _candidates("li wang")


# --- the migration ----------------------------------------------------------------------

def _search_objects(url: str) -> set[tuple[str, str, str]]:
    """(type, name, CREATE statement) of the search table, its shadow tables and triggers."""
    engine = create_engine(url)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.execute(text(
                "SELECT type, name, sql FROM sqlite_master WHERE name LIKE 'customers~_search%' "
                "ESCAPE '~'")).tuples().all()
        else:
            rows = connection.execute(text(
                "SELECT 'relation', relname, '' FROM pg_class WHERE relname LIKE "
                "'customers~_search%' ESCAPE '~'")).tuples().all()
    engine.dispose()
    return set(rows)


def test_the_migration_indexes_existing_customers_and_its_downgrade_removes_it(fresh_url):
    run_flask(fresh_url, "init-db")
    upgraded = _search_objects(fresh_url)
    if fresh_url.startswith("sqlite"):
        assert {name for _type, name, _sql in upgraded} == {
            SEARCH_TABLE, *(f"{SEARCH_TABLE}_{part}" for part in ("data", "idx", "docsize",
                                                                   "config")),
            *(name for name, _ddl in SEARCH_TRIGGERS)}
    else:
        assert upgraded == set(), "a no-op on PostgreSQL"
    run_flask(fresh_url, "db", "downgrade", "f14d_site_settings_stamp")
    assert _search_objects(fresh_url) == set()
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_url, "TESTING": True})
    with app.app_context():
        from sites.services import SiteInput, create_site

        sites = [create_site(SiteInput(name=f"Migrated {n}", timezone="Asia/Shanghai"))
                 for n in range(2)]
        ids = _insert_customers(sites[0].id, CUSTOMERS)
        for site in sites:  # enough customers that a site's index would look worth reading
            _insert_customers(site.id, [(f"Guest {n:05d}", f"139{n:08d}", f"guest{n}@example.com")
                                        for n in range(1500)])
        db.session.commit()
        site_id = sites[0].id
        db.session.remove()
        db.engine.dispose()
    run_flask(fresh_url, "db", "upgrade")
    assert _search_objects(fresh_url) == upgraded
    with app.app_context():
        assert [c.id for c in search_customers([site_id], "王小明")] == [ids[3]]
        assert [c.id for c in search_customers([site_id], "guest 01234")] != []
        assert {c.id for c in search_customers([site_id], "li.wang")} == {ids[0], ids[15]}
        if _on_sqlite():
            assert search_index_findings(db.session) == []
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            db.session.remove()
            db.engine.dispose()  # connections read the statistics when they open
            for needle in ("guest 01234", "王小明", "13900001234"):
                _assert_served_by_the_index(
                    _sqlite_plan(matching_customers([site_id], query=needle).limit(10)))
        db.session.remove()
        db.engine.dispose()
    run_flask(fresh_url, "db", "downgrade", "f14d_site_settings_stamp")
    assert _search_objects(fresh_url) == set()


def test_create_all_builds_what_the_migration_builds(app):
    """The tests' schema (create_all, customers.models) and the migration's are the same."""
    migration = load_migration("f14e_customer_search_fts")
    assert SEARCH_TABLE_DDL == migration.CREATE_TABLE
    assert SEARCH_TRIGGERS == migration.TRIGGERS
    if _on_sqlite():
        made = dict(db.session.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name IN ('customers', :t) "
            "AND type IN ('table', 'trigger') AND name != 'customers'"),
            {"t": SEARCH_TABLE}).tuples().all())
        assert made == {SEARCH_TABLE: SEARCH_TABLE_DDL, **dict(SEARCH_TRIGGERS)}
