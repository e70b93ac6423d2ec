"""Derive toolkit/data/cps11_women_share_by_soc.csv from the raw BLS and Census files.

    python tools/build_occupation_shares.py [--shared ../shared/data] [--out toolkit/data/...csv]

Inputs (read-only, never copied into the repository):
  benchmarks/cpsaat11_{2019,2021,2022,2023}.xlsx                   BLS CPS annual averages, Table 11
  benchmarks/2018-occupation-code-list-and-crosswalk.xlsx          Census 2018 occupation code list, and
                                                                   its 2010-to-2018 crosswalk sheet (2019:
                                                                   2010 Census occupations, 2010 SOC codes)
  dol/*                                                            DOL OFLC H-2A/H-2B disclosure files

The table is restricted to the SOC codes that occur in the H-2 programs: every value matching
NN-NNNN in any column whose header contains "SOC" in the DOL files (a light scan, not the reader),
plus the H-2 core occupations below, plus every SOC code the Census list publishes and the group
keys the fall-back of ``toolkit.occupation_shares.expected_share`` needs (``soc_universe``).
tests/test_occupation_shares.py checks the shipped file equals a fresh ``derive()``, so it cannot drift.
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit import occupation_shares  # noqa: E402

YEARS = occupation_shares.CPS_YEARS
OUT = ROOT / "toolkit" / "data" / occupation_shares.SHIPPED_TABLE
CROSSWALK = "2018-occupation-code-list-and-crosswalk.xlsx"

#: Occupations central to H-2A/H-2B employment (DOL OFLC annual reports' leading SOC codes).
H2_CORE_SOC = (
    "45-2091",  # agricultural equipment operators
    "45-2092",  # farmworkers and laborers, crop, nursery, and greenhouse
    "45-2093",  # farmworkers, farm, ranch, and aquacultural animals
    "45-2041",  # graders and sorters, agricultural products
    "45-4011",  # forest and conservation workers
    "37-3011",  # landscaping and groundskeeping workers
    "37-2012",  # maids and housekeeping cleaners
    "51-3022",  # meat, poultry, and fish cutters and trimmers
    "51-3023",  # slaughterers and meat packers
    "35-2021",  # food preparation workers
    "35-9021",  # dishwashers
    "39-3091",  # amusement and recreation attendants
    "47-2061",  # construction laborers
    "53-7062",  # laborers and freight, stock, and material movers, hand
    "53-7064",  # packers and packagers, hand
    "51-9111",  # packaging and filling machine operators and tenders
    "53-3032",  # heavy and tractor-trailer truck drivers (H-2A custom harvesting)
)

_SOC_VALUE = re.compile(r"\b(\d\d-\d{4})\b")


def _header_and_values(path: Path):
    """Yield (header cells, row iterator) per sheet of a DOL file (xlsx/xls via calamine, csv)."""
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="latin-1") as fh:
            reader = csv.reader(fh)
            header = next(reader, [])
            yield header, list(reader)
        return
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python()
        if rows:
            yield [str(c) for c in rows[0]], rows[1:]


def scan_dol_soc_codes(dol_dir: Path) -> dict[str, set[str]]:
    """SOC codes (NN-NNNN) found in any column whose header contains "SOC", per file."""
    found: dict[str, set[str]] = {}
    for path in sorted(dol_dir.iterdir()):
        if path.suffix.lower() not in (".csv", ".xlsx", ".xls"):
            continue
        codes: set[str] = set()
        for header, rows in _header_and_values(path):
            cols = [i for i, h in enumerate(header) if "SOC" in h.upper()]
            for row in rows:
                for i in cols:
                    if i < len(row):
                        codes.update(_SOC_VALUE.findall(str(row[i])))
        found[path.name] = codes
    return found


def derive(shared: Path, dol_codes: set[str] | None = None) -> pd.DataFrame:
    """The shipped table, derived from the raw files under ``shared``."""
    bench = shared / "benchmarks"
    if dol_codes is None:
        dol_codes = set().union(*scan_dol_soc_codes(shared / "dol").values())
    extra = sorted(set(dol_codes) | set(H2_CORE_SOC))
    # each CPS year is read with the Census occupation list of its classification era
    crosswalks = {2018: occupation_shares.read_census_crosswalk(bench / CROSSWALK),
                  2010: occupation_shares.read_census_crosswalk_2010(bench / CROSSWALK)}
    parts = []
    for year in YEARS:
        crosswalk = crosswalks[occupation_shares.classification_era(year)]
        cps = occupation_shares.read_cps_table11(bench / f"cpsaat11_{year}.xlsx", year=year)
        linked = occupation_shares.link_cps_census(cps, crosswalk)
        parts.append(occupation_shares.resolve_soc(occupation_shares.soc_universe(crosswalk, extra=extra), linked))
    return pd.concat(parts, ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    per_file = scan_dol_soc_codes(args.shared / "dol")
    for name, codes in per_file.items():
        print(f"{name}: {len(codes)} SOC codes", file=sys.stderr)
    table = derive(args.shared, set().union(*per_file.values()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, index=False, lineterminator="\n")
    print(f"wrote {args.out} ({len(table)} rows; match levels "
          f"{table['match_level'].value_counts().to_dict()})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
