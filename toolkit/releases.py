"""The one release rule: how complete a DOL disclosure release is, and which one wins.

OFLC publishes cumulative quarterly releases of each fiscal year under near-identical names
(``H-2A_Disclosure_Data_FY2022_Q1.xlsx`` holds October-December 2021 only; ``..._Q4`` and the
end-of-year file hold the whole year). A year is never assembled by adding quarters: the most
complete release wins (full year over Q4 over Q3 over Q2 over Q1).

The catalog (``catalog.most_complete``), the store (``store.deduplicate_cases``) and the file
chooser (``latest_per_year``) all rank releases with ``rank`` below, so the rule exists once.

Examples
--------
>>> release_from_name("H-2A_Disclosure_Data_FY2022_Q1.xlsx")
'Q1'
>>> release_from_name("H-2B_Disclosure_Data_FY2018_EOY.xlsx")
'full year'
>>> rank("Q4") < rank("full year")
True
>>> months("Q1")
('October', 'December')
>>> kind_from_name("H-2A_FY2020_Q3_extract.xlsx"), kind_from_name("H-2B_FY14_Q4.xlsx")
('extract', 'cumulative')
>>> period(2022, "Q1")
((2021, 10), (2021, 12))
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from toolkit.dol import infer_fiscal_year, infer_program

__all__ = ["RELEASES", "KINDS", "release_from_name", "kind_from_name", "rank", "rank_file", "months", "period",
           "is_partial", "latest_per_year"]

#: DOL releases, least to most complete (quarterly files are cumulative within a fiscal year)
RELEASES = ("Q1", "Q2", "Q3", "Q4", "full year")

#: How a file holds its year: a full-year (end-of-year) file, a cumulative quarterly release
#: (``_Q1``..``_Q4``: October to the quarter's end), or an extract (a copy of a release archived by a
#: third party, named ``..._extract``; its months are those of the release it names)
KINDS = ("full year", "cumulative", "extract")

_LAST_MONTH = {"Q1": "December", "Q2": "March", "Q3": "June", "Q4": "September", "full year": "September"}


def _check(release: str) -> str:
    if release not in RELEASES:
        raise ValueError(f"release must be one of {list(RELEASES)}, got {release!r}")
    return release


def release_from_name(name: str | Path) -> str:
    """'Q1'..'Q4' for a quarterly release named ``..._Q<n>``, else 'full year' (a file without a
    quarter: a full-year or end-of-year file).

    >>> release_from_name("H-2B_FY14_Q4.xlsx"), release_from_name("H2A_FY2013.xls")
    ('Q4', 'full year')
    """
    m = re.search(r"_Q([1-4])(?![0-9])", Path(name).name, flags=re.IGNORECASE)
    return f"Q{m.group(1)}" if m else "full year"


def kind_from_name(name: str | Path) -> str:
    """'extract' for a file named ``..._extract`` (a third party's copy, e.g. TRLA's H-2A FY2020
    Q3 extract), else 'cumulative' for a quarterly release (``release_from_name`` gives Q1-Q4),
    else 'full year'.

    >>> kind_from_name("H-2A_FY2020_Q3_extract.xlsx"), kind_from_name("H2A_FY2013.xls")
    ('extract', 'full year')
    """
    if re.search(r"extract", Path(name).name, flags=re.IGNORECASE):
        return "extract"
    return "full year" if release_from_name(name) == "full year" else "cumulative"


def rank(release: str) -> int:
    """0 (Q1) to 4 (full year): higher is more complete.

    >>> [rank(r) for r in ("Q1", "Q4", "full year")]
    [0, 3, 4]
    """
    return RELEASES.index(_check(release))


def rank_file(name: str | Path) -> int:
    """``rank`` of the release a file name states.

    >>> rank_file("H-2B_FY14_Q4.xlsx"), rank_file("H-2B_Disclosure_Data_FY2019.xlsx")
    (3, 4)
    """
    return rank(release_from_name(name))


def months(release: str) -> tuple[str, str]:
    """First and last month a release covers (federal fiscal years start in October).

    >>> months("Q3")
    ('October', 'June')
    """
    return "October", _LAST_MONTH[_check(release)]


def period(fiscal_year: int, release: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """(year, month) of the first and last month a release of ``fiscal_year`` covers: federal
    fiscal year N runs from October of N-1 to September of N.

    >>> period(2020, "Q3"), period(2017, "full year")
    (((2019, 10), (2020, 6)), ((2016, 10), (2017, 9)))
    """
    last = {"December": 12, "March": 3, "June": 6, "September": 9}[months(release)[1]]
    fy = int(fiscal_year)
    return (fy - 1, 10), (fy - 1 if last == 12 else fy, last)


def is_partial(release: str) -> bool:
    """True for Q1-Q3 releases, which hold only part of the fiscal year.

    >>> is_partial("Q1"), is_partial("Q4"), is_partial("full year")
    (True, False, False)
    """
    return rank(release) < rank("Q4")


def latest_per_year(paths: Iterable[str | Path]) -> list[Path]:
    """One file per program, fiscal year and table: the most complete release (quarterly files
    are cumulative within a year, so they are never summed). Program and year come from the names
    (``dol.infer_program``, ``dol.infer_fiscal_year``).

    >>> [p.name for p in latest_per_year(["H-2B_FY2015_Q2.xlsx", "H-2B_FY2015_Q4.xlsx", "H-2A_FY2015_Q1.xlsx"])]
    ['H-2A_FY2015_Q1.xlsx', 'H-2B_FY2015_Q4.xlsx']
    """
    best: dict[tuple, tuple[int, Path]] = {}
    for p in map(Path, paths):
        kind = "companion" if re.search(r"Addendum|Appendix", p.name, re.IGNORECASE) else "cases"
        key = (infer_program(p), infer_fiscal_year(p), kind,
               re.sub(r"_Q[1-4].*", "", p.stem) if kind == "companion" else "")
        r = rank_file(p)
        if key not in best or r > best[key][0]:
            best[key] = (r, p)
    return sorted(p for _, p in best.values())
