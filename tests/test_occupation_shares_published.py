"""Published shares covering a range of years (GAO-25-106389) and their use in findings."""
from __future__ import annotations

import doctest

import pandas as pd
import pytest

from toolkit import occupation_shares as bm
from toolkit import dataset, evidence, i18n, present
from toolkit.errors import DataValidationError

GOOD = {"program": "H-2B", "fiscal_year": "2019", "population": "visas", "women_share": "0.1",
        "women_count": "", "total_count": "", "citation": "Someone (2020)", "url": "", "notes": ""}


def test_doctests():
    assert doctest.testmod(bm).failed == 0


def test_gao_row_as_published():
    # GAO-25-106389 (Nov 14, 2024), Highlights: "H-2A workers were mostly male (97 percent)", FY2018-2023
    p = bm.published_shares()
    gao = p[p["citation"].str.contains("GAO-25-106389", regex=False)]
    assert len(gao) == 1
    r = gao.iloc[0]
    assert (r["program"], int(r["fiscal_year"]), int(r["fiscal_year_end"])) == ("H-2A", 2018, 2023)
    assert r["men_share"] == pytest.approx(0.97) and pd.isna(r["women_share"]), "97% male is not turned into 3% female"
    assert r["pooled"] and "gao.gov" in r["url"] and "97 percent" in r["citation"]
    # single-year rows keep fiscal_year_end == fiscal_year and are not pooled
    assert (~p.loc[p.index != gao.index[0], "pooled"]).all()


@pytest.mark.parametrize("year, expected", [(2017, []), (2018, ["2018", "2018-2023"]), (2021, ["2018-2023"]),
                                            (2023, ["2018-2023"]), (2024, [])])
def test_published_share_for_years_in_range_single_year_first(year, expected):
    assert bm.published_share_for("H-2A", year)["years"].tolist() == expected


def test_published_share_for_bound_and_validation():
    r = bm.published_share_for("H-2A", 2020).iloc[0]
    assert r["women_share_at_most"] == pytest.approx(0.03)
    assert pd.isna(bm.published_share_for("H-2A", 2018).iloc[0]["women_share_at_most"])  # CDM publishes women's
    with pytest.raises(ValueError, match=r"program must be one of \['H-2A', 'H-2B'\], got 'H-2'"):
        bm.published_share_for("H-2", 2020)
    with pytest.raises(ValueError, match="fiscal_year must be an integer"):
        bm.published_share_for("H-2A", "2020")


@pytest.mark.parametrize("change, message", [
    ({"fiscal_year_end": "2018"}, "fiscal_year_end"),
    ({"fiscal_year_end": "20x1"}, "fiscal_year_end"),
    ({"men_share": "97"}, "men_share"),
])
def test_range_rows_are_validated(tmp_path, change, message):
    path = tmp_path / "mine.csv"
    pd.DataFrame([{**GOOD, "fiscal_year_end": "", "men_share": ""},
                  {**GOOD, "fiscal_year_end": "", "men_share": "", **change}]).to_csv(path, index=False)
    with pytest.raises(DataValidationError, match=rf"mine.csv.*row 3, column '{message}'"):
        bm.published_shares(path)


def test_old_files_without_optional_columns_still_read(tmp_path):
    path = tmp_path / "mine.csv"
    pd.DataFrame([GOOD]).to_csv(path, index=False)
    p = bm.published_shares(path)
    assert int(p.loc[0, "fiscal_year_end"]) == 2019 and not p.loc[0, "pooled"] and pd.isna(p.loc[0, "men_share"])


@pytest.fixture(scope="module")
def ev_2021():
    # synthetic cases of FY2021 without worker records: the published-share branch of the evidence
    ds = dataset.load(dataset.Request.build(data="synthetic", program="H-2A", fy=2021, seed=3, n_bootstrap=20))
    ds = dataset.Dataset(**{**ds.__dict__, "workers": None})
    return evidence.build(ds, commit="c", rendered="r")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_pooled_figure_in_the_finding_says_so(ev_2021, lang):
    f = next(x for x in ev_2021.findings if x.key == "shortfall")
    # "97% men" is rounded: women at most 3.5%, the end that makes the weaker claim (issue 25)
    assert f.measure == "published_women_share_at_most" and f.value == pytest.approx(0.035)
    text = present.finding_text(f, lang, k=ev_2021.k)[1]
    assert "2018-2023" in text and ("FY2021 alone" in text if lang == "en" else "año fiscal 2021 por sí solo" in text)
    assert i18n.fmt_percent(0.97, lang, 0) in text and "{" not in text
