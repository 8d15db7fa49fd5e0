"""The action registry is complete: every action has every part, and the parts agree."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from core.vocabulary import Status
from tickets import effects, field_rules
from tickets.forms import ActionForm
from tickets.registry import ENTRIES, REGISTRY, STAY, Entry
from tickets.workflow import Action, Who

CATALOG = Path(__file__).resolve().parents[2] / "translations/zh_Hans/LC_MESSAGES/messages.po"
PARTS = ("who", "leads_to", "rule", "effect", "form", "api_verb", "label", "button",
         "refusal_verb")


@pytest.fixture(scope="module")
def translated():
    with CATALOG.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id and m.string}


def test_every_action_has_exactly_one_entry():
    assert sorted(REGISTRY) == sorted(Action)
    assert len(ENTRIES) == len(Action)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: str(e.action))
def test_every_entry_has_every_part(entry: Entry):
    missing = [part for part in PARTS if not getattr(entry, part)]
    assert missing == []
    assert all(isinstance(state, Status) and isinstance(who, Who)
               for state, who in entry.who.items())
    assert all(target is STAY or isinstance(target, Status)
               for target in entry.leads_to.values())
    assert callable(entry.rule) and entry.rule.__module__ == field_rules.__name__
    assert callable(entry.effect) and entry.effect.__module__ == effects.__name__
    assert issubclass(entry.form, ActionForm)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", entry.api_verb)
    assert entry.api_media in ("json", "multipart")


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: str(e.action))
def test_labels_and_buttons_are_translated(entry: Entry, translated):
    for text in (entry.label, entry.button):
        assert translated.get(text._args[0]), text._args[0]


def test_api_verbs_and_forms_are_distinct():
    verbs = [entry.api_verb for entry in ENTRIES]
    assert len(set(verbs)) == len(verbs)
    forms = [entry.form for entry in ENTRIES]
    assert len(set(forms)) == len(forms)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: str(e.action))
def test_every_route_lands_in_a_real_state_from_every_allowed_state(entry: Entry):
    for state in entry.who:
        landings = entry.may_land_in(state)
        assert landings and all(isinstance(s, Status) for s in landings)


def test_an_unknown_route_is_a_programming_error():
    with pytest.raises(RuntimeError, match="unknown route"):
        REGISTRY[Action.OWN].destination("nowhere", Status.NEW)


def test_the_registry_says_where_a_step_leads():
    assert REGISTRY[Action.OFFER_FIX].may_land_in(Status.OWNED) == {
        Status.FIX_OFFERED, Status.AWAITING_APPROVAL}
    assert REGISTRY[Action.DECLINE].may_land_in(Status.FIX_OFFERED) == {
        Status.DECLINED, Status.AWAITING_APPROVAL}
    assert REGISTRY[Action.APPROVE].may_land_in(Status.AWAITING_APPROVAL) == {
        Status.FIX_OFFERED, Status.DECLINED}
    assert REGISTRY[Action.LOG_CONTACT].may_land_in(Status.OWNED) == {Status.OWNED}
    assert REGISTRY[Action.REOPEN].may_land_in(Status.CLOSED) == {Status.OWNED}
