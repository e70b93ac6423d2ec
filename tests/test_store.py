"""toolkit.store: round trip, no-op re-ingest, replacement, partition filtering, atomicity."""
from __future__ import annotations

import pandas as pd
import pytest

from toolkit import schema, store, synth
from toolkit.errors import StoreError


def cases(program="H-2B", fy=2019, n=5, start=0):
    df = pd.DataFrame({
        "program": program, "fiscal_year": fy, "case_number": [f"C-{start + i}" for i in range(n)],
        "case_status": "certified", "is_certified": True, "workers_certified": list(range(1, n + 1)),
        "workers_requested": list(range(1, n + 1)), "is_duplicate": False, "soc_code": "37-3011",
        "wage_hourly": 12.5, "decision_date": pd.Timestamp("2019-03-01"), "source_file": "f.xlsx",
        "source_row": list(range(2, n + 2))})
    out = schema.conform(df, schema.CASE_COLUMNS)
    out.attrs["accounting"] = {"rows_read": n}
    return out


def test_round_trip_keeps_dtypes(tmp_path):
    df = cases()
    res = store.write_cases(df, source_sha256="a" * 64, source_file="f.xlsx", root=tmp_path)
    assert res == {"status": "added", "rows": 5, "partitions": ["H-2B 2019"]}
    back = store.read_cases(root=tmp_path)
    pd.testing.assert_frame_equal(back, df, check_like=False)
    assert store.manifest(tmp_path)["a" * 64]["workers_certified"] == 15


def test_same_source_is_a_noop_and_a_changed_file_is_refused_unless_replace(tmp_path):
    store.write_cases(cases(), source_sha256="a" * 64, source_file="f.xlsx", root=tmp_path)
    again = store.write_cases(cases(), source_sha256="a" * 64, source_file="f.xlsx", root=tmp_path)
    assert again["status"] == "unchanged"
    # a different file under a stored name: a clear error naming both versions, nothing changed
    with pytest.raises(StoreError, match=r"f\.xlsx: a different file.*aaaaaaaaaaaa.*bbbbbbbbbbbb.*--replace"):
        store.write_cases(cases(n=3), source_sha256="b" * 64, source_file="f.xlsx", root=tmp_path)
    assert len(store.read_cases(root=tmp_path)) == 5 and store.verify(tmp_path) == []
    changed = store.write_cases(cases(n=3), source_sha256="b" * 64, source_file="f.xlsx", root=tmp_path,
                                replace=True)
    assert changed["status"] == "replaced"
    assert len(store.read_cases(root=tmp_path)) == 3
    assert list(store.manifest(tmp_path)) == ["b" * 64]
    assert store.verify(tmp_path) == []  # the old partition was removed after the commit
    with pytest.raises(ValueError, match="replace must be True or False"):
        store.write_cases(cases(), source_sha256="c" * 64, source_file="g.xlsx", root=tmp_path, replace="yes")


def test_partition_filters(tmp_path):
    store.write_cases(cases("H-2A", 2019), source_sha256="a" * 64, source_file="a.xlsx", root=tmp_path)
    store.write_cases(cases("H-2B", 2020, start=10), source_sha256="b" * 64, source_file="b.xlsx", root=tmp_path)
    assert set(store.read_cases("H-2A", root=tmp_path)["program"]) == {"H-2A"}
    assert set(store.read_cases(fiscal_years=[2020], root=tmp_path)["fiscal_year"]) == {2020}
    with pytest.raises(StoreError, match="h2gender data ingest"):
        store.read_cases("H-2A", [2001], root=tmp_path)
    with pytest.raises(ValueError, match="program must be one of"):
        store.read_cases("H2A", root=tmp_path)


def test_interrupted_write_leaves_nothing(tmp_path, monkeypatch):
    def boom(self, *a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_parquet", boom)
    with pytest.raises(KeyboardInterrupt):
        store.write_cases(cases(), source_sha256="a" * 64, source_file="f.xlsx", root=tmp_path)
    assert not list(tmp_path.rglob("*.parquet")) and not list(tmp_path.rglob("*.part"))
    assert store.manifest(tmp_path) == {}


def test_synthetic_tables_are_refused(tmp_path):
    d = synth.generate(seed=0, scale=0.05)
    with pytest.raises(StoreError, match="synthetic"):
        store.write_cases(d.cases, source_sha256="c" * 64, source_file="s", root=tmp_path)


def test_companion_tables(tmp_path):
    rec = pd.DataFrame({"case_number": ["C-1"], "recruiter_name": ["R"], "recruiter_country": ["MEXICO"]})
    store.write_table("recruiters", rec, source_sha256="d" * 64, source_file="c.xlsx", root=tmp_path)
    pd.testing.assert_frame_equal(store.read_table("recruiters", root=tmp_path), rec)
    with pytest.raises(StoreError, match="no housing table"):
        store.read_table("housing", root=tmp_path)


def test_load_cases_keeps_the_latest_release_of_a_case(monkeypatch, tmp_path):
    from toolkit import releases

    monkeypatch.setenv("H2GENDER_DATA_DIR", str(tmp_path))
    q1 = cases(n=3).assign(source_file="H-2B_FY2019_Q1.xlsx")
    q4 = cases(n=5).assign(source_file="H-2B_FY2019_Q4.xlsx")
    store.write_cases(q1, source_sha256="a" * 64, source_file="H-2B_FY2019_Q1.xlsx")
    store.write_cases(q4, source_sha256="b" * 64, source_file="H-2B_FY2019_Q4.xlsx")
    both = store.load_cases("H-2B", [2019])
    assert len(both) == 5 and set(both["source_file"]) == {"H-2B_FY2019_Q4.xlsx"}
    assert both.attrs["accounting"]["dropped_in_other_file"] == 3
    assert len(store.load_cases("H-2B", [2019], deduplicate=False)) == 8


def test_summary_counts_each_case_once_and_accounts_for_every_row(tmp_path):
    q1 = cases(n=3).assign(source_file="H-2B_FY2019_Q1.xlsx")
    q4 = cases(n=5).assign(source_file="H-2B_FY2019_Q4.xlsx")
    q4.loc[4, "is_duplicate"] = True  # a sub application: a row, but its workers are not counted again
    h2a = cases(program="H-2A", fy=2020, n=2).assign(source_file="H-2A_FY2020.xlsx", is_certified=[True, False])
    for sha, df in zip("abc", (q1, q4, h2a)):
        store.write_cases(df, source_sha256=sha * 64, source_file=df["source_file"].iloc[0], root=tmp_path)
    got = store.summary(tmp_path).set_index("program")
    b, a = got.loc["H-2B"], got.loc["H-2A"]
    # H-2B 2019: five rows kept from Q4, three Q1 rows set aside, workers 1+2+3+4 (row 5 is a duplicate)
    assert (b["fiscal_year"], b["files"], b["rows"], b["rows_in_earlier_files"]) == (2019, 2, 5, 3)
    assert (b["certified_rows"], b["workers_certified"]) == (5, 10)
    assert (a["rows"], a["certified_rows"], a["workers_certified"], a["rows_in_earlier_files"]) == (2, 1, 3, 0)
    assert got["rows"].sum() + got["rows_in_earlier_files"].sum() == 10  # every stored row accounted for
    assert store.summary(tmp_path / "empty").empty


def test_a_full_year_file_wins_over_a_quarter_whatever_the_names(monkeypatch, tmp_path):
    # 'H-2B_...' sorts before 'H2B_...', so ordering by file name alone would keep the Q1 release
    from toolkit import releases

    monkeypatch.setenv("H2GENDER_DATA_DIR", str(tmp_path))
    q1 = cases(fy=2021, n=3).assign(source_file="H2B_Disclosure_Data_FY2021_Q1.xlsx")
    year = cases(fy=2021, n=5).assign(source_file="H-2B_Disclosure_Data_FY2021.xlsx")
    store.write_cases(q1, source_sha256="a" * 64, source_file=q1["source_file"].iloc[0])
    store.write_cases(year, source_sha256="b" * 64, source_file=year["source_file"].iloc[0])
    kept = store.load_cases("H-2B", [2021])
    assert set(kept["source_file"]) == {"H-2B_Disclosure_Data_FY2021.xlsx"} and len(kept) == 5
    assert [releases.release_from_name(n) for n in ("X_FY15_Q4.xlsx", "X_FY2021_Q1.xlsx", "X_FY2018_EOY.xlsx", "X_FY2019.xlsx")] == [
        "Q4", "Q1", "full year", "full year"]


def test_manifest_records_release_and_decision_coverage_per_partition(tmp_path):
    df = cases(n=3).assign(decision_date=pd.to_datetime(["2018-10-02", "2018-12-31", "2018-12-01"]))
    store.write_cases(df, source_sha256="a" * 64, source_file="H-2B_FY2019_Q1.xlsx", root=tmp_path)
    entry = store.manifest(tmp_path)["a" * 64]
    assert entry["release"] == "Q1" and entry["file_rows"] == {entry["files"][0]: 3}
    # October and December 2018: two calendar months with a decision
    assert entry["coverage"] == {"H-2B 2019": {"first_decision": "2018-10-02", "last_decision": "2018-12-31",
                                               "months_covered": 2}}


def test_readers_read_only_listed_files_and_name_a_bad_one(tmp_path):
    store.write_cases(cases(), source_sha256="a" * 64, source_file="f.xlsx", root=tmp_path)
    # an orphan left by an interrupted write is never read (nor double-counted)
    stray = tmp_path / "cases" / "program=H-2B" / "fiscal_year=2019" / ("e" * 64 + ".parquet")
    cases(n=2, start=100).to_parquet(stray, index=False)
    assert len(store.read_cases(root=tmp_path)) == 5 and store.summary(tmp_path)["rows"].sum() == 5
    assert [p["problem"] for p in store.verify(tmp_path)] == ["orphan"]
    rec = pd.DataFrame({"case_number": ["C-1"], "recruiter_name": ["R"]})
    store.write_table("recruiters", rec, source_sha256="d" * 64, source_file="c.xlsx", root=tmp_path)
    part = tmp_path / store.manifest(tmp_path)["d" * 64]["files"][0]
    part.write_bytes(b"not parquet")
    with pytest.raises(StoreError, match=f"{part.name}: cannot read this stored partition"):
        store.read_table("recruiters", root=tmp_path)
    with store.lock(tmp_path):  # re-entrant within a thread: a writer may read under its own lock
        assert len(store.read_cases(root=tmp_path)) == 5


def test_a_case_counts_in_one_fiscal_year_whatever_years_are_requested(tmp_path):
    # issue 23: H-2A FY2018 gave 112,214 positions alone and 112,208 with FY2019, because the
    # dedupe of cases across files ran on each load; the store now decides over every stored file
    fy18 = cases("H-2A", 2018, n=4).assign(source_file="H-2A_FY2018.xlsx")     # C-0 .. C-3
    fy19 = cases("H-2A", 2019, n=3, start=2).assign(source_file="H-2A_FY2019.xlsx")  # C-2 .. C-4
    for sha, df in zip("ab", (fy18, fy19)):
        store.write_cases(df, source_sha256=sha * 64, source_file=df["source_file"].iloc[0], root=tmp_path)
    alone = store.load_cases("H-2A", [2018], root=tmp_path)
    both = store.load_cases("H-2A", [2018, 2019], root=tmp_path)
    # C-2 and C-3 are counted in FY2019 (the later file), in both requests
    assert sorted(alone["case_number"]) == ["C-0", "C-1"] == sorted(both.loc[both["fiscal_year"] == 2018, "case_number"])
    assert alone["workers_certified"].sum() == both.loc[both["fiscal_year"] == 2018, "workers_certified"].sum() == 3
    assert alone.attrs["accounting"]["dropped_in_other_file"] == 2
    assert store.summary(tmp_path).set_index("fiscal_year").loc[2018, "workers_certified"] == 3
