"""The data contract in code: the extract kinds, their canonical columns and the header aliases.

Everything that needs to know what a column is called (the reader, the validator, the sample writer,
the README's data dictionary test) takes it from here, so the names are written once.
"""

from __future__ import annotations

from dataclasses import dataclass

ORG_TYPES: tuple[str, ...] = (
    "acute",
    "mental health",
    "community",
    "ambulance",
    "specialist",
    "ccg",
    "other",
)

RATINGS: tuple[str, ...] = (
    "Outstanding",
    "Advanced",
    "Making progress",
    "Needs most improvement",
)
"""Overall STP progress ratings, best first; the category number is the position + 1."""

SYSTEM_CODE_PATTERN = r"E54\d{6}|Q[A-Z0-9]{2}"
ORG_CODE_PATTERN = r"[A-Z0-9]{3}|[A-Z0-9]{5}"


@dataclass(frozen=True)
class Column:
    """One column of an extract: its canonical name, whether it is required, and what it means."""

    name: str
    required: bool
    meaning: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kind:
    """One kind of extract, recognised from its header row."""

    name: str
    file_name: str
    title: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def required(self) -> tuple[str, ...]:
        """The columns a file of this kind must have."""
        return tuple(c.name for c in self.columns if c.required)

    @property
    def names(self) -> tuple[str, ...]:
        """Every column name, in the contract's order."""
        return tuple(c.name for c in self.columns)

    def expected_header(self) -> str:
        """The canonical header line, quoted in messages about a file that lacks one."""
        return ",".join(self.names)


_YEAR_ALIASES = ("fy", "year", "financial year", "fin year", "financial_year_label")
_SYSTEM_ALIASES = (
    "stp code",
    "ics code",
    "icb code",
    "system",
    "stp",
    "ics",
    "stp ons code",
    "system ons code",
)

CONTROL_TOTALS = Kind(
    name="control_totals",
    file_name="control_totals.csv",
    title="Control totals",
    key=("financial_year", "month", "org_code"),
    columns=(
        Column("financial_year", True, "Financial year, stored as 2018/19", _YEAR_ALIASES),
        Column(
            "month",
            True,
            "Month of the financial year, 1-12, April = 1",
            ("period", "month number", "month no", "fin month", "financial month", "mth"),
        ),
        Column("system_code", True, "STP/ICS code (ONS E54 or ODS Q code)", _SYSTEM_ALIASES),
        Column(
            "org_code",
            True,
            "Organisation ODS code, 3 or 5 characters",
            (
                "organisation code",
                "organization code",
                "org code",
                "ods code",
                "trust code",
                "provider code",
                "ccg code",
                "org",
            ),
        ),
        Column(
            "org_name",
            True,
            "Organisation name",
            (
                "organisation name",
                "organization name",
                "org name",
                "organisation",
                "trust name",
                "provider name",
                "name",
            ),
        ),
        Column(
            "org_type",
            True,
            "acute, mental health, community, ambulance, specialist, ccg or other",
            ("organisation type", "organization type", "org type", "type", "sector"),
        ),
        Column(
            "plan_income",
            True,
            "In-month planned income, £000",
            ("income plan", "planned income", "plan income", "income planned"),
        ),
        Column(
            "actual_income",
            False,
            "In-month actual income, £000; blank = not yet reported",
            ("income actual", "actual income", "income"),
        ),
        Column(
            "plan_expenditure",
            True,
            "In-month planned expenditure, £000",
            (
                "expenditure plan",
                "planned expenditure",
                "plan expenditure",
                "planned spend",
                "spend plan",
                "plan spend",
                "plan_exp",
            ),
        ),
        Column(
            "actual_expenditure",
            False,
            "In-month actual expenditure, £000; blank = not yet reported",
            (
                "expenditure actual",
                "actual expenditure",
                "actual spend",
                "spend actual",
                "expenditure",
                "actual_exp",
            ),
        ),
        Column(
            "control_total",
            True,
            "Full-year control total, £000, surplus + / deficit -",
            ("ct", "control total", "org control total", "organisation control total"),
        ),
        Column(
            "forecast_outturn",
            False,
            "Full-year forecast surplus/deficit reported that month, £000",
            ("fot", "forecast", "forecast outturn", "forecast out turn", "year end forecast"),
        ),
        Column(
            "control_total_accepted",
            False,
            "Whether the organisation accepted its control total (Y/N)",
            ("ct accepted", "accepted", "control total accepted", "accepted control total"),
        ),
    ),
)

MONEY_COLUMNS: tuple[str, ...] = (
    "plan_income",
    "actual_income",
    "plan_expenditure",
    "actual_expenditure",
    "control_total",
    "forecast_outturn",
)
"""The columns that hold money in £000 (control totals; system control totals use `control_total`)."""


PROGRESS_RATINGS = Kind(
    name="progress_ratings",
    file_name="progress_ratings.csv",
    title="Progress ratings",
    key=("system_code", "assessment_date"),
    columns=(
        Column("system_code", True, "STP/ICS code", (*_SYSTEM_ALIASES, "stp17_code")),
        Column(
            "assessment_date",
            True,
            "Date of the assessment, ISO (2017-07-21) or UK day first (21/07/2017)",
            ("date", "assessment", "rating date", "assessment_published", "published"),
        ),
        Column(
            "overall_rating",
            True,
            "Outstanding, Advanced, Making progress, Needs most improvement, or 1-4",
            ("rating", "overall", "overall rating", "rating_category", "category"),
        ),
        Column(
            "leadership_rating",
            False,
            "System leadership rating, free text",
            ("system_leadership_rating", "leadership", "system leadership"),
        ),
        Column("source", False, "Where the rating came from, or illustrative", ("source_urls", "sources")),
    ),
)

SYSTEMS = Kind(
    name="systems",
    file_name="systems.csv",
    title="Systems lookup",
    key=("system_code",),
    columns=(
        Column("system_code", True, "ONS E54 code (or ODS Q code)", (*_SYSTEM_ALIASES, "ons code", "code")),
        Column("ods_code", False, "ODS Q code", ("ods", "ods q code")),
        Column(
            "system_name",
            True,
            "System name",
            ("name", "stp name", "ics name", "system", "stp_name"),
        ),
        Column("region", True, "NHS region name", ("nhs region", "region name")),
        Column("system_type", False, "STP or ICS", ("type",)),
        Column("ics_since", False, "Date the footprint became a (shadow) ICS", ("ics date",)),
        Column(
            "successor_code",
            False,
            "Code this system merged into or was recoded as",
            ("successor", "merged into", "new code"),
        ),
    ),
)

SYSTEM_CONTROL_TOTALS = Kind(
    name="system_control_totals",
    file_name="system_control_totals.csv",
    title="System control totals",
    key=("financial_year", "system_code"),
    columns=(
        Column("financial_year", True, "Financial year", _YEAR_ALIASES),
        Column("system_code", True, "STP/ICS code", _SYSTEM_ALIASES),
        Column(
            "control_total",
            True,
            "The system's stated control total, £000",
            ("ct", "control total", "system control total"),
        ),
        Column(
            "accepted",
            False,
            "Whether the system accepted its control total",
            ("control total accepted", "control_total_accepted", "ct accepted"),
        ),
    ),
)

KINDS: tuple[Kind, ...] = (CONTROL_TOTALS, PROGRESS_RATINGS, SYSTEMS, SYSTEM_CONTROL_TOTALS)
KINDS_BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}
