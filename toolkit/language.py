"""Sex preferences, sex-coded requirements and gendered wording in job orders and recruitment posts,
in English and Spanish.

Four layers, each returning a tidy table with one row per input text:

1. ``detect_sex_preference``: explicit preferences, requirements, exclusions, quotas, pay or fee
   differences and body or marital filters tied to a sex, found in two stages (``toolkit.preference``):
   every sex-marked person reference (nouns, adjectives, pronouns with an antecedent, Spanish feminine
   job titles, diminutives, regional words, misspellings), then the frame it sits in, scored by a
   logistic regression fitted on the committed labelled sets. Linear in the text. Sex-marked titles
   that are not a call ("waitress" in a description) are reported as kind "title".
2. ``sex_coded_requirements``: requirements that screen out women without naming a sex (lifting
   thresholds, upper age limits, strength, height), kept apart from explicit preferences;
   ``sex_filter_requirements`` gives their values (pounds, months of experience).
3. ``gendered_wording``: counts of masculine- and feminine-coded words. The English stems are
   a subset of the lists of Gaucher, Friesen & Kay (2011), written for professional job ads;
   the project adds physical-labour words common in agricultural and processing job orders
   (marked ``source: project`` in ``toolkit/data/gendered_words.yaml``) and Spanish equivalents
   (all project-made). Score = (masculine - feminine) / (masculine + feminine), 0 when neither.
4. ``scan_texts`` (behind ``h2gender scan``): preferences and sex-coded requirements in posts and
   messages users bring, with phone numbers, e-mails and cued names redacted (``redact``).

Quality is measured, per language and family, on labelled sets that say how they were made: six
corpora by independent writers who never saw the detector (``toolkit/data/recruitment_writers``) and the
older sets (``EVALUATION_SETS``: the development set, the challenge set, the first blind set and the
blind set of issue 15), each treated as its own writer. The honest score is leave one writer out: each
writer's texts scored by the model fitted without them; ``rules_performance`` and ``family_table`` read
it from the committed table (``tools/build_preference_scores.py``) beside the in-sample score and the
scores recorded once (a new writer's first contact, a sealed set); ``headline_scores`` names the one
``h2gender scan`` and the report state.

A scikit-learn classifier (``train_classifier``) learns explicit preference from the project's
template sentences (``toolkit/data/job_order_sentences.csv``: authored from job-order-style
templates, not real job orders); a quarter of each template family is held out. Held-out
sentences are unseen but their templates are not, so its scores there are optimistic.
``scan_job_orders`` applies the rules (and optionally the model: flagged = rule OR probability >=
0.5) to a case table and reports per-entity rates with example snippets; entities with fewer than k
job orders are suppressed.

References
----------
Gaucher, D., Friesen, J., & Kay, A. C. (2011). Evidence that gendered wording in job
advertisements exists and sustains gender inequality. Journal of Personality and Social
Psychology, 101(1), 109-128.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd
import re2
import yaml

from toolkit import disclosure, preference, schema
from toolkit.labelled_sets import (EVALUATION_SETS, load_blind_set, load_challenge_set, load_dev_set,
                                    load_evaluation_set, load_job_order_blind_set)

__all__ = ["writers_words_key", "detect_sex_preference", "sex_coded_requirements", "gendered_wording", "sex_filter_requirements",
           "load_labelled", "load_challenge_set", "load_job_order_blind_set", "load_dev_set", "load_blind_set",
           "load_evaluation_set", "evaluate", "evaluation_table", "family_table",
           "headline_scores", "scores_named", "score_writers", "SCORE_FITS",
           "rules_performance", "train_classifier", "classify", "scan_job_orders", "scan_texts", "guess_language",
           "redact", "scan_line", "Classifier", "EVALUATION_SETS", "SCORE_WRITERS", "MATCH_CONTEXT", "GUESS_CHARS"]

# ------------------------------------------------------------------------------------------------
# explicit preferences: ``toolkit.preference`` (sex references, then the frame they sit in)
_fold = preference._fold


def _as_series(texts: Iterable[str] | pd.Series) -> pd.Series:
    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype="object")
    return s.astype("string").fillna("")


#: characters of context either side of the deciding reference in ``match``
MATCH_CONTEXT = 40


def detect_sex_preference(texts: Iterable[str] | pd.Series, *, model: "preference.Model | None" = None
                          ) -> pd.DataFrame:
    """Explicit sex preferences, requirements, exclusions, quotas, pay or fee differences and body or
    marital filters tied to a sex, in recruitment text (``toolkit.preference``).

    Stage 1 finds every sex-marked person reference (nouns, adjectives, pronouns, Spanish feminine job
    titles, diminutives, regional words, misspellings); stage 2 scores the frame they sit in with a
    logistic regression fitted on the committed labelled sets. A text without a sex reference is never
    flagged. Scores on text no model saw: ``rules_performance`` (leave one writer out).

    Returns, per text: ``flag``; ``preferred_sex`` ("M", "F" or NA; for an unflagged text with a job
    title marked for a sex, that sex); ``kind`` ("explicit" when flagged, "title" for a sex-marked job
    title that is not flagged, such as "foreman", else NA); ``rule`` (the frame of the deciding
    reference: quota, pay, marital, body, exclusion, only, requirement, preference, recruiting, title,
    other); ``confidence`` ("high" at probability >= 0.8, else "medium"); ``probability``; ``match``
    (the deciding reference with up to ``MATCH_CONTEXT`` characters either side) and
    ``both_sexes_welcome`` (both sexes named together: "hombres y mujeres").

    Examples
    --------
    >>> detect_sex_preference(["Requisitos: varón, 20-45 años", "Sexo: indistinto",
    ...                        "Mujeres abstenerse"])[["flag", "preferred_sex"]]
        flag preferred_sex
    0   True             M
    1  False          <NA>
    2   True             M
    """
    s = _as_series(texts)
    found = preference.detect(s, model=model)
    flag = found["flag"].to_numpy()
    title = found["kind"].isin(["ftitle", "mtitle"]).to_numpy() & ~flag
    match = [t[max(0, a - MATCH_CONTEXT):b + MATCH_CONTEXT].strip() if (f or tt) and a >= 0 else pd.NA
             for t, a, b, f, tt in zip(s.tolist(), found["start"], found["end"], flag, title)]
    out = pd.DataFrame({
        "flag": flag, "preferred_sex": found["sex"].where(flag | title),
        "kind": pd.array(np.where(flag, "explicit", np.where(title, "title", None)), dtype="string"),
        "rule": found["frame"].where(found["flag"]).astype("string"),
        "confidence": pd.array(np.where(flag, np.where(found["probability"] >= 0.8, "high", "medium"), None),
                               dtype="string"),
        "probability": found["probability"].to_numpy(),
        "match": pd.array(match, dtype="string"), "both_sexes_welcome": found["both_sexes"].to_numpy()},
        index=s.index)
    return out.astype({"flag": bool, "both_sexes_welcome": bool})


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


_MONTHS_ES = r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
_WEIGHT = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d+)?)\s*-?\s*(lbs?|pounds?|libras?|kgs?|kilos?|kilogramos?)\b")
_AGE_RANGE = re.compile(r"(?<![\d$.,:/])(1[6-9]|[2-6]\d)\s*(?:-|–|a|to|y|and|hasta)\s*([2-7]\d)(?![\d%$:/])(?![.,]\d)"
                        rf"(?!\s*(?:lbs?|libras|kgs?|kilos|horas|hours|hrs|dolares|dlls|dollars|usd|cents|centavos|"
                        rf"pounds|millas|miles|cajas|boxes|cubetas|buckets|am|pm|de\s+(?:{_MONTHS_ES})))")
_AGE_MAX = re.compile(r"\b(?:under|below|younger\s+than|not\s+older\s+than|no\s+older\s+than|menor(?:es)?\s+de|"
                      r"no\s+mayor(?:es)?\s+de|edad\s+maxima(?:\s+de)?|max(?:imum)?\.?\s+age(?:\s+of)?|age\s+limit"
                      r"(?:\s+of)?)\s*:?\s*([3-6]\d)\b")
_CODED = [  # (reason, pattern) on folded text; lifting and age are checked against thresholds below
    ("strength", re.compile(r"\b(?:physically\s+strong|fuerza\s+fisica|buena\s+condicion\s+fisica|good\s+physical\s+"
                            r"condition|able[- ]bodied|robust[oa]s?|(?:be|ser|sean|estar)\s+(?:muy\s+)?(?:fuertes?|"
                            r"strong)|strong\s+(?:\w+\s+)?(?:men|workers|guys|people|persons|back|hands|laborers|boys|"
                            r"women)|(?:personas?|gente|trabajador(?:es|as)?|hombres?|mujeres?|varones|muchach[oa]s|"
                            r"chav[oa]s|compas|workers?|men|guys|people)\s+(?:\w+\s+(?:y\s+)?)?fuertes?)\b|"
                            r"(?:^|[,;:•✔✅-])\s*(?:fuertes?|strong)\s*(?=[,;.]|$)")),
    ("height", re.compile(r"\b(?:estatura\s+minima|minimum\s+height|medir\s+(?:al\s+menos|mas\s+de|minimo)|at\s+least\s+"
                          r"\d\s*(?:ft|feet|')|\d\s*'\s*\d{1,2}\s*(?:\"|in\b|inches)|1[.,][5-9]\d\s*(?:m|mts|metros)\b)")),
]


def _coded_one(text: str, min_lift_lbs: float) -> dict:
    """``sex_coded_requirements`` of one text."""
    folded = _fold(text)
    found: dict[str, re.Match] = {}
    # each pattern runs only when a word it needs is in the text (a substring test in C), and
    # none can backtrack without bound, so the cost stays linear in the text
    if any(u in folded for u in _GATES["weight"]):
        for m in _WEIGHT.finditer(folded):
            v = float(m.group(1).replace(",", "."))
            if (v * 2.20462 if m.group(2).startswith("k") else v) >= min_lift_lbs:
                found["lifting"] = m
                break
    for m in _AGE_RANGE.finditer(folded):
        if int(m.group(2)) - int(m.group(1)) >= 5:
            found["age_limit"] = m
            break
    else:
        m = _AGE_MAX.search(folded) if any(u in folded for u in _GATES["age_max"]) else None
        if m:
            found["age_limit"] = m
    for reason, rx in _CODED:
        m = rx.search(folded) if any(u in folded for u in _GATES[reason]) else None
        if m:
            found[reason] = m
    first = min(found.values(), key=lambda m: m.start()) if found else None
    return {"sex_coded": bool(found), "reasons": ";".join(found) if found else pd.NA,
            "match": text[first.start():first.end()].strip() if first else pd.NA}


#: words one of which each pattern of ``sex_coded_requirements`` needs (on folded text)
_GATES = {"weight": ("lb", "pound", "libra", "kg", "kilo"),
          "age_max": ("under", "below", "younger", "older", "menor", "mayor", "edad", "max", "age"),
          "strength": ("fuerte", "strong", "robust", "bodied", "fisica", "physical"),
          "height": ("estatura", "height", "medir", "least", "'", "1.", "1,")}


def sex_coded_requirements(texts: Iterable[str] | pd.Series, *, min_lift_lbs: float = 20.0) -> pd.DataFrame:
    """Requirements that are sex-coded in effect, kept apart from explicit preferences.

    A requirement is sex-coded when it screens out more women than men without naming a sex:
    a lifting or carrying threshold of at least ``min_lift_lbs`` pounds (kg at 2.20462 lb/kg;
    any weight stated in the text counts), an upper age limit (a range such as "20-45 años" or
    "under 40", which bears on women whose child-rearing years delay migration), a demand for
    strength ("strong workers", "gente fuerte", "buena condición física") or a minimum height.
    Minimum ages ("at least 18") are not sex-coded. ``detect_sex_preference`` never counts these:
    a line can be sex-coded, an explicit preference, both or neither.

    Parameters
    ----------
    texts : iterable of str or pandas.Series
    min_lift_lbs : float, keyword-only
        Smallest stated weight, in pounds, that counts as a lifting threshold (must be positive).

    Returns
    -------
    pandas.DataFrame
        Per text: ``sex_coded`` (bool), ``reasons`` (the reasons found, joined by ";", in the order
        lifting, age_limit, strength, height; NA when none) and ``match`` (the first matched words).

    Examples
    --------
    >>> sex_coded_requirements(["Debe levantar 25 kg", "Edad: 18 a 45 años, gente fuerte",
    ...                         "Workers must be at least 18"])["reasons"].tolist()
    ['lifting', 'age_limit;strength', <NA>]
    """
    if isinstance(min_lift_lbs, bool) or not isinstance(min_lift_lbs, (int, float)) or not min_lift_lbs > 0:
        raise ValueError(f"min_lift_lbs must be a positive number, got {min_lift_lbs!r}")
    s = _as_series(texts)
    rows = [_coded_one(text, min_lift_lbs) for text in s.tolist()]
    out = pd.DataFrame(rows, index=s.index, columns=["sex_coded", "reasons", "match"])
    return out.astype({"sex_coded": bool, "reasons": "string", "match": "string"})

# ------------------------------------------------------------------------------------------------
# posts and messages that users bring (``h2gender scan``)
_ES_WORDS = frozenset("de la que el en y los las se para por con una un es del al hay solo mujeres hombres trabajo "
                      "pago horas vivienda ocupo ocupamos buscamos necesitamos requisitos sexo edad anos pa nomas "
                      "puros puras damas caballeros chamba jale salida aqui mas tambien muy pero como".split())
_EN_WORDS = frozenset("the and for to of with is are we you job work only men women hiring need needed must be "
                      "pay hours housing wanted looking apply age sex ladies guys this that will our your".split())
# the local part starts where a run of its characters starts, so each run is read once
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"(?<![\w@])@\w{3,}")
_PHONE_RUN = re.compile(r"[\d\s().+\-]{7,}")
_PHONE_START = re.compile(r"(?<!\w)\d")
_PHONE_SEPARATORS = " \t\n\r\f\v().+-"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NAME = r"[A-ZÁÉÍÓÚÑ][\wáéíóúñü'’-]+(?:\s+(?:de\s+(?:la\s+|los\s+)?)?[A-ZÁÉÍÓÚÑ][\wáéíóúñü'’-]+){0,4}"
_NAMED = re.compile(rf"((?i:\b(?:Sr|Sra|Srta|Mr|Mrs|Ms|Miss|Don|Doña|Dona|Lic|Ing|Prof|Dr|Dra)\.?\s+|"
                    rf"\b(?:me\s+llamo|mi\s+nombre\s+es|my\s+name\s+is|soy|i\s+am|i['’]m|this\s+is|"
                    rf"(?:ll[aá]m(?:ar|en|e)|contact(?:ar|e|en|a|ing)?|preguntar?\s+por|pregunten\s+por|ask\s+for|"
                    rf"call|text|habl(?:ar|en|e)\s+con|comun[ií]quese\s+con|comunicarse\s+con|escr[ií]b(?:ir|an|e)\s+a)"
                    rf"(?:\s+(?:a|al|with|to))?|atte\.?|att\.?:?|saludos,?|cordialmente,?|regards,?)\s+))({_NAME})")


# whether a name cue is there at all: re2 runs in time linear in the text (no backtracking)
_NAMED_RE2 = re2.compile(_NAMED.pattern)


#: characters of a text read to guess its language (the first ones)
GUESS_CHARS = 2000
_LETTERS = re.compile(r"[a-zñ]+")


def _guess_one(text: str):
    """``guess_language`` of one text."""
    words = _LETTERS.findall(_fold(text[:GUESS_CHARS]))
    es, en = sum(w in _ES_WORDS for w in words), sum(w in _EN_WORDS for w in words)
    if es == en:  # no common word decides: Spanish and English endings, then Spanish letters
        es = sum(w.endswith(("as", "os", "cion", "ciones", "ar", "ir", "idad", "mente")) for w in words)
        en = sum(w.endswith(("ing", "ed", "tion", "ly", "ers")) for w in words)
    if not text.strip():
        return pd.NA
    return "es" if es > en or (es == en and re.search(r"[ñáéíóú¿¡]", text[:GUESS_CHARS].lower())) else "en"


def guess_language(texts: Iterable[str] | pd.Series) -> pd.Series:
    """"en" or "es" per text, by which language's common words it uses more in its first
    ``GUESS_CHARS`` characters; on a tie, by Spanish and English word endings ("-as", "-ción" against
    "-ing", "-ed"), then "es" when the text has a Spanish letter such as "ñ" or an accented vowel,
    else "en"; NA for an empty text.

    Examples
    --------
    >>> guess_language(["Ocupo 30 hombres pa la pizca", "Men needed for the harvest"]).tolist()
    ['es', 'en']
    """
    s = _as_series(texts)
    out = [_guess_one(text) for text in s.tolist()]
    return pd.Series(out, index=s.index, dtype="string")


def redact(texts: Iterable[str] | pd.Series) -> pd.Series:
    """Texts with e-mail addresses, @handles, phone numbers (7 or more digits) and personal names
    replaced by "[email]", "[handle]", "[phone]" and "[name]".

    A name is a run of capitalised words after a title ("Sra.", "Mr.", "Don") or after words that
    introduce one ("me llamo", "my name is", "llamar a", "contact", "preguntar por", "Atte."). Names
    written without such a cue are not found: redaction lowers, not removes, the risk of passing on
    an identifying text.

    Examples
    --------
    >>> redact(["Llamar a Juan Pérez al (956) 555-0142 o juan@example.com"]).tolist()
    ['Llamar a [name] al [phone] o [email]']
    """
    s = _as_series(texts)
    return pd.Series([_redact_one(t) for t in s.tolist()], index=s.index, dtype="string")


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _phones(text: str) -> list[tuple[int, int]]:
    """Spans of phone numbers: in each run of digits, spaces and ( ) . - +, from the first digit not
    preceded by a letter or digit (with a "+" or "(" just before it) to the last digit not followed by
    one, when that holds 7 or more digits and is not an ISO date. Each run is read a bounded number of
    times (C-level searches), so the cost is linear in the text."""
    out = []
    for run in _PHONE_RUN.finditer(text):
        a, b = run.span()
        first = _PHONE_START.search(text, a, b)
        if first is None:
            continue
        start = first.start()
        if b < len(text) and _is_word_char(text[b]):  # the last digit group runs into a word
            b = a + len(text[a:b].rstrip("0123456789"))
        end = a + len(text[a:b].rstrip(_PHONE_SEPARATORS))  # one past the last digit
        if end - start < 7:
            continue
        for prefix in "(+":
            if start > a and text[start - 1] == prefix and (start - 1 == 0 or not _is_word_char(text[start - 2])):
                start -= 1
        piece = text[start:end]
        if sum(c.isdigit() for c in piece) >= 7 and not _ISO_DATE.fullmatch(piece.strip()):
            out.append((start, end))
    return out


def _redact_one(text: str) -> str:
    """``redact`` of one text. Each pattern is tried only where it can start (an "@", a run of phone
    characters, a cue word found by re2), so the cost is linear in the text."""
    if "@" in text:
        text = _EMAIL.sub("[email]", text)
        text = _HANDLE.sub("[handle]", text)
    spans = _phones(text)
    for a, b in reversed(spans):
        text = text[:a] + "[phone]" + text[b:]
    if _NAMED_RE2.search(text) is not None:
        text = _NAMED.sub(lambda m: f"{m.group(1)}[name]", text)
    return text


def scan_line(text: str, *, model: "preference.Model | None" = None) -> tuple:
    """The work ``scan_texts`` does on one text, without assembling tables: its language, the
    detector's decision (``preference._decide``), the sex-coded requirements and the redacted text.
    Every step is linear in the text (see ``toolkit.preference``), so this is what bounds the time of
    one long line; ``scan_texts`` adds a fixed cost per call for its tables."""
    return (_guess_one(text), preference._decide(text, model or preference.default_model()),
            _coded_one(text, 20.0), _redact_one(text))


def scan_texts(texts: Iterable[str] | pd.Series, *, lang: str | None = None) -> pd.DataFrame:
    """Preferences and sex-coded requirements in free texts (posts, messages, job-order lines).

    Per text: ``lang`` (``lang`` if given, else ``guess_language``), the columns of
    ``detect_sex_preference`` (``flag`` renamed ``preference``) and of ``sex_coded_requirements``
    (``match`` renamed ``coded_match``), ``flagged`` (a preference or a sex-coded requirement), and
    ``text``, ``match`` and ``coded_match`` passed through ``redact``, so no phone number, e-mail or
    cued personal name leaves this function.

    Parameters
    ----------
    texts : iterable of str or pandas.Series
    lang : {None, "en", "es"}, keyword-only
        The language of every text; None to guess it per text.
    """
    if lang not in (None, "en", "es"):
        raise ValueError(f"lang must be one of [None, 'en', 'es'], got {lang!r}")
    s = _as_series(texts)
    found = detect_sex_preference(s).rename(columns={"flag": "preference"})
    coded = sex_coded_requirements(s).rename(columns={"match": "coded_match"})
    out = pd.concat([found.drop(columns="both_sexes_welcome"), coded], axis=1)
    out.insert(0, "lang", guess_language(s) if lang is None else pd.Series(lang, index=s.index, dtype="string"))
    out["flagged"] = out["preference"] | out["sex_coded"]
    for col in ("match", "coded_match"):
        out[col] = redact(out[col].fillna("")).replace("", pd.NA)
    out["text"] = redact(s)
    return out

# ------------------------------------------------------------------------------------------------
# classifier
def load_labelled() -> pd.DataFrame:
    """The project's labelled job-order sentences (see ``tools/build_job_order_sentences.py``)."""
    text = resources.files("toolkit").joinpath("data", "job_order_sentences.csv").open(encoding="utf-8")
    with text as fh:
        return pd.read_csv(fh, dtype={"preferred_sex": "string"}, keep_default_na=False)


def evaluation_table(model: "Classifier | None" = None, *, seed: int = 0,
                     sets: Sequence[str] | None = None) -> pd.DataFrame:
    """Precision and recall of the rules and the classifier on every labelled set, by language.

    Sets, from most to least optimistic: ``templates`` (the held-out split of the template
    sentences the classifier is trained on), ``dev`` and ``dev_heldout`` (the development set the
    rules were written on, and its held-out quarter), ``challenge`` (hand-written; the rules were
    revised on it), ``job_order_blind`` (the first blind set; the rules were not revised on it) and
    ``blind`` (written by an author who saw neither the rules nor the development set; nothing was
    tuned on it: the honest estimate). On the recruitment sets, method ``sex_coded`` scores
    ``sex_coded_requirements`` against the ``sex_coded`` column. Formulas as in ``evaluate``.

    Parameters
    ----------
    model : Classifier, optional
        A trained classifier; by default ``train_classifier(seed=seed)``.
    seed : int
        Seed of the default classifier.
    sets : sequence of str, optional
        Only these sets (names of ``EVALUATION_SETS`` and "templates"); default all whose files exist.

    Returns
    -------
    pandas.DataFrame
        One row per set, method ("rules", "classifier", "sex_coded") and language, with ``n``,
        ``positives``, ``precision``, ``recall`` and ``f1``.
    """
    names = ["templates", *EVALUATION_SETS]
    if sets is None:
        sets = [s for s in names if s == "templates" or _available(s)]
    bad = [s for s in sets if s not in names]
    if bad:
        raise ValueError(f"sets must be among {names}, got {bad}")
    model = model or train_classifier(seed=seed)
    rows = []
    for name in sets:
        if name == "templates":
            labelled = load_labelled()
            data = labelled[labelled["split"] == "heldout"][["text", "lang", "label"]]
        else:
            data = load_evaluation_set(name)
        flags = {"rules": detect_sex_preference(data["text"])["flag"].to_numpy(),
                 "classifier": classify(data["text"], model)["flag"].to_numpy()}
        truth = {"rules": data, "classifier": data}
        if "sex_coded" in data.columns:
            flags["sex_coded"] = sex_coded_requirements(data["text"])["sex_coded"].to_numpy()
            truth["sex_coded"] = data.assign(label=data["sex_coded"])
        for method, flag in flags.items():
            for code, est in _by_language(flag, truth[method]).items():
                rows.append({"set": name, "method": method, "lang": code, "n": int(est["n"]),
                             "positives": int(est["tp"] + est["fn"]), "precision": est["precision"],
                             "recall": est["recall"], "f1": est["f1"]})
    return pd.DataFrame(rows)


def _available(name: str) -> bool:
    return resources.files("toolkit").joinpath("data", EVALUATION_SETS[name][0]).is_file()


@lru_cache(maxsize=1)
def _scores() -> pd.DataFrame:
    fh = resources.files("toolkit").joinpath("data", "recruitment_writers", "scores.csv").open(encoding="utf-8")
    with fh:
        return pd.read_csv(fh, dtype={"writer": "string", "lang": "string", "family": "string", "fit": "string"})


#: writers of the leave-one-writer-out rows of the committed score table: the six of issue 26, the
#: older sets, and the pools
SCORE_WRITERS = ("A", "B", "C", "D", "E", "F", "challenge", "job_order_blind", "dev", "blind", "new", "all")
#: kinds of score in the committed table: leave one writer out, in sample, and recorded once
SCORE_FITS = ("blind", "in_sample", "first_contact", "sealed")


def _score_rows(name: str, fit: str) -> pd.DataFrame:
    if fit not in SCORE_FITS:
        raise ValueError(f"fit must be one of {list(SCORE_FITS)}, got {fit!r}")
    t = _scores()
    t = t[t["fit"] == fit]
    names = list(dict.fromkeys(t["writer"]))
    if name not in names:
        raise ValueError(f"name must be one of {names} for fit {fit!r}, got {name!r}")
    return t[t["writer"] == name]


def headline_scores() -> tuple[str, str]:
    """(name, fit) of the scores ``h2gender scan`` and the report state: those of a sealed set when
    one was recorded (``tools/score_sealed.py --record sealed``: ``("all", "sealed")``), else leave one
    writer out over the independent writers' corpora (``("new", "blind")``)."""
    return ("all", "sealed") if (_scores()["fit"] == "sealed").any() else ("new", "blind")


def scores_named(name: str | None, fit: str | None) -> tuple[str, str]:
    """``name`` and ``fit`` with the defaults of ``headline_scores`` (a pool of another fit: "new"; a
    set named without a fit: the headline fit when it holds that set, else "blind")."""
    head = headline_scores()
    if fit is None:  # a set named alone is scored blind unless the headline fit holds it (a sealed set)
        held = set(_scores().loc[_scores()["fit"] == head[1], "writer"])
        fit = head[1] if name is None or name in held else "blind"
    return name or (head[0] if fit == head[1] else "new"), fit


def score_writers(name: str | None = None, *, fit: str | None = None) -> int:
    """How many writers stand behind a row of the committed table (``headline_scores`` by default): 1
    for a writer, the writers of a pool ("new": the corpora of ``preference.writer_files``; "all": every
    writer of that ``fit``)."""
    name, fit = scores_named(name, fit)
    t = _score_rows(name, fit)
    if name == "new":
        return len(preference.writer_files())
    if name != "all":
        return 1
    every = _scores()
    return int(every.loc[(every["fit"] == fit) & ~every["writer"].isin(["all", "new"]), "writer"].nunique()) or len(t)


def writers_words_key(writers: int, fit: str) -> str | None:
    """The locale key that counts a score's writers in words, as the sealed wording does ("by one
    writer", "by 3 writers"), or None where the wording takes a bare number (leave one writer out: "by
    6 people who had never seen it"). One rule for ``h2gender scan`` and the report's note."""
    if fit != "sealed":
        return None
    return "count_writers_one" if writers == 1 else "count_writers"


def family_table(name: str | None = None, *, fit: str | None = None) -> pd.DataFrame:
    """Scores of the detector on one writer's texts (or a pool: "new" = the writers A to F of issue 26,
    "all"), by language and family, from the committed table ``recruitment_writers/scores.csv``
    (``tools/build_preference_scores.py``); by default those of ``headline_scores``.

    ``fit="blind"``: scored by the model fitted without that writer (leave one writer out), the
    honest estimate on text nobody tuned it to; ``fit="in_sample"``: by the model fitted on every
    writer; ``fit="first_contact"`` and ``"sealed"``: recorded once (a new writer's texts scored by the
    detector before it was revised on them; a set nobody on the project read). Per language and
    ``family``: ``n``, ``positives``, ``flagged``, ``tp``, ``fp``, ``fn``, ``precision`` = tp / flagged,
    ``recall`` = tp / positives, ``f1`` (NaN when the denominator is 0: a family of negatives has no
    recall, only false alarms). Rows sorted by language and family.
    """
    name, fit = scores_named(name, fit)
    t = _score_rows(name, fit)
    t = t[t["family"] != "all"]
    return t.drop(columns=["fit", "writer"]).sort_values(["lang", "family"]).reset_index(drop=True)


def _by_language(flag: np.ndarray, data: pd.DataFrame) -> dict[str, pd.Series]:
    """``evaluate`` of ``flag`` against ``data["label"]`` for the English and the Spanish rows."""
    label = data["label"].astype(int).to_numpy()
    return {code: evaluate(flag[keep], label[keep])["est"]
            for code in ("en", "es") for keep in [(data["lang"] == code).to_numpy()]}


def rules_performance(name: str | None = None, *, fit: str | None = None) -> pd.DataFrame:
    """Precision and recall of ``detect_sex_preference`` on one writer's texts, by language (index
    ``lang``; columns ``n``, ``tp``, ``fp``, ``fn``, ``precision``, ``recall``, ``f1``).

    By default the scores of ``headline_scores``: a sealed set when one was recorded, else the pooled
    writers A to F of issue 26, who never saw the detector, each scored by the model fitted without
    that writer (``fit="blind"``, leave one writer out): how much it misses (recall) and how much of
    what it flags is real (precision) on text nobody tuned it to, so that a count of flagged job orders
    is read as a lower bound only as far as the precision allows. Read from the committed table
    (``family_table``); ``name`` and ``fit`` as there.
    """
    name, fit = scores_named(name, fit)
    t = _score_rows(name, fit)
    t = t[t["family"] == "all"]
    return t.set_index("lang")[["n", "tp", "fp", "fn", "precision", "recall", "f1"]].rename_axis("lang").copy()


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
                    by: str = "program", model: Classifier | None = None, k: int = disclosure.K_DEFAULT,
                    examples: int = 2) -> pd.DataFrame:
    """Share of job orders with an explicit sex preference, per ``by`` (program, employer, agent).

    A job order is flagged when the rules find an explicit preference in any of ``text_cols``
    (or, with ``model``, when its probability is at least 0.5). Returns ``by``, ``job_orders``,
    ``flagged``, ``rate``, ``prefers_women``, ``prefers_men`` and up to ``examples`` example
    snippets (job-order text is a public record; no worker data). Groups with fewer than ``k``
    job orders are suppressed (``disclosure.hide_small_counts``). ``with_text`` counts the job orders that
    carry more than a title: text in a column of ``text_cols`` other than ``job_title`` that is not
    a placeholder such as "NONE" (most DOL files before FY2020 have titles only).
    """
    missing = [c for c in [*text_cols, by] if c not in cases.columns]
    if missing:
        raise KeyError(f"scan_job_orders: column(s) {missing} not in cases")
    cols = [cases[c].astype("string").fillna("") for c in text_cols]
    text = cols[0].str.cat(cols[1:], sep=" ").str.strip() if cols else pd.Series("", index=cases.index, dtype="string")
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
    out = disclosure.hide_small_counts(out, ["job_orders"], k=k,
                           dependent=["with_text", "flagged", "rate", "prefers_women", "prefers_men"])
    out.loc[out["suppressed"], "examples"] = ""
    return schema.mark_synthetic(out, cases)
