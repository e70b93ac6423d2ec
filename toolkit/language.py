"""Sex preferences and gendered wording in job orders, in English and Spanish.

Three layers, each returning a tidy table with one row per input text:

1. ``detect_sex_preference``: rules for explicit preferences ("male workers only", "must be a
   man", "se requieren mujeres", "sexo: masculino") and sex-marked job titles ("foreman",
   "empacadora"). Phrases that welcome both sexes ("men and women welcome", "hombres y mujeres",
   "no gender preference", "sin preferencia de sexo") cancel the weak patterns; the strong ones
   ("... only", "solo ...", "must be a ...") still flag.
2. ``gendered_wording``: counts of masculine- and feminine-coded words. The English stems are
   a subset of the lists of Gaucher, Friesen & Kay (2011), written for professional job ads;
   the project adds physical-labour words common in agricultural and processing job orders
   (marked ``source: project`` in ``toolkit/data/gendered_words.yaml``) and Spanish equivalents
   (all project-made). Score = (masculine - feminine) / (masculine + feminine), 0 when neither.
3. ``sex_filter_requirements``: requirements that screen by sex in effect: lifting thresholds
   (converted to pounds; 1 kg = 2.20462 lb), "physically strong", height and age limits, and
   months of experience demanded.

A scikit-learn classifier (``train_classifier``) learns explicit preference from the project's
labelled sentences (``toolkit/data/job_order_sentences.csv``: authored from job-order-style
templates, not real job orders); a quarter of each template family is held out. Held-out
sentences are unseen but their templates are not, so the scores are optimistic for new
phrasings; the same held-out sentences also score the rules, for comparison. ``scan_job_orders`` applies the rules
(and optionally the model: flagged = rule OR probability >= 0.5) to a case table and reports
per-entity rates with example snippets; entities with fewer than k job orders are suppressed.

References
----------
Gaucher, D., Friesen, J., & Kay, A. C. (2011). Evidence that gendered wording in job
advertisements exists and sustains gender inequality. Journal of Personality and Social
Psychology, 101(1), 109-128.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd
import yaml

from toolkit import privacy, schema

__all__ = ["detect_sex_preference", "gendered_wording", "sex_filter_requirements", "load_labelled",
           "train_classifier", "classify", "scan_job_orders", "Classifier"]

_M_EN = r"(?:males?|men|man|guys|boys)"
_F_EN = r"(?:females?|women|woman|ladies|girls)"
_M_ES = r"(?:hombres?|varon(?:es)?|varón|masculinos?)"
_F_ES = r"(?:mujeres?|damas|femeninas?|femeninos?)"
_W_EN = r"(?:workers?|applicants?|candidates?|laborers?|employees?|help|crew)"

_STRONG = [  # (pattern, sex) - explicit and not cancelled by a both-sexes phrase
    (rf"\b{_M_EN}\s+(?:{_W_EN}\s+)?only\b", "M"), (rf"\bonly\s+(?:strong\s+|young\s+)?{_M_EN}\b", "M"),
    (rf"\b{_F_EN}\s+(?:{_W_EN}\s+)?only\b", "F"), (rf"\bonly\s+(?:young\s+)?{_F_EN}\b", "F"),
    (r"\bmust\s+be\s+(?:a\s+)?(?:male|man)\b", "M"), (r"\bmust\s+be\s+(?:a\s+)?(?:female|woman)\b", "F"),
    (r"\bapplicants\s+must\s+be\s+male\b", "M"), (r"\bapplicants\s+must\s+be\s+female\b", "F"),
    (r"\bsex\s*:\s*male\b", "M"), (r"\bsex\s*:\s*female\b", "F"),
    (rf"\b(?:solo|sólo|solamente|únicamente|unicamente)\s+(?:personal\s+)?{_M_ES}\b", "M"),
    (rf"\b(?:solo|sólo|solamente|únicamente|unicamente)\s+(?:personal\s+)?{_F_ES}\b", "F"),
    (rf"\b{_M_ES}\s+(?:solamente|únicamente|unicamente)\b", "M"),
    (rf"\b{_F_ES}\s+(?:solamente|únicamente|unicamente)\b", "F"),
    (r"\bdebe\s+ser\s+(?:un\s+)?(?:hombre|varón)\b", "M"), (r"\bdebe\s+ser\s+(?:una\s+)?mujer\b", "F"),
    (r"\bsexo\s*:\s*masculino\b", "M"), (r"\bsexo\s*:\s*femenino\b", "F"),
    # exclusions: turning one sex away is a preference for the other
    (r"\bno\s+(?:women|females|ladies|girls)\b(?!['’])(?!\s+(?:(?:and|or)\b|&))", "M"),
    (r"\bno\s+(?:men|males|guys|boys)\b(?!['’])(?!\s+(?:(?:and|or)\b|&))", "F"),
    (rf"\b{_F_EN}\s+(?:{_W_EN}\s+)?need\s+not\s+apply\b", "M"),
    (rf"\b{_M_EN}\s+(?:{_W_EN}\s+)?need\s+not\s+apply\b", "F"),
    (rf"\bno\s+se\s+(?:aceptan|admiten|contratan|reciben)\s+(?:a\s+)?{_F_ES}\b", "M"),
    (rf"\bno\s+se\s+(?:aceptan|admiten|contratan|reciben)\s+(?:a\s+)?{_M_ES}\b", "F"),
    # a text that is nothing but the word (a title or requirements cell reading "Hombres.")
    (rf"^\W*{_M_ES}\W*$", "M"), (rf"^\W*{_F_ES}\W*$", "F"),
]
_WEAK = [  # flag unless the text also welcomes both sexes
    (rf"\b{_M_EN}\s+(?:{_W_EN}\s+)?(?:are\s+|is\s+)?(?:preferred|wanted|needed|required)\b", "M"),
    (rf"\b{_F_EN}\s+(?:{_W_EN}\s+)?(?:are\s+|is\s+)?(?:preferred|wanted|needed|required)\b", "F"),
    (rf"\b(?:prefer|preference\s+for|seeks?|seeking|looking\s+for|hiring|hire|want|need)\s+(?:strong\s+|young\s+|able[- ]bodied\s+)?{_M_EN}\b", "M"),
    (rf"\b(?:prefer|preference\s+for|seeks?|seeking|looking\s+for|hiring|hire|want|need)\s+(?:young\s+)?{_F_EN}\b", "F"),
    (rf"\bfor\s+{_M_EN}\s+only\b", "M"), (rf"\bfor\s+{_F_EN}\s+only\b", "F"),
    (r"\bmale\s+workers\b(?!\s+and)", "M"), (r"\bfemale\s+workers\b(?!\s+and)", "F"),
    (r"\bpersonal\s+masculino\b", "M"), (r"\bpersonal\s+femenino\b", "F"),
    (rf"\bse\s+(?:requieren|buscan|necesitan|solicitan|contratan|ocupan)\s+(?:\w+\s+)?{_M_ES}\b", "M"),
    (rf"\bse\s+(?:requieren|buscan|necesitan|solicitan|contratan|ocupan)\s+(?:\w+\s+)?{_F_ES}\b", "F"),
    (rf"\bpreference\s+(?:will\s+be\s+|is\s+)?given\s+to\s+{_M_EN}\b", "M"),
    (rf"\bpreference\s+(?:will\s+be\s+|is\s+)?given\s+to\s+{_F_EN}\b", "F"),
    (rf"\bpreferencia\s+(?:por|a)\s+(?:\w+\s+)?{_M_ES}\b", "M"),
    (rf"\bpreferencia\s+(?:por|a)\s+(?:\w+\s+)?{_F_ES}\b", "F"),
]
_TITLES = [
    (r"\b(?:foreman|foremen|handyman|handymen|busboys?|fisherman|fishermen|journeyman|workman|workmen|linemen|lineman)\b", "M"),
    (r"\b(?:waitress(?:es)?|hostess(?:es)?|laundress|cleaning\s+lad(?:y|ies)|cocinera|cocineras|empacadoras?|"
     r"recamareras?|meseras?|lavanderas?|planchadoras?|costureras?|niñeras?)\b", "F"),
]
_BOTH = re.compile(
    r"\b(?:men\s+and\s+women|women\s+and\s+men|male\s+and\s+female|female\s+and\s+male|both\s+sexes|"
    r"regardless\s+of\s+(?:sex|gender)|no\s+(?:gender|sex)\s+preference|either\s+sex|"
    r"hombres\s+y\s+mujeres|mujeres\s+y\s+hombres|ambos\s+sexos|sin\s+(?:preferencia|distinción|distincion)\s+de\s+"
    r"(?:sexo|género|genero)|equal\s+opportunity)\b", re.IGNORECASE)


def _compile(pairs):
    return [(re.compile(p, re.IGNORECASE), s) for p, s in pairs]


_STRONG_RE, _WEAK_RE, _TITLE_RE = _compile(_STRONG), _compile(_WEAK), _compile(_TITLES)


def _as_series(texts: Iterable[str] | pd.Series) -> pd.Series:
    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype="object")
    return s.astype("string").fillna("")


def detect_sex_preference(texts: Iterable[str] | pd.Series) -> pd.DataFrame:
    """Rule-based detection of explicit sex preferences and sex-marked titles.

    Returns, per text: ``flag`` (an explicit preference), ``preferred_sex`` ("M", "F", "both"
    when patterns for each sex match, or NA), ``kind`` ("explicit", "title" or NA),
    ``match`` (the matched words) and ``both_sexes_welcome``.
    """
    s = _as_series(texts)
    rows = []
    for text in s:
        both = bool(_BOTH.search(text))
        hits = [(m, sex) for rx, sex in _STRONG_RE for m in [rx.search(text)] if m]
        if not both:
            hits += [(m, sex) for rx, sex in _WEAK_RE for m in [rx.search(text)] if m]
        kind = "explicit" if hits else pd.NA
        if not hits:
            hits = [(m, sex) for rx, sex in _TITLE_RE for m in [rx.search(text)] if m]
            kind = "title" if hits else pd.NA
        sexes = {sex for _, sex in hits}
        first = min(hits, key=lambda h: h[0].start())[0].group(0) if hits else pd.NA
        rows.append({"flag": bool(hits) and kind == "explicit", "preferred_sex": ("both" if len(sexes) > 1 else next(iter(sexes)))
                     if sexes else pd.NA, "kind": kind, "match": first, "both_sexes_welcome": both})
    out = pd.DataFrame(rows, index=s.index)
    out["preferred_sex"] = out["preferred_sex"].astype("string")
    out["kind"] = out["kind"].astype("string")
    out["match"] = out["match"].astype("string")
    return out


@lru_cache(maxsize=1)
def _word_lists() -> dict:
    text = resources.files("toolkit").joinpath("data", "gendered_words.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def gendered_wording(texts: Iterable[str] | pd.Series, lang: str = "en") -> pd.DataFrame:
    """Masculine- and feminine-coded word counts and a score in [-1, 1] (see module docstring).

    A word counts when it starts with a listed stem (as in Gaucher et al. 2011: "compet*").
    """
    if lang not in ("en", "es"):
        raise ValueError(f"lang must be one of ['en', 'es'], got {lang!r}")
    lists = _word_lists()[lang]
    masc = tuple(w["stem"] for w in lists["masculine"])
    fem = tuple(w["stem"] for w in lists["feminine"])
    rows = []
    for text in _as_series(texts):
        words = re.findall(r"[a-záéíóúñü]+", text.lower())
        m = sum(w.startswith(masc) for w in words)
        f = sum(w.startswith(fem) for w in words)
        rows.append({"masculine": m, "feminine": f, "words": len(words),
                     "score": (m - f) / (m + f) if m + f else 0.0})
    return pd.DataFrame(rows, index=_as_series(texts).index)


_LIFT = re.compile(r"(?:lift|carry|levantar|cargar)[^.;]{0,40}?(\d{1,3}(?:\.\d+)?)\s*(lbs?|pounds?|libras?|kg|kilos?|kilogramos?)",
                   re.IGNORECASE)
_STRONG_BODY = re.compile(r"\b(?:physically\s+strong|strong\s+(?:men|workers|back)|heavy\s+physical|fuerza\s+f[ií]sica|"
                          r"fuertes?|robust[oa]s?|able[- ]bodied)\b", re.IGNORECASE)
_HEIGHT = re.compile(r"\b(?:at\s+least\s+\d\s*(?:ft|feet|')|minimum\s+height|estatura\s+m[ií]nima|medir\s+al\s+menos)",
                     re.IGNORECASE)
_AGE = re.compile(r"\b(?:between\s+(?:the\s+ages\s+of\s+)?\d{2}\s+and\s+\d{2}|under\s+\d{2}\s+years|menores?\s+de\s+\d{2}|"
                  r"entre\s+\d{2}\s+y\s+\d{2}\s+años|edad\s+(?:m[aá]xima|entre))", re.IGNORECASE)
_EXPERIENCE = re.compile(r"(\d{1,2}|one|two|three|four|six|twelve|un|uno|dos|tres|cuatro|seis|doce)\s+"
                         r"(months?|meses|mes|years?|años?)\s+(?:of\s+|de\s+)?(?:\w+\s+)?(?:experience|experiencia)",
                         re.IGNORECASE)
_NUM = {"one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "twelve": 12, "un": 1, "uno": 1, "dos": 2, "tres": 3,
        "cuatro": 4, "seis": 6, "doce": 12}


def sex_filter_requirements(texts: Iterable[str] | pd.Series) -> pd.DataFrame:
    """Requirements that can screen out women in effect: ``lift_lbs`` (largest threshold, kg
    converted at 2.20462 lb/kg), ``strength``, ``height_limit``, ``age_limit``,
    ``experience_months`` (years x 12)."""
    rows = []
    for text in _as_series(texts):
        lifts = []
        for value, unit in _LIFT.findall(text):
            v = float(value)
            lifts.append(v * 2.20462 if unit.lower().startswith(("kg", "kilo")) else v)
        exp = []
        for n, unit in _EXPERIENCE.findall(text):
            v = float(_NUM.get(n.lower(), n)) if not n.isdigit() else float(n)
            exp.append(v * 12 if unit.lower().startswith(("year", "año")) else v)
        rows.append({"lift_lbs": max(lifts) if lifts else np.nan, "strength": bool(_STRONG_BODY.search(text)),
                     "height_limit": bool(_HEIGHT.search(text)), "age_limit": bool(_AGE.search(text)),
                     "experience_months": max(exp) if exp else np.nan})
    return pd.DataFrame(rows, index=_as_series(texts).index)


# ------------------------------------------------------------------------------------------------
# classifier
def load_labelled() -> pd.DataFrame:
    """The project's labelled job-order sentences (see ``tools/build_job_order_sentences.py``)."""
    text = resources.files("toolkit").joinpath("data", "job_order_sentences.csv").open(encoding="utf-8")
    with text as fh:
        return pd.read_csv(fh, dtype={"preferred_sex": "string"}, keep_default_na=False)


@dataclass(frozen=True)
class Classifier:
    model: object
    metrics: dict

    def predict_proba(self, texts) -> np.ndarray:
        return self.model.predict_proba(list(_as_series(texts)))[:, 1]


def train_classifier(labelled: pd.DataFrame | None = None, *, seed: int = 0) -> Classifier:
    """TF-IDF (word 1-2-grams + character 2-5-grams) and logistic regression, trained on the
    ``train`` split; ``metrics`` holds precision, recall, F1 and confusion counts on ``heldout``."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import confusion_matrix, f1_score, precision_score, recall_score
    from sklearn.pipeline import make_pipeline, make_union

    data = load_labelled() if labelled is None else labelled
    train, held = data[data["split"] == "train"], data[data["split"] == "heldout"]
    if train["label"].nunique() < 2:
        raise ValueError("the training split needs both labels")
    features = make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True),
                          TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True))
    model = make_pipeline(features, LogisticRegression(C=10.0, max_iter=2000, random_state=seed,
                                                       class_weight="balanced"))
    model.fit(list(train["text"]), train["label"].astype(int))
    metrics = {"n_train": len(train), "n_heldout": len(held)}
    if len(held):
        pred = model.predict(list(held["text"]))
        y = held["label"].astype(int)
        tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
        rules = detect_sex_preference(held["text"])["flag"].astype(int).to_numpy()
        metrics.update(precision=float(precision_score(y, pred, zero_division=0)),
                       recall=float(recall_score(y, pred, zero_division=0)),
                       f1=float(f1_score(y, pred, zero_division=0)),
                       tp=int(tp), fp=int(fp), fn=int(fn), tn=int(tn),
                       rules_precision=float(precision_score(y, rules, zero_division=0)),
                       rules_recall=float(recall_score(y, rules, zero_division=0)))
    return Classifier(model=model, metrics=metrics)


def classify(texts, model: Classifier, *, threshold: float = 0.5) -> pd.DataFrame:
    """Classifier probability of an explicit preference and the flag at ``threshold``."""
    p = model.predict_proba(texts)
    return pd.DataFrame({"probability": p, "flag": p >= threshold}, index=_as_series(texts).index)


def scan_job_orders(cases: pd.DataFrame, *, text_cols: Sequence[str] = ("job_title", "requirements_text"),
                    by: str = "program", model: Classifier | None = None, k: int = privacy.K_DEFAULT,
                    examples: int = 2) -> pd.DataFrame:
    """Share of job orders with an explicit sex preference, per ``by`` (program, employer, agent).

    A job order is flagged when the rules find an explicit preference in any of ``text_cols``
    (or, with ``model``, when its probability is at least 0.5). Returns ``by``, ``job_orders``,
    ``flagged``, ``rate``, ``prefers_women``, ``prefers_men`` and up to ``examples`` example
    snippets (job-order text is a public record; no worker data). Groups with fewer than ``k``
    job orders are suppressed (``privacy.suppress``).
    """
    missing = [c for c in [*text_cols, by] if c not in cases.columns]
    if missing:
        raise KeyError(f"scan_job_orders: column(s) {missing} not in cases")
    text = cases[list(text_cols)].astype("string").fillna("").agg(" ".join, axis=1).str.strip()
    found = detect_sex_preference(text)
    flag = found["flag"].to_numpy()
    if model is not None:
        flag = flag | (model.predict_proba(text) >= 0.5)
    df = pd.DataFrame({by: cases[by].to_numpy(), "flag": flag, "sex": found["preferred_sex"].to_numpy(),
                       "text": text.to_numpy()})
    rows = []
    for key, g in df.groupby(by, observed=True, sort=True):
        hit = g[g["flag"]]
        rows.append({by: key, "job_orders": len(g), "flagged": int(g["flag"].sum()),
                     "rate": g["flag"].mean(), "prefers_women": int((hit["sex"] == "F").sum()),
                     "prefers_men": int((hit["sex"] == "M").sum()),
                     "examples": " | ".join(hit["text"].head(examples).str.slice(0, 120))})
    out = pd.DataFrame(rows)
    out = privacy.suppress(out, ["job_orders"], k=k, dependent=["flagged", "rate", "prefers_women", "prefers_men"])
    out.loc[out["suppressed"], "examples"] = ""
    return schema.mark_synthetic(out, cases)
