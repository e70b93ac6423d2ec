"""Tests for toolkit.occupation_shares: CPS Table 11 and Census 2018 readers, SOC mapping and fall-back,
standard errors, the shipped table and published shares."""
from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit import occupation_shares as bm
from toolkit.errors import DataValidationError, SchemaError

ROOT = Path(__file__).resolve().parents[1]
CROSSWALK = "2018-occupation-code-list-and-crosswalk.xlsx"
H2_CORE = ["45-2091", "45-2092", "45-2093", "45-2041", "45-4011", "37-3011", "37-2012", "51-3022",
           "51-3023", "35-2021", "35-9021", "39-3091", "47-2061", "53-7062", "53-7064", "51-9111"]


@pytest.fixture(scope="module")
def cps22(benchmarks_dir):
    return bm.read_cps_table11(benchmarks_dir / "cpsaat11_2022.xlsx")


@pytest.fixture(scope="module")
def cps21(benchmarks_dir):
    return bm.read_cps_table11(benchmarks_dir / "cpsaat11_2021.xlsx")


@pytest.fixture(scope="module")
def crosswalk(benchmarks_dir):
    return bm.read_census_crosswalk(benchmarks_dir / CROSSWALK)


def _line(cps, title):
    rows = cps[cps["cps_title"] == title]
    assert len(rows) == 1, f"expected one CPS line titled {title!r}, found {len(rows)}"
    return rows.iloc[0]


# ---------------------------------------------------------------- readers on the real files


@pytest.mark.realdata
@pytest.mark.parametrize("fixture, year, title, employed, pct", [
    # BLS CPS annual averages 2022, Table 11, row "Farming, fishing, and forestry occupations"
    ("cps22", 2022, "Farming, fishing, and forestry occupations", 980, 26.2),
    # 2022, row "Miscellaneous agricultural workers"
    ("cps22", 2022, "Miscellaneous agricultural workers", 753, 26.5),
    # 2022, row "Maids and housekeeping cleaners"
    ("cps22", 2022, "Maids and housekeeping cleaners", 1364, 88.1),
    # 2022, row "Total, 16 years and over"
    ("cps22", 2022, "Total, 16 years and over", 158291, 46.8),
    # BLS CPS annual averages 2021, Table 11 (flattened header copy), same rows
    ("cps21", 2021, "Farming, fishing, and forestry occupations", 1061, 24.2),
    ("cps21", 2021, "Miscellaneous agricultural workers", 835, 23.3),
    ("cps21", 2021, "Maids and housekeeping cleaners", 1357, 88.7),
    ("cps21", 2021, "Total, 16 years and over", 152581, 47.0),
])
def test_cps_known_values(request, fixture, year, title, employed, pct):
    cps = request.getfixturevalue(fixture)
    line = _line(cps, title)
    assert line["year"] == year
    assert line["employed_thousands"] == employed
    assert line["women_pct"] == pct
    assert line["women_share"] == pytest.approx(pct / 100)
    assert not line["suppressed"]


@pytest.mark.realdata
def test_cps_suppressed_lines_keep_na_and_flag(cps22):
    # 2022 Table 11 prints a dash for "Forest and conservation workers" (base 15 thousand < 50,000)
    line = _line(cps22, "Forest and conservation workers")
    assert line["suppressed"] and pd.isna(line["women_share"]) and line["employed_thousands"] == 15
    assert (cps22.loc[cps22["suppressed"], "women_share"].isna()).all()
    assert (cps22.loc[~cps22["suppressed"], "women_share"].notna()).all()


@pytest.mark.realdata
def test_cps_layouts_parse_to_same_structure(cps21, cps22):
    assert cps22.attrs["layout"] == "multi-row header"
    assert cps21.attrs["layout"] == "flattened one-row header"
    assert list(cps21.columns) == list(cps22.columns)
    assert (cps21.dtypes == cps22.dtypes).all()
    shares = pd.concat([cps21, cps22])["women_share"].dropna()
    assert ((shares >= 0) & (shares <= 1)).all()
    # both years use the 2018 Census classification: the same occupation lines
    assert set(cps21["cps_title"]) == set(cps22["cps_title"])
    for cps in (cps21, cps22):
        acc = cps.attrs["accounting"]
        assert acc["rows_read"] == acc["rows_kept"] + sum(acc["rows_dropped"].values())
        assert acc["rows_kept"] == len(cps)


@pytest.mark.realdata
def test_cps_year_mismatch_is_an_error(benchmarks_dir):
    with pytest.raises(DataValidationError, match="header says"):
        bm.read_cps_table11(benchmarks_dir / "cpsaat11_2022.xlsx", year=2019)


@pytest.mark.realdata
def test_crosswalk_represents_aggregates(crosswalk):
    by_code = crosswalk.set_index("census_code")
    assert by_code.loc["6050", "soc_code"] == "45-2090"          # Miscellaneous agricultural workers
    assert by_code.loc["6050", "soc_kind"] == "broad" and by_code.loc["6050", "soc_prefix"] == "45-209"
    assert by_code.loc["6950", "soc_code"] == "47-50XX"          # Other extraction workers
    assert by_code.loc["6950", "soc_kind"] == "residual" and by_code.loc["6950", "soc_prefix"] == "47-50"
    assert by_code.loc["4230", "soc_code"] == "37-2012"          # Maids and housekeeping cleaners
    assert by_code.loc["5521", "census_title"] == "Public safety telecommunicators"  # numeric cell
    acc = crosswalk.attrs["accounting"]
    assert acc["rows_read"] == acc["rows_kept"] + sum(acc["rows_dropped"].values())


@pytest.mark.realdata
@pytest.mark.parametrize("fixture", ["cps21", "cps22"])
def test_every_numbered_cps_line_matches_census(request, crosswalk, fixture):
    linked = bm.link_cps_census(request.getfixturevalue(fixture), crosswalk)
    # the only unmatched lines are BLS summary lines that the Census list groups differently
    assert set(linked.loc[linked["census_code"].isna(), "cps_title"]) == {
        "Total, 16 years and over", "Management, professional, and related occupations",
        "Management, business, and financial operations occupations",
        "Professional and related occupations", "Education, training, and library occupations"}
    detailed = linked[linked["level"] == "detailed"]
    assert detailed["census_code"].notna().all()


@pytest.mark.realdata
def test_unmatched_numbered_title_fails_and_lists_it(cps22, crosswalk):
    broken = cps22.copy()
    broken.loc[broken["cps_title"] == "Maids and housekeeping cleaners", "cps_title"] = "Maids, housekeepers"
    with pytest.raises(DataValidationError, match="Maids, housekeepers"):
        bm.link_cps_census(broken, crosswalk)


# ---------------------------------------------------------------- bad inputs


def _xlsx(tmp_path, rows, name="bad.xlsx"):
    """Write a minimal xlsx with the stdlib (no openpyxl in the runtime environment)."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(ref, v):
        if isinstance(v, (int, float)):
            return f'<c r="{ref}"><v>{v}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'

    sheet_rows = "".join(
        f'<row r="{i + 1}">' + "".join(cell(f"{chr(65 + j)}{i + 1}", v) for j, v in enumerate(r)
                                       if v != "") + "</row>" for i, r in enumerate(rows))
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + sheet_rows + "</sheetData></worksheet>")
    return path


def test_cps_wrong_sheet_is_schema_error(tmp_path):
    path = _xlsx(tmp_path, [["Something else", "x"], ["a", 1]])
    with pytest.raises(SchemaError, match="Occupation"):
        bm.read_cps_table11(path, year=2022)


def test_cps_missing_women_column_is_schema_error(tmp_path):
    path = _xlsx(tmp_path, [["Occupation", "Total Employed", "Percent White"], ["Chief executives", 10, 5]])
    with pytest.raises(SchemaError, match="Women"):
        bm.read_cps_table11(path, year=2022)


def test_cps_bad_value_names_row_and_column(tmp_path):
    path = _xlsx(tmp_path, [["Occupation", "Total Employed", "Percent of total employed Women"],
                            ["Chief executives", 10, 5.5], ["Legislators", 20, "n/a"]])
    with pytest.raises(DataValidationError, match=r"row 3, column 'Percent of total employed Women'"):
        bm.read_cps_table11(path, year=2022)


def test_cps_flattened_synthetic_reads(tmp_path):
    path = _xlsx(tmp_path, [["title"], ["Occupation", "Total Employed", "Percent of total employed Women"],
                            ["Total, 16 years and over", 100, 40.0], ["Chief executives", 10, "\u2013"]])
    out = bm.read_cps_table11(path, year=2020)
    assert list(out["level"]) == ["total", "detailed"]
    assert list(out["suppressed"]) == [False, True] and out["year"].eq(2020).all()


def test_crosswalk_wrong_sheet_is_schema_error(tmp_path):
    path = _xlsx(tmp_path, [["Occupation", "x"]])
    with pytest.raises(SchemaError, match="Census Occ Code List"):
        bm.read_census_crosswalk(path)


# ---------------------------------------------------------------- fall-back on constructed cases


def _linked_case():
    """A hand-built linked table (one year) exercising every fall-back level."""
    rows = [  # cps_title, census_code, soc_code, kind, prefix, employed, share, suppressed, group
        ("Farming, fishing, and forestry occupations", "6005-6130", "45-0000", "major", "45", 1000, .25, False, True),
        ("Graders and sorters", "6040", "45-2041", "detailed", "45-2041", 40, None, True, False),
        ("Miscellaneous agricultural workers", "6050", "45-2090", "broad", "45-209", 800, .20, False, False),
        ("Agricultural inspectors", "6010", "45-2011", "detailed", "45-2011", 200, .50, False, False),
        ("Other extraction workers", "6950", "47-50XX", "residual", "47-50", 50, .02, False, False),
        ("Roustabouts", "6920", "47-5071", "detailed", "47-5071", 100, .04, False, False),
        ("Derrick operators", "6800", "47-5010", "broad", "47-501", 30, None, True, False),
    ]
    df = pd.DataFrame(rows, columns=["cps_title", "census_code", "soc_code", "soc_kind", "soc_prefix",
                                     "employed_thousands", "women_share", "suppressed", "census_is_group"])
    df["census_title"] = df["cps_title"]
    df["year"] = 2022
    df["source_row"] = range(10, 10 + len(df))
    df["level"] = np.where(df["census_is_group"], "group", "detailed")
    df = df.astype({"women_share": "Float64", "employed_thousands": "Float64"})
    df.attrs["source_file"] = "constructed"
    return df


@pytest.mark.parametrize("code, level, share", [
    ("45-2090", "census_aggregate", .20),        # the Census broad code itself
    ("45-2092", "census_aggregate", .20),        # covered by 45-2090
    ("45-2011", "detailed", .50),
    # suppressed detailed line -> minor pool 45-20xx: (800*.20 + 200*.50) / 1000
    ("45-2041", "minor", (800 * .20 + 200 * .50) / 1000),
    ("45-2012", "broad", .50),                   # same broad group 45-201x as 45-2011 only
    ("45-3011", "major", .25),                   # no 45-3xxx line: major group summary line
    ("47-5099", "census_aggregate", .02),        # X residual
    ("47-5071", "detailed", .04),                # exact code wins over the 47-50XX residual
    # 47-5011 is covered by the suppressed 47-5010 (longest prefix) -> broad pool is empty
    # (suppressed) -> minor pool 47-50: (50*.02 + 100*.04) / 150
    ("47-5011", "minor", (50 * .02 + 100 * .04) / 150),
])
def test_fallback_levels(code, level, share):
    out = bm.resolve_soc([code], _linked_case()).iloc[0]
    assert out["match_level"] == level, out["note"]
    assert out["women_share"] == pytest.approx(share)
    assert out["source"].startswith("BLS CPS 2022 annual averages, Table 11")


def test_fallback_unmatched_and_bad_codes():
    out = bm.resolve_soc(["55-1011"], _linked_case()).iloc[0]
    assert out["match_level"] == "unmatched" and pd.isna(out["women_share"])
    with pytest.raises(DataValidationError, match="45-2092.00"):
        bm.resolve_soc(["45-2092.00"], _linked_case())


def test_se_formula_by_hand():
    # se(p) = sqrt(b/x p(100-p)) with p = 25 %, x = 1,000,000 persons, b = 2000: sqrt(0.375) pp
    assert bm.cps_share_se(0.25, 1000, b=2000) == pytest.approx(math.sqrt(2000 / 1e6 * 25 * 75) / 100)
    # SE shrinks with the base and vanishes at p = 0
    se = bm.cps_share_se(np.array([0.25, 0.25, 0.0]), np.array([100, 400, 100]))
    assert se[1] == pytest.approx(se[0] / 2) and se[2] == 0
    assert np.isnan(bm.cps_share_se(np.nan, 100))
    with pytest.raises(ValueError, match="positive"):
        bm.cps_share_se(0.2, 100, b=-1)


# ---------------------------------------------------------------- shipped table and lookups


def test_shipped_table_columns_and_ranges():
    for year in (2021, 2022):
        t = bm.women_share_by_soc(year)
        assert list(t.columns)[:11] == list(bm.SHARE_COLUMNS)[:11]
        assert t["year"].eq(year).all() and t["soc_code"].is_unique
        s = t["women_share"].dropna()
        assert ((s >= 0) & (s <= 1)).all()
        assert t["match_level"].isin(bm.MATCH_LEVELS).all()
        assert t["source"].str.startswith(f"BLS CPS {year} annual averages, Table 11 (cpsaat11_{year}.xlsx").all()
        assert (t["women_share"].notna() == t["women_share_se"].notna()).all()


@pytest.mark.parametrize("year", [2021, 2022])
def test_every_h2_core_soc_resolves(year):
    t = bm.women_share_by_soc(year).set_index("soc_code")
    core = t.loc[H2_CORE]
    assert core["women_share"].notna().all(), core[core["women_share"].isna()]
    assert (core["match_level"] != "unmatched").all()


def test_shipped_known_rows():
    t = bm.women_share_by_soc(2022).set_index("soc_code")
    # 2022 Table 11 "Miscellaneous agricultural workers" (Census 6050, SOC 45-2090): 26.5 % of 753k
    assert t.loc["45-2092", "women_share"] == pytest.approx(0.265)
    assert t.loc["45-2092", "match_level"] == "census_aggregate"
    assert t.loc["45-2092", "employed_thousands"] == 753
    # 2022 Table 11 "Maids and housekeeping cleaners" (Census 4230, SOC 37-2012): 88.1 %
    assert t.loc["37-2012", "women_share"] == pytest.approx(0.881)
    assert t.loc["37-2012", "match_level"] == "detailed"


def test_expected_share_lookup_and_fallback():
    assert "45-2097" not in set(bm.women_share_by_soc(2022)["soc_code"])
    s = bm.expected_share(["45-2092", "45-2097", "37-2012"], year=2022)
    assert list(s.index) == ["45-2092", "45-2097", "37-2012"]
    assert s.loc["45-2097", "women_share"] == pytest.approx(0.265)  # not shipped: falls back to key 45-2090
    assert s.loc["45-2097", "key"] == "45-2090" and s.loc["37-2012", "key"] == "37-2012"
    assert s.loc["37-2012", "women_share"] == pytest.approx(0.881) and s.loc["37-2012", "match_level"] == "detailed"
    with pytest.raises(DataValidationError):
        bm.expected_share(["452092"])


def test_women_share_by_soc_argument_checks():
    with pytest.raises(ValueError, match="both"):
        bm.women_share_by_soc(2022, path="x.xlsx")
    with pytest.raises(ValueError, match="not in the shipped table"):
        bm.women_share_by_soc(1999)
    with pytest.raises(TypeError):
        bm.women_share_by_soc("2022")


@pytest.mark.realdata
def test_women_share_by_soc_from_raw_files_matches_shipped(benchmarks_dir):
    raw = bm.women_share_by_soc(2022, path=benchmarks_dir / "cpsaat11_2022.xlsx",
                                crosswalk_path=benchmarks_dir / CROSSWALK).set_index("soc_code")
    shipped = bm.women_share_by_soc(2022).set_index("soc_code")
    common = raw.index.intersection(shipped.index)
    assert len(common) > 500
    pd.testing.assert_frame_equal(raw.loc[common], shipped.loc[common], check_exact=False, rtol=1e-12)


@pytest.mark.realdata
def test_shipped_table_equals_fresh_derivation(shared_data):
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import build_occupation_shares as build_benchmarks
    finally:
        sys.path.remove(str(ROOT / "tools"))
    fresh = build_benchmarks.derive(shared_data)
    shipped = pd.concat([bm.women_share_by_soc(y) for y in build_benchmarks.YEARS], ignore_index=True)
    fresh = bm._conform_shares(fresh)
    pd.testing.assert_frame_equal(fresh.reset_index(drop=True), shipped.reset_index(drop=True),
                                  check_exact=False, rtol=1e-12, check_like=False)


# ---------------------------------------------------------------- published shares


def test_published_shares_default_file():
    p = bm.published_shares()
    assert list(p.columns)[:9] == list(bm.PUBLISHED_COLUMNS)
    # CDM, 2021-03-23 USMCA petition press release: "in 2018 3% of all H-2A visas were issued to women"
    row = p[(p["program"] == "H-2A") & (p["fiscal_year"] == 2018)].iloc[0]
    assert row["women_share"] == pytest.approx(0.03)
    assert "Derechos del Migrante" in row["citation"]
    assert p["citation"].str.len().gt(0).all()


GOOD = {"program": "H-2B", "fiscal_year": "2019", "population": "visas", "women_share": "0.1",
        "women_count": "", "total_count": "", "citation": "Someone (2020)", "url": "", "notes": ""}


@pytest.mark.parametrize("change, message", [
    ({"women_share": "1.5"}, "outside"),
    ({"program": "H-1B"}, "program"),
    ({"citation": ""}, "citation"),
    ({"fiscal_year": "19"}, "fiscal_year"),
    ({"women_share": "", "women_count": ""}, "neither"),
    ({"women_count": "20", "total_count": "10"}, "women_count"),
])
def test_published_shares_rejects_bad_rows(tmp_path, change, message):
    path = tmp_path / "mine.csv"
    pd.DataFrame([GOOD, {**GOOD, **change}]).to_csv(path, index=False)
    with pytest.raises(DataValidationError, match=rf"row 3.*{message}|{message}.*row 3") as err:
        bm.published_shares(path)
    assert "mine.csv" in str(err.value)


def test_published_shares_user_file_with_extra_rows(tmp_path):
    path = tmp_path / "mine.csv"
    pd.DataFrame([GOOD, {**GOOD, "program": "H-2", "fiscal_year": "2020"}]).to_csv(path, index=False)
    assert len(bm.published_shares(path)) == 2
    pd.DataFrame([{k: v for k, v in GOOD.items() if k != "citation"}]).to_csv(path, index=False)
    with pytest.raises(SchemaError, match="citation"):
        bm.published_shares(path)
