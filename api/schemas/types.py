"""Field types shared by the request models: JSON's types checked strictly, values read
through `core.inputs` so the API refuses what the web forms refuse, with the same words.

A value of the wrong JSON type raises one of pydantic's `*_type` errors (answered 400, a
malformed request); a value of the right type the input layer refuses raises `invalid`
(answered 422, a field error). Either carries its reason, a declared message, in the
error's context as `reason` (`api.errors` answers with it).
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel as PydanticModel
from pydantic import BeforeValidator, ConfigDict, WithJsonSchema
from pydantic_core import PydanticCustomError

from core import inputs
from core.messages import Message, define
from core.words import N_

INVALID = "invalid"
NOT_A_MOMENT_STRING = define("api.must_be_moment_string", N_("must be an ISO 8601 string"))()
NOT_AN_AMOUNT = define("api.must_be_amount",
                       N_("must be a decimal string such as \"80.00\" or a number"))()


def _refused(reason: Message, kind: str = INVALID) -> PydanticCustomError:
    return PydanticCustomError(kind, "{reason}", {"reason": reason})


def _parsed(value: Any, kind: type, parse, type_message: Message) -> Any:
    """None, a value already of `kind`, or text read by `parse` (an input-layer reader)."""
    if value is None or isinstance(value, kind):
        return value
    if not isinstance(value, str):
        raise _refused(type_message, "string_type")
    if not value.strip():
        return None
    try:
        return parse(value)
    except inputs.InputError as refused:
        raise _refused(refused.reason) from None


def _moment(value: Any) -> Any:
    return _parsed(value, datetime, inputs.parse_moment, NOT_A_MOMENT_STRING)


def _query_int(low: int, high: int):
    def parse(value: Any) -> Any:
        if value is None or isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and not value.strip():
            return None
        try:
            return inputs.parse_int(value, low=low, high=high)
        except inputs.InputError as refused:
            raise _refused(refused.reason) from None

    return parse


def _query_flag(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and not value.strip():
        return None
    try:
        return inputs.parse_flag(value)
    except inputs.InputError as refused:
        raise _refused(refused.reason) from None


def _amount(value: Any) -> Any:
    """Money as a decimal string or a JSON number (the JSON reader gives fractions as
    Decimal); the domain checks the amount itself."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    raise _refused(NOT_AN_AMOUNT, "string_type")


Moment = Annotated[
    datetime | None,
    BeforeValidator(_moment),
    WithJsonSchema({"type": ["string", "null"], "format": "date-time",
                    "description": "ISO 8601 with an offset, e.g. 2026-05-01T14:30:00+08:00"}),
]
Amount = Annotated[
    str | None,
    BeforeValidator(_amount),
    WithJsonSchema({"type": ["string", "number", "null"], "examples": ["80.00"],
                    "description": "A decimal string (\"80.00\") or a JSON number."}),
]
MomentText = Annotated[
    str | None,
    WithJsonSchema({"type": ["string", "null"], "format": "date-time",
                    "description": "ISO 8601 with an offset, e.g. 2026-05-01T14:30:00+08:00"}),
]
DayText = Annotated[str | None, WithJsonSchema({"type": ["string", "null"], "format": "date"})]


def choice_of(options, description: str = ""):
    """A string member the service checks against `options` (a 422 in its words when it is
    not one of them); the document lists them."""
    schema = {"type": ["string", "null"], "enum": [*options, None]}
    if description:
        schema["description"] = description
    return Annotated[str | None, WithJsonSchema(schema)]


def query_int(low: int = 1, high: int = inputs.INT32_MAX, **schema):
    return Annotated[
        int | None,
        BeforeValidator(_query_int(low, high)),
        WithJsonSchema({"type": "integer", "minimum": low, "maximum": high, **schema}),
    ]


QueryFlag = Annotated[
    bool | None,
    BeforeValidator(_query_flag),
    WithJsonSchema({"type": "boolean"}),
]


class RequestBody(PydanticModel):
    """A JSON request body: JSON types checked strictly (no "5" for 5, no 1 for true);
    unknown members ignored.

    `domain_required` lists the members the service requires; the document marks them
    required while the service, not the parser, says what is missing (a 422 in the same
    words as the web form's)."""

    model_config = ConfigDict(strict=True, extra="ignore")
    domain_required: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        schema = handler(core_schema)
        if cls.domain_required:
            target = handler.resolve_ref_schema(schema)
            target["required"] = sorted(set(target.get("required", [])) | set(cls.domain_required))
        return schema


class QueryParameters(PydanticModel):
    """Query-string parameters: text read by the input layer; unknown ones ignored."""

    model_config = ConfigDict(extra="ignore")


class ResponseBody(PydanticModel):
    """A response body as the serializers build it; a member they add without declaring it
    here fails the document's tests."""

    model_config = ConfigDict(extra="forbid")


def query_choice(options, description: str = ""):
    """A query-string value that must be one of `options` (422 naming them otherwise)."""
    options = tuple(str(option) for option in options)

    def parse(value: Any) -> Any:
        if value is None or isinstance(value, str) and not value.strip():
            return None
        try:
            return inputs.parse_choice(value, options)
        except inputs.InputError as refused:
            raise _refused(refused.reason) from None

    schema = {"type": "string", "enum": list(options)}
    if description:
        schema["description"] = description
    return Annotated[str | None, BeforeValidator(parse), WithJsonSchema(schema)]
