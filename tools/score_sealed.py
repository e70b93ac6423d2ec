"""Score the final sex-preference detector on labelled CSVs nobody on the project has read.

    PYTHONPATH=. python tools/score_sealed.py PATH [PATH ...]
    PYTHONPATH=. python tools/score_sealed.py --record sealed PATH [PATH ...]

Each file has the columns of the writer corpora (``id, writer, lang, text, label, family,
preferred_sex``; ``toolkit.labelled_sets.load_writer_set`` checks every row and names the file, line
and column of any problem; any family name is accepted). The detector is the one every user gets
(``toolkit.language.detect_sex_preference``: the model fitted on all committed labelled sets);
nothing here can change it. Prints precision, recall and F1 with their counts per language and per
language and family, for each file and for all files together.

``--record FIT`` also writes the scores, once, into the committed table of scores recorded once
(``toolkit/data/recruitment_writers/recorded_scores.csv``: rows ``fit`` = FIT, one ``writer`` per
writer named in the files and ``all`` for them together, replacing earlier rows of that FIT) and
regenerates ``scores.csv`` and ``scores.md`` (``tools/build_preference_scores.py``), so that
``h2gender scan`` and the report state them: ``sealed`` for a set nobody read, ``first_contact`` for a
new writer's corpus scored before the detector was revised on it.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

RECORDED = Path(__file__).resolve().parents[1] / "toolkit" / "data" / "recruitment_writers" / "recorded_scores.csv"
#: the kinds of score recorded once
RECORD_FITS = ("sealed", "first_contact")


def _flagged(paths: list[str]) -> pd.DataFrame:
    from toolkit import language, preference

    frames = [preference.load_writer_set(p, strict_families=False).assign(file=str(p)) for p in paths]
    data = pd.concat(frames, ignore_index=True)
    data["flag"] = language.detect_sex_preference(data["text"])["flag"].to_numpy()
    return data


def score(paths: list[str]) -> pd.DataFrame:
    """Scores per file (``writer`` is the file's path) and for all files pooled (``all``)."""
    from toolkit import preference

    data = _flagged(paths)
    data["writer"] = data["file"]
    return preference.score_table(data, columns=("flag",)).drop(columns="fit")


def record(fit: str, paths: list[str], *, out: Path = RECORDED) -> pd.DataFrame:
    """The rows ``score`` gives, by the writers named in the files (and ``all``), with ``fit``, written
    into ``out`` (``recorded_scores.csv``) in place of earlier rows of that ``fit``."""
    from toolkit import preference

    if fit not in RECORD_FITS:
        raise ValueError(f"--record must be one of {list(RECORD_FITS)}, got {fit!r}")
    table = preference.score_table(_flagged(paths), columns=("flag",), pools=False).assign(fit=fit).round(4)
    old = pd.read_csv(out, dtype={"writer": str}) if Path(out).exists() else table.iloc[:0]
    pd.concat([old[old["fit"] != fit], table], ignore_index=True).to_csv(out, index=False)
    return table


def main(argv: list[str]) -> int:
    if not argv or argv[0] == "--record" and len(argv) < 3:
        print(__doc__)
        return 2
    pd.set_option("display.width", 200)
    if argv[0] == "--record":
        table = record(argv[1], argv[2:])
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import build_preference_scores

        build_preference_scores.main()
        print(f"recorded {len(table)} rows of fit {argv[1]!r} in {RECORDED}")
        argv = argv[2:]
    table = score(argv)  # per file, then "all" files pooled
    for writer, g in table.groupby("writer", sort=False):
        print(f"\n== {writer}")
        print(g.drop(columns="writer").to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
