"""toolkit.dol on every real DOL file (totals checked against independent raw sums) and on
small files written in each era's header layout, including bad inputs."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from toolkit import dol, releases, schema, store
from toolkit.errors import DataValidationError, SchemaError

# file -> (program, fiscal year, layout, raw column with workers certified (None: derived), data rows)
REAL = {
    "H-2A_Disclosure_Data_FY15_Q4.xlsx": ("H-2A", 2015, "icert-2015", "NBR_WORKERS_CERTIFIED"),
    "H-2A_Disclosure_Data_FY17.xlsx": ("H-2A", 2017, "icert-2015", "NBR_WORKERS_CERTIFIED"),
    "H-2A_Disclosure_Data_FY2022_Q1.xlsx": ("H-2A", 2022, "form-2019", "TOTAL_WORKERS_H2A_CERTIFIED"),
    "H-2A_FY14_Q4.xlsx": ("H-2A", 2014, "fy2014", "NBR_WORKERS_CERTIFIED"),
    "H-2A_FY2020_Q3_extract.xlsx": ("H-2A", 2020, "form-2019", "TOTAL_WORKERS_H-2A_CERTIFIED"),
    "H-2B_Disclosure_Data_FY15_Q4.xlsx": ("H-2B", 2015, "icert-2015", "NBR_WORKERS_CERTIFIED"),
    "H-2B_Disclosure_Data_FY17.xlsx": ("H-2B", 2017, "icert-2015", "NBR_WORKERS_CERTIFIED"),
    "H-2B_FY14_Q4.xlsx": ("H-2B", 2014, None, "NBR_WORKERS_CERTIFIED"),
    "H-2B_FY2000.csv": ("H-2B", 2000, "legacy-h2b-csv", None),
    "H-2B_FY2003.csv": ("H-2B", 2003, "legacy-h2b-csv", None),
    "H-2B_FY2008.xlsx": ("H-2B", 2008, "nbr-2007", "NBR_WORKERS_CERTIFIED"),
    "H-2B_FY2011.xlsx": ("H-2B", 2011, "nbr-2007", "NBR_WORKERS_CERTIFIED"),
    "H-2B_FY2013.xls": ("H-2B", 2013, "nbr-2007", "NBR_WORKERS_CERTIFIED"),
    "H2A_FY2008.xlsx": ("H-2A", 2008, "nbr-2007", "NBR_WORKERS_CERTIFIED"),
    "H2A_FY2013.xls": ("H-2A", 2013, "nbr-2007", "NBR_WORKERS_CERTIFIED"),
    "H2B_Disclosure_Data_FY2021_Q1.xlsx": ("H-2B", 2021, "form-2019", "TOTAL_WORKERS_CERTIFIED"),
    "H2a_FY2006.csv": ("H-2A", 2006, "legacy-h2a-csv", "Nbr_Workers_Certified"),
}


def _raw(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    return pd.read_excel(path, engine="calamine", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def real(dol_dir):
    return {name: (dol.read_disclosure(dol_dir / name), _raw(dol_dir / name)) for name in REAL
            if (dol_dir / name).exists()}


@pytest.mark.realdata
@pytest.mark.parametrize("name", sorted(REAL))
def test_real_file_matches_independent_raw_sums(real, name):
    if name not in real:
        pytest.skip(f"{name} not in the shared folder")
    df, raw = real[name]
    program, fy, layout, col = REAL[name]
    acc = df.attrs["accounting"]
    assert list(df.columns[: len(schema.CASE_COLUMNS)]) == list(schema.CASE_COLUMNS)
    assert (df["program"] == program).all() and (df["fiscal_year"] == fy).all()
    if layout:
        assert acc["layout"] == layout
    # every row read is accounted for
    assert acc["rows_read"] == len(raw)
    assert acc["rows_read"] == acc["rows_kept"] + sum(acc["rows_dropped"].values())
    assert len(df) == acc["rows_kept"]
    # worker totals against a sum computed here, from the raw column by name
    if col is not None:
        raw_total = pd.to_numeric(raw[col].str.replace(",", ""), errors="coerce").sum()
        assert acc["workers_certified_raw"] == raw_total
        assert int(df["workers_certified"].sum()) + acc.get("workers_certified_in_dropped_rows", 0) == raw_total
    else:  # FY2000-2006 H-2B: Num_Aliens of certified cases
        status = raw["Last_Sig_Event"].str.upper()
        certified = status.str.contains("CERTIF") & ~status.str.contains("PARTIAL|WITHDRAWN|DENIED")
        assert df["workers_certified"].sum() == pd.to_numeric(raw.loc[certified, "Num_Aliens"]).sum()
        assert df["workers_requested"].sum() == pd.to_numeric(raw["Num_Aliens"]).sum()
    assert df["case_status"].dropna().isin(schema.CASE_STATUSES).all()
    soc = df["soc_code"].dropna()
    assert soc.str.fullmatch(r"\d{2}-\d{4}").all()
    states = df["worksite_state"].dropna()
    assert states.str.fullmatch(r"[A-Z]{2}").all()
    assert df["source_row"].min() >= 2 and (df["source_file"] == name).all()


@pytest.mark.realdata
def test_master_sub_rows_flagged_once(real):
    if "H-2A_Disclosure_Data_FY17.xlsx" not in real:
        pytest.skip("FY2017 H-2A file absent")
    df, raw = real["H-2A_Disclosure_Data_FY17.xlsx"]
    assert df["is_duplicate"].sum() >= (raw["PRIMARY/SUB"] == "SUB").sum()
    primaries = df[~df["is_duplicate"]]
    assert primaries["case_number"].is_unique


@pytest.mark.realdata
def test_companion_files(dol_dir):
    rec = dol.read_recruiters(dol_dir / "H2B_Appendix_C_FY2021_Q1.xlsx")
    raw = _raw(dol_dir / "H2B_Appendix_C_FY2021_Q1.xlsx")
    assert len(rec) == len(raw) and rec.attrs["accounting"]["rows_read"] == len(raw)
    assert {"case_number", "recruiter_name", "recruiter_country"} <= set(rec.columns)
    assert not any("FIRST_NAME" in c.upper() or "LAST_NAME" in c.upper() for c in rec.columns)
    ws = dol.read_worksites(dol_dir / "H-2A_Addendum_B_Employment_Record_FY2022_Q1.xlsx")
    assert ws["workers"].sum() == pd.to_numeric(
        _raw(dol_dir / "H-2A_Addendum_B_Employment_Record_FY2022_Q1.xlsx")["TOTAL_WORKERS"]).sum()
    kind, table = dol.read_any(dol_dir / "H-2A_Addendum_B_Housing_FY2022_Q1.xlsx")
    assert kind == "housing" and "occupancy" in table


# ---------------------------------------------------------------------------- fixtures by era
ERA_HEADERS = {
    "icert-2015": ["CASE_NUMBER", "DECISION_DATE", "VISA_CLASS", "CASE_STATUS", "EMPLOYER_NAME", "EMPLOYER_STATE",
                   "SOC_CODE", "NBR_WORKERS_REQUESTED", "NBR_WORKERS_CERTIFIED", "BASIC_RATE_OF_PAY",
                   "BASIC_UNIT_OF_PAY", "WORKSITE_STATE", "EMP_EXP_NUM_MONTHS", "SWA_NAME", "JOB_IDNUMBER"],
    "form-2019": ["CASE_NUMBER", "CASE_STATUS", "DECISION_DATE", "TYPE_OF_EMPLOYER_APPLICATION", "EMPLOYER_NAME",
                  "EMPLOYER_STATE", "SOC_CODE", "TOTAL_WORKERS_H-2A_REQUESTED", "TOTAL_WORKERS_H-2A_CERTIFIED",
                  "WAGE_OFFER", "PER", "WORKSITE_STATE", "SPECIAL_REQUIREMENTS"],
    "nbr-2007": ["CASE_NO", "DECISION_DATE", "NPC_SUBMITTED_DATE", "CASE_STATUS", "ALIEN_WORK_STATE", "EMPLOYER_NAME",
                 "EMPLOYER_STATE", "NBR_WORKERS_CERTIFIED", "PREVIALING_WAGE", "BASIC_RATE_OF_PAY", "BASIC_UNIT_OF_PAY"],
}
ROWS = {
    "icert-2015": [["H-400-15001-1", "2015-03-01", "H-2B", "Certification", "A LLC", "TX", "37-3011.00", "10", "8",
                    "12.5", "Hour", "TX", "3", "TX", "1"],
                   ["H-400-15001-2", "2015-04-01", "H-2B", "Denied", "B Inc", "LA", "51-3022", "5", "0", "500",
                    "Week", "Louisiana", "", "LA", "2"]],
    "form-2019": [["H-300-20001-1", "Determination Issued - Partial Certification", "2020-05-01",
                   "Association - Agent", "C Farms", "GA", "452092", "40", "30", "11.71", "Hour", "GA",
                   "Male workers only"],
                  ["H-300-20001-2", "Determination Issued - Certification (Expired)", "2020-06-01",
                   "Individual Employer", "D Farms", "FL", "45-2092.02", "12", "12", "2200", "Month", "FL", ""]],
    "nbr-2007": [["C-1", "2008-01-01", "2007-12-01", "PARTIAL CERTIFIED", "NC", "E Co", "NC", "7", "9.1", "9.5", "HR"],
                 ["C-2", "2008-02-01", "2007-12-01", "CERTIFIED", "VA", "F Co", "VA", "3", "9.1", "380", "WK"]],
}


def _write(path: Path, headers, rows):
    df = pd.DataFrame(rows, columns=headers)
    if path.suffix == ".csv":
        df.to_csv(path, index=False)
    else:
        df.to_excel(path, index=False)
    return path


@pytest.mark.parametrize("era", sorted(ERA_HEADERS))
def test_era_fixtures(tmp_path, era):
    program = "H-2A" if era == "form-2019" else "H-2B"
    fy = {"icert-2015": 2015, "form-2019": 2020, "nbr-2007": 2008}[era]  # the rows' decision dates
    path = _write(tmp_path / f"{program}_Disclosure_Data_FY{fy}.xlsx", ERA_HEADERS[era], ROWS[era])
    df = dol.read_disclosure(path)
    assert df.attrs["accounting"]["layout"] == era
    assert df.attrs["accounting"]["rows_kept"] == 2
    if era == "icert-2015":
        assert list(df["soc_code"]) == ["37-3011", "51-3022"]
        assert list(df["case_status"]) == ["certified", "denied"]
        assert list(df["worksite_state"]) == ["TX", "LA"]  # full state name mapped
        assert df["wage_hourly"].tolist() == pytest.approx([12.5, 500 / 40])
        assert df["experience_months"].iloc[0] == 3
    if era == "form-2019":
        assert list(df["soc_code"]) == ["45-2092", "45-2092"]
        assert list(df["case_status"]) == ["partially certified", "certified"]
        assert list(df["application_type"]) == ["association", "individual"]
        assert df["wage_hourly"].iloc[1] == pytest.approx(2200 / (40 * 52 / 12))
        assert df["requirements_text"].iloc[0] == "Male workers only"
        assert df["workers_requested"].sum() == 52
    if era == "nbr-2007":
        assert df["soc_code"].isna().all()  # this era has no SOC codes: NA, never invented
        assert list(df["case_status"]) == ["partially certified", "certified"]


def test_blank_tail_rows_are_dropped_and_counted(tmp_path):
    rows = ROWS["icert-2015"] + [[" "] * len(ERA_HEADERS["icert-2015"])] * 500  # whitespace-only tail
    path = _write(tmp_path / "H-2B_FY2015.xlsx", ERA_HEADERS["icert-2015"], rows)
    df = dol.read_disclosure(path)
    acc = df.attrs["accounting"]
    assert acc["rows_read"] == 502 and acc["rows_kept"] == 2 and acc["rows_dropped"] == {"blank_row": 500}


def test_cp1252_csv(tmp_path):
    path = tmp_path / "H2a_FY2006.csv"
    text = ("Case_Number,Employer_Name,Employer_State,Job_Title,Nbr_Workers_Requsted,Nbr_Workers_Certified,"
            "Basic_Nbr_Hours,Basic_Rate_of_Pay,Wage_Rate_Per,Case_Status\n"
            "A-1,Cañada Farms,NM,Farmworker,4,4,40,8.5,Hourly,Certified - Full\n")
    path.write_bytes(text.encode("cp1252"))
    df = dol.read_disclosure(path)
    assert df["employer_name"].iloc[0] == "Cañada Farms"
    assert df.attrs["accounting"]["encoding"] == "cp1252"


def test_unknown_layout_names_file_fields_and_closest_era(tmp_path):
    path = _write(tmp_path / "H-2B_FY2030.csv", ["CASE_NUMBER", "CASE_STATUS", "EMPLOYER_NAME", "HEADCOUNT"],
                  [["X-1", "Certified", "G", "3"]])
    with pytest.raises(SchemaError) as err:
        dol.read_disclosure(path)
    msg = str(err.value)
    assert "H-2B_FY2030.csv" in msg and "workers_certified" in msg and "closest layout" in msg


def test_non_numeric_counts_name_rows(tmp_path):
    rows = [r.copy() for r in ROWS["icert-2015"]]
    rows[1][8] = "eight"
    path = _write(tmp_path / "H-2B_FY2015.csv", ERA_HEADERS["icert-2015"], rows)
    with pytest.raises(DataValidationError, match=r"NBR_WORKERS_CERTIFIED.*'eight'.*rows \[3\]"):
        dol.read_disclosure(path)


def test_header_only_truncated_and_wrong_sheet(tmp_path):
    header_only = _write(tmp_path / "H-2B_FY2015.xlsx", ERA_HEADERS["icert-2015"], [])
    df = dol.read_disclosure(header_only)
    assert len(df) == 0 and df.attrs["accounting"]["rows_read"] == 0
    good = _write(tmp_path / "H-2B_FY2016.xlsx", ERA_HEADERS["icert-2015"], ROWS["icert-2015"])
    truncated = tmp_path / "H-2B_FY2017.xlsx"
    truncated.write_bytes(good.read_bytes()[:600])
    with pytest.raises(SchemaError, match="H-2B_FY2017.xlsx: cannot open"):
        dol.read_disclosure(truncated)
    with pytest.raises(SchemaError, match="no sheet named 'Cases'"):
        dol.read_disclosure(good, sheet="Cases")
    assert zipfile.is_zipfile(good)


def test_program_and_year_inference_and_conflicts(tmp_path):
    path = _write(tmp_path / "disclosure.xlsx", ERA_HEADERS["icert-2015"], ROWS["icert-2015"])
    df = dol.read_disclosure(path)  # VISA_CLASS says H-2B; decision dates say FY2015
    assert df["program"].iloc[0] == "H-2B" and df["fiscal_year"].iloc[0] == 2015
    with pytest.raises(DataValidationError, match="program='H-2A' given"):
        dol.read_disclosure(path, program="H-2A")


def test_duplicate_cases_across_files_and_quarters(tmp_path):
    a = _write(tmp_path / "H-2B_FY2015_Q2.xlsx", ERA_HEADERS["icert-2015"], ROWS["icert-2015"])
    b = _write(tmp_path / "H-2B_FY2015_Q4.xlsx", ERA_HEADERS["icert-2015"], ROWS["icert-2015"][:1])
    # the FY2016 file repeats a case decided in FY2015 (kept in the file's year, and counted)
    later = [[f"H-400-16001-{i}", date, *ROWS["icert-2015"][0][2:]] for i, date in ((1, "2015-11-01"), (2, "2016-02-01"))]
    c = _write(tmp_path / "H-2B_FY2016.xlsx", ERA_HEADERS["icert-2015"], ROWS["icert-2015"][:1] + later)
    assert [p.name for p in releases.latest_per_year([a, b, c])] == ["H-2B_FY2015_Q4.xlsx", "H-2B_FY2016.xlsx"]
    c_df = dol.read_disclosure(c, fiscal_year=2016)
    assert (c_df["fiscal_year"] == 2016).all() and c_df.attrs["accounting"]["rows_decided_outside_fiscal_year"] == 1
    both = pd.concat([dol.read_disclosure(b), c_df], ignore_index=True)
    out = store.deduplicate_cases(both)
    assert out["case_number"].is_unique and out.attrs["accounting"]["dropped_in_other_file"] == 1
    # exact repeated rows in one file are kept and flagged, never summed twice
    d = _write(tmp_path / "H-2B_FY2015_all.xlsx", ERA_HEADERS["icert-2015"],
               ROWS["icert-2015"] + ROWS["icert-2015"][:1])
    df = dol.read_disclosure(d)
    assert len(df) == 3 and df["is_duplicate"].tolist() == [False, False, True]
    assert df.loc[~df["is_duplicate"], "workers_certified"].sum() == 8


def test_normalizers():
    s = pd.Series(["45-2092", "45-2092.02", "452092", "45-2092.00", "189.117-030", None, "45-209"])
    assert dol.normalize_soc(s).tolist()[:4] == ["45-2092"] * 4
    assert dol.normalize_soc(s).isna().tolist()[4:] == [True, True, True]
    units = pd.Series(["HR", "Hour", "MTH", "Bi-Weekly", "A", "Piece Rate", "Select Pay Range", "DAI", "WK"])
    assert dol.normalize_wage_unit(units).tolist() == ["hour", "hour", "month", "bi-weekly", "year", "piece",
                                                      pd.NA, "day", "week"]
    st = pd.Series(["Certified - Full", "DETERMINATION ISSUED - PARTIAL CERTIFICATION EXPIRED", "Denied, Temporary",
                    "Withdrawn", "Determination Issued - Rejected", "Received Regional Office", "CERTIFIED"])
    assert dol.normalize_status(st).tolist() == ["certified", "partially certified", "denied", "withdrawn",
                                                 "denied", "other", "certified"]
    assert re.fullmatch(r"[0-9a-f]{64}", dol.sha256_file(__file__))


@pytest.mark.realdata
def test_every_shared_file_is_read_and_accounted(dol_dir):
    # every file in the folder, whatever its kind: nothing unread, nothing silently dropped
    for path in sorted(dol_dir.iterdir()):
        kind, table = dol.read_any(path)
        acc = table.attrs["accounting"]
        assert acc["rows_read"] == acc["rows_kept"] + sum(acc["rows_dropped"].values()), path.name
        assert len(table) == acc["rows_kept"]
        assert kind in {"cases", "recruiters", "worksites", "housing", "crops", "employer_clients"}
        if kind != "cases":
            assert not [c for c in table.columns if re.search(r"EMAIL|PHONE|FIRST_NAME|LAST_NAME", c.upper())]


def test_employer_fein_is_read_as_nine_digits_and_identifies_the_employer(tmp_path):
    # OFLC's EMPLOYER_FEIN header (PERM/LCA since FY2020) in a 2019-form H-2A file: two spellings of one
    # employer share a FEIN (one identity); a FEIN that lost its leading zero in a numeric cell gets it
    # back; a value that is no FEIN becomes NA and is counted
    from toolkit import employers

    headers = ERA_HEADERS["form-2019"] + ["EMPLOYER_FEIN"]
    rows = [ROWS["form-2019"][0] + ["12-3456789"], ROWS["form-2019"][1] + ["123456789"],
            [*ROWS["form-2019"][1][:4], "Other Farms", *ROWS["form-2019"][1][5:], "1234567"],
            [*ROWS["form-2019"][1][:4], "Zero Farms", *ROWS["form-2019"][1][5:], "12345678"]]
    rows = [[f"H-300-20001-{i}", *r[1:]] for i, r in enumerate(rows, 1)]
    df = dol.read_disclosure(_write(tmp_path / "H-2A_Disclosure_Data_FY2020.xlsx", headers, rows))
    assert df["employer_fein"].tolist() == ["123456789", "123456789", pd.NA, "012345678"]
    assert df.attrs["accounting"]["notes"]["employer_fein_unparsed"] == 1
    match = employers.match_employers(df)
    assert match.ids.tolist() == ["F:123456789", "F:123456789", "N:OTHER FARMS|FL", "F:012345678"]
    assert match.identities.set_index("employer_id").loc["F:123456789", "spellings"] == 2


@pytest.mark.realdata
def test_no_shared_file_has_a_fein_column(dol_dir):
    # the documented state of the archive (toolkit.dol_layouts.FEIN_HEADERS): employer identities on the
    # shared files rest on name + state; a new file with a FEIN column would be read (test above)
    from toolkit.dol_layouts import FEIN_HEADERS

    for path in sorted(dol_dir.iterdir()):
        head = (pd.read_csv(path, nrows=0, encoding="latin-1") if path.suffix == ".csv"
                else pd.read_excel(path, engine="calamine", nrows=0))
        headers = {dol.normalize_header(c) for c in head.columns}
        assert not headers & set(FEIN_HEADERS), f"{path.name} has a FEIN column: update the docs of dol_layouts"


# ---------------------------------------------------------------------------- hostile cells and names
def _icert(tmp_path, name, change=None, rows=None):
    rows = [r.copy() for r in (rows or ROWS["icert-2015"])]
    for (i, j), v in (change or {}).items():
        rows[i][j] = v
    return _write(tmp_path / name, ERA_HEADERS["icert-2015"], rows)


@pytest.mark.parametrize(("value", "reason"), [
    ("99999999999999999999", "over 66,000"), ("66001", "over 66,000"), ("-3", "negative"),
    ("2.5", "not a whole number"), ("1,5", "a decimal comma"), ("=A1+1", "not a number"), ("eight", "not a number")])
def test_counts_out_of_bounds_are_errors_naming_file_column_row_and_reason(tmp_path, value, reason):
    path = _icert(tmp_path, "H-2B_FY2015.csv", {(1, 8): value})
    with pytest.raises(DataValidationError) as err:
        dol.read_disclosure(path)
    msg = str(err.value)
    assert "H-2B_FY2015.csv" in msg and "NBR_WORKERS_CERTIFIED" in msg and reason in msg and "rows [3]" in msg, msg
    assert repr(value) in msg


def test_thousands_are_read_and_a_decimal_comma_never_becomes_a_bigger_number(tmp_path):
    path = _icert(tmp_path, "H-2B_FY2015.csv", {(0, 7): "1,234", (0, 8): "1,200", (0, 9): "1,5", (1, 9): "$1,234.50",
                                                (1, 12): "1,5"})
    df = dol.read_disclosure(path)
    acc = df.attrs["accounting"]
    assert df["workers_requested"].tolist() == [1234, 5] and df["workers_certified"].tolist() == [1200, 0]
    assert pd.isna(df["wage_offer"].iloc[0]) and df["wage_offer"].iloc[1] == 1234.5  # "1,5" is not 15
    assert pd.isna(df["experience_months"].iloc[1])
    assert acc["cells_coerced"] == {"wage_offer: decimal comma (emptied)": 1,
                                    "experience_months: decimal comma (emptied)": 1}


def test_error_values_formulas_and_bad_dates_are_emptied_and_counted(tmp_path):
    import openpyxl

    # csv: an error value written as text, a formula as text in a number column, a date that is none
    path = _icert(tmp_path, "H-2B_FY2015.csv", {(0, 4): "#REF!", (0, 9): "=B2*2", (1, 1): "2015-13-45"},
                  rows=ROWS["icert-2015"] + [ROWS["icert-2015"][0]])
    df = dol.read_disclosure(path)
    acc = df.attrs["accounting"]
    assert acc["cells_coerced"] == {"EMPLOYER_NAME: error value #REF! (emptied)": 1,
                                    "wage_offer: not a number (emptied)": 1,
                                    "decision_date: not a date (emptied)": 1}
    assert pd.isna(df["employer_name"].iloc[0]) and pd.isna(df["decision_date"].iloc[1])
    assert acc["rows_read"] == acc["rows_kept"] + sum(acc["rows_dropped"].values()) == 3
    # xlsx: a stored error cell and a formula without a stored result (calamine reads both as empty)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(ERA_HEADERS["icert-2015"])
    for r in ROWS["icert-2015"]:
        ws.append(r)
    ws["E2"] = "#N/A"      # openpyxl stores this as an error cell (t="e")
    ws["J3"] = "=J2*2"     # a formula without a cached value
    xlsx = tmp_path / "H-2B_FY2015.xlsx"
    wb.save(xlsx)
    acc = dol.read_disclosure(xlsx).attrs["accounting"]
    assert acc["cells_coerced"] == {"EMPLOYER_NAME: error cell (emptied)": 1,
                                    "BASIC_RATE_OF_PAY: formula without a stored result (emptied)": 1}


def test_the_rows_decide_program_and_year_and_a_disagreeing_name_is_reported(tmp_path):
    df = dol.read_disclosure(_icert(tmp_path, "H-2A_FY2015.xlsx"))
    acc = df.attrs["accounting"]
    assert (df["program"] == "H-2B").all() and acc["program"] == "H-2B"
    assert acc["name_disagrees"]["program"].startswith(
        "H-2A_FY2015.xlsx: the file name says program H-2A, but the rows say H-2B (column VISA_CLASS")
    assert "rename" not in acc["name_disagrees"]["program"]
    df = dol.read_disclosure(_icert(tmp_path, "H-2B_FY2019.xlsx"))
    assert (df["fiscal_year"] == 2015).all()
    assert list(df.attrs["accounting"]["name_disagrees"]) == ["fiscal year"]
    with pytest.raises(DataValidationError, match="fiscal_year=2016 given, but the decision dates say FY2015"):
        dol.read_disclosure(_icert(tmp_path, "cases.xlsx"), fiscal_year=2016)
    # October decisions belong to the next federal fiscal year
    df = dol.read_disclosure(_icert(tmp_path, "H-2B_FY2016.xlsx", {(0, 1): "2015-10-01", (1, 1): "2016-09-30"}))
    acc = df.attrs["accounting"]
    assert (df["fiscal_year"] == 2016).all() and acc["fiscal_year_from"] == "decision dates"
    assert acc["program_from"] == "rows" and acc["rows_decided_outside_fiscal_year"] == 0
    # a row decided outside the modal year is kept, in the file's year, and counted
    rows = ROWS["icert-2015"] + [ROWS["icert-2015"][0][:1] + ["2014-09-30"] + ROWS["icert-2015"][0][2:]]
    df = dol.read_disclosure(_icert(tmp_path, "H-2B_FY2015_b.xlsx", rows=rows))
    assert len(df) == 3 and (df["fiscal_year"] == 2015).all()
    assert df.attrs["accounting"]["rows_decided_outside_fiscal_year"] == 1
    # 2019 forms without a visa class: the case-number prefix decides, else H-2A-only headers
    form = _write(tmp_path / "H-2B_Disclosure_Data_FY2020.xlsx", ERA_HEADERS["form-2019"], ROWS["form-2019"])
    assert "2 of 2 case numbers in CASE_NUMBER start H-300- (H-2A)" in \
        dol.read_disclosure(form).attrs["accounting"]["name_disagrees"]["program"]
    rows = [["C-1234-5678", *r[1:]] for r in ROWS["form-2019"]]
    form = _write(tmp_path / "H-2B_Disclosure_Data_FY2020.xlsx", ERA_HEADERS["form-2019"], rows)
    assert "H-2A-only columns TOTAL_WORKERS_H_2A_CERTIFIED" in \
        dol.read_disclosure(form).attrs["accounting"]["name_disagrees"]["program"]


# what the content says about each real file: (program from, fiscal year from, cells emptied)
REAL_CONTENT = {
    "H-2A_FY2020_Q3_extract.xlsx": ("rows", "decision dates", {"FREQUENCY_OF_PAY: error cell (emptied)": 624,
                                                               "ADDITIONAL_JOB_REQUIREMENTS: error cell (emptied)": 1}),
    "H-2A_Disclosure_Data_FY2022_Q1.xlsx": ("rows", "decision dates", {
        "SPECIAL_REQUIREMENTS: error cell (emptied)": 1,
        "ATTORNEY_AGENT_POSTAL_CODE: formula without a stored result (emptied)": 261}),
    "H-2B_FY2008.xlsx": ("file name", "decision dates", {}),  # nbr-2007 H-2B: no column tells the program
    "H2B_Disclosure_Data_FY2021_Q1.xlsx": ("rows", "decision dates", {}),
    "H2a_FY2006.csv": ("rows", "file name", {"employer_state_unrecognized (emptied)": 62}),  # no decision dates
}


@pytest.mark.realdata
@pytest.mark.parametrize("name", sorted(REAL))
def test_real_files_keep_their_program_and_year_from_the_content(real, name):
    # every archived file: the content agrees with the name (else reading it would have raised),
    # and no case was decided outside the file's fiscal year (checked on 2026-12-01)
    if name not in real:
        pytest.skip(f"{name} not in the shared folder")
    acc = real[name][0].attrs["accounting"]
    assert (acc["program"], acc["fiscal_year"]) == REAL[name][:2]
    assert acc["rows_decided_outside_fiscal_year"] == 0
    if name in REAL_CONTENT:
        program_from, fy_from, coerced = REAL_CONTENT[name]
        assert (acc["program_from"], acc["fiscal_year_from"]) == (program_from, fy_from)
        assert {k: v for k, v in acc["cells_coerced"].items() if "unrecognized" not in k or "state" in k} == coerced
    else:
        assert (acc["program_from"], acc["fiscal_year_from"]) == ("rows", "decision dates")


@pytest.mark.realdata
def test_a_real_file_under_a_wrong_name_is_read_by_its_rows_and_the_name_reported(dol_dir, tmp_path):
    import shutil

    for real_name, wrong, says, what in (
            ("H2B_Disclosure_Data_FY2021_Q1.xlsx", "H-2A_Disclosure_Data_FY2021_Q1.xlsx",
             "program H-2A, but the rows say H-2B", ("program", "H-2B")),
            ("H-2B_FY2011.xlsx", "H-2B_FY2019.xlsx", "fiscal year 2019, but the rows say 2011", ("fiscal_year", 2011))):
        shutil.copy(dol_dir / real_name, tmp_path / wrong)
        df = dol.read_disclosure(tmp_path / wrong)
        assert (df[what[0]] == what[1]).all()
        (sentence,) = df.attrs["accounting"]["name_disagrees"].values()
        assert sentence.startswith(f"{wrong}: the file name says {says}")


# ------------------------------------------------------------------ content decides (issue 23)
#: what the rows of each real file say, checked by reading them (2026-12-07): program, fiscal year,
#: first and last month with a decision inside that year, where the months came from
REAL_COVERAGE = {
    "H-2A_Disclosure_Data_FY15_Q4.xlsx": ("H-2A", 2015, "2014-10", "2015-09", "rows"),
    "H-2A_Disclosure_Data_FY17.xlsx": ("H-2A", 2017, "2016-10", "2017-09", "rows"),
    "H-2A_Disclosure_Data_FY2022_Q1.xlsx": ("H-2A", 2022, "2021-10", "2021-12", "rows"),
    "H-2A_FY14_Q4.xlsx": ("H-2A", 2014, "2013-10", "2014-09", "rows"),
    "H-2A_FY2020_Q3_extract.xlsx": ("H-2A", 2020, "2019-10", "2020-06", "rows"),
    "H-2B_Disclosure_Data_FY15_Q4.xlsx": ("H-2B", 2015, "2014-10", "2015-09", "rows"),
    "H-2B_Disclosure_Data_FY17.xlsx": ("H-2B", 2017, "2016-10", "2017-09", "rows"),
    "H-2B_FY14_Q4.xlsx": ("H-2B", 2014, "2013-10", "2014-09", "rows"),
    "H-2B_FY2000.csv": ("H-2B", 2000, "1999-10", "2000-09", "rows"),
    "H-2B_FY2003.csv": ("H-2B", 2003, "2002-10", "2003-09", "rows"),
    "H-2B_FY2008.xlsx": ("H-2B", 2008, "2007-10", "2008-09", "rows"),
    "H-2B_FY2011.xlsx": ("H-2B", 2011, "2010-10", "2011-09", "rows"),
    "H-2B_FY2013.xls": ("H-2B", 2013, "2012-10", "2013-09", "rows"),
    "H2A_FY2008.xlsx": ("H-2A", 2008, "2007-10", "2008-09", "rows"),
    "H2A_FY2013.xls": ("H-2A", 2013, "2012-10", "2013-09", "rows"),
    "H2B_Disclosure_Data_FY2021_Q1.xlsx": ("H-2B", 2021, "2020-10", "2020-12", "rows"),
    "H2a_FY2006.csv": ("H-2A", 2006, "2005-10", "2006-09", "file name"),  # no decision date in the layout
}


@pytest.mark.realdata
def test_every_real_file_reads_with_its_program_fiscal_year_and_covered_months(real):
    from toolkit import coverage

    assert set(REAL_COVERAGE) == set(REAL)
    missing = sorted(set(REAL) - set(real))
    if missing:
        pytest.skip(f"not in the shared folder: {missing}")
    got = {}
    for name, (df, _) in real.items():
        cov = coverage.coverage_table(df, catalog=pd.DataFrame())
        assert len(cov) == 1 and not cov.loc[0, "name_conflict"], name
        row = cov.iloc[0]
        got[name] = (row["program"], int(row["fiscal_year"]), row["first_month"], row["last_month"], row["months_from"])
        assert row["partial"] == (row["months"] < 12) == (name in ("H-2A_Disclosure_Data_FY2022_Q1.xlsx",
                                                                   "H-2A_FY2020_Q3_extract.xlsx",
                                                                   "H2B_Disclosure_Data_FY2021_Q1.xlsx")), name
        assert df.attrs["accounting"]["name_disagrees"] == {}, name
    assert got == REAL_COVERAGE


def _shift_dates(raw: pd.DataFrame, columns, years: int) -> pd.DataFrame:
    out = raw.copy()
    for c in columns:
        d = pd.to_datetime(out[c].replace("", pd.NA), errors="coerce", format="mixed") + pd.DateOffset(years=years)
        out[c] = d.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")
    return out


#: the H-2B FY2018 end-of-year layout (59 columns, one sheet H2B_FY2018), as issue 23 lists it; it
#: is the FY2017 layout column for column under other names
H2B_FY2018_HEADER = (
    "CASE_NUMBER, DECISION_DATE, VISA_TYPE, SUBMITTED_DATE, CASE_STATUS, CERTIFICATION_BEGIN_DATE, "
    "CERTIFICATION_END_DATE, EMPLOYER_NAME, TRADE_NAME_DBA, EMPLOYER_ADDRESS_1, EMPLOYER_ADDRESS_2, EMPLOYER_CITY, "
    "EMPLOYER_STATE, EMPLOYER_POSTAL_CODE, EMPLOYER_COUNTRY, EMPLOYER_PROVINCE, EMPLOYER_PHONE, EMPLOYER_PHONE_EXT, "
    "AGENT_POC_EMPLOYER_REP_BY_AGENT, LAWFIRM_NAME, AGENT_ATTORNEY_NAME, AGENT_ATTORNEY_CITY, AGENT_ATTORNEY_STATE, "
    "JOB_TITLE, SOC_CODE, SOC_TITLE, NAICS_CODE, NBR_WORKERS_REQUESTED, NBR_WORKERS_CERTIFIED, FULL_TIME_POSITION, "
    "NATURE_OF_TEMPORARY_NEED, NUMBER_OF_HOURS, HOURLY_WORK_SCHEDULE_AM, HOURLY_WORK_SCHEDULE_PM, BASIC_RATE_OF_PAY, "
    "OVERTIME_RATE_FROM, OVERTIME_RATE_TO, PAY_RANGE_UNIT, SUPERVISE_OTHER_EMP, SUPERVISE_HOW_MANY, EDUCATION_LEVEL, "
    "OTHER_EDUCATION, MAJOR, SECOND_DIPLOMA, SECOND_DIPLOMA_MAJOR, TRAINING_REQUIRED, NUM_MONTHS_TRAINING, "
    "NAME_REQUIRED_TRAINING, EMP_EXPERIENCE_REQD, EMP_EXP_NUM_MONTHS, EMPLOYEE_WORKSITE_CITY, "
    "EMPLOYEE_WORKSITE_COUNTY, EMPLOYEE_WORK_STATE, EMPLOYEE_POSTAL_CODE, OTHER_WORKSITE_LOCATION, SWA_NAME, "
    "JOB_IDNUMBER, JOB_START_DATE, JOB_END_DATE").split(", ")


@pytest.mark.realdata
def test_an_h2b_fy2018_end_of_year_layout_reads_as_h2b_with_states_occupations_and_dates(real, tmp_path):
    import hostile_files

    if "H-2B_Disclosure_Data_FY17.xlsx" not in real:
        pytest.skip("H-2B_Disclosure_Data_FY17.xlsx not in the shared folder")
    raw = real["H-2B_Disclosure_Data_FY17.xlsx"][1]
    assert len(H2B_FY2018_HEADER) == len(raw.columns) == 59
    fy18 = _shift_dates(raw, ["DECISION_DATE"], 1)  # decisions of October 2017 - September 2018
    fy18.columns = H2B_FY2018_HEADER
    path = hostile_files.rows_xlsx(tmp_path / "H-2B_FY2018_EOY.xlsx", [H2B_FY2018_HEADER, *fy18.values.tolist()],
                                   sheet_name="H2B_FY2018")
    df = dol.read_disclosure(path)
    acc = df.attrs["accounting"]
    assert (acc["layout"], acc["program"], acc["fiscal_year"], acc["name_disagrees"]) == ("icert-2015", "H-2B", 2018, {})
    assert acc["program_from"] == "rows" and acc["fiscal_year_from"] == "decision dates"
    # every position of the source rows, with worksite state, occupation and decision date read
    expected = int(pd.to_numeric(raw["NBR_WORKERS_CERTIFIED"].replace("", "0")).sum())
    assert int(df["workers_certified"].sum()) == expected == 133_985 + int(
        df.loc[df["is_duplicate"].fillna(False).astype(bool), "workers_certified"].sum())
    assert df["worksite_state"].notna().mean() > 0.99 and df["soc_code"].notna().mean() > 0.99
    assert df["decision_date"].notna().all() and df["worksite_city"].notna().mean() > 0.99
    # the same file as an H-2A name: still H-2B, the name reported, never a rename advice
    renamed = path.rename(tmp_path / "H-2A_FY2018.xlsx")
    acc = dol.read_disclosure(renamed).attrs["accounting"]
    assert acc["program"] == "H-2B" and "VISA_TYPE says H-2B" in acc["name_disagrees"]["program"]


@pytest.mark.realdata
def test_a_half_year_file_named_as_a_whole_year_is_partial_and_recent_decision_date_is_read(real, tmp_path):
    import hostile_files

    from toolkit import coverage

    if "H-2A_Disclosure_Data_FY17.xlsx" not in real:
        pytest.skip("H-2A_Disclosure_Data_FY17.xlsx not in the shared folder")
    raw = real["H-2A_Disclosure_Data_FY17.xlsx"][1]
    half = raw[pd.to_datetime(raw["DECISION_DATE"], format="mixed") < "2017-04-01"]  # October - March
    half = _shift_dates(half, ["DECISION_DATE"], 1).rename(columns={"DECISION_DATE": "RECENT_DECISION_DATE"})
    path = hostile_files.rows_xlsx(tmp_path / "H-2A_FY2018.xlsx", [list(half.columns), *half.values.tolist()])
    df = dol.read_disclosure(path)
    acc = df.attrs["accounting"]
    assert acc["decision_date_column"] == "RECENT_DECISION_DATE" and df["decision_date"].notna().all()
    assert (acc["fiscal_year"], acc["fiscal_year_from"], len(df)) == (2018, "decision dates", len(half))
    cov = coverage.coverage_table(df, catalog=pd.DataFrame())
    assert cov.loc[0, ["release", "partial", "partial_by_rows", "first_month", "last_month", "months"]].tolist() == [
        "full year", True, True, "2017-10", "2018-03", 6]
    assert coverage.caveats(cov, "en")[0].startswith("H-2A FY2018: the decisions in H-2A_FY2018.xlsx run from "
                                                     "October 2017 to March 2018 only (6 of the 12 months")
