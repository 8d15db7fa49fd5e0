"""Reading one RFC 5322 message into what the intake needs. Pure: no Flask, no database.

The standard library's parser does the MIME work (`BytesParser` with `policy.default`):
headers decoded (RFC 2047 encoded words, RFC 2231 file names), bodies decoded from their
transfer encoding. What is added here is only what real mail needs beyond that:

- Chinese mail labelled ``gb2312`` or ``gbk`` often holds characters only GB18030 has, and
  raw 8-bit headers come in UTF-8 or GBK: both are decoded with GB18030 (a superset of
  both) when the label's own codec fails, so a subject never turns into "�";
- an HTML-only message gives its text through a real HTML parser (Beautiful Soup with
  the standard library's `html.parser`), scripts and styles dropped;
- quoted reply text is trimmed where that is simple (lines starting with ">" and the
  "On … wrote:" line above a trailing quote), never the customer's own words: when the
  trimming would leave nothing, the whole text stays.

`parse_mail` raises `Unreadable` (with a reason for the person who reviews it) when the
message has no usable sender; every other oddity still gives a `ParsedMail`.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses

from bs4 import BeautifulSoup

MAX_IDS = 50
MAX_ID_LENGTH = 250
MAX_ATTACHMENTS = 20
SYNTHETIC_DOMAIN = "mailin.invalid"
RECIPIENT_HEADERS = ("to", "cc", "delivered-to", "x-original-to", "envelope-to")
GUARD_HEADERS = ("auto-submitted", "precedence", "x-autoreply", "x-autorespond",
                 "list-id", "return-path")
GB_LABELS = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "csgb2312",
             "chinese", "hz-gb-2312"}
MESSAGE_ID = re.compile(rf"<[^<>\s]{{1,{MAX_ID_LENGTH - 2}}}>")
QUOTED = re.compile(r"^\s*>")
ATTRIBUTION = (
    re.compile(r"^\s*On\b.{0,300}\bwrote:\s*$", re.IGNORECASE | re.DOTALL),
    re.compile(r"^\s*在.{0,300}写道[:：]\s*$", re.DOTALL),
)
SURROGATES = re.compile("[\udc80-\udcff]+")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
DROPPED_HTML = ("script", "style", "head", "template", "noscript")
BLOCK_HTML = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
              "pre", "hr", "table", "ul", "ol", "section", "article", "header", "footer",
              "address", "dd", "dt")


class Unreadable(ValueError):
    """The message cannot be understood; `reason` says why, for the person reviewing it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class MailAttachment:
    """One attached (or inline) file as sent: its name, the type it claims, its bytes."""

    name: str
    claimed_type: str
    content: bytes


@dataclass
class ParsedMail:
    """What the intake reads from one message."""

    message_id: str
    from_address: str
    from_name: str
    subject: str
    body: str
    recipients: list[str] = field(default_factory=list)
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    guard: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/plain"
    attachments: list[MailAttachment] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    synthetic_id: bool = False

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this one answers, the closest first (In-Reply-To, then References
        from the newest)."""
        ordered = [*self.in_reply_to, *reversed(self.references)]
        return list(dict.fromkeys(ordered))

    @property
    def locale(self) -> str:
        """zh_Hans when the subject or the text holds Chinese characters, else en."""
        return "zh_Hans" if HAN.search(self.subject) or HAN.search(self.body) else "en"


# --- text repair -------------------------------------------------------------------------


def _codec(charset: str | None) -> str:
    label = (charset or "").strip().lower()
    if label in GB_LABELS or label == "gb18030":
        return "gb18030"
    if label in ("", "us-ascii", "ascii", "unknown-8bit", "x-unknown"):
        return "utf-8"
    return label


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Text from bytes: the labelled charset (GB labels read as GB18030), else UTF-8, else
    GB18030, else UTF-8 with replacement characters. Never raises."""
    for codec in dict.fromkeys((_codec(charset), "utf-8", "gb18030")):
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def _unescape_surrogates(text: str) -> str:
    """Raw 8-bit header bytes the parser kept as surrogate escapes, decoded for real."""
    return SURROGATES.sub(
        lambda run: decode_bytes(run.group().encode("utf-8", "surrogateescape")), text)


def clean(text: str) -> str:
    """Unix newlines, NFC, no NUL or other control characters (tabs and newlines stay)."""
    text = _unescape_surrogates(text).replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL.sub("", unicodedata.normalize("NFC", text))


def _redecode_words(raw: str) -> str:
    """A header's encoded words decoded again, GB labels as GB18030."""
    parts = []
    for chunk, charset in decode_header(raw):
        if isinstance(chunk, str):
            parts.append(chunk)
        else:
            parts.append(decode_bytes(chunk, charset))
    return "".join(parts)


def _raw_header(message: EmailMessage, name: str) -> str | None:
    for key, value in message.raw_items():
        if key.lower() == name:
            return value if isinstance(value, str) else str(value)
    return None


def header_text(message: EmailMessage, name: str) -> str:
    """One header's decoded text ("" when absent); never raises, never keeps "�" that a
    better reading of the same bytes avoids."""
    try:
        value = message.get(name)
        text = "" if value is None else str(value)
    except Exception:  # noqa: BLE001 - a header the policy cannot parse is read raw below
        text = "\ufffd"
    if "\ufffd" in text:
        raw = _raw_header(message, name.lower())
        if raw is not None:
            repaired = _redecode_words(_unescape_surrogates(raw)) if "=?" in raw else raw
            text = repaired if repaired.count("\ufffd") < text.count("\ufffd") else text
    return " ".join(clean(text).split())


def _header_values(message: EmailMessage, name: str) -> list[str]:
    values = []
    for key, value in message.raw_items():
        if key.lower() == name:
            values.append(_unescape_surrogates(str(value)))
    return values


# --- identities --------------------------------------------------------------------------


def synthetic_message_id(raw: bytes) -> str:
    """A stand-in Message-ID from the bytes' SHA-256: the same message delivered again is
    recognised even without a Message-ID of its own."""
    return f"<{hashlib.sha256(raw).hexdigest()}@{SYNTHETIC_DOMAIN}>"


def normalise_message_id(value: str) -> str | None:
    """``<id@host>`` from a header value (brackets added when the sender left them out);
    None when empty. A value too long for the column is replaced by its hash."""
    value = "".join(clean(value or "").split())
    if not value:
        return None
    found = MESSAGE_ID.search(value)
    if found:
        return found.group()
    candidate = "<" + value.strip("<>") + ">"
    if len(candidate) <= MAX_ID_LENGTH and "<" not in candidate[1:-1]:
        return candidate
    return f"<{hashlib.sha256(value.encode()).hexdigest()}@{SYNTHETIC_DOMAIN}>"


def _message_ids(message: EmailMessage, name: str) -> list[str]:
    found = []
    for value in _header_values(message, name):
        found.extend(MESSAGE_ID.findall(value))
    return found[-MAX_IDS:]


def address_key(address: str) -> str:
    """An address as routing compares it: lower case, a ``+tag`` dropped from the local part
    (``Desk+SR-000123@Hotel.example`` → ``desk@hotel.example``)."""
    local, at, domain = (address or "").strip().lower().rpartition("@")
    if not at:
        return (address or "").strip().lower()
    return f"{local.split('+', 1)[0]}@{domain}"


def plus_tag(address: str) -> str:
    """The ``+tag`` of an address's local part ("" when none)."""
    local = (address or "").rpartition("@")[0]
    return local.split("+", 1)[1] if "+" in local else ""


def _addresses(values: list[str]) -> list[tuple[str, str]]:
    pairs = []
    for name, address in getaddresses(values):
        address = clean(address).strip()
        if "@" in address and " " not in address:
            pairs.append((clean(name).strip(), address))
    return pairs


def _sender(message: EmailMessage) -> tuple[str, str]:
    """(display name, address) of the first From address, else Sender."""
    for header in ("from", "sender"):
        try:
            value = message.get(header)
            found = list(value.addresses) if value is not None else []
        except Exception:  # noqa: BLE001 - an unparseable address header counts as none
            found = []
        for candidate in found:
            address = clean(candidate.addr_spec or "").strip()
            if candidate.username and candidate.domain and "@" in address:
                return " ".join(clean(candidate.display_name or "").split()), address
        pairs = _addresses(_header_values(message, header))
        if pairs:
            return pairs[0]
    return "", ""


def recipients(message: EmailMessage) -> list[str]:
    """Every recipient address (To, Cc, Delivered-To, X-Original-To, Envelope-To), in
    order, lower case, each once."""
    found = []
    for name in RECIPIENT_HEADERS:
        found.extend(address.lower() for _n, address in _addresses(_header_values(message, name)))
    return list(dict.fromkeys(found))


# --- the text ----------------------------------------------------------------------------


def part_text(part: EmailMessage) -> str:
    """A text part's content, decoded from its transfer encoding and its charset."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - a broken part reads as empty
        payload = None
    if not isinstance(payload, bytes):
        return ""
    return clean(decode_bytes(payload, part.get_content_charset()))


def html_to_text(html: str) -> str:
    """The visible text of an HTML body (scripts, styles and the head dropped): each block
    (paragraph, line break, list item, table row …) on its own line, inline markup kept in
    the flow of its sentence."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(DROPPED_HTML):
        tag.decompose()
    for tag in soup.find_all(BLOCK_HTML):
        tag.insert_before("\n")
        tag.insert_after("\n")
    for cell in soup.find_all(("td", "th")):
        cell.insert_after(" ")
    for line_break in soup.find_all("br"):
        line_break.replace_with("\n")
    lines = [" ".join(line.split()) for line in soup.get_text().splitlines()]
    return _squeeze_blank_lines(lines)


def _squeeze_blank_lines(lines: list[str]) -> str:
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip()


def _is_attribution(lines: list[str], index: int) -> int:
    """How many lines (1 or 2) make an "On … wrote:" line at `index`; 0 when none."""
    for width in (1, 2):
        text = " ".join(line.strip() for line in lines[index:index + width])
        if any(pattern.match(text) for pattern in ATTRIBUTION):
            return width
    return 0


def trim_quotes(text: str) -> str:
    """The text without quoted lines (">") and without an "On … wrote:" line that only
    introduces quoted lines; the whole text when trimming would leave nothing."""
    lines = text.split("\n")
    kept: list[str] = []
    index = 0
    while index < len(lines):
        width = _is_attribution(lines, index)
        if width and _only_quotes_follow(lines, index + width):
            index += width
            continue
        if not QUOTED.match(lines[index]):
            kept.append(lines[index].rstrip())
        index += 1
    trimmed = _squeeze_blank_lines(kept)
    return trimmed or text.strip()


def _only_quotes_follow(lines: list[str], start: int) -> bool:
    rest = [line for line in lines[start:] if line.strip()]
    return all(QUOTED.match(line) for line in rest)


def body_text(message: EmailMessage) -> str:
    """The plain-text body, else the text of the HTML body; quotes trimmed."""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception:  # noqa: BLE001 - a structure the parser cannot walk has no body
        part = None
    if part is None:
        return ""
    text = part_text(part)
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return trim_quotes(text)


# --- attachments -------------------------------------------------------------------------


def _leaf_parts(part: EmailMessage, depth: int = 0):
    """Every non-multipart part, in order, without entering attached messages."""
    if depth > 20:
        return
    if part.is_multipart() and part.get_content_maintype() == "multipart":
        for child in part.iter_parts():
            yield from _leaf_parts(child, depth + 1)
    else:
        yield part


def _file_name(part: EmailMessage, number: int) -> str:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001 - a broken file name reads as none
        name = None
    name = clean(name or "").strip()
    if name:
        return name
    subtype = re.sub(r"[^a-z0-9]+", "", part.get_content_subtype().lower())[:10] or "bin"
    return f"attachment-{number}.{subtype}"


def _is_file(part: EmailMessage, body: EmailMessage | None) -> bool:
    if part is body:
        return False
    if part.get_content_maintype() == "text" and not part.is_attachment():
        return False  # the other alternative of the body, or a text part shown inline
    return part.get_content_type() != "message/delivery-status"


def attachments(message: EmailMessage) -> tuple[list[MailAttachment], list[str]]:
    """(files with their bytes, names of parts that cannot be kept as files: attached
    messages and parts beyond MAX_ATTACHMENTS)."""
    try:
        body = message.get_body(preferencelist=("plain", "html"))
    except Exception:  # noqa: BLE001
        body = None
    files: list[MailAttachment] = []
    skipped: list[str] = []
    for number, part in enumerate(_leaf_parts(message), start=1):
        if not _is_file(part, body):
            continue
        name = _file_name(part, number)
        payload = None if part.get_content_maintype() == "message" else _payload(part)
        if payload is None or len(files) >= MAX_ATTACHMENTS:
            skipped.append(name)
        else:
            files.append(MailAttachment(name, part.get_content_type(), payload))
    return files, skipped


def _payload(part: EmailMessage) -> bytes | None:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        return None
    return payload if isinstance(payload, bytes) and payload else None


# --- the whole message -------------------------------------------------------------------


def read_message(raw: bytes, *, headers_only: bool = False) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(raw, headersonly=headers_only)


def message_id_of(message: EmailMessage, raw: bytes) -> tuple[str, bool]:
    """(the Message-ID, whether it is a stand-in made from the bytes)."""
    values = _header_values(message, "message-id")
    found = normalise_message_id(values[0]) if values else None
    return (found, False) if found else (synthetic_message_id(raw), True)


def _guard_headers(message: EmailMessage) -> dict[str, str]:
    guard = {}
    for name in GUARD_HEADERS:
        values = _header_values(message, name)
        if values:
            guard[name] = " ".join(clean(values[0]).split())
    return guard


def parse_mail(raw: bytes) -> ParsedMail:
    """Read `raw` (one RFC 5322 message). Raises `Unreadable` without a usable sender."""
    message = read_message(raw)
    message_id, synthetic = message_id_of(message, raw)
    name, address = _sender(message)
    if not address:
        reason = "no sender address" if message.keys() else "no mail headers"
        raise Unreadable(reason)
    files, skipped = attachments(message)
    return ParsedMail(
        message_id=message_id,
        synthetic_id=synthetic,
        from_address=address,
        from_name=name,
        subject=header_text(message, "subject"),
        body=body_text(message),
        recipients=recipients(message),
        in_reply_to=_message_ids(message, "in-reply-to"),
        references=_message_ids(message, "references"),
        guard=_guard_headers(message),
        content_type=message.get_content_type(),
        attachments=files,
        skipped=skipped,
    )


@dataclass(frozen=True)
class Peek:
    """What the headers alone say, for a message held without being understood."""

    message_id: str
    sender: str = ""
    subject: str = ""
    recipients: tuple[str, ...] = ()


def peek_headers(raw: bytes) -> Peek:
    """The Message-ID (a stand-in when absent), sender address, subject and recipients from
    the headers alone, for a message that is not read further (too big, unreadable, or
    failed). Never raises."""
    try:
        message = read_message(raw, headers_only=True)
        message_id, _synthetic = message_id_of(message, raw)
        return Peek(message_id, _sender(message)[1], header_text(message, "subject"),
                    tuple(recipients(message)))
    except Exception:  # noqa: BLE001 - nothing readable: the bytes' hash names it
        return Peek(synthetic_message_id(raw))
