"""Builds the demo data through the same services the app uses.

Besides the site and its people, the demo gets customers and about eight weeks of tickets,
each walked through the real workflow (`open_ticket`, then `perform`) with its own clock,
so queues, reports and audit trails look lived-in right after install. Everything is
deterministic for a given moment and relative to `core.clock.utcnow()`.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from auth.models import User
from auth.services import UserInput, create_user
from core.clock import utcnow
from core.vocabulary import Channel
from correspondence.starter_replies import add_starter_templates
from customers.models import Customer
from customers.services import CustomerInput, create_customer
from demo.customer_side import seed_customer_side
from demo.plays import DESKS, OLD, PLAN, STORY_KINDS, Batch, Play
from demo.stories import (
    ACKS,
    CHANNEL_CYCLE,
    CUSTOMERS,
    DECLINES,
    EMAIL_ONLY,
    STORIES,
    DeclineStory,
    Story,
)
from extensions import db
from sites.calendar import calendar_for
from sites.models import Site
from sites.services import SiteInput, create_site, find_site
from sla.hours import parse_hours_spec
from sla.store import policy_for
from tickets.categories import DEFAULT_CATEGORIES, active_categories, ensure_default_categories
from tickets.intake import NewTicket, open_ticket
from tickets.models import Category

DEMO_SITE = "Riverside Hotel"
DEMO_PASSWORD = "demo"  # nosec B105  # the demo's published password, refused for real users
DEMO_LOGINS = (
    ("desk", "front_desk", "Lin Mei"),
    ("desk2", "front_desk", "Wang Fang"),
    ("super", "supervisor", "Zhang Wei"),
    ("manager", "manager", "Chen Jing"),
)
SEED = 2026
STEP_MINUTES = 5


def seed_site() -> Site:
    return create_site(
        SiteInput(
            name=DEMO_SITE,
            timezone="Asia/Shanghai",
            hours="mon-fri 08:00-12:00,13:00-20:00; sat-sun 09:00-17:00",
            currency="CNY",
            holidays="2026-10-01 National Day\n2027-01-01 New Year's Day",
        )
    )


def seed_users(site: Site) -> list[User]:
    """The demo logins, all with the password "demo": the one place that skips the password
    rule (`enforce_strength=False`), because a demo's logins must be easy to type and are
    printed by `flask seed-demo`. Never seed a database real people use."""
    users = []
    for username, role, name in DEMO_LOGINS:
        data = UserInput(
            username=username,
            role=role,
            site=site,
            display_name=name,
            email=f"{username}@riverside.example",
            password=DEMO_PASSWORD,
        )
        users.append(create_user(data, enforce_strength=False))
    return users


def seed_customers(site: Site, cast: dict[str, User], rng: random.Random, since: datetime):
    """The demo customers with their complaint weights; backdated to before the first ticket."""
    customers = []
    for name, mail, tier, preferred, notes, weight in CUSTOMERS:
        phone = "" if name in EMAIL_ONLY else f"138{rng.randrange(10**8):08d}"
        data = CustomerInput(
            name=name,
            phone=phone,
            email=f"{mail}@example.com" if mail else "",
            tier=tier,
            notes=notes,
            preferred_owner=cast[preferred] if preferred else None,
            locale="zh_Hans" if any("\u4e00" <= ch <= "\u9fff" for ch in name) else "en",
        )
        customer = create_customer(site.id, data)
        customer.created_at = since
        customers.append((customer, weight))
    return customers


def _demo_random() -> random.Random:
    """The demo's seeded, reproducible draws: scenery, never a secret."""
    return random.Random(SEED)  # nosec B311  # reproducible demo data, nothing secret


@dataclass
class Case:
    """One ticket to create: when, about what, for whom, and how far it gets."""

    batch: Batch
    story: Story | DeclineStory
    owner: str | None
    channel: str
    customer: Customer
    ages: tuple[float, float]
    span: tuple[float, float]
    share: float | None = None
    at: datetime | None = None
    booking_ref: str = ""


@dataclass
class DemoBuilder:
    """Creates the demo customers and tickets for `site`, relative to `now`."""

    site: Site
    cast: dict[str, User]
    now: datetime
    rng: random.Random = field(default_factory=_demo_random)
    decks: dict[str, list] = field(default_factory=dict)

    def draw(self, kind: str):
        """The next story of `kind`, going through each kind's stories in shuffled rounds."""
        if not self.decks.get(kind):
            deck = [s for s in (*STORIES, *DECLINES) if STORY_KINDS[kind](s)]
            self.rng.shuffle(deck)
            self.decks[kind] = deck
        return self.decks[kind].pop()

    def cases(self, customers: list[tuple[Customer, int]]) -> list[Case]:
        """Who, what and which script for every ticket; times are chosen afterwards."""
        people, weights = zip(*customers, strict=True)
        total = sum(batch.count for batch in PLAN)
        channels = [CHANNEL_CYCLE[i % len(CHANNEL_CYCLE)] for i in range(total)]
        self.rng.shuffle(channels)
        result = []
        for batch in PLAN:
            for number in range(batch.count):
                owner = batch.owners[number % len(batch.owners)] if batch.owners else None
                ages = spread(batch.ages, number, batch.count)
                share = None
                if batch.share is not None:
                    low, high = spread(batch.share, number, batch.count)
                    share = low + (high - low) * self.rng.random()
                customer = self.rng.choices(people, weights)[0]
                ref = f"RH{self.rng.randrange(10**6):06d}" if self.rng.random() < 0.4 else ""
                case = Case(batch, self.draw(batch.kind), owner, channels.pop(),
                            customer, ages, batch.ages, share=share, booking_ref=ref)
                result.append(case)
        return result

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.site.timezone)

    def open_moments(self, start: datetime, end: datetime, holidays: bool = False):
        """Every STEP_MINUTES moment between start and end when the site is open."""
        hours, zone = parse_hours_spec(self.site.hours_spec), self.zone()
        closed = set() if holidays else set(self.site.holiday_dates)
        day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
        moments = []
        while day <= last:
            midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
            for slot in () if day in closed else hours.slots_on(day.weekday()):
                for minute in range(slot.start, slot.end, STEP_MINUTES):
                    moment = (midnight + timedelta(minutes=minute)).astimezone(UTC)
                    if start <= moment <= end:
                        moments.append(moment)
            day += timedelta(days=1)
        return moments

    def opening_time(self, ages: tuple[float, float], fallback: tuple[float, float]):
        """A business-hours moment `ages` days ago (or in the wider `fallback` range)."""
        for low, high in (ages, fallback):
            window = (self.now - timedelta(days=high), self.now - timedelta(days=low))
            for holidays in (False, True):
                moments = self.open_moments(*window, holidays=holidays)
                if moments:
                    return moments[int(self.rng.random() * len(moments))]
        return window[1]

    def business_ago(self, amount: timedelta) -> datetime:
        """The latest moment from which `amount` of the site's business time has passed by
        now (to the second)."""
        calendar = calendar_for(self.site)
        early, late = self.now - timedelta(days=OLD[1]), self.now
        while late - early > timedelta(seconds=1):
            middle = early + (late - early) / 2
            if calendar.business_time_between(middle, self.now) >= amount:
                early = middle
            else:
                late = middle
        return early.replace(microsecond=0)

    def business_ahead(self, amount: timedelta) -> datetime:
        """The moment by which `amount` of the site's business time will have passed."""
        return calendar_for(self.site).add_business_time(self.now, amount)

    def deadline_time(self, case: Case) -> datetime:
        """When an open ticket was opened: `case.share` of its deciding clock's target ago
        (the target of its class, severity and customer tier, in business time)."""
        dimension = self.category(case.story.category).dimension
        severity = "critical" if getattr(case.story, "safety", False) else case.story.severity
        target = policy_for(self.site).target(case.batch.clock, dimension, severity,
                                              case.customer.tier)
        return self.business_ago(target * case.share)

    def pace(self, case: Case) -> float:
        """How quickly an open ticket's steps come: all within 80% of its age."""
        if not case.batch.takes:
            return 1.0
        age = (self.now - case.at).total_seconds() / 60
        return min(1.0, 0.8 * age / case.batch.takes)

    def open(self, case: Case) -> Play:
        """Open the ticket; the owner takes it on the spot at the desk, or a little later."""
        category = self.category(case.story.category)
        on_the_spot = case.channel == Channel.FRONT_DESK and case.owner is not None
        opener = case.owner if on_the_spot else self.rng.choice(DESKS)
        pace = self.pace(case)
        promise = case.at + timedelta(minutes=max(5, int((120 + self.rng.random() * 360) * pace)))
        data = NewTicket(
            site=self.site,
            channel=case.channel,
            dimension=category.dimension,
            category_id=category.id,
            severity=case.story.severity,
            description=case.story.said,
            desired_outcome=case.story.wants,
            booking_ref=case.booking_ref,
            is_safety=getattr(case.story, "safety", False),
            customer_id=case.customer.id,
            own_now=on_the_spot,
            ownership={"acknowledgement": self.rng.choice(ACKS), "next_contact_by": promise},
        )
        ticket = open_ticket(self.cast[opener], data, case.at)
        play = Play(self, ticket, case.story, case.at, pace)
        if case.owner is not None and not on_the_spot:
            play.own(case.owner)
        return play

    def category(self, name: str) -> Category:
        """The story's category, or an active one of its dimension if it was renamed."""
        found = db.session.scalar(select(Category).where(Category.name == name))
        if found is not None and found.active:
            return found
        dimension = next(d for d, names in DEFAULT_CATEGORIES.items() if name in names)
        active = active_categories()
        return next((c for c in active if c.dimension == dimension), active[0])

    def build(self, customers: list[tuple[Customer, int]]) -> int:
        cases = self.cases(customers)
        for case in cases:
            if case.share is None:
                case.at = self.opening_time(case.ages, case.span)
            else:
                case.at = self.deadline_time(case)
        for case in sorted(cases, key=lambda c: c.at):
            case.batch.script(self.open(case))
        return len(cases)


def spread(ages: tuple[float, float], number: int, count: int) -> tuple[float, float]:
    """The `number`-th of `count` equal slices of the age range (in days)."""
    low, high = ages
    width = (high - low) / count
    return low + width * number, low + width * (number + 1)


def seed_tickets(site: Site, users: list[User]) -> int:
    """Customers and about eight weeks of tickets; returns the number of tickets."""
    ensure_default_categories()
    cast = {user.username: user for user in users}
    builder = DemoBuilder(site, cast, utcnow())
    since = builder.now - timedelta(days=OLD[1] + 2)
    customers = seed_customers(site, cast, builder.rng, since)
    return builder.build(customers) + seed_customer_side(site, cast, builder.now)


def seed_demo() -> bool:
    """Create the demo data unless the demo site exists. Returns True when it created it."""
    if find_site(DEMO_SITE) is not None:
        return False
    site = seed_site()
    users = seed_users(site)
    add_starter_templates(utcnow())
    seed_tickets(site, users)
    return True
