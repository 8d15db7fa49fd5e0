"""What the demo is made of: complaint stories, customers and the words staff use.

Plain data; `demo.seed` walks these through the real workflow.
"""

from dataclasses import dataclass


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
CHECK_IN_NOTES = (
    "Guest confirmed the refund arrived and thanked us for calling.",
    "All fine now; the new room is much quieter.",
    "Reached on the mobile; happy with how it was handled.",
    "Guest said the fix worked but the wait was long.",
)
SURVEY_COMMENTS = (
    "Thank you for taking it seriously.",
    "Quick and friendly, and you called back when you said you would.",
    "It was sorted, but I had to ask twice.",
    "The manager's note in the room was a nice touch.",
    "I will stay with you again.",
)
