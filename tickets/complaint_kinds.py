"""What a guest picks on the public complaint form, in their words, and the SERVQUAL
dimension it suggests. Pure: no database, no request.

Guests do not speak SERVQUAL, so the form asks what went wrong in plain language; each answer
points to the dimension a front-desk person would most likely choose. "Something else"
suggests none. The suggestion is only a start: the ticket still arrives unclassified, and
the person who owns it confirms or changes the dimension and chooses the category.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from core.vocabulary import Dimension


@dataclass(frozen=True)
class ComplaintKind:
    code: str
    label: object  # a lazy translation: the guest's words
    dimension: Dimension | None


KINDS = (
    ComplaintKind("broken", _l("Something was broken, dirty or missing"), Dimension.TANGIBLES),
    ComplaintKind("waiting", _l("We kept you waiting, or nobody came"),
                  Dimension.RESPONSIVENESS),
    ComplaintKind("promise", _l("We did not do what was promised, or got it wrong"),
                  Dimension.RELIABILITY),
    ComplaintKind("uncaring", _l("Staff were rude, did not listen or did not care"),
                  Dimension.EMPATHY),
    ComplaintKind("unsure", _l("Staff did not seem to know what they were doing, or I did not "
                               "feel safe"), Dimension.ASSURANCE),
    ComplaintKind("other", _l("Something else"), None),
)
BY_CODE = {kind.code: kind for kind in KINDS}


def codes() -> tuple[str, ...]:
    """Every answer's code, in the order the form lists them."""
    return tuple(kind.code for kind in KINDS)


def dimension_for(code: str) -> str | None:
    """The dimension an answer suggests (a stored value such as "tangibles"), or None for
    "Something else". KeyError for a code that is not an answer."""
    dimension = BY_CODE[code].dimension
    return str(dimension) if dimension is not None else None
