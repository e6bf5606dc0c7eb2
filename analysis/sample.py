"""Synthetic sample data: the bundled illustrative data set, and large valid extracts for benchmarks.

ALL MONEY WRITTEN HERE IS SYNTHETIC: drawn from a seeded random generator, at realistic magnitudes, and
not real NHS figures. The skeleton it hangs on is real and public: system codes, names, regions and ICS
cohorts, the organisations and their footprints, and the 13 STP progress ratings of July 2017 that were
published. Those facts are read from CSV files shipped beside this module in analysis/reference/ (each
file's public source is named in analysis/reference/README.md; licences are cited in data/README.md), so
the generator needs nothing outside the package and always writes the same bytes.

This module never imports Streamlit. The command line wires `python -m analysis sample` to
`write_sample` and `write_bundled`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from analysis.contract import CONTROL_TOTALS, PROGRESS_RATINGS, SYSTEM_CONTROL_TOTALS, SYSTEMS

BUNDLED_SEED = 2017
"""Seed of the bundled data set; change it and every bundled money figure changes."""

BUNDLED_YEARS: tuple[str, ...] = ("2017/18", "2018/19")
BUNDLED_ACTUAL_MONTHS: dict[str, int] = {"2017/18": 12, "2018/19": 9}
"""Months with actuals reported in each bundled year (blank after: the data is "as at" month 9)."""

ASSESSMENT_DATE = "2017-07-21"
"""Date NHS England published the first STP progress dashboard."""

FOOTPRINTS_2017: tuple[str, ...] = tuple(f"E54{n:06d}" for n in range(5, 49))
"""The 44 STP footprints of 2017, rated in July 2017."""

MERGED_CODES: tuple[str, ...] = ("E54000045", "E54000046", "E54000047")
MERGED_INTO = "E54000049"
"""In August 2018 the three northern footprints merged into E54000049 Cumbria and North East."""

SAMPLE_FIRST_YEAR = 2014
SAMPLE_MAX_YEARS = 10
SAMPLE_ACTUAL_MONTHS = 6
"""Months with actuals in the last year of a benchmark sample (earlier years are complete)."""

# The real skeleton lives in CSV files in analysis/reference/ (analysis/reference/README.md names the
# public source of each). Every cell is read as text, so the written bytes never depend on type guessing.
REFERENCE_FOLDER = "reference"


def read_reference(file_name: str) -> pd.DataFrame:
    """One reference CSV shipped with the package, every cell a string ("" where blank)."""
    resource = resources.files("analysis").joinpath(REFERENCE_FOLDER, file_name)
    with resource.open("r", encoding="utf-8", newline="") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


def _published_ratings() -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """The 13 ratings of 21 July 2017 found in public sources: code, rating, leadership rating, URLs."""
    frame = read_reference("progress_ratings_published.csv")
    return tuple(
        (row.system_code, row.overall_rating, row.leadership_rating, tuple(row.source_urls.split(" | ")))
        for row in frame.itertuples(index=False)
    )


_SOURCED_RATINGS = _published_ratings()

NATIONAL_SPLIT: dict[str, int] = {
    "Outstanding": 5,
    "Advanced": 20,
    "Making progress": 14,
    "Needs most improvement": 5,
}
"""The published national split of the 44 July 2017 ratings."""

_TYPE_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("Ambulance", "ambulance"),
    ("Mental Health", "mental health"),
    ("Community", "community"),
    ("Orthopaedic", "specialist"),
    ("Cancer", "specialist"),
    ("Eye Hospital", "specialist"),
    ("Heart And Chest", "specialist"),
)
"""Words in a trust's name that tell its type reliably; the first match wins."""


# ---------------------------------------------------------------------------------------------------------
# The real skeleton as frames
# ---------------------------------------------------------------------------------------------------------


def systems_frame() -> pd.DataFrame:
    """The systems lookup: 44 footprints of 2017, E54000049 (the 2018 merger) and the 2020 recodes."""
    return read_reference("systems.csv")[list(SYSTEMS.names)]


def _type_from_name(names: pd.Series) -> pd.Series:
    types = pd.Series(pd.NA, index=names.index, dtype="str")
    for word, org_type in reversed(_TYPE_KEYWORDS):
        types = types.mask(names.str.contains(word, regex=False), org_type)
    if types.isna().any():
        raise ValueError(f"type not told by name: {list(names[types.isna()])}")
    return types


def organisations() -> pd.DataFrame:
    """Real organisations of the bundled set and their system in each bundled financial year.

    Columns: org_code, org_name, org_type, and one system code column per year in BUNDLED_YEARS (NA where
    the organisation is left out that year). Organisations of E54000045/046/047 sit under those codes in
    2017/18 and under E54000049 in 2018/19. Organisations known only under the merged footprint (the
    April 2019 CCGs of E54000049, and the North East Ambulance Service, STP21 E54000050) appear in 2018/19
    only, since the references do not say which of the three 2017 footprints they belonged to.
    """
    acute = read_reference("acute_trusts_2017.csv").assign(org_type="acute")
    other = read_reference("other_trusts_2022.csv")
    recoded = read_reference("stp21_to_stp17.csv").set_index("stp21_code")["stp17_code"]
    other = other.assign(
        org_type=_type_from_name(other["org_name"]),
        stp17_code=other["stp21_code"].map(lambda code: recoded.get(code, code) or None),
    ).drop(columns="stp21_code")
    ccgs = read_reference("ccgs_april_2019.csv")
    ccgs = ccgs.assign(
        org_name="CCG " + ccgs["org_code"],
        org_type="ccg",
        stp17_code=ccgs["stp19_code"].where(ccgs["stp19_code"] != MERGED_INTO),
    ).drop(columns="stp19_code")
    orgs = pd.concat([acute, other, ccgs], ignore_index=True)
    if orgs["org_code"].duplicated().any():
        raise ValueError("an organisation code appears twice in the reference files")
    first, second = BUNDLED_YEARS
    orgs[first] = orgs["stp17_code"]
    orgs[second] = (
        orgs["stp17_code"].mask(orgs["stp17_code"].isin(MERGED_CODES), MERGED_INTO).fillna(MERGED_INTO)
    )
    orgs = orgs.drop(columns="stp17_code")
    return orgs.sort_values("org_code", kind="stable").reset_index(drop=True)


def ratings_frame(seed: int = BUNDLED_SEED) -> pd.DataFrame:
    """July 2017 ratings of the 44 footprints: 13 as published, 31 illustrative.

    Each unknown rating is Advanced or Making progress (the published ones already hold all 5 Outstanding
    and all 5 Needs most improvement), drawn with a fixed seed so the 44 match the national split.
    """
    codes = list(FOOTPRINTS_2017)
    sourced = {
        code: (rating, leadership, " | ".join(urls)) for code, rating, leadership, urls in _SOURCED_RATINGS
    }
    remaining = dict(NATIONAL_SPLIT)
    for rating, _, _ in sourced.values():
        remaining[rating] -= 1
    if remaining["Outstanding"] or remaining["Needs most improvement"]:
        raise ValueError(
            "the sourced ratings no longer fix the Outstanding and Needs most improvement groups"
        )
    unknown = [code for code in codes if code not in sourced]
    fill = ["Advanced"] * remaining["Advanced"] + ["Making progress"] * remaining["Making progress"]
    order = np.random.default_rng((seed, 1)).permutation(len(unknown))
    illustrative = {unknown[i]: (fill[rank], "", "illustrative") for rank, i in enumerate(order)}
    rows = [(code, ASSESSMENT_DATE, *(sourced.get(code) or illustrative[code])) for code in codes]
    frame = pd.DataFrame(
        rows, columns=["system_code", "assessment_date", "overall_rating", "leadership_rating", "source"]
    )
    return frame[list(PROGRESS_RATINGS.names)]


# ---------------------------------------------------------------------------------------------------------
# Synthetic money, vectorised over organisation-years
# ---------------------------------------------------------------------------------------------------------

_INCOME_PROFILE = np.array([0.98, 1.02, 0.99, 1.02, 0.99, 1.0, 1.03, 0.98, 0.97, 1.03, 0.96, 1.03])
_INCOME_PROFILE = _INCOME_PROFILE * 12 / _INCOME_PROFILE.sum()
"""Share of the year's income earned in each month (April first), averaging 1: working days, roughly."""

_WINTER = np.array([0.0] * 8 + [1.0] * 4)
"""December to March (months 9-12): winter pressures."""

_PLAN_WINTER_DIP = np.where(_WINTER == 1, -0.012, 0.006)
"""Planned surplus shifted out of winter, as a share of monthly income; sums to nothing over the year."""

ON_PLAN, FAVOURABLE, ADVERSE, IMPROVING = 0, 1, 2, 3
_PATTERN_P = np.array([0.35, 0.20, 0.27, 0.18])
"""How often a system-year is on plan, favourable, adverse to plan, or adverse but improving."""

_ORG_TYPES = ("acute", "ccg", "mental health", "community", "ambulance", "specialist")
_INCOME_MEDIAN = np.array([420_000.0, 420_000.0, 200_000.0, 120_000.0, 260_000.0, 220_000.0])
_INCOME_MIN = np.array([205_000.0, 150_000.0, 80_000.0, 50_000.0, 150_000.0, 80_000.0])
_INCOME_MAX = np.array([1_380_000.0, 1_300_000.0, 600_000.0, 350_000.0, 450_000.0, 600_000.0])
"""Annual income, £000, by type in _ORG_TYPES order (lognormal, clipped): an acute trust earns £205m-£1.38bn
in its first year, about £16m-£125m a month after growth."""

_CT_RATIO_MEAN = np.array([-0.012, 0.0, 0.008, 0.006, 0.004, 0.01])
_CT_RATIO_SD = np.array([0.022, 0.008, 0.006, 0.006, 0.006, 0.015])
"""Control total as a share of income, by type: acute trusts often planned a deficit."""


@dataclass
class _OrgYears:
    """One entry per organisation-year: who, where, how big and how it behaves."""

    year: np.ndarray  # index into a year-label array
    system: np.ndarray  # index into a system-code array
    org: np.ndarray  # index into organisation arrays
    org_type: np.ndarray  # index into _ORG_TYPES
    income: np.ndarray  # annual income, £000
    pattern: np.ndarray  # ON_PLAN, FAVOURABLE, ADVERSE or IMPROVING
    actual_months: np.ndarray  # months with actuals reported, 0-12


def _base_income(rng: np.random.Generator, org_type: np.ndarray) -> np.ndarray:
    draw = _INCOME_MEDIAN[org_type] * np.exp(rng.normal(0.0, 0.45, org_type.size))
    return np.clip(draw, _INCOME_MIN[org_type], _INCOME_MAX[org_type])


def _patterns(rng: np.random.Generator, system_pattern: np.ndarray) -> np.ndarray:
    """An organisation follows its system-year's pattern seven times in ten, else its own."""
    own = rng.choice(4, size=system_pattern.size, p=_PATTERN_P)
    return np.where(rng.random(system_pattern.size) < 0.7, system_pattern, own)


def _r1(values: np.ndarray) -> np.ndarray:
    """Round money to one decimal place, never writing -0.0."""
    return np.round(values, 1) + 0.0


def _money(rng: np.random.Generator, oy: _OrgYears) -> dict[str, np.ndarray]:
    """Monthly plan, actual, control total, forecast and acceptance for every organisation-year.

    Returns arrays of 12 x len(oy) rows, organisation-year major, month minor. The plan's 12 monthly
    surpluses add up to the control total (to rounding), with less surplus planned in winter. Actual
    surplus = plan surplus + a variance that follows the organisation's pattern: adverse organisations
    fall further behind (more so in winter), improving ones start behind and recover. Forecast outturn
    stays at the control total until the organisation admits drift, then extrapolates its run rate;
    at month 12 it is the outturn.
    """
    k = oy.income.size
    p = oy.pattern
    ccg = oy.org_type == _ORG_TYPES.index("ccg")
    scale = np.where(ccg, 0.35, 1.0)  # commissioners stay closer to plan

    ratio_by_type = _CT_RATIO_MEAN[oy.org_type] + _CT_RATIO_SD[oy.org_type] * rng.standard_normal(k)
    ct_ratio = np.clip(ratio_by_type, -0.09, 0.035)
    control_total = np.round(oy.income * ct_ratio) + 0.0

    def uniform(low: float, high: float) -> np.ndarray:
        return rng.uniform(low, high, k)

    level = np.select(
        [p == ON_PLAN, p == FAVOURABLE, p == ADVERSE],
        [rng.normal(0.001, 0.002, k), uniform(0.003, 0.01), uniform(-0.02, -0.005)],
        uniform(-0.025, -0.01),
    )
    trend = np.select(
        [p == ADVERSE, p == IMPROVING], [uniform(-0.0015, 0.0), -level * uniform(0.12, 0.2)], 0.0
    )
    winter = np.select(
        [p == ADVERSE, p == IMPROVING],
        [uniform(-0.012, -0.004), uniform(-0.006, 0.0)],
        uniform(-0.003, 0.001),
    )
    drifts = (p == ADVERSE) | (p == IMPROVING)
    extrapolate = np.where(drifts, uniform(0.3, 1.0), 0.0)
    hold_until = np.where(drifts, rng.integers(2, 7, k), 12)
    declined = rng.random(k) < np.select([p == ADVERSE, p == IMPROVING], [0.3, 0.15], 0.03) * np.where(
        ccg, 0.5, 1
    )
    income_bias = rng.normal(0.002, 0.004, k) * scale

    month = np.arange(1, 13)
    monthly = oy.income[:, None] / 12
    plan_income = _r1(monthly * _INCOME_PROFILE)
    plan_surplus = control_total[:, None] / 12 + monthly * _PLAN_WINTER_DIP
    plan_expenditure = _r1(plan_income - plan_surplus)
    rate = level[:, None] + trend[:, None] * (month - 1) + winter[:, None] * _WINTER
    rate = (rate + rng.normal(0.0, 0.004, (k, 12))) * scale[:, None]
    actual_income = _r1(
        plan_income * (1 + income_bias[:, None] + rng.normal(0.0, 0.006, (k, 12)) * scale[:, None])
    )
    actual_expenditure = _r1(actual_income - (plan_income - plan_expenditure) - monthly * rate)

    reported = month[None, :] <= oy.actual_months[:, None]
    actual_income = np.where(reported, actual_income, np.nan)
    actual_expenditure = np.where(reported, actual_expenditure, np.nan)
    variance = (actual_income - actual_expenditure) - (plan_income - plan_expenditure)
    ytd = np.cumsum(np.where(reported, variance, 0.0), axis=1)
    run_rate = ytd * (1 + (12 - month) / month * extrapolate[:, None])
    forecast = np.where(
        month < hold_until[:, None], control_total[:, None], control_total[:, None] + run_rate
    )
    forecast = np.where(reported, _r1(forecast), np.nan)

    return {
        "plan_income": plan_income.ravel(),
        "actual_income": actual_income.ravel(),
        "plan_expenditure": plan_expenditure.ravel(),
        "actual_expenditure": actual_expenditure.ravel(),
        "control_total": np.repeat(control_total, 12),
        "forecast_outturn": forecast.ravel(),
        "control_total_accepted": np.repeat(np.where(declined, "N", "Y"), 12),
        "month": np.tile(month, k),
        "_org_year_control_total": control_total,
    }


def _system_patterns(rng: np.random.Generator, n_years: int, n_systems: int) -> np.ndarray:
    """Pattern per (year, system); a system keeps last year's pattern half the time."""
    patterns = rng.choice(4, size=(n_years, n_systems), p=_PATTERN_P)
    for year in range(1, n_years):
        keep = rng.random(n_systems) < 0.5
        patterns[year] = np.where(keep, patterns[year - 1], patterns[year])
    return patterns


# ---------------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------------


def _write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Plain CSV: UTF-8, LF line ends, blank for not given, money as written by repr (e.g. 1234.5)."""
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path


def _write_csv_fast(table: pa.Table, path: Path) -> Path:
    """Arrow's CSV writer, about ten times faster than pandas' for a million rows; text is quoted."""
    pa_csv.write_csv(table, path, pa_csv.WriteOptions(quoting_style="needed"))
    return path


def _system_totals(ct_rows: pd.DataFrame) -> pd.DataFrame:
    """Sum of member control totals per system-year, each organisation-year once."""
    org_years = ct_rows.drop_duplicates(["financial_year", "org_code"])
    return (
        org_years.groupby(["financial_year", "system_code"], sort=True)
        .agg(control_total=("control_total", "sum"), members=("org_code", "size"))
        .reset_index()
    )


STATED_DIFFERENCES: dict[tuple[str, str], str | float] = {
    ("2017/18", "E54000008"): "omits",
    ("2017/18", "E54000027"): 2500.0,
    ("2018/19", "E54000016"): "omits",
    ("2018/19", "E54000042"): -1500.0,
    ("2018/19", MERGED_INTO): 4000.0,
}
"""System-years whose stated control total deliberately differs from the sum of its members', so the
reconciliation has something to show: "omits" leaves out the member with the largest absolute control
total; a number is added to the sum (£000)."""


def _bundled_system_control_totals(ct_rows: pd.DataFrame, systems: pd.DataFrame) -> pd.DataFrame:
    """Stated totals: the members' sum but for STATED_DIFFERENCES; accepted mostly N in 2018/19."""
    totals = _system_totals(ct_rows)
    org_years = ct_rows.drop_duplicates(["financial_year", "org_code"])
    for (year, code), difference in STATED_DIFFERENCES.items():
        at = (totals["financial_year"] == year) & (totals["system_code"] == code)
        if difference == "omits":
            members = org_years[(org_years["financial_year"] == year) & (org_years["system_code"] == code)]
            largest = members["control_total"].abs().idxmax()
            totals.loc[at, "control_total"] -= members.loc[largest, "control_total"]
        else:
            totals.loc[at, "control_total"] += float(difference)
    all_accepted = (
        org_years.assign(yes=org_years["control_total_accepted"] == "Y")
        .groupby(["financial_year", "system_code"], sort=True)["yes"]
        .all()
        .reset_index(drop=True)
    )
    since = systems.set_index("system_code")["ics_since"].reindex(totals["system_code"]).to_numpy()
    ics_by_april_2018 = np.array([bool(s) and s <= "2018-05" for s in since])
    first_year = totals["financial_year"] == BUNDLED_YEARS[0]
    accepted = np.where(first_year, all_accepted, all_accepted & ics_by_april_2018)
    totals["control_total"] = _r1(totals["control_total"].to_numpy())
    totals["accepted"] = np.where(accepted, "Y", "N")
    return totals[list(SYSTEM_CONTROL_TOTALS.names)]


def write_bundled(out_dir: Path) -> list[Path]:
    """Write the bundled illustrative data set into out_dir; the same bytes on every run.

    Files: systems.csv, progress_ratings.csv, control_totals.csv (2017/18 complete, 2018/19 as at month 9)
    and system_control_totals.csv. Real codes and names; synthetic money from BUNDLED_SEED.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng((BUNDLED_SEED, 2))
    systems = systems_frame()
    orgs = organisations()
    n_orgs = len(orgs)
    type_index = orgs["org_type"].map({t: i for i, t in enumerate(_ORG_TYPES)}).to_numpy()
    base_income = _base_income(rng, type_index)
    growth = rng.uniform(1.02, 1.045, n_orgs)

    system_codes = systems["system_code"].to_numpy()
    system_index = {code: i for i, code in enumerate(system_codes)}
    sys_patterns = _system_patterns(rng, len(BUNDLED_YEARS), len(system_codes))

    parts = []
    for y, year in enumerate(BUNDLED_YEARS):
        present = orgs[year].notna().to_numpy()
        org = np.flatnonzero(present)
        system = orgs.loc[present, year].map(system_index).to_numpy()
        parts.append((np.full(org.size, y), system, org))
    year_i, system_i, org_i = (np.concatenate(column) for column in zip(*parts, strict=True))
    oy = _OrgYears(
        year=year_i,
        system=system_i,
        org=org_i,
        org_type=type_index[org_i],
        income=base_income[org_i] * growth[org_i] ** year_i,
        pattern=_patterns(rng, sys_patterns[year_i, system_i]),
        actual_months=np.array([BUNDLED_ACTUAL_MONTHS[y] for y in BUNDLED_YEARS])[year_i],
    )
    money = _money(rng, oy)
    rows = np.repeat(np.arange(oy.income.size), 12)
    ct = pd.DataFrame(
        {
            "financial_year": np.array(BUNDLED_YEARS)[oy.year[rows]],
            "month": money["month"],
            "system_code": system_codes[oy.system[rows]],
            "org_code": orgs["org_code"].to_numpy()[oy.org[rows]],
            "org_name": orgs["org_name"].to_numpy()[oy.org[rows]],
            "org_type": orgs["org_type"].to_numpy()[oy.org[rows]],
            **{name: money[name] for name in CONTROL_TOTALS.names if name in money},
        }
    )[list(CONTROL_TOTALS.names)]
    ct = ct.sort_values(["financial_year", "system_code", "org_code", "month"], kind="stable")
    ct = ct.reset_index(drop=True)

    return [
        _write_csv(systems, out_dir / SYSTEMS.file_name),
        _write_csv(ratings_frame(), out_dir / PROGRESS_RATINGS.file_name),
        _write_csv(ct, out_dir / CONTROL_TOTALS.file_name),
        _write_csv(_bundled_system_control_totals(ct, systems), out_dir / SYSTEM_CONTROL_TOTALS.file_name),
    ]


_BASE36 = np.array(list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
_TYPE_P = np.array([0.35, 0.45, 0.08, 0.06, 0.02, 0.04])
"""Mix of synthetic organisation types, in _ORG_TYPES order."""
_TYPE_LABEL = np.array(
    ["acute trust", "CCG", "mental health trust", "community trust", "ambulance trust", "specialist trust"]
)


def _synthetic_codes(n: int) -> np.ndarray:
    """Five-character codes Z0000, Z0001, ... (upper-case letters and digits, as the contract allows)."""
    if n > 36**4:
        raise ValueError(f"at most {36**4} synthetic organisations per year")
    i = np.arange(n)
    digits = [_BASE36[(i // 36**p) % 36] for p in (3, 2, 1, 0)]
    codes = np.full(n, "Z", dtype="<U5")
    for d in digits:
        codes = np.char.add(codes, d)
    return codes


def _dictionary(indices: np.ndarray, labels: np.ndarray | list[str]) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(
        pa.array(indices.astype(np.int32)), pa.array(np.asarray(labels, dtype=str))
    )


def write_sample(out_dir: Path, rows: int, seed: int = 0) -> list[Path]:
    """Write a synthetic, valid extract set of about `rows` control-total rows (a multiple of 12).

    Whole organisation-years only (plans for all 12 months). Up to 350 real organisations under their
    2017 footprints, then synthetic ones (codes Z0000...) spread over the 44 systems; years from 2014/15,
    at most ten, ending in 2018/19 while five or fewer are needed. Every year but the last has actuals
    for all 12 months; the last as at month 6. Also writes systems.csv, progress_ratings.csv and
    system_control_totals.csv (stated totals equal to the sums). Vectorised: a million rows take seconds.
    """
    if rows < 1:
        raise ValueError("rows must be at least 1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng((seed, 3))
    systems = systems_frame()
    footprints = np.array(FOOTPRINTS_2017)

    real = organisations()
    real = real[real[BUNDLED_YEARS[0]].notna()].reset_index(drop=True)
    k = max(1, round(rows / 12))
    n_years = min(SAMPLE_MAX_YEARS, math.ceil(k / len(real)))
    per_year = math.ceil(k / n_years)
    first = max(SAMPLE_FIRST_YEAR, 2019 - n_years)
    years = np.array([f"{y}/{(y + 1) % 100:02d}" for y in range(first, first + n_years)])

    type_of = {t: i for i, t in enumerate(_ORG_TYPES)}
    system_of = {code: i for i, code in enumerate(footprints)}
    if per_year <= len(real):
        chosen = np.sort(rng.choice(len(real), per_year, replace=False))
        codes = real["org_code"].to_numpy()[chosen]
        names = real["org_name"].to_numpy()[chosen]
        org_type = real["org_type"].map(type_of).to_numpy()[chosen]
        org_system = real[BUNDLED_YEARS[0]].map(system_of).to_numpy()[chosen]
    else:
        n_synthetic = per_year - len(real)
        synthetic = _synthetic_codes(n_synthetic)
        synthetic_type = rng.choice(len(_ORG_TYPES), n_synthetic, p=_TYPE_P)
        codes = np.concatenate([real["org_code"].to_numpy(dtype=str), synthetic])
        names = np.concatenate(
            [
                real["org_name"].to_numpy(dtype=str),
                np.char.add(
                    np.char.add("Synthetic ", _TYPE_LABEL[synthetic_type]), np.char.add(" ", synthetic)
                ),
            ]
        )
        org_type = np.concatenate([real["org_type"].map(type_of).to_numpy(), synthetic_type])
        org_system = np.concatenate(
            [real[BUNDLED_YEARS[0]].map(system_of).to_numpy(), rng.integers(0, len(footprints), n_synthetic)]
        )

    org_i = np.tile(np.arange(per_year), n_years)[:k]
    year_i = np.repeat(np.arange(n_years), per_year)[:k]
    system_i = org_system[org_i]
    base_income = _base_income(rng, org_type)
    growth = rng.uniform(1.02, 1.045, per_year)
    sys_patterns = _system_patterns(rng, n_years, len(footprints))
    oy = _OrgYears(
        year=year_i,
        system=system_i,
        org=org_i,
        org_type=org_type[org_i],
        income=base_income[org_i] * growth[org_i] ** year_i,
        pattern=_patterns(rng, sys_patterns[year_i, system_i]),
        actual_months=np.where(year_i == n_years - 1, SAMPLE_ACTUAL_MONTHS, 12),
    )
    money = _money(rng, oy)
    row_oy = np.repeat(np.arange(k), 12)
    row_org = org_i[row_oy]
    columns = {
        "financial_year": _dictionary(year_i[row_oy], years),
        "month": pa.array(money["month"]),
        "system_code": _dictionary(system_i[row_oy], footprints),
        "org_code": _dictionary(row_org, codes),
        "org_name": _dictionary(row_org, names),
        "org_type": _dictionary(org_type[row_org], list(_ORG_TYPES)),
    }
    for name in CONTROL_TOTALS.names[6:]:
        values = money[name]
        columns[name] = pa.array(values, from_pandas=True) if values.dtype.kind == "f" else pa.array(values)
    table = pa.table({name: columns[name] for name in CONTROL_TOTALS.names})

    org_years = pd.DataFrame(
        {
            "financial_year": years[year_i],
            "system_code": footprints[system_i],
            "org_code": codes[org_i],
            "control_total": money["_org_year_control_total"],
        }
    )
    totals = _system_totals(org_years)
    totals["control_total"] = _r1(totals["control_total"].to_numpy())
    totals["accepted"] = np.where(rng.random(len(totals)) < 0.2, "Y", "N")

    return [
        _write_csv(systems, out_dir / SYSTEMS.file_name),
        _write_csv(ratings_frame(), out_dir / PROGRESS_RATINGS.file_name),
        _write_csv_fast(table, out_dir / CONTROL_TOTALS.file_name),
        _write_csv(totals[list(SYSTEM_CONTROL_TOTALS.names)], out_dir / SYSTEM_CONTROL_TOTALS.file_name),
    ]
