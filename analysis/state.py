"""The view a person is looking at, as one value: filters, unit, footprint and the system in focus.

A :class:`ViewState` is what a link to the dashboard carries, what a page, an export and the board pack are
computed from, and what a cached view is keyed on. Its link is spelt in one way only, written and read
here: the query parameters the dashboard's filter widgets are bound to, each value spelt as the widget
shows it, because Streamlit puts a bound widget's *shown* label in the address::

    ?year=2018/19&month=M06 (Sep 2018)&region=London&system=Greater Manchester (E54000007)
    &org_type=acute&rating=Advanced&unit=£000&restate=true&focus=Greater Manchester (E54000007)
    &rebase=2019/20

The widgets take their keys from :data:`PARAMS` and their labels from :func:`month_param` and
:func:`system_param`, so what they write is what :meth:`ViewState.to_query_params` writes. Reading a link
back (:meth:`ViewState.from_query_params`) never raises: unknown parameters and ill-formed values are
dropped, and the older bare spellings (``month=6``, ``month=M06``, ``system=E54000007``) are understood too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlencode

from analysis import filters as filters_module
from analysis import formatting
from analysis.filters import Filters
from analysis.formatting import Unit

PARAMS: Final[dict[str, str]] = {
    "financial_year": "year",
    "month": "month",
    "regions": "region",
    "systems": "system",
    "org_types": "org_type",
    "ratings": "rating",
    "unit": "unit",
    "restate": "restate",
    "focus": "focus",
    "rebase": "rebase",
}
"""What each part of the view is called in the address (and is the key of the widget bound to it)."""

FILTER_PARAMS: Final[tuple[str, ...]] = tuple(
    key for name, key in PARAMS.items() if name not in ("focus", "rebase")
)
"""The parameters the shared filter bar binds (and its reset clears); focus and rebase belong to a page."""

UNITS: Final[tuple[Unit, ...]] = ("£m", "£000")
"""The display units, the default first."""

_MULTI = ("regions", "systems", "org_types", "ratings")
_LABELLED_CODE = re.compile(r"\(([^()]*)\)\s*$")
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def system_param(code: str, names: Mapping[str, str] | None = None) -> str:
    """A system as the dashboard shows it and spells it in a link: ``"Name (E54000008)"``."""
    name = (names or {}).get(code, code)
    return f"{name} ({code})"


def month_param(year: str, month: int) -> str:
    """An as-at month as the dashboard shows it and spells it in a link: ``"M06 (Sep 2018)"``."""
    return formatting.month_label(year, month)


def _system_code(text: str) -> str | None:
    """The code of ``"Name (E54000008)"`` or of a bare code; None when it names no system code."""
    match = _LABELLED_CODE.search(text)
    return filters_module.normalise_system(match.group(1) if match else text)


def _month(text: str) -> int | None:
    """The month of ``"M06 (Sep 2018)"``, ``"M06"`` or ``"6"``; None otherwise."""
    return filters_module.normalise_month(_LABELLED_CODE.sub("", text))


def _strings(value: object) -> list[str]:
    """The string values of one query parameter (a string, a list of them, or junk)."""
    items = value if isinstance(value, list | tuple) else [value]
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, int) and not isinstance(item, bool):
            out.append(str(item))
    return out


_READERS = {
    "regions": filters_module.normalise_region,
    "systems": _system_code,
    "org_types": filters_module.normalise_org_type,
    "ratings": filters_module.normalise_rating,
}


def _last(values: list[Any]) -> Any:
    good = [v for v in values if v is not None]
    return good[-1] if good else None


@dataclass(frozen=True)
class ViewState:
    """One view of the dashboard: what a link reopens, a cache is keyed on and an export describes.

    Attributes:
        filters: The shared filters (resolve them for the contract's defaults before computing a view).
        unit: The display unit of money.
        restate: Rows restated on today's footprints (merged and recoded systems under their successor).
        focus: The system in focus (System detail, the board pack's detail pages); None = the default.
        rebase: Financial years whose first charted month starts new SPC limits on System detail (the
            monthly series runs across years), oldest first; empty = one set of limits.
    """

    filters: Filters = field(default_factory=Filters)
    unit: Unit = "£m"
    restate: bool = False
    focus: str | None = None
    rebase: tuple[str, ...] = ()

    # --- the link ------------------------------------------------------------------------------------

    def to_query_params(self, system_names: Mapping[str, str] | None = None) -> dict[str, str | list[str]]:
        """The link's query parameters, spelt as the dashboard's widgets spell them.

        The unit is always written (a link says what it shows); the month only with its year (its label
        names the calendar month); ``restate``, ``focus`` and ``rebase`` only when set; empty selections
        never.

        Args:
            system_names: System code -> name, for the ``Name (code)`` labels of systems.

        Returns:
            Parameter name -> value or list of values (repeated in the address), in a fixed order.
        """
        f = self.filters
        params: dict[str, str | list[str]] = {}
        if f.financial_year is not None:
            params[PARAMS["financial_year"]] = f.financial_year
            if f.month is not None:
                params[PARAMS["month"]] = month_param(f.financial_year, f.month)
        for name in _MULTI:
            values = getattr(f, name)
            if values:
                spell = (lambda c: system_param(c, system_names)) if name == "systems" else str
                params[PARAMS[name]] = [spell(v) for v in values]
        params[PARAMS["unit"]] = self.unit
        if self.restate:
            params[PARAMS["restate"]] = "true"
        if self.focus:
            params[PARAMS["focus"]] = system_param(self.focus, system_names)
        if self.rebase:
            params[PARAMS["rebase"]] = list(self.rebase)
        return params

    def query_string(self, system_names: Mapping[str, str] | None = None) -> str:
        """:meth:`to_query_params` encoded for an address (``year=2018%2F19&...``)."""
        return urlencode(self.to_query_params(system_names), doseq=True)

    @classmethod
    def from_query_params(cls, params: Mapping[str, Any] | None) -> ViewState:
        """The view a link's query parameters describe, ignoring anything unknown or ill-formed.

        Accepts each value as a string or a list of strings (repeated keys); where one value is expected,
        the last well-formed one wins. The year is normalised as the data contract does (``2018-19``,
        ``FY2018/19`` -> ``2018/19``); the month may be ``M06 (Sep 2018)``, ``M06`` or ``6``; systems and
        the focus ``Name (E54000008)`` or the bare code; organisation types and ratings match whatever
        their case (ratings also by category number 1-4); rebase years as the year is. Never raises.

        Args:
            params: E.g. ``st.query_params.to_dict()``, or ``urllib.parse.parse_qs`` of a link.

        Returns:
            The view (the defaults for anything missing).
        """
        try:
            items = dict(params.items()) if isinstance(params, Mapping) else {}
        except Exception:  # a hostile mapping must not break the page
            return cls()
        raw = {name: _strings(items.get(key)) for name, key in PARAMS.items()}
        chosen: dict[str, Any] = {}
        for name, reader in (("financial_year", filters_module.normalise_year), ("month", _month)):
            chosen[name] = _last([_safely(reader, v) for v in raw[name]])
        for name in _MULTI:
            read = [_safely(_READERS[name], v) for v in raw[name]]
            chosen[name] = tuple(dict.fromkeys(v for v in read if v))
        unit = _last([v.strip() if v.strip() in UNITS else None for v in raw["unit"]])
        restate = _last([_flag(v) for v in raw["restate"]])
        focus = _last([_safely(_system_code, v) for v in raw["focus"]])
        years = [_safely(filters_module.normalise_year, v) for v in raw["rebase"]]
        rebase = tuple(sorted({y for y in years if isinstance(y, str) and y}))
        return cls(Filters(**chosen), unit or UNITS[0], bool(restate), focus, rebase)

    # --- words ---------------------------------------------------------------------------------------

    def words(self, system_names: Mapping[str, str] | None = None) -> str:
        """The view in words: the top of each page, the About sheet and the board pack say this.

        The system in focus is not said here: the page or section showing it names it in its title.

        Returns:
            E.g. ``"2018/19, year to date at M09 (Dec 2018); region North West; figures in £m"``.
        """
        f = self.filters
        names = system_names or {}
        parts = []
        if f.financial_year and f.month:
            parts.append(f"{f.financial_year}, year to date at {month_param(f.financial_year, f.month)}")
        elif f.financial_year:
            parts.append(f"{f.financial_year}, no month with actuals")
        if f.regions:
            parts.append("region " + ", ".join(f.regions))
        if f.systems:
            parts.append("systems " + ", ".join(names.get(c, c) for c in f.systems))
        if f.org_types:
            parts.append("organisation types " + ", ".join(f.org_types))
        if f.ratings:
            parts.append("rated " + ", ".join(f.ratings))
        if self.restate:
            parts.append("restated on today's footprints")
        parts.append(f"figures in {self.unit}")
        return "; ".join(parts)

    def period_words(self) -> str:
        """The period the view covers: ``"year to date at M09 (Dec 2018), 2018/19"``."""
        f = self.filters
        if f.financial_year and f.month:
            return f"year to date at {month_param(f.financial_year, f.month)}, {f.financial_year}"
        return f.financial_year or "no period with actuals"

    def file_stem(self, what: str) -> str:
        """A download's file name (without extension) saying what and when: ``"ics-systems-2018-19-M09"``."""
        parts = ["ics", what]
        if self.filters.financial_year:
            parts.append(self.filters.financial_year.replace("/", "-"))
        if self.filters.month:
            parts.append(f"M{self.filters.month:02d}")
        return "-".join(parts)

    # --- keys ----------------------------------------------------------------------------------------

    def cache_key(self) -> str:
        """A text that differs exactly when the view does: its link's query, systems spelt by code."""
        return self.query_string()


def ignored_in_link(params: Mapping[str, Any] | None, options: filters_module.Options) -> tuple[str, ...]:
    """What a link asked for that the data does not have, each said with what is shown instead.

    :meth:`ViewState.from_query_params` and the filters drop such values quietly so the page still opens;
    this says so, one sentence per dropped value, e.g. ``'year "2030/31" is not in the data: showing
    2018/19 instead'``. Never raises; an empty tuple when the link is fully understood.
    """
    try:
        items = dict(params.items()) if isinstance(params, Mapping) else {}
    except Exception:  # a hostile mapping must not break the page
        return ()
    raw = {name: _strings(items.get(key)) for name, key in PARAMS.items()}
    notes: list[str] = []
    years = options.years
    year = _last([_safely(filters_module.normalise_year, v) for v in raw["financial_year"]])
    if year not in years:
        year = years[-1] if years else None
    for text in raw["financial_year"]:
        if _safely(filters_module.normalise_year, text) not in years:
            notes.append(f'year "{text}" is not in the data: showing {year or "no year"} instead')
    months = options.months.get(year, ()) if year else ()
    latest = month_param(year, months[-1]) if year and months else "no month"
    for text in raw["month"]:
        if _safely(_month, text) not in months:
            notes.append(f'month "{text}" is not a month with actuals in {year}: showing {latest} instead')
    offered = {
        "regions": (options.regions, "region", "all regions"),
        "systems": (tuple(options.systems), "system", "all systems"),
        "org_types": (options.org_types, "organisation type", "all organisation types"),
        "ratings": (options.ratings, "rating", "all ratings"),
    }
    for name, (known, word, everything) in offered.items():
        unknown = [text for text in raw[name] if _safely(_READERS[name], text) not in known]
        instead = f"showing {everything}" if len(unknown) == len(raw[name]) else "left out"
        notes.extend(f'{word} "{text}" is not in the data: {instead}' for text in unknown)
    for text in raw["unit"]:
        if text.strip() not in UNITS:
            notes.append(f'unit "{text}" is not one of {", ".join(UNITS)}: showing {UNITS[0]}')
    for text in raw["focus"]:
        if _safely(_system_code, text) not in options.systems:
            notes.append(f'system in focus "{text}" is not in the data: showing the default system instead')
    return tuple(notes)


def _safely(read, text: str) -> Any:
    try:
        return read(text)
    except Exception:  # belt and braces: one bad value must not lose the others
        return None


def _flag(text: str) -> bool | None:
    value = text.strip().lower()
    return True if value in _TRUE else False if value in _FALSE else None


__all__ = [
    "FILTER_PARAMS",
    "PARAMS",
    "UNITS",
    "ViewState",
    "ignored_in_link",
    "month_param",
    "system_param",
]
