"""Regenerate the committed score table of the sex-preference detector (``toolkit.preference``):
``toolkit/data/recruitment_writers/scores.csv`` and its readable summary ``scores.md``.

Every writer's texts are scored by a model fitted without that writer (leave one writer out: the
blind score) and by the model fitted on all writers (in sample); the gap between the two is how much
the model leans on the writers it has seen. ``tests/test_preference.py`` checks that the committed
table equals a fresh run::

    python tools/build_preference_scores.py
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit import preference

OUT = Path(__file__).resolve().parents[1] / "toolkit" / "data" / "recruitment_writers"


def build() -> pd.DataFrame:
    return preference.score_table(preference.leave_one_writer_out()).round(4)


def markdown(table: pd.DataFrame) -> str:
    def side(rows: pd.DataFrame, keys: list[str]) -> str:
        wide = rows.pivot_table(index=keys, columns="fit", values=["precision", "recall"], aggfunc="first")
        wide.columns = [f"{stat} {fit.replace('_', ' ')}" for stat, fit in wide.columns]
        wide = wide[[c for c in ("precision blind", "recall blind", "precision in sample", "recall in sample")
                     if c in wide.columns]]
        n = rows[rows["fit"] == "blind"].set_index(keys)[["n", "positives"]]
        out = n.join(wide).reset_index()
        head = "| " + " | ".join(out.columns) + " |\n|" + "---|" * len(out.columns) + "\n"
        return head + "\n".join("| " + " | ".join("" if pd.isna(v) else f"{v:.2f}" if isinstance(v, float) else str(v)
                                                  for v in r) + " |" for r in out.itertuples(index=False))

    overall = table[table["family"] == "all"]
    new = table[table["writer"] == "new"]
    return ("# Scores of the sex-preference detector\n\n"
            "Written by `tools/build_preference_scores.py`; do not edit. *Blind*: each writer's texts scored "
            "by the model fitted without that writer (leave one writer out). *In sample*: by the model fitted "
            "on every writer. Writers A, B and C (pooled as `new`) wrote for issue 26 without seeing the rules; "
            "the older sets are each their own writer; `all` pools every writer.\n\n"
            "## By writer and language\n\n" + side(overall, ["writer", "lang"]) +
            "\n\n## Writers A, B and C by language and family\n\n" + side(new, ["lang", "family"]) + "\n")


def main() -> None:
    table = build()
    table.to_csv(OUT / "scores.csv", index=False)
    (OUT / "scores.md").write_text(markdown(table), encoding="utf-8")
    print(f"wrote {len(table)} rows to {OUT / 'scores.csv'} and {OUT / 'scores.md'}")


if __name__ == "__main__":
    main()
