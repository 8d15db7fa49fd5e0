"""The guest's plain-language answers and the SERVQUAL dimension each suggests (pure)."""

import pytest

from core.vocabulary import Dimension, values
from tickets import complaint_kinds
from tickets.complaint_kinds import KINDS, codes, dimension_for


@pytest.mark.parametrize("code, dimension", [
    ("broken", "tangibles"),
    ("waiting", "responsiveness"),
    ("promise", "reliability"),
    ("uncaring", "empathy"),
    ("unsure", "assurance"),
    ("other", None),
])
def test_each_answer_suggests_its_dimension(code, dimension):
    assert dimension_for(code) == dimension


def test_every_dimension_has_exactly_one_answer_and_something_else_comes_last():
    suggested = [kind.dimension for kind in KINDS if kind.dimension is not None]
    assert sorted(suggested) == sorted(values(Dimension))
    assert KINDS[-1].code == "other" and KINDS[-1].dimension is None
    assert codes() == tuple(kind.code for kind in KINDS)
    assert len(set(codes())) == len(KINDS)


def test_the_answers_are_in_plain_words_not_servqual_terms():
    jargon = {"tangible", "responsive", "reliab", "empath", "assurance", "servqual"}
    for kind in KINDS:
        text = kind.label._args[0] if hasattr(kind.label, "_args") else str(kind.label)
        assert not any(word in text.lower() for word in jargon), text


def test_an_unknown_answer_is_refused():
    with pytest.raises(KeyError):
        dimension_for("tangibles")
    assert "tangibles" not in complaint_kinds.BY_CODE
