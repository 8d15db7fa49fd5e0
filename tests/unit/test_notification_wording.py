"""What a notification says: stored as code and parameters, rendered per reader.

Every declared notification sentence reads in Chinese with no English left; amounts, times
and lists follow the reader's locale; a row whose params cannot be read shows its stored
English; and migration f13b reads the sentences the app wrote before it back into params
that render as they did (and now in Chinese too)."""

import re
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from core.messages import KINDS, Message
from notifications import kinds
from notifications.wording import At, Listing, Money, Unreadable, restored, stored, text_of
from tests.support.migrations import load_migration

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
SAMPLE_VALUES = {"ref": "SR-000123", "actor": "林梅", "site": "东方酒店", "customer": "王伟",
                 "level": 2, "week": "2026-W47", "value": "12", "score": 2}


def _migration():
    return load_migration("f13b_notification_params")


def _declared_notification_kinds():
    return sorted(code for code in KINDS if code.startswith("notify."))


def _sample(kind) -> Message:
    """The kind with a value for each placeholder (a nested word for word-like ones)."""
    names = re.findall(r"%\((\w+)\)s", kind.template)
    values = {}
    for name in names:
        if name == "amount":
            values[name] = Money(Decimal("80.00"), "CNY")
        elif name == "due":
            values[name] = At(datetime(2026, 11, 23, 2, 0, tzinfo=UTC), "Asia/Shanghai")
        elif name in ("what", "owner", "where", "label"):
            values[name] = kinds.ITS_OWNER()
        elif name in ("answer", "headline"):
            values[name] = Listing((kinds.ANSWER_CSAT(score=2), kinds.ANSWER_NOT_RECOVERED()))
        else:
            values[name] = SAMPLE_VALUES[name]
    return kind(**values)


@pytest.mark.parametrize("code", _declared_notification_kinds())
def test_every_notification_reads_in_chinese_without_english_left(app, code):
    message = _sample(KINDS[code])
    row = SimpleNamespace(params=stored(message), message=str(message))
    with app.test_request_context(), force_locale("zh_Hans"):
        chinese = text_of(row)
    assert chinese != str(message) or not LATIN_WORD.search(str(message))
    leftover = (chinese.replace("SR-000123", "").replace("CSAT", "").replace("UTC", "")
                .replace("W47", ""))
    assert not LATIN_WORD.search(leftover), (code, chinese)


def test_stored_params_round_trip_with_amounts_times_and_lists(app):
    message = kinds.FOLLOW_UP_REOPENED(
        ref="SR-000007", owner=kinds.ITS_OWNER(),
        answer=Listing((kinds.ANSWER_CSAT(score=2), kinds.ANSWER_NOT_RECOVERED())))
    data = stored(message)
    assert data == {"code": "notify.follow_up_reopened", "params": {
        "ref": "SR-000007", "owner": {"code": "notify.word.its_owner"},
        "answer": {"list": [{"code": "notify.answer.csat", "params": {"score": 2}},
                            {"code": "notify.answer.not_recovered"}]}}}
    assert str(restored(data)) == str(message) == (
        "SR-000007: the customer is not satisfied after the follow-up (CSAT 2, not "
        "recovered); the ticket is reopened to its owner.")
    row = SimpleNamespace(params=data, message="ignored")
    with app.test_request_context(), force_locale("zh_Hans"):
        assert text_of(row) == ("SR-000007：回访后客人仍不满意（CSAT 2 分，补救未成功），"
                                "工单已重新打开，交回负责人处理。")


def test_amounts_and_times_follow_the_readers_locale(app):
    due = At(datetime(2026, 11, 23, 2, 0, tzinfo=UTC), "Asia/Shanghai")
    message = kinds.FOLLOW_UP_DUE(ref="SR-000009", what=kinds.FOLLOW_UP_WORDS["survey"](),
                                  customer="王伟", due=due)
    fix = kinds.FIX_WAITS(ref="SR-000009", amount=Money(Decimal("1280.5"), "CNY"))
    rows = [SimpleNamespace(params=stored(m), message=str(m)) for m in (message, fix)]
    with app.test_request_context(), force_locale("zh_Hans"):
        due_zh, fix_zh = (text_of(row) for row in rows)
    with app.test_request_context(), force_locale("en"):
        due_en, fix_en = (text_of(row) for row in rows)
    assert due_zh == "SR-000009：与 王伟 的满意度调查已到时间（2026年11月23日 10:00 北京时间）。"
    assert due_en == "SR-000009: the survey with 王伟 is due (Nov 23, 2026 10:00 UTC+8)."
    assert fix_zh == "SR-000009：一项 ¥1,280.50 的补救方案待您审批。"
    assert fix_en == "SR-000009: a fix of CN¥1,280.50 waits for your approval."


@pytest.mark.parametrize("params", [
    None,
    {"code": "notify.no_such_sentence", "params": {"ref": "SR-000001"}},
    {"code": "notify.fix_waits", "params": {"ref": "SR-000001"}},  # a placeholder missing
    {"code": "notify.fix_waits", "params": {"ref": "SR-000001", "amount": {"money": "x",
                                                                          "currency": "CNY"}}},
    {"code": "notify.customer_wrote", "params": {"ref": {"strange": 1}}},
    {"word": "resolved"},
    ["not", "a", "message"],
])
def test_unreadable_params_show_the_stored_english(app, params):
    row = SimpleNamespace(params=params, message="The stored English text.")
    with app.test_request_context(), force_locale("zh_Hans"):
        assert text_of(row) == "The stored English text."
    if params is not None:
        with pytest.raises(Unreadable):
            restored(params)


def test_only_declared_messages_can_be_stored():
    with pytest.raises(TypeError):
        stored("SR-000001: plain text")
    with pytest.raises(TypeError):
        stored(kinds.CUSTOMER_WROTE(ref=object()))


# The sentences the app wrote before f13b, and how they read now in English (the same
# words, but amounts in the money style of the locale and the fix clock renamed).
OLD_SENTENCES = [
    ("SR-000001: a decline waits for your sign-off.", None),
    ("SR-000001: a fix of 5000.00 CNY waits for your approval.",
     "SR-000001: a fix of CN¥5,000.00 waits for your approval."),
    ("SR-000001: escalated by hand to supervisors (level 1) by Chen Jing.", None),
    ("SR-000001: escalated by hand to managers (level 2) by Chen Jing.", None),
    ("SR-000001: Lin Mei hands this ticket to you; accept it to own it.", None),
    ("SR-000001: Lin Mei gave this ticket to you.", None),
    ("SR-000001: Chen Jing approved your request.", None),
    ("SR-000001: Chen Jing sent back your request.", None),
    ("SR-000001: reopened by Chen Jing.", None),
    ("SR-000001: a guest complained through the web form. Own it.", None),
    ("SR-000001: a guest complained by e-mail. Own it.", None),
    ("SR-000001: a guest complained by phone. Own it.", "SR-000001: a guest complained. Own it."),
    ("SR-000001: safety or health complaint at Harbour Hotel. Act now.", None),
    ("SR-000001: the first response deadline is close.", None),
    ("SR-000001: the fix offered deadline was missed; escalated to supervisors.",
     "SR-000001: the fix offer deadline was missed; escalated to supervisors."),
    ("SR-000001: the resolution deadline is still missed; escalated to managers.", None),
    ("SR-000001: the next contact promised to the customer deadline is close.", None),
    ("SR-000001: the customer is not satisfied after the follow-up (CSAT 2, not recovered); "
     "the ticket is reopened to Lin Mei.", None),
    ("SR-000001: the customer is not satisfied after the follow-up (dissatisfied); the ticket "
     "is reopened to its owner.", None),
    ("SR-000001: the check-in with Wang Wei is due (2026-11-25 10:00 CST).", None),
    ("SR-000001: the customer wrote. Read it and answer.", None),
    ("SR-000001: the customer accepted the fix offered on their status page.", None),
    ("SR-000001: the customer asked for something else on their status page.", None),
    ("Weekly recovery report 2026-W47 for all sites is ready: New 12, Resolved 10, First "
     "response on time 91.7 %, Resolved on time 80.0 %, Recovered 75.0 %, CSAT after "
     "recovery 4.2 / 5, Reopen rate 8.3 %, Compensation 1,280.00 CNY.", None),
]


@pytest.mark.parametrize(("old", "now"), OLD_SENTENCES)
def test_the_migration_reads_old_sentences_into_params_that_render_the_same(app, old, now):
    params = _migration().params_for(old)
    assert params is not None, old
    message = restored(params)
    assert str(message) == (now or old)
    row = SimpleNamespace(params=params, message=old)
    with app.test_request_context(), force_locale("zh_Hans"):
        chinese = text_of(row)
    assert chinese != old and "：" in chinese, chinese


@pytest.mark.parametrize("text", [
    "Weekly recovery report 2026-W47 for Harbour Hotel is ready: Mystery figure 3.",
    "SR-000001: the customer is not satisfied after the follow-up (angry); the ticket is "
    "reopened to Lin Mei.",
    "周报已生成",
    "Please call the guest back",
    "",
])
def test_the_migration_leaves_texts_it_cannot_read_as_they_are(text):
    assert _migration().params_for(text) is None
