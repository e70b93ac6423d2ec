"""toolkit.safeio: formula cells neutralised (OWASP) in every CSV/XLSX the toolkit writes."""
from __future__ import annotations

import doctest

import pandas as pd
import pytest

from toolkit import dol, safeio

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(1,2)",
           "\t=1+1", "\r=1+1", "=cmd|' /C notepad'!'A1'"]
HARMLESS = ["A-1 Farms", "Smith & Sons, LLC", "John's Landscaping", "100% Pure", "Ag=Co", " =spaced", "", "Año Farms"]


def test_hostile_text_is_quoted_and_harmless_text_numbers_and_missing_values_are_not():
    df = pd.DataFrame({"employer_name": pd.array(HOSTILE + HARMLESS[:1], dtype="string"),
                       "workers": list(range(-1, len(HOSTILE))),
                       "note": [None] * len(HOSTILE) + ["=x"]})
    out = safeio.neutralize(df)
    assert out["employer_name"].tolist() == ["'" + s for s in HOSTILE] + HARMLESS[:1]
    assert out["employer_name"].dtype == "string" and out["workers"].tolist() == df["workers"].tolist()
    assert out["note"].isna().sum() == len(HOSTILE) and out["note"].iloc[-1] == "'=x"
    assert [safeio.neutralize_value(s) for s in HARMLESS] == HARMLESS
    assert df["employer_name"].iloc[0] == HOSTILE[0]  # the input is not changed
    with pytest.raises(TypeError, match="expects a pandas DataFrame"):
        safeio.neutralize(["=1"])


def test_labels_and_categories_are_neutralised_too():
    df = pd.DataFrame({"=evil": pd.Categorical(["@x", "ok"])}, index=pd.Index(["+1", "row"], name="id"))
    out = safeio.neutralize(df)
    assert list(out.columns) == ["'=evil"] and list(out.index) == ["'+1", "row"]
    assert out["'=evil"].tolist() == ["'@x", "ok"]


def test_written_csv_and_xlsx_hold_no_formula(tmp_path):
    import openpyxl

    df = pd.DataFrame({"employer_name": HOSTILE, "workers": range(len(HOSTILE))})
    csv = safeio.write_csv(df, tmp_path / "out.csv", index=False)
    with open(csv, newline="", encoding="utf-8") as fh:  # the csv module, as spreadsheets read quoted CR
        back = [row[0] for row in list(__import__("csv").reader(fh))[1:]]
    assert back == ["'" + s for s in HOSTILE]  # every cell guarded, nothing else changed
    xlsx = safeio.write_xlsx(df, tmp_path / "out.xlsx", index=False)
    cells = [c for row in openpyxl.load_workbook(xlsx).active.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a cell was written as a formula"
    with pytest.raises(OSError, match="nowhere/out.csv: cannot write"):
        safeio.write_csv(df, tmp_path / "nowhere" / "out.csv")


def test_doctests():
    assert doctest.testmod(safeio, raise_on_error=False).failed == 0


@pytest.mark.realdata
def test_real_employer_names_are_kept_and_real_requirement_texts_starting_with_a_dash_are_quoted(dol_dir):
    # H-2A FY2020 Q3: 44 requirement texts start with "-" (a list); DOL's own export turned one into
    # #NAME? (counted by toolkit.dol). Employer names in the real files never start with a formula sign.
    df = dol.read_disclosure(dol_dir / "H-2A_FY2020_Q3_extract.xlsx")
    out = safeio.neutralize(df)
    names = df["employer_name"].dropna()
    assert (out["employer_name"].dropna() == names).all() and names.str.contains("-").any()
    dash = df["requirements_text"].str.startswith("-").fillna(False).astype(bool)
    assert dash.sum() == 44
    assert (out.loc[dash, "requirements_text"] == "'" + df.loc[dash, "requirements_text"]).all()
    assert (out.loc[~dash, "requirements_text"].dropna() == df.loc[~dash, "requirements_text"].dropna()).all()
