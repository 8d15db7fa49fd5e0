"""Finding a customer's erased values in free text and JSON, and replacing them. Pure.

What counts as the customer's values (`scrubber_for`):

- each name they were known by: replaced, ignoring case and spacing, by their placeholder
  name ("Erased customer #123"), so a sentence still reads;
- each part of a name of three letters or more ("Wang" of "Li Wang"), as a whole word, by
  "[erased]": staff write "called Mr Wang back". This over-redacts on purpose (a guest
  called "Rose" also loses the flower): an anonymised record may read oddly, it may not
  name them;
- each e-mail address, ignoring case, and each phone number, as typed or as its digits with
  any spaces, dashes, dots, slashes or brackets between them, by "[erased]".

The customer's own words (`words`: their description of the complaint, what they asked
for, what they wrote in a survey) are dropped whole: "[erased]" wherever they stand alone
as a value, and wherever a text quotes one of WORDS_QUOTED characters or more. Their account
can identify them without a name (room, dates, companions, their health in a safety
complaint) and is theirs; what staff wrote (acknowledgement, contact notes, fix, outcome,
root cause) is the hotel's record of what it did: it keeps its words, scrubbed of the
customer's values, for the audit trail and for learning.

Audit changes (`Scrubber.changes`) keep the values of coded fields (status, severity, due
times, staff usernames...) untouched and turn the `customer` field into the placeholder:
the same rule applied to the ticket's own fields keeps the trail replaying to the ticket.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

REDACTED = "[erased]"
MIN_NAME_PART = 3
MIN_PHONE_DIGITS = 5
WORDS_QUOTED = 20
NAME_FIELD = "customer"
CODED_KEYS = frozenset({
    "status", "owner", "pending_transfer_to", "pending_approval_kind",
    "signoff_requested_from", "channel", "dimension", "category", "severity", "is_safety",
    "escalation_level", "next_contact_by", "customer_response", "root_cause", "fault",
    "reopened_count", "first_response_due", "fix_offered_due", "resolution_due",
    "signed_off_by", "approved_by", "by",
})
PHONE_GAP = r"[\s\-./()]*"


def placeholder_name(customer_id: int) -> str:
    """What an erased customer is called from then on."""
    return f"Erased customer #{customer_id}"


def _is_ascii_word(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


def _bounded(body: str, first: str, last: str) -> str:
    """`body` as a whole word where it starts or ends with a Latin letter or digit (Chinese
    is written without spaces, so a Chinese name is found inside a sentence)."""
    start = r"(?<!\w)" if _is_ascii_word(first) else ""
    end = r"(?!\w)" if _is_ascii_word(last) else ""
    return start + body + end


def _name_pattern(name: str) -> re.Pattern:
    words = name.split()
    body = r"\s+".join(re.escape(word) for word in words)
    return re.compile(_bounded(body, name.strip()[0], name.strip()[-1]), re.IGNORECASE)


def _phone_pattern(digits: str) -> re.Pattern:
    return re.compile(r"(?<!\d)\+?" + PHONE_GAP.join(digits) + r"(?!\d)")


def _name_parts(names: list[str], placeholder: str) -> set[str]:
    parts = {part for name in names for part in re.findall(r"[^\W\d_]+", name)}
    return {
        part for part in parts
        if len(part) >= MIN_NAME_PART and part.lower() not in placeholder.lower()
        and part.lower() not in {name.lower() for name in names}
    }


@dataclass(frozen=True)
class Scrubber:
    """Replaces one customer's values; `customer_id` also finds them in report lists
    ({"customer_id": 123, "name": ...})."""

    customer_id: int
    placeholder: str
    replacements: tuple[tuple[re.Pattern, str], ...]
    needles: tuple[str, ...]
    words: frozenset[str] = frozenset()

    def text(self, value: str) -> str:
        if value.strip() and value.strip() in self.words:
            return REDACTED
        for pattern, replacement in self.replacements:
            value = pattern.sub(replacement, value)
        return value

    def value(self, value):
        """A JSON value with every string scrubbed (lists and objects walked)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if isinstance(value, dict):
            scrubbed = {key: self.value(item) for key, item in value.items()}
            if scrubbed.get("customer_id") == self.customer_id and "name" in scrubbed:
                scrubbed["name"] = self.placeholder
            return scrubbed
        return value

    def changes(self, changes: dict) -> dict:
        """An audit event's changes: coded fields kept, the customer's name replaced by
        the placeholder, every other string scrubbed."""
        scrubbed = {}
        for key, item in changes.items():
            if key in CODED_KEYS:
                scrubbed[key] = item
            elif key == NAME_FIELD:
                scrubbed[key] = _as_placeholder(item, self.placeholder)
            else:
                scrubbed[key] = self.value(item)
        return scrubbed


def _as_placeholder(item, placeholder: str):
    if isinstance(item, list):
        return [placeholder if part is not None else None for part in item]
    return placeholder if item is not None else None


def _clean(values: Iterable[str | None]) -> list[str]:
    return sorted({value.strip() for value in values if value and value.strip()},
                  key=lambda value: (-len(value), value))


def scrubber_for(customer_id: int, names: Iterable[str | None],
                 phones: Iterable[str | None], emails: Iterable[str | None],
                 words: Iterable[str | None] = ()) -> Scrubber:
    """The scrubber of one customer's values (their quoted words first, then e-mail, names,
    phones and name parts, longest first)."""
    placeholder = placeholder_name(customer_id)
    names, emails, words = _clean(names), _clean(emails), _clean(words)
    digits = _clean(re.sub(r"\D", "", phone or "") for phone in phones)
    digits = [number for number in digits if len(number) >= MIN_PHONE_DIGITS]
    parts = _clean(_name_parts(names, placeholder))
    replacements = (
        [(re.compile(re.escape(text)), REDACTED) for text in words if len(text) >= WORDS_QUOTED]
        + [(re.compile(re.escape(email), re.IGNORECASE), REDACTED) for email in emails]
        + [(_name_pattern(name), placeholder) for name in names]
        + [(_phone_pattern(number), REDACTED) for number in digits]
        + [(re.compile(_bounded(re.escape(part), part[0], part[-1]), re.IGNORECASE),
            REDACTED) for part in parts]
    )
    needles = tuple(dict.fromkeys(value.lower() for value in emails + names + parts + digits))
    return Scrubber(customer_id, placeholder, tuple(replacements), needles, frozenset(words))
