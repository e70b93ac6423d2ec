"""Regenerate the committed score table of the sex-preference detector (``toolkit.preference``):
``toolkit/data/recruitment_writers/scores.csv`` and its readable summary ``scores.md``.

Every writer's texts are scored by a model fitted without that writer (leave one writer out: the
blind score) and by the model fitted on all writers (in sample); the gap between the two is how much
the model leans on the writers it has seen. The scores recorded once (``recorded_scores.csv``, written
by ``tools/score_sealed.py --record``: a new writer's first contact with the detector, a sealed set)
are copied in as they are, with their own ``fit``. ``tests/test_preference.py`` checks that the
committed table equals a fresh run::

    python tools/build_preference_scores.py
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit import preference

OUT = Path(__file__).resolve().parents[1] / "toolkit" / "data" / "recruitment_writers"


RECORDED = OUT / "recorded_scores.csv"


def build() -> pd.DataFrame:
    predictions = preference.leave_one_writer_out()
    chosen = preference.choose_threshold(predictions)
    if chosen != preference.THRESHOLD:
        raise SystemExit(f"the blind probabilities choose the threshold {chosen}, toolkit.preference.THRESHOLD is "
                         f"{preference.THRESHOLD}: set THRESHOLD = {chosen} and run again")
    table = preference.score_table(predictions).round(4)
    if RECORDED.exists():
        table = pd.concat([table, pd.read_csv(RECORDED, dtype={"writer": str})], ignore_index=True)
    return table


def markdown(table: pd.DataFrame) -> str:
    def side(rows: pd.DataFrame, keys: list[str]) -> str:
        wide = rows.pivot_table(index=keys, columns="fit", values=["precision", "recall"], aggfunc="first")
        wide.columns = [f"{stat} {fit.replace('_', ' ')}" for stat, fit in wide.columns]
        wide = wide[[c for c in ("precision blind", "recall blind", "precision in sample", "recall in sample",
                                 "precision first contact", "recall first contact", "precision sealed",
                                 "recall sealed") if c in wide.columns]]
        n = rows.drop_duplicates(keys).set_index(keys)[["n", "positives"]]
        out = n.join(wide).reset_index()
        head = "| " + " | ".join(out.columns) + " |\n|" + "---|" * len(out.columns) + "\n"
        return head + "\n".join("| " + " | ".join("" if pd.isna(v) else f"{v:.2f}" if isinstance(v, float) else str(v)
                                                  for v in r) + " |" for r in out.itertuples(index=False))

    fitted = table[table["fit"].isin(["blind", "in_sample"])]
    overall = fitted[fitted["family"] == "all"]
    new = fitted[fitted["writer"] == "new"]
    out = ("# Scores of the sex-preference detector\n\n"
           "Written by `tools/build_preference_scores.py`; do not edit. *Blind*: each writer's texts scored "
           "by the model fitted without that writer (leave one writer out). *In sample*: by the model fitted "
           "on every writer. Writers A to F (pooled as `new`) wrote for issue 26 without seeing the rules (A, B "
           "and C with their spent sealed sets); the older sets are each their own writer; `all` pools every "
           "writer.\n\n"
           "## By writer and language\n\n" + side(overall, ["writer", "lang"]) +
           "\n\n## Writers A to F by language and family\n\n" + side(new, ["lang", "family"]) + "\n")
    for fit, title in (("first_contact", "First contact: writers D, E and F scored by the detector of `main` "
                                         "before it was revised on them"),
                       ("sealed", "Sealed set, scored once by this detector")):
        once = table[table["fit"] == fit]
        if len(once):
            out += (f"\n## {title}\n\n" + side(once[once["family"] == "all"], ["writer", "lang"]) + "\n\n" +
                    side(once[once["writer"] == "all"], ["lang", "family"]) + "\n")
    return out


def main() -> None:
    table = build()
    table.to_csv(OUT / "scores.csv", index=False)
    (OUT / "scores.md").write_text(markdown(table), encoding="utf-8")
    print(f"wrote {len(table)} rows to {OUT / 'scores.csv'} and {OUT / 'scores.md'}")


if __name__ == "__main__":
    main()
