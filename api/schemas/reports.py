"""The weekly report as `GET /reports/weekly` answers it: `reports.figures.weekly_figures`
member for member, with the eight-week trend and `stored_at` on top.

Percentages are 0–100 with one decimal, null when nothing was counted; money is a decimal
string. A week stored before a figure existed is answered as stored, without it: those
figures (noted "absent from weeks stored before …") are not required.
"""

from pydantic import Field

from api.schemas.types import ResponseBody

ISO = {"format": "date-time"}
PERCENT = {"minimum": 0, "maximum": 100}
MONEY = {"examples": ["150.00"]}
STORED_BEFORE_COUNTS = "Absent from weeks stored before the report gave the whole counts."
STORED_BEFORE_CUSTOMER_SIDE = "Absent from weeks stored before the customer's side."


def percent(description: str = ""):
    return Field(json_schema_extra=PERCENT, description=description or None)


def _no_default(schema: dict) -> None:
    schema.pop("default", None)


def absent_before(since: str, description: str = ""):
    """A figure newer than some stored weeks: not required, and no `null` default in the
    document (it is never null, only missing)."""
    return Field(default=None, description=f"{description} {since}".strip(),
                 json_schema_extra=_no_default)


class ReportPeriod(ResponseBody):
    start: str = Field(json_schema_extra=ISO)
    end: str = Field(json_schema_extra=ISO)


class ReportCounts(ResponseBody):
    """Tickets opened, resolved, declined and reopened in the week."""

    new: int
    resolved: int
    declined: int
    reopened: int


class ReportDimensions(ResponseBody):
    reliability: ReportCounts
    responsiveness: ReportCounts
    assurance: ReportCounts
    empathy: ReportCounts
    tangibles: ReportCounts


class ReportChannels(ResponseBody):
    front_desk: ReportCounts
    phone: ReportCounts
    email: ReportCounts
    web: ReportCounts
    social: ReportCounts
    survey: ReportCounts


class ReportSeverities(ResponseBody):
    low: ReportCounts
    medium: ReportCounts
    high: ReportCounts
    critical: ReportCounts


class ReportClock(ResponseBody):
    due: int = Field(description="Clocks that fell due in the week.")
    met: int
    compliance: float | None = percent()


class ReportClocks(ResponseBody):
    first_response: ReportClock
    fix_offered: ReportClock
    resolution: ReportClock
    next_contact: ReportClock


class ReportCompliance(ResponseBody):
    first_response: float | None = percent()
    fix_offered: float | None = percent()
    resolution: float | None = percent()
    next_contact: float | None = percent()


class ReportComplianceByDimension(ResponseBody):
    reliability: ReportCompliance
    responsiveness: ReportCompliance
    assurance: ReportCompliance
    empathy: ReportCompliance
    tangibles: ReportCompliance


class ReportDuration(ResponseBody):
    """Wall-clock minutes, nearest-rank percentiles; null without tickets."""

    count: int
    median_minutes: float | None
    p90_minutes: float | None


class ReportTimes(ResponseBody):
    first_response: ReportDuration
    resolution: ReportDuration


class ReportRate(ResponseBody):
    count: int
    of: int
    rate: float | None = percent("count / of, null when `of` is 0.")


class ReportCsat(ResponseBody):
    responses: int
    average: float | None = Field(json_schema_extra={"minimum": 1, "maximum": 5})


class ReportRemedy(ResponseBody):
    count: int
    total: str | None = Field(json_schema_extra=MONEY,
                              description="Null when the sites use several currencies.")


class ReportRootCause(ResponseBody):
    cause: str
    count: int
    share: float | None = percent()
    cumulative: float | None = percent()


class ReportPreventionItem(ResponseBody):
    ticket: str
    action: str
    owner: str
    due_on: str = Field(json_schema_extra={"format": "date"})


class ReportPrevention(ResponseBody):
    open: int
    overdue: int
    overdue_items: list[ReportPreventionItem] = Field(description="At most 20, oldest due "
                                                                  "first.")


class ReportRepeatComplainant(ResponseBody):
    customer_id: int
    name: str
    tickets_90_days: int


class ReportGesture(ResponseBody):
    ticket: str
    gesture: str


class ReportGestures(ResponseBody):
    count: int
    items: list[ReportGesture] = Field(description="At most 20, by ticket.")


class ReportOldestOpen(ResponseBody):
    ticket: str
    opened_at: str = Field(json_schema_extra=ISO)
    age_days: float


class ReportOverdueTicket(ResponseBody):
    ticket: str
    status: str
    owner: str | None
    clock: str = Field(json_schema_extra={
        "enum": ["first_response", "fix_offered", "resolution"]})
    due: str = Field(json_schema_extra=ISO)


class ReportOwner(ResponseBody):
    username: str
    name: str
    new_owned: int
    resolved: int
    sla_resolution: float | None = percent()
    csat_average: float | None
    compensation: str | None = Field(json_schema_extra=MONEY, description=(
        "Null when their offers are in more than one currency."))


class WeekFigures(ResponseBody):
    """One week's figures (the week before has no `previous` of its own)."""

    week: str = Field(examples=["2026-W18"])
    site: str | None = Field(description="The site's name; null for all sites.")
    currency: str | None = Field(description="Null when the sites use several currencies.")
    generated_at: str = Field(json_schema_extra=ISO)
    period: ReportPeriod
    volume: ReportCounts
    by_dimension: ReportDimensions = Field(description="Without the unclassified tickets.")
    by_category: dict[str, ReportCounts] = Field(description=(
        "By category name: those with a count in the week."))
    unclassified: ReportCounts = absent_before(STORED_BEFORE_CUSTOMER_SIDE,
                                               "Tickets without a category.")
    by_channel: ReportChannels
    by_severity: ReportSeverities
    sla: ReportClocks
    sla_compliance: ReportCompliance
    sla_by_dimension: ReportComplianceByDimension
    times: ReportTimes
    first_contact_resolution: ReportRate
    escalation: ReportRate
    reopen: ReportRate
    recovery: ReportRate
    recovery_rate: float | None = percent()
    acknowledged_in_writing: ReportRate = absent_before(STORED_BEFORE_CUSTOMER_SIDE, (
        "Of the tickets first owned in the week whose customer has an e-mail address, "
        "those acknowledged in writing by the first-response due time."))
    customer_accepted_fixes: int = absent_before(
        STORED_BEFORE_CUSTOMER_SIDE, "Fix offers the customer accepted on their status page.")
    csat: ReportCsat
    csat_average: float | None = Field(json_schema_extra={"minimum": 1, "maximum": 5})
    survey_response: ReportRate
    compensation_total: str | None = Field(json_schema_extra=MONEY, description=(
        "Null when the sites use several currencies (see `compensation_by_currency`)."))
    compensation_average: str | None = Field(json_schema_extra=MONEY)
    compensation_count: int
    compensation_by_currency: dict[str, str] = absent_before(STORED_BEFORE_COUNTS,
                                                             "Currency code → total.")
    compensation_by_remedy: dict[str, ReportRemedy]
    root_causes: list[ReportRootCause] = Field(description="Most frequent first.")
    fault_split: dict[str, int]
    prevention: ReportPrevention
    repeat_complainants: list[ReportRepeatComplainant] = Field(description="At most 20.")
    gestures: ReportGestures
    oldest_open: ReportOldestOpen | None
    open_overdue: list[ReportOverdueTicket] = Field(description="At most 20, most overdue "
                                                                "first.")
    owners: list[ReportOwner]
    open_overdue_count: int = absent_before(STORED_BEFORE_COUNTS)
    repeat_complainants_count: int = absent_before(STORED_BEFORE_COUNTS)


class ReportTrendSeries(ResponseBody):
    reliability: list[int]
    responsiveness: list[int]
    assurance: list[int]
    empathy: list[int]
    tangibles: list[int]


class ReportTrend(ResponseBody):
    weeks: list[str] = Field(description="The eight weeks up to this one, oldest first.")
    series: ReportTrendSeries = Field(description="New tickets per dimension, one per week.")


class WeeklyReport(WeekFigures):
    """The week's figures, the week before's and the eight-week trend."""

    previous: WeekFigures
    trend: ReportTrend
    stored_at: str | None = Field(json_schema_extra=ISO, description=(
        "When the figures were stored; null for figures computed now."))
