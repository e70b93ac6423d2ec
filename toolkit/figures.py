"""Matplotlib figures for notebooks and reports, labelled in English or Spanish.

Every function takes tidy results from the statistics modules, labels come from ``toolkit.i18n``,
a source line sits at the bottom, and figures made from synthetic data carry the label
"Synthetic demonstration data" / "Datos sintéticos de demostración" in red.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from toolkit import i18n

__all__ = ["occupations_figure", "shortfall_figure", "selection_figure", "wage_gap_figure", "joborders_figure",
           "finish", "source_line"]

_F, _M, _US = "#b5179e", "#3a86ff", "#8d99ae"


def _short(label, width: int = 46) -> str:
    """A tick label cut at a word boundary with an ellipsis when longer than ``width``."""
    text = str(label)
    return text if len(text) <= width else text[:width].rsplit(" ", 1)[0].rstrip(",;") + "…"


def source_line(synthetic: bool, *, lang: str, seed: int | None = None, benchmark_year: int = 2022) -> str:
    """The source line under every figure: the data (synthetic with its seed, or DOL files) and
    the benchmark table year.

    Examples
    --------
    >>> source_line(True, lang="es", seed=7)
    'Fuente: datos sintéticos de demostración (semilla 7). Referencias: BLS CPS, cuadro 11, 2022.'
    """
    data = i18n.t("data_synthetic", lang, seed=seed) if synthetic else i18n.t("data_store", lang)
    return i18n.t("source_line", lang, source=data, year=benchmark_year)


def finish(fig, *, lang: str, synthetic: bool, source: str | None = None):
    """Add the source line (bottom left) and, for synthetic data, the red label "Synthetic
    demonstration data" in ``lang`` (top right); return the figure."""
    if source:
        fig.text(0.01, 0.005, source, fontsize=6.5, color="#555555", ha="left", va="bottom")
    if synthetic:
        fig.text(0.99, 0.995, i18n.t("synthetic_label", lang), fontsize=8, color="#b00020", ha="right",
                 va="top", weight="bold")
    return fig


def _decorate(fig, ax, *, lang: str, synthetic: bool, source: str | None, title: str, value_axis: str,
              label: str, formatter, legend: bool = False, rect=(0, 0.04, 1, 0.95), integer: bool = False):
    """Title, the value axis (``"x"`` or ``"y"``) labelled and formatted for ``lang``, a quiet
    frame, then ``finish``: the shared ending of every figure here. ``integer``: the axis counts
    (people, positions), so its ticks are whole numbers (never "0 0 1 2 2" from rounded halves)."""
    from matplotlib.ticker import MaxNLocator

    axis = ax.xaxis if value_axis == "x" else ax.yaxis
    if integer:
        axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(formatter)
    (ax.set_xlabel if value_axis == "x" else ax.set_ylabel)(i18n.t(label, lang))
    ax.set_title(i18n.t(title, lang), fontsize=11)
    if legend:
        ax.legend(fontsize=8, loc="lower right", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout(rect=rect)
    return finish(fig, lang=lang, synthetic=synthetic, source=source)


def occupations_figure(table: pd.DataFrame, *, lang: str, synthetic: bool, source: str | None = None, top: int = 12):
    """Women's share among H-2 workers vs the US-workforce benchmark, by occupation.

    ``table`` needs ``occupation``, ``women_share_observed`` (may be NA when suppressed or
    unknown) and ``women_share`` (benchmark).
    """
    t = table.dropna(subset=["women_share"]).head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(7.5, 0.38 * len(t) + 1.4))
    y = np.arange(len(t))
    obs = pd.to_numeric(t["women_share_observed"], errors="coerce").to_numpy(dtype=float)
    shown = ~np.isnan(obs)  # a suppressed share draws "—", never a bar at zero
    if shown.any():  # store data without worker records have no observed share at all
        ax.barh(y[shown] + 0.2, obs[shown], height=0.38, color=_F, label=i18n.t("legend_h2", lang))
        for yi in y[~shown]:
            ax.text(0.002, yi + 0.2, "—", va="center", fontsize=7, color="#555555")
    ax.barh(y - 0.2, t["women_share"].astype(float), height=0.38, color=_US, label=i18n.t("legend_us", lang))
    ax.set_yticks(y, [_short(o) for o in t["occupation"]], fontsize=8)
    return _decorate(fig, ax, lang=lang, synthetic=synthetic, source=source, title="fig_occupations", value_axis="x",
                     label="axis_share", formatter=lambda v, _: i18n.fmt_percent(v, lang, 0), legend=True,
                     rect=(0, 0.03, 1, 0.97))


def shortfall_figure(table: pd.DataFrame, *, lang: str, synthetic: bool, source: str | None = None,
                     top: int = 12):
    """Missing women by occupation (expected minus observed) with 95% intervals.

    shortfall = n p - k for n workers, k women and benchmark share p; its interval is
    n p - n [hi, lo], with [lo, hi] the Clopper-Pearson interval of k / n (Clopper and Pearson,
    1934, Biometrika 26(4)), as ``discrimination.availability`` returns it per occupation.

    ``table`` needs ``occupation``, ``total``, ``expected_share``, ``shortfall``, ``ci_low`` and
    ``ci_high`` (rows with NA shortfall, e.g. suppressed, are left out); the ``top`` largest
    shortfalls are drawn. Bars left of zero mean more women than the benchmark predicts.
    """
    t = table.dropna(subset=["shortfall"]).sort_values("shortfall", ascending=False).head(top).iloc[::-1]
    n, p = t["total"].astype(float), t["expected_share"].astype(float)
    est = t["shortfall"].astype(float).to_numpy()
    lo, hi = (n * p - n * t["ci_high"]).to_numpy(dtype=float), (n * p - n * t["ci_low"]).to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(7.5, 0.34 * len(t) + 1.4))
    y = np.arange(len(t))
    ax.barh(y, est, color=_F, xerr=[est - lo, hi - est], capsize=3, error_kw={"elinewidth": 0.8},
            label=i18n.t("legend_ci", lang))
    ax.axvline(0, color="#333333", linewidth=0.6)
    ax.set_yticks(y, [_short(o) for o in t["occupation"]], fontsize=8)
    return _decorate(fig, ax, lang=lang, synthetic=synthetic, source=source, title="fig_shortfall", value_axis="x",
                     label="col_shortfall", formatter=lambda v, _: i18n.fmt_int(v, lang), legend=True,
                     rect=(0, 0.03, 1, 0.97), integer=True)


def wage_gap_figure(gap: pd.DataFrame, *, lang: str, synthetic: bool, source: str | None = None):
    """The women-men hourly wage gap, total and its explained/unexplained parts, with intervals.

    ``gap`` is ``discrimination.wage_gap`` (index ``gap``, ``explained``, ``unexplained``; log
    points, men minus women). Each log gap g is drawn as the share women earn less,
    1 - exp(-g) (Oaxaca 1973, International Economic Review 14(3); Blinder 1973, Journal of
    Human Resources 8(4)).
    """
    parts = [s for s in ("gap", "explained", "unexplained") if s in gap.index]
    t = gap.loc[parts]
    pct = lambda x: 1 - np.exp(-np.asarray(x, dtype=float))  # noqa: E731
    est, lo, hi = pct(t["est"]), pct(t["ci_low"]), pct(t["ci_high"])
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    x = np.arange(len(t))
    ax.bar(x, est, color=[_F, _US, "#6a4c93"][:len(t)], yerr=[est - lo, hi - est], capsize=4)
    ax.axhline(0, color="#333333", linewidth=0.6)
    ax.set_xticks(x, [i18n.t(f"wage_{s}", lang) for s in parts], fontsize=8)
    return _decorate(fig, ax, lang=lang, synthetic=synthetic, source=source, title="fig_wages", value_axis="y",
                     label="axis_wage", formatter=lambda v, _: i18n.fmt_percent(v, lang, 0))


def selection_figure(impact: pd.DataFrame, *, lang: str, synthetic: bool, source: str | None = None):
    """Selection rates by sex with 95% Wilson intervals (``impact`` from ``adverse_impact``).

    Wilson score interval for a rate s / n (Wilson, E. B., 1927, Probable inference, the law of
    succession, and statistical inference, Journal of the American Statistical Association 22).
    """
    from statsmodels.stats.proportion import proportion_confint

    t = impact.set_index("group").reindex(["F", "M"]).dropna(subset=["applicants"])
    lo, hi = proportion_confint(t["selected"], t["applicants"], method="wilson")
    fig, ax = plt.subplots(figsize=(5, 3.2))
    x = np.arange(len(t))
    ax.bar(x, t["rate"], color=[_F if g == "F" else _M for g in t.index], yerr=[t["rate"] - lo, hi - t["rate"]],
           capsize=4)
    ax.set_xticks(x, [i18n.t(f"sex_{g}", lang) for g in t.index])
    return _decorate(fig, ax, lang=lang, synthetic=synthetic, source=source, title="fig_selection", value_axis="y",
                     label="axis_rate", formatter=lambda v, _: i18n.fmt_percent(v, lang, 0))


def joborders_figure(scan: pd.DataFrame, by: str = "program", *, lang: str, synthetic: bool,
                     source: str | None = None):
    """Share of job orders with an explicit sex preference, by ``by`` (``scan`` from
    ``language.scan_job_orders``, whose ``rate`` is NA where the flagged count was suppressed)."""
    t = scan.dropna(subset=["rate"])
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.bar(t[by].astype(str), t["rate"].astype(float), color="#6a4c93")
    ax.set_ylim(bottom=0, top=max(0.01, float(t["rate"].max() if len(t) else 0) * 1.15))
    return _decorate(fig, ax, lang=lang, synthetic=synthetic, source=source, title="fig_joborders", value_axis="y",
                     label="axis_flagged", formatter=lambda v, _: i18n.fmt_percent(v, lang, 1))
