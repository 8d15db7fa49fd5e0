"""Builds the demo data through the same services the app uses.

Besides the site and its people, the demo gets customers and about eight weeks of tickets,
each walked through the real workflow (`open_ticket`, then `perform`) with its own clock,
so queues, reports and audit trails look lived-in right after install. Everything is
deterministic for a given moment and relative to `core.clock.utcnow()`.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from auth.models import User
from auth.services import UserInput, create_user
from core.clock import utcnow
from customers.models import Customer
from customers.services import CustomerInput, create_customer
from extensions import db
from sites.models import Site
from sites.services import SiteInput, create_site, find_site
from sla.hours import parse_hours_spec
from tickets.actions import perform
from tickets.categories import DEFAULT_CATEGORIES, active_categories, ensure_default_categories
from tickets.intake import NewTicket, open_ticket
from tickets.models import Category, Ticket

DEMO_SITE = "Riverside Hotel"
DEMO_PASSWORD = "demo"
DEMO_LOGINS = (
    ("desk", "front_desk", "Lin Mei (front desk)"),
    ("desk2", "front_desk", "Wang Fang (front desk)"),
    ("super", "supervisor", "Zhang Wei (supervisor)"),
    ("manager", "manager", "Chen Jing (manager)"),
)
SEED = 2026
STEP_MINUTES = 5


@dataclass(frozen=True)
class Story:
    """One kind of complaint: what the guest said, the fix, and what we learned."""

    category: str
    severity: str
    said: str
    wants: str
    fix: str
    remedy: str
    amount: str
    outcome: str
    cause: str
    cause_note: str
    fault: str
    prevention: tuple[str, str] | None = None
    gesture: str = ""
    safety: bool = False


@dataclass(frozen=True)
class DeclineStory:
    """A complaint the hotel declines, with the reason and the alternative offered."""

    category: str
    severity: str
    said: str
    wants: str
    reason: str
    alternative: str


STORIES = (
    Story(
        "Booking error", "high",
        "Booked a twin room for two colleagues six weeks ago; at check-in we got one king bed "
        "and were told no twins were left.",
        "A twin room tonight or money back for the difference.",
        "Move the guests to a twin room on floor 12 tonight and refund the rate difference "
        "for the first night to the card.",
        "replacement", "150.00",
        "Guests moved to twin room 1208 the same evening; rate difference refunded to the card.",
        "process", "The channel manager sync changed the room type; the overbooking check "
        "ignores bed type.", "us",
        prevention=("Add bed type to the overbooking check in the night audit",
                    "Front office manager"),
    ),
    Story(
        "Billing error", "medium",
        "Charged twice for the minibar at check-out, 86 yuan each time.",
        "Take the double charge off.",
        "Reverse the duplicate minibar charge and e-mail a corrected folio today.",
        "refund", "86.00",
        "Duplicate charge reversed; corrected folio e-mailed the same afternoon.",
        "process", "Minibar was posted by the attendant's handheld and again by the night audit.",
        "us",
        prevention=("Post minibar only from the handheld; drop the manual audit posting",
                    "Finance supervisor"),
    ),
    Story(
        "Service not delivered as promised", "medium",
        "The airport pick-up confirmed by e-mail never came. Waited 50 minutes at Pudong and "
        "took a taxi.",
        "Pay back the taxi and the pick-up fee.",
        "Refund the pick-up fee and the taxi receipt to the guest's card today.",
        "refund", "260.00",
        "Pick-up fee and taxi fare refunded; the car company confirmed the lost booking.",
        "third_party", "The car company lost the booking after a driver change.", "third_party",
        prevention=("Reconfirm every pick-up with the car company the evening before",
                    "Concierge lead"),
    ),
    Story(
        "Long wait", "low",
        "Waited 35 minutes to check in on Friday evening with only one desk open.",
        "Nothing really, I just want it known.",
        "Credit the folio for drinks at the bar and add a second desk agent on Friday "
        "evenings from next week.",
        "discount", "100.00",
        "Bar credit added; guest thanked us for listening.",
        "people", "Two agents called in sick and there was no standby rota.", "us",
        prevention=("Standby rota for Friday and Sunday evenings", "Front office manager"),
    ),
    Story(
        "No call back", "medium",
        "Phoned twice about my laptop charger left in the room. Promised a call back both "
        "times, nobody called.",
        "Find the charger or replace it.",
        "Courier a replacement charger of the same model to the guest's office by Thursday.",
        "replacement", "120.00",
        "Replacement charger delivered on Wednesday; guest confirmed it works.",
        "process", "Lost-and-found requests were written on paper and never logged.", "us",
        prevention=("Log every lost-and-found request in the system with an owner",
                    "Executive housekeeper"),
    ),
    Story(
        "Slow to fix", "high",
        "The air conditioning in room 716 failed at 23:00 and engineering only came at 02:30.",
        "Part of the money back for a sleepless night.",
        "Refund half of that night's rate and move the guest to room 902 for the rest of "
        "the stay.",
        "refund", "380.00",
        "Guest moved to 902 the next morning; half the night's rate refunded.",
        "product", "Compressor failure with only one engineer on the night shift.",
        "other_department",
        prevention=("Second engineer on call at night from June to September", "Chief engineer"),
    ),
    Story(
        "Staff knowledge", "low",
        "The concierge said the museum opens on Mondays. It was closed when we got there.",
        "Better information next time.",
        "Give the guests two museum tickets for Tuesday with the hotel car both ways.",
        "complimentary", "160.00",
        "Guests visited on Tuesday with our car and tickets.",
        "people", "Concierge used an out-of-date opening-hours sheet.", "us",
        prevention=("Check the attractions sheet every month", "Concierge lead"),
    ),
    Story(
        "Trust and privacy", "high",
        "Reception gave my room number to a caller without asking me first.",
        "Assurance that this will not happen again.",
        "Move the guest to another room at once, record the incident and retrain the evening "
        "team on the room-number rule this week.",
        "other", "0.00",
        "Guest moved within the hour; evening team retrained on Thursday.",
        "people", "New agent did not know the rule on room numbers.", "us",
        prevention=("Room-number rule added to the induction checklist", "Front office manager"),
    ),
    Story(
        "Staff attitude", "medium",
        "The restaurant host rolled her eyes and said 'we're busy' when we asked for a table "
        "for four with a high chair.",
        "An apology from the restaurant.",
        "Invite the family to dinner tomorrow with a reserved table and a high chair, "
        "hosted by the restaurant manager.",
        "complimentary", "180.00",
        "Family came to dinner; the restaurant manager apologised in person.",
        "people", "Host under pressure at peak time; no coaching on family guests.",
        "other_department",
        gesture="The chef sent a birthday cake when we learned it was the daughter's birthday.",
    ),
    Story(
        "Special needs ignored", "high",
        "I said at booking that I use a wheelchair. The accessible room has a bath and no "
        "shower seat.",
        "A properly accessible room.",
        "Move the guest to accessible room 301 with a roll-in shower tonight and refund the "
        "first night.",
        "refund", "420.00",
        "Guest moved to 301 before dinner; first night refunded.",
        "process", "Accessible rooms are not blocked when the booking has an access request.",
        "us",
        prevention=("Block accessible rooms automatically for bookings with an access request",
                    "Reservations manager"),
    ),
    Story(
        "Not listened to", "medium",
        "Told the desk three times that I am allergic to feathers. Still feather pillows "
        "every night.",
        "Synthetic pillows and a note on my profile.",
        "Replace all bedding with hypoallergenic sets today and add the allergy to the "
        "guest profile.",
        "replacement", "0.00",
        "Bedding replaced by 15:00; allergy flag added to the profile.",
        "process", "Requests at the desk were not passed to housekeeping.", "us",
    ),
    Story(
        "Room or facility condition", "medium",
        "Mould on the bathroom ceiling and a dripping tap in room 1103.",
        "Another room.",
        "Move the guest to an upgraded room on the 15th floor at the same rate and repair "
        "1103 before it is sold again.",
        "upgrade", "0.00",
        "Guest upgraded to 1507; 1103 taken out of order for repair.",
        "environment", "Humid season and a blocked bathroom extractor fan.", "us",
    ),
    Story(
        "Cleanliness", "high",
        "Hair in the bathtub and used glasses in the room when we arrived.",
        "A refund for the first night.",
        "Re-clean the room fully within 30 minutes and take a third off the first night.",
        "discount", "150.00",
        "Room re-cleaned in 25 minutes and inspected with the guest; discount applied.",
        "people", "Room released before inspection during peak check-out.", "us",
        prevention=("No room released without a supervisor inspection on peak days",
                    "Executive housekeeper"),
    ),
    Story(
        "Equipment broken", "low",
        "The TV does not open the streaming apps advertised on your website.",
        "A working TV.",
        "Replace the set-top box in room 608 today and give the guest a movie voucher.",
        "repair_redo", "50.00",
        "Set-top box replaced; apps working by the evening.",
        "third_party", "The IPTV provider's update broke the apps; patch due next month.",
        "third_party",
    ),
    Story(
        "Noise", "medium",
        "Construction noise from 07:00 on Saturday. Nobody told us when we booked.",
        "Another room or a discount.",
        "Move the guest to the quiet east wing and take a fifth off the stay.",
        "discount", "240.00",
        "Guest moved to the east wing; discount on the final bill.",
        "environment", "Renovation next door was not mentioned in booking confirmations.",
        "other_department",
        prevention=("Add the construction notice to confirmations until the works end",
                    "Reservations manager"),
    ),
    Story(
        "Noise", "low",
        "A wedding party in the ballroom played music until midnight; we heard it on floor 3.",
        "Quiet rooms during events.",
        "Move the guest to floor 18 tonight and send breakfast to the room tomorrow.",
        "complimentary", "120.00",
        "Guest moved to floor 18; breakfast delivered at 08:00.",
        "customer_expectation", "The event ended at the agreed time; the guest expected "
        "silence from 22:00.", "customer",
    ),
    Story(
        "Long wait", "medium",
        "Room service breakfast ordered for 07:00 came at 07:55 and I missed my meeting.",
        "Do not charge me for it.",
        "Take the breakfast off the bill and have the duty manager check tomorrow's 06:45 "
        "delivery.",
        "refund", "98.00",
        "Breakfast refunded; next morning's order arrived at 06:40.",
        "people", "The kitchen was short one cook on the early shift.", "other_department",
    ),
    Story(
        "Service not delivered as promised", "low",
        "I booked the spa package with late check-out but was asked to leave at 12:00.",
        "The late check-out I paid for.",
        "Extend check-out to 16:00 as booked and give the guest a spa voucher for the next "
        "stay.",
        "complimentary", "200.00",
        "Check-out extended; spa voucher e-mailed.",
        "process", "Package inclusions were not shown on the arrivals list.", "us",
    ),
    Story(
        "Staff knowledge", "medium",
        "Nobody at the desk could explain the 1,000 yuan hold on my card and they told me to "
        "call my bank.",
        "An explanation and the hold released.",
        "Release the deposit hold today and send a written explanation of deposit holds "
        "by e-mail.",
        "other", "0.00",
        "Hold released the same day; explanation sent and acknowledged.",
        "people", "New agent was not trained on pre-authorisations.", "us",
        prevention=("Pre-authorisation module added to desk training", "Front office manager"),
    ),
    Story(
        "Equipment broken", "medium",
        "The safe locked with my passport inside just before I had to leave for the airport.",
        "Get my passport out now.",
        "Open the safe with security present within 20 minutes and book a free taxi to the "
        "airport.",
        "complimentary", "150.00",
        "Safe opened in 15 minutes; guest made the flight in our taxi.",
        "product", "Safe battery flat; no battery check in the room inspection.", "unknown",
    ),
    Story(
        "Room or facility condition", "low",
        "Paid for a river-view room but the view is mostly of the car park.",
        "A room with a real river view.",
        "Move the guest to a full river-view room tomorrow morning at no extra charge.",
        "upgrade", "0.00",
        "Guest moved to 1812 with a full river view.",
        "customer_expectation", "Partial river view as described on the booking site.",
        "customer",
    ),
    Story(
        "Billing error", "high",
        "Our group of 12 from Huaxin Trading was billed the rack rate instead of our company "
        "rate for three nights.",
        "A corrected invoice.",
        "Re-issue the group invoice at the contracted rate and refund the difference to the "
        "company account.",
        "refund", "2880.00",
        "Invoice re-issued and the difference refunded to the company account.",
        "process", "Contract rates for the new year were not loaded.", "us",
        prevention=("Check corporate rates are loaded two weeks before each contract year",
                    "Revenue manager"),
    ),
    Story(
        "Safety concern", "critical",
        "My son's fingers were trapped by the fast-closing fire door on floor 5 and nobody "
        "came when we called reception.",
        "Fix the door and check the others.",
        "Adjust the closer on the floor 5 fire door today, check every fire door closer by "
        "Friday and pay the clinic visit.",
        "other", "300.00",
        "Door closer adjusted within the hour; all 64 closers checked; clinic bill paid.",
        "product", "Door closer tension set too high after the last service.", "third_party",
        prevention=("Monthly check of every fire door closer in the safety round",
                    "Chief engineer"),
        gesture="The duty manager visited the family with a gift for the boy and called the "
        "next day to ask how he was.",
        safety=True,
    ),
    Story(
        "Safety concern", "critical",
        "My father slipped on the wet lobby floor; there was no warning sign. His wrist is "
        "swollen.",
        "Pay the hospital and make the floor safe.",
        "Put warning signs out whenever the lobby is mopped, pay the hospital bill and "
        "the taxi, and call the guest tomorrow.",
        "refund", "650.00",
        "Hospital bill and taxi refunded; guest's wrist was sprained, not broken.",
        "people", "Cleaner mopped during busy hours without signs.", "us",
        prevention=("Lobby mopped only before 07:00 with signs out", "Executive housekeeper"),
        safety=True,
    ),
)

DECLINES = (
    DeclineStory(
        "Room or facility condition", "low",
        "The gym was closed for one morning. I want my three nights refunded.",
        "Full refund.",
        "The closure was posted 48 hours ahead and the pool and partner gym were open; a full "
        "refund is out of proportion.",
        "Offered a free day pass for the partner gym and late check-out at 14:00.",
    ),
    DeclineStory(
        "Billing error", "medium",
        "I booked a non-refundable rate on a travel website and my plans changed. Refund me.",
        "A full refund.",
        "Non-refundable rate sold by the agency; the room was available as booked.",
        "Offered to move the dates once, free of charge, within 60 days.",
    ),
    DeclineStory(
        "Staff attitude", "low",
        "Security would not let my friend up to my room after midnight.",
        "An apology from security and a refund of the night.",
        "Visitors are registered after 23:00 for every guest's safety; CCTV shows the officer "
        "was polite and followed the policy.",
        "Explained the policy and offered to register visitors in advance at the desk.",
    ),
    DeclineStory(
        "Noise", "low",
        "Church bells across the river every Sunday morning. I want 50% off.",
        "Half the stay refunded.",
        "Outside the hotel's control and stated in the room description.",
        "Offered a city-side room for the next stay at the same rate and earplugs on arrival.",
    ),
    DeclineStory(
        "Long wait", "low",
        "Waited 10 minutes for a taxi in the rain. I want the night refunded.",
        "The night refunded.",
        "Taxis are run by the city; the doorman called one at once and the wait was normal.",
        "Offered to pre-book taxis through the concierge and lend an umbrella at the door.",
    ),
)

ACKS = (
    "Apologised face to face, repeated the problem back to the guest and said what happens "
    "next.",
    "Called the guest back, apologised and confirmed the details; promised an update by phone.",
    "Replied by e-mail within the hour: apologised, confirmed the facts, gave my direct line.",
    "Apologised on WeChat, asked for photos and promised a call with a concrete fix.",
)
CONTACT_NOTES = (
    "Called the guest with an update; they are happy to wait for the fix.",
    "Sent an update by e-mail with the steps taken so far.",
    "Spoke to the guest at breakfast and confirmed the plan.",
    "Left a voicemail and sent a text with my direct number.",
)
CONTACT_CHANNELS = ("phone", "phone", "email", "front_desk", "social")
GESTURES = (
    "Sent a handwritten card and fresh fruit to the room.",
    "Upgraded the guest's next booking to a river-view suite.",
)
ESCALATIONS = (
    "Guest asked for a manager after the promised call back did not happen.",
    "Second complaint from this guest this month; needs a supervisor's eye.",
)
REOPEN_REASONS = (
    "Guest called back: the problem came back the next evening.",
    "The refund has not reached the guest's card after five working days.",
)
CHANNEL_CYCLE = (
    "front_desk", "front_desk", "front_desk", "phone", "phone", "email", "web", "social",
    "survey",
)

# name, e-mail, tier, preferred owner, notes, weight (how often they complain)
CUSTOMERS = (
    ("王磊", "wang.lei", "standard", None, "", 5),
    ("李娜", "li.na", "key", None, "Corporate account: Huaxin Trading.", 3),
    ("刘洋", None, "standard", None, "", 2),
    ("陈静怡", "chen.jingyi", "vip", "desk", "Prefers a high floor; calls before arriving.", 4),
    ("赵敏", None, "standard", None, "", 1),
    ("孙浩", "sun.hao", "key", None, "Books meeting rooms monthly.", 3),
    ("周婷", None, "standard", None, "Prefers WeChat.", 2),
    ("吴俊杰", "wu.junjie", "vip", "super", "Owner of a travel agency; sends groups.", 5),
    ("郑小燕", None, "standard", None, "", 1),
    ("黄志强", "huang.zq", "key", None, "", 2),
    ("何丽", None, "standard", None, "Allergic to feathers.", 2),
    ("马超", None, "standard", None, "", 1),
    ("Emma Thompson", "emma.thompson", "vip", "desk2", "Long-stay guest, English only.", 4),
    ("David Miller", "david.miller", "key", None, "", 2),
    ("Sophie Laurent", "sophie.laurent", "standard", None, "E-mail only, French speaker.", 2),
    ("James O'Connor", None, "standard", None, "", 1),
    ("Olivia Brown", "olivia.brown", "standard", None, "", 2),
    ("Michael Schmidt", "m.schmidt", "key", "super", "Frequent business traveller.", 3),
    ("Hannah Kim", None, "standard", None, "", 1),
    ("Lucas Silva", "lucas.silva", "standard", None, "", 2),
    ("Grace Wong", "grace.wong", "vip", None, "Wheelchair user.", 3),
    ("Thomas Müller", None, "standard", None, "", 1),
    ("Aisha Rahman", "aisha.rahman", "standard", None, "Halal meals.", 2),
    ("Kenji Tanaka", "kenji.tanaka", "key", None, "", 2),
)
EMAIL_ONLY = {"Sophie Laurent"}


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
        )
        customer = create_customer(site.id, data)
        customer.created_at = since
        customers.append((customer, weight))
    return customers


class Play:
    """One ticket's walk through the workflow; each step moves the ticket's own clock on."""

    def __init__(self, demo: "DemoBuilder", ticket: Ticket, story, at: datetime):
        self.demo, self.ticket, self.story, self.at = demo, ticket, story, at
        self.rng = demo.rng

    @property
    def owner(self) -> str:
        return self.ticket.owner.username

    def minutes(self, low: int, high: int) -> int:
        return low + int(self.rng.random() * (high - low))

    def hours(self, low: int, high: int) -> timedelta:
        """A promise `low`-`high` hours after the step it is given in."""
        return timedelta(minutes=self.minutes(low * 60, high * 60))

    def ahead(self) -> datetime:
        """A promise still in the future now, for tickets that are open today."""
        return self.demo.now + timedelta(minutes=self.minutes(3 * 60, 30 * 60))

    def act(self, action: str, who: str, minutes: int, /, **data) -> None:
        """Take `action` `minutes` after the previous step; timedelta values count from then."""
        self.at += timedelta(minutes=max(1, minutes))
        if self.at >= self.demo.now:
            raise RuntimeError(f"demo step '{action}' on {self.ticket.ref} is in the future")
        data = {k: self.at + v if isinstance(v, timedelta) else v for k, v in data.items()}
        perform(self.ticket, action, self.demo.cast[who], data, version=None, now=self.at)

    def own(self, who: str) -> None:
        self.act(
            "own", who, self.minutes(10, 90),
            acknowledgement=self.rng.choice(ACKS), next_contact_by=self.hours(2, 8),
        )

    def contact(self, kept: bool = True, promise: datetime | None = None) -> None:
        """Log a contact before the standing promise (kept) or after it (broken)."""
        left = int((self.ticket.next_contact_by - self.at).total_seconds() // 60)
        if kept:
            minutes = int(left * (0.2 + 0.6 * self.rng.random()))
        else:
            minutes = left + self.minutes(20, 150)
        data = {
            "note": self.rng.choice(CONTACT_NOTES),
            "channel": self.rng.choice(CONTACT_CHANNELS),
        }
        if promise is not None:
            data["next_contact_by"] = promise
        self.act("log_contact", self.owner, minutes, **data)

    def offer(self, amount: str | None = None, committed=None, action: str = "") -> None:
        self.act(
            "offer_fix", self.owner, self.minutes(30, 240),
            action=action or self.story.fix,
            remedy_type=self.story.remedy,
            compensation=amount or self.story.amount,
            committed_by=committed or self.hours(4, 48),
        )

    def approve(self) -> None:
        """A lead signs off a pending fix or decline (a manager above the supervisor limit)."""
        if self.ticket.status != "awaiting_approval":
            return
        offer = self.ticket.current_offer
        above = offer is not None and offer.compensation > self.ticket.site.supervisor_limit
        who = "manager" if above or self.owner == "super" else "super"
        note = "Checked with the owner; go ahead." if offer else "Checked the terms; agreed."
        self.act("approve", who, self.minutes(15, 120), note=note)

    def reject(self) -> None:
        self.act(
            "reject", "super", self.minutes(15, 120),
            reason="Too much cash for this one: offer the room move and a smaller credit.",
        )

    def respond(self, response: str = "accepted") -> None:
        note = "Guest agreed on the phone." if response == "accepted" else "Guest wants more."
        self.act("record_response", self.owner, self.minutes(30, 180),
                 customer_response=response, note=note)

    def resolve(self) -> None:
        story = self.story
        data = {
            "outcome": story.outcome,
            "customer_response": "accepted",
            "root_cause": story.cause,
            "root_cause_note": story.cause_note,
            "fault": story.fault,
            "beyond_expectation": story.gesture,
        }
        if story.prevention and self.rng.random() < 0.7:
            data["prevention_action"], data["prevention_owner"] = story.prevention
            data["prevention_due"] = (self.at + timedelta(days=self.minutes(14, 45))).date()
        if not story.gesture and self.rng.random() < 0.15:
            data["beyond_expectation"] = self.rng.choice(GESTURES)
        self.act("resolve", self.owner, self.minutes(60, 600), **data)

    def decline(self) -> None:
        """Decline; front-desk owners ask `super` to sign it off."""
        data = {"reason": self.story.reason, "alternative_offered": self.story.alternative}
        if self.ticket.owner.role == "front_desk":
            data["signed_off_by"] = "super"
        self.act("decline", self.owner, self.minutes(30, 300), **data)

    def transfer(self, to: str) -> None:
        self.act("transfer", self.owner, self.minutes(20, 120), to=to,
                 handover_note="Going off shift for three days; guest prefers calls after 18:00.")

    def accept(self) -> None:
        self.act("accept_transfer", self.ticket.pending_transfer_to.username,
                 self.minutes(10, 90), note="Read the history; calling the guest today.")

    def escalate(self) -> None:
        self.act("escalate", "super", self.minutes(10, 60), reason=self.rng.choice(ESCALATIONS))

    def reopen(self) -> None:
        self.act("reopen", "super", self.minutes(4 * 60, 20 * 60),
                 reason=self.rng.choice(REOPEN_REASONS))

    def close(self, low_days: int = 7, high_days: int = 10) -> None:
        """Close after the follow-ups, some days later but never after now."""
        target = self.at + timedelta(minutes=self.minutes(low_days * 1440, high_days * 1440))
        target = min(target, self.demo.now - timedelta(hours=2))
        minutes = int((target - self.at).total_seconds() // 60)
        self.act("close", "super", minutes, note="Follow-up call done; guest satisfied.")


def fix_and_resolve(play: Play) -> None:
    """The usual road from an owned ticket to resolved; one contact in six is late."""
    play.contact(kept=play.rng.random() > 0.16)
    play.offer()
    play.approve()
    if play.rng.random() < 0.5:
        play.respond()
    play.resolve()


def stay_new(play: Play) -> None:
    """Left as opened: nobody owns it yet."""


def stay_owned(play: Play) -> None:
    play.contact(promise=play.ahead())


def owned_transfer_pending(play: Play) -> None:
    play.contact(promise=play.ahead())
    play.transfer("desk2")


def owned_escalated(play: Play) -> None:
    play.contact(kept=False)
    play.escalate()


def stay_fix_offered(play: Play) -> None:
    play.contact()
    play.offer(committed=play.ahead())
    play.approve()


def fix_offered_after_transfer(play: Play) -> None:
    play.transfer("desk2")
    play.accept()
    play.offer(committed=play.ahead())
    play.approve()


def fix_offered_countered(play: Play) -> None:
    play.offer()
    play.approve()
    play.respond("countered")
    raised = Decimal(play.story.amount) * Decimal("1.5") + Decimal("50")
    raised = str(raised.quantize(Decimal("0.01")))
    play.offer(raised, committed=play.ahead(), action=play.story.fix + " Credit raised after "
               "the guest's counter-offer.")
    play.approve()


def awaiting_fix(play: Play) -> None:
    play.contact()
    play.offer(committed=play.ahead())


def awaiting_decline(play: Play) -> None:
    play.contact()
    play.decline()


def stay_resolved(play: Play) -> None:
    fix_and_resolve(play)


def resolved_after_reopen(play: Play) -> None:
    fix_and_resolve(play)
    play.reopen()
    play.offer()
    play.approve()
    play.resolve()


def stay_declined(play: Play) -> None:
    play.decline()
    play.approve()


def closed(play: Play) -> None:
    fix_and_resolve(play)
    play.close()


def closed_after_reopen(play: Play) -> None:
    resolved_after_reopen(play)
    play.close()


def closed_after_reject(play: Play) -> None:
    play.offer()
    play.reject()
    play.offer("180.00")
    play.respond()
    play.resolve()
    play.close()


def closed_after_escalation(play: Play) -> None:
    play.contact(kept=False)
    play.escalate()
    play.offer()
    play.approve()
    play.resolve()
    play.close()


def closed_after_transfer(play: Play) -> None:
    play.transfer("desk2")
    play.accept()
    fix_and_resolve(play)
    play.close()


def closed_decline(play: Play) -> None:
    stay_declined(play)
    play.close(2, 5)


DESKS = ("desk", "desk", "desk2", "desk2", "super")


@dataclass(frozen=True)
class Batch:
    """`count` tickets opened `ages` days ago (spread evenly), then walked by `script`."""

    script: Callable[[Play], None]
    count: int
    ages: tuple[float, float]
    owners: tuple[str, ...] = DESKS
    kind: str = "any"


OPEN, RECENT, OLD = (1.5, 4.5), (1.5, 9.0), (10.0, 58.0)
PLAN = (
    Batch(stay_new, 4, (0.02, 0.95), owners=()),
    Batch(stay_owned, 3, OPEN),
    Batch(stay_owned, 1, OPEN, kind="safety"),
    Batch(owned_transfer_pending, 1, OPEN, owners=("desk",)),
    Batch(owned_escalated, 1, OPEN),
    Batch(stay_fix_offered, 3, OPEN),
    Batch(fix_offered_after_transfer, 1, OPEN, owners=("desk",)),
    Batch(fix_offered_countered, 1, OPEN, owners=("super",)),
    Batch(awaiting_fix, 1, OPEN, owners=("desk",), kind="big"),
    Batch(awaiting_fix, 1, OPEN, owners=("desk2",), kind="huge"),
    Batch(awaiting_decline, 2, OPEN, owners=("desk", "desk2"), kind="decline"),
    Batch(stay_resolved, 6, RECENT),
    Batch(stay_resolved, 1, RECENT, kind="safety"),
    Batch(resolved_after_reopen, 1, (5.0, 9.0)),
    Batch(stay_declined, 3, RECENT, owners=("desk", "desk2", "super"), kind="decline"),
    Batch(closed, 32, OLD),
    Batch(closed, 1, OLD, owners=("desk",), kind="huge"),
    Batch(closed_after_reopen, 1, OLD),
    Batch(closed_after_reject, 1, OLD, owners=("desk",), kind="big"),
    Batch(closed_after_escalation, 1, OLD),
    Batch(closed_after_transfer, 1, OLD, owners=("desk",)),
    Batch(closed_decline, 3, OLD, kind="decline"),
)

STORY_KINDS: dict[str, Callable[[Story | DeclineStory], bool]] = {
    "any": lambda s: isinstance(s, Story) and not s.safety and Decimal(s.amount) <= 2000,
    "big": lambda s: isinstance(s, Story) and not s.safety and 200 < Decimal(s.amount) <= 2000,
    "huge": lambda s: isinstance(s, Story) and Decimal(s.amount) > 2000,
    "safety": lambda s: isinstance(s, Story) and s.safety,
    "decline": lambda s: isinstance(s, DeclineStory),
}


@dataclass
class Case:
    """One ticket to create: when, about what, for whom, and how far it gets."""

    script: Callable[[Play], None]
    story: Story | DeclineStory
    owner: str | None
    channel: str
    customer: Customer
    ages: tuple[float, float]
    span: tuple[float, float]
    at: datetime | None = None
    booking_ref: str = ""


@dataclass
class DemoBuilder:
    """Creates the demo customers and tickets for `site`, relative to `now`."""

    site: Site
    cast: dict[str, User]
    now: datetime
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
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
                customer = self.rng.choices(people, weights)[0]
                ref = f"RH{self.rng.randrange(10**6):06d}" if self.rng.random() < 0.4 else ""
                case = Case(batch.script, self.draw(batch.kind), owner, channels.pop(),
                            customer, ages, batch.ages, booking_ref=ref)
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

    def open(self, case: Case) -> Play:
        """Open the ticket; the owner takes it on the spot at the desk, or a little later."""
        category = self.category(case.story.category)
        on_the_spot = case.channel == "front_desk" and case.owner is not None
        opener = case.owner if on_the_spot else self.rng.choice(DESKS)
        promise = case.at + timedelta(minutes=120 + int(self.rng.random() * 360))
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
        play = Play(self, ticket, case.story, case.at)
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
            case.at = self.opening_time(case.ages, case.span)
        for case in sorted(cases, key=lambda c: c.at):
            case.script(self.open(case))
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
    return builder.build(customers)


def seed_demo() -> bool:
    """Create the demo data unless the demo site exists. Returns True when it created it."""
    if find_site(DEMO_SITE) is not None:
        return False
    site = seed_site()
    users = seed_users(site)
    seed_tickets(site, users)
    return True
