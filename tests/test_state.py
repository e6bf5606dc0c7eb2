"""The view state: one link spelling written and read back, its words, its file stem, junk links.

A link is what a person sends: ``?year=2018/19&month=M06 (Sep 2018)&region=London&unit=£000``, spelt as
the dashboard's widgets spell it. Reading one back never raises and drops what it does not understand.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs

import pytest
from analysis_frames import S1, S2, YEAR
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.contract import ORG_TYPES
from analysis.filters import RATING_LABELS, Filters
from analysis.state import FILTER_PARAMS, PARAMS, UNITS, ViewState, month_param, system_param

years = st.integers(1990, 2098).map(lambda y: f"{y}/{(y + 1) % 100:02d}")
texts = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=30
)
regions = texts.map(str.strip).filter(lambda t: t and t.isprintable())
system_codes = st.one_of(
    st.integers(0, 999_999).map(lambda n: f"E54{n:06d}"),
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=2, max_size=2).map(lambda t: f"Q{t}"),
)


def unique_tuples(strategy, max_size=4):
    return st.lists(strategy, unique=True, max_size=max_size).map(tuple)


@st.composite
def states(draw) -> ViewState:
    """Any view a link can carry (a month only with its year: its label names the calendar month)."""
    year = draw(st.one_of(st.none(), years))
    filters = Filters(
        financial_year=year,
        month=draw(st.integers(1, 12)) if year and draw(st.booleans()) else None,
        regions=draw(unique_tuples(regions)),
        systems=draw(unique_tuples(system_codes)),
        org_types=draw(unique_tuples(st.sampled_from(ORG_TYPES))),
        ratings=draw(unique_tuples(st.sampled_from(RATING_LABELS))),
    )
    return ViewState(
        filters,
        draw(st.sampled_from(UNITS)),
        draw(st.booleans()),
        draw(st.one_of(st.none(), system_codes)),
        draw(unique_tuples(years).map(lambda chosen: tuple(sorted(chosen)))),
    )


names_of_systems = st.dictionaries(system_codes, texts, max_size=6)


# --- round trips ----------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(states(), names_of_systems)
def test_state_to_url_and_back_is_the_same_state(state: ViewState, names: dict[str, str]) -> None:
    params = state.to_query_params(names)
    assert all(
        isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))
        for v in params.values()
    )
    assert set(params) <= set(PARAMS.values())
    assert ViewState.from_query_params(params) == state
    # and through an encoded address, as a browser sends it back
    assert ViewState.from_query_params(parse_qs(state.query_string(names))) == state


@settings(max_examples=100, deadline=None)
@given(states(), names_of_systems)
def test_url_to_state_and_back_is_the_same_url(state: ViewState, names: dict[str, str]) -> None:
    link = state.query_string(names)
    again = ViewState.from_query_params(parse_qs(link)).query_string(names)
    assert again == link


def test_the_link_is_spelt_as_the_widgets_spell_it() -> None:
    filters = Filters(YEAR, 3, ("North",), (S1,), ("acute",), ("Advanced",))
    state = ViewState(filters, "£000", True, S2)
    assert state.to_query_params({S1: "System One", S2: "System Two"}) == {
        "year": "2018/19",
        "month": "M03 (Jun 2018)",
        "region": ["North"],
        "system": ["System One (E54000001)"],
        "org_type": ["acute"],
        "rating": ["Advanced"],
        "unit": "£000",
        "restate": "true",
        "focus": "System Two (E54000002)",
    }
    assert ViewState().to_query_params() == {"unit": "£m"}


def test_rebase_years_ride_in_the_link_oldest_first_and_normalised() -> None:
    state = ViewState(focus=S1, rebase=("2018/19", "2019/20"))
    assert state.to_query_params()["rebase"] == ["2018/19", "2019/20"]
    assert "rebase=2018%2F19&rebase=2019%2F20" in state.query_string()
    link = parse_qs("focus=E54000001&rebase=2019-20&rebase=FY2018/19&rebase=nonsense&rebase=2019/20")
    assert ViewState.from_query_params(link) == state
    assert ViewState.from_query_params({"rebase": ["", "junk"]}).rebase == ()
    assert "rebase" not in ViewState().to_query_params()
    assert month_param(YEAR, 3) == "M03 (Jun 2018)"
    assert system_param(S1, {S1: "System One"}) == "System One (E54000001)"
    assert system_param(S2, {}) == f"{S2} ({S2})"


def test_links_people_already_have_keep_working() -> None:
    """The links in use (tests/test_pages.py, tests/browser/): widget spelling, as Streamlit keeps them."""
    assert ViewState.from_query_params({"region": "London", "unit": "£000"}) == ViewState(
        Filters(regions=("London",)), "£000"
    )
    deep = {"year": "2017/18", "month": "M06 (Sep 2017)", "region": "London", "unit": "£000"}
    assert ViewState.from_query_params(deep) == ViewState(Filters("2017/18", 6, ("London",)), "£000")
    detail = parse_qs("year=2017%2F18&region=London&focus=Greater+Manchester+%28E54000007%29")
    assert ViewState.from_query_params(detail) == ViewState(
        Filters("2017/18", regions=("London",)), focus="E54000007"
    )
    assert ViewState.from_query_params(parse_qs("unit=%C2%A3000&restate=true")) == ViewState(
        unit="£000", restate=True
    )


def test_the_widgets_keys_are_the_links_parameters() -> None:
    assert PARAMS["financial_year"] == "year" and PARAMS["focus"] == "focus"
    assert set(FILTER_PARAMS) == set(PARAMS.values()) - {"focus", "rebase"}
    assert set(UNITS) == {"£m", "£000"} and UNITS[0] == ViewState().unit


# --- unknown and ill-formed parameters ------------------------------------------------------------------


def test_ill_formed_values_are_dropped_and_good_ones_normalised() -> None:
    params = {
        "year": ["2018/20", "FY2018-19"],
        "month": ["13", "M06", "zero"],
        "region": ["  North ", "", "\x00bad"],
        "system": ["e54000001", "X1", "E5400000", "qyg", "Two (E54000002)"],
        "org_type": ["Acute", "trust", "MENTAL  health"],
        "rating": ["advanced", "2", "5", "mixed", "not rated", "Great"],
        "unit": ["£000", "pounds"],
        "restate": ["maybe"],
        "focus": ["nonsense"],
        "unknown": ["ignored"],
    }
    assert ViewState.from_query_params(params) == ViewState(
        Filters(
            financial_year="2018/19",
            month=6,
            regions=("North",),
            systems=("E54000001", "QYG", "E54000002"),
            org_types=("acute", "mental health"),
            ratings=("Advanced", "Mixed", "Not rated"),
        ),
        "£000",
        False,
        None,
    )


@pytest.mark.parametrize("month", ["6", "06", "M06", "M6", "Month 6", "M06 (Sep 2018)"])
def test_every_spelling_of_a_month_is_read(month: str) -> None:
    assert ViewState.from_query_params({"year": YEAR, "month": month}).filters.month == 6


junk = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), st.binary(max_size=5)
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(st.one_of(junk, st.dictionaries(st.sampled_from([*PARAMS.values(), "other", ""]), junk)))
def test_junk_query_params_never_raise(params) -> None:
    state = ViewState.from_query_params(params)
    assert isinstance(state, ViewState)
    filters = state.filters
    assert filters.month is None or 1 <= filters.month <= 12
    assert set(filters.org_types) <= set(ORG_TYPES)
    assert set(filters.ratings) <= set(RATING_LABELS)
    assert state.unit in UNITS and isinstance(state.restate, bool)
    hash(state)


# --- words, file stem, cache key ------------------------------------------------------------------------


def test_words() -> None:
    filters = Filters(financial_year=YEAR, month=6, regions=("North",), systems=(S1,), ratings=("Advanced",))
    state = ViewState(filters, "£000", True, focus=S2)
    assert state.words({S1: "System One"}) == (
        "2018/19, year to date at M06 (Sep 2018); region North; systems System One; rated Advanced; "
        "restated on today's footprints; figures in £000"
    )
    assert ViewState(Filters(financial_year=YEAR)).words() == "2018/19, no month with actuals; figures in £m"
    assert ViewState().words() == "figures in £m"
    assert state.period_words() == "year to date at M06 (Sep 2018), 2018/19"
    assert ViewState().period_words() == "no period with actuals"


def test_file_stem_says_what_and_when() -> None:
    assert ViewState(Filters(financial_year=YEAR, month=9)).file_stem("systems") == "ics-systems-2018-19-M09"
    assert ViewState(Filters(financial_year=YEAR)).file_stem("board-pack") == "ics-board-pack-2018-19"
    assert ViewState().file_stem("rows") == "ics-rows"


def test_the_cache_key_changes_exactly_when_the_view_does() -> None:
    state = ViewState(Filters(financial_year=YEAR, month=6), "£m")
    same = ViewState(Filters(financial_year=YEAR, month=6), "£m")
    assert state.cache_key() == same.cache_key()
    others = [
        dataclasses.replace(state, unit="£000"),
        dataclasses.replace(state, restate=True),
        dataclasses.replace(state, focus=S1),
        dataclasses.replace(state, filters=Filters(financial_year=YEAR, month=5)),
        dataclasses.replace(state, filters=Filters(financial_year=YEAR, month=6, regions=("North",))),
    ]
    keys = {state.cache_key(), *(other.cache_key() for other in others)}
    assert len(keys) == len(others) + 1
