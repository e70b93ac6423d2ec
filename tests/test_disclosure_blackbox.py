"""Black-box disclosure attacks on what ``h2gender analyze``, ``report`` and ``site`` publish.

Written by adversaries who have read the README, ``--help`` and the outputs, not the disclosure code.
One planted worker file (H-2A, FY2019 and FY2020, five worksite states, small cells of 1-7 women in
states, occupations, employers and recruiters at once, hourly wages) goes through the CLI as a user
would run it: ``analyze`` (CSV and JSON), ``report`` (HTML, and PDF read with pypdf) and ``site`` (its
pages in both languages and its search index), for the nation and for states, at k = 5 and 10 (and 60
in the slow sweep), for one year and a list of years, in English and Spanish. Runs that a user would
make one after the other from the same worker file share a ``--data-dir`` (a "chain"), so a ledger of
earlier publications, if the tool keeps one, sees them. Outputs published after ``--new-release``
are out of scope (the README says earlier outputs must then be withdrawn).

How the outputs are read (README and each table's legend): "hidden"/"oculto" (an empty cell of a
suppressed CSV/JSON row) is a hidden count or a number computed from one; "—" is no records, a count
of 0; a column is either read as a linear fact or declared not linear (``NOT_LINEAR``), and anything
else, a word where a number stands or an unknown column or table, stops the reader (``Unreadable``).
Tables of certified positions are public DOL counts; their positions weight the one benchmark that
the merged "other (hidden)" row of occupations carries in a scope's expected women (read off the
outputs: the positions-weighted mean of the hidden occupations' shares, their plain mean without
positions). A scope whose worker evidence is withheld says it holds fewer than k women or fewer than
k men: both cases are solved and their intervals joined.

Every number published (every cell of every CSV/JSON table, every HTML table cell, the numbers of the
sentences that state a scope's totals, a segregation index or the worker-record accounting) goes into a
knowledge base, and three general attacks run on each output alone and on every pair of outputs of a
chain:

(a) linear/integer feasibility. The unknowns are the women and men of each (year, state, occupation,
    employer) and (year, state, occupation, recruiter) cell, linked on their common margin, and the
    rejected women and men of each (year, state). Every published number that is a linear function of
    them, or a ratio of two (a share with its base, an expected share weighted by the US-workforce
    benchmark of each occupation, a shortfall, missing per 100, applicants and selected by sex, the
    accounting of rows used and out of scope), becomes one or two linear constraints at its printed
    precision (a ratio of two sums too: the share of the scope's women in its largest occupation); a
    complete table (``analyze`` writes every row of occupations and states; its screens of employers
    and recruiters leave out, at k = 60, those with fewer than k workers) also says that values it
    does not list are empty in its scope. ``scipy.optimize.linprog`` (HiGHS) then gives the min and max of every
    hidden count, rounded inward to integers (``Model.solve`` can tighten short intervals with
    ``milp``; off by default, for time). Hypotheses an
    adversary would try (a table whose visible rows are sorted by a count is sorted by it throughout)
    are added when they leave the system feasible, and count only where the truth satisfies them.
(b) global statistics. Where a table with hidden rows is published beside a statistic computed over
    the whole table (Theil's M and H of occupations, Miller-Madow corrected, as the README documents),
    every integer completion of the hidden rows allowed by (a) is enumerated and kept if it reproduces
    the statistic at its printed precision.
(c) order and rank. Row orders enter (a) as hypotheses; ranks that skip a number show where hidden
    rows stand, so visible ranks must run 1..V.

A hidden count is BROKEN when an attack narrows it to at most two values and the truth is among them.
The README promises more: every small hidden count's interval runs from at most 1 to at least k
(``test_hidden_intervals_run_from_one_to_k``, on the same attack's hypothesis-free bounds). The PDF
must print no number its HTML does not, and the site's pages are read like the reports.
A refused run (non-zero exit with a message, not a crash) publishes nothing; its message must not name
a hidden count or the size of the scope. ``test_attack_machinery_*`` plays the same attacks on tables
published without protection, so a pass elsewhere is not a broken attack.

Run against another branch: ``PYTHONPATH=/path/to/that/worktree python -m pytest
tests/test_disclosure_blackbox.py -p no:randomly`` (the file needs nothing else from ``tests/``).
"""
from __future__ import annotations

import contextlib
import io
import itertools
import json
import math
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

PROGRAM = "H-2A"
#: (fiscal year, worksite state, SOC, employer, recruiter, admitted women, admitted men)
BLOCKS = [
    (2020, "GA", "45-2092", "Big Farms A LLC", "Reclutadora Grande", 22, 300),
    (2020, "FL", "45-2092", "Big Farms B LLC", "Reclutadora Norte", 18, 260),
    (2020, "NC", "45-2092", "Carolina Growers", "Reclutadora Norte", 15, 210),
    (2020, "GA", "53-7064", "Georgia Packers", "Reclutadora Grande", 12, 60),
    (2020, "FL", "51-3092", "Planted Packing Co", "Reclutadora Media", 7, 43),
    (2020, "OR", "37-3011", "Planted Orchard LLC", "Reclutadora Chica", 4, 30),
    (2020, "KY", "47-2061", "Kentucky Dairy Inc", "Reclutadora Chica", 3, 12),
    (2020, "NC", "53-7064", "Tar Heel Farms", "Reclutadora Media", 2, 25),
    (2020, "GA", "37-3011", "Peach Landscaping", "Reclutadora Grande", 6, 40),
    (2020, "FL", "47-2061", "Small Builders Co", "Reclutadora Sur", 1, 20),
    (2020, "GA", "45-2092", "Big Farms B LLC", "Reclutadora Norte", 5, 80),
    (2020, "NC", "45-2092", "Big Farms A LLC", "Reclutadora Sur", 3, 40),
    (2019, "GA", "45-2092", "Big Farms A LLC", "Reclutadora Grande", 18, 280),
    (2019, "FL", "45-2092", "Big Farms B LLC", "Reclutadora Norte", 14, 240),
    (2019, "NC", "45-2092", "Carolina Growers", "Reclutadora Norte", 13, 190),
    (2019, "OR", "37-3011", "Planted Orchard LLC", "Reclutadora Chica", 5, 25),
    (2019, "KY", "47-2061", "Kentucky Dairy Inc", "Reclutadora Chica", 2, 10),
    (2019, "FL", "51-3092", "Planted Packing Co", "Reclutadora Media", 3, 30),
    (2019, "GA", "53-7064", "Georgia Packers", "Reclutadora Grande", 11, 55),
]
#: (fiscal year, state) -> rejected applicants (women, men); they carry the state's first block.
REJECTED = {(2020, "GA"): (6, 80), (2020, "FL"): (3, 60), (2020, "NC"): (0, 30), (2020, "OR"): (1, 10),
            (2019, "GA"): (4, 50), (2019, "FL"): (2, 40)}
COLUMNS = {"sex": "Sexo", "fiscal_year": "Año", "soc_code": "Código SOC", "worksite_state": "Estado de trabajo",
           "employer_name": "Empleador", "recruiter": "Reclutador", "origin_state": "Estado de origen",
           "case_number": "Caso", "selected": "Seleccionado", "stage": "Etapa", "wage_hourly": "Salario por hora"}
DIMS = {"state": "worksite_state", "soc": "soc_code", "employer": "employer_name", "recruiter": "recruiter"}
SIDES = ("employer", "recruiter")  # each side is crossed with the base (year, state, soc)

#: name -> (chain, verb, fy, state, k, format, lang). One chain = one --data-dir, run in this order.
RUNS = {
    "nat20_k5_csv_en": ("c1", "analyze", "2020", None, 5, "csv", "en"),
    "GA20_k5_csv_en": ("c1", "analyze", "2020", "GA", 5, "csv", "en"),
    "FL20_k5_json_es": ("c1", "analyze", "2020", "FL", 5, "json", "es"),
    "nat20_k10_json_en": ("c2", "analyze", "2020", None, 10, "json", "en"),
    "nat1920_k10_csv_es": ("c2", "analyze", "2019,2020", None, 10, "csv", "es"),
    "nat20_k5_html_en": ("c4", "report", "2020", None, 5, "both", "en"),  # HTML and PDF
    "FL20_k5_html_es": ("c4", "report", "2020", "FL", 5, "html", "es"),
    "KY20_k5_csv_en": ("c4", "analyze", "2020", "KY", 5, "csv", "en"),
    # the site of the five planted states (6 scopes of DOL records to build, not 17): the same workers
    # as the nation under another scope
    "site20_5st_k5": ("c4", "site", "2020", "GA,FL,NC,KY,OR", 5, None, "en,es"),
}
#: The exhaustive sweep (``-m slow``): year lists the other way round, the site first and at k = 10
#: over two years, then the outputs a user would make beside it.
SLOW_RUNS = {
    "nat20_k60_csv_en": ("s0", "analyze", "2020", None, 60, "csv", "en"),
    "nat1920_k5_csv_en": ("s1", "analyze", "2019,2020", None, 5, "csv", "en"),
    "nat20_k5_json_en": ("s1", "analyze", "2020", None, 5, "json", "en"),
    "NC1920_k5_csv_en": ("s1", "analyze", "2019,2020", "NC", 5, "csv", "en"),
    "site1920_k10": ("s2", "site", "2019,2020", None, 10, None, "es,en"),
    "nat19_k10_html_en": ("s2", "report", "2019", None, 10, "html", "en"),
    "FL1920_k10_json_en": ("s2", "analyze", "2019,2020", "FL", 10, "json", "en"),
    "site20_k60": ("s3", "site", "2020", None, 60, None, "en"),
    "GA20_k60_both_es": ("s3", "report", "2020", "GA", 60, "both", "es"),
}
ALL_RUNS = {**RUNS, **SLOW_RUNS}


def _overlap(a, b) -> bool:
    """Two runs from one worker file whose scopes share workers: the same years or states in part."""
    (_, _, fa, sa, *_), (_, _, fb, sb, *_) = ALL_RUNS[a], ALL_RUNS[b]
    return bool(set(fa.split(",")) & set(fb.split(","))) and (
        sa is None or sb is None or bool(set(sa.split(",")) & set(sb.split(","))))


#: the informative pairs: one data dir (so one ledger), overlapping scopes
PAIRS = [(a, b) for a, b in itertools.combinations(RUNS, 2) if RUNS[a][0] == RUNS[b][0] and _overlap(a, b)]
SLOW_PAIRS = [(a, b) for a, b in itertools.combinations(SLOW_RUNS, 2) if SLOW_RUNS[a][0] == SLOW_RUNS[b][0]]


# --------------------------------------------------------------------------------------------- planted file

def planted_rows() -> pd.DataFrame:
    """The admitted workers and rejected applicants of the planted file (canonical column names)."""
    records = []
    for fy, state, soc, employer, recruiter, women, men in BLOCKS:
        for sex, n in (("F", women), ("M", men)):
            records += [(fy, state, soc, employer, recruiter, sex, True)] * n
    for (fy, state), (women, men) in REJECTED.items():
        _, _, soc, employer, recruiter, _, _ = next(b for b in BLOCKS if b[:2] == (fy, state))
        for sex, n in (("F", women), ("M", men)):
            records += [(fy, state, soc, employer, recruiter, sex, False)] * n
    rows = pd.DataFrame(records, columns=["fiscal_year", "worksite_state", "soc_code", "employer_name",
                                          "recruiter", "sex", "selected"])
    rng = np.random.default_rng(22)
    rows = rows.iloc[rng.permutation(len(rows))].reset_index(drop=True)
    rows["origin_state"] = "11"
    rows["stage"] = np.where(rows["selected"], "admitted", "applied")
    wage = rng.normal(np.where(rows["sex"] == "F", 11.5, 12.5), 1.0)
    rows["wage_hourly"] = np.where(rows["selected"], np.round(wage, 2), np.nan)
    rows["case_number"] = [f"H-300-{fy % 100:02d}{i % 40:03d}-000{i % 40:03d}"
                           for i, fy in enumerate(rows["fiscal_year"])]
    return rows


def write_planted(folder: Path) -> tuple[Path, Path]:
    rows = planted_rows()
    survey = rows[list(COLUMNS)].rename(columns=COLUMNS)
    survey["Sexo"] = survey["Sexo"].map({"F": "Mujer", "M": "Hombre"})
    survey["Seleccionado"] = survey["Seleccionado"].map({True: "sí", False: "no"})
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "encuesta.csv"
    survey.to_csv(path, index=False)
    mapping = folder / "mapa.yaml"
    cols = ", ".join(f"{k}: {v}" for k, v in COLUMNS.items())
    mapping.write_text(f"columns: {{{cols}}}\nvalues:\n  sex: {{Mujer: F, Hombre: M}}\nprogram: {PROGRAM}\n",
                       encoding="utf-8")
    return path, mapping


def truth(rows: pd.DataFrame, target: tuple) -> int:
    """The planted value of a target (years, states, dim, key, what)."""
    years, states, dim, key, what = target
    sel = rows["fiscal_year"].isin(years)
    if states is not None:
        sel &= rows["worksite_state"].isin(states)
    if dim is not None:
        col = rows[DIMS[dim]]
        sel &= ~col.isin(key[1]) if isinstance(key, tuple) else col == key
    sel &= rows["sex"] == "F"
    return int((sel & (rows["selected"] if what == "w" else ~rows["selected"])).sum())


# --------------------------------------------------------------------------------------------- parsing

def interval(text, count: bool = False) -> tuple[float, float] | None:
    """The values a printed number can stand for (None: hidden or not a number)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    s = str(text).strip().replace("\u2009", "").replace("\xa0", "")
    scale = 0.01 if s.endswith("%") else 1.0
    s = s.rstrip("%").strip().replace(",", "")
    if not re.fullmatch(r"[-+]?\d+(\.\d*)?([eE][-+]?\d+)?", s):
        return None
    v = float(s) * scale
    decimals = len(s.split(".")[1]) if "." in s and "e" not in s.lower() else 0
    if count and abs(v - round(v)) < 1e-9:
        return (round(v), round(v))
    if "e" in s.lower() or decimals >= 8:
        tol = 1e-7 * max(1.0, abs(v))  # full precision, less what float round-off may have cost
    else:
        tol = 0.5 * 10.0 ** -decimals * scale
    return (v - tol, v + tol)


COUNTS = {"w", "m", "n", "appF", "appM", "selF", "selM", "rank"}
CSV_COLUMNS = {"women": "w", "men": "m", "total": "n", "workers": "n", "observed": "w",
               "women_share_observed": "share", "observed_share": "share", "expected_women": "expected",
               "expected": "expected", "shortfall": "shortfall", "missing_per_100": "missing_per_100",
               "expected_share": "expected_share", "women_share": "expected_share", "rank": "rank"}
HTML_COLUMNS = {"workers": "n", "personas trabajadoras": "n", "women": "w", "mujeres": "w", "men": "m",
                "hombres": "m", "women's share": "share", "proporción de mujeres": "share",
                "us workforce share": "expected_share", "proporción en ee. uu.": "expected_share",
                "expected women": "expected", "mujeres esperadas": "expected", "missing women": "shortfall",
                "mujeres faltantes": "shortfall", "rank": "rank", "lugar": "rank"}
KEYS = {"worksite_state": "state", "state": "state", "estado": "state", "soc_code": "soc", "soc code": "soc",
        "código soc": "soc", "employer_name": "employer", "employer": "employer", "empleador": "employer",
        "recruiter": "recruiter", "reclutador": "recruiter"}
#: Columns read as no linear fact: statistics the README says are computed from the published table
#: with its hidden rows merged (adjusted shares, p- and q-values, the credible flag, intervals), titles
#: and flags. A column in none of these lists stops the reader: a new column is read or declared here,
#: never skipped unseen.
NOT_LINEAR = {"women_share_se", "log_odds_ratio", "log_odds_ratio_se", "shrunk_share", "shrunk_shortfall",
              "shrunk_ratio", "p_value", "q_value", "credible", "sd", "ci_low", "ci_high",
              "sd_with_benchmark_error", "suppressed", "index", "", "unnamed: 0", "fiscal_year", "occupation",
              "ocupación",
              "adjusted share", "proporción ajustada", "q-value", "valor q", "creíble"}
REMAINDER = re.compile(r"other|otr[oa]s?\b|hidden|ocult|rest[oe]?\b|^—$|^\s*$", re.I)
#: How the outputs mark a cell (README, and the legend under every report table): "hidden"/"oculto" is
#: a hidden count or a number computed from one; "—" is no records, i.e. a count of 0; an empty CSV
#: cell or a JSON null is hidden where the row is suppressed, and no value otherwise.
HIDDEN_MARKS = {"hidden", "oculto", "oculta", "ocultos", "ocultas"}
NO_RECORDS = "—"
#: Tables of public DOL records (certified positions, employer profiles, the input files): no count of
#: people from the worker file; their positions by occupation weight the benchmark of hidden rows.
PUBLIC_TABLE = re.compile(r"positions|puestos|sha256|years active|años con actividad", re.I)


@dataclass
class Table:
    source: str
    dim: str | None  # None: the scope as a whole
    keys: list  # row keys in printed order (a tuple ("REM", listed keys) for a merged remainder row)
    cells: list[dict]  # quantity -> (lo, hi); a hidden cell is absent
    complete: bool  # lists every value of dim present in the scope
    years: list | None = None  # each row's fiscal year, for a table by year (None: the publication's)


@dataclass
class Pub:
    name: str
    years: tuple
    states: tuple | None
    k: int
    tables: list[Table] = field(default_factory=list)
    stats: dict = field(default_factory=dict)  # "M"/"H" -> (lo, hi)
    selection: dict = field(default_factory=dict)  # appF/selF/rateF/appM/selM/rateM -> (lo, hi)
    used: tuple | None = None  # applicants in scope, from the accounting sentence
    other_states: tuple | None = None  # applicants of the same years in other states (console)
    positions: dict = field(default_factory=dict)  # SOC -> certified positions in scope (public DOL)
    #: ratios of two sums: ((dim, key, cw, cm) of the numerator, of the denominator, (lo, hi))
    ratios: list = field(default_factory=list)
    pages: int = 0  # site pages read
    pdf_only: list = field(default_factory=list)  # numbers the PDF prints and the HTML does not
    mark_conflicts: list = field(default_factory=list)  # pages giving one mark two meanings
    small_scope: bool = False  # its worker evidence is withheld: fewer than k women or fewer than k men
    refused: bool = False
    exit_code: int = 0
    message: str = ""


class Unreadable(ValueError):
    """A published value the adversary cannot read: the reader stops rather than skip a number."""


def _cell(value, q: str, where: str, suppressed: bool | None):
    """The interval a published cell stands for, None when it is hidden or carries no value; raises
    Unreadable on anything else (a count missing from a row published as not suppressed, a word)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() in ("", "nan", "None"):
        if suppressed is False and q in ("w", "m", "n"):
            raise Unreadable(f"{where}: a count is empty in a row that is not suppressed")
        return None
    s = str(value).strip()
    if s.lower() in HIDDEN_MARKS:
        return None
    if s == NO_RECORDS:
        return (0, 0) if q in ("w", "m", "n") else None
    iv = interval(s, count=q in COUNTS)
    if iv is None:
        raise Unreadable(f"{where}: cannot read {s!r} as a number")
    return iv


def _table(source: str, header: list[str], records: list[list], colmap: dict, complete: bool,
           empty_hidden: bool = True) -> Table | None:
    """A table of counts of people (None: not one); ``empty_hidden``: an empty cell of a suppressed
    row is hidden (CSV, JSON), otherwise an empty count cell is unreadable (HTML marks what it hides)."""
    lower = [str(h).strip().lower() for h in header]
    key_at = next((i for i, h in enumerate(lower) if h in KEYS), None)
    dim = KEYS[lower[key_at]] if key_at is not None else None
    if dim is None and not {"observed", "total"} & set(lower):
        return None
    unknown = [h for i, h in enumerate(lower) if i != key_at and h not in colmap and h not in NOT_LINEAR]
    if unknown:
        raise Unreadable(f"{source}: columns {unknown} are neither read nor declared not linear")
    at_suppressed = lower.index("suppressed") if "suppressed" in lower else None
    keys, cells = [], []
    for r, rec in enumerate(records):
        suppressed = (None if empty_hidden else False) if at_suppressed is None else \
            str(rec[at_suppressed]).strip().lower() == "true"
        cell = {}
        for h, v in zip(lower, rec):
            q = colmap.get(h)
            if q is None:
                continue
            iv = _cell(v, q, f"{source} row {r + 1} column {h!r}", suppressed)
            if iv is not None:
                cell[q] = iv
        keys.append(str(rec[key_at]).strip() if key_at is not None and rec[key_at] is not None else "")
        cells.append(cell)
    named = [key for key in keys if not REMAINDER.search(key)]
    keys = [key if not REMAINDER.search(key) else ("REM", tuple(sorted(named))) for key in keys]
    if dim == "soc":  # SOC codes as published, e.g. 45-2092.00 -> 45-2092
        keys = [key if isinstance(key, tuple) else key[:7] for key in keys]
    merged = any(isinstance(key, tuple) for key in keys)
    years = None
    if "fiscal_year" in lower:  # a table by year: each row is about its own year
        at = lower.index("fiscal_year")
        years = [(int(float(rec[at])),) for rec in records]
        complete = False
    return Table(source, dim, keys, cells, complete and not merged, years)


def _selection(records: list[dict], source: str) -> dict:
    out = {}
    for r, rec in enumerate(records):
        sex = str(rec.get("group", "")).strip().upper()[:1]
        if sex not in ("F", "M"):
            continue
        suppressed = str(rec.get("suppressed", "")).strip().lower() == "true"
        for col, q in (("applicants", "app"), ("selected", "sel"), ("rate", "rate")):
            iv = _cell(rec.get(col), "w" if q != "rate" else "rate", f"{source} row {r + 1} column {col!r}",
                       suppressed)
            if iv is not None:
                out[q + sex] = iv
    return out


def _jsonable(v):
    return None if v is None else (repr(v) if isinstance(v, float) else str(v))


#: The screens of employers and recruiters leave out rows: at k = 60 the employers and the recruiter
#: with fewer than k workers are not listed (whatever ``analyze --help`` says of "every row"), so
#: what they do not list is not known to be empty.
SCREENS = {"employer", "recruiter"}


def parse_analyze(pub: Pub, out: Path) -> None:
    for path in sorted(out.iterdir()):
        if path.name == "findings.json":
            data = json.loads(path.read_text(encoding="utf-8"))
            for f in data.get("findings", []):
                measure, value = f.get("measure"), f.get("value")
                read_sentences(pub, f.get("text") or "", path.name)
                if value is None:
                    continue
                if measure == "theil_h":
                    pub.stats.setdefault("H", interval(repr(float(value))))
                elif measure == "mutual_information":
                    pub.stats.setdefault("M", interval(repr(float(value))))
                elif measure == "women_share":
                    pub.tables.append(Table(path.name, None, ["scope"],
                                            [{"share": interval(repr(float(value)))}], False))
            accounting = data.get("provenance", {}).get("accounting", {}).get("workers", {})
            if accounting.get("rows_kept") is not None:
                pub.used = interval(str(accounting["rows_kept"]), count=True)
            if pub.states and accounting.get("rows_out_of_scope", {}).get("other_state") is not None:
                pub.other_states = interval(str(accounting["rows_out_of_scope"]["other_state"]), count=True)
            continue
        if path.suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            header, records = list(frame.columns), frame.values.tolist()
            dicts = frame.to_dict("records")
        elif path.suffix == ".json":
            dicts = json.loads(path.read_text(encoding="utf-8"))
            header = list(dicts[0]) if dicts else []
            records = [[_jsonable(d.get(h)) for h in header] for d in dicts]
            dicts = [{h: _jsonable(d.get(h)) for h in header} for d in dicts]
        else:
            continue
        if not records:
            continue  # an empty table (a JSON list with no rows) says nothing
        if "positions" in header:  # certified positions: public DOL records, not worker records
            if "soc_code" in header:
                pub.positions.update({str(d["soc_code"])[:7]: float(d["positions"]) for d in dicts})
            continue
        if "stat" in header and "est" in header:
            if "fiscal_year" in header or "method" in header:
                continue  # by year, or the wage gap (log wages, not counts)
            for d in dicts:
                if str(d["stat"]) in ("M", "H") and interval(d["est"]) is not None:
                    pub.stats[str(d["stat"])] = interval(d["est"])
            continue
        if "group" in header and "applicants" in header:
            pub.selection.update(_selection(dicts, path.name))
            continue
        if "employer_id" in header:
            continue  # employer profiles and ambiguous matches: DOL records
        table = _table(path.name, header, records, CSV_COLUMNS, complete=True)
        if table is not None:
            if table.dim in SCREENS:
                table.complete = False
            pub.tables.append(table)
        else:
            raise Unreadable(f"{path.name}: a table the adversary does not know (columns {header})")


class _HTML(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.tables, self._stack, self._row, self._cell, self._skip = [], [], [], None, None, 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "table":
            self._stack.append([])
        elif tag == "tr" and self._stack:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._stack:
            self._stack[-1].append(self._row)
            self._row = None
        elif tag == "table" and self._stack:
            self.tables.append(self._stack.pop())
        if tag in ("p", "li", "div", "tr", "h1", "h2", "h3", "caption", "figcaption", "td", "th"):
            self.text.append("\n")

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


NUM = r"(\d[\d,]*(?:\.\d+)?)"
SENTENCES = [  # (regex, what the groups are) in English and Spanish; "~": a rounded count ("about")
    (re.compile(rf"Women were {NUM}% of the {NUM} workers"), ("share%", "n")),
    (re.compile(rf"Las mujeres fueron {NUM}\s?% de las {NUM} personas"), ("share%", "n")),
    (re.compile(rf"about {NUM} would have been women: about {NUM} women are missing"), ("expected~", "shortfall~")),
    (re.compile(rf"cerca de {NUM} habrían sido mujeres: faltan alrededor de {NUM} mujeres"),
     ("expected~", "shortfall~")),
    (re.compile(rf"{NUM}% of the women \({NUM}\) worked as “([^”]+)”, an occupation that holds {NUM}% of all "
                rf"workers; there women were {NUM}% of workers"), ("wshare%", "w", "title", "nshare%", "share%")),
    (re.compile(rf"{NUM}\s?% de las mujeres \({NUM}\) trabajaron como «([^»]+)», ocupación que reúne {NUM}\s?% de "
                rf"todas las personas trabajadoras; allí las mujeres fueron {NUM}\s?%"),
     ("wshare%", "w", "title", "nshare%", "share%")),
    (re.compile(rf"Among applicants, {NUM}% of women and {NUM}% of men were selected"), ("rateF%", "rateM%")),
    (re.compile(rf"Entre las personas solicitantes, fue seleccionado {NUM}\s?% de las mujeres y {NUM}\s?% de los "
                rf"hombres"), ("rateF%", "rateM%")),
    # the site's page of a recruiter (its name is the page's title)
    (re.compile(rf"{NUM} workers came through it, {NUM} of them women \({NUM}%\)\. Staffed like the US workforce, "
                rf"the same jobs would be {NUM}% women"), ("n", "w", "share%", "expected_share%")),
    (re.compile(rf"por él llegaron {NUM} trabajadores, {NUM} de ellos mujeres \({NUM}\s?%\)\. Si esos empleos se "
                rf"cubrieran como en la fuerza laboral de EE\. UU\., serían {NUM}\s?% mujeres"),
     ("n", "w", "share%", "expected_share%")),
    (re.compile(rf"\(Theil's H\) is {NUM}"), ("H",)),
    (re.compile(rf"\(índice H de Theil\) es {NUM}"), ("H",)),
    (re.compile(rf"{NUM} rows read, {NUM} used"), ("read", "used")),
    (re.compile(rf"{NUM} filas leídas, {NUM} usadas"), ("read", "used")),
    (re.compile(rf"{NUM} rows read, {NUM} kept"), ("read", "used")),  # the console's accounting line
    (re.compile(rf"{NUM} filas leídas, {NUM} conservadas"), ("read", "used")),
]
CONSOLE = SENTENCES[-4:]
#: the scope's worker evidence withheld: it holds fewer than k women or fewer than k men
SMALL_SCOPE = re.compile(r"hold fewer than \d+ women or fewer than \d+ men|tienen? menos de \d+ mujeres o menos de "
                         r"\d+ hombres")
OTHER_STATE = re.compile(r"other_state (\d[\d,]*)")
#: SOC titles as the reports print them (public: O*NET and any report's occupation table).
TITLES = {"Farmworkers and laborers, crop, nursery, and greenhouse": "45-2092",
          "Trabajadores agrícolas de cultivos, viveros e invernaderos": "45-2092",
          "Packers and packagers, hand": "53-7064", "Empacadores manuales": "53-7064",
          "Landscaping and groundskeeping workers": "37-3011", "Construction laborers": "47-2061",
          "Peones de construcción": "47-2061", "Food batchmakers": "51-3092",
          "Elaboradores de alimentos por lotes": "51-3092"}


def _about(text: str) -> tuple[float, float]:
    v = float(text.replace(",", ""))
    return (v - 0.5, v + 0.5)


def read_sentences(pub: Pub, text: str, source: str, page: str | None = None) -> None:
    """The numbers of the sentences that state a scope's totals, its channelling into the largest
    occupation, its selection rates, H, a recruiter's page on the site (``page``: its title) and the
    worker-record accounting; a scope whose worker evidence is withheld as too small."""
    text = " ".join(text.split())
    if SMALL_SCOPE.search(text):
        pub.small_scope = True
    for regex, groups in SENTENCES:
        for match in regex.finditer(text):
            got = dict(zip(groups, match.groups()))
            if "expected_share%" in got:
                if not page:
                    raise Unreadable(f"{source}: a recruiter's numbers on a page without its name")
                pub.tables.append(Table(source, "recruiter", [page], [{
                    "n": interval(got["n"], count=True), "w": interval(got["w"], count=True),
                    "share": interval(got["share%"] + "%"), "expected_share": interval(got["expected_share%"] + "%")}],
                    False))
            elif "share%" in got and "n" in got:
                pub.tables.append(Table(source, None, ["scope"], [{"share": interval(got["share%"] + "%"),
                                                                   "n": interval(got["n"], count=True)}], False))
            if "expected~" in got:
                pub.tables.append(Table(source, None, ["scope"], [{"expected": _about(got["expected~"]),
                                                                   "shortfall": _about(got["shortfall~"])}], False))
            if "title" in got:
                soc = TITLES.get(got["title"].strip())
                if soc is None:
                    raise Unreadable(f"{source}: the occupation {got['title']!r} has no SOC code in TITLES")
                pub.tables.append(Table(source, "soc", [soc], [{"w": interval(got["w"], count=True),
                                                                "share": interval(got["share%"] + "%")}], False))
                pub.ratios.append((("soc", soc, 1, 0), (None, None, 1, 0), interval(got["wshare%"] + "%")))
                pub.ratios.append((("soc", soc, 1, 1), (None, None, 1, 1), interval(got["nshare%"] + "%")))
            if "rateF%" in got:
                for q in ("rateF", "rateM"):  # the narrower of this and a table's full precision
                    iv = interval(got[q + "%"] + "%")
                    old = pub.selection.get(q, iv)
                    pub.selection[q] = (max(iv[0], old[0]), min(iv[1], old[1]))
            if "H" in got:
                pub.stats.setdefault("H", interval(got["H"]))
            if "used" in got:
                pub.used = interval(got["used"], count=True)


def parse_html(pub: Pub, path: Path) -> str:
    parser = _HTML()
    parser.feed(path.read_text(encoding="utf-8"))
    for rows in parser.tables:
        if len(rows) < 2:
            continue
        header = [h.strip().lower() for h in rows[0]]
        theil = [i for i, h in enumerate(header) if "theil" in h]
        if theil:  # the site's segregation by program and year: H of the scope when it has one row
            cells = [r[theil[0]].strip() for r in rows[1:]]
            for cell in cells:
                if interval(cell) is None and cell not in ("", "—", "hidden", "oculto"):
                    raise Unreadable(f"{path.name}: H printed as {cell!r}")
            if len(cells) == 1 and interval(cells[0]) is not None:
                pub.stats.setdefault("H", interval(cells[0]))
            continue
        if "w" not in {HTML_COLUMNS.get(h) for h in header}:
            if not PUBLIC_TABLE.search(" ".join(header)):
                raise Unreadable(f"{path.name}: a table the adversary does not know (columns {rows[0]})")
            at = next((i for i, h in enumerate(header) if HTML_COLUMNS.get(h) is None and KEYS.get(h) == "soc"),
                      None)
            pos = next((i for i, h in enumerate(header) if h in ("certified positions", "puestos certificados")),
                       None)
            if at is not None and pos is not None:
                pub.positions.update({r[at][:7]: float(r[pos].replace(",", "")) for r in rows[1:]})
            continue
        if KEYS.get(header[0]) == "soc" and {"occupation", "ocupación"} & set(header):
            at = next(i for i, h in enumerate(header) if h in ("occupation", "ocupación"))
            TITLES.update({r[at]: r[0][:7] for r in rows[1:]})
        table = _table(path.name, rows[0], rows[1:], HTML_COLUMNS, complete=False, empty_hidden=False)
        if table is not None:
            pub.tables.append(table)
    text = "".join(parser.text)
    flat = " ".join(text.split())
    hidden_as = {m for r in MARK_HIDDEN for m in r.findall(flat)}
    empty_as = {m for r in MARK_EMPTY for m in r.findall(flat)}
    if hidden_as & empty_as:
        pub.mark_conflicts.append(f"{path.name}: {sorted(hidden_as & empty_as)} said to mark both a hidden count "
                                  f"and no records")
    title = flat.split(" · ")[0] if " · " in flat else None
    read_sentences(pub, text, path.name, page=title)
    return text


#: what a page says its marks mean: a hidden (withheld) count, and no records
MARK_HIDDEN = [re.compile(r"withheld \(shown as “([^”]+)”\)"), re.compile(r"aparece como “([^”]+)”"),
               re.compile(r"“([^”]+)”: hidden \("), re.compile(r"«([^»]+)»: oculto \(")]
MARK_EMPTY = [re.compile(r"“([^”]+)”: no records"), re.compile(r"«([^»]+)»: sin registros"),
              re.compile(r"“([^”]+)” means no records")]


#: a site page that carries numbers from the worker records (the rest are DOL records: employers,
#: states, directories); checked on the raw page, before parsing, for speed
WORKER_PAGE = re.compile(r"<th[^>]*>\s*(Women|Mujeres)\s*</th>|of them women|de ellos mujeres|Women were|"
                         r"Las mujeres fueron|fewer than \d+ women or|menos de \d+ mujeres o")


def parse_site(pub: Pub, out: Path) -> None:
    """Every page of the site that carries worker-record numbers, in every language, and the search
    index: a name listed there with a number would be a count outside the pages."""
    read = 0
    for path in sorted(out.rglob("*.html")):
        if WORKER_PAGE.search(path.read_text(encoding="utf-8")):
            parse_html(pub, path)
            read += 1
    pub.pages = read
    for path in sorted(out.rglob("*.js*")):
        text = path.read_text(encoding="utf-8")
        if "=" in text[:200] and text.lstrip().startswith("window."):
            data = json.loads(text.split("=", 1)[1].strip().rstrip(";"))
            fields = data.get("fields", [])
            for row in data.get("rows", []):
                for name, value in zip(fields, row):
                    if name in ("name", "kind", "states", "years", "url", "words"):
                        continue
                    raise Unreadable(f"{path.name}: field {name!r} ({value!r}) is neither read nor known")


PAGE_NUMBER = re.compile(r"^\s*(\d+ / \d+|\d+\.)\s*$", re.M)  # "5 / 13", and an ordered list's "2."


def parse_pdf(pub: Pub, path: Path) -> str:
    """The PDF's text (pypdf), its sentences read into the publication; returned to be compared with
    the HTML of the same run."""
    pypdf = pytest.importorskip("pypdf")
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages)
    text = re.sub(r"\u2010\n", "", text)  # words hyphenated at a line end
    text = re.sub(r"(?<![\d-])(\d{2}-\d{1,3})\n(\d{1,3})(?!\d)",  # a SOC code wrapped in a narrow column
                  lambda m: m[1] + m[2] if len(m[1]) + len(m[2]) == 7 else m[0], text)
    read_sentences(pub, text, path.name)
    return PAGE_NUMBER.sub(" ", text)


# --------------------------------------------------------------------------------------------- running

def run_cli(argv: list[str]) -> tuple[int, str]:
    """Run ``h2gender ARGV`` in this process (as the console script does); exit code and all output."""
    from toolkit.cli import run

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        try:
            run(argv)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, buf.getvalue()


CRASH = re.compile(r"Traceback|^error: [A-Z]\w*(Error|Exception):", re.M)


def make_pub(name: str, tmp: Path, workers: Path, mapping: Path) -> Pub:
    chain, verb, fy, state, k, fmt, lang = ALL_RUNS[name]
    out = tmp / "out" / name
    argv = ["--data-dir", str(tmp / "data" / chain), verb, "--program", PROGRAM, "--fy", fy, "--k", str(k),
            "--lang", lang, "--workers", str(workers), "--mapping", str(mapping), "--out", str(out), "--no-progress"]
    argv += ["-j", "1"] if verb == "site" else ["--format", fmt]
    if state:
        argv += ["--state", state]
    code, message = run_cli(argv)
    years = tuple(int(y) for y in fy.split(","))
    pub = Pub(name, years, tuple(state.split(",")) if state else None, k, exit_code=code, message=message)
    for regex, groups in CONSOLE:  # what the console printed is published to whoever ran it
        for match in regex.finditer(message):
            pub.used = interval(dict(zip(groups, match.groups()))["used"], count=True)
    if state and OTHER_STATE.search(message):
        pub.other_states = interval(OTHER_STATE.search(message).group(1), count=True)
    if code != 0:
        assert code == 1 and not CRASH.search(message), f"{name}: the run failed, not a refusal:\n{message}"
        pub.refused = True
        return pub
    if verb == "analyze":
        parse_analyze(pub, out)
    elif verb == "site":
        parse_site(pub, out)
    else:
        html = " ".join(parse_html(pub, path) for path in sorted(out.glob("*.html")))
        for path in sorted(out.glob("*.pdf")):
            pdf = parse_pdf(pub, path)
            pub.pdf_only = sorted(set(NUMBER.findall(pdf)) - set(NUMBER.findall(html)))
    return pub


NUMBER = re.compile(r"(?<![\w.,-])-?\d[\d,]*(?:\.\d+)?%?(?!\w)")  # not a piece of a checksum


# --------------------------------------------------------------------------------------------- attack (a)

class Model:
    """Linear model of everything a set of publications says about the hidden counts."""

    def __init__(self, pubs: list[Pub], bench: dict[str, float], pool_rows: bool = False):
        self.pubs, self.pool_rows = pubs, pool_rows
        self.years = sorted({y for p in pubs for y in p.years})
        vals = {d: set() for d in DIMS}
        for p in pubs:
            for t in p.tables:
                if t.dim:
                    vals[t.dim] |= {key for key in t.keys if not isinstance(key, tuple)}
            vals["state"] |= set(p.states or ())
        self.vals = {d: sorted(v) + ["~"] for d, v in vals.items()}  # "~": values never printed
        base = list(itertools.product(self.years, self.vals["state"], self.vals["soc"]))
        self.nbase = len(base)
        self.base = {"year": np.array([b[0] for b in base]), "state": np.array([b[1] for b in base], dtype=object),
                     "soc": np.array([b[2] for b in base], dtype=object)}
        self.offset, self.cols, n = {}, {}, 0
        for side in SIDES:
            nv = len(self.vals[side])
            self.cols[side] = {"year": np.repeat(self.base["year"], nv), "state": np.repeat(self.base["state"], nv),
                               "soc": np.repeat(self.base["soc"], nv),
                               side: np.tile(np.array(self.vals[side], dtype=object), self.nbase)}
            self.offset[side] = n
            n += 2 * self.nbase * nv  # women then men
        rej = list(itertools.product(self.years, self.vals["state"]))
        self.rej = {"year": np.array([r[0] for r in rej]), "state": np.array([r[1] for r in rej], dtype=object)}
        self.offset["rej"] = n
        n += 2 * len(rej)
        self.n = n
        self.ub = np.full(n, np.inf)
        self.bench = {soc: bench.get(soc) for soc in self.vals["soc"]}
        self.rows, self.hyp, self.where, self.context = [], [], [], None
        self._build()

    # masks and vectors ---------------------------------------------------------------------------
    def _mask(self, side, years, states, dim, key):
        c = self.cols[side]
        m = np.isin(c["year"], years)
        if states is not None:
            m &= np.isin(c["state"], list(states))
        if dim is not None:
            m &= ~np.isin(c[dim], list(key[1])) if isinstance(key, tuple) else c[dim] == key
        return m

    def vec(self, years, states, dim, key, cw, cm, side=None):
        """Coefficients of sum over the cells of (years, states, dim=key) of cw*women + cm*men; cw and
        cm may be arrays indexed by the cells' SOC benchmark (callables of the soc column)."""
        side = side or (dim if dim in SIDES else SIDES[0])
        m = self._mask(side, years, states, dim, key)
        idx = np.flatnonzero(m)
        soc = self.cols[side]["soc"][idx]
        w = cw(soc) if callable(cw) else np.full(len(idx), float(cw))
        mm = cm(soc) if callable(cm) else np.full(len(idx), float(cm))
        nv = len(self.vals[side]) * self.nbase
        v = np.zeros(self.n)
        v[self.offset[side] + idx] = w
        v[self.offset[side] + nv + idx] = mm
        return v

    def rejected(self, years, states, cw, cm):
        m = np.isin(self.rej["year"], years)
        if states is not None:
            m &= np.isin(self.rej["state"], list(states))
        v = np.zeros(self.n)
        nr = len(self.rej["year"])
        v[self.offset["rej"] + np.flatnonzero(m)] = cw
        v[self.offset["rej"] + nr + np.flatnonzero(m)] = cm
        return v

    def _add(self, v, lo, hi, hyp=False):
        (self.hyp if hyp else self.rows).append((v, lo, hi))
        self.where.append(self.context)  # which publication, table and row (to explain a conflict)

    def _bvec(self, soc):
        return np.array([np.nan if self.bench.get(s) is None else self.bench[s] for s in soc])

    # facts -----------------------------------------------------------------------------------------
    def _build(self):
        nb = self.nbase
        link_rows, link_cols, link_vals, r = [], [], [], 0
        for side in SIDES[1:]:  # the sides agree on each (year, state, soc) cell, for each sex
            n0, n1 = len(self.vals[SIDES[0]]), len(self.vals[side])
            for sex in (0, 1):
                for b in range(nb):
                    first = self.offset[SIDES[0]] + sex * nb * n0 + b * n0 + np.arange(n0)
                    other = self.offset[side] + sex * nb * n1 + b * n1 + np.arange(n1)
                    link_rows += [r] * (n0 + n1)
                    link_cols += first.tolist() + other.tolist()
                    link_vals += [1.0] * n0 + [-1.0] * n1
                    r += 1
        self.link = sparse.csr_matrix((link_vals, (link_rows, link_cols)), shape=(r, self.n))
        for p in self.pubs:
            for t in p.tables:
                if t.complete and t.dim:  # values a complete table does not list are empty in its scope
                    sides = [t.dim] if t.dim in SIDES else list(SIDES)
                    for side in sides:
                        m = self._mask(side, p.years, p.states, None, None) & ~np.isin(self.cols[side][t.dim], t.keys)
                        nv = len(self.vals[side]) * nb
                        self.ub[self.offset[side] + np.flatnonzero(m)] = 0
                        self.ub[self.offset[side] + nv + np.flatnonzero(m)] = 0
        for benchmarked in (False, True):  # counts first; then facts weighted by the benchmarks
            self.benchmarked = benchmarked
            if benchmarked:
                self._close_unbenchmarked()
            for p in self.pubs:
                for t in p.tables:
                    for i, (key, cell) in enumerate(zip(t.keys, t.cells)):
                        self.context = (p.name, t.source, key)
                        years = t.years[i] if t.years else p.years
                        self._facts(p, years, t.dim, None if t.dim is None else key, cell)
                    if not benchmarked:
                        self._order(p, t)
                if not benchmarked:
                    self._selection(p)
                    for (nd, nk, nw, nm), (dd, dk, dw, dm), (lo, hi) in p.ratios:
                        self.context = (p.name, "ratio", nk)
                        num = self.vec(p.years, p.states, nd, nk, nw, nm)
                        den = self.vec(p.years, p.states, dd, dk, dw, dm)
                        self._add(num - lo * den, 0, np.inf)
                        self._add(num - hi * den, -np.inf, 0)
                    if p.used is not None:
                        v = self.vec(p.years, p.states, None, None, 1, 1) + self.rejected(p.years, p.states, 1, 1)
                        self._add(v, *p.used)
                    if p.other_states is not None:
                        others = tuple(s for s in self.vals["state"] if s not in p.states)
                        v = self.vec(p.years, others, None, None, 1, 1) + self.rejected(p.years, others, 1, 1)
                        self._add(v, *p.other_states)

    def _close_unbenchmarked(self):
        """Cells of an occupation with no published benchmark that the counts leave empty are closed,
        so a benchmark-weighted fact can be written over the rest."""
        for side in SIDES:
            nv = len(self.vals[side]) * self.nbase
            idx = np.flatnonzero(np.isnan(self._bvec(self.cols[side]["soc"])))
            cols = np.concatenate([self.offset[side] + idx, self.offset[side] + nv + idx])
            cols = cols[self.ub[cols] > 0]
            if not len(cols) or not self.rows:
                continue
            c = np.zeros(self.n)
            c[cols] = 1
            got = self.solve([c], hyp=False, integer_width=0)
            if got is not None and got[0][1] == 0:
                self.ub[cols] = 0

    def _benchmarked(self, p, years, dim, key):
        """Whether every cell that may hold workers has the benchmark of its occupation."""
        side = dim if dim in SIDES else SIDES[0]
        m = self._mask(side, years, p.states, dim, key)
        nv = len(self.vals[side]) * self.nbase
        idx = np.flatnonzero(m)
        open_ = (self.ub[self.offset[side] + idx] > 0) | (self.ub[self.offset[side] + nv + idx] > 0)
        b = self._bvec(self.cols[side]["soc"][idx])
        return not np.isnan(b[open_]).any()

    def pooled(self, p) -> tuple[set, float | None]:
        """The occupations a publication hides and the one benchmark its scope-wide expected count
        (and, where the outputs read so, a row's: ``pool_rows``, tried when the other reading is
        infeasible) gives them. The README: statistics are computed from the published table with the hidden rows
        merged into one "other (hidden)" row. Read off the outputs (national k = 5 and 60, Florida
        k = 5), that row's share is the mean of its occupations' shares weighted by their certified
        positions in scope (public DOL counts, printed beside), or their plain mean when none has
        positions."""
        hidden = {key for t in p.tables if t.dim == "soc" and not t.years
                  for key, cell in zip(t.keys, t.cells) if not isinstance(key, tuple) and "w" not in cell}
        shares = {soc: self.bench.get(soc) for soc in hidden}
        if not hidden or any(v is None for v in shares.values()):
            return hidden, None
        weights = {soc: p.positions.get(soc, 0.0) for soc in hidden}
        if sum(weights.values()) > 0:
            return hidden, sum(weights[s] * shares[s] for s in hidden) / sum(weights.values())
        return hidden, sum(shares.values()) / len(hidden)

    def _facts(self, p, years, dim, key, cell):
        args = (years, p.states, dim, key)
        ratio = lambda num_w, num_m, iv: (  # noqa: E731  num/n in [lo, hi] -> num - lo*n >= 0, num - hi*n <= 0
            self._add(self.vec(*args, _sub(num_w, iv[0]), _sub(num_m, iv[0])), 0, np.inf),
            self._add(self.vec(*args, _sub(num_w, iv[1]), _sub(num_m, iv[1])), -np.inf, 0))
        bench = lambda soc: np.nan_to_num(self._bvec(soc))  # noqa: E731
        if (dim is None or self.pool_rows) and self.benchmarked:
            hidden, beta = self.pooled(p)
            if hidden and beta is None:
                return  # a hidden occupation without a published benchmark: the pooled share is unknown
            if hidden:
                hid = np.array(sorted(hidden), dtype=object)
                bench = lambda soc: np.where(np.isin(soc, hid), beta, np.nan_to_num(self._bvec(soc)))  # noqa: E731
        for q, iv in cell.items():
            if (q in ("expected", "shortfall", "expected_share", "missing_per_100")) != self.benchmarked:
                continue
            if q == "w":
                self._add(self.vec(*args, 1, 0), *iv)
            elif q == "m":
                self._add(self.vec(*args, 0, 1), *iv)
            elif q == "n":
                self._add(self.vec(*args, 1, 1), *iv)
            elif q == "share":
                ratio(1.0, 0.0, iv)
            elif q in ("expected", "shortfall", "expected_share", "missing_per_100"):
                if dim == "soc" and q == "expected_share":
                    continue  # the benchmark itself
                if not self._benchmarked(p, years, dim, key):
                    continue
                if q == "expected":
                    self._add(self.vec(*args, bench, bench), *iv)
                elif q == "shortfall":
                    self._add(self.vec(*args, lambda s: bench(s) - 1, bench), *iv)
                elif q == "expected_share":
                    ratio(bench, bench, iv)
                else:
                    ratio(lambda s: 100 * (bench(s) - 1), lambda s: 100 * bench(s), iv)

    def _order(self, p, t):
        """Hypothesis: a table whose visible rows are sorted by a count is sorted by it throughout."""
        if t.dim is None or len(t.keys) < 3:
            return
        for q, (cw, cm) in (("n", (1, 1)), ("w", (1, 0))):
            seen = [c[q][0] for c in t.cells if q in c]
            if len(seen) < 3 or len(seen) == len(t.cells) or len(set(seen)) < 2:
                continue
            diffs = np.diff(seen)
            sign = 1 if (diffs <= 0).all() else -1 if (diffs >= 0).all() else 0
            if not sign:
                continue
            for a, b in zip(t.keys, t.keys[1:]):
                v = self.vec(p.years, p.states, t.dim, a, cw, cm) - self.vec(p.years, p.states, t.dim, b, cw, cm)
                self._add(sign * v, 0, np.inf, hyp=True)

    def _selection(self, p):
        s = p.selection
        for sex, (cw, cm), (rw, rm) in (("F", (1, 0), (1, 0)), ("M", (0, 1), (0, 1))):
            sel = self.vec(p.years, p.states, None, None, cw, cm)
            app = sel + self.rejected(p.years, p.states, rw, rm)
            if "sel" + sex in s:
                self._add(sel, *s["sel" + sex])
            if "app" + sex in s:
                self._add(app, *s["app" + sex])
            if "rate" + sex in s:
                lo, hi = s["rate" + sex]
                self._add(sel - lo * app, 0, np.inf)
                self._add(sel - hi * app, -np.inf, 0)

    # solving ---------------------------------------------------------------------------------------
    def system(self, hyp: bool):
        rows = self.rows + (self.hyp if hyp else []) or [(np.zeros(self.n), -np.inf, np.inf)]
        A = sparse.vstack([sparse.csr_matrix(v) for v, _, _ in rows]).tocsr()
        lo = np.array([r[1] for r in rows], float)
        hi = np.array([r[2] for r in rows], float)
        return A, lo, hi

    def solve(self, objectives: list[np.ndarray], hyp: bool, integer_width: int = 0):
        """[min, max] of each objective over the integer points of the system (None: infeasible): the
        LP bounds, tightened by an integer program when they leave 3 to ``integer_width`` values."""
        A, lo, hi = self.system(hyp)
        keep = self.ub > 0  # closed cells are left out of the solver's problem
        A = A[:, keep]
        link = self.link[:, keep]
        ub = self.ub[keep]
        fin_hi, fin_lo = np.isfinite(hi), np.isfinite(lo)
        A_ub = sparse.vstack([A[fin_hi], -A[fin_lo]]).tocsr()
        b_ub = np.concatenate([hi[fin_hi], -lo[fin_lo]])
        eq = dict(A_eq=link, b_eq=np.zeros(link.shape[0])) if link.shape[0] else {}
        bounds = [(0, None if np.isinf(u) else u) for u in ub]
        first = linprog(np.zeros(keep.sum()), A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs", options=HIGHS,
                        **eq)
        if first.status == 2:
            return None
        out = []
        for c in objectives:
            c = c[keep]
            ends = []
            for sign in (1, -1):
                r = linprog(sign * c, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs", options=HIGHS, **eq)
                ends.append(sign * r.fun if r.status == 0 else (-np.inf if sign > 0 else np.inf))
            low = math.ceil(ends[0] - 1e-6) if np.isfinite(ends[0]) else 0
            high = math.floor(ends[1] + 1e-6) if np.isfinite(ends[1]) else 10**9
            if 2 < high - low + 1 <= integer_width:
                cons = [LinearConstraint(A, lo, hi)] + ([LinearConstraint(link, 0, 0)] if link.shape[0] else [])
                for sign in (1, -1):
                    r = milp(sign * c, constraints=cons, integrality=np.ones(len(c)), bounds=Bounds(0, ub),
                             options={"time_limit": 2})
                    if r.status == 0:  # solved to optimality
                        low, high = (max(low, round(r.fun)), high) if sign > 0 else (low, min(high, round(-r.fun)))
            out.append((low, high))
        return out


#: feasibility tolerances above the printed precision's round-off; HiGHS's presolve off (2x faster here)
HIGHS = {"primal_feasibility_tolerance": 1e-6, "dual_feasibility_tolerance": 1e-6, "presolve": False}


def _sub(coef, x):
    if callable(coef):
        return lambda soc: coef(soc) - x
    return coef - x


# --------------------------------------------------------------------------------------------- targets

def targets(pub: Pub) -> dict[tuple, tuple]:
    """Hidden counts of women in a publication: target -> (dim, key) of the row hiding it."""
    out = {}
    for t in pub.tables:
        for i, (key, cell) in enumerate(zip(t.keys, t.cells)):
            years = t.years[i] if t.years else pub.years
            if "w" not in cell and t.dim is not None:
                out[(years, pub.states, t.dim, key, "w")] = (t.dim, key)
            if "w" not in cell and t.dim is None and t.source != "findings.json" and "n" not in cell:
                out[(years, pub.states, None, None, "w")] = (None, None)
    s = pub.selection
    if s and not ("appF" in s and "selF" in s):
        out[(pub.years, pub.states, None, None, "rw")] = (None, None)
    return out


def published(pub: Pub) -> set:
    out = set()
    for t in pub.tables:
        for i, (key, cell) in enumerate(zip(t.keys, t.cells)):
            if "w" in cell and cell["w"][0] == cell["w"][1]:
                years = t.years[i] if t.years else pub.years
                out.add((years, pub.states, t.dim, None if t.dim is None else key, "w"))
    return out


def objective(model: Model, target: tuple) -> np.ndarray:
    years, states, dim, key, what = target
    if what == "rw":
        return model.rejected(years, states, 1, 0)
    return model.vec(years, states, dim, key, 1, 0)


@dataclass
class Break:
    attack: str
    pubs: tuple
    target: tuple
    truth: int
    candidates: tuple

    def __str__(self):
        years, states, dim, key, what = self.target
        scope = "nation" if states is None else ",".join(states)
        name = key if not isinstance(key, tuple) else "other (hidden)"
        return (f"{self.attack} on {' + '.join(self.pubs)}: {'rejected ' if what == 'rw' else ''}women in "
                f"{dim or 'scope'} {name or ''} [{scope} FY{','.join(map(str, years))}] = {self.truth}, "
                f"narrowed to {list(self.candidates)}")


def _branches(model: Model, live: list[Pub]) -> list[list]:
    """The cases a withheld scope leaves open: its worker evidence is withheld because it holds fewer
    than k women or fewer than k men (the output says which rule, not which sex). One list of extra
    rows per combination of cases; admitted counts only, which any reading of "in scope" bounds."""
    cases = []
    for p in live:
        if p.small_scope:
            cases.append([(model.vec(p.years, p.states, None, None, cw, cm), 0, p.k - 1)
                          for cw, cm in ((1, 0), (0, 1))])
    return [list(combo) for combo in itertools.product(*cases)]


def _solve_branches(model: Model, branches: list, objs: list, hyp: bool):
    """[min, max] of each objective over the union of the branches (None: all infeasible)."""
    base, out = list(model.rows), None
    for extra in branches:
        model.rows = base + extra
        got = model.solve(objs, hyp=hyp)
        if got is not None:
            out = got if out is None else [(min(a[0], b[0]), max(a[1], b[1])) for a, b in zip(out, got)]
    model.rows = base
    return out


def attack(pubs: list[Pub], rows: pd.DataFrame, bench: dict, narrow: list | None = None
           ) -> tuple[list[Break], list[str]]:
    """Breaks found in a set of publications, and the model errors (a hypothesis-free bound that
    excludes the truth means the adversary misread a number: the test is then wrong, not the tool).
    ``narrow`` (if given) receives the small hidden counts whose hypothesis-free interval does not
    run from at most 1 to at least k, the README's guarantee, even where it keeps three or more values."""
    live = [p for p in pubs if not p.refused]
    if not live:
        return [], []
    hidden = {}
    for p in live:
        hidden.update(targets(p))
    shown = set().union(*(published(p) for p in live))
    goal = [t for t in hidden if t not in shown]
    breaks, errors = [], []
    if not goal and not any(p.stats for p in live):
        return [], []
    names = tuple(p.name for p in live)
    for pool_rows in (False, True):  # rows' expected counts: each occupation's share, or the merged one
        model = Model(live, bench, pool_rows)
        objs = [objective(model, t) for t in goal]
        branches = _branches(model, live)
        plain = _solve_branches(model, branches, objs, hyp=False)
        if plain is not None:
            break
    if plain is None:
        return [], [f"{names}: the published numbers, read as the adversary reads them, are infeasible"]
    open_ = [i for i, (lo, hi) in enumerate(plain) if 2 < hi - lo + 1 <= 40]  # where an order may decide
    with_h = [None] * len(goal)
    if model.hyp and open_:
        solved = _solve_branches(model, branches, [objs[i] for i in open_], hyp=True)
        for i, h in zip(open_, solved or []):
            with_h[i] = h
    kmax = max(p.k for p in live)
    bounds = {}
    for t, (lo, hi), h in zip(goal, plain, with_h):
        true = truth(rows, t)
        if not lo <= true <= hi:
            errors.append(f"{names}: {t} bounded to [{lo}, {hi}] without hypotheses, truth {true}")
            continue
        if narrow is not None and 1 <= true < kmax and (lo > 1 or hi < kmax):
            narrow.append(Break(f"interval short of [<=1, >={kmax}]", names, t, true, (lo, hi)))
        if h is not None and h[0] <= true <= h[1]:
            lo, hi = max(lo, h[0]), min(hi, h[1])
        bounds[t] = (lo, hi)
        if hi - lo + 1 <= 2:
            breaks.append(Break("linear", names, t, true, tuple(range(lo, hi + 1))))
    for p in live:
        breaks += global_statistic_attack(p, model, rows, bounds, names)
    # What must stay hidden is a small group: a count of 1 to k-1 people (the publications' largest
    # k). A hidden 0, or a count of k or more hidden only to protect its neighbours, names no small
    # group; recovering one is not a disclosure (and its part in narrowing the small counts is
    # already in their own bounds, which are checked here).
    return [b for b in breaks if 1 <= b.truth < kmax], errors


# --------------------------------------------------------------------------------------------- attack (b)

def miller_madow(w: np.ndarray, n: np.ndarray, W: float, N: float) -> tuple[np.ndarray, np.ndarray]:
    """Theil's M and H of occupations x sex, Miller-Madow corrected; w, n: (combos, rows)."""
    m = n - w
    Mt = N - W
    with np.errstate(divide="ignore", invalid="ignore"):
        tw = np.where(w > 0, w * np.log(w * N / (n * W)), 0.0)
        tm = np.where(m > 0, m * np.log(m * N / (n * Mt)), 0.0)
    rows = (n > 0).sum(axis=1)
    M = (tw + tm).sum(axis=1) / N - (rows - 1) / (2 * N)
    hs = -(W / N * math.log(W / N) + Mt / N * math.log(Mt / N))
    return M, M / hs


def global_statistic_attack(p: Pub, model: Model, rows: pd.DataFrame, bounds: dict, names: tuple,
                            cap: int = 3_000_000) -> list[Break]:
    if not p.stats:
        return []
    # the scope's women and workers: printed, or the few values the linear attack leaves
    whole = [model.vec(p.years, p.states, None, None, 1, 0), model.vec(p.years, p.states, None, None, 1, 1)]
    (wlo, whi), (nlo, nhi) = model.solve(whole, hyp=False)
    if whi - wlo > 4 or nhi - nlo > 4:
        return []
    out, memo = [], {}
    for W, N in itertools.product(range(wlo, whi + 1), range(nlo, nhi + 1)):
        out += _theil_completions(p, model, rows, names, W, N, cap, memo)
    return _unique(out)


def _unique(breaks):
    """One break per target: the union of the candidates left by each completion of the scope."""
    seen = {}
    for b in breaks:
        if b.target in seen:
            seen[b.target].candidates = tuple(sorted(set(seen[b.target].candidates) | set(b.candidates)))
        else:
            seen[b.target] = b
    return [b for b in seen.values() if len(b.candidates) <= 2 and b.truth in b.candidates]


def _theil_completions(p, model, rows, names, W, N, cap, memo):
    out = []
    for t in p.tables:
        if t.dim != "soc":
            continue
        vis = [i for i, c in enumerate(t.cells) if "w" in c and "n" in c and c["w"][0] == c["w"][1]]
        hid = [i for i in range(len(t.cells)) if i not in vis]
        if not hid:
            continue
        wh = W - sum(t.cells[i]["w"][0] for i in vis)
        nh = N - sum(t.cells[i]["n"][0] for i in vis)
        if id(t) not in memo:  # each hidden row's women and workers, as the linear attack bounds them
            objs = []
            for i in hid:
                objs += [model.vec(p.years, p.states, "soc", t.keys[i], 1, 0),
                         model.vec(p.years, p.states, "soc", t.keys[i], 1, 1)]
            memo[id(t)] = model.solve(objs, hyp=False)
        rng = memo[id(t)]
        wr = [range(max(0, rng[2 * j][0]), min(wh, rng[2 * j][1]) + 1) for j in range(len(hid))]
        nr = [range(max(1, rng[2 * j + 1][0]), min(nh, rng[2 * j + 1][1]) + 1) for j in range(len(hid))]
        wc = _completions(wr, wh)
        nc = _completions(nr, nh)
        if len(wc) * len(nc) > cap or not len(wc) or not len(nc):
            continue
        wv = np.array([[t.cells[i]["w"][0] for i in vis]] * 1, float)
        nv = np.array([[t.cells[i]["n"][0] for i in vis]] * 1, float)
        ww = np.repeat(wc, len(nc), axis=0)
        nn = np.tile(nc, (len(wc), 1))
        ok = (nn >= ww).all(axis=1)
        ww, nn = ww[ok], nn[ok]
        M, H = miller_madow(np.hstack([np.repeat(wv, len(ww), 0), ww]), np.hstack([np.repeat(nv, len(nn), 0), nn]), W, N)
        keep = np.ones(len(ww), bool)
        for stat, values in (("M", M), ("H", H)):
            if stat in p.stats:
                lo, hi = p.stats[stat]
                keep &= (values >= lo - 1e-12) & (values <= hi + 1e-12)
        if not keep.any():
            continue  # the statistic is not computed from this table: no completion reproduces it
        for j, i in enumerate(hid):
            target = (p.years, p.states, "soc", t.keys[i], "w")
            cands = tuple(sorted(set(ww[keep, j].astype(int).tolist())))
            out.append(Break("global statistic (Theil M/H)", names, target, truth(rows, target), cands))
    return out


def _completions(ranges: list[range], total: int) -> np.ndarray:
    """Integer vectors with the j-th entry in ranges[j] summing to total."""
    if not ranges:
        return np.zeros((1, 0), int)
    grids = np.array(list(itertools.product(*ranges[:-1])), int).reshape(-1, len(ranges) - 1) if len(ranges) > 1 \
        else np.zeros((1, 0), int)
    last = total - grids.sum(axis=1)
    ok = (last >= ranges[-1].start) & (last < ranges[-1].stop)
    return np.column_stack([grids[ok], last[ok]])


# --------------------------------------------------------------------------------------------- fixtures

def _build(tmp, runs) -> tuple[dict, pd.DataFrame, dict]:
    workers, mapping = write_planted(tmp / "private")
    pubs = {name: make_pub(name, tmp, workers, mapping) for name in runs}
    bench = {}  # the US-workforce share of each occupation: public (BLS), read off any output
    for p in pubs.values():
        for t in p.tables:
            if t.dim == "soc":
                for key, cell in zip(t.keys, t.cells):
                    iv = cell.get("expected_share")
                    if iv is not None and not isinstance(key, tuple) and (
                            key not in bench or iv[1] - iv[0] < bench[key][1] - bench[key][0]):
                        bench[key] = iv
    bench = {key: sum(iv) / 2 for key, iv in bench.items()}
    return pubs, planted_rows(), bench


class Attacks:
    """Each set of outputs attacked once: the tests of breaks and of the README's interval read it."""

    def __init__(self, pubs, rows, bench):
        self.pubs, self.rows, self.bench, self.done = pubs, rows, bench, {}

    def __call__(self, names: tuple):
        if names not in self.done:
            narrow = []
            breaks, errors = attack([self.pubs[n] for n in names], self.rows, self.bench, narrow)
            self.done[names] = breaks, errors, narrow
        return self.done[names]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    pubs, rows, bench = _build(tmp_path_factory.mktemp("blackbox"), RUNS)
    return pubs, rows, bench, Attacks(pubs, rows, bench)


@pytest.fixture(scope="module")
def slow_world(tmp_path_factory):
    pubs, rows, bench = _build(tmp_path_factory.mktemp("blackbox_slow"), SLOW_RUNS)
    return pubs, rows, bench, Attacks(pubs, rows, bench)


def _fail(breaks, errors):
    lines = [str(b) for b in breaks] + [f"model error: {e}" for e in errors]
    return "\n".join(lines)


#: Outputs whose numbers the adversary's model could not read consistently would be named here and
#: xfailed (a break found in them still fails). Empty: every output now reads feasibly (the hidden
#: marks apart from "no records", the positions tables kept apart, the merged "other (hidden)" row's
#: benchmark in the scope's expected count, the new columns read or declared).
UNREAD: set[str] = set()


def _only_unread_model_errors(names, breaks, errors) -> bool:
    return not breaks and errors and set(names) & UNREAD and all("infeasible" in e for e in errors)


@pytest.mark.parametrize("name", list(RUNS))
def test_no_hidden_count_recovered_from_one_output(world, name):
    breaks, errors, _ = world[3]((name,))
    if _only_unread_model_errors([name], breaks, errors):
        pytest.xfail(f"{name}: the adversary's model reads its numbers as infeasible (see UNREAD)")
    assert not breaks and not errors, _fail(breaks, errors)


@pytest.mark.parametrize("pair", PAIRS, ids=["+".join(p) for p in PAIRS])
def test_no_hidden_count_recovered_from_two_outputs(world, pair):
    breaks, errors, _ = world[3](pair)
    if _only_unread_model_errors(pair, breaks, errors):
        pytest.xfail(f"{pair}: the adversary's model reads the numbers as infeasible (see UNREAD)")
    assert not breaks and not errors, _fail(breaks, errors)


@pytest.mark.parametrize("names", [(n,) for n in RUNS] + PAIRS, ids=["+".join(p) for p in [(n,) for n in RUNS] + PAIRS])
def test_hidden_intervals_run_from_one_to_k(world, names):
    """The README's guarantee, stronger than no break: every small hidden count's interval, from all
    that the outputs publish, runs from at most 1 to at least k."""
    _, _, narrow = world[3](tuple(names))
    assert not narrow, "\n".join(map(str, narrow))


def test_pdf_prints_no_number_its_html_does_not(world):
    """The PDF of a report is the same publication as its HTML: a number only the PDF prints (a label,
    another rounding) would be a channel the HTML's audit never saw."""
    pubs = world[0]
    pdfs = [p for p in pubs.values() if ALL_RUNS[p.name][5] == "both" and not p.refused]
    assert pdfs, "no report was rendered as HTML and PDF"
    extra = {p.name: p.pdf_only for p in pdfs if p.pdf_only}
    assert not extra, extra


def test_no_page_gives_one_mark_two_meanings(world):
    """A reader takes a cell's mark at the page's word: a page that says "—" is a withheld count and
    also that "—" is no records leaves a zero and a small count indistinguishable to the reader, or
    reads a hidden count as zero."""
    conflicts = [c for p in world[0].values() for c in p.mark_conflicts]
    assert not conflicts, "\n".join(conflicts[:10]) + f"\n({len(conflicts)} pages)"


def test_site_pages_with_worker_numbers_are_read(world):
    """The site is attacked through its pages: its national page and a page per recruiter shown."""
    pubs = world[0]
    for p in pubs.values():
        if ALL_RUNS[p.name][1] == "site" and not p.refused:
            assert p.pages >= 2, f"{p.name}: {p.pages} pages with worker numbers read"
            assert any(t.dim == "recruiter" and len(t.keys) == 1 for t in p.tables), p.name


@pytest.mark.slow
@pytest.mark.parametrize("names", [(n,) for n in SLOW_RUNS] + SLOW_PAIRS,
                         ids=["+".join(p) for p in [(n,) for n in SLOW_RUNS] + SLOW_PAIRS])
def test_sweep_no_hidden_count_recovered(slow_world, names):
    """The exhaustive sweep: every output of the slow chains alone and every pair within a chain."""
    breaks, errors, narrow = slow_world[3](tuple(names))
    assert not breaks and not errors and not narrow, _fail(breaks + narrow, errors)


def test_refusals_name_no_count_nor_scope_size(world):
    pubs, rows, _, _ = world
    leaks = []
    for p in pubs.values():
        if not p.refused:
            continue
        scope = rows[rows["fiscal_year"].isin(p.years)]
        if p.states:
            scope = scope[scope["worksite_state"].isin(p.states)]
        sizes = {len(scope), int(scope["selected"].sum()), int((scope["sex"] == "F").sum()),
                 int((scope["sex"] == "M").sum()), int(((scope["sex"] == "F") & scope["selected"]).sum()),
                 int(((scope["sex"] == "M") & scope["selected"]).sum())}
        sizes |= {truth(rows, t) for t in _all_cells(p)}
        public = {p.k, *p.years, len(rows)}
        said = re.sub(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?", " ", p.message)  # dates and times are public
        said = re.sub(r"\b\d{2}-\d{4}\b", " ", said)  # SOC codes name occupations, not counts
        numbers = {int(x.replace(",", "")) for x in re.findall(r"(?<![\w.])\d[\d,]*(?![\w.])", said)}
        bad = sorted((numbers & sizes) - public)
        if bad:
            leaks.append(f"{p.name}: refusal prints {bad}: {p.message.strip()!r}")
    assert not leaks, "\n".join(leaks)


def _all_cells(p: Pub):
    for dim, col in DIMS.items():
        for key in {b[{"state": 1, "soc": 2, "employer": 3, "recruiter": 4}[dim]] for b in BLOCKS}:
            yield (p.years, p.states, dim, key, "w")


def test_visible_ranks_do_not_skip(world):
    """A rank that skips numbers tells where hidden rows stand (above or between visible ones)."""
    pubs, _, _, _ = world
    skips = []
    for p in pubs.values():
        for t in p.tables:
            ranks = [c["rank"][0] for c in t.cells if "rank" in c]
            if ranks and sorted(round(r) for r in ranks) != list(range(1, len(ranks) + 1)):
                skips.append(f"{p.name} {t.source} ({t.dim}): ranks {[round(r) for r in ranks]}")
    assert not skips, "\n".join(skips)


# --------------------------------------------------------------------------------------------- the attacks work

def _toy_rows(cells):
    """Planted rows for a toy table: [(year, state, soc, women, men)]."""
    recs = []
    for fy, state, soc, w, m in cells:
        recs += [(fy, state, soc, "E", "R", "F", True)] * w + [(fy, state, soc, "E", "R", "M", True)] * m
    return pd.DataFrame(recs, columns=["fiscal_year", "worksite_state", "soc_code", "employer_name", "recruiter",
                                       "sex", "selected"])


def _toy_pub(name, cells, hide, scope=True, complete=True, stats=None):
    keys = [c[2] for c in cells]
    shown = [{} if c[2] in hide else {"w": (c[3], c[3]), "n": (c[3] + c[4],) * 2} for c in cells]
    p = Pub(name, (2020,), None, 5, stats=stats or {})
    p.tables.append(Table("occupations", "soc", keys, shown, complete))
    if scope:
        W, N = sum(c[3] for c in cells), sum(c[3] + c[4] for c in cells)
        p.tables.append(Table("availability", None, ["scope"], [{"w": (W, W), "n": (N, N)}], False))
    return p


def test_attack_machinery_recovers_a_cell_from_its_margin():
    """All but one row and the total published: the linear attack gives the hidden row back."""
    cells = [(2020, "GA", "45-2092", 30, 300), (2020, "GA", "53-7064", 12, 40), (2020, "GA", "37-3011", 3, 20)]
    rows = _toy_rows(cells)
    breaks, errors = attack([_toy_pub("toy", cells, {"37-3011"})], rows, {})
    assert not errors
    assert [(b.target[3], b.truth, b.candidates) for b in breaks] == [("37-3011", 3, (3,))]
    # two hidden rows and the total: the pair sums to 15, each anywhere in 0..15 -> no break
    breaks, _ = attack([_toy_pub("toy", cells, {"37-3011", "53-7064"})], rows, {})
    assert not breaks


def test_attack_machinery_interval_short_of_k():
    """Two hidden rows whose sum, by the total, is 4 < k = 5: neither is narrowed to two values (no
    break), but neither interval reaches k, which the README's guarantee forbids."""
    cells = [(2020, "GA", "45-2092", 30, 300), (2020, "GA", "53-7064", 3, 40), (2020, "GA", "37-3011", 1, 20)]
    rows = _toy_rows(cells)
    narrow = []
    breaks, errors = attack([_toy_pub("toy", cells, {"53-7064", "37-3011"})], rows, {}, narrow)
    assert not errors and not breaks
    assert {(b.target[3], b.truth, b.candidates) for b in narrow} == {("53-7064", 3, (0, 4)), ("37-3011", 1, (0, 4))}
    # a hidden pair summing to 12 leaves each in [0, 12]: the guarantee holds
    cells[0] = (2020, "GA", "45-2092", 22, 308)
    cells[1] = (2020, "GA", "53-7064", 11, 32)
    narrow = []
    attack([_toy_pub("toy", cells, {"53-7064", "37-3011"})], _toy_rows(cells), {}, narrow)
    assert not narrow


def test_attack_machinery_two_publications_of_nested_scopes():
    """The nation hides two states (their sum is known, not their split); a state's own publication
    prints its total, and the other hidden state follows by difference."""
    cells = [(2020, "GA", "45-2092", 30, 300), (2020, "FL", "45-2092", 4, 50), (2020, "FL", "53-7064", 20, 60),
             (2020, "VT", "45-2092", 3, 12)]
    rows = _toy_rows(cells)
    nation = Pub("nation", (2020,), None, 5)
    nation.tables.append(Table("occupations", "soc", ["45-2092", "53-7064"],
                               [{"w": (37, 37), "n": (399, 399)}, {"w": (20, 20), "n": (80, 80)}], True))
    nation.tables.append(Table("states", "state", ["GA", "FL", "VT"], [{"w": (30, 30), "n": (330, 330)}, {}, {}],
                               True))
    florida = Pub("florida", (2020,), ("FL",), 5)
    florida.tables.append(Table("availability", None, ["scope"], [{"w": (24, 24), "n": (134, 134)}], False))
    alone, errors = attack([nation], rows, {})
    assert not errors and alone == []
    both, errors = attack([nation, florida], rows, {})
    assert not errors
    # FL's 24 comes back too, but 24 >= k is no small group: only VT's 3 is a disclosure
    assert {(b.target[3], b.truth, b.candidates) for b in both} == {("VT", 3, (3,))}


def test_attack_machinery_global_statistic():
    """Theil's H over all rows at full precision, two rows hidden: the completion is unique."""
    cells = [(2020, "GA", "45-2092", 35, 675), (2020, "GA", "53-7064", 12, 60), (2020, "GA", "37-3011", 7, 40),
             (2020, "GA", "51-3092", 4, 30)]
    rows = _toy_rows(cells)
    w = np.array([[c[3] for c in cells]], float)
    n = np.array([[c[3] + c[4] for c in cells]], float)
    W, N = w.sum(), n.sum()
    M, H = miller_madow(w, n, W, N)
    pub = _toy_pub("toy", cells, {"37-3011", "51-3092"}, stats={"H": interval(repr(float(H[0])))})
    breaks, errors = attack([pub], rows, {})
    assert not errors
    got = {(b.target[3], b.truth) for b in breaks if b.attack.startswith("global")}
    assert got == {("51-3092", 4)}  # 37-3011's 7 comes back too, but 7 >= k = 5 is no small group
    # rounded to 3 decimals, as a report prints it, H still narrows the pair here or leaves it open;
    # either way a completion consistent with H exists, and the truth is among the candidates
    pub3 = _toy_pub("toy3", cells, {"37-3011", "51-3092"}, stats={"H": interval(f"{H[0]:.3f}")})
    for b in attack([pub3], rows, {})[0]:
        assert b.truth in b.candidates


def test_the_attacks_have_something_to_attack(world):
    """The first output of every sequence of runs sharing a data dir is published, not refused, and
    publishes numbers from the worker records: otherwise every attack above would pass vacuously."""
    pubs, _, _, _ = world
    first = {}
    for name, run in RUNS.items():
        first.setdefault(run[0], name)
    for name in first.values():
        p = pubs[name]
        assert not p.refused, f"{name}: the first publication from the file was refused:\n{p.message}"
        assert p.tables, f"{name}: no table of worker-record numbers was read from the outputs"
