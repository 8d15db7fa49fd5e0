"""Reading intake mail (mailin.parse) and telling automatic mail apart (mailin.guard): pure,
no app, no database."""

from pathlib import Path

import pytest

from mailin.guard import why_ignored
from mailin.parse import (
    Unreadable,
    address_key,
    decode_bytes,
    html_to_text,
    normalise_message_id,
    parse_mail,
    peek_headers,
    plus_tag,
    trim_quotes,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mail"
OURS = {"recovery-desk@grand.example.com"}


def eml(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_a_plain_message_is_read_whole():
    mail = parse_mail(eml("plain.eml"))
    assert (mail.message_id, mail.from_name, mail.from_address) == (
        "<plain-0001@mail.example.com>", "Li Wei", "li.wei@example.com")
    assert mail.recipients == ["complaints@grand.example.com"]
    assert (mail.subject, mail.locale, mail.synthetic_id) == ("Noisy room 1203", "en", False)
    assert mail.body.startswith("The air conditioning") and "\r" not in mail.body


def test_a_reply_names_the_messages_it_answers_nearest_first():
    raw = (b"From: a@example.com\r\nIn-Reply-To: <c@x.example>\r\n"
           b"References: <a@x.example> <b@x.example>\r\n <c@x.example>\r\n\r\nhi\r\n")
    assert parse_mail(raw).thread_ids == ["<c@x.example>", "<b@x.example>", "<a@x.example>"]


@pytest.mark.parametrize("text,trimmed", [
    ("Still cold.\n\nOn Mon, 23 Nov 2026 at 10:00, Hotel <a@b.example> wrote:\n> Sorry.\n",
     "Still cold."),
    ("Still cold.\n\nOn Mon, 23 Nov 2026 at 10:00, Grand Hotel <complaints@grand.example>\n"
     "wrote:\n> Sorry.\n> Really.", "Still cold."),
    ("仍然很冷。\n\n在 2026年11月23日 10:00，酒店 写道：\n> 抱歉\n", "仍然很冷。"),
    ("> Is it fixed?\nNo, it is not.\n> When?\nTonight, please.",
     "No, it is not.\nTonight, please."),
    ("On Monday you wrote: the room is ready. It was not.",
     "On Monday you wrote: the room is ready. It was not."),
    ("> everything quoted\n> nothing else", "> everything quoted\n> nothing else"),
])
def test_quotes_are_trimmed_but_the_customers_words_stay(text, trimmed):
    assert trim_quotes(text) == trimmed


def test_html_gives_its_visible_text_one_block_per_line():
    html = ("<html><head><title>T</title><style>p{}</style></head><body>"
            "<script>alert(1)</script><p>The <b>eggs</b> were cold.</p>"
            "<div>Table&nbsp;14<br>Day 2</div><table><tr><td>a</td><td>b</td></tr></table>"
            "</body></html>")
    assert html_to_text(html) == "The eggs were cold.\n\nTable 14\nDay 2\n\na b"


@pytest.mark.parametrize("data,charset,text", [
    ("房间".encode("gbk"), "gb2312", "房间"),
    ("镕".encode("gbk"), "gb2312", "镕"),  # GBK-only, labelled gb2312
    ("䶮".encode("gb18030"), "gb18030", "䶮"),
    ("房间".encode(), None, "房间"),
    ("房间".encode("gbk"), "us-ascii", "房间"),  # mislabelled: UTF-8 fails, GB18030 reads
    (b"caf\xe9", "latin-1", "café"),
    (b"abc", "no-such-charset", "abc"),
])
def test_text_is_decoded_whatever_the_label(data, charset, text):
    assert decode_bytes(data, charset) == text


def test_raw_eight_bit_headers_are_read_as_utf8():
    raw = "From: 王芳 <wang@example.com>\r\nSubject: 房间\r\n\r\n很吵\r\n".encode()
    mail = parse_mail(raw)
    assert (mail.from_name, mail.subject, mail.body, mail.locale) == ("王芳", "房间", "很吵",
                                                                     "zh_Hans")


@pytest.mark.parametrize("value,expected", [
    ("<a@b.example>", "<a@b.example>"), ("  <a@b.example> (comment)", "<a@b.example>"),
    ("a@b.example", "<a@b.example>"), ("", None), ("   ", None),
])
def test_message_ids_are_normalised(value, expected):
    assert normalise_message_id(value) == expected


def test_an_overlong_message_id_becomes_its_hash():
    found = normalise_message_id("x" * 400)
    assert len(found) < 250 and found.endswith("@mailin.invalid>")


def test_a_message_without_message_id_gets_one_from_its_bytes():
    first, second = parse_mail(eml("no_message_id.eml")), parse_mail(eml("no_message_id.eml"))
    assert first.synthetic_id and first.message_id == second.message_id
    assert parse_mail(eml("no_message_id.eml") + b"x").message_id != first.message_id


@pytest.mark.parametrize("raw,reason", [
    (eml("malformed.eml"), "no mail headers"),
    (b"Subject: hello\r\n\r\nno sender", "no sender address"),
    (b"From: not an address\r\n\r\nbody", "no sender address"),
    (b"", "no mail headers"),
])
def test_a_message_without_sender_is_unreadable(raw, reason):
    with pytest.raises(Unreadable) as refused:
        parse_mail(raw)
    assert refused.value.reason == reason


def test_peeking_never_raises():
    assert peek_headers(eml("malformed.eml")).message_id.endswith("@mailin.invalid>")
    peek = peek_headers(eml("subject_gb2312.eml"))
    assert (peek.subject, peek.sender, peek.recipients) == (
        "房间空调噪音很大", "zhang.san@example.com", ("complaints@grand.example.com",))


def test_attachments_and_attached_messages():
    photo = parse_mail(eml("photo.eml"))
    assert [(a.name, a.claimed_type) for a in photo.attachments] == [
        ("carpet.jpg", "image/jpeg"),
        ("预订确认.docx",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    assert photo.attachments[0].content.startswith(b"\xff\xd8\xff")
    assert parse_mail(eml("bounce.eml")).skipped == ["attachment-3.rfc822"]


@pytest.mark.parametrize("address,key,tag", [
    ("Desk+SR-000123@Hotel.Example", "desk@hotel.example", "SR-000123"),
    ("desk@hotel.example", "desk@hotel.example", ""),
    ("a+b+c@x.example", "a@x.example", "b+c"),
])
def test_addresses_compare_without_case_or_plus_tag(address, key, tag):
    assert (address_key(address), plus_tag(address)) == (key, tag)


@pytest.mark.parametrize("name,reason", [
    ("plain.eml", None),
    ("auto_reply.eml", "auto-reply (Auto-Submitted: auto-replied)"),
    ("bounce.eml", "bounce (from mailer-daemon)"),
    ("own_mail.eml", "loop (sent from our own address)"),
])
def test_automatic_mail_is_told_apart(name, reason):
    assert why_ignored(parse_mail(eml(name)), OURS) == reason


def test_a_delivery_report_from_a_person_address_is_still_a_bounce():
    raw = eml("bounce.eml").replace(b"MAILER-DAEMON@mx.example.com", b"notices@mx.example.com")
    raw = raw.replace(b"Return-Path: <>\r\n", b"")
    assert why_ignored(parse_mail(raw), OURS) == "bounce (delivery report)"
