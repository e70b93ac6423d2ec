"""Recovery attacks on published outputs, as an adversary with the files in hand would run them.

Each attack reads what was published (``Artifact``: sentences, numeric tables, map values, raw
text) and returns ``Claim`` values: "the hidden count of <cell> is <value>". A claim is a leak
when the value is the planted truth of a cell that should be hidden (``leaks``). An attack that
narrows a cell to one wrong value is not a leak (the adversary would be misled), so the attacks
may guess freely; the test fails only on exact recoveries.

The attacks (issue 12):
- ``sentence_arithmetic``: percent x total, and differences of two counts (expected - shortfall)
  in one sentence, against the counts of the scope the sentence describes;
- ``row_inversion``: share x total, expected - shortfall, total x expected share - shortfall,
  missing per 100, log odds ratio SE over (women, men), binomial p- and BH q-values over 0..k-1;
- ``complements``: column total minus the visible rows (totals from any table or file of the
  same output set), the other sex (total - women), the other outcome (applicants - selected);
- ``map_complement``: a map whose printed total minus its shown areas isolates one area;
- ``local_paths``: the folder of the user's worker file in any output.
"""
from __future__ import annotations

import html.parser
import itertools
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Claim:
    scope: str   # "worksite_state", "employer_name", ..., "selection", "scope"
    value: str   # the cell's label ("VT"), or the scope count's name ("women", "rejected_women")
    sex: str     # "F" or "M"
    count: int
    how: str


@dataclass
class Artifact:
    label: str
    k: int
    texts: list[str] = field(default_factory=list)          # published sentences
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # canonical column names, numbers
    maps: dict[str, pd.Series] = field(default_factory=dict)       # area -> count (NA hidden)
    raw: str = ""                                            # every character written
    exact: bool = True                                       # numbers unrounded (analyze) or as displayed


ENTITY_SCOPES = {"states": "worksite_state", "occupations": "soc_code", "employers": "employer_name",
                 "recruiters": "recruiter"}


# ------------------------------------------------------------------------------------------------
# reading the artifacts
class _Text(html.parser.HTMLParser):
    """Text of an HTML page by block (findings, paragraphs) and its tables as lists of rows."""

    def __init__(self):
        super().__init__()
        self.blocks, self.tables, self._buf, self._row, self._cell, self._skip = [], [], [], None, None, 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in ("li", "p", "h1", "h2", "h3", "div", "br", "figcaption"):
            self._flush()

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            self.tables[-1].append(self._row)
            self._row = None
        elif tag in ("li", "p", "h1", "h2", "h3", "div"):
            self._flush()

    def handle_data(self, data):
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        else:
            self._buf.append(data)

    def _flush(self):
        text = " ".join("".join(self._buf).split())
        if text:
            self.blocks.append(text)
        self._buf = []


def _header_map(lang: str) -> dict[str, str]:
    from toolkit import i18n

    keys = {"col_state": "worksite_state", "col_soc": "soc_code", "col_employer": "employer_name",
            "col_recruiter": "recruiter", "col_workers": "total", "col_women": "women",
            "col_women_share": "share", "col_expected": "expected_women", "col_shortfall": "shortfall",
            "col_benchmark": "expected_share", "col_q": "q_value", "col_rank": "rank", "col_shrunk": "shrunk_share",
            "col_positions": "positions", "col_occupation": "occupation", "col_credible": "credible"}
    return {i18n.t(key, lang): name for key, name in keys.items()}


def _number(text: str) -> float:
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if text in ("", "—", "-", "nan", "<NA>", "hidden", "oculto"):  # no records / hidden (present._cell)
        return np.nan
    pct = text.endswith("%")
    try:
        value = float(text.rstrip("%").replace(",", ""))
    except ValueError:
        return np.nan
    return value / 100 if pct else value


def html_artifact(label: str, k: int, lang: str, markup: str) -> Artifact:
    """An artifact from a rendered report page: its sentences and its tables as numbers."""
    parser = _Text()
    parser.feed(markup)
    parser._flush()
    names = _header_map(lang)
    tables = {}
    for rows in parser.tables:
        if len(rows) < 2:
            continue
        head = [names.get(h, h) for h in rows[0]]
        df = pd.DataFrame(rows[1:], columns=head)
        entity = next((c for c in ENTITY_SCOPES.values() if c in df.columns), None)
        if entity is None:
            continue
        for col in df.columns:
            if col not in (entity, "occupation", "credible"):
                df[col] = df[col].map(_number)
        key = next(t for t, c in ENTITY_SCOPES.items() if c == entity)
        tables[key if key not in tables else key + "_2"] = df
    return Artifact(label=label, k=k, texts=parser.blocks, tables=tables, raw=markup, exact=False)


def analyze_artifact(label: str, k: int, folder: Path, fmt: str) -> Artifact:
    """An artifact from an ``analyze`` output folder (CSV or JSON tables and findings.json)."""
    tables, raw = {}, []
    for path in sorted(folder.iterdir()):
        text = path.read_text(encoding="utf-8")
        raw.append(text)
        if path.name == "findings.json":
            continue
        if path.suffix == ".csv":
            df = pd.read_csv(path, dtype={"soc_code": str, "worksite_state": str})
        else:
            df = pd.DataFrame(json.loads(text))
        tables[path.stem] = df
    findings = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
    texts = [f["text"] for f in findings.get("findings", []) if f.get("key") != "joborders"]
    return Artifact(label=label, k=k, texts=texts, tables=tables, raw="\n".join(raw), exact=True)


# ------------------------------------------------------------------------------------------------
# attacks
_NUM = re.compile(r"(?<![\w.,-])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(\s?%)?")


_NOT_COUNTS = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|\b[0-9a-f]{7,40}\b|\d+\.\d+\.\d+|\d+\s*/\s*\d+")
#: a sentence about people names them; provenance lines, page counters and methods do not count
#: sentences about job orders count public DOL records (no worker record enters them)
_JOB_ORDERS = re.compile(r"job orders?|job-order|ofertas? de (empleo|trabajo)", re.I)
_ABOUT_PEOPLE = re.compile(r"women|men\b|workers|applicants|mujeres|hombres|trabajador|solicitantes", re.I)


def _numbers(sentence: str) -> tuple[list[int], list[tuple[float, int]]]:
    """Whole counts and (percent, decimals) in a sentence; years, dates, times, versions, commit
    hashes, page counters and SOC codes left out."""
    counts, pcts = [], []
    sentence = _NOT_COUNTS.sub(" ", sentence)
    for m in _NUM.finditer(sentence):
        whole, frac, pct = m.group(1), m.group(2), m.group(3)
        value = float(whole.replace(",", "") + ("." + frac if frac else ""))
        if pct:
            pcts.append((value, len(frac or "")))
        elif not frac and not (1990 <= value <= 2100):
            counts.append(int(value))
    return counts, pcts


def sentence_arithmetic(art: Artifact, scope_counts: dict[str, tuple[str, int]]) -> list[Claim]:
    """Percent x total and differences of counts within each sentence.

    ``scope_counts``: name -> (sex, true count) of the counts of the scope the sentences describe
    (women, men, rejected women...). A claim names every scope count the value could be; the
    caller keeps those that match the truth.
    """
    claims = []
    for sentence in art.texts:
        if not _ABOUT_PEOPLE.search(sentence) or _JOB_ORDERS.search(sentence):
            continue
        counts, pcts = _numbers(sentence)
        values = set()
        for (p, d), n in itertools.product(pcts, [c for c in counts if c > 0]):
            hits = [c for c in range(0, n + 1) if round(100 * c / n, d) == round(p, d)] if n <= 20000 else []
            if len(hits) == 1:
                values |= {hits[0], n - hits[0]}
        values |= {abs(a - b) for a, b in itertools.combinations(counts, 2)}
        for name, (sex, _) in scope_counts.items():
            claims += [Claim("scope", name, sex, v, f"sentence arithmetic: {sentence[:80]}") for v in values]
    return claims


def _close(a: float, b: float, exact: bool, digits: int = 3) -> bool:
    if pd.isna(a) or pd.isna(b):
        return False
    if exact:
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return round(a, digits) == round(b, digits)


def row_inversion(art: Artifact) -> list[Claim]:
    """Hidden women of a row from the derived values printed beside it (candidates 0..k-1)."""
    from scipy import stats

    claims = []
    k = art.k
    for key, table in art.tables.items():
        scope = ENTITY_SCOPES.get(key.removesuffix("_2"))
        if scope is None or "women" not in table:
            continue
        share_col = "share" if "share" in table else ("women_share_observed" if "women_share_observed" in table
                                                        else "observed_share")
        m_rows = len(table)
        for _, row in table.iterrows():
            if not pd.isna(row.get("women")):
                continue
            t = row.get("total", np.nan)
            found = set()
            for c in range(1, k):
                checks = []
                if not pd.isna(t):
                    if share_col in row:
                        checks.append(_close(c / t, row[share_col], art.exact, 3 if art.exact else 3))
                    if "shortfall" in row and "expected_women" in row:
                        checks.append(_close(row["expected_women"] - c, row["shortfall"], art.exact, 0))
                    if "shortfall" in row and "expected_share" in row and scope != "soc_code":
                        checks.append(_close(t * row["expected_share"] - c, row["shortfall"], art.exact, 0))
                    if "missing_per_100" in row and "expected_women" in row:
                        checks.append(_close(100 * (row["expected_women"] - c) / t, row["missing_per_100"], art.exact))
                    if "p_value" in row and "expected_share" in row and not pd.isna(row["expected_share"]):
                        checks.append(_close(stats.binom.cdf(c, int(t), row["expected_share"]), row["p_value"], True))
                    if "q_value" in row and "expected_share" in row and not pd.isna(row["q_value"]) \
                            and not pd.isna(row["expected_share"]):
                        p = stats.binom.cdf(c, int(t), row["expected_share"])
                        checks.append(any(_close(p * m_rows / j, row["q_value"], True) for j in range(1, m_rows + 1)))
                if any(checks):
                    found.add(c)
            if len(found) == 1:
                claims.append(Claim(scope, str(row[scope]), "F", found.pop(), f"{key}: derived value inverted"))
            se = row.get("log_odds_ratio_se", np.nan)
            if not pd.isna(se):
                grid = [(c, m) for c in range(0, k) for m in range(0, 3000)
                        if math.isclose(math.sqrt(1 / (c + .5) + 1 / (m + .5)), se, rel_tol=1e-9)]
                if len(grid) == 1:
                    claims.append(Claim(scope, str(row[scope]), "F", grid[0][0], f"{key}: log odds ratio SE"))
    return claims


def _known_totals(art: Artifact) -> dict[str, set[float]]:
    """Column totals the adversary can read anywhere in the output set (women, total)."""
    known = {"women": set(), "total": set()}
    av = art.tables.get("availability")
    if av is not None and len(av):
        for src, dst in (("observed", "women"), ("total", "total")):
            if src in av and not pd.isna(av[src].iloc[0]):
                known[dst].add(float(av[src].iloc[0]))
    for key, table in art.tables.items():
        if key.removesuffix("_2") in ("states", "occupations", "origin") and "women" in table:
            for col in ("women", "total"):
                if col in table and table[col].notna().all():
                    known[col].add(float(table[col].sum()))
    return known


def complements(art: Artifact, known: dict[str, set[float]] | None = None) -> list[Claim]:
    """Totals minus the visible rows, the other sex and the other outcome."""
    claims = []
    k = art.k
    known = known or _known_totals(art)
    for key, table in art.tables.items():
        scope = ENTITY_SCOPES.get(key.removesuffix("_2"))
        if scope is None or "women" not in table:
            continue
        # the other sex: men = total - women in a visible row
        if "total" in table:
            for _, row in table.iterrows():
                if not pd.isna(row["women"]) and not pd.isna(row["total"]):
                    men = int(row["total"] - row["women"])
                    claims.append(Claim(scope, str(row[scope]), "M", men, f"{key}: total - women"))
        # column total minus visible rows
        for col, sex in (("women", "F"), ("total", None)):
            if col not in table:
                continue
            hidden = table[table[col].isna()]
            visible = table[col].dropna().sum()
            for total in known[col]:
                rest = total - visible
                if len(hidden) == 1:
                    label = str(hidden[scope].iloc[0])
                    if sex:
                        claims.append(Claim(scope, label, sex, int(rest), f"{key}: {col} total - visible rows"))
                    elif not pd.isna(hidden["women"].iloc[0]):
                        claims.append(Claim(scope, label, "M", int(rest - hidden["women"].iloc[0]), f"{key}: men"))
                elif len(hidden) > 1 and sex:
                    m = table[col].dropna()
                    hi = max(k - 1, m[m > 0].min() if (m > 0).any() else rest)
                    if rest == len(hidden) or rest == len(hidden) * hi:
                        for label in hidden[scope]:
                            claims.append(Claim(scope, str(label), sex, int(rest // len(hidden)),
                                                f"{key}: hidden rows pinned by their sum"))
    ai = art.tables.get("adverse_impact")
    if ai is not None and "applicants" in ai:
        for _, row in ai.iterrows():
            sex = str(row["group"])
            word = "women" if sex == "F" else "men"
            a, s = row.get("applicants"), row.get("selected")
            if not pd.isna(a) and not pd.isna(s):
                claims.append(Claim("selection", f"rejected_{word}", sex, int(a - s), "applicants - selected"))
            if not pd.isna(a) and not pd.isna(row.get("rate")):
                s2 = round(row["rate"] * a)
                claims.append(Claim("selection", f"rejected_{word}", sex, int(a - s2), "applicants x (1 - rate)"))
            for name, v in ((f"applicant_{word}", a), (f"admitted_{word}", s)):
                if not pd.isna(v):
                    claims.append(Claim("selection", name, sex, int(v), "printed"))
    return claims


def selection_sentences(art: Artifact, admitted: dict[str, int]) -> list[Claim]:
    """"x% of women were selected" with the admitted women known elsewhere gives the rejected."""
    claims = []
    for sentence in art.texts:
        _, pcts = _numbers(sentence)
        for (p, d), (sex, n) in itertools.product(pcts, admitted.items()):
            if p <= 0:
                continue
            hits = [a for a in range(n, 20 * n + 1) if round(100 * n / a, d) == round(p, d)]
            if len(hits) == 1:
                word = "women" if sex == "F" else "men"
                claims.append(Claim("selection", f"rejected_{word}", sex, hits[0] - n, "rate with admitted count"))
    return claims


def map_complement(art: Artifact, totals: dict[str, float]) -> list[Claim]:
    """A printed total minus the areas a map shows, when one area is hidden (or one area shown)."""
    claims = []
    for name, values in art.maps.items():
        total = totals.get(name)
        if total is None:
            continue
        hidden = values[values.isna()]
        shown = values.dropna()
        if len(hidden) == 1:
            claims.append(Claim("origin_state", str(hidden.index[0]), "F", int(total - shown.sum()),
                                f"map {name}: total - shown areas"))
        for area, v in shown.items():
            claims.append(Claim("origin_state", str(area), "F", int(v), f"map {name}: area shown"))
    return claims


def local_paths(art: Artifact, secrets: list[str]) -> list[str]:
    """Every secret (folder of the user's file) found in the raw output."""
    return [s for s in secrets if s in art.raw]


def leaks(claims: list[Claim], truth: dict[tuple[str, str, str], int], k: int) -> list[Claim]:
    """Claims that give the true value of a cell that should be hidden (0 < truth < k)."""
    return [c for c in claims if 0 < truth.get((c.scope, c.value, c.sex), 0) < k
            and truth[(c.scope, c.value, c.sex)] == c.count]


# ------------------------------------------------------------------------------------------------
# issue 22: global statistics, empirical-Bayes priors, weighted shares, two publications, ranks
def _theil_h(f: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Theil's H of sex across units, for many tables at once (rows: candidate tables)."""
    f, m = np.atleast_2d(f).astype(float), np.atleast_2d(m).astype(float)
    n = f.sum(axis=1, keepdims=True) + m.sum(axis=1, keepdims=True)
    out = np.zeros(f.shape[0])
    pg = np.stack([f.sum(axis=1), m.sum(axis=1)], axis=1) / n
    entropy = -(pg * np.log(np.where(pg > 0, pg, 1))).sum(axis=1)
    for g, x in enumerate((f, m)):
        pug = x / n
        pu = (f + m) / n
        with np.errstate(divide="ignore", invalid="ignore"):
            term = np.where(pug > 0, pug * np.log(pug / (pu * pg[:, [g]])), 0.0)
        out += term.sum(axis=1)
    return out / entropy


def _splits(total: int, parts: int, cap: int = 400_000):
    """Every way of writing ``total`` as ``parts`` non-negative integers (None when too many)."""
    if parts == 1:
        return np.array([[total]])
    if math.comb(total + parts - 1, parts - 1) > cap:
        return None
    rows = [c for c in itertools.combinations(range(total + parts - 1), parts - 1)]
    cuts = np.array(rows)
    bounds = np.hstack([np.full((len(cuts), 1), -1), cuts, np.full((len(cuts), 1), total + parts - 1)])
    return np.diff(bounds, axis=1) - 1


def global_segregation(art: Artifact, women: int, men: int) -> list[Claim]:
    """Theil's H printed for the scope, with the visible occupations and the scope's totals: every
    split of the hidden women and men over the hidden occupations that gives the printed H (to its
    printed precision) is a candidate; one or two candidate values of a cell are claims."""
    occ, seg = art.tables.get("occupations"), art.tables.get("segregation")
    if occ is None or seg is None or "stat" not in seg or not (seg["stat"] == "H").any():
        return []
    h = float(seg.loc[seg["stat"] == "H", "est"].iloc[0])
    if pd.isna(h):
        return []
    hidden = occ[occ["women"].isna()]
    if not len(hidden):
        return []
    vis = occ[occ["women"].notna()]
    vf = vis["women"].to_numpy(float)
    vm = (vis["total"] - vis["women"]).to_numpy(float)
    hf, hm = women - int(vf.sum()), men - int(vm.sum())
    fs, ms = _splits(hf, len(hidden)), _splits(hm, len(hidden))
    if fs is None or ms is None:
        return []
    claims = []
    digits = None if art.exact else 3
    for msplit in ms:
        tab_f = np.hstack([np.tile(vf, (len(fs), 1)), fs])
        tab_m = np.hstack([np.tile(vm, (len(fs), 1)), np.tile(msplit, (len(fs), 1))])
        got = _theil_h(tab_f, tab_m)
        ok = np.isclose(got, h, rtol=1e-9, atol=1e-12) if digits is None else np.round(got, digits) == round(h, digits)
        for row in fs[ok]:
            claims += [Claim("soc_code", str(code), "F", int(v), "global H over hidden rows")
                       for code, v in zip(hidden["soc_code"], row)]
    return _narrowed(claims)


def _narrowed(claims: list[Claim], most: int = 2) -> list[Claim]:
    """Keep the claims of cells narrowed to at most ``most`` candidate values."""
    by_cell: dict[tuple, set[int]] = {}
    for c in claims:
        by_cell.setdefault((c.scope, c.value, c.sex), set()).add(c.count)
    return [c for c in claims if len(by_cell[(c.scope, c.value, c.sex)]) <= most]


def eb_prior(art: Artifact, key: str, hidden_totals: dict[str, int], women: int) -> list[Claim]:
    """The empirical-Bayes prior of a screen refitted: two visible rows' shrunk shares give (a, b);
    the adversary, knowing the hidden entities' sizes (``hidden_totals``, e.g. from DOL
    positions), tries every split of the hidden women among them and keeps those whose prior,
    fitted over every entity as the screen does, is (a, b)."""
    from toolkit.discrimination import _beta_binomial_prior

    table = art.tables.get(key)
    scope = ENTITY_SCOPES[key]
    if table is None or "shrunk_share" not in table:
        return []
    vis = table[table["shrunk_share"].notna() & table["women"].notna()]
    hidden = table[table["women"].isna()]
    names = [str(n) for n in hidden[scope] if str(n) in hidden_totals]
    if len(vis) < 2 or not names:
        return []
    # s = (k + a) / (n + a + b): two rows with different shrunk shares give a and b
    rows = vis[["women", "total", "shrunk_share"]].astype(float).drop_duplicates("shrunk_share").to_numpy()
    if len(rows) < 2:
        return []
    (k1, n1, s1), (k2, n2, s2) = rows[:2]
    coef = np.array([[1 - s1, -s1], [1 - s2, -s2]])
    a, b = np.linalg.solve(coef, np.array([s1 * n1 - k1, s2 * n2 - k2]))
    rest = women - int(vis["women"].sum())
    splits = _splits(rest, len(names))
    if splits is None:
        return []
    vk, vn = vis["women"].to_numpy(float), vis["total"].to_numpy(float)
    hn = np.array([hidden_totals[n] for n in names], float)
    claims = []
    for split in splits:
        if (split > hn).any():
            continue
        pa, pb = _beta_binomial_prior(np.concatenate([vk, split]), np.concatenate([vn, hn]))
        if math.isclose(pa, a, rel_tol=1e-6) and math.isclose(pb, b, rel_tol=1e-6):
            claims += [Claim(scope, n, "F", int(v), f"{key}: empirical-Bayes prior refitted") for n, v in zip(names, split)]
    return _narrowed(claims)


def weighted_share_totals(art: Artifact, expected_total: float, workers_total: int, key: str = "states",
                          share: str = "expected_share") -> list[Claim]:
    """Hidden rows' workers from a share that weights the expected women by workers: the states'
    worker-weighted expected share printed for hidden rows, or the occupations' benchmark share
    with the scope's expected women pooled over every occupation. With the scope's expected women
    and workers, sum_h share_h x n_h and sum_h n_h are known; two hidden rows give both sizes
    (claims on sex "T")."""
    table = art.tables.get(key)
    scope = ENTITY_SCOPES[key]
    if table is None or share not in table:
        return []
    hidden = table[table["women"].isna() & table[share].notna()]
    vis = table[table["women"].notna()]
    if len(hidden) != 2 or len(table[table["women"].isna()]) != 2:
        return []
    e_rest = expected_total - float((vis[share] * vis["total"]).sum())
    n_rest = workers_total - float(vis["total"].sum())
    s = hidden[share].to_numpy(float)
    if math.isclose(s[0], s[1]):
        return []
    n0 = (e_rest - s[1] * n_rest) / (s[0] - s[1])
    return [Claim(scope, str(v), "T", int(round(n)), f"{key}: {share} of hidden rows with the scope's expected women")
            for v, n in zip(hidden[scope], (n0, n_rest - n0))]


def recruiter_records_difference(art: Artifact) -> list[Claim]:
    """The Appendix C recruiter table's worker counts against the scope's admitted workers: when
    the records' only recruiter is counted over every record naming it (rejected applicants too),
    its women minus the admitted women are the rejected women, which the selection table hides."""
    table, av = art.tables.get("recruiters_appendix_c"), art.tables.get("availability")
    if table is None or av is None or not len(av) or pd.isna(av["observed"].iloc[0]):
        return []
    rows = table.dropna(subset=["women", "workers"])
    if len(rows) != 1:
        return []
    women = int(rows["women"].iloc[0]) - int(av["observed"].iloc[0])
    men = int(rows["workers"].iloc[0] - rows["women"].iloc[0]) - int(av["total"].iloc[0] - av["observed"].iloc[0])
    return [Claim("selection", "rejected_women", "F", women, "Appendix C recruiter's records - admitted"),
            Claim("selection", "rejected_men", "M", men, "Appendix C recruiter's records - admitted")]


def two_publications(nation: Artifact, states: dict[str, Artifact]) -> list[Claim]:
    """The nation's table of states beside state publications of the same file: a state's own
    publication prints its women (its availability row), which the nation hides; with every hidden
    state but one so revealed, the nation's total gives the last."""
    st, av = nation.tables.get("states"), nation.tables.get("availability")
    if st is None:
        return []
    revealed = {}
    for code, art in states.items():
        a = art.tables.get("availability")
        if a is not None and len(a) and not pd.isna(a["observed"].iloc[0]):
            revealed[code] = int(a["observed"].iloc[0])
    claims = [Claim("worksite_state", code, "F", n, "state publication beside the nation") for code, n in revealed.items()]
    hidden = [str(c) for c in st.loc[st["women"].isna(), "worksite_state"]]
    unknown = [c for c in hidden if c not in revealed]
    if av is not None and len(av) and not pd.isna(av["observed"].iloc[0]) and len(unknown) == 1:
        rest = int(av["observed"].iloc[0]) - int(st["women"].sum()) - sum(revealed.get(c, 0) for c in hidden)
        claims.append(Claim("worksite_state", unknown[0], "F", rest, "nation total - visible - state publications"))
    return claims


def rank_order(art: Artifact) -> list[str]:
    """Ranks that say something about hidden rows: a rank printed for a hidden row, visible ranks
    not 1..n, a visible row after a hidden one."""
    problems = []
    for key in ("employers", "recruiters"):
        t = art.tables.get(key)
        if t is None or "rank" not in t:
            continue
        hid = t["women"].isna().to_numpy()
        ranks = pd.to_numeric(t["rank"], errors="coerce")
        if ranks[hid].notna().any():
            problems.append(f"{key}: a hidden row has a rank")
        if sorted(ranks[~hid].dropna().astype(int)) != list(range(1, int((~hid).sum()) + 1)):
            problems.append(f"{key}: visible ranks are not 1..{int((~hid).sum())}: {ranks[~hid].tolist()}")
        if hid.any() and (~hid[int(np.argmax(hid)):]).any():
            problems.append(f"{key}: a visible row follows a hidden one")
    return problems
