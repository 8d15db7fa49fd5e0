"""The "apology only" rule: saying sorry is not a fix (English and Chinese)."""

import re

from core.messages import define
from core.words import N_

APOLOGY_ONLY = define("ticket.apology_only", N_(
    "An apology alone is not a fix: say what will be done, by whom and when."))
APOLOGY_ONLY_MESSAGE = APOLOGY_ONLY()

_APOLOGY_PHRASES_ZH = (
    "非常抱歉", "十分抱歉", "很抱歉", "抱歉", "对不起", "不好意思", "道歉", "致歉", "深表歉意",
    "歉意", "请原谅", "原谅", "敬请谅解", "请谅解", "谅解", "给您带来不便", "带来的不便",
    "带来不便", "不便", "麻烦", "再次", "诚挚", "真诚", "表示", "我们", "我", "您", "向", "的",
    "了", "非常", "十分", "真的", "深深", "地", "给", "带来", "此事", "这件事", "对此",
)
_APOLOGY_MARKERS_ZH = ("抱歉", "对不起", "不好意思", "道歉", "致歉", "歉意", "原谅", "谅解", "不便")
_APOLOGY_WORDS_EN = {
    "sorry", "apologise", "apologize", "apologised", "apologized", "apology", "apologies",
    "regret", "regrets", "forgive", "excuse", "pardon", "inconvenience", "trouble",
}
_FILLER_WORDS_EN = {
    "we", "i", "am", "are", "is", "was", "were", "so", "very", "really", "truly", "deeply",
    "sincerely", "sincere", "most", "for", "the", "a", "an", "any", "all", "this", "that",
    "it", "caused", "causing", "our", "my", "please", "accept", "us", "me", "you", "your",
    "again", "to", "of", "and", "with", "about", "be", "say", "said", "offer", "offered",
    "give", "gave", "customer", "guest", "terribly", "extremely", "profusely", "have", "has",
    "had", "will", "would", "kindly", "in", "on", "what", "happened", "s", "m", "re", "ve",
}


def is_apology_only(text: str) -> bool:
    """True when the text says sorry (in English or Chinese) and nothing that will be done."""
    remainder = (text or "").lower()
    said_sorry = any(marker in remainder for marker in _APOLOGY_MARKERS_ZH)
    for phrase in _APOLOGY_PHRASES_ZH:
        remainder = remainder.replace(phrase, " ")
    words = re.findall(r"\w+", remainder)
    said_sorry = said_sorry or any(word in _APOLOGY_WORDS_EN for word in words)
    substantive = [w for w in words if w not in _APOLOGY_WORDS_EN | _FILLER_WORDS_EN]
    return said_sorry and not substantive
