"""Every message the domain can raise is declared (code + English template) and has a
Chinese translation with the same placeholders; a declared message renders in the reader's
language; a plain string given to a domain error is caught by the suite (a warning that the
test configuration turns into an error)."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from app import create_app
from core.domain_errors import Refused
from core.messages import KINDS, Message, UntranslatableMessage, define, shown, word
from core.validation import ValidationFailed
from core.words import N_

CATALOG = Path(__file__).resolve().parents[2] / "translations/zh_Hans/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")
PLACEHOLDER_NAME = re.compile(r"%\(([a-z_]+)\)s")


@pytest.fixture(scope="module")
def every_kind():
    """Build the whole app so every package has declared its messages."""
    create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "SCHEDULER_ENABLED": False})
    return dict(KINDS)


@pytest.fixture(scope="module")
def chinese():
    with CATALOG.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}


def test_the_domain_declares_its_messages(every_kind):
    assert len(every_kind) >= 50
    assert all(re.fullmatch(r"[a-z_]+(\.[a-z0-9_]+)+", code) for code in every_kind)


def test_every_declared_message_has_a_chinese_translation(every_kind, chinese):
    missing = sorted(code for code, kind in every_kind.items() if not chinese.get(kind.template))
    assert missing == [], "translate in zh_Hans: " + "; ".join(missing[:10])


def test_translations_keep_the_placeholders(every_kind, chinese):
    wrong = sorted(
        code for code, kind in every_kind.items()
        if sorted(PLACEHOLDER.findall(kind.template))
        != sorted(PLACEHOLDER.findall(chinese.get(kind.template, kind.template))))
    assert wrong == []


def test_every_declared_message_renders_in_chinese(every_kind, chinese):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "SCHEDULER_ENABLED": False})
    with app.test_request_context(), force_locale("zh_Hans"):
        for kind in every_kind.values():
            params = {name: "7" for name in PLACEHOLDER_NAME.findall(kind.template)}
            assert shown(kind(**params)) == chinese[kind.template] % params


def test_a_message_is_its_english_text_and_keeps_code_and_parameters():
    too_long = define("test.too_long", N_("Use at most %(limit)s characters."))
    message = too_long(limit=80)
    assert message == "Use at most 80 characters."
    assert (message.code, message.params) == ("test.too_long", {"limit": 80})
    assert message.as_json() == {"code": "test.too_long", "params": {"limit": 80}}
    assert isinstance(message, str)


def test_nested_words_are_translated_when_shown():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "SCHEDULER_ENABLED": False})
    status = define("test.status_word", N_("This ticket is %(status)s."))
    message = status(status=word(N_("resolved")))
    assert message == "This ticket is resolved."
    with app.test_request_context(), force_locale("zh_Hans"):
        assert "resolved" not in shown(message)


def test_one_code_one_text():
    define("test.once", N_("Give a date and time."))
    with pytest.raises(ValueError):
        define("test.once", N_("Something else."))


def test_plain_strings_in_domain_errors_are_caught():
    with pytest.raises(UntranslatableMessage):
        ValidationFailed({"name": "The customer's name is required."})
    with pytest.raises(UntranslatableMessage):
        Refused("Not now.")
    assert isinstance(ValidationFailed({"name": Message("x.y", "Fine.")}).fields["name"], Message)


# --- the refusals and reasons the domain actually raises -------------------------------

LATIN = re.compile(r"[A-Za-z]")


@pytest.fixture(scope="module")
def zh_request():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "SCHEDULER_ENABLED": False})
    with app.test_request_context(), force_locale("zh_Hans"):
        yield


def _every_workflow_refusal() -> dict[tuple, Message]:
    """Every refusal `check_transition` gives, for every action in every state, asked by
    every kind of actor in every context the workflow distinguishes (keyed by code and
    parameters, so each distinct sentence is checked once)."""
    from itertools import product

    from tickets.registry import ENTRIES, check_transition
    from tickets.workflow import Actor, Role, Status, TransitionRefused

    actors = [Actor(role=role, is_owner=owner, is_transfer_target=target,
                    is_named_signer=signer)
              for role, owner, target, signer in product(Role, *[(False, True)] * 3)]
    contexts = [{"has_pending_transfer": pending, "escalation_level": level,
                 "awaiting_signoff": signoff}
                for pending, level, signoff in product((False, True), (0, 1, 2), (False, True))]
    refusals = {}
    for entry, status, actor, context in product(ENTRIES, Status, actors, contexts):
        try:
            check_transition(status, entry.action, actor, **context)
        except TransitionRefused as refused:
            reason = refused.reason
            refusals[(reason.code, tuple(sorted(reason.as_json()["params"].items())))] = reason
    return refusals


def test_every_refusal_the_workflow_can_raise_reads_in_chinese(zh_request):
    refusals = _every_workflow_refusal()
    codes = {code for code, _params in refusals}
    assert {"ticket.refused_when_new", "ticket.refused_when_closed", "ticket.owner_only",
            "ticket.signer_only", "ticket.handover_waiting", "ticket.no_handover_waiting",
            "ticket.already_at_managers"} <= codes
    assert len(refusals) > 60  # each state × each action it refuses, plus who and context
    for reason in refusals.values():
        assert isinstance(reason, Message) and reason.code in KINDS
        chinese = shown(reason)
        assert not LATIN.search(chinese), f"{reason.code}: {chinese}"


def test_a_state_refusal_names_the_state_and_the_action_in_chinese(zh_request):
    from tickets.registry import check_transition
    from tickets.workflow import Action, Actor, Role, Status, TransitionRefused

    with pytest.raises(TransitionRefused) as refused:
        check_transition(Status.NEW, Action.RESOLVE, Actor(role=Role.FRONT_DESK, is_owner=True))
    assert refused.value.reason == "A ticket that is new cannot be resolved."
    assert shown(refused.value.reason) == "状态为“新建”的工单不能解决。"
    with pytest.raises(TransitionRefused) as refused:
        check_transition(Status.OWNED, Action.OWN, Actor(role=Role.FRONT_DESK))
    assert shown(refused.value.reason) == "状态为“已认领”的工单不能认领。"


def _reason_of(call):
    from core.inputs import InputError
    from sla.hours import HoursSpecError
    from sla.policy import PolicyError
    from tickets.cleaning import FieldErrors

    try:
        call()
    except (FieldErrors, PolicyError) as failed:
        return next(iter(failed.fields.values()))
    except HoursSpecError as failed:
        return failed.reason
    except InputError as failed:
        return failed.reason
    except ValueError as failed:
        return failed.args[0]
    raise AssertionError("no refusal")


def _field_rule(action: str, data: dict):
    from datetime import UTC, datetime

    from tickets.registry import validate

    return lambda: validate(action, data, now=datetime(2026, 5, 1, tzinfo=UTC))


def _refusing_calls():
    from datetime import date

    from core import inputs
    from sla.hours import parse_hours_spec
    from sla.policy import DEFAULT_POLICY, clean_policy, policy_as_input
    from tickets.money import parse_amount

    bad_factor = {**policy_as_input(DEFAULT_POLICY), "tier-vip": "9"}
    return {
        "too long": lambda: inputs.clean_text("x" * 9, max_length=5),
        "required": lambda: inputs.clean_text(" ", max_length=5, required=True),
        "broken": lambda: inputs.clean_text("a\x00b", max_length=5),
        "whole number": lambda: inputs.parse_int("١٢"),
        "choice": lambda: inputs.parse_choice("x", ("low", "high")),
        "day window": lambda: inputs.check_day(date(1990, 1, 1), date(2026, 5, 1),
                                               years_back=5, years_ahead=5),
        "json": lambda: inputs.load_json(b"{nope"),
        "json string": lambda: inputs.load_json(b'{"a": "\\u0000"}'),
        "amount": lambda: parse_amount("-3"),
        "apology": _field_rule("offer_fix", {"action": "非常抱歉", "remedy_type": "other",
                                             "compensation": "0"}),
        "score": _field_rule("follow_up", {"kind": "survey", "reached": "yes", "csat": "9"}),
        "attachment": _field_rule("add_attachment", {"content": b"not a photo"}),
        "handover": _field_rule("transfer", {"handover_note": "over to you"}),
        "policy": lambda: clean_policy(bad_factor),
        "hours": lambda: parse_hours_spec("mon-fri 9-18"),
    }


@pytest.mark.parametrize("case", sorted(_refusing_calls()))
def test_the_reasons_the_input_layers_give_are_declared_and_read_in_chinese(case, zh_request,
                                                                         chinese):
    reason = _reason_of(_refusing_calls()[case])
    assert isinstance(reason, Message) and reason.code in KINDS, reason
    rendered = shown(reason)
    assert rendered != str(reason)
    assert rendered.startswith(chinese[reason.template].split("%(")[0])
