"""Contains search at scale (migration f14b): the same results as before, and on PostgreSQL
the planner reads the trigram indexes instead of the tables.

The results are compared on a mixed data set (English and Chinese names, phone digits in
several scripts, e-mails, LIKE wildcards in names, texts and needles) against a plain
Python filter of the product's rules, and against the queries as they were written before
f14b (frozen here), on both databases.
"""

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Text, func, insert, literal, or_, select, true

from core import clock
from customers.models import Customer
from customers.services import (
    MAX_QUERY,
    _name_rank,
    _usable,
    escape_like,
    matching_customers,
    phone_digits,
    search_customers,
)
from extensions import db
from tickets import queries
from tickets.models import Ticket, format_ref, parse_ref

CUSTOMERS = [
    # name, phone, e-mail
    ("Li Wang", "+86 138 0013 8000", "li.wang@example.com"),
    ("Wang Li", "138-0013-9999", "WANG.LI@Example.org"),
    ("Xiaowang Zhang", "(021) 5555 0100", None),
    ("王小明", "１３９ ００００ １１１１", "xiaoming@example.cn"),
    ("小明", None, "ming@example.cn"),
    ("李王", "021 6666 7777", None),
    ("张三丰", "139 0000 2222", "zhang_san@example.com"),
    ("50% Off Club", "400 800 5050", "club@example.com"),
    ("a_b Travel", None, "a_b@example.com"),
    ("axb Tours", None, "axb@example.com"),
    ("100 Percent", "100 200 300", "percent%sign@example.com"),
    ("Zoë Müller", "+49 30 1234567", "zoe@example.de"),
    ("O'Brien \\ Sons", "353 1 555 0000", "obrien@example.ie"),
]
TICKETS = [
    # description, booking reference, customer (index into CUSTOMERS)
    ("The room was not ready", "BK-2026_001", 0),
    ("Breakfast 50% cold", "BK-2026X001", 1),
    ("空调坏了，房间很热", "预订-778", 3),
    ("Minibar charge 100% wrong", "", 10),
    ("ROOM 305 noisy at night", "R305", 2),
    ("Müller complained: the TV is broken", "", 11),
    ("a_b in the text", "", 8),
    ("axb in the text", "", 9),
    ("Back\\slash in the note", "", 12),
    ("小明说早餐太咸", "", 4),
]
CUSTOMER_NEEDLES = [
    "wang", "WANG", "Li", "li w", "王", "王小", "小明", "明", "丰", "50%", "%", "_", "a_b",
    "a%", "100", "138", "0013", "8613", "139", "１３９", "li.wang@", "LI@EX", "wang.li@ex",
    "@example", "example.com", "zoë", "ZOË", "mü", "x", "o'b", "\\", "\\ s", "ab", "  ",
    "club@", "zhang_", "percent%", "xiaoming",
]
TICKET_NEEDLES = [
    "room", "ROOM 3", "50%", "%", "_", "a_b", "空调", "空", "房间很热", "müller", "MÜLLER",
    "bk-2026_", "BK-2026X", "预订", "wang", "王小明", "小明", "138 0013", "0013", "8000",
    "li.wang@example", "@EXAMPLE", "a_b@", "percent%", "\\", "slash", "o'brien",
    "SR-999999", "r305", "咸", "t", "  night  ",
]


def _ascii_lower(text: str) -> str:
    return text.translate({code: code + 32 for code in range(ord("A"), ord("Z") + 1)})


def _lower_for_database() -> callable:
    """How the database lowers text for LIKE/ILIKE: SQLite only the ASCII letters,
    PostgreSQL every letter (as Python does, for this data set)."""
    return _ascii_lower if db.engine.dialect.name == "sqlite" else str.lower


# --- the queries as they were before f14b (LIKE on the joined tables) ---------------------

def _customers_before(site_ids, query):
    query = _usable(query, MAX_QUERY)
    if len(query) < 2:
        return None
    needle = query.lower()
    conditions = [
        Customer.name_key.contains(needle, autoescape=True),
        func.lower(Customer.email).startswith(needle, autoescape=True),
    ]
    digits = phone_digits(query)
    if len(digits) >= 3:
        conditions.append(Customer.phone_digits.startswith(digits, autoescape=True))
    return (select(Customer).where(Customer.site_id.in_(site_ids), or_(*conditions))
            .order_by(_name_rank(needle), Customer.name_key, Customer.id))


def _tickets_before(stmt, text):
    from core.inputs import is_ascii_digits

    escaped = escape_like
    text = text.strip()
    looks_like_ref = text.upper().startswith("SR-") or is_ascii_digits(text)
    ticket_id = parse_ref(text) if looks_like_ref else None
    conditions = [
        Customer.name_key.contains(text.lower(), autoescape=True),
        Ticket.description.ilike(f"%{escaped(text)}%", escape="\\"),
        Ticket.booking_ref.ilike(f"%{escaped(text)}%", escape="\\"),
    ]
    digits = phone_digits(text)
    if len(digits) >= 3:
        conditions.append(Customer.phone_digits.contains(digits, autoescape=True))
    if "@" in text:
        conditions.append(Customer.email.ilike(f"%{escaped(text)}%", escape="\\"))
    if ticket_id is not None:
        conditions.append(Ticket.id == ticket_id)
    return stmt.join(Ticket.customer).where(or_(*conditions))


# --- the product's rules in plain Python --------------------------------------------------

def _customer_found(row, query, lower) -> bool:
    """search_customers' rules: the name contains the query (ignoring case), the e-mail
    starts with it (ignoring case), the phone digits start with its digits (3 at least)."""
    query = _usable(query, MAX_QUERY)
    if len(query) < 2:
        return False
    needle = query.lower()
    digits = phone_digits(query)
    return (needle in row["name_key"]
            or (row["email"] is not None and lower(row["email"]).startswith(lower(needle)))
            or (len(digits) >= 3 and row["phone_digits"] is not None
                and row["phone_digits"].startswith(digits)))


def _ticket_found(ticket, customer, text, lower) -> bool:
    """matching's rules: the reference, the customer's name, phone digits (3 at least) or
    e-mail (a text with @), the booking reference or the description; all ignoring case."""
    text = text.strip()
    digits = phone_digits(text)
    ticket_id = parse_ref(text) if text.upper().startswith("SR-") or text.isdigit() else None
    return (lower(text) in lower(ticket["description"])
            or lower(text) in lower(ticket["booking_ref"])
            or text.lower() in customer["name_key"]
            or (len(digits) >= 3 and customer["phone_digits"] is not None
                and digits in customer["phone_digits"])
            or ("@" in text and customer["email"] is not None
                and lower(text) in lower(customer["email"]))
            or ticket["id"] == ticket_id)


@pytest.fixture
def data_set(app, make_user):
    """The mixed data set at one site, inserted with Core; its user, customers and tickets
    as plain rows."""
    from datetime import timedelta

    user = make_user("manager")
    now = clock.utcnow()
    customer_rows = [
        {"site_id": user.site_id, "name": name, "name_key": name.lower()[:120],
         "phone": phone, "phone_digits": phone_digits(phone or "") or None, "email": email,
         "tier": "standard", "notes": "", "locale": "en", "created_at": now}
        for name, phone, email in CUSTOMERS
    ]
    ids = _insert(Customer, customer_rows)
    ticket_rows = [
        _ticket_row(user, ids[index], description, booking_ref, now + timedelta(seconds=n))
        for n, (description, booking_ref, index) in enumerate(TICKETS)
    ]
    _insert(Ticket, ticket_rows)
    db.session.commit()
    return user, customer_rows, ticket_rows


def _insert(model, rows: list[dict]) -> list[int]:
    """Insert `rows` in one Core executemany; each row gets its new id. Returns the ids."""
    stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
    ids = db.session.scalars(stmt, rows).all()
    for row, new_id in zip(rows, ids, strict=True):
        row["id"] = new_id
    return ids


def _ticket_row(user, customer_id, description, booking_ref, created_at) -> dict:
    return {
        "site_id": user.site_id, "customer_id": customer_id, "channel": "front_desk",
        "dimension": "reliability", "severity": "medium", "booking_ref": booking_ref,
        "description": description, "status": "new", "opened_by_id": user.id,
        "created_at": created_at, "updated_at": created_at,
    }


def test_customer_search_finds_what_the_rules_and_the_old_query_find(data_set):
    user, customers, _tickets = data_set
    lower = _lower_for_database()
    by_id = {row["id"]: row for row in customers}
    needles = CUSTOMER_NEEDLES + [phone_digits(p) for _n, p, _e in CUSTOMERS if p]
    for needle in needles:
        expected = {row["id"] for row in customers if _customer_found(row, needle, lower)}
        api_rows = db.session.scalars(matching_customers([user.site_id], query=needle)).all()
        typed = search_customers([user.site_id], needle, limit=len(customers))
        before = _customers_before([user.site_id], needle)
        old = db.session.scalars(before).all() if before is not None else []
        assert {c.id for c in api_rows} == expected, (needle, [by_id[i]["name"] for i in expected])
        assert [c.id for c in typed] == [c.id for c in api_rows] == [c.id for c in old], needle
    assert {c.name for c in search_customers([user.site_id], "a_b")} == {"a_b Travel"}
    assert {c.name for c in search_customers([user.site_id], "50%")} == {"50% Off Club"}
    assert {c.name for c in search_customers([user.site_id], "王小")} == {"王小明"}


def test_ticket_search_finds_what_the_rules_and_the_old_query_find(data_set):
    user, customers, tickets = data_set
    lower = _lower_for_database()
    customer_of = {row["id"]: row for row in customers}
    ref = format_ref(tickets[4]["id"])
    needles = TICKET_NEEDLES + [ref, ref.lower(), str(tickets[2]["id"])]
    zone = ZoneInfo("Asia/Shanghai")
    for needle in needles:
        expected = {t["id"] for t in tickets
                    if _ticket_found(t, customer_of[t["customer_id"]], needle, lower)}
        listed = db.session.scalars(
            queries.site_tickets(user, queries.TicketFilters(q=needle), zone)).unique().all()
        old = db.session.scalars(
            _tickets_before(queries.base_query(user), needle)).unique().all()
        assert {t.id for t in listed} == expected, needle
        assert {t.id for t in old} == expected, needle
    described = queries.site_tickets(user, queries.TicketFilters(q="a_b"), zone)
    assert {t.description for t in db.session.scalars(described).unique()} == {"a_b in the text"}


# --- PostgreSQL: the plan ----------------------------------------------------------------

N_CUSTOMERS = 60_000  # about the size from which PostgreSQL prefers the index to a scan
N_TICKETS = 120_000


def _bulk(user) -> None:
    """N_CUSTOMERS customers and N_TICKETS tickets, inserted server-side in bulk (Core
    INSERT … SELECT over generate_series) with varied words, then VACUUM ANALYZE."""
    customers, tickets = Customer.__table__, Ticket.__table__
    n = func.generate_series(1, N_CUSTOMERS).table_valued("n").render_derived()
    word = func.substr(func.md5(func.cast(n.c.n, Text)), 1, 10)
    digits = literal("139") + func.lpad(func.cast(n.c.n, Text), 8, "0")
    db.session.execute(insert(customers).from_select(
        ["site_id", "name", "name_key", "phone", "phone_digits", "email", "tier", "notes",
         "locale", "created_at"],
        select(literal(user.site_id), literal("Guest ") + word, literal("guest ") + word,
               digits, digits, word + "@example.com", literal("standard"), literal(""),
               literal("en"), func.now()),
    ))
    first = db.session.scalar(select(func.min(customers.c.id)))
    db.session.execute(customers.update().where(customers.c.id == first + 1234)
                       .values(name="Wang Xiaoming", name_key="wang xiaoming"))
    template = _insert(Ticket, [_ticket_row(user, first, "template", "", clock.utcnow())])[0]
    n = func.generate_series(1, N_TICKETS).table_valued("n").render_derived()
    text_of = func.cast(n.c.n, Text)
    changed = {
        "customer_id": first + n.c.n % N_CUSTOMERS,
        "description": literal("Complaint ") + func.md5(text_of) + " about "
        + func.md5(literal("w") + text_of),
        "booking_ref": literal("BK-") + func.substr(func.md5(literal("b") + text_of), 1, 8),
    }
    columns = [column for column in tickets.c if column.name != "id"]
    db.session.execute(insert(tickets).from_select(
        [column.name for column in columns],
        select(*[changed.get(column.name, column) for column in columns])
        .select_from(tickets.join(n, true())).where(tickets.c.id == template),
    ))
    db.session.execute(tickets.update().where(tickets.c.id == template)
                       .values(description="The minibar was charged twice",
                               booking_ref="BK-SEAVIEW"))
    db.session.commit()
    # As autovacuum would: the statistics, and the GIN indexes' own (their entry counts, which
    # the planner's cost of a trigram search reads) and pending lists.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE customers")
        connection.exec_driver_sql("VACUUM ANALYZE tickets")


def _drop_bulk() -> None:
    """Empty the tables the bulk filled (faster than the fixture's row by row DELETE), start
    their ids from 1 again (references stay six digits for the tests that follow) and
    refresh their statistics for the tests that follow on this database."""
    db.session.remove()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("TRUNCATE customers, tickets RESTART IDENTITY CASCADE")
        connection.exec_driver_sql("ANALYZE customers")
        connection.exec_driver_sql("ANALYZE tickets")


def _plan(stmt) -> str:
    """EXPLAIN of `stmt` as the app runs it (its parameters bound by the driver)."""
    compiled = stmt.compile(dialect=db.engine.dialect,
                            compile_kwargs={"render_postcompile": True})
    with db.engine.connect() as connection:
        rows = connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params).all()
    return "\n".join(row[0] for row in rows)


@pytest.mark.postgres_only
def test_the_planner_reads_the_trigram_indexes(app, make_user):
    user = make_user("manager")
    try:
        _bulk(user)
        _check_plans(user)
    finally:
        _drop_bulk()


def _check_plans(user) -> None:
    site = [user.site_id]

    plan = _plan(matching_customers(site, query="xiaoming").limit(10))
    assert "Bitmap Index Scan on ix_customers_name_key_trgm" in plan, plan
    assert "Bitmap Index Scan on ix_customers_email_trgm" in plan, plan
    assert "Seq Scan on customers" not in plan, plan

    plan = _plan(matching_customers(site, query="13900001234").limit(10))
    assert "Bitmap Index Scan on ix_customers_phone_digits_trgm" in plan, plan
    assert "Seq Scan on customers" not in plan, plan

    zone = ZoneInfo("Asia/Shanghai")
    for needle, index in (("minibar", "ix_tickets_description_trgm"),
                          ("xiaoming", "ix_customers_name_key_trgm"),
                          ("13900001234", "ix_customers_phone_digits_trgm"),
                          ("bk-seaview", "ix_tickets_booking_ref_trgm")):
        stmt = queries.site_tickets(user, queries.TicketFilters(q=needle), zone).limit(26)
        plan = _plan(stmt)
        assert f"Bitmap Index Scan on {index}" in plan, plan
        assert "Seq Scan on tickets" not in plan, plan
        assert "Seq Scan on customers" not in plan, plan

    found = db.session.scalars(queries.site_tickets(
        user, queries.TicketFilters(q="MINIBAR"), zone)).unique().all()
    assert [t.description for t in found] == ["The minibar was charged twice"]
