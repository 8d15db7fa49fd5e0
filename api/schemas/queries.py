"""Query-string parameters of the list endpoints."""

from pydantic import Field

from api.schemas.types import Moment, QueryFlag, QueryParameters, query_choice, query_int
from core.inputs import INT32_MAX, MAX_PER_PAGE
from core.vocabulary import Channel, Dimension, Severity, Status, values

Page = query_int(1, INT32_MAX, description="1-based page number (offset paging).")
PerPage = query_int(1, MAX_PER_PAGE, description="Rows per page, 1 to 100 (default 25).")
Cursor = Field(default=None, max_length=200,
               description="The `next_cursor` of the page before (keyset paging).")


class TicketListQuery(QueryParameters):
    status: query_choice(values(Status)) = None
    dimension: query_choice(values(Dimension)) = None
    severity: query_choice(values(Severity)) = None
    channel: query_choice(values(Channel)) = None
    owner: str | None = Field(default=None, max_length=40,
                              description="`me`, `none` or a username.")
    overdue: QueryFlag = Field(default=None, description="Only tickets with a deadline missed.")
    q: str | None = Field(default=None, max_length=100,
                          description="Reference, customer name, phone, e-mail or words.")
    site: str | None = Field(default=None, max_length=120,
                             description="A site's name (within your sites).")
    updated_since: Moment = Field(default=None,
                                  description="Only tickets changed at or after this time.")
    page: Page = None
    per_page: PerPage = None
    cursor: str | None = Cursor


class EventListQuery(QueryParameters):
    per_page: PerPage = None
    cursor: str | None = Cursor
