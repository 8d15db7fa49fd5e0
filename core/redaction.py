"""What log lines may say about people: masked e-mail addresses and phone numbers only.

`mask_email("lin.mei@example.com")` is "l***@example.com" (the domain helps to diagnose
mail trouble, the person stays unnamed); `redact(text)` masks every e-mail address and
every phone-like number (7 digits or more, with spaces, dots, dashes or brackets between
them) in free text such as an SMTP server's error, keeping a phone's last two digits.
"""

import re

EMAIL = re.compile(r"[^\s@<>'\"(),;:\[\]{}]+@([^\s@<>'\"(),;:\[\]{}]+)")
PHONE = re.compile(r"\+?\d(?:[ .()\-]{0,2}\d){6,}")


def mask_email(address: str | None) -> str:
    """`address` with all but the first character of its local part hidden."""
    local, at, domain = (address or "").strip().rpartition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"


def _mask_phone(found: re.Match) -> str:
    digits = re.sub(r"\D", "", found.group(0))
    return f"***{digits[-2:]}"


def redact(text: str | None, *known: str) -> str:
    """`text` with the `known` values (e.g. the recipient), e-mail addresses and phone-like
    numbers masked."""
    text = text or ""
    for value in sorted((v for v in known if v), key=len, reverse=True):
        text = text.replace(value, mask_email(value) if "@" in value else "***")
    text = EMAIL.sub(lambda found: mask_email(found.group(0)), text)
    return PHONE.sub(_mask_phone, text)
