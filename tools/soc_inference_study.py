"""Regenerate the SOC-inference tables: toolkit/data/soc_title_training.csv and soc_inference_accuracy.csv.

    python tools/soc_inference_study.py [--dol ../shared/data/dol]

Reads every DOL disclosure file of the folder (``dol.read_disclosure``; Appendix/Addendum
companion files are skipped), keeps the cases with both a job title and a SOC code that has a CPS
Table 11 share, writes one training row per (normalised title, code, program, fiscal year, source
file), then scores the classifier of ``toolkit.soc_inference`` by leaving each fiscal year out and
prints the threshold the table implies (``soc_inference.MIN_CONFIDENCE`` must equal it; a test
checks it on the committed table). A few minutes, mostly reading the spreadsheets.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from toolkit import dol, occupation_shares, soc_inference

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "toolkit" / "data"


def benchmarked_codes() -> set[str]:
    """SOC codes with a women's share in some CPS year the toolkit ships."""
    codes: set[str] = set()
    for year in occupation_shares.CPS_YEARS:
        table = occupation_shares.women_share_by_soc(year)
        codes |= set(table.loc[table["women_share"].notna(), "soc_code"].astype(str))
    return codes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dol", type=Path, default=ROOT.parent / "shared" / "data" / "dol")
    parser.add_argument("--out", type=Path, default=DATA)
    args = parser.parse_args(argv)
    codes = benchmarked_codes()
    parts = []
    for path in sorted(args.dol.iterdir()):
        companion = any(word in path.name.lower() for word in ("appendix", "addendum"))
        if companion or path.suffix not in (".csv", ".xls", ".xlsx"):
            continue
        cases = dol.read_disclosure(path)
        rows = soc_inference.training_rows(cases.assign(source_file=path.name), codes)
        kept = int(rows["cases"].sum())
        print(f"{path.name}: {len(cases)} cases, {kept} with a title and a benchmarked code", flush=True)
        parts.append(rows)
    training = pd.concat(parts, ignore_index=True)[soc_inference.TRAINING_COLUMNS]
    training.to_csv(args.out / soc_inference.TRAINING_TABLE, index=False)
    accuracy = soc_inference.leave_year_out(training)
    accuracy.round(6).to_csv(args.out / soc_inference.ACCURACY_TABLE, index=False)
    print(accuracy.round(3).to_string(index=False))
    print(f"threshold reaching {soc_inference.TARGET_ACCURACY} in every held-out year: "
          f"{soc_inference.choose_threshold(accuracy)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
