"""toolkit.figures: drawn values equal the inputs, labels in the report's language, the source
line on every figure and the synthetic label exactly when the data are synthetic."""
from __future__ import annotations

import math
import re

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from toolkit import figures, i18n

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _texts(fig) -> list[str]:
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        if ax.get_legend():
            out += [t.get_text() for t in ax.get_legend().get_texts()]
    return out


def _bars(ax):
    return [p for p in ax.patches if isinstance(p, matplotlib.patches.Rectangle)]


OCC = pd.DataFrame({"occupation": ["Farmworkers", "Maids and housekeeping cleaners"],
                    "women_share_observed": [0.02, np.nan], "women_share": [0.265, 0.881]})
# 5 women among 100 workers against a benchmark of 30%: 25 missing
SHORT = pd.DataFrame({"occupation": ["A", "B"], "total": [100, 40], "expected_share": [0.3, 0.5],
                      "shortfall": [25.0, np.nan]})
SHORT["ci_low"] = [stats.beta.ppf(0.025, 5, 96), np.nan]  # Clopper-Pearson for 5 / 100
SHORT["ci_high"] = [stats.beta.ppf(0.975, 6, 95), np.nan]
# log gaps (men minus women); 1 - exp(-0.1) = 9.52% less
GAP = pd.DataFrame({"est": [0.1, 0.06, 0.04], "ci_low": [0.09, 0.05, 0.03], "ci_high": [0.11, 0.07, 0.05]},
                   index=pd.Index(["gap", "explained", "unexplained"], name="stat"))
IMPACT = pd.DataFrame({"group": ["M", "F"], "applicants": [200, 100], "selected": [100, 25], "rate": [0.5, 0.25]})
SCAN = pd.DataFrame({"program": ["H-2A", "H-2B"], "rate": [0.01, 0.04]})


def _all_figures(lang: str, synthetic: bool):
    src = figures.source_line(synthetic, lang=lang, seed=3)
    return {"occupations": figures.occupations_figure(OCC, lang=lang, synthetic=synthetic, source=src),
            "shortfall": figures.shortfall_figure(SHORT, lang=lang, synthetic=synthetic, source=src),
            "wages": figures.wage_gap_figure(GAP, lang=lang, synthetic=synthetic, source=src),
            "selection": figures.selection_figure(IMPACT, lang=lang, synthetic=synthetic, source=src),
            "joborders": figures.joborders_figure(SCAN, lang=lang, synthetic=synthetic, source=src)}


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("synthetic", [True, False])
def test_label_and_source_on_every_figure(lang, synthetic):
    label = i18n.t("synthetic_label", lang)
    for name, fig in _all_figures(lang, synthetic).items():
        texts = _texts(fig)
        assert (label in texts) == synthetic, (name, "synthetic label must appear exactly for synthetic data")
        assert any(t.startswith("Source:" if lang == "en" else "Fuente:") for t in texts), name
        assert fig.axes[0].get_title() == i18n.t(f"fig_{name}", lang)


def test_spanish_figures_have_no_english_labels():
    english = {i18n.t(key, "en") for key in i18n.strings("en") if key.startswith(("axis_", "legend_", "fig_",
                                                                                   "sex_", "wage_"))}
    for name, fig in _all_figures("es", True).items():
        left = english & set(_texts(fig))
        assert not left, (name, left)


def test_shortfall_bars_and_intervals_are_the_clopper_pearson_formula():
    fig = figures.shortfall_figure(SHORT, lang="en", synthetic=False)
    ax = fig.axes[0]
    bars = _bars(ax)
    assert len(bars) == 1 and bars[0].get_width() == pytest.approx(25.0)  # the NA row is left out
    (segments,) = [c.get_segments() for c in ax.collections if len(c.get_segments()) == 1]
    lo, hi = sorted(segments[0][:, 0])
    # interval of n p - k: 100 * 0.3 - 100 * [hi, lo] of the Clopper-Pearson interval of 5 / 100
    assert lo == pytest.approx(30 - 100 * stats.beta.ppf(0.975, 6, 95))
    assert hi == pytest.approx(30 - 100 * stats.beta.ppf(0.025, 5, 96))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A"]


def test_wage_gap_bars_are_percent_less():
    ax = figures.wage_gap_figure(GAP, lang="es", synthetic=False).axes[0]
    heights = [b.get_height() for b in _bars(ax)]
    assert heights == pytest.approx([1 - math.exp(-g) for g in (0.1, 0.06, 0.04)])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Brecha total", "Explicada por ocupación y estado",
                                                            "No explicada"]


def test_selection_rates_with_wilson_intervals():
    ax = figures.selection_figure(IMPACT, lang="es", synthetic=False).axes[0]
    assert [b.get_height() for b in _bars(ax)] == pytest.approx([0.25, 0.5])  # women first
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Mujeres", "Hombres"]
    # Wilson (1927) interval for 25 / 100 by hand: (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)
    z, p, n = stats.norm.ppf(0.975), 0.25, 100
    centre, half = (p + z * z / (2 * n)) / (1 + z * z / n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    (segments,) = [c.get_segments() for c in ax.collections if len(c.get_segments()) == 2]
    assert sorted(segments[0][:, 1]) == pytest.approx([centre - half, centre + half])


def test_numbers_on_axes_follow_the_locale():
    fig = figures.shortfall_figure(SHORT.assign(total=[100_000, 40], shortfall=[25_000.0, np.nan]),
                                   lang="es", synthetic=False)
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    # es_MX groups thousands with a comma (whatever whole-number ticks the axis chooses)
    big = [t for t in ticks if len(t.replace(",", "")) > 3]
    assert big and all(re.fullmatch(r"\d{1,3}(,\d{3})+", t) for t in big), ticks


def test_occupation_labels_cut_at_a_word():
    assert figures._short("Farmworkers and laborers, crop, nursery, and greenhouse", 30) == "Farmworkers and laborers…"
    assert figures._short("Cooks", 30) == "Cooks"


def test_suppressed_share_draws_no_bar():
    ax = figures.occupations_figure(OCC, lang="en", synthetic=False).axes[0]
    widths = sorted(b.get_width() for b in _bars(ax))
    assert widths == pytest.approx([0.02, 0.265, 0.881])  # the NA share has no bar, not a zero one
    assert "—" in [t.get_text() for t in ax.texts]
    only_benchmark = figures.occupations_figure(OCC.assign(women_share_observed=np.nan), lang="es", synthetic=False)
    labels = [t.get_text() for t in only_benchmark.axes[0].get_legend().get_texts()]
    assert labels == [i18n.t("legend_us", "es")]
