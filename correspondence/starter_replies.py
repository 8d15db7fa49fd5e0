"""A few canned replies to start from, in English and Chinese (the demo adds them).

Written through `save_template`, so they obey the same rules as a manager's own.
"""

from datetime import datetime

from sqlalchemy import func, select

from correspondence.models import ReplyTemplate
from correspondence.replies import TemplateInput, save_template
from extensions import db

STARTERS = (
    ("en", "Still working on it",
     "Dear {customer},\n\nWe have not forgotten your complaint ({reference}). We are still "
     "working on it and will contact you again by {promise}.\n\n{owner}"),
    ("en", "Please tell us more",
     "Dear {customer},\n\nThank you for your message about {reference}. To put this right, "
     "could you tell us a little more: when did it happen, and where?\n\n{owner}"),
    ("en", "Sorry, and thank you",
     "Dear {customer},\n\nI am sorry for the trouble, and thank you for your patience. "
     "I am looking after {reference} personally.\n\n{owner}"),
    ("zh_Hans", "仍在处理",
     "尊敬的{customer}：\n\n我们没有忘记您的投诉（{reference}），仍在处理中，"
     "将在{promise}之前再次与您联系。\n\n{owner}"),
    ("zh_Hans", "请补充信息",
     "尊敬的{customer}：\n\n感谢您关于{reference}的留言。为了尽快解决，"
     "能否告诉我们事情发生的时间和地点？\n\n{owner}"),
    ("zh_Hans", "致歉与感谢",
     "尊敬的{customer}：\n\n给您带来不便，深表歉意，也感谢您的耐心。"
     "{reference}由我亲自跟进。\n\n{owner}"),
)


def add_starter_templates(now: datetime) -> int:
    """Add the starter replies when there are no canned replies yet; returns how many."""
    if db.session.scalar(select(func.count()).select_from(ReplyTemplate)):
        return 0
    for position, (locale, title, body) in enumerate(STARTERS):
        save_template(TemplateInput(locale=locale, title=title, body=body,
                                    position=position % 3), now)
    return len(STARTERS)
