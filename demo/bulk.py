"""`flask seed-bulk`: a chain's archive at scale, for benchmarks and demos.

A few hundred template tickets per site are played through the real workflow (the demo's
plays, `demo.seed.DemoBuilder`), so every state, event, fix offer and follow-up is one the
product itself wrote. They are then cloned in bulk:

- finished tickets (closed, declined) move back by whole weeks, to spread over the archive
  (their due times are history: a finished ticket keeps the ones it finished with; a
  follow-up still open is left out and a prevention action still open is done, 3 to 20
  days after it was recorded);
- open tickets move back by up to a day and a half, and their due times, next check and
  earliest unmet due time are recomputed from the site's policy and calendar by the rules
  of `tickets.deadlines`, so the integrity checker finds them exactly as the app would
  have left them. The open share stays what one site's desks carry (the work), however
  large the archive grows;
- each clone gets a customer drawn from the site's pool, skewed so that a few customers
  come back again and again (repeat complainants).

Rows go in with the database driver directly, in batches: multi-row inserts on SQLite and
COPY on PostgreSQL, all in the one transaction the command commits.
"""

import json
import random
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from types import SimpleNamespace

from sqlalchemy import JSON, Table, func, select, text
from sqlalchemy.orm import Session

from auth.models import User
from auth.services import UserInput, create_user
from core.clock import utcnow
from core.db_types import UTCDateTime
from core.vocabulary import OPEN_STATES, Role, Tier
from customers.models import SEARCH_REBUILD, Customer
from customers.services import name_key
from demo.seed import DEMO_PASSWORD, DemoBuilder, seed_customers
from extensions import db
from followups.models import FollowUp, FollowUpAttempt
from sites.calendar import calendar_for
from sites.models import Site
from sites.services import SiteInput, create_site, find_site
from sla.store import policy_for
from tickets.categories import ensure_default_categories
from tickets.deadlines import earliest_unmet_due, next_check, plan_clocks
from tickets.models import FixOffer, PreventionAction, Ticket, TicketEvent

BULK_SITES = (
    ("Harbour Hotel", "Asia/Shanghai", "harbour"),
    ("Garden Hotel", "Asia/Singapore", "garden"),
    ("Summit Hotel", "Asia/Tokyo", "summit"),
)
HOURS = "mon-fri 08:00-12:00,13:00-20:00; sat-sun 09:00-17:00"
CAST_ROLES = (("desk", Role.FRONT_DESK), ("desk2", Role.FRONT_DESK),
              ("super", Role.SUPERVISOR), ("manager", Role.MANAGER))
TEMPLATE_SEED = 2027
FINISHED = ("closed", "declined")
OPEN_SHARE = 0.01  # open tickets per clone, up to OPEN_PER_SITE
OPEN_PER_SITE = 300
OPEN_SHIFT_HOURS = 36
BATCH = 5000
# What the SQLite triggers on a table keep (the customer search's FTS5 table), rebuilt in one
# statement: a bulk load sets those triggers aside and runs it once the rows are in.
REBUILDS = {Customer.__tablename__: SEARCH_REBUILD}
DATETIME_IN_JSON = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?\+00:00)")

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀英", "桂英", "建华", "志强", "晓东", "海燕")
FIRST = ("James", "Mary", "Robert", "Linda", "David", "Susan", "Daniel", "Karen", "Paul",
         "Laura", "Kenji", "Yuki", "Arjun", "Priya", "Omar", "Sofia", "Lucas", "Emma")
LAST = ("Smith", "Brown", "Tan", "Lim", "Wong", "Sato", "Suzuki", "Kumar", "Garcia",
        "Müller", "Rossi", "Novak", "Kim", "Nguyen", "Silva", "Cohen")


@dataclass
class BulkSummary:
    """What a run made: tickets by kind, the sites and the sign-ins it made or used."""

    tickets: int = 0
    open: int = 0
    templates: int = 0
    customers: int = 0
    sites: list[str] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class SiteTemplates:
    """One site's played tickets and their rows, grouped by ticket."""

    site: Site
    tickets: dict[int, dict]
    children: dict[str, dict[int, list[dict]]]
    customers: list[int] = field(default_factory=list)

    def of_status(self, statuses: Iterable[str]) -> list[dict]:
        wanted = set(statuses)
        return [row for row in self.tickets.values() if row["status"] in wanted]


@dataclass(frozen=True, slots=True)
class Clone:
    """One ticket to make: from which template, moved back by `shift`, for whom."""

    created_at: datetime
    template: dict
    shift: timedelta
    customer_id: int
    site: SiteTemplates


class BulkBuilder(DemoBuilder):
    """The demo's builder, playing at most `limit` of its cases (evenly chosen)."""

    limit: int | None = None

    def cases(self, customers):
        cases = super().cases(customers)
        if self.limit is None or self.limit >= len(cases):
            return cases
        return [cases[int(i * len(cases) / self.limit)] for i in range(self.limit)]


def _bulk_random(seed: int) -> random.Random:
    """Reproducible draws for generated scenery, never a secret."""
    return random.Random(seed)  # nosec B311  # synthetic benchmark data, nothing secret


def _prefix(site: Site) -> str:
    code = re.sub(r"[^a-z0-9]", "", (site.public_code or "").lower())
    return code[:20] if len(code) >= 2 else f"site{site.id}"


def ensure_site(name: str, zone: str) -> Site:
    site = find_site(name)
    if site is None:
        site = create_site(SiteInput(name=name, timezone=zone, hours=HOURS, currency="CNY"))
    return site


def ensure_cast(site: Site, summary: BulkSummary) -> dict[str, User]:
    """The four people the plays need at `site` (made once; password "demo": benchmark and
    demo data only, like `seed-demo`, never a database real people use)."""
    cast = {}
    for part, role in CAST_ROLES:
        username = f"{_prefix(site)}.{part}"
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            data = UserInput(username=username, role=str(role), site=site,
                             display_name=f"{site.name} {part}",
                             email=f"{username}@bulk.example", password=DEMO_PASSWORD)
            user = create_user(data, enforce_strength=False)
        cast[part] = cast[username] = user  # the plays name people by part and by username
        summary.logins.append((username, str(role), site.name))
    return cast


def _template_customers(site: Site, cast: dict, rng: random.Random, since: datetime):
    existing = db.session.scalars(
        select(Customer).where(Customer.site_id == site.id, Customer.erased_at.is_(None))
        .order_by(Customer.id).limit(27)).all()
    if existing:
        return [(customer, 1 + number % 5) for number, customer in enumerate(existing)]
    return seed_customers(site, cast, rng, since)


def play_templates(site: Site, cast: dict, now: datetime, limit: int) -> list[int]:
    """Play up to `limit` of the demo's tickets at `site`; returns their ids."""
    before = db.session.scalar(select(func.max(Ticket.id))) or 0
    builder = BulkBuilder(site, cast, now, rng=_bulk_random(TEMPLATE_SEED + site.id))
    builder.limit = limit
    since = now - timedelta(days=60)
    builder.build(_template_customers(site, cast, builder.rng, since))
    db.session.flush()
    return list(db.session.scalars(
        select(Ticket.id).where(Ticket.id > before, Ticket.site_id == site.id)
        .order_by(Ticket.id)))


CHILD_TABLES = (TicketEvent, FixOffer, FollowUp, PreventionAction)


def _rows(session: Session, model, condition) -> list[dict]:
    table = model.__table__
    return [serialised(dict(row), table.name) for row in session.execute(
        select(table).where(condition).order_by(table.c.id)).mappings()]


def load_templates(site: Site, ids: list[int]) -> SiteTemplates:
    """The played tickets and what hangs off them, as plain rows."""
    session = db.session
    tickets = {row["id"]: row for row in _rows(session, Ticket, Ticket.id.in_(ids))}
    children: dict[str, dict[int, list[dict]]] = {}
    for model in CHILD_TABLES:
        grouped = defaultdict(list)
        for row in _rows(session, model, model.ticket_id.in_(ids)):
            grouped[row["ticket_id"]].append(row)
        children[model.__tablename__] = grouped
    attempts = defaultdict(list)
    for row in _rows(session, FollowUpAttempt,
                     FollowUpAttempt.ticket_id.in_(ids)):
        attempts[row["follow_up_id"]].append(row)
    children["follow_up_attempts"] = attempts
    return SiteTemplates(site, tickets, children)


# --- customers ---------------------------------------------------------------------------

def _customer_name(number: int) -> tuple[str, str]:
    """A generated name and the e-mail's local part ('' for an e-mail-less customer)."""
    if number % 3:
        name = SURNAMES[number % len(SURNAMES)] + GIVEN[(number // 7) % len(GIVEN)]
        return name, ("" if number % 4 == 0 else f"guest{number}")
    first, last = FIRST[number % len(FIRST)], LAST[(number // 5) % len(LAST)]
    return f"{first} {last}", f"{first.lower()}.{number}"


def _tier(rng: random.Random) -> str:
    roll = rng.random()
    return str(Tier.VIP if roll < 0.03 else Tier.KEY if roll < 0.11 else Tier.STANDARD)


def customer_rows(site: Site, first_id: int, count: int, since: datetime,
                  rng: random.Random) -> list[dict]:
    rows = []
    for offset in range(count):
        number = first_id + offset
        name, mail = _customer_name(number)
        phone = f"139{number:08d}"[-11:]
        rows.append({
            "id": number, "site_id": site.id, "name": name, "name_key": name_key(name),
            "phone": phone, "phone_digits": phone,
            "email": f"{mail}@example.com" if mail else None, "tier": _tier(rng),
            "preferred_owner_id": None, "notes": "",
            "locale": "en" if name.isascii() else "zh_Hans", "created_at": since,
            "erased_at": None,
        })
    return rows


def draw_customer(pool: list[int], rng: random.Random) -> int:
    """A pool customer, skewed to the first ones: they complain again and again."""
    return pool[int(len(pool) * rng.random() ** 3)]


# --- writing rows fast -------------------------------------------------------------------

class RowWriter:
    """Writes plain rows into tables through the driver, in the session's transaction:
    executemany on SQLite, COPY on PostgreSQL. Values are converted by each column's type
    (aware datetimes to stored UTC, JSON already serialised as text)."""

    def __init__(self, session: Session):
        self.connection = session.connection()
        self.dialect = self.connection.dialect
        self.raw = self.connection.connection.dbapi_connection
        self._converters: dict[str, list] = {}
        if self.dialect.name == "sqlite":
            # A larger page cache for this connection: the tickets' indexes grow by
            # millions of entries, and evicting their pages is what costs.
            self.connection.exec_driver_sql("PRAGMA cache_size = -262144")

    def _converter(self, column) -> Callable | None:
        if isinstance(column.type, JSON):
            return None  # serialised by the caller
        if isinstance(column.type, UTCDateTime):
            if self.dialect.name == "sqlite":
                return _sqlite_datetime
            return None
        return column.type._cached_bind_processor(self.dialect)

    def _converters_for(self, table: Table) -> list[tuple[int, Callable]]:
        """(position, converter) of the columns whose values need converting."""
        if table.name not in self._converters:
            found = [(i, self._converter(c)) for i, c in enumerate(table.columns)]
            self._converters[table.name] = [(i, f) for i, f in found if f is not None]
        return self._converters[table.name]

    def _values(self, table: Table, names: list[str], rows: list[dict]) -> list:
        pick = itemgetter(*names)
        converters = self._converters_for(table)
        if not converters:
            return [pick(row) for row in rows]
        values = []
        for row in rows:
            value = list(pick(row))
            for position, convert in converters:
                if value[position] is not None:
                    value[position] = convert(value[position])
            values.append(value)
        return values

    def write(self, table: Table, rows: list[dict]) -> None:
        if not rows:
            return
        names = [column.name for column in table.columns]
        values = self._values(table, names, rows)
        columns = ", ".join(names)
        cursor = self.raw.cursor()
        try:
            if self.dialect.name == "postgresql":
                with cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in names)
                cursor.executemany(
                    f"INSERT INTO {table.name} ({columns}) VALUES ({marks})",  # nosec B608  # table and column names from the models
                    values)
        finally:
            cursor.close()

    def _secondary_indexes(self, tables: Iterable[Table]) -> list[tuple[str, str]]:
        """(name, CREATE statement) of the tables' indexes other than primary keys and
        unique ones, as the database itself defines them."""
        names = [table.name for table in tables]
        if self.dialect.name == "postgresql":
            found = self.connection.execute(text(
                "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                "JOIN pg_namespace n ON n.oid = t.relnamespace "
                "WHERE n.nspname = current_schema() AND t.relname = ANY(:names) "
                "AND NOT x.indisunique AND NOT x.indisprimary ORDER BY i.relname"),
                {"names": names})
        else:
            found = self._sqlite_schema(
                "name, sql", "type = 'index' AND sql IS NOT NULL "
                "AND upper(sql) NOT LIKE 'CREATE UNIQUE%'", names)
        return [(name, ddl) for name, ddl in found]

    def _sqlite_schema(self, columns: str, condition: str, names: list[str]):
        """`columns` of SQLite's schema rows meeting `condition` on the tables `names`, by
        name (`columns` and `condition` are this module's own text; the names are bound)."""
        marks = ", ".join(f":t{number}" for number in range(len(names)))
        return self.connection.execute(text(
            f"SELECT {columns} FROM sqlite_master WHERE {condition} "  # nosec B608  # bound parameters only
            f"AND tbl_name IN ({marks}) ORDER BY name"),
            {f"t{number}": name for number, name in enumerate(names)})

    def _rebuilt_triggers(self, tables: Iterable[Table]) -> list[tuple[str, str, str]]:
        """(table, name, CREATE statement) of the SQLite triggers on those of `tables` whose
        work one statement redoes (REBUILDS); the others' triggers stay."""
        names = [table.name for table in tables if table.name in REBUILDS]
        if self.dialect.name != "sqlite" or not names:
            return []
        found = self._sqlite_schema("tbl_name, name, sql", "type = 'trigger'", names)
        return [(table, name, ddl) for table, name, ddl in found]

    @contextmanager
    def indexes_set_aside(self, tables: Iterable[Table]) -> Iterator[None]:
        """Load `tables` without their secondary indexes, and build each again from its own
        statement afterwards (in the same transaction): one sort per index instead of an
        insertion into every index for every row. Primary keys and unique indexes stay.

        On SQLite the customer search's triggers are set aside too, and its FTS5 table is
        rebuilt from the customers table afterwards (REBUILDS), in the same transaction:
        one pass over the table instead of an index insertion per row (4 s instead of 16 s
        for the 333,000 customers of a million tickets)."""
        tables = list(tables)
        saved, triggers = self._secondary_indexes(tables), self._rebuilt_triggers(tables)
        for name, _ddl in saved:
            self.connection.exec_driver_sql(f'DROP INDEX "{name}"')
        for _table, name, _ddl in triggers:
            self.connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
        yield
        for _name, ddl in saved:
            self.connection.exec_driver_sql(ddl)
        for _table, _name, ddl in triggers:
            self.connection.exec_driver_sql(ddl)
        for table in sorted({table for table, _name, _ddl in triggers}):
            self.connection.exec_driver_sql(REBUILDS[table])

    def finish(self, tables: Iterable[Table]) -> None:
        """Sequences past the ids written (PostgreSQL) and fresh planner statistics."""
        if self.dialect.name == "postgresql":
            for table in tables:
                self.connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # nosec B608  # model table names
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))"))
                self.connection.execute(text(f"ANALYZE {table.name}"))
        else:
            self.connection.execute(text("ANALYZE"))


def _sqlite_datetime(value: datetime) -> str:
    """The text UTCDateTime stores on SQLite ("YYYY-MM-DD HH:MM:SS.ffffff", UTC), made
    without conversions for the values in UTC already (all of them, in practice)."""
    if value.utcoffset():
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]


def next_ids(tables: Iterable[Table]) -> dict[str, int]:
    return {table.name: (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
            for table in tables}


# --- cloning -----------------------------------------------------------------------------

def _datetime_columns(table: Table) -> list[str]:
    return [c.name for c in table.columns if isinstance(c.type, UTCDateTime)]


DATETIME_COLUMNS = {model.__tablename__: _datetime_columns(model.__table__)
                    for model in (Ticket, *CHILD_TABLES, FollowUpAttempt)}
JSON_COLUMNS = {model.__tablename__: [c.name for c in model.__table__.columns
                                      if isinstance(c.type, JSON)]
                for model in (Ticket, *CHILD_TABLES, FollowUpAttempt)}


def serialised(row: dict, table: str) -> dict:
    """`row` with its JSON columns as text (done once per template row, not per clone)."""
    for name in JSON_COLUMNS[table]:
        if row[name] is not None:
            row[name] = json.dumps(row[name], ensure_ascii=False)
    return row


def _shifted_json(serialised: str | None, shift: timedelta) -> str | None:
    """Serialised JSON with every UTC timestamp in it moved by `shift`."""
    if serialised is None or not shift or "+00:00" not in serialised:
        return serialised
    return DATETIME_IN_JSON.sub(
        lambda m: (datetime.fromisoformat(m.group(1)) + shift).isoformat(), serialised)


def shifted(row: dict, table: str, shift: timedelta, **changes) -> dict:
    """A copy of `row` with its times moved by `shift` and `changes` applied."""
    copy = dict(row)
    for name in DATETIME_COLUMNS[table]:
        if copy[name] is not None:
            copy[name] = copy[name] + shift
    for name in JSON_COLUMNS[table]:
        copy[name] = _shifted_json(copy[name], shift)
    copy.update(changes)
    return copy


def _retimed(ticket: dict, tier: str, site: Site) -> dict:
    """An open clone's due times, next check and earliest unmet due, as the app sets them."""
    view = SimpleNamespace(**ticket, customer=SimpleNamespace(tier=tier))
    view.sla_steps = json.loads(ticket["sla_steps"]) if ticket["sla_steps"] else {}
    plans = plan_clocks(view, calendar_for(site), policy_for(site))
    return {
        "first_response_due": plans["first_response"].clock.due,
        "fix_offered_due": plans["fix_offered"].clock.due,
        "resolution_due": plans["resolution"].clock.due,
        "sla_next_check_at": next_check(view, plans),
        "next_due_at": earliest_unmet_due(view, plans),
    }


class Cloner:
    """Turns clones into rows with fresh ids, batch by batch."""

    def __init__(self, writer: RowWriter, tiers: dict[int, str], now: datetime):
        self.writer = writer
        self.tiers = tiers
        self.now = now
        tables = [Ticket.__table__, *(m.__table__ for m in CHILD_TABLES),
                  FollowUpAttempt.__table__]
        self.ids = next_ids(tables)
        self.tables = {table.name: table for table in tables}
        self.open = 0

    def take_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table] - 1

    def write(self, clones: list[Clone]) -> None:
        rows: dict[str, list[dict]] = defaultdict(list)
        for clone in clones:
            self._clone(clone, rows)
        for name in self.tables:
            self.writer.write(self.tables[name], rows[name])

    def _clone(self, clone: Clone, rows: dict) -> None:
        template, shift = clone.template, clone.shift
        new_id = self.take_id("tickets")
        ticket = shifted(template, "tickets", shift, id=new_id, customer_id=clone.customer_id,
                         linked_ticket_id=None)
        if template["status"] in OPEN_STATES:
            ticket.update(_retimed(ticket, self.tiers.get(clone.customer_id, "standard"),
                                   clone.site.site))
            self.open += 1
        rows["tickets"].append(ticket)
        children = clone.site.children
        for event in children["ticket_events"].get(template["id"], ()):
            rows["ticket_events"].append(shifted(
                event, "ticket_events", shift, id=self.take_id("ticket_events"),
                ticket_id=new_id))
        for name in ("fix_offers", "prevention_actions"):
            for child in children[name].get(template["id"], ()):
                rows[name].append(self._child(child, name, shift, new_id))
        for follow_up in children["follow_ups"].get(template["id"], ()):
            if follow_up["done_at"] is None and shift:
                continue  # moved back in time, a follow-up still open would be long overdue
            copy = shifted(follow_up, "follow_ups", shift, id=self.take_id("follow_ups"),
                           ticket_id=new_id)
            rows["follow_ups"].append(copy)
            for attempt in children["follow_up_attempts"].get(follow_up["id"], ()):
                rows["follow_up_attempts"].append(shifted(
                    attempt, "follow_up_attempts", shift, id=self.take_id("follow_up_attempts"),
                    follow_up_id=copy["id"], ticket_id=new_id))

    def _child(self, row: dict, table: str, shift: timedelta, ticket_id: int) -> dict:
        copy = shifted(row, table, shift, id=self.take_id(table), ticket_id=ticket_id)
        if table == "prevention_actions":
            self._retime_prevention(copy, shift)
        return copy

    def _retime_prevention(self, action: dict, shift: timedelta) -> None:
        """The due date moves with the ticket. An action still open on a ticket moved back
        in time is done 3 to 20 days after it was recorded (as the demo's supervisor marks
        them), when that is before now: a template's action not done yet would otherwise
        stay open in every week of the archive, a backlog no chain carries."""
        if action["due_on"] is not None:
            action["due_on"] = action["due_on"] + timedelta(days=shift.days)
        if shift and action["done_at"] is None:
            done = action["created_at"] + timedelta(days=3 + action["id"] % 18)
            if done < self.now:
                action["done_at"] = done


def plan_clones(templates: SiteTemplates, count: int, weeks: int, now: datetime,
                rng: random.Random) -> list[Clone]:
    """`count` clones of the site's templates: a capped share open, the rest finished and
    spread over `weeks` weeks by whole weeks."""
    open_rows, finished_rows = templates.of_status(OPEN_STATES), templates.of_status(FINISHED)
    if not finished_rows:
        finished_rows = open_rows
    open_count = min(OPEN_PER_SITE, int(count * OPEN_SHARE)) if open_rows else 0
    clones = []
    for number in range(count):
        if number < open_count:
            template = rng.choice(open_rows)
            shift = -timedelta(seconds=rng.randrange(OPEN_SHIFT_HOURS * 3600))
        else:
            template = rng.choice(finished_rows)
            age = (now - template["created_at"]).days // 7
            shift = -timedelta(weeks=rng.randrange(max(1, weeks - age)))
        customer = draw_customer(templates.customers, rng)
        clones.append(Clone(template["created_at"] + shift, template, shift, customer,
                            templates))
    return clones


def _pool_size(count: int) -> int:
    return max(30, count // 3)


def add_customer_pool(templates: SiteTemplates, count: int, writer: RowWriter, now: datetime,
                      weeks: int, rng: random.Random, tiers: dict[int, str]) -> int:
    """The site's customers for `count` clones: the templates' own and a generated pool."""
    table = Customer.__table__
    first = next_ids([table])["customers"]
    since = now - timedelta(weeks=weeks + 10)
    rows = customer_rows(templates.site, first, _pool_size(count), since, rng)
    writer.write(table, rows)
    tiers.update({row["id"]: row["tier"] for row in rows})
    own = {row["customer_id"] for row in templates.tickets.values()}
    tiers.update(dict(db.session.execute(
        select(Customer.id, Customer.tier).where(Customer.id.in_(own))).tuples().all()))
    templates.customers = sorted(own) + [row["id"] for row in rows]
    return len(rows)


def bulk_sites(site_name: str | None) -> list[Site]:
    if site_name:
        return [ensure_site(site_name, "Asia/Shanghai")]
    return [ensure_site(name, zone) for name, zone, _code in BULK_SITES]


def seed_bulk(tickets: int, weeks: int, site_name: str | None = None,
              progress: Callable[[Iterable], Iterable] | None = None) -> BulkSummary:
    """Add `tickets` tickets over the last `weeks` weeks (the caller commits).

    `progress` wraps the batches (a progress bar); it is given the batches and the number
    of tickets in all of them."""
    summary = BulkSummary()
    now = utcnow()
    ensure_default_categories()
    sites = bulk_sites(site_name)
    per_site = _split(tickets, len(sites))
    site_templates = []
    for site, share in zip(sites, per_site, strict=True):
        if share <= 0:
            continue
        cast = ensure_cast(site, summary)
        ids = play_templates(site, cast, now, limit=min(share, 10_000))
        site_templates.append((load_templates(site, ids), share - len(ids)))
        summary.templates += len(ids)
        summary.sites.append(site.name)
    writer = RowWriter(db.session)
    tiers: dict[int, str] = {}
    rng = _bulk_random(TEMPLATE_SEED)
    clones: list[Clone] = []
    cloner = Cloner(writer, tiers, now)
    tables = [Customer.__table__, *cloner.tables.values()]
    with writer.indexes_set_aside(tables):
        for templates, count in site_templates:
            if count > 0:
                summary.customers += add_customer_pool(templates, count, writer, now, weeks,
                                                       rng, tiers)
                clones.extend(plan_clones(templates, count, weeks, now, rng))
        clones.sort(key=lambda clone: clone.created_at)
        batches = [clones[start:start + BATCH] for start in range(0, len(clones), BATCH)]
        for batch in progress(batches) if progress else batches:
            cloner.write(batch)
    writer.finish(tables)
    summary.tickets = summary.templates + len(clones)
    summary.open = cloner.open + sum(len(t.of_status(OPEN_STATES)) for t, _n in site_templates)
    return summary


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if number < extra else 0) for number in range(parts)]
