"""Write synthetic KoboToolbox and ODK Central exports of the shipped worker survey, one per layout,
with planted answers (``toolkit.survey.simulate``), plus the planted truth as CSV.

    python tools/make_survey_exports.py OUT_DIR [--n 900] [--seed 28]

Layouts: ``simulate.LAYOUTS`` (Kobo CSV with ';' and ',', Kobo XLSX with the repeat group on its own
sheet, ODK Central's CSV zip; joined and split select_multiple; two versions of the form). The tests
build the same exports in a temporary folder at run time; this script is for looking at them, or for
trying `h2gender report --workers OUT_DIR/kobo_xlsx_both.xlsx`.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from toolkit.survey import simulate  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=900, help="submissions besides the planted small cell")
    parser.add_argument("--seed", type=int, default=28)
    args = parser.parse_args(argv)
    planted = simulate.plant(args.n, seed=args.seed)
    for name, path in simulate.write_exports(args.out, planted, seed=args.seed).items():
        print(f"{name}: {path}")
    planted.records.to_csv(args.out / "planted_records.csv", index=False)
    planted.fees.to_csv(args.out / "planted_fees.csv", index=False)
    print(f"planted: {len(planted.records)} records, {len(planted.rejected)} rejected submissions "
          f"({args.out / 'planted_records.csv'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
