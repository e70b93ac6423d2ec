"""Inference for the segregation indices: bootstrap, jackknife, analytic intervals, sparse flags.

Inference resamples the contingency table: each bootstrap replicate is a multinomial draw of the
N individuals over the cells with the observed cell shares, all replicates drawn as one numpy
array (in chunks), so no Python loop runs per observation. ``se`` is the standard deviation of
the replicates. ``method=`` chooses the bias correction and the interval:

- ``"hybrid"`` (default of ``mutual_total``): the normal interval est -/+ z se around the
  jackknife's estimate where the table has at least ``SPARSE_MEAN_CELL["M"]["jackknife"]`` people
  per cell, around the Miller-Madow estimate below (``_hybrid_method``; the rule is read off the
  coverage study's table);
- ``"noncentral"``: M_mm = M - (U - 1)(G - 1) / (2N) (Miller-Madow)
  and the interval that inverts the noncentral chi-square distribution of G = 2 N M
  (Goebel et al. 2005), analytic (``_noncentral``); H = M / E(group);
- ``"iterated"`` (default of ``dissimilarity``): the folded D's bias removed ``D_ITERATIONS`` times
  more under the normal approximation of each unit's difference, then once by the bootstrap
  (Allen et al. 2015), with the spread of the next iterate's replicates standing for that of the
  corrected estimate (an analytic double bootstrap; ``_d_iterated_counts``);
- ``"folded_normal"``: each unit's share difference replaced by its
  folded-normal moment estimate, that estimate's remaining bias removed by the bootstrap, and the
  bootstrap percentile interval moved to it (``_d_folded_counts``);
- ``"jackknife"`` (default of the local and within verbs): est - jackknife bias, with the bootstrap
  percentile interval moved to that estimate;
- ``"percentile_bc"`` (what the R package ``segregation`` does, for every index):
  est_bc = 2 est - mean(boot), interval = quantiles of 2 est - boot.

The coverage study (``toolkit.segregation.coverage``, run by ``tests/test_segregation_coverage.py``;
population tables with known values, multinomial samples, 400 to 3,200 samples per case) chose them. In
the study's sparse rows (200 x 2 with N = 3,000, 7.5 people per cell; 300 x 2 with N = 2,500,
4.2 per cell) R's procedure covered M 87% and 43% of the time, the jackknife 93% and 88%, the
noncentral interval 96.5% and 97%; for D R's procedure covered 83.5% and 72%, the folded-normal
interval 90.5% and 91%, the iterated one 94% and 93.75% (and 93-95.75% in every case of the grid). Every interval comes with a ``sparse`` flag (``ls_sparse`` for local
scores, per unit): True means "fewer people per cell than ``SPARSE_MEAN_CELL[measure][method]``,
below which the study measured this method's 95% interval to under-cover (or did not measure
it)", and a report must not publish the interval there (``evidence`` drops it and says why). D
under weak segregation (many units whose two shares are nearly equal) is flagged apart
(``NEAR_RANDOM_D``; see ``dissimilarity``).

Also tried and rejected in that study (``toolkit/data/segregation_coverage.csv`` has the adopted
ones): BCa (Efron 1987) for M covered 0% in the sparse rows, because M's bias there exceeds two
standard errors and the bias-correction constant z0 saturates; the studentized bootstrap
(bootstrap-t with jackknife standard errors) of the jackknife estimate of M covered 0.935 at 7.5
per cell but 0.845 at 4.2; the Miller-Madow df counted over non-empty cells covered 0.31 at 4.2;
a beta-binomial empirical-Bayes D (after Rathelot 2012, moment estimate of the dispersion) moved
its bias by about 0.02 for a 20% change of that dispersion. (Exploratory runs, 200 samples per
case, not kept in the table.)

Issue 25's last round (the literal bar: 0.92-0.98 for every published default row). The table
then held two published default rows below 0.92 at 400 samples: D (iterated) 0.905 at 300 x 2
and H (hybrid, there the jackknife with the percentile interval) 0.91 at 50 x 4. Exploratory
runs on the same populations with a separate sample stream (seeds 5000 + case, not kept) told
chance from bias. D iterated covered 0.938 at 300 x 2 over 1,200 samples (se 0.007): inside
the band, the 0.905 was Monte Carlo error, so D is unchanged and the study became sequential
(``coverage.study_case``: cases whose published defaults are within two standard errors of an
edge get 800, 1,600, then 3,200 samples). H with the percentile interval covered 0.920 at 50 x 4
over 1,600 samples (se 0.007): on the edge, a real shortfall. With B = 100-200 replicates the
2.5% and 97.5% points of the percentile interval rest on a few replicates each, and the interval
is short on average (Efron & Tibshirani 1993, ch. 13 and 19: the standard error needs far fewer
replicates than the percentiles); the normal interval uses every replicate. Over the same
kind of samples (1,600 at 50 x 4; 800 at 133, 100, 25, 10 and 7.5 per cell and under weak
segregation; 60 x 3 not run), for M and H: the normal interval around the
jackknife estimate, est_J -/+ 1.96 sd(plug-in replicates), covered 0.941 and 0.928 at 50 x 4,
0.935 and 0.938 at 7.5 per cell, 0.941-0.963 in the dense cases and 0.974 and 0.960 under weak
segregation: adopted for the hybrid's dense part. Also measured: the percentile interval of the
jackknife-corrected statistic recomputed on each replicate (0.938 and 0.921 at 50 x 4: the
correction's own variance is not what is missing); the normal interval with that statistic's
spread (0.945 and 0.931 at 50 x 4, but 0.983 for M under weak segregation, above 0.98); the
basic (reflected) interval (0.933 and 0.924); for D, the normal interval of D_(K+1)* (0.946 at
300 x 2, 0.963 at 7.5 and 10 per cell) and the percentile interval of D_(K+2)* (0.976-0.986,
too wide). Below 7.5 per cell none of the jackknife's intervals holds (0.81-0.88 at 4.2 per
cell). The sequential study then measured the noncentral interval, the hybrid's sparse part
until then, at 0.978 (M) and 0.981 (H) at 4.2 per cell over 3,200 samples (above 0.98 for H);
over 1,600 samples of the separate stream it covered 0.976 and 0.983 there, while the normal
interval around the same Miller-Madow estimate, est_MM -/+ 1.96 sd(replicates), covered 0.958
and 0.950 (0.939 and 0.937 at 7.5 per cell; at 3 per cell, where the hybrid is flagged, 0.86
and 0.855 with 100 x 4 and 0.72 with equal units): adopted as the hybrid's sparse part. The study's table
(``toolkit/data/segregation_coverage.csv``) is the one run with these choices.

References
----------
Goebel, B., Dawy, Z., Hagenauer, J., & Mueller, J. C. (2005). An approximation to the distribution
of finite sample size mutual information estimates. IEEE International Conference on
Communications (ICC 2005), vol. 2.
Allen, R., Burgess, S., Davidson, R., & Windmeijer, F. (2015). More reliable inference for the
dissimilarity index of segregation. Econometrics Journal, 18(1), 40-66.
Efron, B. (1987). Better bootstrap confidence intervals. Journal of the American Statistical
Association, 82(397), 171-185.
Rathelot, R. (2012). Measuring segregation when units are small: a parametric approach. Journal
of Business & Economic Statistics, 30(4), 546-553.
Efron, B., & Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman & Hall.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Literal, get_args

import numpy as np
import pandas as pd
from scipy import special

from toolkit import inference

from toolkit.segregation._core import (_integer_counts, _entropy_of, _xlogx_sum, _eg_counts, _mh_counts, _mh_within,
                                       _d_counts, _ls_counts)

__all__ = ["RESAMPLE", "Method", "METHODS", "WITHIN_METHODS", "MEASURE_METHODS", "SPARSE_MEAN_CELL", "NEAR_RANDOM_D", "D_ITERATIONS"]


_CHUNK_CELLS = 5_000_000  # replicate x cell values held in memory at once


_CHUNK_WEIGHTS = 1_000_000  # unit draw counts per chunk: ~8 MB stays in cache (2x faster than 40 MB)


RESAMPLE = ("cells", "units")


Method = Literal["hybrid", "noncentral", "iterated", "folded_normal", "jackknife", "percentile_bc"]  # see _summary, _noncentral


METHODS = get_args(Method)


WITHIN_METHODS = ("jackknife", "percentile_bc")  # mutual_within: per stratum M, p, H, ent_ratio


# the methods each measure offers, its default first (chosen by tests/test_segregation_coverage.py)
MEASURE_METHODS = {"M": ("hybrid", "noncentral", "jackknife", "percentile_bc"),
                   "H": ("hybrid", "noncentral", "jackknife", "percentile_bc"),
                   "D": ("iterated", "folded_normal", "percentile_bc", "jackknife"),
                   "ls": ("jackknife", "percentile_bc")}


# People per cell below which a method's 95% interval was measured (or, below the study's smallest
# mean cell of 3, not measured) to leave 0.92-0.98, beyond two Monte Carlo standard errors
# (``coverage.holds``), in toolkit.segregation_coverage, by measure
# and method: N / (units x groups) for M, H and D; n_u / groups for a local score. ``inf``: the
# method under-covered even in the densest case of the study. ``tools/coverage_study.py``
# regenerates the study's table; a test checks these values against it.
SPARSE_MEAN_CELL = {
    "M": {"hybrid": 4.1, "noncentral": 4.1, "jackknife": 7.5, "percentile_bc": 12.0},
    "H": {"hybrid": 4.1, "noncentral": 4.1, "jackknife": 7.5, "percentile_bc": 12.0},
    "D": {"iterated": 4.1, "folded_normal": 25.0, "percentile_bc": 25.0, "jackknife": 100.0},
    "ls": {"jackknife": 20.0, "percentile_bc": math.inf},
}


#: D is also flagged when its plug-in value is below this multiple of its expectation under random
#: allocation of the same margins (``_d_random_expected``): there the study measured every method
#: to under-cover (weak segregation, true D 0.175, plug-in to random ratio about 1.25, coverage 0.82
#: at best), while every other two-group case of the grid has a ratio of 1.66 or more.
NEAR_RANDOM_D = 1.5


def _mh_unit_weights(n: np.ndarray, w: np.ndarray) -> np.ndarray:
    """M and H of resampled tables given as unit draw counts ``w`` (B, U) of the table ``n`` (U, G).

    A units bootstrap repeats whole rows, so the per-unit terms of ``_m_counts`` are fixed:
    with f(x) = x log x and c_u = sum_g f(n_ug) - f(n_u), replicate b has
    M_b = [sum_u w_bu c_u - sum_g f(n_bg) + f(N_b)] / N_b, n_bg = sum_u w_bu n_ug, which is
    ``_mh_counts(n[idx])`` for any draw idx with those counts, in O(B U G) without building the
    resampled tables.
    """
    n = np.asarray(n, dtype=float)
    c = _xlogx_sum(n, -1) - _xlogx_sum(n.sum(axis=-1), ())
    w = w.astype(float)
    groups = w @ n
    total = groups.sum(axis=-1)
    safe = np.where(total > 0, total, 1.0)
    m = np.maximum((w @ c - _xlogx_sum(groups, -1) + total * np.log(safe)) / safe, 0.0)
    e = _entropy_of(groups / safe[:, None])
    h = np.divide(m, e, out=np.zeros_like(m), where=e > 0)
    return np.stack([m, h], axis=-1)


_POISSON_TABLE_MAX = 64  # cells with at most this many people draw their Poisson count from a guide table
_PEOPLE_TABLE_MAX = 2 ** 21  # up to this many people, each person's cell is held in a table (16 MB)
_GUIDE_BITS = 12  # the guide table's buckets: 2^12 equal slices of [0, 1) (a table row stays in cache)


def _poisson_guides(means: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inversion tables of Poisson(m) for the means ``m`` (V,): low, high (V, 2^12), cdf (V, K).

    ``cdf[v, k]`` = P(X <= k); the inversion draw of a uniform u is #{k: cdf[v, k] <= u}. Bucket b
    covers u in [b, b + 1) / 2^12: every u in it draws at least ``low[v, b]`` and at most
    ``high[v, b]``; where the two are equal the bucket decides the draw, else it straddles a value
    of the cdf (at most K of the 2^12 buckets).
    """
    k = np.arange(int(_POISSON_TABLE_MAX + 14 * math.sqrt(_POISSON_TABLE_MAX) + 30))  # tail below 1e-17
    cdf = special.pdtr(k[None, :], means[:, None].astype(float))
    cdf[:, -1] = 1.0
    # bucket b holds u in [b, b + 1) / 2^bits; with x = cdf 2^bits (exact: a power of two),
    # low_b = #{k: x_k <= b} = #{k: ceil(x_k) <= b}, high_b = #{k: x_k < b + 1} = #{k: floor(x_k) <= b}
    x, buckets = cdf * 2 ** _GUIDE_BITS, 2 ** _GUIDE_BITS
    rows = np.arange(len(means))[:, None] * (buckets + 1)
    low = np.bincount((rows + np.ceil(x).astype(np.int64)).ravel(), minlength=len(means) * (buckets + 1))
    high = np.bincount((rows + np.floor(x).astype(np.int64)).ravel(), minlength=len(means) * (buckets + 1))
    low = low.reshape(len(means), buckets + 1).cumsum(axis=1)[:, :buckets]
    high = high.reshape(len(means), buckets + 1).cumsum(axis=1)[:, :buckets]
    return low.astype(np.uint8), high.astype(np.uint8), cdf


class _MultinomialCells:
    """Exact draws of Multinomial(N, counts / N) over the flat cells ``counts`` (C,), all replicates at once.

    Poissonisation with the total set exactly: independent X_c ~ Poisson(s counts_c) have total
    T ~ Poisson(s N), and given T = t they are Multinomial(t, counts / N): t people, each in cell c
    with probability p_c = counts_c / N independently. Where t < N, N - t more people are drawn
    from p (observed individuals resampled with replacement); where t > N, t - N of the t are
    removed, chosen uniformly without replacement. Either way N independent draws from p remain, so
    each replicate is Multinomial(N, p) exactly, whatever t was. The scale s = 1 - 3 / sqrt(N)
    (``scale``; 0 for N <= 9, which resamples individuals only) puts t about 3 sqrt(N) below N,
    so the removal branch is rare (P(T > N) about 0.001) and the people added are a small part of
    the work (an observed person's cell is looked up in a table of the N people up to
    ``_PEOPLE_TABLE_MAX``, else searched in the cumulative counts).

    A cell with at most ``_POISSON_TABLE_MAX`` people inverts 12 random bits (a quarter of one
    64-bit word of the generator) through a guide table of its mean (``_poisson_guides``); a
    straddled bucket (about 0.5% of draws) takes a fresh uniform inside the bucket and steps
    through the cdf there. Larger cells use numpy's Poisson sampler (PTRS, Hoermann 1993), whose
    cost does not grow with the mean. ``Generator.multinomial`` instead draws one binomial per cell
    (about ten uniforms each), several times slower (``benchmarks/bench_segregation.py``).
    """

    def __init__(self, counts: np.ndarray, scale: float | None = None):
        self.counts = np.asarray(counts, dtype=np.int64).ravel()
        self.n = int(self.counts.sum())
        self.scale = max(0.0, 1.0 - 3.0 / math.sqrt(max(self.n, 1))) if scale is None else float(scale)
        self.cumulative = np.cumsum(self.counts)
        self.people = (np.repeat(np.arange(self.counts.size, dtype=np.intp), self.counts)
                       if self.n <= _PEOPLE_TABLE_MAX else None)
        values, which = np.unique(self.counts, return_inverse=True)
        small = values <= _POISSON_TABLE_MAX
        self.low, self.high, self.cdf = _poisson_guides(self.scale * values[small])
        self.guide = np.where(self.low == self.high, self.low, 255).astype(np.uint8)
        self.table = np.flatnonzero(small[which])
        self.row = (np.cumsum(small) - 1)[which[self.table]]
        self.offset = self.row.astype(np.intp) << _GUIDE_BITS
        self.large = np.flatnonzero(~small[which])

    def poisson(self, size: int, rng: np.random.Generator) -> np.ndarray:
        """``size`` independent draws of Poisson(scale counts_c) for every cell c, (size, C) intp."""
        cells, t = self.counts.size, self.table.size
        bits = rng.bit_generator.random_raw((size * t + 3) // 4).view(np.uint16)[:size * t].reshape(size, t)
        bucket = bits >> (16 - _GUIDE_BITS)
        draws = self.guide.take(bucket + self.offset)
        straddled = np.flatnonzero(draws == 255)
        if straddled.size:  # u = (bucket + uniform) / 2^12, inverted through the cdf inside the bucket
            rep, col = np.divmod(straddled, t)
            at = self.offset[col] + bucket[rep, col]
            u = (bucket[rep, col] + rng.random(straddled.size)) / 2 ** _GUIDE_BITS
            k, high = self.low.ravel()[at].astype(np.intp), self.high.ravel()[at]
            cdf, base = self.cdf.ravel(), self.row[col] * self.cdf.shape[1]
            while (step := (k < high) & (cdf[base + np.minimum(k, high - 1)] <= u)).any():
                k += step
            draws.ravel()[straddled] = k
        if not self.large.size:
            return draws.astype(np.intp)
        out = np.empty((size, cells), dtype=np.intp)
        out[:, self.table] = draws
        out[:, self.large] = rng.poisson(self.scale * self.counts[self.large], size=(size, self.large.size))
        return out

    def draw(self, size: int, rng: np.random.Generator) -> np.ndarray:
        """``size`` replicate tables, (size, C) intp: Poisson counts, then N people exactly."""
        x = self.poisson(size, rng)
        excess = x.sum(axis=1) - self.n
        cells, flat = self.counts.size, x.ravel()
        short = np.flatnonzero(excess < 0)
        if short.size:  # add people: observed individuals drawn with replacement
            reps = np.repeat(short, -excess[short])
            people = rng.integers(0, self.n, size=reps.size)
            cell = (self.people[people] if self.people is not None
                    else np.searchsorted(self.cumulative, people, side="right"))
            np.add.at(flat, reps * cells + cell, 1)
        over = np.flatnonzero(excess > 0)
        if over.size:  # remove a uniform subset of the t people drawn in each such replicate
            ends = np.cumsum(x[over].ravel())  # people up to each cell, those replicates in a row
            first = np.r_[0, ends[cells - 1:-1:cells]]  # each replicate's first person
            people = np.concatenate([rng.choice(self.n + e, e, replace=False) for e in excess[over].tolist()])
            which = np.repeat(np.arange(over.size), excess[over])
            at = np.searchsorted(ends, people + first[which], side="right")
            np.subtract.at(flat, at + (over[which] - which) * cells, 1)
        return x


# inference
def _bootstrap(stat: Callable[[np.ndarray], np.ndarray], table: np.ndarray, n_bootstrap: int,
               rng: np.random.Generator, resample: str = "cells") -> np.ndarray:
    """Replicates of ``stat`` on resampled tables, vectorized over replicates.

    ``resample="cells"``: multinomial draws of the N individuals over the cells with the observed
    cell shares (as the R package ``segregation``), exact and all at once (``_MultinomialCells``),
    given to ``stat`` as integer arrays. ``"units"``: the rows (units) of a
    units x groups table drawn with replacement (as PySAL's ``null_approach="bootstrap"``).
    """
    if resample == "units":
        if table.ndim != 2:
            raise ValueError("resample='units' needs a plain units x groups table (no within=)")
        units = table.shape[0]
        weighted = _UNIT_WEIGHTED.get(stat)
        chunk = max(1, (_CHUNK_CELLS // max(1, table.size)) if weighted is None else _CHUNK_WEIGHTS // units)
        out = []
        for start in range(0, n_bootstrap, chunk):
            size = min(chunk, n_bootstrap - start)
            idx = rng.integers(0, units, size=(size, units))
            if weighted is None:
                out.append(stat(table[idx]))
            else:  # the same draws, as counts per unit
                flat = (idx + units * np.arange(size)[:, None]).ravel()
                out.append(weighted(table, np.bincount(flat, minlength=size * units).reshape(size, units)))
        return np.concatenate(out, axis=0)
    cells = _MultinomialCells(_integer_counts(table))
    chunk = max(1, _CHUNK_CELLS // max(1, table.size))
    out = []
    for start in range(0, n_bootstrap, chunk):
        size = min(chunk, n_bootstrap - start)
        out.append(stat(cells.draw(size, rng).reshape((size, *table.shape))))
    return np.concatenate(out, axis=0)


_UNIT_WEIGHTED = {_mh_counts: _mh_unit_weights}  # stats with a closed form for a units bootstrap


def _ls_leave_one_out(n: np.ndarray) -> np.ndarray:
    """Mean over the N individuals of the local scores (U,) with that individual left out.

    With c_ug = n_ug / n_u and log p'_g(h) = log((n_g - [g = h]) / (N - 1)) after removing a
    person of group h: other units keep c, so ls_u = sum_g c_ug log c_ug - sum_g c_ug log p'_g(h);
    the person's own unit u has c'_ug(h) = (n_ug - [g = h]) / (n_u - 1). The mean weights the
    first by n_h - n_uh and the second by n_uh, in O(U G^2).
    """
    big_n, nu, ng = n.sum(), n.sum(axis=1), n.sum(axis=0)
    eye = np.eye(n.shape[1])
    log_p = np.log(np.maximum(ng[None, :] - eye, 0) / (big_n - 1), out=np.zeros((n.shape[1],) * 2),
                   where=(ng[None, :] - eye) > 0)  # [h, g]
    c = n / np.where(nu > 0, nu, 1)[:, None]
    own = _xlogx_sum(c, -1)
    other = own[:, None] - c @ log_p.T  # [u, h]: a person of group h left another unit
    left = np.maximum(n[:, None, :] - eye[None], 0)  # [u, h, g]: the person left unit u
    size = np.maximum(nu - 1, 1)[:, None, None]
    cl = left / size
    self_ = _xlogx_sum(cl, -1) - (cl * log_p[None]).sum(axis=-1)
    return ((ng[None, :] - n) * other + n * self_).sum(axis=1) / big_n


def _mh_leave_one_out(n: np.ndarray) -> np.ndarray:
    """Mean over the N individuals of (M, H) with that individual left out, for a table n (U, G).

    With f(x) = x log x, S_c = sum f(n_ug), S_u = sum f(n_u), S_g = sum f(n_g), leaving out one
    person of cell (u, g) gives M_-ug = [S_c - f(n_ug) + f(n_ug - 1) - (S_u - f(n_u) + f(n_u - 1))
    - (S_g - f(n_g) + f(n_g - 1)) + f(N - 1)] / (N - 1) and E_-g = log(N - 1) - (S_g - f(n_g) +
    f(n_g - 1)) / (N - 1), so the mean sum_ug n_ug (M_-ug, M_-ug / E_-g) / N costs O(U G).
    """
    def f(x):
        return _xlogx_sum(np.maximum(x, 0), ())
    big_n, nu, ng = n.sum(), n.sum(axis=1), n.sum(axis=0)
    s_c, s_u, s_g = f(n).sum(), f(nu).sum(), f(ng).sum()
    groups = s_g - f(ng) + f(ng - 1)
    m = (s_c - f(n) + f(n - 1) - (s_u - f(nu) + f(nu - 1))[:, None] - groups[None, :] + f(big_n - 1)) / (big_n - 1)
    m = np.maximum(m, 0.0)
    e = np.log(big_n - 1) - groups / (big_n - 1) if big_n > 1 else np.zeros_like(groups)
    h = np.divide(m, e[None, :], out=np.zeros_like(m), where=e[None, :] > 1e-15)
    return np.array([(n * m).sum(), (n * h).sum()]) / big_n


def _jackknife(stat: Callable[[np.ndarray], np.ndarray], table: np.ndarray, resample: str = "cells") -> np.ndarray:
    """Jackknife bias of ``stat`` at ``table``: (n - 1) * (mean of the leave-one-out values - stat(table)).

    ``resample="cells"`` leaves out one individual at a time (n = N; a cell's leave-one-out table
    stands for each of its n_c members, so the mean weights it by n_c, and only non-empty cells are
    evaluated); ``"units"`` leaves out one unit (row) at a time (n = number of non-empty units).
    The tables are evaluated in chunks as one array, by the same ``stat`` as the estimate, except
    for M and H and the local scores, whose leave-one-out values have closed forms
    (``_mh_leave_one_out``, ``_ls_leave_one_out``; with units, ``_mh_unit_weights`` on weights with
    the unit's weight set to 0), O(U G^2) instead of O((U G)^2).
    """
    closed = {_mh_counts: _mh_leave_one_out, _ls_counts: _ls_leave_one_out}.get(stat)
    if resample == "cells" and closed is not None and table.ndim == 2:
        counts = _integer_counts(table)
        n = counts.sum()
        return (n - 1) * (closed(counts.astype(float)) - stat(table))
    weighted = _UNIT_WEIGHTED.get(stat) if resample == "units" else None
    flat, g = table.astype(float).ravel(), table.shape[-1]
    if resample == "units":
        weights = (table.sum(axis=-1) > 0).astype(float).ravel()  # one per non-empty unit
    else:
        weights = _integer_counts(table).ravel().astype(float)  # one per person
    where = np.flatnonzero(weights)
    chunk = max(1, _CHUNK_CELLS // max(1, table.size))
    sums = 0.0
    for start in range(0, len(where), chunk):
        part = where[start:start + chunk]
        rows = np.arange(len(part))[:, None]
        if weighted is not None:
            w = np.ones((len(part), table.shape[0]))
            w[rows[:, 0], part] = 0
            sums = sums + np.tensordot(weights[part], weighted(table, w), axes=(0, 0))
            continue
        loo = np.tile(flat, (len(part), 1))
        if resample == "units":
            loo[rows, part[:, None] * g + np.arange(g)] = 0  # the unit's row emptied
        else:
            loo[rows[:, 0], part] -= 1  # one person fewer in the cell
        values = stat(loo.reshape(len(part), *table.shape))
        sums = sums + np.tensordot(weights[part], values, axes=(0, 0))
    n = weights.sum()
    return (n - 1) * (sums / n - stat(table))


#: the interval of ``inference.summarise`` behind each method (``"noncentral"`` is ``_noncentral``'s)
_INTERVAL = {"percentile_bc": "reflected", "jackknife": "percentile", "folded_normal": "percentile",
             "iterated": "percentile", "jackknife_normal": "normal"}


def _summary(est: np.ndarray, boot: np.ndarray | None, ci: float, *, method: str = "percentile_bc",
             bias: np.ndarray | None = None, sparse: np.ndarray | bool | None = None) -> dict[str, np.ndarray]:
    """``inference.summarise`` of an index with ``method``'s bias correction and interval, and its ``sparse`` flag.

    - ``"percentile_bc"`` (the R package ``segregation``, ``bootstrap_summary``): bias = mean(b) -
      est, est_bc = est - bias, interval [2 est - q_(1-alpha)(b), 2 est - q_alpha(b)] (the
      reflected interval; Allen et al. 2015 use the same bias correction for D).
    - ``"jackknife_normal"`` (the dense part of ``"hybrid"``, ``_hybrid_method``): est_c = est -
      ``bias`` (the jackknife's), interval est_c -/+ z_(1-alpha) se, se = sd(b).
    - ``"jackknife"``, ``"folded_normal"`` and ``"iterated"``: ``bias`` is given (the jackknife bias,
      Quenouille 1956, Efron & Stein 1981; for ``"folded_normal"`` see ``_d_folded_counts``, for
      ``"iterated"`` ``_d_iterated_counts``),
      est_c = est - bias, and the interval is the bootstrap percentile interval moved to est_c.
      The reflected interval of ``"percentile_bc"`` turns a right skew (local scores near 0) into
      a left one; this one does not.

    ``sparse`` (broadcast to the shape of ``est``) is passed through: the callers set it where
    the mean count per cell is below ``SPARSE_MEAN_CELL`` of the measure and method.
    """
    out = inference.summarise(est, boot, ci, interval=_INTERVAL[method], bias_correct=True,
                              bias=None if method == "percentile_bc" else bias)
    if boot is not None and sparse is not None:
        out["sparse"] = np.broadcast_to(sparse, np.shape(est)).copy()
    return out


def _independence_df(n: np.ndarray) -> np.ndarray:
    """Degrees of freedom (U - 1)(G - 1) of count arrays (..., U, G), counting non-empty units and groups."""
    units = (n.sum(axis=-1) > 0).sum(axis=-1)
    groups = (n.sum(axis=-2) > 0).sum(axis=-1)
    return (np.maximum(units - 1, 0) * np.maximum(groups - 1, 0)).astype(float)


def _noncentral(m: np.ndarray, total: np.ndarray, df: np.ndarray, ci: float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Miller-Madow estimate of M (nats) and the interval that inverts the noncentral chi-square of G.

    G = 2 N M_hat (the likelihood-ratio statistic of independence) is approximately noncentral
    chi-square with df = (U - 1)(G - 1) and noncentrality lambda = 2 N M (Goebel et al. 2005).
    The estimate is (G - df) / (2N), truncated at 0: plug-in M minus its first-order bias
    (U - 1)(G - 1) / (2N) (Miller 1955). The interval is [lambda_lo, lambda_hi] / (2N), where
    lambda_lo and lambda_hi solve F(G; df, lambda) = 1 - alpha and = alpha (F the noncentral
    chi-square distribution function, alpha = (1 - ci) / 2; ``scipy.special.chndtrinc``), or 0
    where even lambda = 0 leaves G below that quantile: the test inversion of Steiger & Lind's
    RMSEA interval (Steiger 1990). With df = 0 (one unit or one group) M is 0 and so is the
    interval.

    Examples
    --------
    >>> est, lo, hi = _noncentral(np.array([0.05]), np.array([200.0]), np.array([1.0]), 0.95)
    >>> [round(float(v[0]), 4) for v in (est, lo, hi)]  # G = 20, df = 1
    [0.0475, 0.0158, 0.1034]
    """
    g = 2 * total * m
    alpha = (1 - ci) / 2
    safe = np.maximum(df, 1.0)
    at_zero = special.chndtr(g, safe, 0.0)  # F(G; df, 0)
    lo = np.where(at_zero > 1 - alpha, special.chndtrinc(g, safe, np.full_like(g, 1 - alpha)), 0.0)
    hi = np.where(at_zero > alpha, special.chndtrinc(g, safe, np.full_like(g, alpha)), 0.0)
    scale = 2 * np.where(total > 0, total, 1.0)
    return tuple(np.where(df > 0, v / scale, 0.0) for v in (np.maximum(g - df, 0.0), lo, hi))


def _noncentral_mh(table: np.ndarray, boot: np.ndarray | None, ci: float, sparse: np.ndarray) -> dict[str, np.ndarray]:
    """``_noncentral`` for M and H = M / E(group) of a table (U, G) or strata (W, U, G) (M within
    strata: G = sum_w 2 N_w M_w, noncentral chi-square with df = sum_w (U_w - 1)(G_w - 1)).
    ``se`` is the standard deviation of the bootstrap replicates ``boot`` (of M and H), as for
    every method; ``bias`` is the plug-in estimate minus the Miller-Madow one."""
    whole = table.reshape(-1, table.shape[-1]) if table.ndim == 3 else table
    plug = _mh_counts(table) if table.ndim == 2 else _mh_within(table)
    if boot is None:
        return {"est": plug}
    df = np.atleast_1d(_independence_df(table)).sum()
    e = _eg_counts(whole)
    m = _noncentral(np.array([plug[0]]), np.array([whole.sum()]), np.array([df]), ci)
    values = {key: np.array([v[0], v[0] / e if e > 0 else 0.0]) for key, v in zip(("est", "ci_low", "ci_high"), m)}
    return {"est": values["est"], "se": boot.std(axis=0, ddof=1), "ci_low": values["ci_low"],
            "ci_high": values["ci_high"], "bias": plug - values["est"],
            "sparse": np.broadcast_to(sparse, (2,)).copy()}


def _miller_madow_normal(table: np.ndarray, boot: np.ndarray | None, ci: float, sparse: np.ndarray
                         ) -> dict[str, np.ndarray]:
    """The Miller-Madow estimate of M and H (``_noncentral_mh``'s) with the normal interval
    est -/+ z_(1-alpha) se, se the standard deviation of the bootstrap replicates (the sparse part of
    ``"hybrid"``, ``_hybrid_method``): the noncentral interval around the same estimate over-covers
    there (0.98 for H at 4.2 people per cell in the coverage study)."""
    out = _noncentral_mh(table, boot, ci, sparse)
    if boot is None:
        return out
    z = special.ndtri(1 - (1 - ci) / 2)
    return {**out, "ci_low": out["est"] - z * out["se"], "ci_high": out["est"] + z * out["se"]}


def _fold_grid() -> tuple[np.ndarray, np.ndarray]:
    """r and h(r) = E|Z + r| for Z standard normal, r in [0, 10]: h(r) = sqrt(2/pi) exp(-r^2/2) + r erf(r / sqrt 2)."""
    r = np.linspace(0.0, 10.0, 4001)
    return r, math.sqrt(2 / math.pi) * np.exp(-r * r / 2) + r * special.erf(r / math.sqrt(2))


_FOLD_R, _FOLD_H = _fold_grid()
_FOLD_Y = np.linspace(0.0, 14.0, 2801)  # y = |x| / s, the grid of _d_iteration_grid


def _d_unit_terms(n: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each unit's |share difference| x_u = |n_ua / N_a - n_ub / N_b|, its standard error s_u =
    sqrt(a_u (1 - a_u) / N_a + b_u (1 - b_u) / N_b) given the group totals, and y_u = x_u / s_u
    (0 where s_u = 0), for count arrays (..., U, 2)."""
    col = n.sum(axis=-2, keepdims=True)
    col = np.where(col > 0, col, 1.0)
    share = n / col
    x = np.abs(share[..., 0] - share[..., 1])
    sd = np.sqrt((share * (1 - share) / col).sum(axis=-1))
    return x, sd, np.divide(x, sd, out=np.zeros_like(x), where=sd > 0)


def _d_folded_counts(n: np.ndarray) -> np.ndarray:
    """D with each unit's |share difference| replaced by its folded-normal moment estimate, arrays (..., U, 2).

    For unit u, x_u = n_ua / N_a - n_ub / N_b has mean mu_u and, given the group totals, variance
    s_u^2 = a_u (1 - a_u) / N_a + b_u (1 - b_u) / N_b (a_u, b_u the observed shares). If x_u is
    normal, E|x_u| = s_u h(|mu_u| / s_u) with h(r) = sqrt(2/pi) exp(-r^2/2) + r erf(r / sqrt 2),
    which exceeds |mu_u|: the upward bias of D (Mazza & Punzo 2015 prove it is never negative).
    The moment estimate solves s_u h(m_u / s_u) = |x_u| for m_u (0 where |x_u| < s_u sqrt(2/pi),
    a difference no larger than noise; ``np.interp`` on a grid of h), and D_f = 1/2 sum_u m_u. It
    is the fixed point of iterating the bootstrap bias correction under that normal
    approximation; ``dissimilarity(method="folded_normal")`` removes its remaining bias with the
    bootstrap (Allen et al. 2015's correction applied to D_f).

    Examples
    --------
    >>> n = np.array([[30.0, 10.0], [10.0, 50.0], [4.0, 6.0], [3.0, 2.0]])
    >>> round(float(_d_counts(n)), 4), round(float(_d_folded_counts(n)), 4)  # the small units count less
    (0.5257, 0.5133)
    """
    x, sd, y = _d_unit_terms(n)
    r = np.where(y >= _FOLD_H[-1], y, np.interp(y, _FOLD_H, _FOLD_R))
    return 0.5 * np.where(sd > 0, sd * r, x).sum(axis=-1)


#: Analytic bias corrections applied to the folded D before the bootstrap one (``_d_iterated_counts``):
#: the exploratory runs of the coverage study (400 samples per case) gave, for the iterated D with
#: 2, 3, 4, 5 and 6 corrections, coverage at 4.2 people per cell of 0.927, 0.930, 0.925, 0.940,
#: 0.955 and under weak segregation of 0.917, 0.920, 0.920, 0.938, 0.970 (over-covering beyond 5).
D_ITERATIONS = 5

_GH_Z, _GH_W = np.polynomial.hermite_e.hermegauss(60)
_GH_W = _GH_W / _GH_W.sum()


@functools.cache
def _d_iteration_grid(k: int) -> np.ndarray:
    """phi_k on the grid y = ``_FOLD_Y``: phi_0(y) = r(y), the folded-normal moment estimate
    (h(r) = y, ``_d_folded_counts``), and phi_{j+1}(y) = phi_j(y) + y - E phi_j(|y + Z|), Z standard
    normal (Gauss-Hermite, 60 nodes): phi_j's bias as an estimate of |mu| / s, under the normal
    approximation x ~ N(mu, s^2) of a unit's share difference, removed once more. Beyond the grid
    phi_j(y) = y + phi_j(y_max) - y_max (h(r) = r there)."""
    y = _FOLD_Y
    if k == 0:
        return np.where(y >= _FOLD_H[-1], y, np.interp(y, _FOLD_H, _FOLD_R))
    prev = _d_iteration_grid(k - 1)
    a = np.abs(y[:, None] + _GH_Z[None, :])
    vals = np.where(a > y[-1], a + prev[-1] - y[-1], np.interp(a, y, prev))
    return prev + y - vals @ _GH_W


def _d_iterated_counts(n: np.ndarray, k: int = D_ITERATIONS) -> np.ndarray:
    """D with each unit's |share difference| x_u replaced by s_u phi_k(x_u / s_u) (``_d_iteration_grid``),
    arrays (..., U, 2); k = 0 is ``_d_folded_counts``.

    Each correction step is the bootstrap bias correction of Allen et al. (2015), est - (E* est* -
    est), with the bootstrap expectation E* computed under the normal approximation of the unit's
    difference instead of by resampling; iterating it is Hall's (1992, sec. 1.4) iterated bootstrap
    bias correction, whose analytic form makes the distribution of the corrected estimate cheap to
    bootstrap (``dissimilarity(method="iterated")``).

    Examples
    --------
    >>> n = np.array([[30.0, 10.0], [10.0, 50.0], [4.0, 6.0], [3.0, 2.0]])
    >>> bool(np.isclose(_d_iterated_counts(n, 0), _d_folded_counts(n), atol=1e-5))
    True
    >>> [round(float(_d_iterated_counts(n, k)), 3) for k in (1, 5)]
    [0.502, 0.463]
    """
    x, sd, y = _d_unit_terms(n)
    grid = _d_iteration_grid(k)
    phi = np.where(y >= _FOLD_Y[-1], y + grid[-1] - _FOLD_Y[-1], np.interp(y, _FOLD_Y, grid))
    return 0.5 * np.where(sd > 0, sd * phi, x).sum(axis=-1)


def _check_inference(n_bootstrap: int, ci: float, method: str = "jackknife", resample: str = "cells",
                     allowed: Sequence[str] = METHODS, verb: str = "") -> None:
    """Validate the inference options on every call, whatever ``se`` says; ``method`` one of
    ``allowed`` (the verb's methods, ``MEASURE_METHODS``; see ``_summary`` and ``_noncentral``),
    ``resample`` one of ``RESAMPLE`` (see ``_bootstrap``).

    The defaults are the methods whose coverage ``tests/test_segregation_coverage.py`` measured
    closest to nominal: ``"hybrid"`` for M and H (``_hybrid_method``), ``"iterated"`` for D, ``"jackknife"``
    for local scores; ``"percentile_bc"`` is what the R package ``segregation`` does (kept to
    reproduce its numbers). ``"noncentral"`` models people sampled independently (multinomial),
    so it does not combine with ``resample="units"``.
    """
    where = f" for {verb}" if verb else ""
    if method not in allowed:
        raise ValueError(f"method must be one of {list(allowed)}{where}, got {method!r}")
    if resample not in RESAMPLE:
        raise ValueError(f"resample must be one of {list(RESAMPLE)}, got {resample!r}")
    if method == "noncentral" and resample == "units":
        raise ValueError("method='noncentral' is analytic for people sampled independently and does not "
                         "resample units; with resample='units' use method='jackknife' or 'percentile_bc'")
    if int(n_bootstrap) < 2:
        raise ValueError(f"n_bootstrap must be at least 2, got {n_bootstrap}")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, got {ci}")


def _hybrid_method(mean_cell: float, resample: str = "cells") -> str:
    """The method ``"hybrid"`` stands for in a table with ``mean_cell`` people per cell: a
    bias-corrected estimate with the normal interval est -/+ z se (se the standard deviation of the
    bootstrap replicates), the bias correction chosen by the coverage study.

    From ``SPARSE_MEAN_CELL["M"]["jackknife"]`` people per cell up (where the study measured the
    jackknife's bias correction to hold for M and H): ``"jackknife_normal"``, the jackknife's
    estimate (``_summary``). Below it: ``"miller_madow_normal"``, the Miller-Madow estimate
    (``_miller_madow_normal``; the jackknife's correction falls short there). Under either, the percentile
    interval of 100-200 replicates is short on average, and the noncentral chi-square interval
    over-covers (0.98-0.99 in dense tables, 0.98 at 4.2 per cell). With ``resample="units"`` the
    study did not measure the units bootstrap and Miller-Madow's correction assumes people sampled
    independently, so it is the jackknife with the percentile interval throughout.

    >>> _hybrid_method(100.0), _hybrid_method(4.2), _hybrid_method(4.2, "units")
    ('jackknife_normal', 'miller_madow_normal', 'jackknife')
    """
    switch = min(SPARSE_MEAN_CELL["M"]["jackknife"], SPARSE_MEAN_CELL["H"]["jackknife"])
    cells = float(np.asarray(mean_cell, dtype=float).reshape(-1)[0])
    if resample == "units":
        return "jackknife"
    return "jackknife_normal" if cells >= switch else "miller_madow_normal"


def _sparse(measure: str, method: str, mean_cell: np.ndarray) -> np.ndarray:
    """The ``sparse`` flag: fewer people per cell than ``SPARSE_MEAN_CELL[measure][method]``."""
    return np.asarray(mean_cell < SPARSE_MEAN_CELL[measure][method])


def _d_random_expected(n: np.ndarray) -> np.ndarray:
    """E[D] under random allocation of count tables ``n`` (..., U, 2), by the normal approximation.

    Each unit's first-group count is Binomial(n_u, P), P = N_1 / N; the unit's term
    x_u = n_u1 / N_1 - n_u2 / N_2 then has mean 0 and sd_u = sqrt(n_u P (1 - P)) (1/N_1 + 1/N_2),
    and E|x_u| = sqrt(2 / pi) sd_u, so E[D] = 1/2 sum_u sqrt(2 / pi) sd_u (Carrington & Troske
    1997 give the same baseline by simulation: ``dissimilarity_expected``).

    >>> n = np.array([[50.0, 50.0], [50.0, 50.0]])
    >>> round(float(_d_random_expected(n)), 4)  # 2 x 0.5 x sqrt(2/pi) x 5 x (2/100)
    0.0798
    """
    n = np.asarray(n, dtype=float)
    tot = n.sum(axis=-2)
    total = tot.sum(axis=-1)
    p = np.divide(tot[..., 0], total, out=np.zeros_like(total), where=total > 0)
    inv = np.divide(1.0, tot, out=np.zeros_like(tot), where=tot > 0).sum(axis=-1)
    sd = np.sqrt(n.sum(axis=-1) * (p * (1 - p))[..., None]) * inv[..., None]
    return 0.5 * math.sqrt(2 / math.pi) * sd.sum(axis=-1)


def _d_near_random(n: np.ndarray) -> np.ndarray:
    """True where the plug-in D of ``n`` (..., U, 2) is below ``NEAR_RANDOM_D`` x its expectation
    under random allocation: weak segregation, where no interval method covered in the study."""
    return np.asarray(_d_counts(n) < NEAR_RANDOM_D * _d_random_expected(n))


def _summarise_columns(frame: pd.DataFrame, boot: np.ndarray, ci: float) -> pd.DataFrame:
    """``_summary`` column by column over the replicates where the row exists (a unit can drop
    out of a replicate that draws none of its people), as R's merge of replicate rows does."""
    out = {k: np.full(len(frame), np.nan) for k in ("est", "se", "ci_low", "ci_high", "bias")}
    est = frame["est"].to_numpy(float)
    for j in range(len(frame)):
        ok = np.isfinite(boot[:, j])
        if ok.sum() < 2:
            continue
        parts = _summary(est[j:j + 1], boot[ok, j:j + 1], ci)
        for k in out:
            out[k][j] = parts[k][0]
    return frame.assign(**out)
