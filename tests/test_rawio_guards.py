"""Reader guards (issue 23): hostile workbooks built at test time are refused with one line naming
the file, in a subprocess whose peak memory stays under 1 GB; a multi-file ingest goes on past them."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import hostile_files as hostile
from toolkit import rawio
from toolkit.errors import SchemaError

ROOT = Path(__file__).resolve().parents[1]
ONE_GB_KB = 1 << 20  # VmHWM and ru_maxrss are in kilobytes on Linux

#: reads a file the way ingest does and prints {message, maxrss_kb} as JSON. The peak is the child's own
#: address space's high-water mark (VmHWM): Linux carries the parent's ru_maxrss across a vfork and exec, so
#: under pytest-xdist a worker that had grown to 1 GB made every child report 1 GB before reading a byte.
_CHILD = """
import json, re, resource, sys
from toolkit import dol
from toolkit.errors import ToolkitError
try:
    dol.read_any(sys.argv[1]); msg = None
except ToolkitError as exc:
    msg = str(exc)
try:
    with open("/proc/self/status") as fh:
        peak = int(re.search(r"^VmHWM:\\s+(\\d+) kB", fh.read(), re.M).group(1))
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"message": msg, "maxrss_kb": peak}))
"""


def _read_in_child(path: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, timeout=300,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, f"the reader died (exit {proc.returncode}): {proc.stderr[-500:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


HOSTILE = {
    "last_cell.xlsx": (lambda p: hostile.far_cell_xlsx(p, "XFD1048576"), r"a (row|cell) at (XFD)?1048576 \(row 1,048,576"),
    "last_row.xlsx": (lambda p: hostile.far_cell_xlsx(p, "A1048576"), r"a row at 1048576 \(row 1,048,576\)"),
    "last_column.xlsx": (lambda p: hostile.far_cell_xlsx(p, "XFD2"), r"at XFD2 \(row 2, column 16,384\)"),
    "billion_rows.xlsx": (lambda p: hostile.far_cell_xlsx(p, "B2", dimension="A1:B1000000000"),
                          r"a declared dimension at B1000000000"),
    "wide_dimension.xlsx": (lambda p: hostile.far_cell_xlsx(p, "B2", dimension="A1:ZZ1000000"),
                            r"declares a dimension A1:ZZ1000000 of 702,000,000 cells"),
    "zip_bomb.xlsx": (lambda p: hostile.zip_bomb_xlsx(p, 256 << 20), r"compresses \d+ to 1 \(a zip bomb\?\)"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_workbook_gets_one_line_naming_it_in_bounded_memory(tmp_path, name):
    build, why = HOSTILE[name]
    path = build(tmp_path / name)
    assert path.stat().st_size < 8 << 20  # small files: the danger is in what they declare or inflate to
    with pytest.raises(SchemaError, match=rf"^{name}: refused before reading: .*{why}"):
        rawio.check_file(path)
    got = _read_in_child(path)
    assert got["message"] is not None and got["message"].startswith(f"{name}: refused before reading")
    assert "\n" not in got["message"]
    assert got["maxrss_kb"] < ONE_GB_KB, f"{got['maxrss_kb'] / 1024:.0f} MB"


def test_a_workbook_inside_the_limits_is_read(tmp_path):
    path = hostile.rows_xlsx(tmp_path / "ok.xlsx", [["A", "B"], ["x", 1], ["y", 2]])
    rawio.check_file(path)
    df, meta = rawio.read_table(path)
    assert df.to_dict("records") == [{"A": "x", "B": 1.0}, {"A": "y", "B": 2.0}]


def test_xls_and_csv_over_the_size_limits_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(rawio, "MAX_CSV_BYTES", 10)
    monkeypatch.setattr(rawio, "MAX_XLS_BYTES", 10)
    (tmp_path / "big.csv").write_text("A,B\n1,2\n3,4\n")
    (tmp_path / "big.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 60)
    with pytest.raises(SchemaError, match=r"^big\.csv: refused before reading: 12 bytes, more than 10"):
        rawio.read_table(tmp_path / "big.csv")
    with pytest.raises(SchemaError, match=r"^big\.xls: refused before reading: 64 bytes"):
        rawio.read_table(tmp_path / "big.xls")


def test_not_a_zip_is_named(tmp_path):
    (tmp_path / "fake.xlsx").write_bytes(b"not a zip at all")
    with pytest.raises(SchemaError, match=r"^fake\.xlsx: cannot open as a spreadsheet"):
        rawio.check_file(tmp_path / "fake.xlsx")


def test_ingest_goes_on_past_a_refused_file(tmp_path):
    bad = hostile.far_cell_xlsx(tmp_path / "H-2B_bad.xlsx", "XFD1048576")
    good = hostile.rows_xlsx(tmp_path / "H-2B_FY2015.xlsx", [
        ["CASE_NUMBER", "DECISION_DATE", "VISA_CLASS", "CASE_STATUS", "EMPLOYER_NAME", "EMPLOYER_STATE", "SOC_CODE",
         "NBR_WORKERS_REQUESTED", "NBR_WORKERS_CERTIFIED", "WORKSITE_STATE", "EMP_EXP_NUM_MONTHS", "SWA_NAME",
         "JOB_IDNUMBER"],
        ["H-400-15001-1", "2015-03-01", "H-2B", "Certification", "A LLC", "TX", "37-3011", 10, 8, "TX", 3, "TX", 1]])
    proc = subprocess.run([sys.executable, "-m", "toolkit", "--data-dir", str(tmp_path / "data"), "data", "ingest",
                           str(bad), str(good)], capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 1, proc.stderr[-800:]
    assert "H-2B_bad.xlsx: failed: H-2B_bad.xlsx: refused before reading" in proc.stderr
    assert "H-2B_FY2015.xlsx: cases (icert-2015) added" in proc.stdout
    assert "1 of 2 files failed: H-2B_bad.xlsx" in proc.stderr
