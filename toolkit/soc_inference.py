"""SOC codes inferred from job titles, for DOL positions whose file carries none (``--infer-soc``).

The H-2A disclosure files of FY2006-2013 (and H-2B of FY2000-2008) record a job title but no SOC
code, so their positions cannot be benchmarked. With ``--infer-soc`` a text classifier trained on
the files that record both assigns a code to such a case when it is confident, marks it
(``soc_inferred``), and leaves the rest without a code: counted and named as not benchmarked,
never taken as zero women.

Model. Titles normalised (``occupation_shares.normalize_title``), character n-grams of 2-4
within word boundaries weighted by TF-IDF with sublinear term frequency, and a complement naive
Bayes classifier (Rennie et al. 2003; a linear classifier in those features), each training
title weighted by the number of cases that carried it with that code. The confidence of a
prediction is the classifier's largest class probability; below ``MIN_CONFIDENCE`` no code is
inferred. Training is deterministic (no random state) and runs at run time, in about a second,
from ``toolkit/data/soc_title_training.csv``: one row per (normalised title, SOC code, source
file) of the shared DOL disclosure files that have both, restricted to SOC codes with a CPS
Table 11 share (``occupation_shares.women_share_by_soc``), each row naming its source file, its
program and fiscal year. No pickled model is shipped.

Validation. ``leave_year_out`` trains on every fiscal year but one and scores the held-out year's
cases (positions-weighted and by cases) at each threshold of ``THRESHOLDS``: a whole year (file)
out, as a year without codes is. ``tools/soc_inference_study.py`` writes both tables
(``soc_title_training.csv``, ``soc_inference_accuracy.csv``); ``MIN_CONFIDENCE`` is the smallest
threshold of the grid at which the held-out accuracy over the positions given a code reaches
``TARGET_ACCURACY`` in every held-out year (``choose_threshold``; a test checks it on the
committed table).

References
----------
Rennie, J. D. M., Shih, L., Teevan, J., & Karger, D. R. (2003). Tackling the poor assumptions of
naive Bayes text classifiers. ICML 2003, 616-623.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources

import numpy as np
import pandas as pd

from toolkit.occupation_shares import normalize_title

__all__ = ["TRAINING_TABLE", "ACCURACY_TABLE", "THRESHOLDS", "TARGET_ACCURACY", "MIN_CONFIDENCE", "SocModel",
           "Inferred", "training_rows", "load_training", "load_accuracy", "fit", "predict", "leave_year_out",
           "choose_threshold", "held_out_accuracy", "infer"]

TRAINING_TABLE = "soc_title_training.csv"
ACCURACY_TABLE = "soc_inference_accuracy.csv"
THRESHOLDS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
#: held-out accuracy (share of the positions given a code whose code is right) a threshold must reach in every year
TARGET_ACCURACY = 0.95
#: the smallest threshold of ``THRESHOLDS`` that reached ``TARGET_ACCURACY`` in every held-out year
#: of the committed table (``choose_threshold``)
MIN_CONFIDENCE = 0.4
TRAINING_COLUMNS = ["job_title", "soc_code", "program", "fiscal_year", "source_file", "cases", "positions"]


@dataclass(frozen=True)
class SocModel:
    """A fitted title classifier: the TF-IDF vectorizer and the complement naive Bayes classifier."""

    vectorizer: object
    classifier: object
    years: tuple[int, ...]

    @property
    def codes(self) -> np.ndarray:
        return self.classifier.classes_


@dataclass(frozen=True)
class Inferred:
    """Cases with ``soc_inferred`` (True where the code was inferred) and what inference did."""

    cases: pd.DataFrame
    accounting: dict = field(default_factory=dict)


def training_rows(cases: pd.DataFrame, benchmarked: Iterable[str]) -> pd.DataFrame:
    """The training rows of DOL cases (``dol.read_disclosure``): cases with both a job title and a
    SOC code in ``benchmarked``, grouped by normalised title, code, program, fiscal year and source
    file, with the number of cases and of certified positions (``TRAINING_COLUMNS``)."""
    keep = cases["job_title"].notna() & cases["soc_code"].isin(set(benchmarked))
    rows = cases.loc[keep, ["job_title", "soc_code", "program", "fiscal_year", "source_file"]].copy()
    rows["job_title"] = rows["job_title"].map(normalize_title)
    rows["positions"] = pd.to_numeric(cases.loc[keep, "workers_certified"], errors="coerce").fillna(0).astype("int64")
    rows = rows[rows["job_title"] != ""]
    out = (rows.groupby(TRAINING_COLUMNS[:5], observed=True, dropna=False)
           .agg(cases=("positions", "size"), positions=("positions", "sum")).reset_index())
    return out.sort_values(TRAINING_COLUMNS[:5], ignore_index=True)


def _read(name: str) -> pd.DataFrame:
    with resources.files("toolkit").joinpath("data", name).open() as f:
        return pd.read_csv(f, dtype={"soc_code": str, "job_title": str}, keep_default_na=False)


def load_training() -> pd.DataFrame:
    """The committed training table (``tools/soc_inference_study.py``)."""
    return _read(TRAINING_TABLE)


def load_accuracy() -> pd.DataFrame:
    """The committed leave-one-year-out accuracy table (``tools/soc_inference_study.py``)."""
    return _read(ACCURACY_TABLE)


def fit(training: pd.DataFrame | None = None) -> SocModel:
    """The classifier trained on ``training`` (default: the committed table), deterministic.

    >>> t = pd.DataFrame({"job_title": ["farm worker", "farmworker, crops", "landscape laborer", "groundskeeper"],
    ...                   "soc_code": ["45-2092", "45-2092", "37-3011", "37-3011"], "fiscal_year": 2015, "cases": 1})
    >>> predict(fit(t), ["Farm Workers", "Landscape Laborers"])["soc_code"].tolist()
    ['45-2092', '37-3011']
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.naive_bayes import ComplementNB

    training = load_training() if training is None else training
    agg = training.groupby(["job_title", "soc_code"], observed=True)["cases"].sum().reset_index()
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
    x = vectorizer.fit_transform(agg["job_title"])
    classifier = ComplementNB(alpha=0.1).fit(x, agg["soc_code"].astype(str), sample_weight=agg["cases"].to_numpy(float))
    return SocModel(vectorizer, classifier, tuple(sorted(int(y) for y in training["fiscal_year"].unique())))


def predict(model: SocModel, titles: Sequence[object]) -> pd.DataFrame:
    """``soc_code`` and ``confidence`` (the largest class probability) for each title; a missing
    or empty title gets neither."""
    norm = pd.Series([normalize_title(t) if pd.notna(t) else "" for t in titles], dtype=object)
    out = pd.DataFrame({"soc_code": pd.Series(pd.NA, index=norm.index, dtype="string"),
                        "confidence": np.full(len(norm), np.nan)})
    has = (norm != "").to_numpy()
    if has.any():
        proba = model.classifier.predict_proba(model.vectorizer.transform(norm[has]))
        out.loc[has, "soc_code"] = model.codes[proba.argmax(axis=1)]
        out.loc[has, "confidence"] = proba.max(axis=1)
    return out


def leave_year_out(training: pd.DataFrame, thresholds: Sequence[float] = THRESHOLDS) -> pd.DataFrame:
    """Held-out accuracy by fiscal year and threshold: train on the other years, predict each held-out
    (title, code, file) row, and score the cases and positions given a code (confidence >=
    threshold). Columns: ``fiscal_year``, ``threshold``, ``cases``, ``positions``,
    ``positions_inferred`` (given a code), ``accuracy_positions``, ``accuracy_cases`` (share right
    among those given a code; NaN when none is)."""
    rows = []
    for year in sorted(training["fiscal_year"].unique()):
        held = training[training["fiscal_year"] == year]
        got = predict(fit(training[training["fiscal_year"] != year]), held["job_title"].tolist())
        right = (got["soc_code"].to_numpy(object) == held["soc_code"].to_numpy(object))
        conf = got["confidence"].fillna(-1).to_numpy()
        cases, positions = held["cases"].to_numpy(float), held["positions"].to_numpy(float)
        for th in thresholds:
            given = conf >= th
            p, c = positions[given].sum(), cases[given].sum()
            rows.append({"fiscal_year": int(year), "threshold": th, "cases": int(cases.sum()),
                         "positions": int(positions.sum()), "positions_inferred": int(p),
                         "accuracy_positions": positions[given & right].sum() / p if p else np.nan,
                         "accuracy_cases": cases[given & right].sum() / c if c else np.nan})
    return pd.DataFrame(rows)


def choose_threshold(accuracy: pd.DataFrame, target: float = TARGET_ACCURACY) -> float:
    """The smallest threshold at which ``accuracy_positions`` >= ``target`` in every held-out year (inf if none).

    >>> t = pd.DataFrame({"fiscal_year": [1, 1, 2, 2], "threshold": [0.0, 0.5] * 2,
    ...                   "accuracy_positions": [0.9, 0.96, 0.97, 0.99]})
    >>> choose_threshold(t)
    0.5
    """
    ok = accuracy.assign(ok=accuracy["accuracy_positions"].fillna(0) >= target).groupby("threshold")["ok"].all()
    return float(ok[ok].index.min()) if ok.any() else float("inf")


def held_out_accuracy(accuracy: pd.DataFrame | None = None, threshold: float = MIN_CONFIDENCE) -> dict:
    """At ``threshold``: the pooled held-out accuracy over positions given a code, the lowest year's,
    and the share of held-out positions given a code (for the report and the methods)."""
    t = load_accuracy() if accuracy is None else accuracy
    t = t[np.isclose(t["threshold"], threshold)]
    right = (t["accuracy_positions"].fillna(0) * t["positions_inferred"]).sum()
    return {"accuracy": float(right / t["positions_inferred"].sum()), "lowest": float(t["accuracy_positions"].min()),
            "coverage": float(t["positions_inferred"].sum() / t["positions"].sum()),
            "years": [int(y) for y in t["fiscal_year"]]}


def infer(cases: pd.DataFrame, model: SocModel | None = None, *, threshold: float = MIN_CONFIDENCE) -> Inferred:
    """Cases with a SOC code inferred where they have none, a job title and a confident prediction.

    A case that has a code keeps it (``soc_inferred`` False); a case given a code has
    ``soc_inferred`` True and ``soc_confidence``; the others keep no code and are counted:
    ``accounting`` has ``cases_inferred``, ``positions_inferred``, ``positions_below_threshold``
    (a title, but no confident code), ``positions_without_title`` and the threshold.
    """
    from toolkit.analysis import case_positions

    out = cases.copy()
    missing = out["soc_code"].isna().to_numpy()
    if "job_title" not in out:
        out["job_title"] = pd.Series(pd.NA, index=out.index, dtype="string")
    titled = missing & out["job_title"].notna().to_numpy()
    out["soc_inferred"] = False
    out["soc_confidence"] = np.nan
    given = np.zeros(len(out), dtype=bool)
    if titled.any():
        got = predict(model if model is not None else fit(), out.loc[titled, "job_title"].tolist())
        conf = got["confidence"].to_numpy(float)
        ok = conf >= threshold
        idx = np.flatnonzero(titled)
        out.iloc[idx, out.columns.get_loc("soc_confidence")] = conf
        if ok.any():
            out.loc[out.index[idx[ok]], "soc_code"] = got["soc_code"].to_numpy(object)[ok]
            out.loc[out.index[idx[ok]], "soc_inferred"] = True
        given[idx[ok]] = True
    positions = case_positions(out).to_numpy(float)  # the one positions rule (duplicates count 0)
    acc = {"threshold": threshold, "cases_inferred": int(given.sum()),
           "positions_inferred": int(positions[given].sum()),
           "positions_below_threshold": int(positions[titled & ~given].sum()),
           "positions_without_title": int(positions[missing & ~titled].sum())}
    return Inferred(out, acc)
