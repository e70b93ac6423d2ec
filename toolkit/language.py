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
phrasings; the same held-out sentences also score the rules, for comparison. ``load_challenge`` returns an
independent challenge set, written by hand without the templates, on which ``evaluate`` scores rules and
classifier for wording the templates never produced. ``scan_job_orders`` applies the rules
(and optionally the model: flagged = rule OR probability >= 0.5) to a case table and reports
per-entity rates with example snippets; entities with fewer than k job orders are suppressed.

References
----------
Gaucher, D., Friesen, J., & Kay, A. C. (2011). Evidence that gendered wording in job
advertisements exists and sustains gender inequality. Journal of Personality and Social
Psychology, 101(1), 109-128.
"""
from __future__ import annotations

import os
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
           "load_challenge", "evaluate", "evaluation_table", "rules_performance", "train_classifier", "classify",
           "scan_job_orders", "Classifier", "EVALUATION_SETS"]

_M_EN = r"(?:males?|men|man|guys|boys|gentlemen)"
_F_EN = r"(?:females?|women|woman|ladies|girls)"
_M_ES = r"(?:hombres?|varon(?:es)?|varón|masculinos?)"
_F_ES = r"(?:mujer(?:es)?|damas|femeninas?|femeninos?|señoritas|trabajadoras)"  # trabajadores is generic
_W_EN = (r"(?:workers?|guest\s+workers?|applicants?|candidates?|laborers?|employees?|help|crew|staff|pickers?|"
         r"packers?|housekeepers?|helpers?|hands)")

_STRONG = [  # (pattern, sex) - explicit and not cancelled by a both-sexes phrase
    (rf"\b{_M_EN}\s+(?:{_W_EN}\s+)?only\b", "M"),
    (rf"\bonly\s+(?:strong\s+|young\s+|able[- ]bodied\s+)?{_M_EN}\b", "M"),
    (rf"\b{_F_EN}\s+(?:{_W_EN}\s+)?only\b", "F"), (rf"\bonly\s+(?:young\s+)?{_F_EN}\b", "F"),
    # strong patterns ignore _BOTH, so those that list one sex stop at "... or/and <the other sex>"
    (rf"\b(?:must|should|shall)\s+be\s+(?:a\s+)?(?:male|man|men)\b(?!\s+(?:or|and)\s+(?:an?\s+)?{_F_EN})", "M"),
    (rf"\b(?:must|should|shall)\s+be\s+(?:a\s+)?(?:female|woman|women)\b(?!\s+(?:or|and)\s+(?:an?\s+)?{_M_EN})", "F"),
    (r"\bapplicants\s+must\s+be\s+male\b", "M"), (r"\bapplicants\s+must\s+be\s+female\b", "F"),
    (r"\b(?:sex|gender)(?:\s+of\s+(?:workers|applicants))?\s*:\s*male\b", "M"),
    (r"\b(?:sex|gender)(?:\s+of\s+(?:workers|applicants))?\s*:\s*female\b", "F"),
    (rf"\b(?:applicants|workers)\s*:\s*{_M_EN}\b(?!\s+(?:or|and)\s+{_F_EN})", "M"),
    (rf"\b(?:applicants|workers)\s*:\s*{_F_EN}\b(?!\s+(?:or|and)\s+{_M_EN})", "F"),
    (rf"\b(?:solo|sólo|solamente|únicamente|unicamente|exclusiv[oa]s?|exclusivamente)\s+(?:para\s+)?"
     rf"(?:personal\s+|trabajador(?:es|as)\s+)?{_M_ES}\b", "M"),
    (rf"\b(?:solo|sólo|solamente|únicamente|unicamente|exclusiv[oa]s?|exclusivamente)\s+(?:para\s+)?"
     rf"(?:personal\s+|trabajador(?:es|as)\s+)?{_F_ES}\b", "F"),
    (rf"\b{_M_ES}\s+(?:solamente|únicamente|unicamente)\b", "M"),
    (rf"\b{_F_ES}\s+(?:solamente|únicamente|unicamente)\b", "F"),
    (rf"\b(?:debe\s+)?ser\s+(?:un\s+)?(?:hombre|varón)\b(?!\s+[oy]\s+(?:una\s+)?{_F_ES})", "M"),
    (rf"\b(?:debe\s+)?ser\s+(?:una\s+)?mujer\b(?!\s+[oy]\s+(?:un\s+)?{_M_ES})", "F"),
    (r"\bsexo\s*:?\s*masculino\b(?!\s+[oy]\s+femenino)", "M"),
    (r"\bsexo\s*:?\s*femenino\b(?!\s+[oy]\s+masculino)", "F"),
    (rf"\brequerido\s*:\s*{_M_ES}\b(?!\s+[oy]\s+{_F_ES})", "M"),
    (rf"\brequerido\s*:\s*{_F_ES}\b(?!\s+[oy]\s+{_M_ES})", "F"),
    # exclusions: turning one sex away is a preference for the other
    (r"\bno\s+(?:women|females|ladies|girls)\b(?!['’])(?!\s+(?:(?:and|or)\b|&))", "M"),
    (r"\bno\s+(?:men|males|guys|boys)\b(?!['’])(?!\s+(?:(?:and|or)\b|&))", "F"),
    (rf"\b{_F_EN}\s+(?:{_W_EN}\s+)?need\s+not\s+apply\b", "M"),
    (rf"\b{_M_EN}\s+(?:{_W_EN}\s+)?need\s+not\s+apply\b", "F"),
    (r"\bno\s+female\s+(?:applicants|workers)\b", "M"), (r"\bno\s+male\s+(?:applicants|workers)\b", "F"),
    (rf"\b(?:not|never)\s+(?:hire|employ|accept|consider)\s+{_F_EN}\b", "M"),
    (rf"\b(?:not|never)\s+(?:hire|employ|accept|consider)\s+{_M_EN}\b", "F"),
    (rf"\b{_F_EN}\s+(?:are|will)\s+not\s+(?:be\s+)?(?:eligible|hired|considered|accepted)\b", "M"),
    (rf"\b{_M_EN}\s+(?:are|will)\s+not\s+(?:be\s+)?(?:eligible|hired|considered|accepted)\b", "F"),
    (rf"\bno\s+se\s+(?:aceptan|aceptarán|admiten|admitirán|contratan|contratarán|reciben|recibirán)\s+(?:a\s+)?"
     rf"{_F_ES}\b", "M"),
    (rf"\bno\s+se\s+(?:aceptan|aceptarán|admiten|admitirán|contratan|contratarán|reciben|recibirán)\s+(?:a\s+)?"
     rf"{_M_ES}\b", "F"),
    (rf"\babstenerse\s+{_F_ES}\b", "M"), (rf"\babstenerse\s+{_M_ES}\b", "F"),
    (rf"\b{_F_ES},?\s+(?:por\s+favor\s+)?no\s+(?:pueden\s+|podrán\s+|serán\s+)?"
     rf"(?:aplicar|solicitar|consideradas)\b", "M"),
    (rf"\b{_M_ES},?\s+(?:por\s+favor\s+)?no\s+(?:pueden\s+|podrán\s+|serán\s+)?"
     rf"(?:aplicar|solicitar|considerados)\b", "F"),
    # a text that is nothing but the word (a title or requirements cell reading "Hombres.")
    (rf"^\W*{_M_ES}\W*$", "M"), (rf"^\W*{_F_ES}\W*$", "F"),
]
_WEAK = [  # flag unless the text also welcomes both sexes
    (rf"\b{_M_EN}\s+(?:{_W_EN}\s+)?(?:are\s+|is\s+)?(?:\w+ly\s+)?(?:preferred|wanted|needed|required)\b", "M"),
    (rf"\b{_F_EN}\s+(?:{_W_EN}\s+)?(?:are\s+|is\s+)?(?:\w+ly\s+)?(?:preferred|wanted|needed|required)\b", "F"),
    # "not" before the verb is an exclusion of that sex (a _STRONG pattern), not a preference for it
    (rf"(?<!not\s)\b(?:prefer|preference\s+for|seeks?|seeking|looking\s+for|hiring|hire|wants?|needs?)\s+(?:\d+\s+)?"
     rf"(?:strong\s+|young\s+|able[- ]bodied\s+)?{_M_EN}\b", "M"),
    (rf"(?<!not\s)\b(?:prefer|preference\s+for|seeks?|seeking|looking\s+for|hiring|hire|wants?|needs?)\s+(?:\d+\s+)?"
     rf"(?:young\s+)?{_F_EN}\b", "F"),
    (rf"\bideal\s+(?:candidate|applicant|worker)\s*(?::|is|would\s+be)\s*(?:an?\s+)?(?:young\s+)?{_M_EN}\b", "M"),
    (rf"\bideal\s+(?:candidate|applicant|worker)\s*(?::|is|would\s+be)\s*(?:an?\s+)?(?:young\s+)?{_F_EN}\b", "F"),
    (rf"\b(?:job|position|work|opening)s?\s+(?:is|are)\s+(?:only\s+|reserved\s+)?for\s+{_M_EN}\b", "M"),
    (rf"\b(?:job|position|work|opening)s?\s+(?:is|are)\s+(?:only\s+|reserved\s+)?for\s+{_F_EN}\b", "F"),
    (rf"\bsuited\s+(?:to|for)\s+(?:an?\s+)?(?:young\s+|strong\s+)?{_M_EN}\b", "M"),
    (rf"\bsuited\s+(?:to|for)\s+(?:an?\s+)?(?:young\s+)?{_F_EN}\b", "F"),
    (rf"\bfor\s+{_M_EN}\s+only\b", "M"), (rf"\bfor\s+{_F_EN}\s+only\b", "F"),
    (r"\bmale\s+workers\b(?!\s+and)", "M"), (r"\bfemale\s+workers\b(?!\s+and)", "F"),
    (r"\bpersonal\s+masculino\b", "M"), (r"\bpersonal\s+femenino\b", "F"),
    (rf"\bse\s+(?:requieren|buscan|necesitan|solicitan|contratan|ocupan|prefieren)\s+(?:\w+\s+)?{_M_ES}\b", "M"),
    (rf"\bse\s+(?:requieren|buscan|necesitan|solicitan|contratan|ocupan|prefieren)\s+(?:\w+\s+)?{_F_ES}\b", "F"),
    (rf"\b(?:buscamos|contratamos|necesitamos|solicitamos|requerimos|ocupamos|preferentemente)\s+(?:\d+\s+)?{_M_ES}\b",
     "M"),
    (rf"\b(?:buscamos|contratamos|necesitamos|solicitamos|requerimos|ocupamos|preferentemente)\s+(?:\d+\s+)?{_F_ES}\b",
     "F"),
    (rf"\b{_M_ES}\s+(?:de|entre)\s+\d{{2}}\s+(?:a|y)\s+\d{{2}}\s+años\b", "M"),
    (rf"\b{_F_ES}\s+(?:de|entre)\s+\d{{2}}\s+(?:a|y)\s+\d{{2}}\s+años\b", "F"),
    (rf"\bcandidat[oa]\s+ideal\s+es\s+(?:un\s+)?{_M_ES}\b", "M"),
    (rf"\bcandidat[oa]\s+ideal\s+es\s+(?:una\s+)?{_F_ES}\b", "F"),
    (rf"\b(?:puesto|vacantes?|plazas?|empleo|trabajo)\s+(?:es|son)\s+para\s+{_M_ES}\b", "M"),
    (rf"\b(?:puesto|vacantes?|plazas?|empleo|trabajo)\s+(?:es|son)\s+para\s+{_F_ES}\b", "F"),
    (rf"\b(?:cuadrilla|solicitudes)\s+de\s+{_M_ES}\b", "M"), (rf"\b(?:cuadrilla|solicitudes)\s+de\s+{_F_ES}\b", "F"),
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
    r"male\s+workers\s+and\s+female\s+workers|female\s+workers\s+and\s+male\s+workers|"
    r"(?:los\s+)?(?:hombres|varones)\s+(?:y|como)\s+(?:las\s+)?mujeres|"
    r"(?:las\s+)?mujeres\s+(?:y|como)\s+(?:los\s+)?hombres|masculino\s+y\s+femenino|femenino\s+y\s+masculino|"
    r"ambos\s+sexos|sin\s+(?:preferencia|distinción|distincion)\s+de\s+"
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


_CHALLENGE_COLUMNS = ["text", "lang", "label", "preferred_sex", "note"]


#: evaluation sets beside the template-generated labelled set (see ``load_challenge``)
EVALUATION_SETS = {"challenge": "job_order_challenge.csv", "blind": "job_order_blind.csv"}


def load_challenge(*, name: str = "challenge", path: str | os.PathLike | None = None) -> pd.DataFrame:
    """An independent evaluation set: hand-written job-order sentences the templates never produced.

    ``name="blind"`` loads ``toolkit/data/job_order_blind.csv`` instead: 175 sentences (88 English,
    87 Spanish; 72 with an explicit preference) written by a separate author who never saw the
    rules, the templates or the other sets, including informal recruiter posts, misspellings and
    preferences hidden in requirement lists. The rules were never revised on it, so its scores are
    the honest estimate of how the rules and the classifier do on wording they have not met.
    The rest of this docstring describes the default ``"challenge"`` set.

    ``toolkit/data/job_order_challenge.csv`` holds 195 sentences (98 English, 97 Spanish; 75 with an
    explicit preference) written by hand by the project in the style of H-2A/H-2B job orders (duties,
    requirements, housing, transport, pay). None was generated by ``tools/build_job_order_sentences.py``
    or uses its templates or word lists, and none is in ``job_order_sentences.csv``; they are not real
    job orders. Positives vary the phrasing (exclusions such as "Women need not apply" and "Abstenerse
    mujeres", "looking for 10 strong men", "camas para hombres solamente", "ideal candidate: a woman");
    negatives include hard cases ("men's and women's restrooms", "Mr./Sra." names, "manhole", "female
    plug", "hombro", "Manzana", generic masculine "los trabajadores", "sin distinción de sexo"). Sex-marked
    job titles ("foreman", "cocinera") are labelled 0, as ``detect_sex_preference`` counts them as titles,
    not explicit preferences. The rule patterns were revised after a first scoring on this set, so for the
    rules it is no longer unseen; for the classifier, trained only on the template sentences, it is.

    Columns: ``text``, ``lang`` ("en" or "es"), ``label`` (1 = explicit sex preference or exclusion,
    0 = none), ``preferred_sex`` ("M" or "F" when label is 1, "" otherwise) and ``note`` (why).

    Parameters
    ----------
    name : {"challenge", "blind"}
        Which packaged set (``EVALUATION_SETS``).
    path : str or path-like, optional
        Read this file instead of the packaged one (to validate a copy).

    Returns
    -------
    pandas.DataFrame
        One row per sentence, ``label`` as int.

    Raises
    ------
    ValueError
        A column is missing, or a row has an empty or repeated text, an unknown language or label, or a
        ``preferred_sex`` that does not fit its label; the message names the file line.
    """
    if name not in EVALUATION_SETS:
        raise ValueError(f"name must be one of {list(EVALUATION_SETS)}, got {name!r}")
    if path is None:
        name = EVALUATION_SETS[name]
        fh = resources.files("toolkit").joinpath("data", name).open(encoding="utf-8")
    else:
        fh, name = open(path, encoding="utf-8"), os.fspath(path)
    with fh:
        data = pd.read_csv(fh, dtype="string", keep_default_na=False)
    missing = [c for c in _CHALLENGE_COLUMNS if c not in data.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {missing}; expected {_CHALLENGE_COLUMNS}")
    seen: set[str] = set()
    for i, row in enumerate(data[_CHALLENGE_COLUMNS].itertuples(index=False), start=2):  # line 1 is the header
        where = f"{name} line {i}"
        if not row.text.strip():
            raise ValueError(f"{where}: empty text")
        if row.text in seen:
            raise ValueError(f"{where}: text repeated: {row.text!r}")
        seen.add(row.text)
        if row.lang not in ("en", "es"):
            raise ValueError(f"{where}: lang must be one of ['en', 'es'], got {row.lang!r}")
        if row.label not in ("0", "1"):
            raise ValueError(f"{where}: label must be one of ['0', '1'], got {row.label!r}")
        allowed = ("M", "F") if row.label == "1" else ("",)
        if row.preferred_sex not in allowed:
            raise ValueError(f"{where}: preferred_sex must be one of {list(allowed)} when label is {row.label}, "
                             f"got {row.preferred_sex!r}")
    return data[_CHALLENGE_COLUMNS].assign(label=data["label"].astype(int))


def evaluation_table(model: "Classifier | None" = None, *, seed: int = 0) -> pd.DataFrame:
    """Precision and recall of the rules and the classifier on every labelled set, by language.

    Sets, from most to least optimistic: ``templates`` (the held-out split of the template
    sentences the classifier is trained on), ``challenge`` (hand-written; the rules were revised
    on it) and ``blind`` (hand-written by an author who never saw the rules or the other sets;
    nothing was tuned on it: the honest estimate). Formulas as in ``evaluate``.

    Parameters
    ----------
    model : Classifier, optional
        A trained classifier; by default ``train_classifier(seed=seed)``.

    Returns
    -------
    pandas.DataFrame
        One row per set, method ("rules", "classifier") and language, with ``n``, ``positives``,
        ``precision``, ``recall`` and ``f1``.
    """
    model = model or train_classifier(seed=seed)
    labelled = load_labelled()
    sets = {"templates": labelled[labelled["split"] == "heldout"][["text", "lang", "label"]],
            **{name: load_challenge(name=name) for name in EVALUATION_SETS}}
    rows = []
    for name, data in sets.items():
        flags = {"rules": detect_sex_preference(data["text"])["flag"].to_numpy(),
                 "classifier": classify(data["text"], model)["flag"].to_numpy()}
        for method, flag in flags.items():
            for code, est in _by_language(flag, data).items():
                rows.append({"set": name, "method": method, "lang": code, "n": int(est["n"]),
                             "positives": int(est["tp"] + est["fn"]), "precision": est["precision"],
                             "recall": est["recall"], "f1": est["f1"]})
    return pd.DataFrame(rows)


def _by_language(flag: np.ndarray, data: pd.DataFrame) -> dict[str, pd.Series]:
    """``evaluate`` of ``flag`` against ``data["label"]`` for the English and the Spanish rows."""
    label = data["label"].astype(int).to_numpy()
    return {code: evaluate(flag[keep], label[keep])["est"]
            for code in ("en", "es") for keep in [(data["lang"] == code).to_numpy()]}


def rules_performance(name: str = "blind") -> pd.DataFrame:
    """Precision and recall of ``detect_sex_preference`` on one evaluation set, by language
    (index ``lang``; columns as ``evaluate``). Reports use the blind set to say how much the
    rules miss: a count of flagged job orders is a lower bound."""
    data = load_challenge(name=name)
    flag = detect_sex_preference(data["text"])["flag"].to_numpy()
    return pd.DataFrame(_by_language(flag, data)).T.rename_axis("lang")


def _confusion(label, pred) -> dict:
    """Confusion counts and precision, recall, F1 of binary predictions (NaN where undefined)."""
    y, p = np.asarray(label), np.asarray(pred)
    for what, v in (("label", y), ("pred_flag", p)):
        if not np.isin(v, [0, 1]).all():
            raise ValueError(f"evaluate: {what} must hold only 0/1 or booleans, "
                             f"got {pd.unique(v.ravel())[:5].tolist()}")
    if y.shape != p.shape:
        raise ValueError(f"evaluate: pred_flag has {p.size} values, label {y.size}")
    y, p = y.astype(bool), p.astype(bool)
    tp, fp, fn, tn = (int(np.sum(a & b)) for a, b in ((y, p), (~y, p), (y, ~p), (~y, ~p)))
    return {"precision": tp / (tp + fp) if tp + fp else np.nan, "recall": tp / (tp + fn) if tp + fn else np.nan,
            "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else np.nan, "tp": tp, "fp": fp, "fn": fn, "tn": tn}


def evaluate(pred_flag, label) -> pd.DataFrame:
    """Precision, recall and F1 of binary flags against labels, with the confusion counts.

    precision = tp / (tp + fp),  recall = tp / (tp + fn),  F1 = 2 tp / (2 tp + fp + fn)

    where tp, fp, fn, tn count flagged positives, flagged negatives, missed positives and unflagged
    negatives. A ratio with a zero denominator is NaN (no flags: precision undefined; no positives:
    recall undefined), never silently 0. ``train_classifier`` scores its held-out split with the same
    computation.

    Parameters
    ----------
    pred_flag : array-like of bool or 0/1
        The predictions (``detect_sex_preference(...)["flag"]`` or ``classify(...)["flag"]``).
    label : array-like of bool or 0/1
        The truth, in the same order.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``stat`` (precision, recall, f1, n, tp, fp, fn, tn) with column ``est``.

    Examples
    --------
    >>> evaluate([True, True, False, False], [1, 0, 1, 0])["est"].to_dict()["precision"]
    0.5
    """
    m = _confusion(label, pred_flag)
    est = {k: m[k] for k in ("precision", "recall", "f1")} | {"n": m["tp"] + m["fp"] + m["fn"] + m["tn"]} | \
        {k: m[k] for k in ("tp", "fp", "fn", "tn")}
    return pd.DataFrame({"est": pd.Series(est, dtype="float64")}).rename_axis("stat")


@dataclass(frozen=True)
class Classifier:
    model: object
    metrics: dict

    def predict_proba(self, texts) -> np.ndarray:
        return self.model.predict_proba(list(_as_series(texts)))[:, 1]


def train_classifier(labelled: pd.DataFrame | None = None, *, seed: int = 0) -> Classifier:
    """TF-IDF (word 1-2-grams + character 2-5-grams) and logistic regression, trained on the
    ``train`` split; ``metrics`` holds precision, recall, F1 and confusion counts on ``heldout`` (as in
    ``evaluate``), and the rules' precision and recall on the same sentences."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
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
        y = held["label"].astype(int).to_numpy()
        rules = _confusion(y, detect_sex_preference(held["text"])["flag"].to_numpy())
        metrics.update(_confusion(y, model.predict(list(held["text"]))), rules_precision=rules["precision"],
                       rules_recall=rules["recall"])
    return Classifier(model=model, metrics=metrics)


def classify(texts, model: Classifier, *, threshold: float = 0.5) -> pd.DataFrame:
    """Classifier probability of an explicit preference and the flag at ``threshold``."""
    p = model.predict_proba(texts)
    return pd.DataFrame({"probability": p, "flag": p >= threshold}, index=_as_series(texts).index)


_PLACEHOLDERS = ("", "NONE", "N/A", "NA", "NOT APPLICABLE", "-", ".")


def scan_job_orders(cases: pd.DataFrame, *, text_cols: Sequence[str] = ("job_title", "requirements_text"),
                    by: str = "program", model: Classifier | None = None, k: int = privacy.K_DEFAULT,
                    examples: int = 2) -> pd.DataFrame:
    """Share of job orders with an explicit sex preference, per ``by`` (program, employer, agent).

    A job order is flagged when the rules find an explicit preference in any of ``text_cols``
    (or, with ``model``, when its probability is at least 0.5). Returns ``by``, ``job_orders``,
    ``flagged``, ``rate``, ``prefers_women``, ``prefers_men`` and up to ``examples`` example
    snippets (job-order text is a public record; no worker data). Groups with fewer than ``k``
    job orders are suppressed (``privacy.suppress``). ``with_text`` counts the job orders that
    carry more than a title: text in a column of ``text_cols`` other than ``job_title`` that is not
    a placeholder such as "NONE" (most DOL files before FY2020 have titles only).
    """
    missing = [c for c in [*text_cols, by] if c not in cases.columns]
    if missing:
        raise KeyError(f"scan_job_orders: column(s) {missing} not in cases")
    text = cases[list(text_cols)].astype("string").fillna("").agg(" ".join, axis=1).str.strip()
    details = cases[[c for c in text_cols if c != "job_title"]].astype("string").fillna("")
    placeholder = details.apply(lambda col: col.str.strip().str.upper().isin(_PLACEHOLDERS))
    has_text = (~placeholder.all(axis=1)).to_numpy()  # no detail column: all True, so nobody has text
    found = detect_sex_preference(text)
    flag = found["flag"].to_numpy()
    if model is not None:
        flag = flag | (model.predict_proba(text) >= 0.5)
    df = pd.DataFrame({by: cases[by].to_numpy(), "flag": flag, "sex": found["preferred_sex"].to_numpy(),
                       "text": text.to_numpy(), "has_text": has_text})
    rows = []
    for key, g in df.groupby(by, observed=True, sort=True):
        hit = g[g["flag"]]
        rows.append({by: key, "job_orders": len(g), "with_text": int(g["has_text"].sum()),
                     "flagged": int(g["flag"].sum()), "rate": g["flag"].mean(),
                     "prefers_women": int((hit["sex"] == "F").sum()), "prefers_men": int((hit["sex"] == "M").sum()),
                     "examples": " | ".join(hit["text"].head(examples).str.slice(0, 120))})
    out = pd.DataFrame(rows)
    out = privacy.suppress(out, ["job_orders"], k=k,
                           dependent=["with_text", "flagged", "rate", "prefers_women", "prefers_men"])
    out.loc[out["suppressed"], "examples"] = ""
    return schema.mark_synthetic(out, cases)
