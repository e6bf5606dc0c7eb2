"""The sample generator: bundled data and benchmark extracts are deterministic and keep the contract."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import sample
from analysis.contract import (
    CONTROL_TOTALS,
    ORG_CODE_PATTERN,
    ORG_TYPES,
    PROGRESS_RATINGS,
    RATINGS,
    SYSTEM_CODE_PATTERN,
    SYSTEM_CONTROL_TOTALS,
    SYSTEMS,
)
from analysis.dataset import load_paths

REPO = Path(__file__).resolve().parents[1]
REFERENCE = Path("/work/shared/reference")
FOOTPRINTS_2017 = [f"E54{n:06d}" for n in range(5, 49)]
PLAIN_MONEY = r"-?\d+(?:\.\d)?"
MONEY = ("plan_income", "actual_income", "plan_expenditure", "actual_expenditure", "control_total")


def read(path: Path) -> pd.DataFrame:
    """A written file as the strings in it; blank cells stay ""."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    out = tmp_path_factory.mktemp("bundled")
    paths = sample.write_bundled(out)
    return {path.name: read(path) for path in paths} | {"_dir": out}


@pytest.fixture(scope="module", params=[100, 5000])
def benchmark(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    out = tmp_path_factory.mktemp(f"sample{request.param}")
    sample.write_sample(out, rows=request.param, seed=7)
    return request.param, out


def check_control_totals(ct: pd.DataFrame, systems: pd.DataFrame) -> None:
    """Every rule of the contract a generator can keep, checked on the written strings."""
    assert tuple(ct.columns) == CONTROL_TOTALS.names
    assert not ct.duplicated(list(CONTROL_TOTALS.key)).any()
    assert ct["financial_year"].str.fullmatch(r"\d{4}/\d{2}").all()
    first = ct["financial_year"].str[:4].astype(int)
    assert (ct["financial_year"].str[5:].astype(int) == (first + 1) % 100).all()
    month = ct["month"].astype(int)
    assert month.between(1, 12).all()
    org_year = ct.groupby(["financial_year", "org_code"])
    assert (org_year["month"].nunique() == 12).all(), "plans for every month of every organisation-year"
    assert (org_year["system_code"].nunique() == 1).all(), "one system per organisation-year"
    assert (org_year["control_total"].nunique() == 1).all(), "control total constant within a year"
    assert ct["org_code"].str.fullmatch(ORG_CODE_PATTERN).all()
    assert ct["system_code"].str.fullmatch(SYSTEM_CODE_PATTERN).all()
    assert ct["system_code"].isin(systems["system_code"]).all()
    assert ct["org_type"].isin(ORG_TYPES).all()
    assert (ct["org_name"] != "").all() and (ct["org_name"] == ct["org_name"].str.strip()).all()
    assert ct["control_total_accepted"].isin(["Y", "N"]).all()

    for column in MONEY:
        given = ct[column][ct[column] != ""]
        assert given.str.fullmatch(PLAIN_MONEY).all(), column
    for column in ("plan_income", "plan_expenditure", "control_total"):
        assert (ct[column] != "").all(), column
    blank = ct["actual_income"] == ""
    assert (blank == (ct["actual_expenditure"] == "")).all(), "actuals blank together"
    assert (blank == (ct["forecast_outturn"] == "")).all(), "forecast given exactly with actuals"
    for column in ("plan_income", "plan_expenditure"):
        assert (ct[column].astype(float) >= 0).all()
    assert (ct.loc[~blank, ["actual_income", "actual_expenditure"]].astype(float) >= 0).all().all()
    # Actuals run from month 1 without gaps: months reported are 1..m in every organisation-year.
    reported = (~blank).groupby([ct["financial_year"], ct["org_code"]])
    assert (
        reported.sum() == month.where(~blank, 0).groupby([ct["financial_year"], ct["org_code"]]).max()
    ).all()

    money = ct[["financial_year", "org_code", "month"]].assign(
        plan_surplus=ct["plan_income"].astype(float) - ct["plan_expenditure"].astype(float),
        control_total=ct["control_total"].astype(float),
    )
    per_year = money.groupby(["financial_year", "org_code"]).agg(
        plan=("plan_surplus", "sum"), control_total=("control_total", "first")
    )
    assert ((per_year["plan"] - per_year["control_total"]).abs() <= 1.5).all(), "12 plans add to the CT"


def test_bundled_is_byte_for_byte_deterministic(tmp_path: Path, bundled: dict) -> None:
    paths = sample.write_bundled(tmp_path)
    for path in paths:
        assert path.read_bytes() == (bundled["_dir"] / path.name).read_bytes(), path.name


def test_committed_data_is_the_generator_output(bundled: dict) -> None:
    for name in (SYSTEMS, PROGRESS_RATINGS, CONTROL_TOTALS, SYSTEM_CONTROL_TOTALS):
        committed = REPO / "data" / name.file_name
        assert committed.read_bytes() == (bundled["_dir"] / name.file_name).read_bytes(), (
            f"data/{name.file_name} is stale: run `make sample`"
        )


def test_bundled_files_have_the_contract_columns(bundled: dict) -> None:
    assert tuple(bundled["systems.csv"].columns) == SYSTEMS.names
    assert tuple(bundled["progress_ratings.csv"].columns) == PROGRESS_RATINGS.names
    assert tuple(bundled["control_totals.csv"].columns) == CONTROL_TOTALS.names
    assert tuple(bundled["system_control_totals.csv"].columns) == SYSTEM_CONTROL_TOTALS.names


def test_bundled_control_totals_keep_the_contract(bundled: dict) -> None:
    ct = bundled["control_totals.csv"]
    check_control_totals(ct, bundled["systems.csv"])
    assert sorted(ct["financial_year"].unique()) == ["2017/18", "2018/19"]
    assert 8000 <= len(ct) <= 12000
    months_reported = (
        ct[ct["actual_income"] != ""].groupby("financial_year")["month"].apply(lambda m: m.astype(int).max())
    )
    assert months_reported.to_dict() == {"2017/18": 12, "2018/19": 9}
    n_declined = (ct.drop_duplicates(["financial_year", "org_code"])["control_total_accepted"] == "N").sum()
    assert 5 <= n_declined <= 100


def test_bundled_money_has_realistic_magnitudes_and_a_winter_dip(bundled: dict) -> None:
    ct = bundled["control_totals.csv"]
    income = ct["plan_income"].astype(float)
    acute = ct["org_type"] == "acute"
    assert income[acute].between(16_000, 125_000).all()
    ccg_annual = income[ct["org_type"] == "ccg"].groupby(ct["org_code"]).sum() / 2
    assert ccg_annual.median() > 200_000
    surplus = income - ct["plan_expenditure"].astype(float)
    by_month = surplus.groupby(ct["month"].astype(int)).sum()
    assert by_month.loc[9:12].max() < by_month.loc[1:8].min()
    actual = ct[ct["actual_income"] != ""]
    variance = (
        actual["actual_income"].astype(float)
        - actual["actual_expenditure"].astype(float)
        - (actual["plan_income"].astype(float) - actual["plan_expenditure"].astype(float))
    )
    by_system = variance.groupby([actual["financial_year"], actual["system_code"]]).sum()
    assert (by_system < 0).sum() > 10 and (by_system > 0).sum() > 3, "some systems adverse, some not"
    forecast_gap = actual["forecast_outturn"].astype(float) - actual["control_total"].astype(float)
    assert (forecast_gap < 0).any() and (forecast_gap == 0).any()


def test_merged_footprints_are_coded_by_year(bundled: dict) -> None:
    ct = bundled["control_totals.csv"]
    codes = ct.groupby("financial_year")["system_code"].apply(set)
    assert set(sample.MERGED_CODES) <= codes["2017/18"] and sample.MERGED_INTO not in codes["2017/18"]
    assert not set(sample.MERGED_CODES) & codes["2018/19"] and sample.MERGED_INTO in codes["2018/19"]
    before = ct[ct["system_code"].isin(sample.MERGED_CODES)]["org_code"].unique()
    after = ct[(ct["financial_year"] == "2018/19") & ct["org_code"].isin(before)]["system_code"].unique()
    assert list(after) == [sample.MERGED_INTO]


def test_systems_lookup_lineage(bundled: dict) -> None:
    systems = bundled["systems.csv"].set_index("system_code")
    assert not systems.index.duplicated().any()
    assert set(FOOTPRINTS_2017) <= set(systems.index)
    assert systems.loc[list(sample.MERGED_CODES), "successor_code"].eq(sample.MERGED_INTO).all()
    recoded = {
        "E54000005": "E54000054",
        "E54000006": "E54000051",
        "E54000033": "E54000053",
        "E54000035": "E54000052",
        "E54000049": "E54000050",
    }
    for old, new in recoded.items():
        assert systems.loc[old, "successor_code"] == new and new in systems.index
    successors = systems["successor_code"][systems["successor_code"] != ""]
    assert successors.isin(systems.index).all()
    assert (
        systems["region"]
        .isin(
            [
                "London",
                "South East",
                "South West",
                "East of England",
                "Midlands",
                "North East and Yorkshire",
                "North West",
            ]
        )
        .all()
    )
    assert systems["system_type"].isin(["STP", "ICS"]).all()
    assert (systems["ods_code"][systems["ods_code"] != ""]).str.fullmatch(r"Q[A-Z0-9]{2}").all()
    assert systems.loc["E54000034", "ics_since"] == "2017-06"


def test_ratings_keep_the_sourced_13_and_the_national_split(bundled: dict) -> None:
    ratings = bundled["progress_ratings.csv"]
    assert ratings["system_code"].tolist() == FOOTPRINTS_2017
    assert (ratings["assessment_date"] == "2017-07-21").all()
    assert ratings["overall_rating"].isin(RATINGS).all()
    assert ratings["overall_rating"].value_counts().to_dict() == sample.NATIONAL_SPLIT
    sourced = ratings[ratings["source"] != "illustrative"].set_index("system_code")
    assert len(sourced) == 13
    for code, rating, leadership, urls in sample._SOURCED_RATINGS:
        assert sourced.loc[code, "overall_rating"] == rating
        assert sourced.loc[code, "leadership_rating"] == leadership
        assert sourced.loc[code, "source"] == " | ".join(urls)
    illustrative = ratings[ratings["source"] == "illustrative"]
    assert set(illustrative["overall_rating"]) == {"Advanced", "Making progress"}


def test_stated_system_totals_differ_only_where_meant_to(bundled: dict) -> None:
    ct = bundled["control_totals.csv"]
    stated = bundled["system_control_totals.csv"]
    org_years = ct.drop_duplicates(["financial_year", "org_code"])
    summed = org_years.groupby(["financial_year", "system_code"])["control_total"].apply(
        lambda v: v.astype(float).sum()
    )
    stated_total = stated.set_index(["financial_year", "system_code"])["control_total"].astype(float)
    assert set(stated_total.index) == set(summed.index)
    differs = (stated_total - summed.reindex(stated_total.index)).abs() > 0.05
    assert set(differs[differs].index) == set(sample.STATED_DIFFERENCES)
    accepted = stated.groupby("financial_year")["accepted"].apply(lambda a: (a == "Y").mean())
    assert accepted["2018/19"] < 0.25


def test_bundled_set_loads_with_nothing_quarantined(bundled: dict) -> None:
    dataset = load_paths([bundled["_dir"]])
    assert all(report.quarantined == 0 and report.error is None for report in dataset.files)
    assert len(dataset.control_totals) == len(bundled["control_totals.csv"])


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference extracts not on this machine")
def test_embedded_facts_match_the_reference(bundled: dict) -> None:
    lineage = pd.read_csv(REFERENCE / "stp44_2017_lineage.csv", dtype=str).set_index("stp17_code")
    systems = bundled["systems.csv"].set_index("system_code")
    assert (systems.loc[lineage.index, "system_name"] == lineage["stp_name_hf_2017_18"]).all()
    assert (systems.loc[lineage.index, "region"] == lineage["nhs_region_2019_name"]).all()
    icb = pd.read_csv(REFERENCE / "icb22_list.csv", dtype=str).set_index("icb22_code")["icb22_code_h"]
    with_ods = systems[systems["ods_code"] != ""]
    assert with_ods["ods_code"].isin(set(icb)).all()

    acute = pd.read_csv(REFERENCE / "acute_trust_to_stp17.csv", dtype=str)
    ct = bundled["control_totals.csv"]
    first_year = ct[ct["financial_year"] == "2017/18"].drop_duplicates("org_code").set_index("org_code")
    assert (
        first_year.loc[acute["trust_code"], "org_name"].to_numpy() == acute["trust_name"].to_numpy()
    ).all()
    assert (
        first_year.loc[acute["trust_code"], "system_code"].to_numpy() == acute["stp17_code"].to_numpy()
    ).all()
    ccgs = pd.read_csv(REFERENCE / "ccg_stp_region_april2019.csv", dtype=str)
    orgs = ct.drop_duplicates("org_code")
    assert set(orgs.loc[orgs["org_type"] == "ccg", "org_code"]) == set(ccgs["ccg_ods_code"])
    trusts = pd.read_csv(REFERENCE / "trust22_to_stp21.csv", dtype=str).set_index("nhs_trust22_code")
    others = orgs[~orgs["org_type"].isin(["acute", "ccg"])].set_index("org_code")
    assert (others["org_name"] == trusts.loc[others.index, "nhs_trust22_name"]).all()

    published = pd.read_csv(REFERENCE / "stp_progress_ratings_july2017.csv", dtype=str).dropna(
        subset=["overall_rating"]
    )
    ratings = bundled["progress_ratings.csv"].set_index("system_code")
    for row in published.itertuples():
        assert ratings.loc[row.stp17_code, "overall_rating"] == row.overall_rating
        assert ratings.loc[row.stp17_code, "source"] == row.source_urls


def test_sample_rows_are_about_n_and_keep_the_contract(benchmark: tuple[int, Path]) -> None:
    n, out = benchmark
    ct = read(out / CONTROL_TOTALS.file_name)
    systems = read(out / SYSTEMS.file_name)
    assert abs(len(ct) - n) <= 6 and len(ct) % 12 == 0
    check_control_totals(ct, systems)
    assert ct["system_code"].isin(FOOTPRINTS_2017).all()
    ratings = read(out / PROGRESS_RATINGS.file_name)
    assert ratings["overall_rating"].value_counts().to_dict() == sample.NATIONAL_SPLIT
    dataset = load_paths([out])
    assert all(report.quarantined == 0 and report.error is None for report in dataset.files)


def test_sample_is_deterministic_per_seed(tmp_path: Path) -> None:
    one = sample.write_sample(tmp_path / "one", rows=600, seed=3)
    two = sample.write_sample(tmp_path / "two", rows=600, seed=3)
    other = sample.write_sample(tmp_path / "other", rows=600, seed=4)
    assert [p.read_bytes() for p in one] == [p.read_bytes() for p in two]
    assert one[2].read_bytes() != other[2].read_bytes()


def test_large_samples_add_synthetic_organisations_and_years(tmp_path: Path) -> None:
    sample.write_sample(tmp_path, rows=60_000, seed=1)
    ct = read(tmp_path / CONTROL_TOTALS.file_name)
    check_control_totals(ct, read(tmp_path / SYSTEMS.file_name))
    assert len(ct) == 60_000
    years = sorted(ct["financial_year"].unique())
    assert len(years) == sample.SAMPLE_MAX_YEARS and years[0] == "2014/15" and years[-1] == "2023/24"
    assert ct["org_code"].str.fullmatch(r"Z[0-9A-Z]{4}").any()


def test_sample_refuses_fewer_than_one_row(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        sample.write_sample(tmp_path, rows=0)
