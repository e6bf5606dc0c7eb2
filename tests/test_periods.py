"""The one grammar for a financial year and a month: files, links and the command line read them alike."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import filters, parsing, periods

YEARS = [
    ("2018/19", "2018/19"),
    ("2018-19", "2018/19"),
    ("2018–19", "2018/19"),  # en dash, as Word and Excel write it
    ("2018/2019", "2018/19"),
    ("FY2018/19", "2018/19"),
    ("fy 2018 / 19", "2018/19"),
    ("2099/00", "2099/00"),
    ("2099/2100", "2099/00"),
    ("2018/20", None),
    ("2018/6６", None),  # a full-width digit is not a digit of a year
    ("２０１８/19", None),
    ("2018", None),
    ("", None),
]
MONTHS = [
    ("6", 6),
    ("06", 6),
    ("6.0", 6),
    ("M06", 6),
    ("M6", 6),
    ("m 6", 6),
    ("Month 6", 6),
    ("Mth 6", 6),
    ("P6", 6),
    ("Period 12", 12),
    ("13", 13),
    ("0", 0),
    ("6.5", None),
    ("M٦", None),
    ("inf", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), YEARS)
def test_a_year_reads_the_same_in_a_file_a_link_and_the_cli(text, expected):
    assert periods.normalise_year(text) == expected
    assert filters.normalise_year(text) == expected
    years, _ = parsing.parse_year(pd.Series([text], dtype="str"))
    assert (None if pd.isna(years.iloc[0]) else years.iloc[0]) == expected


@pytest.mark.parametrize(("text", "expected"), MONTHS)
def test_a_month_reads_the_same_in_a_file_a_link_and_the_cli(text, expected):
    assert periods.read_month(text) == expected
    in_range = expected if expected is not None and 1 <= expected <= 12 else None
    assert periods.normalise_month(text) == in_range
    assert filters.normalise_month(text) == in_range
    months = parsing.parse_month(pd.Series([text], dtype="str"))
    assert (None if pd.isna(months.iloc[0]) else months.iloc[0]) == expected


def test_a_second_year_that_does_not_follow_is_told_apart_from_text():
    assert periods.read_year("2018/20") == (None, False)
    assert periods.read_year("last year") == (None, True)


def test_a_month_far_out_of_range_stays_a_number_to_report():
    assert periods.read_month("1e400") == 2**63 - 1
    assert periods.read_month("-1e400") == -(2**63)
