"""Coverage study of the interval methods of ``toolkit.segregation``.

Design. Each case is a population table of cell shares p (units x groups) with known M, H, D and
local scores ls_u; a sample is a multinomial draw of N people from p; on each sample every
interval method of ``intervals.METHODS`` that a measure offers (``intervals.MEASURE_METHODS``)
is computed from the same ``n_bootstrap`` replicates, by the toolkit's own functions
(``_bootstrap``, ``_jackknife``, ``_summary``, ``_noncentral_mh``), as the public verbs call
them (``tests/test_segregation_coverage.py`` checks that). Coverage is the share of samples whose
interval holds the true value; bias is the mean estimate minus the truth. Local scores are pooled
over the units present in a sample: row ``ls`` over the units not flagged sparse, row
``ls_sparse_units`` over those flagged (reported, not checked against the band).

Grid (``CASES``): mean cell sizes N / (units x groups) from 3 to 133, two to four groups,
including two sparse tables (200 x 2 with N = 3,000; 300 x 2 with N = 2,500), a
second population design at 3 per cell (equal units, women's share 20% or 80%: no unit near the
overall mix) and a weak-segregation case (M near its floor of 0, many units with nearly equal
shares).

Monte Carlo error. With S samples per case a coverage estimate has a binomial standard error
sqrt(c (1 - c) / S); at c = 0.95 and S = 400 that is 0.011, so a method whose coverage is 0.93
prints below 0.92 about 18% of the time. The design is therefore sequential, with a rule fixed
before the runs that produced the table (``study_case``, ``_undecided``): each case starts with
N_SAMPLES = 400 samples; while the coverage of a default row (a measure's default method) is
within two standard errors of 0.92 or of 0.98, the case's samples
double (800, 1,600, up to 3,200 = MAX_SAMPLES_FACTOR x 400), continuing the same random stream,
and the defaults' rows of the case are computed over all of them (column ``samples``; the other
methods' rows, which only set ``SPARSE_MEAN_CELL``, keep the first 400). A case thus
stops as soon as each default is clearly inside or clearly outside the band; the rule
looks at both edges and at rows inside the band as much as outside it, and never re-draws a
seed. (Stopping when the estimate leaves an edge's neighbourhood biases the reported coverage
slightly away from that edge, by a fraction of one standard error.) The issue's bar is read
literally on the result: 0.92 <= coverage <= 0.98 for every published default row of M, H and D
(``tests/test_segregation_coverage.py``). A method "holds" in a case when its coverage is within
two Monte Carlo standard errors of 0.92-0.98 (``holds``); for the local scores, whose units share
a draw, the error is the standard deviation of the per-sample coverage over samples divided by
sqrt(S). ``thresholds`` turns a table into the mean cell sizes below which each method was not
measured to hold: ``intervals.SPARSE_MEAN_CELL``.

``tools/coverage_study.py`` writes the table to ``toolkit/data/segregation_coverage.csv``
(``load_table`` reads it; ``--jobs 2`` spreads the cases over two processes, same table); the
slow tests recompute it (tens of minutes of one core with the sequential design).

References
----------
Goebel, B., Dawy, Z., Hagenauer, J., & Mueller, J. C. (2005). An approximation to the
distribution of finite sample size mutual information estimates. IEEE International Conference
on Communications (ICC 2005), vol. 2.
Allen, R., Burgess, S., Davidson, R., & Windmeijer, F. (2015). More reliable inference for the
dissimilarity index of segregation. Econometrics Journal, 18(1), 40-66.
"""
from __future__ import annotations

import math
from importlib import resources

import numpy as np
import pandas as pd

from toolkit.segregation import _core as core
from toolkit.segregation import intervals as iv

__all__ = ["CASES", "BAND", "KNOWN", "population", "study_case", "coverage_table", "holds", "thresholds",
           "load_table", "default_coverage", "coverage_figure"]

N_SAMPLES = 400
MAX_SAMPLES_FACTOR = 8  # the sequential design stops at 8 x 400 = 3,200 samples (``study_case``)
N_BOOTSTRAP = 200
LEVEL = 0.95
BAND = (0.92, 0.98)
# (units, groups, N, segregation strength: smaller is more segregated, population design)
CASES = [
    (20, 2, 4_000, 3.0, "dirichlet"),   # mean cell 100
    (50, 3, 20_000, 3.0, "dirichlet"),  # 133
    (100, 2, 5_000, 3.0, "dirichlet"),  # 25
    (60, 3, 3_600, 3.0, "dirichlet"),   # 20
    (40, 2, 800, 3.0, "dirichlet"),     # 10
    (50, 4, 2_400, 3.0, "dirichlet"),   # 12
    (200, 2, 3_000, 3.0, "dirichlet"),  # 7.5 (the sparse rows)
    (300, 2, 2_500, 3.0, "dirichlet"),  # 4.2
    (100, 4, 1_200, 3.0, "dirichlet"),  # 3
    (400, 2, 2_400, 3.0, "two_point"),  # 3: equal units, women's share 20% or 80%
    (100, 2, 2_000, 30.0, "dirichlet"),  # 10, weak segregation (M near its floor of 0)
]
DESIGNS = ("dirichlet", "two_point")
LOCAL_START = {True: 6, False: 2}  # where the local scores start in ``_stats`` (two groups: after the four Ds)


def population(units: int, groups: int, strength: float, seed: int, design: str = "dirichlet") -> np.ndarray:
    """Cell shares. ``"dirichlet"``: unit sizes lognormal(0, 1), each unit's group mix
    Dirichlet(strength * overall mix), the overall mix Dirichlet(4, ..., 4). ``"two_point"`` (two
    groups): units of equal size whose first group's share is 0.2 and 0.8 in turn (no unit near
    the overall mix; ``strength`` unused)."""
    if design not in DESIGNS:
        raise ValueError(f"design must be one of {list(DESIGNS)}, got {design!r}")
    if design == "two_point":
        if groups != 2:
            raise ValueError(f"the two_point design has two groups, got {groups}")
        share = np.resize([0.2, 0.8], units)
        return np.c_[share, 1 - share] / units
    rng = np.random.default_rng(seed)
    sizes = rng.lognormal(0.0, 1.0, units)
    overall = rng.dirichlet(np.full(groups, 4.0))
    return sizes[:, None] / sizes.sum() * rng.dirichlet(overall * strength, size=units)


def _stats(n: np.ndarray, full: bool = True) -> np.ndarray:
    """M, H, (D, the folded D and the iterated D_K, D_K+1 if two groups), ls_1..ls_U of count arrays
    (..., U, G), in one vector; ``full=False`` (what the defaults need) leaves the folded D out (NaN)."""
    parts = [core._mh_counts(n)]
    if n.shape[-1] == 2:
        folded = iv._d_folded_counts(n) if full else np.full(n.shape[:-2], np.nan)
        parts.append(np.stack([core._d_counts(n), folded, iv._d_iterated_counts(n, iv.D_ITERATIONS),
                               iv._d_iterated_counts(n, iv.D_ITERATIONS + 1)], axis=-1))
    parts.append(core._local_counts(n)[..., 0])
    return np.concatenate(parts, axis=-1)


def _default_stats(n: np.ndarray) -> np.ndarray:
    """``_stats(n, full=False)``: what the defaults' intervals need."""
    return _stats(n, full=False)


def _jackknife(n: np.ndarray, full: bool = True) -> np.ndarray:
    """``intervals._jackknife`` of ``_stats``, by parts as the verbs compute it: the closed forms of M, H and
    the local scores, the generic path for D (the folded D's entry is unused: NaN; with ``full=False``,
    what the defaults need, D's too)."""
    parts = [iv._jackknife(core._mh_counts, n)]
    if n.shape[-1] == 2:
        d = iv._jackknife(lambda a: core._d_counts(a)[..., None], n) if full else [np.nan]
        parts.append(np.r_[d, np.nan, np.nan, np.nan])
    parts.append(iv._jackknife(core._ls_counts, n))
    return np.concatenate(parts)


def intervals(n: np.ndarray, est: np.ndarray, boot: np.ndarray, jack: np.ndarray, method: str, level: float = LEVEL,
              defaults_only: bool = False) -> dict[str, dict[str, np.ndarray]]:
    """{measure: {est, ci_low, ci_high, sparse}} of one method from one sample's replicates, as the verbs compute
    them (``test_study_uses_what_the_verbs_return``); measures the method does not offer are left out, and
    with ``defaults_only`` those whose default it is not."""
    two = n.shape[-1] == 2
    cols = {"M": [0], "H": [1], "D": [2] if two else [], "ls": list(range(LOCAL_START[two], len(est)))}
    mean = core._mean_cell(n)
    cells = {"M": mean, "H": mean, "D": mean, "ls": core._mean_cell(n[:, None, :])}
    out = {}
    for measure, j in cols.items():
        if not j or method not in iv.MEASURE_METHODS[measure] or (defaults_only and DEFAULTS[measure] != method):
            continue
        sparse = iv._sparse(measure, method, cells[measure])
        if measure == "D":  # as ``dissimilarity``: also near its value under random allocation
            sparse = sparse | iv._d_near_random(n)
        chosen = iv._hybrid_method(mean) if method == "hybrid" else method  # as ``mutual_total``
        if chosen in ("noncentral", "miller_madow_normal"):
            analytic = iv._noncentral_mh if chosen == "noncentral" else iv._miller_madow_normal
            parts = analytic(n, boot[:, :2], level, sparse)
            parts = {k: v[j] for k, v in parts.items()}
        elif method == "iterated":  # as ``dissimilarity``: D_K bootstrap-corrected, the spread of D_(K+1)*
            parts = iv._summary(est[j], boot[:, [5]], level, method=method,
                                bias=boot[:, 4].mean(keepdims=True) - est[[4]], sparse=sparse)
            parts = {k: np.clip(v, 0.0, 1.0) if k in ("est", "ci_low", "ci_high") else v for k, v in parts.items()}
        elif method == "folded_normal":
            parts = iv._summary(est[j], boot[:, [3]], level, method=method,
                                  bias=boot[:, 3].mean(keepdims=True) - est[[3]], sparse=sparse)
            parts = {k: np.clip(v, 0.0, 1.0) if k in ("est", "ci_low", "ci_high") else v for k, v in parts.items()}
        else:
            parts = iv._summary(est[j], boot[:, j], level, method=chosen, bias=jack[j], sparse=sparse)
        out[measure] = parts
    return out


def _undecided(rows: list[dict]) -> bool:
    """True when a row of a measure's default method has a Monte Carlo interval, coverage -/+ 2
    mc_se, that holds an edge of ``BAND``: the samples so far cannot tell on which side of that
    edge the method's coverage lies (the stopping rule of ``study_case``). Flagged rows count too:
    the flags come from ``SPARSE_MEAN_CELL``, which ``thresholds`` derives from this very table, so
    a rule that skipped them could not be consistent with itself (a default flagged at 400
    samples would stop early, hold within two errors, and lose its flag). Local-score rows count;
    ``ls_sparse_units`` (flagged by definition, no default of its own) does not."""
    for row in rows:
        if row["method"] != DEFAULTS.get(row["measure"]):
            continue
        low, high = row["coverage"] - 2 * row["mc_se"], row["coverage"] + 2 * row["mc_se"]
        if any(low <= edge <= high for edge in BAND):
            return True
    return False


def _case_rows(units, groups, size, design, strength, hits, err, flagged, truths) -> list[dict]:
    """The rows of one case from the per-sample hits, errors and flags collected so far."""
    rows = []
    for (name, method), seen in hits.items():
        if len(seen) < 2:
            continue
        seen = np.array(seen)
        c = seen.mean()
        pooled = name.startswith("ls")
        mc = seen.std(ddof=1) / math.sqrt(len(seen)) if pooled else math.sqrt(LEVEL * (1 - LEVEL) / len(seen))
        rows.append({"units": units, "groups": groups, "N": size, "mean_cell": size / units / groups,
                     "design": design, "segregation": "weak" if strength != 3.0 else "moderate", "measure": name,
                     "method": method, "coverage": c, "mc_se": mc, "samples": len(seen),
                     "bias": float(np.mean(err[(name, method)])),
                     "truth": float("nan") if pooled else float(truths[name][0]),
                     "sparse": name == "ls_sparse_units" or (not pooled and np.mean(flagged[(name, method)]) > 0.5)})
    return rows


def study_case(units, groups, size, strength, design="dirichlet", *, n_samples=N_SAMPLES, n_bootstrap=N_BOOTSTRAP,
               seed=0, max_samples=None):
    """Rows (case, measure, method) with coverage, its Monte Carlo se, the samples it rests on,
    bias and the sparse flag.

    Sequential design: ``n_samples`` samples first; then, while a default row's Monte Carlo
    interval holds an edge of ``BAND`` (``_undecided``) and fewer than
    ``max_samples`` (default ``MAX_SAMPLES_FACTOR`` x ``n_samples``) were drawn, the sample count
    doubles, the new samples continuing the same random stream (the first ``n_samples`` are the
    same whatever follows). The added samples serve the rows of the defaults only (column
    ``samples``; the other methods' rows stay at the first ``n_samples``, so the thresholds of
    ``thresholds`` for them rest on the same samples in every case), and compute only what those
    need (``full=False``; the random stream does not depend on it). ``max_samples=n_samples`` is
    the fixed design.
    """
    max_samples = n_samples * MAX_SAMPLES_FACTOR if max_samples is None else max(int(max_samples), n_samples)
    p = population(units, groups, strength, seed, design)
    truth = _stats(p * 1e9)  # the population's values (scale-free)
    rng = np.random.default_rng(seed + 1)
    two = groups == 2
    truths = {"M": truth[[0]], "H": truth[[1]], "D": truth[[2]] if two else None, "ls": truth[LOCAL_START[two]:]}
    hits, err, flagged = {}, {}, {}
    stage = n_samples
    for s in range(max_samples):
        if s == stage:  # the end of a stage: go on only while a default is undecided
            if not _undecided(_case_rows(units, groups, size, design, strength, hits, err, flagged, truths)):
                break
            stage *= 2
        full = s < n_samples
        n = rng.multinomial(size, p.ravel()).reshape(units, groups).astype(float)
        est = _stats(n, full)
        boot = iv._bootstrap(_stats if full else _default_stats, n, n_bootstrap, rng)
        jack = _jackknife(n, full)
        present = n.sum(axis=1) > 0
        for method in iv.METHODS:
            for measure, out in intervals(n, est, boot, jack, method, defaults_only=not full).items():
                cover = (out["ci_low"] <= truths[measure]) & (truths[measure] <= out["ci_high"])
                miss = out["est"] - truths[measure]
                if measure == "ls":  # units whose flag is off, then those flagged
                    for name, units_ in (("ls", present & ~out["sparse"]), ("ls_sparse_units", present & out["sparse"])):
                        if units_.any():
                            hits.setdefault((name, method), []).append(cover[units_].mean())
                            err.setdefault((name, method), []).append(miss[units_].mean())
                    continue
                hits.setdefault((measure, method), []).append(float(cover[0]))
                err.setdefault((measure, method), []).append(float(miss[0]))
                flagged.setdefault((measure, method), []).append(bool(out["sparse"][0]))
    return _case_rows(units, groups, size, design, strength, hits, err, flagged, truths)


def coverage_table(cases=CASES, *, seed: int = 100, n_samples: int = N_SAMPLES, n_bootstrap: int = N_BOOTSTRAP,
                   max_samples: int | None = None, jobs: int = 1) -> pd.DataFrame:
    """The study's table: case i uses seed + i (population and samples), so the table does not
    depend on ``jobs``, the number of processes the cases are spread over."""
    kwargs = {"n_samples": n_samples, "n_bootstrap": n_bootstrap, "max_samples": max_samples}
    if jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:  # the most units (the slowest cases) first
            order = sorted(range(len(cases)), key=lambda i: -cases[i][0])
            futures = {i: pool.submit(study_case, *cases[i], seed=seed + i, **kwargs) for i in order}
            parts = [futures[i].result() for i in range(len(cases))]
    else:
        parts = [study_case(*case, seed=seed + i, **kwargs) for i, case in enumerate(cases)]
    return pd.DataFrame([row for rows in parts for row in rows])


DEFAULTS = {measure: methods[0] for measure, methods in iv.MEASURE_METHODS.items()}  # as the verbs
# Known and documented: D near random allocation under-covers at any cell size (Allen et al. 2015);
# local scores near their floor of 0 over-cover (the interval is conservative, never too short).
# These rows are reported but left out of ``thresholds`` (they depend on segregation, not cell size).
KNOWN = {("weak", "D"), ("weak", "ls")}


def holds(table: pd.DataFrame) -> pd.Series:
    """True where coverage is within two Monte Carlo standard errors of ``BAND``."""
    return (table["coverage"] >= BAND[0] - 2 * table["mc_se"]) & (table["coverage"] <= BAND[1] + 2 * table["mc_se"])


def thresholds(table: pd.DataFrame) -> dict[str, dict[str, float]]:
    """{measure: {method: c}}: the smallest mean cell c of the grid such that the method holds in
    every case with at least c people per cell (``inf`` when it fails in the densest case), over
    the rows of M, H and D outside ``KNOWN``. Local scores are pooled over units and have no row
    per cell size; their threshold (people per group in a unit) is not derived here."""
    rows = table[table["measure"].isin(["M", "H", "D"])
                 & ~table.set_index(["segregation", "measure"]).index.isin(KNOWN)]
    out: dict[str, dict[str, float]] = {}
    for (measure, method), part in rows.groupby(["measure", "method"], sort=False):
        ok = holds(part).to_numpy()
        cells = part["mean_cell"].to_numpy()
        order = np.argsort(-cells, kind="stable")
        threshold = math.inf
        for i in order:  # from the densest case down, while every case holds
            if not ok[cells >= cells[i]].all():
                break
            threshold = float(cells[i])
        # 4.17 -> 4.1, so that the case at 4.17 is not flagged
        out.setdefault(measure, {})[method] = math.floor(threshold * 10) / 10 if math.isfinite(threshold) else threshold
    return out


def load_table() -> pd.DataFrame:
    """The study's table as ``tools/coverage_study.py`` last wrote it (``toolkit/data/segregation_coverage.csv``)."""
    with resources.files("toolkit").joinpath("data", "segregation_coverage.csv").open() as f:
        return pd.read_csv(f)


def default_coverage(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Coverage by case of each measure's default method and of R's procedure (``percentile_bc``),
    one row per case sorted by people per cell (densest first), with the ``sparse`` flag the
    default carries there and the samples the defaults' coverage rests on (``study_case``).

    >>> t = default_coverage()
    >>> list(t.columns[:6])
    ['units', 'groups', 'N', 'mean_cell', 'design', 'segregation']
    >>> bool((t["mean_cell"].diff().dropna() <= 0).all())
    True
    """
    table = load_table() if table is None else table
    keys = ["units", "groups", "N", "mean_cell", "design", "segregation"]
    rows = table[table["measure"].isin(["M", "H", "D"])]
    default = rows[rows["method"] == rows["measure"].map(DEFAULTS)]
    r = rows[rows["method"] == "percentile_bc"]
    wide = default.pivot_table(index=keys, columns="measure", values="coverage", sort=False)
    flags = default.pivot_table(index=keys, columns="measure", values="sparse", aggfunc="max", sort=False)
    ref = r.pivot_table(index=keys, columns="measure", values="coverage", sort=False)
    out = wide.join(ref.add_suffix(" (R)")).join(flags.astype("boolean").add_suffix(" sparse"))  # NA: no D
    cols = [c for m in ("M", "H", "D") for c in (m, f"{m} (R)", f"{m} sparse") if c in out]
    if "samples" in default:  # tables written before the sequential design have 400 throughout
        out["samples"] = default.groupby(keys, sort=False)["samples"].max()
        cols.append("samples")
    return out[cols].reset_index().sort_values("mean_cell", ascending=False, ignore_index=True)


def coverage_figure(table: pd.DataFrame | None = None, *, ax=None):
    """Coverage of the 95% intervals by people per cell: each measure's default method (solid)
    and R's procedure (dashed), with the 0.92-0.98 band; the weak-segregation and equal-units
    cases are marked apart. Returns the matplotlib Figure."""
    import matplotlib.pyplot as plt

    t = default_coverage(table)
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4))
    else:
        fig = ax.figure
    ax.axhspan(*BAND, color="0.9", label="0.92-0.98")
    ax.axhline(LEVEL, color="0.5", lw=0.8)
    main = t[(t["segregation"] != "weak") & (t["design"] == "dirichlet")].sort_values("mean_cell")
    for measure, colour in (("M", "C0"), ("H", "C1"), ("D", "C2")):
        part = main.dropna(subset=[measure])
        ax.plot(part["mean_cell"], part[measure], "-o", color=colour, label=f"{measure}: {DEFAULTS[measure]}")
        if f"{measure} (R)" in part:
            ax.plot(part["mean_cell"], part[f"{measure} (R)"], "--", color=colour, alpha=0.6,
                    label=f"{measure}: percentile_bc (R)")
    other = t[(t["segregation"] == "weak") | (t["design"] != "dirichlet")]
    for _, row in other.iterrows():
        for measure, colour in (("M", "C0"), ("D", "C2")):
            if pd.notna(row.get(measure)):
                ax.plot(row["mean_cell"], row[measure], "x", color=colour, ms=8)
    ax.set_xscale("log")
    ax.set_xlabel("people per cell (N / (units x groups)); x: weak segregation or equal units")
    ax.set_ylabel("coverage of the 95% interval")
    ax.set_ylim(0.2, 1.0)
    ax.legend(fontsize=7, ncol=2, loc="lower right")
    fig.tight_layout()
    return fig
