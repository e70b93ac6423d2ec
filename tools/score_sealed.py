"""Score the final sex-preference detector on labelled CSVs nobody on the project has read.

    PYTHONPATH=. python tools/score_sealed.py PATH [PATH ...]

Each file has the columns of the writer corpora (``id, writer, lang, text, label, family,
preferred_sex``; ``toolkit.preference.load_writer_set`` checks every row and names the file, line and
column of any problem; any family name is accepted). The detector is the one every user gets
(``toolkit.language.detect_sex_preference``: the model fitted on all committed labelled sets);
nothing here can change it. Prints precision, recall and F1 with their counts per language and per
language and family, for each file and for all files together.
"""
from __future__ import annotations

import sys

import pandas as pd


def score(paths: list[str]) -> pd.DataFrame:
    from toolkit import language, preference

    frames = [preference.load_writer_set(p, strict_families=False).assign(file=str(p)) for p in paths]
    data = pd.concat(frames, ignore_index=True)
    data["flag"] = language.detect_sex_preference(data["text"])["flag"].to_numpy()
    data["writer"] = data["file"]
    return preference.score_table(data, columns=("flag",)).drop(columns="fit")


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    table = score(argv)  # per file, then "all" files pooled
    pd.set_option("display.width", 200)
    for writer, g in table.groupby("writer", sort=False):
        print(f"\n== {writer}")
        print(g.drop(columns="writer").to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
